"""A service's `updated_at` (HSDS `last_modified`, the API's `modified_after`) follows what its published record
embeds from elsewhere: its organisation (name, activity: a reactivated organisation's services reappear) and its
programme. Without it an incremental consumer of the API never sees those changes."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from trama.directory.models import Program, Service
from trama.network.models import Organisation

UID = "trama.directory.stamps"


@receiver(post_save, sender=Organisation, dispatch_uid=f"{UID}.organisation_saved")
def _organisation_saved(sender: Any, instance: Organisation, raw: bool = False, created: bool = False,
                        **kwargs: Any) -> None:
    if not raw and not created:
        # A queryset update: no post_save of its own, so no loop with the index receivers.
        Service.objects.filter(organisation=instance).update(updated_at=timezone.now())


@receiver(post_save, sender=Program, dispatch_uid=f"{UID}.program_saved")
def _program_saved(sender: Any, instance: Program, raw: bool = False, created: bool = False, **kwargs: Any) -> None:
    if not raw and not created:
        Service.objects.filter(program=instance).update(updated_at=timezone.now())
