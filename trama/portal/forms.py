"""The portal's search form: few fields, in words a family uses, in every portal language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from trama.core.widgets import QuickSelect
from trama.directory.models import TaxonomyTerm
from trama.directory.search import Point, SearchParams
from trama.portal.queries import MUNICIPI, municipio_code
from trama.territory.geocoder import GeocodeError, geocode, other_suggestions


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
    free = forms.BooleanField(label=_("Gratis"), required=False)
    no_residency = forms.BooleanField(label=_("Senza residenza"), required=False)
    no_documents = forms.BooleanField(label=_("Senza documenti"), required=False)

    def __init__(self, *args: Any, terms: list[TaxonomyTerm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.address_suggestions: list[str] = []
        self.fields["need"].choices = need_choices(terms, get_language())  # type: ignore[attr-defined]
        self.fields["municipio"].choices = municipio_choices()  # type: ignore[attr-defined]

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
        return data

    def to_params(self) -> SearchParams:
        data = self.cleaned_data
        number = data.get("municipio") or ""
        return SearchParams(
            text=data.get("q") or "", need=data.get("need") or "",
            municipio=municipio_code(int(number)) if number else "", origin=data.get("origin"),
            no_residency=bool(data.get("no_residency")), no_documents=bool(data.get("no_documents")),
            free=bool(data.get("free")),
        )

    @property
    def is_empty(self) -> bool:
        """Bound but with nothing to search for: show every service."""
        return self.is_bound and not any((self.data.get(name) or "").strip() for name in self.fields)
