"""Shared base models: the append-only audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Who did what, acting for which organisation, on which object, when and from where.

    Append-only: no update or delete path through the ORM or the admin. Written only by
    `trama.core.audit.record`, which services call."""

    at = models.DateTimeField(_("quando"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("chi"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # The e-mail is copied so the trail stays readable even if the account is later anonymised.
    actor_email = models.CharField(_("e-mail di chi"), max_length=254, blank=True)
    acting_for = models.ForeignKey(
        "network.Organisation", verbose_name=_("per conto di"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    action = models.CharField(_("azione"), max_length=80)
    object_type = models.CharField(_("tipo di oggetto"), max_length=80, blank=True)
    object_id = models.CharField(_("id oggetto"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("indirizzo IP"), null=True, blank=True)
    details = models.JSONField(_("dettagli"), default=dict, blank=True)
    # The household (social record) the event concerns, when it concerns one: the event is on the household or
    # names it in its details. Set by `audit.record`; it selects a household's access log and a person's GDPR
    # export by index. A plain key, not a foreign key: the trail outlives the rows it speaks of.
    household_id = models.BigIntegerField(_("nucleo"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("evento di audit")
        verbose_name_plural = _("eventi di audit")
        ordering = ["-at", "-id"]
        # Related lookups and internal updates go through the guarded manager too.
        base_manager_name = "objects"
        indexes = [
            # audit page filtered by action, newest first
            models.Index(fields=["action", "-at"], name="audit_action_at"),
            # "what happened to this object" lookups
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            # audit page filtered by actor
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            # a household's access log, newest first
            models.Index(fields=["household_id", "-at"], name="audit_household_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")
