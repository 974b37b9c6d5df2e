"""The portal's search form: few fields, in words a family uses, in every portal language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from trama.core.widgets import QuickSelect
from trama.directory.models import Language, TaxonomyTerm, Weekday
from trama.directory.search import Point, SearchParams
from trama.portal.display import spoken_language
from trama.portal.queries import MUNICIPI, municipio_code
from trama.territory.geocoder import GeocodeError, geocode, other_suggestions
from trama.territory.models import Area, AreaKind


def need_choices(terms: list[TaxonomyTerm], lang: str | None) -> list[tuple[str, str]]:
    """The needs tree, each term in the visitor's language, children indented under their parent."""
    children: dict[int | None, list[TaxonomyTerm]] = {}
    for term in terms:
        children.setdefault(term.parent_id, []).append(term)
    choices: list[tuple[str, str]] = [("", str(_("Qualsiasi bisogno")))]

    def walk(parent: int | None, depth: int) -> None:
        for term in sorted(children.get(parent, []), key=lambda t: (t.position, t.code)):
            choices.append((term.code, "\u00a0\u00a0" * 2 * depth + term.label(lang)))
            walk(term.pk, depth + 1)

    walk(None, 0)
    return choices


def nil_choices() -> list[tuple[str, str]]:
    """The neighbourhoods (NIL), by name: a family knows "Quarto Oggiaro", not its Municipio's number."""
    return [("", str(_("Tutti i quartieri"))),
            *Area.objects.filter(kind=AreaKind.NIL).order_by("name").values_list("code", "name")]


def language_choices() -> list[tuple[str, str]]:
    """The languages spoken in the directory, each named in the visitor's language (and in itself). Every code
    recorded, not only those of public services: a code is no secret, and joining the services to find the
    public ones cost the page more than the search itself."""
    codes = sorted(set(Language.objects.order_by().values_list("code", flat=True).distinct()))
    named = []
    for code in codes:
        spoken = spoken_language(Language(code=code, name=code))
        named.append((code, f"{spoken.name} ({spoken.local})" if spoken.local else spoken.name))
    return [("", str(_("Qualsiasi lingua"))), *sorted(named, key=lambda row: row[1].casefold())]


def weekday_choices() -> list[tuple[str, str]]:
    # Django's own weekday names, translated in every portal language; Monday first, as Weekday.
    return [("", str(_("Qualsiasi giorno"))), *((code, str(WEEKDAYS[index]))
                                                 for index, code in enumerate(Weekday.values))]


# How far from the address, for the visitor who wants only what is within walking or bus distance.
RADIUS_CHOICES = [("", _("Qualsiasi distanza")), ("0.5", "500 m"), ("1", "1 km"), ("2", "2 km"), ("5", "5 km")]
# The fields in the "more filters" box (the page opens it when one of them is set).
MORE_FILTERS = ("nil", "radius", "age", "language", "weekday")


def municipio_choices() -> list[tuple[str, str]]:
    return [("", str(_("Tutta Milano"))),
            *[(str(n), str(_("Municipio %(number)s") % {"number": n})) for n in MUNICIPI]]


class PortalSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Che cosa cerchi?"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("es. doposcuola, spesa, corso di italiano"),
                                      "autocomplete": "off"}),
    )
    need = forms.ChoiceField(label=_("Di che cosa hai bisogno?"), required=False, widget=QuickSelect)
    address = forms.CharField(
        label=_("Vicino a quale indirizzo?"), max_length=300, required=False,
        help_text=_("Via e numero civico a Milano. Mostriamo prima i servizi più vicini."),
        widget=forms.TextInput(attrs={"placeholder": _("es. Via Saponaro 16"), "autocomplete": "street-address",
                                      "aria-describedby": "id_address-help"}),
    )
    municipio = forms.ChoiceField(label=_("In quale Municipio?"), required=False, widget=QuickSelect)
    nil = forms.ChoiceField(label=_("In quale quartiere?"), required=False, widget=QuickSelect)
    radius = forms.TypedChoiceField(label=_("A che distanza dall'indirizzo?"), choices=RADIUS_CHOICES, coerce=float,
                                    empty_value=None, required=False)
    age = forms.IntegerField(label=_("Quanti anni ha la persona?"), min_value=0, max_value=120, required=False,
                             widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    language = forms.ChoiceField(label=_("In quale lingua vuoi parlare?"), required=False, widget=QuickSelect)
    weekday = forms.ChoiceField(label=_("Aperto in quale giorno?"), required=False)
    open_now = forms.BooleanField(label=_("Aperti adesso"), required=False)
    free = forms.BooleanField(label=_("Gratis"), required=False)
    no_residency = forms.BooleanField(label=_("Senza residenza"), required=False)
    no_documents = forms.BooleanField(label=_("Senza documenti"), required=False)

    def __init__(self, *args: Any, terms: list[TaxonomyTerm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.address_suggestions: list[str] = []
        self.fields["need"].choices = need_choices(terms, get_language())  # type: ignore[attr-defined]
        self.fields["municipio"].choices = municipio_choices()  # type: ignore[attr-defined]
        # Callables: looked up only when the page shows the form or a value is checked (not for every fragment).
        self.fields["nil"].choices = nil_choices  # type: ignore[attr-defined]
        self.fields["language"].choices = language_choices  # type: ignore[attr-defined]
        self.fields["weekday"].choices = weekday_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        address = " ".join((data.get("address") or "").split())
        data["origin"] = None
        if address:
            try:
                found = geocode(address)
            except GeocodeError as error:
                # The geocoder's own message speaks it/en only: the portal says it in the visitor's language.
                self.address_suggestions = other_suggestions(error, address)
                if error.code == "number_missing":
                    message = str(_("Manca il numero civico: scrivilo dopo la via, per esempio «%(street)s 10», "
                                    "oppure scegli un Municipio.") % {"street": (error.suggestions or [address])[0]})
                elif self.address_suggestions:
                    message = str(_("Non abbiamo trovato questo indirizzo a Milano. Forse intendevi uno di questi?"))
                else:
                    message = str(_("Non abbiamo trovato questo indirizzo a Milano. Scrivi via e numero civico, "
                                    "per esempio «Via Saponaro 16», oppure scegli un Municipio."))
                self.add_error("address", message)
            else:
                data["origin"] = Point(found.latitude, found.longitude, found.address)
        elif data.get("radius") is not None:
            self.add_error("radius", str(_("Per cercare entro una distanza, scrivi anche l'indirizzo.")))
        return data

    def to_params(self) -> SearchParams:
        data = self.cleaned_data
        number = data.get("municipio") or ""
        origin = data.get("origin")
        return SearchParams(
            text=data.get("q") or "", need=data.get("need") or "",
            municipio=municipio_code(int(number)) if number else "", nil=data.get("nil") or "", origin=origin,
            radius_km=data.get("radius") if origin else None, age=data.get("age"),
            language=data.get("language") or "", open_now=bool(data.get("open_now")),
            weekday=data.get("weekday") or "",
            no_residency=bool(data.get("no_residency")), no_documents=bool(data.get("no_documents")),
            free=bool(data.get("free")),
        )

    @property
    def more_filters_set(self) -> bool:
        """Whether a field of the "more filters" box has a value (the page then shows the box open)."""
        return self.is_bound and any((self.data.get(name) or "").strip() for name in MORE_FILTERS)

    def primary_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields
                if name not in MORE_FILTERS and self[name].widget_type != "checkbox"]

    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in MORE_FILTERS]

    def conditions(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if self[name].widget_type == "checkbox"]

    @property
    def is_empty(self) -> bool:
        """Bound but with nothing to search for: show every service."""
        return self.is_bound and not any((self.data.get(name) or "").strip() for name in self.fields)
