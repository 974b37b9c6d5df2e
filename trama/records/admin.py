"""Read-only admin views of social records for technical support: structure only.

Platform administrators see no social records without a break-glass access (issue 4 §3), so these pages show
reference codes, ownership, states and dates, never names, contacts or special-category values (encrypted
fields would print as a mask anyway)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from trama.records.models import (
    BreakGlassAccess,
    Consent,
    ConsentEvent,
    Household,
    HouseholdEvent,
    LegalBasisRecord,
    Note,
    OrganisationNotification,
    Person,
    Plan,
    PlanVersion,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict:  # type: ignore[type-arg]
        return {}

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.list_display

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.list_display


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("reference_code", "organisation", "status", "opened_on", "closed_on", "closure_reason")
    list_filter = ("status", "closure_reason")
    search_fields = ("reference_code",)
    list_select_related = ("organisation",)


@admin.register(HouseholdEvent)
class HouseholdEventAdmin(ReadOnlyAdmin):
    list_display = ("household", "kind", "reason", "on", "at")
    list_filter = ("kind",)
    list_select_related = ("household",)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("id", "household", "role_in_household", "created_at")
    list_select_related = ("household",)


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("household", "version", "updated_at")
    list_select_related = ("household",)


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ("plan", "number", "change", "created_at")


@admin.register(Note)
class NoteAdmin(ReadOnlyAdmin):
    list_display = ("household", "visibility", "organisation", "written_at")
    list_filter = ("visibility",)
    list_select_related = ("household", "organisation")


# Consent and legal bases: terms, dates and recipients' ids only; who signed, evidence and reasons are encrypted and
# print as a mask, so they are not listed at all.


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("household", "recorded_for", "legal_basis", "notice_version", "notice_language", "given_on",
                    "expires_on", "withdrawn_at")
    list_filter = ("legal_basis", "notice_language")
    list_select_related = ("household", "recorded_for")


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = ("consent", "kind", "at")
    list_filter = ("kind",)


@admin.register(LegalBasisRecord)
class LegalBasisRecordAdmin(ReadOnlyAdmin):
    list_display = ("household", "basis", "reference", "organisation", "network", "recorded_at", "valid_until",
                    "revoked_at")
    list_filter = ("basis",)
    list_select_related = ("household", "organisation", "network")


@admin.register(BreakGlassAccess)
class BreakGlassAccessAdmin(ReadOnlyAdmin):
    list_display = ("household", "user", "started_at", "expires_at", "notified_at")
    list_select_related = ("household", "user")


@admin.register(OrganisationNotification)
class OrganisationNotificationAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "kind", "household", "created_at", "read_at")
    list_filter = ("kind",)
    list_select_related = ("organisation", "household")
