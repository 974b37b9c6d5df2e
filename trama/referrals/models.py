"""Closed-loop hand-offs between services (issue 4 §4): referrals with their lifecycle, event history and message
thread, and transfers of a case (who holds the household) from one organisation to another.

A referral sends one or more members of a household to a service of the directory, sharing only the data
categories chosen, under a consent (or another legal basis recorded) that covers the receiving organisation. While
it is accepted or in progress, and its consent or legal basis is still in force, it is a source of the records
access funnel (trama/records/access.py, source "referral"): the receiving organisation reads the referred members,
limited to the shared categories. Writes go through trama/referrals/services.py; reads through
trama/referrals/access.py. Statuses map onto FHIR SDOHCC referral Task statuses (`FHIR_TASK_STATUS`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trama.records.fields import EncryptedTextField
from trama.records.models import ImmutableModel, SealedRow
from trama.records.models.base import ImmutableQuerySet

# --- Choices --------------------------------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    SENT = "sent", _("Inviata, in attesa di risposta")
    ACCEPTED = "accepted", _("Accettata")
    DECLINED = "declined", _("Rifiutata")
    IN_PROGRESS = "in_progress", _("In corso")
    COMPLETED = "completed", _("Conclusa")
    CANCELLED = "cancelled", _("Annullata da chi l'ha inviata")
    EXPIRED = "expired", _("Scaduta senza risposta")


# The receiving organisation reads the household while the referral is in one of these (and its basis holds).
ACTIVE_STATUSES: frozenset[str] = frozenset({ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS})
# The sender may still cancel.
CANCELLABLE_STATUSES: frozenset[str] = frozenset({ReferralStatus.DRAFT, ReferralStatus.SENT,
                                                  ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS})
FINAL_STATUSES: frozenset[str] = frozenset({ReferralStatus.DECLINED, ReferralStatus.COMPLETED,
                                            ReferralStatus.CANCELLED, ReferralStatus.EXPIRED})

# HL7 FHIR SDOHCC ValueSet-SDOHCC-ValueSetReferralTaskStatus, for interoperability.
FHIR_TASK_STATUS: dict[str, str] = {
    ReferralStatus.DRAFT: "draft", ReferralStatus.SENT: "requested", ReferralStatus.ACCEPTED: "accepted",
    ReferralStatus.DECLINED: "rejected", ReferralStatus.IN_PROGRESS: "in-progress",
    ReferralStatus.COMPLETED: "completed", ReferralStatus.CANCELLED: "cancelled", ReferralStatus.EXPIRED: "failed",
}


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Ordinaria")
    SOON = "soon", _("A breve")
    URGENT = "urgent", _("Urgente")


# Inbox order: urgent first.
URGENCY_RANK: dict[str, int] = {Urgency.URGENT: 0, Urgency.SOON: 1, Urgency.ROUTINE: 2}


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("Nessun posto disponibile")
    NOT_ELIGIBLE = "not_eligible", _("La persona non ha i requisiti")
    OUTSIDE_AREA = "outside_area", _("Fuori dalla zona servita")
    NOT_SUITABLE = "not_suitable", _("Il servizio non è adatto al bisogno")
    ALREADY_FOLLOWED = "already_followed", _("Già seguita da noi o da altri")
    OTHER = "other", _("Altro")


class Outcome(models.TextChoices):
    """findhelp's closed-loop outcomes."""

    GOT_HELP = "got_help", _("Ha ricevuto aiuto")
    PARTLY = "partly", _("Ha ricevuto aiuto in parte")
    NOT_ELIGIBLE = "not_eligible", _("Non aveva i requisiti")
    NO_CAPACITY = "no_capacity", _("Nessun posto disponibile")
    COULD_NOT_CONTACT = "could_not_contact", _("Non è stato possibile contattarla")
    NO_LONGER_INTERESTED = "no_longer_interested", _("Non più interessata")


class ReferralEventKind(models.TextChoices):
    CREATED = "created", _("Bozza creata")
    SENT = "sent", _("Inviata")
    ACCEPTED = "accepted", _("Accettata")
    DECLINED = "declined", _("Rifiutata")
    STARTED = "started", _("Presa in carico avviata")
    COMPLETED = "completed", _("Conclusa con esito")
    CANCELLED = "cancelled", _("Annullata")
    EXPIRED = "expired", _("Scaduta")
    REMINDED = "reminded", _("Promemoria inviato")


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("Richiesto")
    ACCEPTED = "accepted", _("Accettato")
    DECLINED = "declined", _("Rifiutato")
    CANCELLED = "cancelled", _("Annullato")


# --- Referral -------------------------------------------------------------------------------------------


class Referral(SealedRow):
    household = models.ForeignKey("records.Household", verbose_name=_("nucleo"), on_delete=models.PROTECT,
                                  related_name="referrals")
    people = models.ManyToManyField("records.Person", verbose_name=_("persone segnalate"),
                                    related_name="referrals")
    # The organisation that holds the case and refers (a snapshot: it stays if the case is transferred later).
    from_organisation = models.ForeignKey("network.Organisation", verbose_name=_("organizzazione inviante"),
                                          on_delete=models.PROTECT, related_name="referrals_sent")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("creata da"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("directory.Service", verbose_name=_("servizio"), on_delete=models.PROTECT,
                                related_name="referrals")
    # The service's provider when the referral was created (a snapshot, like Primero's transitions).
    to_organisation = models.ForeignKey("network.Organisation", verbose_name=_("organizzazione ricevente"),
                                        on_delete=models.PROTECT, related_name="referrals_received")
    service_at_location = models.ForeignKey("directory.ServiceAtLocation", verbose_name=_("sede"), null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="referrals")
    reason = EncryptedTextField(_("motivo dell'invio"))
    urgency = models.CharField(_("urgenza"), max_length=8, choices=Urgency.choices, default=Urgency.ROUTINE)
    categories = models.JSONField(_("categorie di dati condivise"), default=list)
    consent = models.ForeignKey("records.Consent", verbose_name=_("consenso"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="referrals")
    legal_basis = models.ForeignKey("records.LegalBasisRecord", verbose_name=_("altra base giuridica"),
                                    null=True, blank=True, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(_("stato"), max_length=12, choices=ReferralStatus.choices,
                              default=ReferralStatus.DRAFT)
    decline_reason = models.CharField(_("motivo del rifiuto"), max_length=20, choices=DeclineReason.choices,
                                      blank=True)
    decline_note = EncryptedTextField(_("nota sul rifiuto"))
    outcome = models.CharField(_("esito"), max_length=24, choices=Outcome.choices, blank=True)
    outcome_note = EncryptedTextField(_("nota sull'esito"))
    created_at = models.DateTimeField(_("creata il"), default=timezone.now)
    sent_at = models.DateTimeField(_("inviata il"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("inviata da"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(_("scade il"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("promemoria inviato il"), null=True, blank=True)
    responded_at = models.DateTimeField(_("risposta il"), null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("risposta da"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("accettata il"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accettata da"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("avviata il"), null=True, blank=True)
    completed_at = models.DateTimeField(_("conclusa il"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annullata il"), null=True, blank=True)
    expired_at = models.DateTimeField(_("scaduta il"), null=True, blank=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)

    class Meta:
        verbose_name = _("segnalazione")
        verbose_name_plural = _("segnalazioni")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["uuid"], name="referrals_referral_uuid_unique"),
            # Past the draft, a referral rests on exactly one basis: a consent or another legal basis. A draft
            # cancelled before it was ever sent shared nothing, so it needs none.
            models.CheckConstraint(
                condition=(Q(status="draft") | Q(status="cancelled", sent_at__isnull=True)
                           | Q(consent__isnull=False) | Q(legal_basis__isnull=False)),
                name="referrals_referral_has_basis"),
            models.CheckConstraint(condition=Q(consent__isnull=True) | Q(legal_basis__isnull=True),
                                   name="referrals_referral_one_basis"),
            models.CheckConstraint(condition=Q(status__in=("draft", "cancelled")) | Q(sent_at__isnull=False),
                                   name="referrals_referral_sent_at"),
            models.CheckConstraint(condition=~Q(status="declined") | ~Q(decline_reason=""),
                                   name="referrals_referral_decline_reason"),
            models.CheckConstraint(condition=~Q(status="completed") | ~Q(outcome=""),
                                   name="referrals_referral_outcome"),
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "in_progress", "completed"]) | Q(accepted_at__isnull=False),
                name="referrals_referral_accepted_at"),
        ]
        indexes = [
            # inbox(): referrals waiting for organisation O, oldest first
            models.Index(fields=["to_organisation", "status", "sent_at"], name="referrals_inbox"),
            # outbox(): what organisation O sent, newest first
            models.Index(fields=["from_organisation", "-created_at"], name="referrals_outbox"),
            # the operator home's drafts, and its answers of the last weeks: the few rows in each state, where
            # the outbox index above would read every referral the organisation ever sent (ascending, with the
            # key, so that "newest first, then highest key" is this index read backwards: no sort)
            models.Index(fields=["from_organisation", "created_at", "id"], name="referrals_outbox_drafts",
                         condition=Q(status="draft")),
            models.Index(fields=["from_organisation", "updated_at", "id"], name="referrals_outbox_answered",
                         condition=Q(status__in=["completed", "declined", "expired"])),
            # the records funnel, source "referral": active referrals addressed to organisation O
            models.Index(fields=["to_organisation", "household"], name="referrals_active_to",
                         condition=Q(status__in=["accepted", "in_progress"])),
            # referrals_expire(): sent referrals by expiry
            models.Index(fields=["expires_at"], name="referrals_sent_expiry", condition=Q(status="sent")),
            # the household's referrals tab
            models.Index(fields=["household", "-created_at"], name="referrals_household"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} referral {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def basis_in_force(self, at: dt.datetime | None = None) -> bool:
        """Whether the consent or legal-basis record the referral rests on is in force at `at` (now)."""
        from trama.records.models.consent import resting_basis_in_force

        return Referral.objects.filter(resting_basis_in_force(at or timezone.now()), pk=self.pk).exists()

    @property
    def fhir_status(self) -> str:
        return FHIR_TASK_STATUS[self.status]

    def deadline_passed(self, at: dt.datetime | None = None) -> bool:
        """Whether the time to answer is over at `at` (now), whether or not the daily expiry job has marked it."""
        return self.expires_at is not None and self.expires_at <= (at or timezone.now())

    def waiting_for(self, now: dt.datetime | None = None) -> dt.timedelta | None:
        """How long a sent referral has waited for an answer (None unless it is waiting)."""
        if self.status != ReferralStatus.SENT or self.sent_at is None:
            return None
        return (now or timezone.now()) - self.sent_at

    def response_time(self) -> dt.timedelta | None:
        if self.sent_at is None or self.responded_at is None:
            return None
        return self.responded_at - self.sent_at


class ReferralEventQuerySet(ImmutableQuerySet["ReferralEvent"]):
    pass


class ReferralEvent(ImmutableModel):
    """Append-only history of a referral: every transition, who, when, acting for which organisation."""

    referral = models.ForeignKey(Referral, verbose_name=_("segnalazione"), on_delete=models.PROTECT,
                                 related_name="events")
    kind = models.CharField(_("evento"), max_length=10, choices=ReferralEventKind.choices)
    from_status = models.CharField(_("stato precedente"), max_length=12, choices=ReferralStatus.choices,
                                   blank=True)
    to_status = models.CharField(_("nuovo stato"), max_length=12, choices=ReferralStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("da"), null=True, on_delete=models.PROTECT,
                           related_name="+")
    organisation = models.ForeignKey("network.Organisation", verbose_name=_("per l'organizzazione"), null=True,
                                     on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("il"), default=timezone.now)
    # A code only (decline reason, outcome): free text lives encrypted on the referral.
    detail = models.CharField(_("dettaglio"), max_length=40, blank=True)

    objects = ReferralEventQuerySet.as_manager()

    class Meta(ImmutableModel.Meta):
        verbose_name = _("evento della segnalazione")
        verbose_name_plural = _("eventi della segnalazione")
        ordering = ["referral", "at", "id"]
        constraints = [
            # one reminder per referral (the sweep may run many times)
            models.UniqueConstraint(fields=["referral"], condition=Q(kind="reminded"),
                                    name="referrals_event_reminded_once"),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.kind}"


class ReferralMessageQuerySet(ImmutableQuerySet["ReferralMessage"]):
    pass


class ReferralMessage(ImmutableModel, SealedRow):
    """A message in a referral's thread between the two organisations (immutable; text encrypted)."""

    household_path = ("referral", "household_id")

    referral = models.ForeignKey(Referral, verbose_name=_("segnalazione"), on_delete=models.PROTECT,
                                 related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("autore"), null=True,
                               on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("network.Organisation", verbose_name=_("organizzazione"),
                                     on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("testo"))
    created_at = models.DateTimeField(_("scritto il"), default=timezone.now)

    objects = ReferralMessageQuerySet.as_manager()

    class Meta(ImmutableModel.Meta):
        verbose_name = _("messaggio")
        verbose_name_plural = _("messaggi")
        ordering = ["referral", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["uuid"], name="referrals_message_uuid_unique")]
        # The thread reads one referral's messages through the FK index (referral_id).

    def __str__(self) -> str:
        return f"{self.referral_id} message {self.pk}"


# --- Case transfer --------------------------------------------------------------------------------------


class CaseTransfer(SealedRow):
    """Passing the case (who holds the household) to another organisation, which accepts or declines. On
    acceptance the household's organisation changes; this row is the history of who held it."""

    household = models.ForeignKey("records.Household", verbose_name=_("nucleo"), on_delete=models.PROTECT,
                                  related_name="transfers")
    from_organisation = models.ForeignKey("network.Organisation", verbose_name=_("da"), on_delete=models.PROTECT,
                                          related_name="transfers_out")
    to_organisation = models.ForeignKey("network.Organisation", verbose_name=_("a"), on_delete=models.PROTECT,
                                        related_name="transfers_in")
    status = models.CharField(_("stato"), max_length=10, choices=TransferStatus.choices,
                              default=TransferStatus.REQUESTED)
    reason = EncryptedTextField(_("motivo"))
    response_note = EncryptedTextField(_("nota sulla risposta"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("richiesto da"), null=True,
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("richiesto il"), default=timezone.now)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("risposta da"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField(_("risposta il"), null=True, blank=True)

    class Meta:
        verbose_name = _("passaggio di presa in carico")
        verbose_name_plural = _("passaggi di presa in carico")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["uuid"], name="referrals_transfer_uuid_unique"),
            # one pending transfer per household at a time
            models.UniqueConstraint(fields=["household"], condition=Q(status="requested"),
                                    name="referrals_transfer_one_pending"),
            models.CheckConstraint(condition=~Q(from_organisation=models.F("to_organisation")),
                                   name="referrals_transfer_other_org"),
        ]
        indexes = [
            # the receiving organisation's pending transfers
            models.Index(fields=["to_organisation", "status"], name="referrals_transfer_in"),
            # the household's history of holders
            models.Index(fields=["household", "-requested_at"], name="referrals_transfer_hh"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} transfer {self.pk}"
