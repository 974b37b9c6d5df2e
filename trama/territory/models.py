"""The area tree: city or ambito → municipio or comune → NIL / neighbourhood, with polygons and population."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from trama.core.choices import ChoiceLabels


class AreaKind(models.TextChoices):
    CITY = "city", _("Città")
    AMBITO = "ambito", _("Ambito")
    MUNICIPIO = "municipio", _("Municipio")
    COMUNE = "comune", _("Comune")
    NIL = "nil", _("NIL")
    NEIGHBOURHOOD = "neighbourhood", _("Quartiere")


class Area(ChoiceLabels, models.Model):
    kind = models.CharField(_("tipo"), max_length=20, choices=AreaKind.choices)
    # Namespaced and unique across territories, e.g. "MI", "MI-M8", "MI-NIL-79".
    code = models.CharField(_("codice"), max_length=40, unique=True)
    name = models.CharField(_("nome"), max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name=_("area superiore"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    # GeoJSON geometry (Polygon or MultiPolygon, lon/lat WGS84); null for areas without a boundary.
    geometry = models.JSONField(_("geometria"), null=True, blank=True)
    centroid_lat = models.FloatField(_("latitudine del centroide"), null=True, blank=True)
    centroid_lon = models.FloatField(_("longitudine del centroide"), null=True, blank=True)
    bbox_min_lon = models.FloatField(null=True, blank=True)
    bbox_min_lat = models.FloatField(null=True, blank=True)
    bbox_max_lon = models.FloatField(null=True, blank=True)
    bbox_max_lat = models.FloatField(null=True, blank=True)
    area_km2 = models.FloatField(_("superficie (km²)"), null=True, blank=True)
    residents = models.PositiveIntegerField(_("residenti"), null=True, blank=True)
    minors = models.PositiveIntegerField(_("minori"), null=True, blank=True)
    foreign_residents = models.PositiveIntegerField(_("residenti stranieri"), null=True, blank=True)
    households = models.PositiveIntegerField(_("famiglie"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("anno dei dati di popolazione"), null=True, blank=True)
    # Further figures of the same year (men, women, 65+, 80+, single-person households, births, top citizenships).
    demographics = models.JSONField(_("altri dati demografici"), default=dict, blank=True)
    # `geometry` simplified (~10 m) and rounded for maps; derived by services.area_set_geometry.
    geometry_simplified = models.JSONField(_("geometria semplificata"), null=True, blank=True, editable=False)
    source = models.CharField(_("fonte"), max_length=200, blank=True)
    # Part of the locator's cache fingerprint (see locator.py): any change to an area invalidates the index.
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("aree")
        ordering = ["kind", "name"]
        indexes = [
            # children of an area by kind (area pages, NIL lists of a municipio)
            models.Index(fields=["parent", "kind"], name="area_parent_kind"),
            # the locator loads all polygons of one kind
            models.Index(fields=["kind"], name="area_kind"),
            # the locator's fingerprint (count, max id, max updated_at of the located kinds) reads only this index
            models.Index(fields=["kind", "updated_at"], name="area_kind_updated"),
        ]

    def __str__(self) -> str:
        return self.name
    @property
    def minors_share(self) -> float | None:
        """Minors as a percentage of residents."""
        if not self.residents or self.minors is None:
            return None
        return 100 * self.minors / self.residents


class PlaceKind(models.TextChoices):
    MUNICIPIO_HQ = "municipio_hq", _("Sede di Municipio")
    SOCIAL_SERVICE_OFFICE = "social_service_office", _("Servizio Sociale Professionale Territoriale")
    COMMUNITY_CENTRE = "community_centre", _("Casa di quartiere")
    LIBRARY = "library", _("Biblioteca")
    SPORTS_FACILITY = "sports_facility", _("Impianto sportivo")


class Place(ChoiceLabels, models.Model):
    """A public place from open data (Municipio seats, social-service offices, libraries …), located in an area."""

    name = models.CharField(_("nome"), max_length=300)
    kind = models.CharField(_("tipo"), max_length=30, choices=PlaceKind.choices)
    address = models.CharField(_("indirizzo (come nella fonte)"), max_length=300, blank=True)
    normalised_address = models.CharField(_("indirizzo normalizzato"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitudine"))
    longitude = models.FloatField(_("longitudine"))
    municipio = models.ForeignKey(
        Area, verbose_name=_("municipio"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="places_in_municipio",
    )
    nil = models.ForeignKey(
        Area, verbose_name=_("NIL"), null=True, blank=True, on_delete=models.SET_NULL, related_name="places_in_nil",
    )
    phone = models.CharField(_("telefono"), max_length=200, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    url = models.CharField(_("sito web"), max_length=500, blank=True)
    opening_hours = models.TextField(_("orari di apertura"), blank=True)
    notes = models.TextField(_("note"), blank=True)
    activities = models.TextField(_("attività"), blank=True)
    source = models.CharField(_("dataset di origine"), max_length=40)
    external_id = models.CharField(_("identificativo nella fonte"), max_length=120)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("luogo")
        verbose_name_plural = _("luoghi")
        ordering = ["kind", "name"]
        constraints = [
            # loaders upsert on it, so reloading a dataset never duplicates places
            models.UniqueConstraint(fields=["source", "external_id"], name="place_source_external_id"),
        ]
        indexes = [
            # places of a municipio / NIL on the area page, grouped by kind
            models.Index(fields=["municipio", "kind"], name="place_municipio_kind"),
            models.Index(fields=["nil", "kind"], name="place_nil_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def link(self) -> str:
        """The web address, only if it is http(s) (never a javascript: or data: URL in a page)."""
        return self.url if self.url.startswith(("https://", "http://")) else ""
