"""Staff pages: imports (the Italian template and the HSDS datapackage, all-or-nothing, large files in the
background with a progress page), the template's download, and the exports."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trama.core import audit
from trama.directory import access
from trama.directory.importexport import export as exports
from trama.directory.importexport.jobs import is_stale, start_import
from trama.directory.importexport.template import template_xlsx
from trama.directory.models.jobs import ImportJob, ImportKind, ImportStatus
from trama.directory.views._helpers import require_creator, user_of
from trama.network.access import require_perm
from trama.network.models import Organisation

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ZIP_BYTES = 25 * 1024 * 1024
SHOWN_ERRORS = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    maintainer = forms.ModelChoiceField(queryset=Organisation.objects.none(),
                                        label=gettext_lazy("Ente che aggiorna le schede"))
    file = forms.FileField(label=gettext_lazy("File (.xlsx o .csv del modello, oppure .zip del pacchetto HSDS)"))

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        ids = access.editable_organisation_ids(user)  # type: ignore[arg-type]
        organisations = Organisation.objects.order_by("name")
        if ids is not None:
            organisations = organisations.filter(pk__in=ids)
        self.fields["maintainer"].queryset = organisations  # type: ignore[attr-defined]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".csv", ".zip")):
            raise forms.ValidationError(_("Carica un file .xlsx o .csv (modello) oppure .zip (pacchetto HSDS)."))
        if name.endswith(".zip") and upload.size > MAX_ZIP_BYTES:
            raise forms.ValidationError(_("Il pacchetto supera il limite di 25 MB."))
        if not name.endswith(".zip") and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Il file supera il limite di 5 MB."))
        return upload


def can_see_job(user: object, job: ImportJob) -> bool:
    """The person who started it, and roles that edit every record (city coordinators)."""
    return job.created_by_id == getattr(user, "pk", None) or access.can_edit_any_record(user)  # type: ignore[arg-type]


def get_job_for(request: HttpRequest, pk: UUID) -> ImportJob:
    job = ImportJob.objects.select_related("maintainer").defer("data").filter(pk=pk).first()
    if job is None or not can_see_job(request.user, job):
        audit.record(action="access.denied", actor=user_of(request), object_type="directory.importjob",
                     object_id=str(pk), request=request, details={"write": False, "status": 404})
        raise Http404
    return job


def _job_context(job: ImportJob) -> dict[str, object]:
    return {
        "job": job,
        "stale": is_stale(job),
        "processed": number_format(job.processed, force_grouping=True),
        "total": number_format(job.total, force_grouping=True),
        "hidden_errors": max(0, job.error_count - SHOWN_ERRORS),
        "shown_errors": job.errors[:SHOWN_ERRORS],
        "is_package": job.kind == ImportKind.DATAPACKAGE,
    }


@login_required
def io_import(request: HttpRequest) -> HttpResponse:
    require_creator(request)
    job = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            job = start_import(data=upload.read(), filename=upload.name, by=user_of(request),
                               maintainer=form.cleaned_data["maintainer"])
            if not job.finished:
                return redirect("directory:io_job", pk=job.pk)
    else:
        form = ImportForm(user=request.user)
    recent = ImportJob.objects.filter(created_by=user_of(request)).defer("data").order_by("-created_at")[:5]
    context: dict[str, object] = {"form": form, "recent": recent}
    if job is not None:
        context.update(_job_context(job))
    return render(request, "directory/io_import.html", context,
                  status=400 if job is not None and job.status == ImportStatus.FAILED else 200)


@login_required
def io_job(request: HttpRequest, pk: UUID) -> HttpResponse:
    job = get_job_for(request, pk)
    return render(request, "directory/io_job.html", _job_context(job))


@login_required
def io_job_status(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The progress fragment the job page polls (htmx, every second) until the import ends."""
    job = get_job_for(request, pk)
    return render(request, "directory/io_job_progress.html", _job_context(job))


@login_required
def io_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="modello-servizi.xlsx"'
    return response


@login_required
def io_export(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, access.can_read_directory(request.user), object_type="directory.export",
                 request=request)
    fmt = request.GET.get("format", "hsds")
    if fmt not in exports.FORMATS:
        raise Http404
    content_type, extension = exports.FORMATS[fmt]
    response = HttpResponse(exports.export(fmt), content_type=content_type)
    stamp = timezone.localdate().isoformat()
    name = f"servizi-hsds-{stamp}" if fmt == "datapackage" else f"servizi-{stamp}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response
