"""Services (HSDS service) and programmes, with the Italian eligibility flags and stewardship."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trama.core.choices import ChoiceLabels

# A record not verified for this long is "stale": it appears in the maintainers' queue and is flagged publicly.
STALE_AFTER_DAYS = 180

# Service texts that may carry translations (`Service.translations`); other texts stay as entered.
TRANSLATABLE_FIELDS = (
    "name", "alternate_name", "description", "application_process", "fees_description",
    "eligibility_description", "interpretation_services", "alert",
)


def stale_threshold(on: dt.date | None = None) -> dt.date:
    """Records last verified before this day are stale."""
    return (on or timezone.localdate()) - dt.timedelta(days=STALE_AFTER_DAYS)


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Attivo")
    INACTIVE = "inactive", _("Non attivo")
    DEFUNCT = "defunct", _("Cessato")
    TEMPORARILY_CLOSED = "temporarily_closed", _("Temporaneamente chiuso")


class Program(models.Model):
    """HSDS program: a group of services run by one organisation under one name (e.g. "QuBì")."""

    hsds_id = models.UUIDField(_("identificativo HSDS"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("network.Organisation", verbose_name=_("organizzazione"),
                                     on_delete=models.PROTECT, related_name="directory_programs")
    name = models.CharField(_("nome"), max_length=250)
    alternate_name = models.CharField(_("nome alternativo"), max_length=250, blank=True)
    description = models.TextField(_("descrizione"), blank=True)

    class Meta:
        verbose_name = _("programma")
        verbose_name_plural = _("programmi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceQuerySet(models.QuerySet["Service"]):
    def active(self) -> ServiceQuerySet:
        return self.filter(status=ServiceStatus.ACTIVE)

    def public(self) -> ServiceQuerySet:
        """What the portal and the HSDS API may show: active, marked public, run by an organisation still active
        (a deactivated organisation's services are not offered to families, as referrals to them are refused)."""
        # `is_public IN (true)`, not `is_public=True`: Django writes the latter as the bare column, which SQLite
        # does not read as an equality, so it could not walk directory_service_public_name in name order (the
        # portal's first page sorted every public service: 16 ms instead of 0.1 ms at 20,000 services).
        return self.filter(status=ServiceStatus.ACTIVE, is_public__in=[True], organisation__is_active=True)

    def stale(self, on: dt.date | None = None) -> ServiceQuerySet:
        """Not verified for STALE_AFTER_DAYS (or never). Defunct services need no verification."""
        return self.exclude(status=ServiceStatus.DEFUNCT).filter(
            Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=stale_threshold(on))
        )


class Service(ChoiceLabels, models.Model):
    hsds_id = models.UUIDField(_("identificativo HSDS"), default=uuid.uuid4, unique=True, editable=False)
    # The provider (HSDS organization_id).
    organisation = models.ForeignKey("network.Organisation", verbose_name=_("ente erogatore"),
                                     on_delete=models.PROTECT, related_name="directory_services")
    program = models.ForeignKey(Program, verbose_name=_("programma"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="services")
    name = models.CharField(_("nome"), max_length=250)
    alternate_name = models.CharField(_("nome alternativo"), max_length=250, blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    url = models.URLField(_("sito web"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(_("stato"), max_length=20, choices=ServiceStatus.choices,
                              default=ServiceStatus.ACTIVE)
    interpretation_services = models.TextField(_("servizi di interpretariato"), blank=True)
    application_process = models.TextField(_("come accedere"), blank=True)
    fees_description = models.TextField(_("costi"), blank=True)
    accreditations = models.TextField(_("accreditamenti"), blank=True)
    licenses = models.TextField(_("autorizzazioni"), blank=True)
    alert = models.TextField(_("avviso"), blank=True)
    assured_date = models.DateField(_("data di garanzia"), null=True, blank=True)

    # Eligibility
    eligibility_description = models.TextField(_("requisiti di accesso"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("età minima"), null=True, blank=True,
                                                   validators=[MaxValueValidator(120)])
    maximum_age = models.PositiveSmallIntegerField(_("età massima"), null=True, blank=True,
                                                   validators=[MaxValueValidator(120)])
    target_groups = models.ManyToManyField("directory.TargetGroup", verbose_name=_("destinatari"), blank=True,
                                           related_name="services")
    # Italian profile: what keeps "invisible" people out, said explicitly (HSDS extension, documented profile).
    requires_residency = models.BooleanField(_("richiede la residenza"), default=False)
    requires_documents = models.BooleanField(_("richiede documenti / permesso di soggiorno"), default=False)
    requires_isee = models.BooleanField(_("richiede l'ISEE"), default=False)
    requires_appointment = models.BooleanField(_("su appuntamento"), default=False)
    is_free = models.BooleanField(_("gratuito"), default=False)

    is_public = models.BooleanField(_("pubblico"), default=True,
                                    help_text=_("Visibile sul portale e nell'API HSDS (se attivo)."))
    # {"en": {"name": "...", "description": "..."}, "ar": {...}}: keys of TRANSLATABLE_FIELDS only.
    translations = models.JSONField(_("traduzioni"), default=dict, blank=True)

    # Stewardship
    maintainer = models.ForeignKey("network.Organisation", verbose_name=_("ente che aggiorna la scheda"),
                                   on_delete=models.PROTECT, related_name="maintained_services")
    last_verified_on = models.DateField(_("ultima verifica"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verificata da"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("servizio")
        verbose_name_plural = _("servizi")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True) | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="directory_service_age_range",
                violation_error_message=_("L'età minima supera quella massima."),
            ),
        ]
        indexes = [
            # public_services(): the portal and the API list active public services; with the organisation, the
            # count of their pages reads the index alone (and the organisations)
            models.Index(fields=["status", "is_public", "organisation"], name="directory_service_public"),
            # the API's and the portal's pages of public services ordered by name (no sort of every row per page)
            models.Index(fields=["status", "is_public", "name", "id"], name="directory_service_public_name"),
            # the staff search without words, ordered by name
            models.Index(fields=["name", "id"], name="directory_service_name"),
            # stale_services_for(): the maintainers' queue, per maintaining organisation
            models.Index(fields=["maintainer", "last_verified_on"], name="directory_service_stale"),
            # HSDS modified_after
            models.Index(fields=["updated_at"], name="directory_service_updated"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_stale_on(self, on: dt.date | None = None) -> bool:
        if self.status == ServiceStatus.DEFUNCT:
            return False
        return self.last_verified_on is None or self.last_verified_on < stale_threshold(on)

    @property
    def is_stale(self) -> bool:
        return self.is_stale_on()

    def translated(self, field: str, lang: str | None) -> str:
        """The field in `lang` if a translation was entered, else as entered."""
        if field not in TRANSLATABLE_FIELDS:
            raise ValueError(field)
        base = (lang or "it").lower().split("-")[0]
        value: Any = (self.translations or {}).get(base, {}).get(field)
        return value if value else getattr(self, field)
