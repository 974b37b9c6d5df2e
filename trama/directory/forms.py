"""Forms of the directory's staff pages. They validate input only: writes go through trama.directory.services,
whose ApplicationError becomes a form error (`trama.network.forms.apply_error`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from trama.directory.models import (
    Location,
    LocationType,
    Service,
    TargetGroup,
    TaxonomyTerm,
    Weekday,
)
from trama.network.forms import DATE_WIDGET, InputModelForm, limit_choices
from trama.network.models import Organisation

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
        return data
