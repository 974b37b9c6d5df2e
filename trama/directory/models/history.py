"""The history of changes to directory records, written by directory.services (never by views or admin)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trama.core.choices import ChoiceLabels


class RevisionAction(models.TextChoices):
    CREATE = "create", _("Creazione")
    UPDATE = "update", _("Modifica")
    DELETE = "delete", _("Eliminazione")
    VERIFY = "verify", _("Verifica")


class ServiceRevision(ChoiceLabels, models.Model):
    """Who changed what, when: `changes` is {field: [before, after]} (JSON-friendly values).

    Tied to the service and/or the location the change concerns, so that both pages show their history; a
    schedule change is recorded on its service (and location)."""

    service = models.ForeignKey("directory.Service", verbose_name=_("servizio"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="revisions")
    location = models.ForeignKey("directory.Location", verbose_name=_("sede"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="revisions")
    object_type = models.CharField(_("oggetto"), max_length=60)  # "directory.service", "directory.schedule"
    object_id = models.CharField(_("id oggetto"), max_length=40, blank=True)
    action = models.CharField(_("azione"), max_length=10, choices=RevisionAction.choices)
    changes = models.JSONField(_("modifiche"), default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("autore"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("quando"), auto_now_add=True)

    class Meta:
        verbose_name = _("revisione")
        verbose_name_plural = _("revisioni")
        ordering = ["-at", "-pk"]
        indexes = [
            # a service's / a location's history page, newest first
            models.Index(fields=["service", "-at"], name="directory_revision_service"),
            models.Index(fields=["location", "-at"], name="directory_revision_location"),
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} {self.action}"
