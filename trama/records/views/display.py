"""What the household page shows of each member: only the fields of the categories the entitlement covers,
encrypted ones read through it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from trama.records.access import HouseholdAccess
from trama.records.categories import DataCategory
from trama.records.models import (
    Disability,
    DocumentsStatus,
    Person,
    ResidencyStatus,
)
from trama.records.protection import reveal_if_entitled

ENCRYPTED_CHOICES = {
    "documents_status": dict(DocumentsStatus.choices),
    "residency_status": dict(ResidencyStatus.choices),
    "disability": dict(Disability.choices),
}


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("sì") if value else _("no"))


def _field(person: Person, name: str) -> tuple[str, Any]:
    model_field: Any = person._meta.get_field(name)
    label = str(model_field.verbose_name)
    label = label[:1].upper() + label[1:]
    value = getattr(person, f"get_{name}_display")() if getattr(model_field, "choices", None) else getattr(person,
                                                                                                          name)
    return label, value


def member_rows(opened: HouseholdAccess, people: QuerySet[Person]) -> list[dict[str, Any]]:
    entitlement = opened.entitlement
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    for person in people:
        categories = opened.categories_for(person.pk)  # a member's own consent may share more of them
        identity = DataCategory.IDENTITY in categories
        sections: list[tuple[str, list[tuple[str, Any]]]] = []
        if identity:
            items = [_field(person, n) for n in ("birth_date", "birth_year", "sex_gender", "fiscal_code")]
            items.append((_("Lingue parlate"), ", ".join(person.languages or [])))
            items.append((_("Serve un interprete"), _yes_no(person.interpreter_needed)))
            sections.append((str(DataCategory.IDENTITY.label), items))
        if DataCategory.CONTACTS in categories:
            sections.append((str(DataCategory.CONTACTS.label), [
                (_("Telefoni"), ", ".join(person.phones or [])), (_("E-mail"), ", ".join(person.emails or []))]))
        if DataCategory.NEEDS_AND_PLAN in categories:
            sections.append((str(DataCategory.NEEDS_AND_PLAN.label), [
                _field(person, n) for n in ("housing_situation", "labour_status", "education_level")]))
        if DataCategory.LEGAL_MIGRATION in categories:
            items = [_field(person, n) for n in ("citizenship", "country_of_birth", "mother_country_of_birth",
                                                 "father_country_of_birth")]
            for name in ("documents_status", "residency_status"):
                value = reveal_if_entitled(person, name, entitlement=entitlement)
                items.append((_field(person, name)[0], ENCRYPTED_CHOICES[name].get(value, value) if value else ""))
            sections.append((str(DataCategory.LEGAL_MIGRATION.label), items))
        if DataCategory.HEALTH in categories:
            disability = reveal_if_entitled(person, "disability", entitlement=entitlement)
            sections.append((str(DataCategory.HEALTH.label), [
                (_field(person, "disability")[0], ENCRYPTED_CHOICES["disability"].get(disability, disability)
                 if disability else ""),
                (_field(person, "health_notes")[0],
                 reveal_if_entitled(person, "health_notes", entitlement=entitlement) or ""),
            ]))
        rows.append({
            "person": person,
            "name": person.display_name if identity else _("Componente n. %(n)d") % {"n": len(rows) + 1},
            "role": person.get_role_in_household_display() if identity else "",
            "minor": person.is_minor(today) if identity else None,
            "sections": [(title, [(label, value) for label, value in items if value not in (None, "", [])])
                         for title, items in sections],
        })
    return rows
