from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from trama.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log has no change or delete path."""

    list_display = ("at", "actor_email", "acting_for", "action", "object_type", "object_id", "ip")
    list_filter = ("action",)
    search_fields = ("actor_email", "object_type", "object_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict:  # type: ignore[type-arg]
        return {}
