"""Locations (HSDS location, with its address) and the link between a service and where it is offered."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trama.core.choices import ChoiceLabels


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("Sede fisica")
    VIRTUAL = "virtual", _("Online")
    POSTAL = "postal", _("Recapito postale")


class Location(ChoiceLabels, models.Model):
    hsds_id = models.UUIDField(_("identificativo HSDS"), default=uuid.uuid4, unique=True, editable=False)
    # The organisation that keeps this record up to date (also its HSDS organization_id).
    maintainer = models.ForeignKey("network.Organisation", verbose_name=_("ente che aggiorna la scheda"),
                                   on_delete=models.PROTECT, related_name="maintained_locations")
    location_type = models.CharField(_("tipo"), max_length=10, choices=LocationType.choices,
                                     default=LocationType.PHYSICAL)
    name = models.CharField(_("nome"), max_length=250)
    alternate_name = models.CharField(_("nome alternativo"), max_length=250, blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    transportation = models.TextField(_("come arrivare"), blank=True)
    # The address as typed, and as the geocoder normalised it ("Via Padova 36, Milano").
    address_text = models.CharField(_("indirizzo"), max_length=300, blank=True)
    normalised_address = models.CharField(_("indirizzo normalizzato"), max_length=300, blank=True)
    postcode = models.CharField(_("CAP"), max_length=10, blank=True)
    city = models.CharField(_("comune"), max_length=100, blank=True, default="Milano")
    country = models.CharField(_("paese"), max_length=2, default="IT")
    latitude = models.FloatField(_("latitudine"), null=True, blank=True)
    longitude = models.FloatField(_("longitudine"), null=True, blank=True)
    municipio = models.ForeignKey("territory.Area", verbose_name=_("municipio"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    nil = models.ForeignKey("territory.Area", verbose_name=_("NIL"), null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")
    # Shelters and other protected places: address and coordinates never leave the staff pages of the
    # maintaining organisation and city-wide roles (directory/access.py).
    confidential_address = models.BooleanField(_("indirizzo riservato"), default=False)
    url = models.URLField(_("indirizzo web (sede online)"), blank=True)
    accessibility_notes = models.TextField(_("note sull'accessibilità"), blank=True)
    external_identifier = models.CharField(_("identificativo esterno"), max_length=100, blank=True)
    external_identifier_type = models.CharField(_("tipo di identificativo esterno"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)

    class Meta:
        verbose_name = _("sede")
        verbose_name_plural = _("sedi")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="directory_location_point_complete",
            ),
        ]
        indexes = [
            # filters by municipio / NIL (search, access points per municipio)
            models.Index(fields=["municipio"], name="directory_location_municipio"),
            models.Index(fields=["nil"], name="directory_location_nil"),
            # HSDS postcode filter
            models.Index(fields=["postcode"], name="directory_location_postcode"),
            # the bounding box of a distance filter or of a zoomed-in map: a range of latitudes first
            models.Index(fields=["latitude", "longitude"], name="directory_location_point"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ServiceAtLocation(models.Model):
    hsds_id = models.UUIDField(_("identificativo HSDS"), default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey("directory.Service", verbose_name=_("servizio"), on_delete=models.CASCADE,
                                related_name="service_at_locations")
    location = models.ForeignKey(Location, verbose_name=_("sede"), on_delete=models.PROTECT,
                                 related_name="service_at_locations")
    description = models.TextField(_("descrizione"), blank=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)

    class Meta:
        verbose_name = _("servizio presso una sede")
        verbose_name_plural = _("servizi presso le sedi")
        ordering = ["service", "location__name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="directory_sal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"
