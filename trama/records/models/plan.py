"""The accompaniment plan co-designed with the family: goals per dimension, actions, reviews with outcomes
("situazione migliorativa" of the ESF+ result indicator) and immutable versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trama.core.choices import ChoiceLabels
from trama.records.fields import EncryptedJSONField, EncryptedTextField
from trama.records.models.base import ImmutableModel, ImmutableQuerySet, SealedRow
from trama.records.models.choices import ActionStatus, Dimension, GoalStatus, OutcomeResult, ReviewKind


class Plan(models.Model):
    household = models.OneToOneField("records.Household", verbose_name=_("nucleo"), on_delete=models.PROTECT,
                                     related_name="plan")
    # Number of the latest PlanVersion; bumped with a conditional UPDATE by every change.
    version = models.PositiveIntegerField(_("versione"), default=0)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("progetto individualizzato")
        verbose_name_plural = _("progetti individualizzati")

    def __str__(self) -> str:
        return f"{self.household_id} v{self.version}"


class PlanGoal(SealedRow):
    household_path = ("plan", "household_id")

    plan = models.ForeignKey(Plan, verbose_name=_("progetto"), on_delete=models.PROTECT, related_name="goals")
    dimension = models.CharField(_("dimensione"), max_length=16, choices=Dimension.choices)
    description = EncryptedTextField(_("obiettivo"))
    target_date = models.DateField(_("entro il"), null=True, blank=True)
    status = models.CharField(_("stato"), max_length=14, choices=GoalStatus.choices, default=GoalStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("creato da"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("obiettivo")
        verbose_name_plural = _("obiettivi")
        ordering = ["plan", "dimension", "id"]
        # The plan page reads a plan's goals through the FK index (plan_id).

    def __str__(self) -> str:
        return f"{self.dimension} ({self.status})"


class PlanAction(SealedRow):
    """Who does it: exactly one of an organisation, an operator or a member of the household."""

    household_path = ("goal", "plan", "household_id")

    goal = models.ForeignKey(PlanGoal, verbose_name=_("obiettivo"), on_delete=models.PROTECT,
                             related_name="actions")
    description = EncryptedTextField(_("azione"))
    by_organisation = models.ForeignKey("network.Organisation", verbose_name=_("a cura dell'organizzazione"),
                                        null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    by_operator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("a cura dell'operatore"),
                                    null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    by_member = models.ForeignKey("records.Person", verbose_name=_("a cura del familiare"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("scadenza"), null=True, blank=True)
    status = models.CharField(_("stato"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("creata da"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)

    class Meta:
        verbose_name = _("azione")
        verbose_name_plural = _("azioni")
        ordering = ["goal", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(by_organisation__isnull=False, by_operator__isnull=True, by_member__isnull=True)
                           | Q(by_organisation__isnull=True, by_operator__isnull=False, by_member__isnull=True)
                           | Q(by_organisation__isnull=True, by_operator__isnull=True, by_member__isnull=False)),
                name="records_action_exactly_one_assignee",
            ),
        ]
        indexes = [
            # operator home page: "plan actions due" of an operator, by due date
            models.Index(fields=["by_operator", "status", "due_date"], name="records_action_operator_due"),
            # organisation dashboard: actions due for an organisation
            models.Index(fields=["by_organisation", "status", "due_date"], name="records_action_org_due"),
        ]

    def __str__(self) -> str:
        return f"{self.goal_id} {self.status}"


class PlanVersionQuerySet(ImmutableQuerySet["PlanVersion"]):
    pass


class PlanVersion(SealedRow, ImmutableModel):
    """The whole plan (goals and actions) as it was after change number `number`: immutable, encrypted as one
    JSON document because goals of the health dimension are health data."""

    household_path = ("plan", "household_id")

    plan = models.ForeignKey(Plan, verbose_name=_("progetto"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("numero"))
    change = models.CharField(_("modifica"), max_length=40)
    snapshot = EncryptedJSONField(_("contenuto"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("da"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("il"), auto_now_add=True)

    objects = PlanVersionQuerySet.as_manager()

    class Meta(ImmutableModel.Meta):
        verbose_name = _("versione del progetto")
        verbose_name_plural = _("versioni del progetto")
        ordering = ["plan", "number"]
        constraints = [
            # also the index of the versions tab (a plan's versions by number)
            models.UniqueConstraint(fields=["plan", "number"], name="records_plan_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class PlanReview(ChoiceLabels, models.Model):
    """A periodic review or the closure review: per dimension, improved / unchanged / worsened with evidence."""

    household = models.ForeignKey("records.Household", verbose_name=_("nucleo"), on_delete=models.PROTECT,
                                  related_name="reviews")
    kind = models.CharField(_("tipo"), max_length=10, choices=ReviewKind.choices, default=ReviewKind.PERIODIC)
    reviewed_on = models.DateField(_("data della verifica"))
    closure_event = models.OneToOneField("records.HouseholdEvent", verbose_name=_("chiusura"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="review")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verificato da"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registrata il"), auto_now_add=True)

    class Meta:
        verbose_name = _("verifica del progetto")
        verbose_name_plural = _("verifiche del progetto")
        ordering = ["household", "reviewed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ReviewKind.CLOSURE, closure_event__isnull=False)
                | Q(kind=ReviewKind.PERIODIC, closure_event__isnull=True),
                name="records_review_closure_has_event",
            ),
        ]
        indexes = [
            # the ESF+ "improved situation" indicator reads closure reviews; the plan page reads a household's
            # reviews in date order
            models.Index(fields=["household", "kind", "reviewed_on"], name="records_review_hh_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind} {self.reviewed_on}"


class ReviewOutcome(SealedRow):
    household_path = ("review", "household_id")

    review = models.ForeignKey(PlanReview, verbose_name=_("verifica"), on_delete=models.CASCADE,
                               related_name="outcomes")
    dimension = models.CharField(_("dimensione"), max_length=16, choices=Dimension.choices)
    result = models.CharField(_("esito"), max_length=10, choices=OutcomeResult.choices)
    evidence = EncryptedTextField(_("evidenze"))

    class Meta:
        verbose_name = _("esito per dimensione")
        verbose_name_plural = _("esiti per dimensione")
        ordering = ["review", "dimension"]
        constraints = [
            # also the index reading a review's outcomes
            models.UniqueConstraint(fields=["review", "dimension"], name="records_outcome_one_per_dimension"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.result}"
