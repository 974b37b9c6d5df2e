"""Forms of the directory's staff pages. They validate input only: writes go through trama.directory.services,
whose ApplicationError becomes a form error (`trama.core.pages.apply_error`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from trama.directory.models import (
    TRANSLATABLE_FIELDS,
    DocumentKind,
    Location,
    LocationType,
    PhoneType,
    Service,
    ServiceAtLocation,
    TargetGroup,
    TaxonomyTerm,
    Weekday,
)
from trama.network.forms import DATE_WIDGET, InputModelForm, limit_choices
from trama.network.models import Organisation
from trama.territory.models import Area, AreaKind
from trama.territory.selectors import HEAVY

NEEDS_TAXONOMY = "bisogni"
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

# The flags people ask about first, in the order the form shows them.
FLAG_FIELDS = ("requires_residency", "requires_documents", "requires_isee", "requires_appointment", "is_free")


def needs_terms() -> QuerySet[TaxonomyTerm]:
    return (TaxonomyTerm.objects.filter(taxonomy__code=NEEDS_TAXONOMY)
            .select_related("parent").order_by("position", "code"))


class TermChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Needs terms, children indented under their parent, labelled in the current language."""

    def label_from_instance(self, obj: TaxonomyTerm) -> str:  # type: ignore[override]
        from django.utils.translation import get_language

        label = obj.label(get_language())
        return f"— {label}" if obj.parent_id else label


class LabelledChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: TargetGroup) -> str:  # type: ignore[override]
        from django.utils.translation import get_language

        return obj.label(get_language())


class ServiceForm(InputModelForm):
    """A service's own fields, who it is for, its needs terms and its flags."""

    url = forms.URLField(label=_("Sito web"), required=False, assume_scheme="https")
    target_groups = LabelledChoiceField(
        label=_("Destinatari"), required=False, queryset=TargetGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    needs = TermChoiceField(
        label=_("Bisogni a cui risponde"), required=False, queryset=TaxonomyTerm.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = Service
        fields = [
            "organisation", "maintainer", "name", "alternate_name", "status", "description", "application_process",
            "eligibility_description", "minimum_age", "maximum_age", "target_groups", "needs", *FLAG_FIELDS,
            "fees_description", "interpretation_services", "url", "email", "alert", "is_public",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "application_process": forms.Textarea(attrs={"rows": 3}),
            "eligibility_description": forms.Textarea(attrs={"rows": 3}),
            "fees_description": forms.Textarea(attrs={"rows": 2}),
            "interpretation_services": forms.Textarea(attrs={"rows": 2}),
            "alert": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "requires_residency": _("Serve la residenza"),
            "requires_documents": _("Servono documenti / permesso di soggiorno"),
            "requires_isee": _("Serve l'ISEE"),
            "requires_appointment": _("Serve appuntamento"),
            "is_free": _("Gratuito"),
            "is_public": _("Pubblico (visibile sul portale se attivo)"),
        }
        help_texts = {
            "maintainer": _("L'organizzazione che tiene aggiornata la scheda e la verifica."),
            "alert": _("Un avviso temporaneo, per esempio una chiusura straordinaria."),
        }

    SECTIONS = (
        (_("Il servizio"), ("name", "alternate_name", "organisation", "maintainer", "status", "description",
                            "application_process", "url", "email", "alert", "is_public")),
        (_("Per chi"), ("minimum_age", "maximum_age", "target_groups", "eligibility_description")),
        (_("Condizioni di accesso"), (*FLAG_FIELDS, "fees_description", "interpretation_services")),
        (_("Bisogni"), ("needs",)),
    )

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(title), [self[name] for name in names if name in self.fields])
                for title, names in self.SECTIONS]

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], maintainers: QuerySet[Organisation],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["organisation"], organisations)
        limit_choices(self.fields["maintainer"], maintainers)
        limit_choices(self.fields["target_groups"], TargetGroup.objects.order_by("position", "code"))
        limit_choices(self.fields["needs"], needs_terms())
        self.fields["organisation"].label = _("Ente erogatore")
        if self.instance.pk:
            self.initial.setdefault("needs", [
                a.term_id for a in self.instance.attributes.filter(term__taxonomy__code=NEEDS_TAXONOMY)
            ])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", _("L'età massima deve essere almeno uguale a quella minima."))
        return data


class LocationAddForm(forms.Form):
    """Where the service is offered: a place already kept by the maintainer, or a new one."""

    existing = forms.ModelChoiceField(
        label=_("Sede già registrata"), required=False, queryset=Location.objects.none(),
        empty_label=_("— nuova sede —"),
        help_text=_("Scegli una sede della tua organizzazione oppure compila i campi qui sotto."),
    )
    name = forms.CharField(label=_("Nome della sede"), required=False, max_length=250)
    location_type = forms.ChoiceField(
        label=_("Tipo"), choices=[(LocationType.PHYSICAL, LocationType.PHYSICAL.label),
                                  (LocationType.VIRTUAL, LocationType.VIRTUAL.label)],
        initial=LocationType.PHYSICAL, widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    address_text = forms.CharField(label=_("Indirizzo"), required=False, max_length=300,
                                   help_text=_("Via e numero civico, per esempio «Via Padova 36»."))
    url = forms.URLField(label=_("Indirizzo web (sede online)"), required=False, assume_scheme="https")
    confidential_address = forms.BooleanField(
        label=_("Indirizzo riservato (casa rifugio, struttura protetta)"), required=False,
        help_text=_("L'indirizzo sarà visibile solo alla tua organizzazione e al coordinamento cittadino."),
    )
    allow_unlocated = forms.BooleanField(
        label=_("Salva anche se l'indirizzo non è a Milano (senza posizione sulla mappa)"), required=False,
    )
    transportation = forms.CharField(label=_("Come arrivare"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(label=_("Note su questa sede"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("Per esempio: «sportello al piano terra, chiedere in portineria»."))

    def __init__(self, *args: Any, locations: QuerySet[Location], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["existing"], locations)
        if not locations.exists():
            del self.fields["existing"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("existing"):
            return data
        if not (data.get("name") or "").strip():
            self.add_error("name", _("Indica il nome della sede."))
        if data.get("location_type") == LocationType.VIRTUAL:
            if not data.get("url"):
                self.add_error("url", _("Indica l'indirizzo web della sede online."))
        elif not (data.get("address_text") or "").strip():
            self.add_error("address_text", _("Indica l'indirizzo della sede."))
        return data


# --- Schedules ------------------------------------------------------------------------------------


class WindowForm(forms.Form):
    """One weekly opening window: a day, opening and closing time. Several rows may share a day."""

    day = forms.ChoiceField(label=_("Giorno"), choices=[("", "—"), *Weekday.choices], required=False)
    opens_at = forms.TimeField(label=_("Apre alle"), required=False, widget=TIME_WIDGET)
    closes_at = forms.TimeField(label=_("Chiude alle"), required=False, widget=TIME_WIDGET)
    notes = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank(data):
            return data
        for name, message in (("day", _("Scegli il giorno.")), ("opens_at", _("Indica l'ora di apertura.")),
                              ("closes_at", _("Indica l'ora di chiusura."))):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("La chiusura (%(closes)s) deve seguire l'apertura (%(opens)s).")
                           % {"closes": closes.strftime("%H:%M"), "opens": opens.strftime("%H:%M")})
        return data

    @staticmethod
    def is_blank(data: dict[str, Any]) -> bool:
        return not any(data.get(name) for name in ("day", "opens_at", "closes_at", "notes"))


class BaseWindowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def windows(self) -> list[dict[str, Any]]:
        """The filled, not deleted rows, in the order entered."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or WindowForm.is_blank(data) or data.get("DELETE"):
                continue
            rows.append(data)
        return rows


WindowFormSet = forms.formset_factory(WindowForm, formset=BaseWindowFormSet, extra=2, can_delete=True,
                                      max_num=60, validate_max=True)


class ClosureForm(forms.Form):
    SERVICE, LOCATION = "service", "location"

    start_date = forms.DateField(label=_("Dal"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("Al"), required=False, widget=DATE_WIDGET,
                               help_text=_("Lascia vuoto per un solo giorno."))
    reason = forms.CharField(label=_("Motivo"), required=False, max_length=200,
                             help_text=_("Per esempio «Festività natalizie»."))
    scope = forms.ChoiceField(label=_("Che cosa chiude"), initial=SERVICE, choices=[],
                              widget=forms.RadioSelect(attrs={"class": "form-check-input"}))

    def __init__(self, *args: Any, location: Location, can_close_location: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [(self.SERVICE, _("Il servizio, in tutte le sedi"))]
        if can_close_location:
            choices.append((self.LOCATION, _("La sede «%(name)s», per tutti i servizi") % {"name": location.name}))
        self.fields["scope"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("end_date", _("La chiusura finisce prima di cominciare."))
        last = end if isinstance(end, dt.date) else start
        if isinstance(last, dt.date) and last < timezone.localdate():
            # The page lists the closures to come: one already over would be saved out of sight.
            self.add_error("end_date" if isinstance(end, dt.date) else "start_date",
                           _("Questa chiusura è già finita: controlla le date."))
        return data


# --- Details: phones, contacts, languages, costs, documents, areas, accessibility, action lines -----

# Characters people type between the digits of a phone number: "02 1234.5678", "(02) 123-456", "340/1234567".
_PHONE_SEPARATORS = re.compile(r"[\s./()\-]+")
_PHONE_ALLOWED = re.compile(r"^\+?[\d\s./()\-]+$")
PHONE_EXAMPLE = "02 8845 1234, +39 340 123 4567, 800 123 456"


def clean_phone_number(value: str) -> str:
    """An Italian number (landline 0…, mobile 3…, toll-free 80…, public utility 1…), with or without +39, or an
    international one (+ and country code). Returns it with the separators made single spaces; raises a
    ValidationError in Italian otherwise."""
    text = " ".join(value.split())
    invalid = forms.ValidationError(
        _("Numero di telefono non valido: usa solo cifre e spazi, per esempio %(example)s."),
        params={"example": PHONE_EXAMPLE}, code="invalid_phone",
    )
    if not text:
        raise forms.ValidationError(_("Indica il numero di telefono."), code="required")
    if text.startswith("00"):
        text = "+" + text[2:]
    if not _PHONE_ALLOWED.match(text):
        raise invalid
    digits = re.sub(r"\D", "", text)
    international = text.startswith("+")
    national = digits[2:] if international and digits.startswith("39") else digits
    if international and not digits.startswith("39"):
        if not 7 <= len(digits) <= 15:
            raise invalid
    elif not national:
        raise invalid
    else:
        first, length = national[0], len(national)
        valid = (
            (first == "0" and 6 <= length <= 11)
            or (first == "3" and 9 <= length <= 10)
            or (first == "8" and 6 <= length <= 10)
            or (first == "1" and 3 <= length <= 6 and not international)
        )
        if not valid:
            raise invalid
    spaced = " ".join(part for part in _PHONE_SEPARATORS.split(text) if part)
    return spaced.replace("+ ", "+")


class PhoneForm(forms.Form):
    """A phone number of the service, or of the service at one of its places."""

    number = forms.CharField(label=_("Numero"), max_length=40,
                             help_text=_("Per esempio «02 8845 1234» o «+39 340 123 4567»."))
    extension = forms.CharField(label=_("Interno"), required=False, max_length=10)
    type = forms.ChoiceField(label=_("Tipo"), choices=PhoneType.choices, initial=PhoneType.VOICE)
    description = forms.CharField(label=_("Descrizione"), required=False, max_length=300,
                                  help_text=_("Per esempio «dal lunedì al venerdì, 9–12»."))
    where = forms.ChoiceField(label=_("Riferito a"), required=False, choices=[("", _("Tutto il servizio"))])

    def __init__(self, *args: Any, links: Sequence[ServiceAtLocation] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("", _("Tutto il servizio"))]
        choices += [(str(link.pk), _("Solo la sede «%(name)s»") % {"name": link.location.name}) for link in links]
        self.fields["where"].choices = choices  # type: ignore[attr-defined]
        if not links:
            del self.fields["where"]

    def clean_number(self) -> str:
        return clean_phone_number(self.cleaned_data.get("number") or "")

    def clean_extension(self) -> str:
        extension = (self.cleaned_data.get("extension") or "").strip()
        if extension and not (extension.isascii() and extension.isdigit()):
            raise forms.ValidationError(_("L'interno contiene solo cifre."), code="invalid_extension")
        return extension


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Nome e cognome"), required=False, max_length=200)
    title = forms.CharField(label=_("Ruolo"), required=False, max_length=200,
                            help_text=_("Per esempio «coordinatrice del doposcuola»."))
    department = forms.CharField(label=_("Ufficio"), required=False, max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False,
                             error_messages={"invalid": _("Indica un indirizzo e-mail valido.")})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any((data.get(name) or "").strip() for name in ("name", "department", "email")) \
                and "email" not in self.errors:
            self.add_error("name", _("Indica il nome, l'ufficio o l'e-mail del referente."))
        return data


# ISO 639-1 codes of the languages most spoken in Milan's communities (Italian msgids: names in the current
# language). "Other" languages are entered as free ISO 639 codes (two or three letters).
LANGUAGES: Sequence[tuple[str, Any]] = (
    ("it", _("italiano")), ("en", _("inglese")), ("fr", _("francese")), ("es", _("spagnolo")),
    ("ar", _("arabo")), ("zh", _("cinese")), ("uk", _("ucraino")), ("ru", _("russo")), ("ro", _("rumeno")),
    ("sq", _("albanese")), ("tl", _("filippino (tagalog)")), ("bn", _("bengalese")), ("ur", _("urdu")),
    ("hi", _("hindi")), ("pa", _("punjabi")), ("si", _("singalese")), ("ta", _("tamil")), ("pt", _("portoghese")),
    ("de", _("tedesco")), ("pl", _("polacco")), ("tr", _("turco")), ("fa", _("persiano")), ("ps", _("pashto")),
    ("ku", _("curdo")), ("ti", _("tigrino")), ("am", _("amarico")), ("so", _("somalo")), ("wo", _("wolof")),
    ("ff", _("fula")), ("ha", _("hausa")), ("yo", _("yoruba")), ("ig", _("igbo")), ("ber", _("berbero")),
    ("qu", _("quechua")), ("sgn", _("lingua dei segni")), ("ise", _("lingua dei segni italiana (LIS)")),
)
LANGUAGE_OTHER = "other"


def language_name(code: str) -> str:
    """The name of a language of LANGUAGES in the current language, or the code itself."""
    names = dict(LANGUAGES)
    return str(names[code]) if code in names else code


class LanguageForm(forms.Form):
    code = forms.ChoiceField(label=_("Lingua"), choices=())
    other_code = forms.CharField(
        label=_("Altra lingua: codice ISO 639"), required=False, max_length=3,
        help_text=_("Due o tre lettere, per esempio «ln» (lingala). Solo se hai scelto «altra lingua»."),
    )
    note = forms.CharField(label=_("Nota"), required=False, max_length=300,
                           help_text=_("Per esempio «solo il martedì» o «con mediatrice culturale»."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ordered = sorted(((code, str(name)) for code, name in LANGUAGES), key=lambda pair: pair[1].casefold())
        self.fields["code"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *ordered, (LANGUAGE_OTHER, str(_("altra lingua (indica il codice)")))]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("code") == LANGUAGE_OTHER:
            other = (data.get("other_code") or "").strip().lower()
            if not re.fullmatch(r"[a-z]{2,3}", other):
                self.add_error("other_code", _("Usa un codice ISO 639-1 (due lettere) o 639-3 (tre lettere)."))
            else:
                data["code"] = other
        return data

    def language(self) -> tuple[str, str]:
        """(code, name) of the valid form's language."""
        code = self.cleaned_data["code"]
        return code, language_name(code) if code in dict(LANGUAGES) else ""


CURRENCIES = (("EUR", _("euro (€)")), ("CHF", _("franco svizzero")), ("USD", _("dollaro USA")),
              ("GBP", _("sterlina")))
_AMOUNT = re.compile(r"^\d{1,8}([.,]\d{1,2})?$")


class CostOptionForm(forms.Form):
    option = forms.CharField(label=_("Voce"), required=False, max_length=250,
                             help_text=_("Per esempio «Quota mensile» o «Iscrizione annuale»."))
    amount = forms.CharField(label=_("Importo"), required=False, max_length=16,
                             help_text=_("In euro, per esempio «25» o «12,50». Vuoto se varia."))
    currency = forms.ChoiceField(label=_("Valuta"), choices=CURRENCIES, initial="EUR")
    amount_description = forms.CharField(label=_("Dettagli"), required=False, max_length=300,
                                         help_text=_("Per esempio «riduzioni in base all'ISEE»."))

    def clean_amount(self) -> Decimal | None:
        text = (self.cleaned_data.get("amount") or "").strip().replace("€", "").replace(" ", "")
        if not text:
            return None
        # "1.250,50" (Italian thousands separator) → "1250,50"
        if "," in text and "." in text:
            text = text.replace(".", "")
        if text.startswith("-"):
            raise forms.ValidationError(_("L'importo non può essere negativo."), code="negative")
        if not _AMOUNT.match(text):
            raise forms.ValidationError(
                _("Importo non valido: scrivi solo cifre, con al più due decimali dopo la virgola (es. 12,50)."),
                code="invalid_amount",
            )
        try:
            return Decimal(text.replace(",", "."))
        except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
            raise forms.ValidationError(_("Importo non valido."), code="invalid_amount") from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("option") or "").strip() and data.get("amount") is None \
                and not (data.get("amount_description") or "").strip() and "amount" not in self.errors:
            self.add_error("option", _("Indica almeno la voce, l'importo o i dettagli del costo."))
        return data


class RequiredDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo di documento"), choices=DocumentKind.choices, initial=DocumentKind.OTHER)
    document = forms.CharField(label=_("Descrizione"), required=False, max_length=300,
                               help_text=_("Facoltativa per i tipi noti; necessaria per «Altro»."))
    uri = forms.URLField(label=_("Link a un modulo o a istruzioni"), required=False, assume_scheme="https",
                         error_messages={"invalid": _("Indica un indirizzo web valido.")})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == DocumentKind.OTHER and not (data.get("document") or "").strip():
            self.add_error("document", _("Indica il documento richiesto."))
        return data


class AreaChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Area) -> str:  # type: ignore[override]
        if obj.kind == AreaKind.NIL:
            return f"— {obj.name}"
        return str(obj.name)


class ServiceAreaForm(forms.Form):
    area = AreaChoiceField(label=_("Area servita"), queryset=Area.objects.none(),
                           help_text=_("Un Municipio o, sotto di esso, un NIL (quartiere)."),
                           error_messages={"required": _("Scegli un Municipio o un NIL."),
                                           "invalid_choice": _("Scegli un Municipio o un NIL dell'elenco.")})
    description = forms.CharField(label=_("Note"), required=False, max_length=500,
                                  help_text=_("Per esempio «solo per residenti o domiciliati nel Municipio»."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = service_area_choices()
        limit_choices(self.fields["area"], areas)
        # Option groups per Municipio (its NIL under it); validation still goes through the queryset.
        self.fields["area"].choices = [("", "—"), *ordered_service_areas(areas)]  # type: ignore[attr-defined]


def service_area_choices() -> QuerySet[Area]:
    """Municipi and NIL, without their boundaries."""
    return (Area.objects.filter(kind__in=[AreaKind.MUNICIPIO, AreaKind.NIL]).defer(*HEAVY)
            .order_by("kind", "code", "name"))


def ordered_service_areas(areas: Iterable[Area]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Municipi as option groups with their NIL (by parent), for a select that is quick to scan."""
    rows = list(areas)
    municipi = [a for a in rows if a.kind == AreaKind.MUNICIPIO]
    groups: list[tuple[str, list[tuple[int, str]]]] = []
    for municipio in municipi:
        children = sorted((a for a in rows if a.kind == AreaKind.NIL and a.parent_id == municipio.pk),
                          key=lambda a: a.name)
        groups.append((municipio.name, [(municipio.pk, municipio.name)] + [(a.pk, f"— {a.name}") for a in children]))
    orphans = sorted((a for a in rows if a.kind == AreaKind.NIL and a.parent_id not in {m.pk for m in municipi}),
                     key=lambda a: a.name)
    if orphans:
        groups.append((str(_("Altri NIL")), [(a.pk, a.name) for a in orphans]))
    return groups


class AccessibilityForm(forms.Form):
    where = forms.ChoiceField(label=_("Sede"), choices=())
    description = forms.CharField(label=_("Accessibilità"), max_length=500,
                                  help_text=_("Per esempio «ingresso senza gradini», «bagno accessibile»."),
                                  error_messages={"required": _("Descrivi l'accessibilità della sede.")})
    details = forms.CharField(label=_("Dettagli"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https",
                         error_messages={"invalid": _("Indica un indirizzo web valido.")})

    def __init__(self, *args: Any, links: Sequence[ServiceAtLocation] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["where"].choices = [  # type: ignore[attr-defined]
            (str(link.pk), link.location.name) for link in links]
        self.fields["where"].error_messages["invalid_choice"] = _("Scegli una delle sedi del servizio.")
        self.fields["where"].error_messages["required"] = _("Scegli la sede.")


class TermLabelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: TaxonomyTerm) -> str:  # type: ignore[override]
        return obj.label(get_language())


class ActionLineForm(forms.Form):
    term = TermLabelChoiceField(label=_("Linea d'azione"), queryset=TaxonomyTerm.objects.none(),
                                  error_messages={"required": _("Scegli una linea d'azione."),
                                                  "invalid_choice": _("Scegli una linea d'azione dell'elenco.")})

    def __init__(self, *args: Any, terms: QuerySet[TaxonomyTerm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["term"], terms)


ACTION_LINES_TAXONOMY = "linee-azione"


def action_line_terms() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.filter(taxonomy__code=ACTION_LINES_TAXONOMY).order_by("position", "code")


# --- Translations ---------------------------------------------------------------------------------

# The portal's languages besides Italian, with their names as they call themselves (the operator may not
# read the staff page's language) and their writing direction.
TRANSLATION_LANGUAGES: Sequence[tuple[str, str, str]] = (
    ("en", "English", "ltr"), ("fr", "Français", "ltr"), ("es", "Español", "ltr"), ("ar", "العربية", "rtl"),
    ("uk", "Українська", "ltr"), ("zh", "中文", "ltr"),
)
_LONG_TEXTS = frozenset({"description", "application_process", "fees_description", "eligibility_description",
                         "interpretation_services", "alert"})


class TranslationsForm(forms.Form):
    """One optional text per translatable field and portal language: fields named "<lang>__<field>"."""

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        existing = service.translations or {}
        for lang, _name, direction in TRANSLATION_LANGUAGES:
            for name in TRANSLATABLE_FIELDS:
                model_field = Service._meta.get_field(name)
                max_length = getattr(model_field, "max_length", None)
                attrs = {"dir": direction, "lang": lang}
                widget: forms.Widget = (forms.Textarea(attrs={**attrs, "rows": 3}) if name in _LONG_TEXTS
                                        else forms.TextInput(attrs=attrs))
                original = getattr(service, name) or ""
                self.fields[f"{lang}__{name}"] = forms.CharField(
                    label=capfirst(str(getattr(model_field, "verbose_name", name))), required=False,
                    max_length=max_length, widget=widget, initial=(existing.get(lang) or {}).get(name, ""),
                    help_text=(_("In italiano: «%(text)s»") % {"text": Truncator(original).chars(140)}
                               if original else _("Vuoto in italiano.")),
                )

    def languages(self) -> list[dict[str, Any]]:
        """Per language: code, name, direction and its bound fields, for the template."""
        return [
            {"code": lang, "name": name, "dir": direction,
             "fields": [self[f"{lang}__{field}"] for field in TRANSLATABLE_FIELDS],
             "filled": sum(bool(self[f"{lang}__{field}"].value()) for field in TRANSLATABLE_FIELDS)}
            for lang, name, direction in TRANSLATION_LANGUAGES
        ]

    def translations(self, keep: dict[str, Any]) -> dict[str, dict[str, str]]:
        """The translations to save: the non-empty texts entered, plus languages the form does not show."""
        result: dict[str, dict[str, str]] = {
            lang: dict(fields) for lang, fields in (keep or {}).items()
            if lang not in {code for code, _n, _d in TRANSLATION_LANGUAGES} and isinstance(fields, dict)
        }
        for lang, _name, _direction in TRANSLATION_LANGUAGES:
            texts = {}
            for name in TRANSLATABLE_FIELDS:
                value = (self.cleaned_data.get(f"{lang}__{name}") or "").strip()
                if value:
                    texts[name] = value if name in _LONG_TEXTS else " ".join(value.split())
            if texts:
                result[lang] = texts
        return result


# --- Place editing --------------------------------------------------------------------------------


class LocationEditForm(forms.Form):
    """A place's own fields (shared by every service offered there) and this service's note about it."""

    name = forms.CharField(label=_("Nome della sede"), max_length=250,
                           error_messages={"required": _("Indica il nome della sede.")})
    location_type = forms.ChoiceField(
        label=_("Tipo"), choices=[(LocationType.PHYSICAL, LocationType.PHYSICAL.label),
                                  (LocationType.VIRTUAL, LocationType.VIRTUAL.label)],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    address_text = forms.CharField(label=_("Indirizzo"), required=False, max_length=300,
                                   help_text=_("Via e numero civico: se cambia, la posizione sulla mappa viene "
                                               "ricalcolata."))
    url = forms.URLField(label=_("Indirizzo web (sede online)"), required=False, assume_scheme="https",
                         error_messages={"invalid": _("Indica un indirizzo web valido.")})
    confidential_address = forms.BooleanField(
        label=_("Indirizzo riservato (casa rifugio, struttura protetta)"), required=False,
        help_text=_("L'indirizzo sarà visibile solo alla tua organizzazione e al coordinamento cittadino."),
    )
    allow_unlocated = forms.BooleanField(
        label=_("Salva anche se l'indirizzo non è a Milano (senza posizione sulla mappa)"), required=False,
    )
    description = forms.CharField(label=_("Descrizione della sede"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("Vale per tutti i servizi offerti in questa sede."))
    transportation = forms.CharField(label=_("Come arrivare"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    accessibility_notes = forms.CharField(label=_("Note sull'accessibilità"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}))
    link_description = forms.CharField(label=_("Note su questo servizio in questa sede"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}),
                                       help_text=_("Per esempio: «sportello al piano terra, chiedere in "
                                                   "portineria»."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("location_type") == LocationType.VIRTUAL:
            if not data.get("url") and "url" not in self.errors:
                self.add_error("url", _("Indica l'indirizzo web della sede online."))
        elif not (data.get("address_text") or "").strip():
            self.add_error("address_text", _("Indica l'indirizzo della sede."))
        return data
