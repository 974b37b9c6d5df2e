"""Staff pages: import of the Italian template (all-or-nothing), its download, and the exports."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trama.directory import access
from trama.directory.importexport import export as exports
from trama.directory.importexport.template import import_file, template_xlsx
from trama.directory.views._helpers import require_creator, user_of
from trama.network.access import require_perm
from trama.network.models import Organisation

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    maintainer = forms.ModelChoiceField(queryset=Organisation.objects.none(),
                                        label=gettext_lazy("Ente che aggiorna le schede"))
    file = forms.FileField(label=gettext_lazy("File (.xlsx o .csv)"))

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        ids = access.editable_organisation_ids(user)  # type: ignore[arg-type]
        organisations = Organisation.objects.order_by("name")
        if ids is not None:
            organisations = organisations.filter(pk__in=ids)
        self.fields["maintainer"].queryset = organisations  # type: ignore[attr-defined]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Il file supera il limite di 5 MB."))
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Carica un file .xlsx o .csv."))
        return upload


@login_required
def io_import(request: HttpRequest) -> HttpResponse:
    require_creator(request)
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = import_file(upload.read(), upload.name, by=user_of(request),
                                 maintainer=form.cleaned_data["maintainer"])
    else:
        form = ImportForm(user=request.user)
    return render(request, "directory/io_import.html", {"form": form, "result": result},
                  status=400 if result is not None and not result.ok else 200)


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
    response["Content-Disposition"] = f'attachment; filename="servizi-{stamp}.{extension}"'
    return response
