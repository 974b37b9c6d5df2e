"""Read-only admin views of referrals for platform support: statuses and dates only (never the encrypted text),
no changes (every change goes through trama/referrals/services.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from trama.referrals.models import CaseTransfer, Referral


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict:  # type: ignore[type-arg]
        return {}


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("pk", "household", "from_organisation", "to_organisation", "status", "urgency", "sent_at")
    list_filter = ("status", "urgency")
    fields = ("household", "from_organisation", "to_organisation", "service", "status", "urgency", "categories",
              "consent", "legal_basis", "created_at", "sent_at", "expires_at", "responded_at", "accepted_at",
              "started_at", "completed_at", "cancelled_at", "expired_at", "outcome", "decline_reason")


@admin.register(CaseTransfer)
class CaseTransferAdmin(ReadOnlyAdmin):
    list_display = ("pk", "household", "from_organisation", "to_organisation", "status", "requested_at")
    list_filter = ("status",)
    fields = ("household", "from_organisation", "to_organisation", "status", "requested_by", "requested_at",
              "responded_by", "responded_at")
