from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from trama.core import audit
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


class AuditedAdminMixin:
    """Every write made through the Django admin leaves an audit event, like writes made through services."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        audit.record(action=f"admin.{obj._meta.label_lower}.{'update' if change else 'create'}", obj=obj,
                     request=request, details={"fields": sorted(form.changed_data)})

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(action=f"admin.{obj._meta.label_lower}.delete", obj=obj, request=request,
                     details={"repr": str(obj)[:200]})
        super().delete_model(request, obj)  # type: ignore[misc]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            audit.record(action=f"admin.{deleted._meta.label_lower}.delete", obj=deleted, request=request,
                         details={"repr": str(deleted)[:200]})
            deleted.delete()
        for instance in instances:
            created = instance.pk is None
            instance.save()
            audit.record(action=f"admin.{instance._meta.label_lower}.{'create' if created else 'update'}",
                         obj=instance, request=request, details={"repr": str(instance)[:200]})
        formset.save_m2m()
