"""The search form of the staff map (and of the portal, which can reuse it): validates, geocodes, and turns the
query string into SearchParams."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from trama.core.widgets import QuickSelect
from trama.directory.models import Language, TaxonomyTerm, Weekday
from trama.directory.models.taxonomy import term_label
from trama.directory.search.filters import NEEDS_TAXONOMY, Point, SearchParams
from trama.territory.geocoder import GeocodeError, geocode, other_suggestions
from trama.territory.models import Area, AreaKind

RADIUS_CHOICES = [("", _("nessun limite")), ("0.5", "500 m"), ("1", "1 km"), ("2", "2 km"), ("5", "5 km"),
                  ("10", "10 km")]


def _need_choices() -> list[tuple[str, str]]:
    # The columns only (no model instances): the form is built at every search.
    lang = get_language()
    terms = (TaxonomyTerm.objects.filter(taxonomy__code=NEEDS_TAXONOMY)
             .values_list("pk", "code", "name", "labels", "parent_id", "position"))
    children: dict[int | None, list[tuple[Any, ...]]] = {}
    for term in terms:
        children.setdefault(term[4], []).append(term)
    choices: list[tuple[str, str]] = [("", str(_("Tutti i bisogni")))]

    def walk(parent: int | None, depth: int) -> None:
        for pk, code, name, labels, _parent, _position in sorted(children.get(parent, []),
                                                                 key=lambda t: (t[5], t[1])):
            choices.append((code, "— " * depth + term_label(labels, name, lang)))
            walk(pk, depth + 1)

    walk(None, 0)
    return choices


def _area_choices(empty_municipio: Any, empty_nil: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The Municipi and the NILs, in one query."""
    rows: dict[str, list[tuple[str, str]]] = {AreaKind.MUNICIPIO: [], AreaKind.NIL: []}
    for kind, code, name in (Area.objects.filter(kind__in=list(rows)).order_by("name")
                             .values_list("kind", "code", "name")):
        rows[kind].append((code, name))
    rows[AreaKind.MUNICIPIO].sort(key=lambda row: (len(row[1]), row[1]))  # "Municipio 2" before "Municipio 10"
    return [("", str(empty_municipio)), *rows[AreaKind.MUNICIPIO]], [("", str(empty_nil)), *rows[AreaKind.NIL]]


def _language_choices() -> list[tuple[str, str]]:
    rows = Language.objects.order_by("code").values_list("code", "name").distinct()
    names: dict[str, str] = {}
    for code, name in rows:
        if code not in names or (name and not names[code]):
            names[code] = name
    return [("", str(_("Qualsiasi lingua"))),
            *[(code, f"{name} ({code})" if name else code) for code, name in names.items()]]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Cerca"), max_length=200, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("es. doposcuola, caffè")}))
    need = forms.ChoiceField(label=_("Bisogno"), required=False, widget=QuickSelect)
    municipio = forms.ChoiceField(label=_("Municipio"), required=False, widget=QuickSelect)
    nil = forms.ChoiceField(label=_("NIL (quartiere)"), required=False, widget=QuickSelect)
    address = forms.CharField(label=_("Vicino all'indirizzo"), max_length=300, required=False,
                              widget=forms.TextInput(attrs={"placeholder": _("es. Via Saponaro 16")}))
    lat = forms.FloatField(label=_("Latitudine"), required=False, min_value=-90, max_value=90,
                           widget=forms.HiddenInput)
    lon = forms.FloatField(label=_("Longitudine"), required=False, min_value=-180, max_value=180,
                           widget=forms.HiddenInput)
    radius = forms.TypedChoiceField(label=_("Entro"), choices=RADIUS_CHOICES, coerce=float, empty_value=None,
                                    required=False, widget=QuickSelect)
    age = forms.IntegerField(label=_("Età della persona"), min_value=0, max_value=120, required=False)
    language = forms.ChoiceField(label=_("Lingua parlata"), required=False, widget=QuickSelect)
    weekday = forms.ChoiceField(label=_("Aperto di"), required=False, widget=QuickSelect,
                                help_text=_("Il prossimo giorno indicato, oggi compreso."))
    open_now = forms.BooleanField(label=_("Aperto ora"), required=False)
    no_residency = forms.BooleanField(label=_("Senza residenza"), required=False)
    no_documents = forms.BooleanField(label=_("Senza documenti"), required=False)
    free = forms.BooleanField(label=_("Gratuito"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.address_suggestions: list[str] = []
        self.fields["need"].choices = _need_choices()  # type: ignore[attr-defined]
        municipi, nils = _area_choices(_("Tutti i municipi"), _("Tutti i NIL"))
        self.fields["municipio"].choices = municipi  # type: ignore[attr-defined]
        self.fields["nil"].choices = nils  # type: ignore[attr-defined]
        self.fields["language"].choices = _language_choices()  # type: ignore[attr-defined]
        self.fields["weekday"].choices = [("", _("Qualsiasi giorno")), *Weekday.choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        address = " ".join((data.get("address") or "").split())
        data["origin"] = None
        if address:
            try:
                result = geocode(address)
            except GeocodeError as error:
                self.address_suggestions = other_suggestions(error, address)
                message = error.message or _("Indirizzo non trovato.")
                if self.address_suggestions:
                    message = _("%(message)s Forse intendevi uno di questi indirizzi?") % {"message": message}
                self.add_error("address", message)
            else:
                data["origin"] = Point(result.latitude, result.longitude, result.address)
        elif data.get("lat") is not None and data.get("lon") is not None:
            data["origin"] = Point(data["lat"], data["lon"], str(_("Punto sulla mappa")))
        elif (not self.data.get("lat")) != (not self.data.get("lon")):  # one given, the other not (a wrong
            # value is already explained on its own field)
            self.add_error(None, _("Indica sia la latitudine sia la longitudine."))
        return data

    def to_params(self) -> SearchParams:
        """The validated parameters; call after is_valid() returned True."""
        data = self.cleaned_data
        origin = data.get("origin")
        return SearchParams(
            text=data.get("q") or "", need=data.get("need") or "", municipio=data.get("municipio") or "",
            nil=data.get("nil") or "", origin=origin, radius_km=data.get("radius") if origin else None,
            age=data.get("age"), language=data.get("language") or "", open_now=bool(data.get("open_now")),
            weekday=data.get("weekday") or "", no_residency=bool(data.get("no_residency")),
            no_documents=bool(data.get("no_documents")), free=bool(data.get("free")),
        )
