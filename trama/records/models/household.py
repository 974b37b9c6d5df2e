"""Households (nuclei familiari), their reference codes and their immutable status history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trama.core.choices import ChoiceLabels
from trama.records.models.base import ImmutableModel, ImmutableQuerySet
from trama.records.models.choices import ClosureReason, HouseholdEventKind, HouseholdStatus


class ReferenceCounter(models.Model):
    """The last reference number given in a year; incremented with one conditional UPDATE (race-free)."""

    year = models.PositiveSmallIntegerField(_("anno"), primary_key=True)
    last = models.PositiveIntegerField(_("ultimo numero"), default=0)

    class Meta:
        verbose_name = _("contatore dei codici nucleo")
        verbose_name_plural = _("contatori dei codici nucleo")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Household(ChoiceLabels, models.Model):
    organisation = models.ForeignKey(
        "network.Organisation", verbose_name=_("organizzazione titolare"), on_delete=models.PROTECT,
        related_name="households",
    )
    # Non-identifying: says nothing about the family, unique on the platform ("NUC-2026-000123").
    reference_code = models.CharField(_("codice nucleo"), max_length=20, unique=True, editable=False)
    label = models.CharField(_("etichetta"), max_length=120, blank=True,
                             help_text=_("Un nome breve per riconoscere il nucleo, ad esempio «Famiglia R.»."))
    municipio = models.ForeignKey(
        "territory.Area", verbose_name=_("municipio"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", limit_choices_to={"kind": "municipio"},
    )
    nil = models.ForeignKey(
        "territory.Area", verbose_name=_("NIL"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", limit_choices_to={"kind": "nil"},
    )
    status = models.CharField(_("stato"), max_length=10, choices=HouseholdStatus.choices,
                              default=HouseholdStatus.OPEN)
    opened_on = models.DateField(_("aperto il"))
    closed_on = models.DateField(_("chiuso il"), null=True, blank=True)
    closure_reason = models.CharField(_("motivo di chiusura"), max_length=20, choices=ClosureReason.choices,
                                      blank=True)
    closure_note = models.TextField(_("nota di chiusura"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("creato da"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("nucleo familiare")
        verbose_name_plural = _("nuclei familiari")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status=HouseholdStatus.OPEN, closed_on__isnull=True, closure_reason="")
                           | Q(status=HouseholdStatus.CLOSED, closed_on__isnull=False) & ~Q(closure_reason="")),
                name="records_household_closure_consistent",
            ),
        ]
        indexes = [
            # the operator's household list: one organisation's households by status, newest first
            models.Index(fields=["organisation", "status", "-opened_on"], name="records_hh_org_status"),
            # the operator home: one organisation's open households, most recently changed first (read backwards)
            models.Index(fields=["organisation", "updated_at", "id"], name="records_hh_org_open_recent",
                         condition=Q(status="open")),
            # the community social worker's list and aggregates by Municipio
            models.Index(fields=["municipio", "status"], name="records_hh_municipio"),
            # the retention command: households closed before a date
            models.Index(fields=["status", "closed_on"], name="records_hh_closed_on"),
        ]

    def __str__(self) -> str:
        return self.reference_code

    @property
    def is_open(self) -> bool:
        return self.status == HouseholdStatus.OPEN


class HouseholdEventQuerySet(ImmutableQuerySet["HouseholdEvent"]):
    pass


class HouseholdEvent(ImmutableModel):
    """Opening, closure and reopening of a household: the history kept as in SISO's cartella ("nothing can be
    deleted")."""

    household = models.ForeignKey(Household, verbose_name=_("nucleo"), on_delete=models.PROTECT,
                                  related_name="events")
    kind = models.CharField(_("evento"), max_length=10, choices=HouseholdEventKind.choices)
    reason = models.CharField(_("motivo"), max_length=20, choices=ClosureReason.choices, blank=True)
    note = models.TextField(_("nota"), blank=True)
    on = models.DateField(_("data"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("da"), null=True, on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("registrato il"), auto_now_add=True)

    objects = HouseholdEventQuerySet.as_manager()

    class Meta(ImmutableModel.Meta):
        verbose_name = _("evento del nucleo")
        verbose_name_plural = _("eventi del nucleo")
        ordering = ["at", "id"]
        # The history tab reads a household's events through the FK index (household_id).

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind} {self.on}"


class AccessChange(models.Model):
    """One row per committed change to who may list which household (a household created or moved, a consent
    given or withdrawn, a legal basis recorded or revoked, a referral accepted or closed, a case transferred).
    Only the newest rows are read, to tell a process that its cached household lists are out of date
    (`trama.records.listing`); older rows are pruned as new ones come."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("momento"), auto_now_add=True)

    class Meta:
        verbose_name = _("modifica degli accessi")
        verbose_name_plural = _("modifiche degli accessi")

    def __str__(self) -> str:
        return f"{self.pk}: {self.at:%Y-%m-%d %H:%M:%S}"
