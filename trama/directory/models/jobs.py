"""Imports of directory files that run in the background: their state, progress and outcome."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trama.core.choices import ChoiceLabels


class ImportKind(models.TextChoices):
    TEMPLATE = "template", _("Modello italiano (CSV/XLSX)")
    DATAPACKAGE = "datapackage", _("Pacchetto HSDS (zip)")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("In attesa")
    CHECKING = "checking", _("Controllo delle righe")
    SAVING = "saving", _("Salvataggio")
    DONE = "done", _("Completata")
    FAILED = "failed", _("Non riuscita")


class ImportJob(ChoiceLabels, models.Model):
    """One upload being imported. The file's bytes stay in the row until the import ends (then they are
    cleared), so any process of the application can read them and no local file is shared."""

    # Random, so job URLs cannot be guessed or counted.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("tipo"), max_length=12, choices=ImportKind.choices)
    status = models.CharField(_("stato"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("avviata da"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    maintainer = models.ForeignKey("network.Organisation", verbose_name=_("ente che aggiorna le schede"),
                                   on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(_("file"), max_length=255)
    data = models.BinaryField(_("contenuto"), blank=True, default=b"")
    total = models.PositiveIntegerField(_("righe"), default=0)
    processed = models.PositiveIntegerField(_("righe controllate"), default=0)
    # [{"file": ..., "row": n, "column": ..., "message": ...}], at most MAX_STORED_ERRORS; error_count is the total.
    errors = models.JSONField(_("errori"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("numero di errori"), default=0)
    warnings = models.JSONField(_("avvisi"), default=list, blank=True)
    # {"created": {table: n}, "updated": {table: n}} or the template's counts.
    outcome = models.JSONField(_("esito"), default=dict, blank=True)
    created_at = models.DateTimeField(_("avviata il"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminata il"), null=True, blank=True)

    class Meta:
        app_label = "directory"
        verbose_name = _("importazione")
        verbose_name_plural = _("importazioni")
        ordering = ["-created_at"]
        indexes = [
            # the import page's "your recent imports" list
            models.Index(fields=["created_by", "-created_at"], name="directory_importjob_user"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0
