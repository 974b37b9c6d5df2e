"""What the family needs and wants, its resources and strengths, in its own words; assessments on the common
multidimensional scale."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trama.core.choices import ChoiceLabels
from trama.records.fields import EncryptedTextField
from trama.records.models.base import SealedRow
from trama.records.models.choices import Dimension, StatementKind

NEEDS_TAXONOMY_CODE = "bisogni"
SCORE_MIN, SCORE_MAX = 1, 5


class Statement(ChoiceLabels, models.Model):
    household = models.ForeignKey("records.Household", verbose_name=_("nucleo"), on_delete=models.PROTECT,
                                  related_name="statements")
    person = models.ForeignKey("records.Person", verbose_name=_("persona"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="statements")
    kind = models.CharField(_("tipo"), max_length=10, choices=StatementKind.choices)
    term = models.ForeignKey("directory.TaxonomyTerm", verbose_name=_("bisogno (tassonomia)"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("con le sue parole"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registrato da"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("registrato il"), auto_now_add=True)
    # Set by `services.statement_update` (who changed what is in the audit log).
    updated_at = models.DateTimeField(_("modificato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("bisogno, desiderio o risorsa")
        verbose_name_plural = _("bisogni, desideri e risorse")
        ordering = ["household", "kind", "id"]
        indexes = [
            # the household page lists statements grouped by kind
            models.Index(fields=["household", "kind"], name="records_stmt_hh_kind"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.kind})"  # not the text: str() ends up in logs and admin titles

    @property
    def changed_at(self) -> dt.datetime:
        """When it was last written: recorded, or changed since (an edit form's "seen")."""
        return self.updated_at or self.recorded_at

    def clean(self) -> None:
        if self.term is not None and self.term.taxonomy.code != NEEDS_TAXONOMY_CODE:
            raise ValidationError({"term": _("Il termine scelto non appartiene alla tassonomia dei bisogni.")})
        if self.person is not None and self.person.household_id != self.household_id:
            raise ValidationError({"person": _("La persona non fa parte di questo nucleo.")})
        if not (self.text or "").strip():
            raise ValidationError({"text": _("Scrivi il bisogno, il desiderio o la risorsa.")})


class Assessment(models.Model):
    household = models.ForeignKey("records.Household", verbose_name=_("nucleo"), on_delete=models.PROTECT,
                                  related_name="assessments")
    assessed_on = models.DateField(_("data della valutazione"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("valutato da"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registrato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("valutazione")
        verbose_name_plural = _("valutazioni")
        ordering = ["household", "assessed_on", "id"]
        indexes = [
            # the trend: a household's assessments in date order
            models.Index(fields=["household", "assessed_on"], name="records_assess_hh_date"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.assessed_on}"


class AssessmentScore(SealedRow):
    """One dimension of an assessment. The notes are encrypted because any dimension's notes may hold health
    data; the health dimension's row as a whole belongs to the health category (see records/categories.py)."""

    household_path = ("assessment", "household_id")

    assessment = models.ForeignKey(Assessment, verbose_name=_("valutazione"), on_delete=models.CASCADE,
                                   related_name="scores")
    dimension = models.CharField(_("dimensione"), max_length=16, choices=Dimension.choices)
    score = models.PositiveSmallIntegerField(_("punteggio (1–5)"))
    notes = EncryptedTextField(_("note"))

    class Meta:
        verbose_name = _("punteggio di valutazione")
        verbose_name_plural = _("punteggi di valutazione")
        ordering = ["assessment", "dimension"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "dimension"], name="records_score_one_per_dimension"),
            models.CheckConstraint(condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                                   name="records_score_range"),
        ]
        # The unique constraint's index (assessment, dimension) serves the trend's per-assessment fetch.

    def __str__(self) -> str:
        return f"{self.dimension}={self.score}"
