"""Governance: bodies on three levels (Cabina di Regia Integrata, municipal cabine, tables and groups), their
members, meetings with attendance and minutes, decisions and action items with owners and due dates."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trama.core.choices import ChoiceLabels
from trama.network.models.networks import Network
from trama.network.models.organisations import Organisation, Person


class BodyKind(models.TextChoices):
    INTEGRATED_STEERING = "cabina_integrata", _("Cabina di Regia Integrata")
    MUNICIPAL_STEERING = "cabina_municipale", _("Cabina di regia municipale")
    THEMATIC_TABLE = "thematic_table", _("Tavolo tematico")
    PROJECT_GROUP = "project_group", _("Gruppo di progetto")
    LAB_CONSULTA = "lab_consulta", _("Consulta di laboratorio")


class BodyRole(models.TextChoices):
    CHAIR = "chair", _("Presidente / coordinatore")
    SECRETARY = "secretary", _("Segreteria")
    MEMBER = "member", _("Componente")
    NETWORK_REFERENT = "network_referent", _("Referente di rete")
    COMMUNITY_SOCIAL_WORKER = "community_social_worker", _("Assistente sociale di comunità")
    MUNICIPAL_UNIT_LEAD = "municipal_unit_lead", _("Responsabile unità municipale (EQ/CTM)")
    TABLE_REFERENT = "table_referent", _("Referente del tavolo")
    WELFARE_COMMUNITY_MANAGER = "welfare_community_manager", _("Welfare community manager")
    OBSERVER = "observer", _("Osservatore")


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class GovernanceBody(ChoiceLabels, models.Model):
    network = models.ForeignKey(
        Network, verbose_name=_("rete"), on_delete=models.PROTECT, related_name="bodies"
    )
    kind = models.CharField(_("tipo"), max_length=30, choices=BodyKind.choices)
    name = models.CharField(_("nome"), max_length=200)
    theme = models.CharField(_("tema"), max_length=200, blank=True, help_text=_("Es. 0–1000 giorni, 0–18."))
    description = models.TextField(_("descrizione"), blank=True)
    is_active = models.BooleanField(_("attivo"), default=True)
    # Secret of the calendar subscription URL (calendar apps cannot log in); rotated from the body page.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organo di governance")
        verbose_name_plural = _("organi di governance")
        ordering = ["network", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "name"],
                name="governance_body_network_name_unique",
                violation_error_message=_("Questa rete ha già un organo con questo nome."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BodyMember(ChoiceLabels, models.Model):
    """A person (staff contact) or a whole organisation sitting in a body, with a role."""

    body = models.ForeignKey(
        GovernanceBody, verbose_name=_("organo"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("persona"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organizzazione"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(
        _("ruolo nell'organo"), max_length=30, choices=BodyRole.choices, default=BodyRole.MEMBER
    )
    since = models.DateField(_("dal"), null=True, blank=True)
    until = models.DateField(_("fino al"), null=True, blank=True)

    class Meta:
        verbose_name = _("componente dell'organo")
        verbose_name_plural = _("componenti dell'organo")
        ordering = ["body", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organisation__isnull=True)
                | Q(person__isnull=True, organisation__isnull=False),
                name="body_member_person_xor_organisation",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=models.F("since")),
                name="body_member_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.who} · {self.get_role_display()}"

    @property
    def who(self) -> Person | Organisation:
        if self.person is not None:
            return self.person
        assert self.organisation is not None  # the check constraint: a person or an organisation
        return self.organisation


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Programmata")
    HELD = "held", _("Svolta")
    CANCELLED = "cancelled", _("Annullata")


class Meeting(ChoiceLabels, models.Model):
    body = models.ForeignKey(
        GovernanceBody, verbose_name=_("organo"), on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(_("titolo"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    place = models.CharField(
        _("luogo"), max_length=250, blank=True, help_text=_("Indirizzo o link alla riunione online.")
    )
    agenda = models.TextField(_("ordine del giorno"), blank=True)
    minutes = models.TextField(_("verbale"), blank=True)
    status = models.CharField(
        _("stato"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creata da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("riunione")
        verbose_name_plural = _("riunioni")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
        ]
        indexes = [
            # body page and ICS feed: meetings of a body by date
            models.Index(fields=["body", "starts_at"], name="meeting_body_starts"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.body} · {self.starts_at:%d/%m/%Y}"

    @property
    def display_title(self) -> str:
        return self.title or str(self.body)


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Presente")
    ABSENT = "absent", _("Assente")
    EXCUSED = "excused", _("Assente giustificato")


class Attendance(ChoiceLabels, models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("riunione"), on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("persona"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organizzazione"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("presenza"), max_length=20, choices=AttendanceStatus.choices)
    note = models.CharField(_("nota"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("presenza")
        verbose_name_plural = _("presenze")
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organisation__isnull=True)
                | Q(person__isnull=True, organisation__isnull=False),
                name="attendance_person_xor_organisation",
            ),
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(person__isnull=False),
                name="attendance_unique_person",
            ),
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                condition=Q(organisation__isnull=False),
                name="attendance_unique_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.organisation} · {self.get_status_display()}"


class Decision(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("riunione"), on_delete=models.CASCADE, related_name="decisions"
    )
    # Numbered within the meeting in the order they are recorded (1, 2, 3 …), as minutes number them.
    number = models.PositiveIntegerField(_("numero"))
    text = models.TextField(_("testo"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrata da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decisione")
        verbose_name_plural = _("decisioni")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="decision_meeting_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Aperta")
    IN_PROGRESS = "in_progress", _("In corso")
    DONE = "done", _("Completata")
    CANCELLED = "cancelled", _("Annullata")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ActionItem(ChoiceLabels, models.Model):
    body = models.ForeignKey(
        GovernanceBody, verbose_name=_("organo"), on_delete=models.CASCADE, related_name="action_items"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("riunione"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decisione"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    title = models.CharField(_("azione"), max_length=250)
    description = models.TextField(_("descrizione"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsabile"),
        on_delete=models.PROTECT,
        related_name="network_action_items",
    )
    due_on = models.DateField(_("scadenza"))
    status = models.CharField(
        _("stato"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_on = models.DateField(_("completata il"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creata da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("azione")
        verbose_name_plural = _("azioni")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ActionStatus.DONE) | Q(done_on__isnull=True),
                name="action_done_on_only_when_done",
            ),
        ]
        indexes = [
            # "my open action items": a user's items by status, soonest due first
            models.Index(fields=["owner", "status", "due_on"], name="action_owner_status_due"),
            # body page: open items of a body by due date
            models.Index(fields=["body", "status", "due_on"], name="action_body_status_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES
