"""The area tree: city or ambito → municipio or comune → NIL / neighbourhood, with polygons and population."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaKind(models.TextChoices):
    CITY = "city", _("Città")
    AMBITO = "ambito", _("Ambito")
    MUNICIPIO = "municipio", _("Municipio")
    COMUNE = "comune", _("Comune")
    NIL = "nil", _("NIL")
    NEIGHBOURHOOD = "neighbourhood", _("Quartiere")


class Area(models.Model):
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
    source = models.CharField(_("fonte"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("aree")
        ordering = ["kind", "name"]
        indexes = [
            # children of an area by kind (area pages, NIL lists of a municipio)
            models.Index(fields=["parent", "kind"], name="area_parent_kind"),
            # the locator loads all polygons of one kind
            models.Index(fields=["kind"], name="area_kind"),
        ]

    def __str__(self) -> str:
        return self.name
