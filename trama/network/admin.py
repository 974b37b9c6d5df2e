from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from trama.network.models import (
    ActionItem,
    ATSMember,
    Attendance,
    BodyMember,
    Decision,
    GovernanceBody,
    Meeting,
    Network,
    NetworkMembership,
    Organisation,
    OrganisationAddress,
    Person,
    Programme,
)

# The admin only shows the network module's data (lists, search, filters) to platform staff: it never adds,
# changes or deletes. Writes go through the pages under /network/, whose services check the business rules,
# geocode addresses and write the audit trail; an admin form would bypass all three.


class ReadOnlyAdminMixin:
    """No add, change or delete for anyone, superusers included; viewing stays (Django's view permission)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyModelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    pass


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    show_change_link = False


class OrganisationAddressInline(ReadOnlyTabularInline):
    model = OrganisationAddress
    fields = ("label", "address_text", "normalised", "latitude", "longitude", "municipio", "nil")


class PersonInline(ReadOnlyTabularInline):
    model = Person
    fields = ("full_name", "title", "email", "phone", "user", "is_active")


class ATSMemberInline(ReadOnlyTabularInline):
    model = ATSMember
    fk_name = "ats"
    fields = ("organisation", "role", "since", "until")


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "kind", "legal_form", "fiscal_code", "runts_number", "is_active")
    list_filter = ("kind", "legal_form", "is_active")
    search_fields = ("name", "short_name", "slug", "fiscal_code", "runts_number")
    exclude = ("municipi",)  # a many-to-many of areas: their boundaries are too heavy for a read-only page
    inlines = [OrganisationAddressInline, PersonInline, ATSMemberInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Person)
class PersonAdmin(ReadOnlyModelAdmin):
    list_display = ("full_name", "title", "organisation", "email", "is_active")
    list_filter = ("is_active",)
    search_fields = ("full_name", "email", "organisation__name")
    list_select_related = ("organisation",)


class NetworkMembershipInline(ReadOnlyTabularInline):
    model = NetworkMembership
    fields = ("organisation", "role", "since", "until")


@admin.register(Network)
class NetworkAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "level", "parent", "area", "programme", "is_active")
    list_filter = ("level", "programme", "is_active")
    search_fields = ("name", "slug", "parent__name")
    list_select_related = ("parent", "area", "programme")
    inlines = [NetworkMembershipInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        # The area's boundary (up to ~900 kB for the city) is never shown here.
        return super().get_queryset(request).defer("area__geometry", "area__geometry_simplified")


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "starts_on", "ends_on")
    search_fields = ("name",)


class BodyMemberInline(ReadOnlyTabularInline):
    model = BodyMember
    fields = ("person", "organisation", "role", "since", "until")


@admin.register(GovernanceBody)
class GovernanceBodyAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "kind", "network", "theme", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "theme", "network__name")
    list_select_related = ("network",)
    exclude = ("calendar_token",)  # the secret of the calendar subscription URL
    inlines = [BodyMemberInline]


class AttendanceInline(ReadOnlyTabularInline):
    model = Attendance
    fields = ("person", "organisation", "status", "note")


class DecisionInline(ReadOnlyTabularInline):
    model = Decision
    fields = ("number", "text", "created_by", "created_at")
    readonly_fields = ("created_at",)  # not editable: the admin requires it listed as read-only


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyModelAdmin):
    list_display = ("__str__", "body", "starts_at", "status")
    list_filter = ("status",)
    search_fields = ("title", "body__name")
    date_hierarchy = "starts_at"
    list_select_related = ("body",)
    inlines = [AttendanceInline, DecisionInline]


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyModelAdmin):
    list_display = ("title", "body", "owner", "due_on", "status", "done_on")
    list_filter = ("status",)
    search_fields = ("title", "body__name", "owner__full_name")
    list_select_related = ("body", "owner")
