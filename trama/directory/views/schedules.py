"""The weekly opening windows of a service at one place, and its closures.

The editor shows plain weekly windows one row per day; any other rule (monthly, every other week, limited in
time: entered by an import or the admin) is listed and kept as it is when the rows are saved."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trama.core import audit
from trama.core.errors import ApplicationError
from trama.directory import access, services
from trama.directory.forms import BaseWindowFormSet, ClosureForm, WindowFormSet
from trama.directory.models import Closure, Schedule, Service, ServiceAtLocation
from trama.directory.services import ScheduleSpec
from trama.directory.views import display
from trama.directory.views._helpers import service_url, user_of

PREFIX = "windows"


def _fetch(request: HttpRequest, pk: int, link_pk: int) -> tuple[Service, ServiceAtLocation]:
    service = access.get_service_for(request.user, pk, write=True, request=request)
    link = access.get_service_at_location_for(request.user, service, link_pk, request=request)
    return service, link


def _initial_rows(schedules: list[Schedule]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for schedule in schedules:
        if display.is_simple_weekly(schedule):
            rows.extend({"day": day, "opens_at": schedule.opens_at, "closes_at": schedule.closes_at,
                         "notes": schedule.notes} for day in display.simple_days(schedule))
    order = {code: index for index, code in enumerate(display.WEEKDAY_CODES)}
    return sorted(rows, key=lambda row: (order[row["day"]], row["opens_at"]))


def _kept(schedules: list[Schedule]) -> list[Schedule]:
    return [schedule for schedule in schedules if not display.is_simple_weekly(schedule)]


def _spec_of(schedule: Schedule) -> ScheduleSpec:
    return ScheduleSpec(
        opens_at=schedule.opens_at, closes_at=schedule.closes_at, byday=schedule.byday, freq=schedule.freq,
        bymonthday=schedule.bymonthday, interval=schedule.interval, dtstart=schedule.dtstart,
        until=schedule.until, valid_from=schedule.valid_from, valid_to=schedule.valid_to,
        description=schedule.description, notes=schedule.notes,
    )


def _can_close_location(request: HttpRequest, link: ServiceAtLocation) -> bool:
    return access.can_edit_maintained_by(request.user, link.location.maintainer_id)


def _page(request: HttpRequest, service: Service, link: ServiceAtLocation, *, formset: Any = None,
          closure_form: ClosureForm | None = None, schedule_error: str = "", status: int = 200) -> HttpResponse:
    schedules = list(link.schedules.order_by("opens_at", "pk"))
    if formset is None:
        formset = WindowFormSet(prefix=PREFIX, initial=_initial_rows(schedules))
    if closure_form is None:
        closure_form = ClosureForm(location=link.location, can_close_location=_can_close_location(request, link))
    today = timezone.localdate()
    closures = (
        Closure.objects.filter(Q(service=service) | Q(location=link.location), end_date__gte=today)
        .order_by("start_date", "pk")
    )
    return render(request, "directory/schedule_edit.html", {
        "service": service,
        "link": link,
        "location": access.location_fields_for(request.user, link.location),
        "formset": formset,
        "kept": [display.describe_rule(schedule) for schedule in _kept(schedules)],
        "schedule_error": schedule_error,
        "closure_form": closure_form,
        "closures": [{"closure": c, "removable": c.service_id == service.pk or _can_close_location(request, link)}
                     for c in closures],
        "title": _("Orari di %(service)s · %(place)s") % {"service": service.name, "place": link.location.name},
        "cancel_href": service_url(service.pk),
    }, status=status)


@login_required
def schedule_edit(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    service, link = _fetch(request, pk, link_pk)
    if request.method != "POST":
        return _page(request, service, link)
    formset = WindowFormSet(request.POST, prefix=PREFIX)
    assert isinstance(formset, BaseWindowFormSet)
    if not formset.is_valid():
        return _page(request, service, link, formset=formset)
    specs = [ScheduleSpec(byday=row["day"], opens_at=row["opens_at"], closes_at=row["closes_at"],
                          notes=row.get("notes") or "") for row in formset.windows()]
    specs += [_spec_of(schedule) for schedule in _kept(list(link.schedules.order_by("opens_at", "pk")))]
    try:
        services.schedule_set(by=user_of(request), windows=specs, service_at_location=link)
    except ApplicationError as error:
        return _page(request, service, link, formset=formset, schedule_error=error.message)
    messages.success(request, _("Orari salvati."))
    return redirect("directory:service_detail", service.pk)


@login_required
@require_POST
def closure_add(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    service, link = _fetch(request, pk, link_pk)
    form = ClosureForm(request.POST, location=link.location, can_close_location=_can_close_location(request, link))
    if form.is_valid():
        data = form.cleaned_data
        owner: dict[str, Any] = (
            {"location": link.location} if data["scope"] == ClosureForm.LOCATION else {"service": service}
        )
        try:
            services.closure_add(by=user_of(request), start_date=data["start_date"], end_date=data["end_date"],
                                 reason=data["reason"], **owner)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Chiusura aggiunta."))
            return redirect("directory:schedule_edit", service.pk, link.pk)
    return _page(request, service, link, closure_form=form)


@login_required
@require_POST
def closure_remove(request: HttpRequest, pk: int, link_pk: int, closure_pk: int) -> HttpResponse:
    service, link = _fetch(request, pk, link_pk)
    closure = Closure.objects.filter(Q(service=service) | Q(location=link.location), pk=closure_pk).first()
    allowed = closure is not None and (closure.service_id == service.pk or _can_close_location(request, link))
    if not allowed:
        status = 404 if closure is None else 403
        audit.record(action="access.denied", object_type="directory.closure", object_id=str(closure_pk),
                     request=request, details={"write": True, "status": status})
        raise Http404 if closure is None else PermissionDenied
    assert closure is not None
    services.closure_remove(closure=closure, by=user_of(request))
    messages.success(request, _("Chiusura rimossa."))
    return redirect("directory:schedule_edit", service.pk, link.pk)
