"""Imports as jobs: small files run in the request; large ones (more than BACKGROUND_ROWS rows) in a worker
thread of the same process, while the page polls the job's progress.

The job row holds the file and the outcome, so any process can show it. A thread ends with its process: a job
left "in progress" by a restart stays so and is shown as interrupted after STALE_AFTER (nothing was saved, since
the writes happen in one transaction). Tests run jobs synchronously: `background=False`, or the setting
`TRAMA_DIRECTORY_IMPORT_BACKGROUND = False`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import threading
import zipfile
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trama.directory.importexport import template
from trama.directory.importexport.datapackage import import_package
from trama.directory.models.jobs import ImportJob, ImportKind, ImportStatus

if TYPE_CHECKING:
    from trama.accounts.models import User
    from trama.network.models import Organisation

log = logging.getLogger(__name__)

BACKGROUND_ROWS = 500
MAX_STORED_ERRORS = 200
STALE_AFTER = dt.timedelta(hours=2)


def kind_of(filename: str) -> str:
    return ImportKind.DATAPACKAGE if filename.lower().endswith(".zip") else ImportKind.TEMPLATE


def count_rows(kind: str, data: bytes, filename: str) -> int:
    """Data rows in the upload (a quick count, to choose between now and the background)."""
    try:
        if kind == ImportKind.DATAPACKAGE:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return sum(max(0, _csv_rows(archive.read(info)) - 1) for info in archive.infolist()
                           if info.filename.endswith(".csv"))
        return max(0, len(template.read_rows(data, filename)) - 1)
    except (zipfile.BadZipFile, template.ImportFileError, csv.Error, OSError):
        return 0


def _csv_rows(data: bytes) -> int:
    return sum(1 for row in csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace"), newline="")) if row)


def start_import(*, data: bytes, filename: str, by: User | None, maintainer: Organisation,
                 background: bool | None = None) -> ImportJob:
    """Create the job and run it: now for small files, else in a thread once the request's transaction commits."""
    kind = kind_of(filename)
    total = count_rows(kind, data, filename)
    job = ImportJob.objects.create(kind=kind, created_by=by, maintainer=maintainer, filename=filename[:255],
                                   data=data, total=total)
    if background is None:
        background = total > BACKGROUND_ROWS and getattr(settings, "TRAMA_DIRECTORY_IMPORT_BACKGROUND", True)
    if background:
        # The thread speaks the language of the request that started it (its errors are stored as text).
        language = translation.get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: threading.Thread(target=_run_in_thread, args=(job.pk, language), daemon=True,
                                                       name=f"import-{job.pk}").start())
    else:
        run_job(job.pk)
        job.refresh_from_db()
    return job


def _run_in_thread(pk: UUID, language: str) -> None:
    try:
        with translation.override(language):
            run_job(pk)
    finally:
        connections.close_all()  # the thread's own connections


def _set(pk: UUID, **fields: Any) -> None:
    ImportJob.objects.filter(pk=pk).update(**fields)


def run_job(pk: UUID) -> None:
    job = ImportJob.objects.select_related("created_by", "maintainer").get(pk=pk)
    _set(pk, status=ImportStatus.CHECKING)
    errors: list[dict[str, Any]] = []
    warnings: list[str] = []
    outcome: dict[str, Any] = {}
    data = bytes(job.data)
    try:
        if job.kind == ImportKind.DATAPACKAGE:
            result = import_package(
                data, by=job.created_by, maintainer=job.maintainer,
                progress=lambda done, total: _set(pk, processed=done, total=total),
                on_saving=lambda: _set(pk, status=ImportStatus.SAVING),
            )
            errors = [error.as_dict() for error in result.errors]
            warnings = result.warnings
            outcome = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
                       "created_total": sum(result.created.values()),
                       "updated_total": sum(result.updated.values())}
        else:
            outcome_template = template.import_file(
                data, job.filename, by=job.created_by, maintainer=job.maintainer,
                progress=lambda done, total: _set(pk, processed=done, total=total),
                on_saving=lambda: _set(pk, status=ImportStatus.SAVING),
            )
            errors = [{"file": job.filename, "row": e.row, "column": e.column, "message": e.message}
                      for e in outcome_template.errors]
            outcome = {"services": outcome_template.services, "locations": outcome_template.locations,
                       "schedules": outcome_template.schedules}
    except Exception:
        log.exception("directory import %s failed", pk)
        errors = [{"file": job.filename, "row": 0, "column": "",
                   "message": _("errore imprevisto durante l'importazione: non è stato salvato nulla. "
                                "Riprova; se si ripete, segnala il file all'assistenza.")}]
    finished: dict[str, Any] = {"status": ImportStatus.FAILED if errors else ImportStatus.DONE,
                                "errors": errors[:MAX_STORED_ERRORS], "error_count": len(errors),
                                "warnings": warnings, "outcome": outcome, "data": b"",
                                "finished_at": timezone.now()}
    if not errors:
        finished["processed"] = ImportJob.objects.filter(pk=pk).values_list("total", flat=True).first() or 0
    _set(pk, **finished)


def is_stale(job: ImportJob) -> bool:
    return not job.finished and timezone.now() - job.created_at > STALE_AFTER
