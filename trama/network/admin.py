from __future__ import annotations

from django.contrib import admin

from trama.network.models import Network, NetworkMembership, Organisation, Programme


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "legal_form", "fiscal_code", "is_active")
    list_filter = ("kind", "legal_form", "is_active")
    search_fields = ("name", "short_name", "fiscal_code")
    prepopulated_fields = {"slug": ("name",)}


class NetworkMembershipInline(admin.TabularInline):
    model = NetworkMembership
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "parent", "area", "programme", "is_active")
    list_filter = ("level", "programme")
    search_fields = ("name",)
    inlines = [NetworkMembershipInline]


admin.site.register(Programme)
