"""Consent and the other legal bases for sharing a household's data, break-glass accesses, and the owning
organisation's notifications (issue 4 §2–3).

Modelled on ISO/IEC TS 27560 consent records (as in OpenSPP consent v2): who (the person, or a parent, guardian
or other legal representative, with evidence) agreed to which purposes, for which recipients (named organisations
or a network) and which data categories, under which information notice (version and language), from when to
when. The terms never change after the record is written: the only later change is the one-time withdrawal, which
takes effect on the next request because the access funnel reads `active()` on every request (nothing is cached).
Every lifecycle step also appends a `ConsentEvent` (given, withdrawn, expired-noted, printed).

Writes go through trama/records/consent.py; access checks are in trama/records/access.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trama.core.choices import ChoiceLabels
from trama.records.fields import EncryptedTextField
from trama.records.models.base import ImmutableModel, ImmutableQuerySet, SealedRow

# --- Choices --------------------------------------------------------------------------------------------


class ConsentPurpose(models.TextChoices):
    SERVICES_IN_NETWORK = "services_in_network", _("Servizi all'interno della rete")
    SHARE_NAMED_ORGANISATIONS = "share_named_organisations", _("Condivisione con organizzazioni indicate")
    SHARE_MUNICIPAL_NETWORK = "share_municipal_network", _("Condivisione con la rete del Municipio")
    MONITORING_STATISTICS = "monitoring_statistics", _("Monitoraggio e statistiche")
    FOLLOW_UP_CONTACT = "follow_up_contact", _("Ricontatto per verificare come va")


# Purposes that share data with other organisations, and the kind of recipient each one needs.
SHARING_PURPOSES: frozenset[str] = frozenset({ConsentPurpose.SHARE_NAMED_ORGANISATIONS,
                                              ConsentPurpose.SHARE_MUNICIPAL_NETWORK})


class LegalBasis(models.TextChoices):
    """GDPR art. 6(1)."""

    CONSENT = "consent", _("Consenso (art. 6.1.a GDPR)")
    CONTRACT = "contract", _("Contratto (art. 6.1.b GDPR)")
    LEGAL_OBLIGATION = "legal_obligation", _("Obbligo di legge (art. 6.1.c GDPR)")
    VITAL_INTERESTS = "vital_interests", _("Interessi vitali (art. 6.1.d GDPR)")
    PUBLIC_TASK = "public_task", _("Compito di interesse pubblico (art. 6.1.e GDPR)")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("Legittimo interesse (art. 6.1.f GDPR)")


class SpecialCondition(models.TextChoices):
    """The condition of GDPR art. 9(2) (and art. 10 with national law) for special-category data."""

    EXPLICIT_CONSENT = "explicit_consent", _("Consenso esplicito (art. 9.2.a GDPR)")
    SOCIAL_CARE_LAW = "social_care_law", _("Assistenza e protezione sociale previste dalla legge (art. 9.2.b/h GDPR)")
    VITAL_INTERESTS = "vital_interests", _("Interessi vitali (art. 9.2.c GDPR)")
    PUBLIC_INTEREST = "public_interest", _("Interesse pubblico rilevante (art. 9.2.g GDPR)")
    NONE = "none", _("Nessuna categoria particolare")


class GivenByKind(models.TextChoices):
    PERSON = "person", _("La persona interessata")
    PARENT = "parent", _("Un genitore")
    GUARDIAN = "guardian", _("Il tutore")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Un altro rappresentante legale")


# Who may consent for a minor (the minor alone may not).
FOR_MINORS: frozenset[str] = frozenset({GivenByKind.PARENT, GivenByKind.GUARDIAN, GivenByKind.LEGAL_REPRESENTATIVE})
# Who must show evidence of their power to act (a parent's is presumed).
NEEDS_EVIDENCE: frozenset[str] = frozenset({GivenByKind.GUARDIAN, GivenByKind.LEGAL_REPRESENTATIVE})


class NoticeLanguage(models.TextChoices):
    # Names in their own language: the family picks the one it reads.
    IT = "it", "Italiano"
    EN = "en", "English"
    FR = "fr", "Français"
    AR = "ar", "العربية"
    UK = "uk", "Українська"
    ES = "es", "Español"


class ConsentEventKind(models.TextChoices):
    GIVEN = "given", _("Consenso registrato")
    WITHDRAWN = "withdrawn", _("Consenso revocato")
    EXPIRED_NOTED = "expired_noted", _("Scadenza rilevata")
    PRINTED = "printed", _("Modulo stampato")


class SharingBasis(models.TextChoices):
    """Legal bases other than consent on which data may be shared (LegalBasisRecord)."""

    LEGAL_OBLIGATION = "legal_obligation", _("Obbligo di legge (art. 6.1.c GDPR)")
    PUBLIC_TASK = "public_task", _("Compito di interesse pubblico (art. 6.1.e GDPR)")
    VITAL_INTERESTS = "vital_interests", _("Interessi vitali (art. 6.1.d GDPR)")


class NotificationKind(models.TextChoices):
    """Kinds of an organisation's inbox rows, for records and for the referrals built on them."""

    BREAK_GLASS = "break_glass", _("Accesso straordinario a un nucleo")
    LEGAL_BASIS = "legal_basis", _("Condivisione su altra base giuridica")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consenso revocato")
    REFERRAL_RECEIVED = "referral_received", _("Nuova segnalazione ricevuta")
    REFERRAL_ANSWERED = "referral_answered", _("Aggiornamento su una segnalazione inviata")
    REFERRAL_REMINDER = "referral_reminder", _("Segnalazione in attesa di risposta")
    REFERRAL_EXPIRED = "referral_expired", _("Segnalazione scaduta")
    REFERRAL_CANCELLED = "referral_cancelled", _("Segnalazione annullata")
    REFERRAL_MESSAGE = "referral_message", _("Nuovo messaggio su una segnalazione")
    CASE_TRANSFER = "case_transfer", _("Passaggio di presa in carico")


BREAK_GLASS_DEFAULT = dt.timedelta(hours=1)
BREAK_GLASS_MAX = dt.timedelta(hours=8)
BREAK_GLASS_MIN_REASON = 20


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def consent_in_force(at: dt.datetime, prefix: str = "") -> Q:
    """The condition "consent in force at `at`", on Consent (prefix "") or through a relation to it (e.g.
    "consent__"): lets a query start from the recipients naming the user and test the joined consent, instead of
    materialising every consent in force on the platform. Never true for a missing (null) consent."""
    day = _local_date(at)
    return ((Q(**{f"{prefix}withdrawn_at__isnull": True}) | Q(**{f"{prefix}withdrawn_at__gt": at}))
            & (Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": day}))
            & Q(**{f"{prefix}given_on__lte": day}))


def recipient_consent_in_force(at: dt.datetime) -> Q:
    """`consent_in_force` on ConsentRecipient, from its copies of the consent's dates: the consent itself is
    looked up only among the withdrawn ones (an index of a few rows)."""
    day = _local_date(at)
    dates = (Q(expires_on__isnull=True) | Q(expires_on__gte=day)) & Q(given_on__lte=day)
    withdrawn = Consent.objects.filter(withdrawn_at__isnull=False, withdrawn_at__lte=at)
    if connection.vendor == "sqlite":
        # NOT IN: SQLite reads the withdrawn consents once, from their partial index, into a temporary index;
        # for NOT EXISTS it would look up each recipient's consent row by key instead (twice the time of the
        # whole list, on 150,000 households).
        return dates & ~Q(consent_id__in=withdrawn.values("pk"))
    # NOT EXISTS (an anti-join), not NOT IN: the withdrawn consents only grow, and PostgreSQL hashes a NOT IN list
    # only while it fits in memory.
    return dates & ~Q(Exists(withdrawn.filter(pk=OuterRef("consent_id"))))


def resting_basis_in_force(at: dt.datetime) -> Q:
    """On a row resting on a consent or on a legal-basis record (a referral: `consent`, `legal_basis`): the one
    it rests on is in force at `at`."""
    return consent_in_force(at, "consent__") | legal_basis_in_force(at, "legal_basis__")


def legal_basis_in_force(at: dt.datetime, prefix: str = "") -> Q:
    """The condition "legal-basis record in force at `at`", like `consent_in_force`."""
    return ((Q(**{f"{prefix}revoked_at__isnull": True}) | Q(**{f"{prefix}revoked_at__gt": at}))
            & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": _local_date(at)}))
            & Q(**{f"{prefix}recorded_at__lte": at}))


# --- Consent --------------------------------------------------------------------------------------------


class ConsentQuerySet(models.QuerySet["Consent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Consents are immutable: withdraw them through trama.records.consent.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Consents are immutable.")

    def active(self, at: dt.datetime | None = None) -> ConsentQuerySet:
        """Consents in force at `at` (now by default): given on or before that day, not withdrawn by then, not
        expired (the expiry day is the last valid day)."""
        return self.filter(consent_in_force(at or timezone.now()))

    def naming(self, *, organisation: Any = None, networks: Iterable[Any] = ()) -> ConsentQuerySet:
        """Consents whose recipients include `organisation` or one of `networks` (ids or objects). An EXISTS on
        ConsentRecipient's partial indexes, so no duplicates and no DISTINCT. Combine with active():
        `Consent.objects.active().naming(organisation=o, networks=n).filter(household=h)`."""
        networks = list(networks)
        condition = Q()
        if organisation is not None:
            condition |= Q(organisation=organisation)
        if networks:
            condition |= Q(network__in=networks)
        if not condition:
            return self.none()
        return self.filter(models.Exists(
            ConsentRecipient.objects.filter(condition, consent=models.OuterRef("pk"))))


class Consent(SealedRow):
    household = models.ForeignKey("records.Household", verbose_name=_("nucleo"), on_delete=models.PROTECT,
                                  related_name="consents")
    # None: the consent covers the whole household (each adult member's data and the minors' as their parent).
    person = models.ForeignKey("records.Person", verbose_name=_("persona"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="consents")
    purposes = models.JSONField(_("finalità"), default=list)
    categories = models.JSONField(_("categorie di dati"), default=list)
    legal_basis = models.CharField(_("base giuridica"), max_length=24, choices=LegalBasis.choices,
                                   default=LegalBasis.CONSENT)
    special_condition = models.CharField(_("condizione per le categorie particolari"), max_length=20,
                                         choices=SpecialCondition.choices, default=SpecialCondition.NONE)
    given_by_kind = models.CharField(_("espresso da"), max_length=24, choices=GivenByKind.choices,
                                     default=GivenByKind.PERSON)
    given_by_name = EncryptedTextField(_("nome di chi firma"))
    # Encrypted too: a guardianship decree says a child is under the court's protection.
    guardian_evidence = EncryptedTextField(_("titolo del rappresentante (es. decreto di nomina del tutore)"))
    notice_version = models.CharField(_("versione dell'informativa"), max_length=20)
    notice_language = models.CharField(_("lingua dell'informativa"), max_length=5, choices=NoticeLanguage.choices)
    given_on = models.DateField(_("dato il"))
    expires_on = models.DateField(_("scade il"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("revocato il"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoca registrata da"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawal_reason = EncryptedTextField(_("motivo della revoca"))
    recorded_for = models.ForeignKey("network.Organisation", verbose_name=_("organizzazione che registra"),
                                     on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registrato da"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("registrato il"), auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    WITHDRAWAL_FIELDS = frozenset({"withdrawn_at", "withdrawn_by", "withdrawal_reason"})

    class Meta:
        verbose_name = _("consenso")
        verbose_name_plural = _("consensi")
        base_manager_name = "objects"
        ordering = ["household", "-given_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["uuid"], name="records_consent_uuid_unique"),
            models.CheckConstraint(condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("given_on")),
                                   name="records_consent_expires_after_given"),
            models.CheckConstraint(condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_by__isnull=False),
                                   name="records_consent_withdrawal_has_author"),
        ]
        indexes = [
            # The funnel's question "active consents naming organisation O or one of networks N for household H"
            # starts from ConsentRecipient (its organisation/network indexes) and checks validity here by pk; the
            # household's consent tab and the single-household check read (household, given_on) with the
            # validity columns in the index, so no table lookup is needed to discard withdrawn or expired rows.
            models.Index(fields=["household", "given_on", "withdrawn_at", "expires_on"],
                         name="records_consent_hh_active"),
            # the "consents expiring soon / expired to note" list
            models.Index(fields=["expires_on"], name="records_consent_expires",
                         condition=Q(expires_on__isnull=False, withdrawn_at__isnull=True)),
            # the few withdrawn consents, read from this index alone to discard them from the funnel's lists (which
            # read the recipients' copies of the consent, ConsentRecipient)
            models.Index(fields=["id", "withdrawn_at"], name="records_consent_withdrawn",
                         condition=Q(withdrawn_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} consent {self.pk}"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What the row held when loaded: save() allows the withdrawal only once, from "not withdrawn".
        self._loaded_withdrawn = self.__dict__.get("withdrawn_at") is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.WITHDRAWAL_FIELDS:
                raise PermissionError("A consent cannot change after it is recorded, except to be withdrawn.")
            if self._loaded_withdrawn or self.withdrawn_at is None:
                raise PermissionError("A consent is withdrawn once.")
        super().save(*args, **kwargs)
        self._loaded_withdrawn = self.withdrawn_at is not None

    def _do_update(self, base_qs: Any, using: Any, pk_val: Any, values: Any, update_fields: Any,
                   forced_update: Any) -> bool:
        # The database has the last word: the UPDATE matches only a row not yet withdrawn, so of two concurrent
        # withdrawals one saves and the other fails ("did not affect any rows"), on SQLite and PostgreSQL alike.
        return bool(super()._do_update(base_qs.filter(withdrawn_at__isnull=True),
                                       using, pk_val, values, update_fields, forced_update))

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Consents are immutable.")

    def is_active(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        day = _local_date(at)
        return (self.given_on <= day and (self.withdrawn_at is None or self.withdrawn_at > at)
                and (self.expires_on is None or self.expires_on >= day))


class ConsentRecipientQuerySet(ImmutableQuerySet["ConsentRecipient"]):
    pass


class ConsentRecipient(ImmutableModel):
    """A recipient named by a consent: one organisation, or one network (all its member organisations)."""

    consent = models.ForeignKey(Consent, verbose_name=_("consenso"), on_delete=models.PROTECT,
                                related_name="recipients")
    organisation = models.ForeignKey("network.Organisation", verbose_name=_("organizzazione"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    network = models.ForeignKey("network.Network", verbose_name=_("rete"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    # Copies of the consent's household and dates, which never change once given (save() fills them): the
    # funnel's list of households shared with an organisation reads them from the recipients naming it, in
    # one index, instead of joining every one of those consents (only the few withdrawn ones are looked up).
    household = models.ForeignKey("records.Household", verbose_name=_("nucleo"), on_delete=models.PROTECT,
                                  related_name="+", editable=False)
    given_on = models.DateField(_("dato il"), editable=False)
    expires_on = models.DateField(_("scade il"), null=True, blank=True, editable=False)

    objects = ConsentRecipientQuerySet.as_manager()

    class Meta(ImmutableModel.Meta):
        verbose_name = _("destinatario del consenso")
        verbose_name_plural = _("destinatari del consenso")
        ordering = ["consent", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False, network__isnull=True)
                           | Q(organisation__isnull=True, network__isnull=False)),
                name="records_consentrecipient_one_kind"),
            models.UniqueConstraint(fields=["consent", "organisation"], condition=Q(organisation__isnull=False),
                                    name="records_consentrecipient_org_unique"),
            models.UniqueConstraint(fields=["consent", "network"], condition=Q(network__isnull=False),
                                    name="records_consentrecipient_net_unique"),
        ]
        indexes = [
            # The funnel: "households shared with organisation O / one of networks N by a consent in force", read
            # from the index alone (the consent is looked up only to discard a withdrawn one)
            models.Index(fields=["organisation", "given_on", "expires_on", "household", "consent"],
                         name="records_crecip_org_hh", condition=Q(organisation__isnull=False)),
            models.Index(fields=["network", "given_on", "expires_on", "household", "consent"],
                         name="records_crecip_net_hh", condition=Q(network__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.consent_id} → org {self.organisation_id}" if self.organisation_id \
            else f"{self.consent_id} → net {self.network_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            self.household_id = self.consent.household_id
            self.given_on = self.consent.given_on
            self.expires_on = self.consent.expires_on
        super().save(*args, **kwargs)


class ConsentEventQuerySet(ImmutableQuerySet["ConsentEvent"]):
    pass


class ConsentEvent(ImmutableModel):
    """Append-only log of a consent's life (GDPR art. 7(1): the controller demonstrates consent)."""

    consent = models.ForeignKey(Consent, verbose_name=_("consenso"), on_delete=models.PROTECT,
                                related_name="events")
    kind = models.CharField(_("evento"), max_length=14, choices=ConsentEventKind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("da"), null=True, on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("il"), default=timezone.now)
    # Non-personal detail only: the language printed, "expired on 2027-01-31".
    detail = models.CharField(_("dettaglio"), max_length=120, blank=True)

    objects = ConsentEventQuerySet.as_manager()

    class Meta(ImmutableModel.Meta):
        verbose_name = _("evento del consenso")
        verbose_name_plural = _("eventi del consenso")
        ordering = ["consent", "at", "id"]
        constraints = [
            # "expired" is noted once per consent (the retention sweep may run many times)
            models.UniqueConstraint(fields=["consent"], condition=Q(kind="expired_noted"),
                                    name="records_consentevent_expired_once"),
        ]

    def __str__(self) -> str:
        return f"{self.consent_id} {self.kind} {self.at:%Y-%m-%d}"


# --- Other legal bases ----------------------------------------------------------------------------------


class LegalBasisQuerySet(models.QuerySet["LegalBasisRecord"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Legal-basis records are immutable: revoke them through trama.records.consent.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Legal-basis records are immutable.")

    def active(self, at: dt.datetime | None = None) -> LegalBasisQuerySet:
        """In force at `at`: recorded by then, not revoked by then, `valid_until` (a day, inclusive) not past."""
        return self.filter(legal_basis_in_force(at or timezone.now()))

    def naming(self, *, organisation: Any = None, networks: Iterable[Any] = ()) -> LegalBasisQuerySet:
        """Records whose recipient is `organisation` or one of `networks` (ids or objects)."""
        networks = list(networks)
        condition = Q()
        if organisation is not None:
            condition |= Q(organisation=organisation)
        if networks:
            condition |= Q(network__in=networks)
        return self.filter(condition) if condition else self.none()


class LegalBasisRecord(SealedRow):
    """Sharing a household's data on a basis other than consent (e.g. the Comune's social-care duties under
    L. 328/2000), recorded by an authorised role with a reason; shown on the record and audited."""

    household = models.ForeignKey("records.Household", verbose_name=_("nucleo"), on_delete=models.PROTECT,
                                  related_name="legal_bases")
    organisation = models.ForeignKey("network.Organisation", verbose_name=_("organizzazione destinataria"),
                                     null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    network = models.ForeignKey("network.Network", verbose_name=_("rete destinataria"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    categories = models.JSONField(_("categorie di dati"), default=list)
    basis = models.CharField(_("base giuridica"), max_length=20, choices=SharingBasis.choices)
    reference = models.CharField(_("riferimento normativo"), max_length=200,
                                 help_text=_("Ad esempio «L. 328/2000 art. 22»."))
    reason = EncryptedTextField(_("motivazione"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registrato da"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)
    valid_until = models.DateField(_("valido fino al"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revocato il"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoca registrata da"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")

    objects = LegalBasisQuerySet.as_manager()

    REVOCATION_FIELDS = frozenset({"revoked_at", "revoked_by"})

    class Meta:
        verbose_name = _("base giuridica di condivisione")
        verbose_name_plural = _("basi giuridiche di condivisione")
        base_manager_name = "objects"
        ordering = ["household", "-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["uuid"], name="records_legalbasis_uuid_unique"),
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False, network__isnull=True)
                           | Q(organisation__isnull=True, network__isnull=False)),
                name="records_legalbasis_one_recipient"),
            models.CheckConstraint(condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                                   name="records_legalbasis_revocation_has_author"),
        ]
        indexes = [
            # The funnel: "legal bases in force naming organisation O for household H" (and the list of households
            # O reaches that way)
            models.Index(fields=["organisation", "household"], name="records_lb_org_hh",
                         condition=Q(organisation__isnull=False)),
            # The funnel: the same for "one of networks N" (the community social worker's Municipio network)
            models.Index(fields=["network", "household"], name="records_lb_net_hh",
                         condition=Q(network__isnull=False)),
            # the household's page: its legal bases, newest first
            models.Index(fields=["household", "-recorded_at"], name="records_lb_hh"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.basis} {self.pk}"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loaded_revoked = self.__dict__.get("revoked_at") is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.REVOCATION_FIELDS:
                raise PermissionError("A legal-basis record cannot change after it is recorded, except to be "
                                      "revoked.")
            if self._loaded_revoked or self.revoked_at is None:
                raise PermissionError("A legal-basis record is revoked once.")
        super().save(*args, **kwargs)
        self._loaded_revoked = self.revoked_at is not None

    def _do_update(self, base_qs: Any, using: Any, pk_val: Any, values: Any, update_fields: Any,
                   forced_update: Any) -> bool:
        # Only a row not yet revoked is updated: two concurrent revocations cannot both succeed.
        return bool(super()._do_update(base_qs.filter(revoked_at__isnull=True),
                                       using, pk_val, values, update_fields, forced_update))

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Legal-basis records are immutable.")

    def is_active(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return (self.recorded_at <= at and (self.revoked_at is None or self.revoked_at > at)
                and (self.valid_until is None or self.valid_until >= _local_date(at)))


# --- Break-glass ----------------------------------------------------------------------------------------


class BreakGlassQuerySet(ImmutableQuerySet["BreakGlassAccess"]):
    def active(self, at: dt.datetime | None = None) -> BreakGlassQuerySet:
        at = at or timezone.now()
        return self.filter(started_at__lte=at, expires_at__gt=at)


class BreakGlassAccess(ImmutableModel, SealedRow):
    """A platform administrator's exceptional, time-limited access to one household, with a reason; the
    owning organisation is notified when it opens. Immutable: it ends by expiring."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("utente"), on_delete=models.PROTECT,
                             related_name="+")
    household = models.ForeignKey("records.Household", verbose_name=_("nucleo"), on_delete=models.PROTECT,
                                  related_name="break_glass_accesses")
    reason = EncryptedTextField(_("motivazione"))
    started_at = models.DateTimeField(_("inizio"), default=timezone.now)
    expires_at = models.DateTimeField(_("fine"))
    # Set when the owning organisation's notification is written (in the same transaction as the access).
    notified_at = models.DateTimeField(_("organizzazione titolare avvisata il"), null=True, blank=True)

    objects = BreakGlassQuerySet.as_manager()

    class Meta(ImmutableModel.Meta):
        verbose_name = _("accesso straordinario")
        verbose_name_plural = _("accessi straordinari")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["uuid"], name="records_breakglass_uuid_unique"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("started_at")),
                                   name="records_breakglass_ends_after_start"),
        ]
        indexes = [
            # The funnel: "does user U hold an active break-glass access to household H?"
            models.Index(fields=["user", "household", "expires_at"], name="records_bg_user_hh"),
            # the household's access log
            models.Index(fields=["household", "-started_at"], name="records_bg_hh"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} break-glass {self.pk}"


# --- Notifications --------------------------------------------------------------------------------------


class OrganisationNotification(ChoiceLabels, models.Model):
    """An organisation's inbox row (no notification system exists yet). The text names reference codes and
    people of the platform, never a family's data: it is read by every member of the organisation."""

    organisation = models.ForeignKey("network.Organisation", verbose_name=_("organizzazione"),
                                     on_delete=models.PROTECT, related_name="records_notifications")
    kind = models.CharField(_("tipo"), max_length=20, choices=NotificationKind.choices)
    household = models.ForeignKey("records.Household", verbose_name=_("nucleo"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("testo"))
    created_at = models.DateTimeField(_("creata il"), default=timezone.now)
    read_at = models.DateTimeField(_("letta il"), null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("letta da"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("avviso all'organizzazione")
        verbose_name_plural = _("avvisi all'organizzazione")
        ordering = ["organisation", "-created_at", "-id"]
        indexes = [
            # the organisation's inbox: unread first, newest first
            models.Index(fields=["organisation", "read_at", "-created_at"], name="records_orgnotif_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.kind} {self.pk}"
