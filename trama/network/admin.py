from __future__ import annotations

from django.contrib import admin
from django.db import models

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

# The admin is a back office for platform administrators; the pages under /network/ (which go through the
# services and write the audit trail) are where people do their work.


class OrganisationAddressInline(admin.TabularInline):
    model = OrganisationAddress
    extra = 0
    fields = ("label", "address_text", "normalised", "latitude", "longitude", "municipio", "nil")
    readonly_fields = ("normalised", "latitude", "longitude", "municipio", "nil")


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    fields = ("full_name", "title", "email", "phone", "user", "is_active")
    autocomplete_fields = ("user",)


class ATSMemberInline(admin.TabularInline):
    model = ATSMember
    fk_name = "ats"
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "legal_form", "fiscal_code", "runts_number", "is_active")
    list_filter = ("kind", "legal_form", "is_active")
    search_fields = ("name", "short_name", "fiscal_code", "runts_number")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("municipi",)
    inlines = [OrganisationAddressInline, PersonInline, ATSMemberInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("full_name", "title", "organisation", "email", "is_active")
    list_filter = ("is_active",)
    search_fields = ("full_name", "email", "organisation__name")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation", "user")


class NetworkMembershipInline(admin.TabularInline):
    model = NetworkMembership
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "parent", "area", "programme", "is_active")
    list_filter = ("level", "programme")
    search_fields = ("name",)
    list_select_related = ("parent", "area", "programme")
    inlines = [NetworkMembershipInline]


admin.site.register(Programme)


class BodyMemberInline(admin.TabularInline):
    model = BodyMember
    extra = 0
    autocomplete_fields = ("person", "organisation")


@admin.register(GovernanceBody)
class GovernanceBodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "network", "theme", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "theme", "network__name")
    list_select_related = ("network",)
    inlines = [BodyMemberInline]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ("person", "organisation")


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    readonly_fields = ("created_by", "created_at")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("__str__", "body", "starts_at", "status")
    list_filter = ("status",)
    search_fields = ("title", "body__name")
    date_hierarchy = "starts_at"
    list_select_related = ("body",)
    readonly_fields = ("created_by", "created_at", "updated_at")
    inlines = [AttendanceInline, DecisionInline]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("title", "body", "owner", "due_on", "status", "done_on")
    list_filter = ("status",)
    search_fields = ("title", "body__name", "owner__full_name")
    list_select_related = ("body", "owner")
    autocomplete_fields = ("owner",)
    raw_id_fields = ("meeting", "decision")
    readonly_fields = ("created_by", "created_at", "updated_at")
