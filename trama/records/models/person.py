"""Members of a household. Only a first name or an alias is required: people without fiscal code, residency or
documents must be recordable."""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trama.lib.codice_fiscale import birth_of
from trama.records.fields import EncryptedTextField
from trama.records.models.base import SealedRow
from trama.records.models.choices import (
    Disability,
    DocumentsStatus,
    EducationLevel,
    HouseholdRole,
    HousingSituation,
    LabourStatus,
    ResidencyStatus,
    SexGender,
)
from trama.records.validators import (
    validate_citizenship,
    validate_country,
    validate_emails,
    validate_languages,
    validate_person_fiscal_code,
    validate_phones,
)

ADULT_AGE = 18
EARLIEST_BIRTH_YEAR = 1900


def name_key(first_name_or_alias: str, surname: str) -> str:
    """Accent- and case-insensitive key of a person's names, in sorted word order, so that "Ahmed Mohamed" and
    "Mohamed Ahmed" (names often swapped between first name and surname) match in the duplicate check."""
    text = unicodedata.normalize("NFKD", f"{first_name_or_alias} {surname}")
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    words = "".join(char if char.isalnum() else " " for char in text).split()
    return " ".join(sorted(words))[:200]


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


class Person(SealedRow):
    household = models.ForeignKey("records.Household", verbose_name=_("nucleo"), on_delete=models.PROTECT,
                                  related_name="members")
    role_in_household = models.CharField(_("ruolo nel nucleo"), max_length=20, choices=HouseholdRole.choices)
    first_name_or_alias = models.CharField(_("nome o soprannome"), max_length=120)
    surname = models.CharField(_("cognome"), max_length=120, blank=True)
    # Written by the services from the two names; used by the duplicate check.
    name_key = models.CharField(_("chiave del nome"), max_length=200, editable=False, default="")
    birth_date = models.DateField(_("data di nascita"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("anno di nascita (anche approssimativo)"), null=True,
                                                  blank=True)
    sex_gender = models.CharField(_("sesso/genere"), max_length=12, choices=SexGender.choices, blank=True)
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, blank=True,
                                   validators=[validate_person_fiscal_code])
    citizenship = models.CharField(_("cittadinanza"), max_length=2, blank=True, validators=[validate_citizenship])
    country_of_birth = models.CharField(_("paese di nascita"), max_length=2, blank=True,
                                        validators=[validate_country])
    mother_country_of_birth = models.CharField(_("paese di nascita della madre"), max_length=2, blank=True,
                                               validators=[validate_country])
    father_country_of_birth = models.CharField(_("paese di nascita del padre"), max_length=2, blank=True,
                                               validators=[validate_country])
    languages = models.JSONField(_("lingue parlate"), default=list, blank=True, validators=[validate_languages])
    interpreter_needed = models.BooleanField(_("serve un interprete"), null=True, blank=True)
    documents_status = EncryptedTextField(_("documenti"), allowed=DocumentsStatus.values)
    residency_status = EncryptedTextField(_("residenza"), allowed=ResidencyStatus.values)
    housing_situation = models.CharField(_("situazione abitativa"), max_length=20, choices=HousingSituation.choices,
                                         blank=True)
    labour_status = models.CharField(_("condizione lavorativa"), max_length=24, choices=LabourStatus.choices,
                                     blank=True)
    education_level = models.CharField(_("titolo di studio (ISCED)"), max_length=8, choices=EducationLevel.choices,
                                       blank=True)
    disability = EncryptedTextField(_("disabilità"), allowed=Disability.values)
    health_notes = EncryptedTextField(_("note sulla salute"))
    phones = models.JSONField(_("telefoni"), default=list, blank=True, validators=[validate_phones])
    emails = models.JSONField(_("e-mail"), default=list, blank=True, validators=[validate_emails])
    # Pseudonymous key for statistics: random, stable, never derived from identity (GDPR art. 32, 89).
    statistics_key = models.UUIDField(_("chiave statistica"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registrato da"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registrato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("persone")
        ordering = ["household", "id"]
        constraints = [
            models.UniqueConstraint(fields=["uuid"], name="records_person_uuid_unique"),
            models.CheckConstraint(condition=~Q(first_name_or_alias=""), name="records_person_has_name"),
        ]
        indexes = [
            # duplicate check: same fiscal code among the people the user may see
            models.Index(fields=["fiscal_code"], name="records_person_cf", condition=~Q(fiscal_code="")),
            # duplicate check: same names (any order, no accents) among the people the user may see
            models.Index(fields=["name_key"], name="records_person_name_key"),
        ]

    def __str__(self) -> str:
        # Not the name: str() ends up in logs, admin titles and error pages. Pages show names explicitly.
        return f"#{self.pk} ({self.role_in_household})"

    @property
    def display_name(self) -> str:
        return f"{self.first_name_or_alias} {self.surname}".strip()

    def clean(self) -> None:
        today = timezone.localdate()
        errors: dict[str, Any] = {}
        if self.birth_date is not None and self.birth_date > today:
            errors["birth_date"] = _("La data di nascita è nel futuro.")
        if self.birth_date is not None and self.birth_date.year < EARLIEST_BIRTH_YEAR:
            errors["birth_date"] = _("La data di nascita è troppo lontana nel passato.")
        if self.birth_year is not None and self.birth_year > today.year:
            errors["birth_year"] = _("L'anno di nascita è nel futuro.")
        if self.birth_year is not None and self.birth_year < EARLIEST_BIRTH_YEAR:
            errors["birth_year"] = _("L'anno di nascita è troppo lontano nel passato.")
        if (self.birth_date is not None and self.birth_year is not None
                and self.birth_date.year != self.birth_year and not errors):
            errors["birth_year"] = _("L'anno di nascita non corrisponde alla data di nascita.")
        if errors:
            raise ValidationError(errors)

    def code_disagrees_with_birth_date(self) -> bool:
        """Whether the fiscal code encodes another birth date than the one recorded (one of them was mistyped).
        Not the sex: the code holds the legal one, which a person's gender need not match."""
        born = birth_of(self.fiscal_code) if self.fiscal_code else None
        return born is not None and self.birth_date is not None and born != (
            self.birth_date.year % 100, self.birth_date.month, self.birth_date.day)

    def refresh_name_key(self) -> None:
        self.name_key = name_key(self.first_name_or_alias, self.surname)

    @property
    def approximate_birth_year(self) -> int | None:
        return self.birth_date.year if self.birth_date is not None else self.birth_year

    def is_minor(self, on: dt.date | None = None) -> bool | None:
        """True/False from the birth date; with only the year, someone turning 18 during `on`'s year counts as a
        minor until the year ends (the protective reading). None when neither is known."""
        on = on or timezone.localdate()
        if self.birth_date is not None:
            return age_on(self.birth_date, on) < ADULT_AGE
        if self.birth_year is not None:
            return on.year - self.birth_year <= ADULT_AGE
        return None
