from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from trama.directory.models import (
    Accessibility,
    Attribute,
    Closure,
    Contact,
    CostOption,
    Language,
    Location,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceRevision,
    TargetGroup,
    Taxonomy,
    TaxonomyTerm,
)

# Read-only: writes go through trama.directory.services, which validate, geocode, keep the history and audit.


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation", "maintainer", "status", "is_public", "last_verified_on"]
    list_filter = ["status", "is_public", "requires_residency", "requires_documents", "is_free"]
    search_fields = ["name", "alternate_name", "description"]
    list_select_related = ["organisation", "maintainer"]


@admin.register(Location)
class LocationAdmin(ReadOnlyAdmin):
    list_display = ["name", "location_type", "maintainer", "municipio", "confidential_address"]
    list_filter = ["location_type", "confidential_address"]
    search_fields = ["name", "normalised_address"]
    list_select_related = ["maintainer", "municipio"]


@admin.register(ServiceRevision)
class ServiceRevisionAdmin(ReadOnlyAdmin):
    list_display = ["at", "object_type", "object_id", "action", "by"]
    list_filter = ["action", "object_type"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "taxonomy", "parent"]
    list_filter = ["taxonomy"]
    search_fields = ["code", "name"]


for model in (Taxonomy, TargetGroup, Program, ServiceAtLocation, Schedule, Closure, Phone, Contact, Language,
              CostOption, RequiredDocument, ServiceArea, Accessibility, Attribute):
    admin.site.register(model, ReadOnlyAdmin)
