"""Expire referrals unanswered for TRAMA_REFERRAL_EXPIRY_DAYS and remind the receiving organisations
TRAMA_REFERRAL_REMINDER_DAYS before. Run it daily from cron or a systemd timer; safe to run again or
concurrently (every change is conditional)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from trama.referrals.services import referrals_expire


class Command(BaseCommand):
    help = "Expire unanswered referrals and send the reminders before expiry."

    def handle(self, *args: Any, **options: Any) -> None:
        result = referrals_expire()
        self.stdout.write(self.style.SUCCESS(f"{result.expired} referrals expired, {result.reminded} reminders sent."))
