"""Pages of governance: bodies, meetings (attendance, minutes, decisions), action items, calendars."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from trama.accounts.access import can_manage_governance
from trama.core.errors import ApplicationError
from trama.core.http import safe_next
from trama.core.pages import paginate, run_service, user_of
from trama.network import services
from trama.network.access import (
    action_items_visible_to,
    get_action_item_for,
    get_body_for,
    get_body_for_calendar_token,
    get_body_member_for,
    get_meeting_for,
    get_network_for,
    require_perm,
)
from trama.network.calendar import body_calendar as build_calendar
from trama.network.calendar import feed_meetings
from trama.network.forms import (
    ActionItemForm,
    ActionStatusForm,
    AttendanceForm,
    BodyForm,
    BodyMemberForm,
    DecisionForm,
    EndForm,
    MeetingForm,
    MeetingStatusForm,
    MinutesForm,
)
from trama.network.models import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    GovernanceBody,
    Meeting,
)
from trama.network.selectors import active_body_members, member_organisations, member_people, owner_candidates

# --- Bodies ---------------------------------------------------------------------------------------


@login_required
def body_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, request=request)
    require_perm(
        request.user,
        can_manage_governance(request.user, network),
        object_type="network.governancebody",
        request=request,
    )
    form = BodyForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        body = run_service(form, lambda: services.body_create(network=network, by=user_of(request), **data))
        if body is not None:
            messages.success(request, _("Organo creato."))
            return redirect("network:body_detail", body.pk)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Nuovo organo di %(name)s") % {"name": network},
            "cancel_href": reverse("network:network_detail", args=[network.slug]),
        },
    )


@login_required
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_body_for(request.user, pk, request=request)
    now = timezone.now()
    past, query = paginate(request, body.meetings.filter(ends_at__lt=now).order_by("-starts_at"), per_page=10)
    return render(
        request,
        "network/body_detail.html",
        {
            "body": body,
            "members": active_body_members(body.pk),
            "upcoming": body.meetings.filter(ends_at__gte=now).order_by("starts_at"),
            "page": past,
            "query": query,
            "open_actions": body.action_items.filter(status__in=OPEN_ACTION_STATUSES)
            .select_related("owner", "meeting", "decision")
            .order_by("due_on", "pk"),
            "today": timezone.localdate(),
            "action_statuses": ActionStatus.choices,
            "can_govern": can_manage_governance(request.user, body.network),
            "feed_url": request.build_absolute_uri(
                reverse("network:body_calendar_feed", args=[body.calendar_token])
            ),
        },
    )


@login_required
def body_edit(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_body_for(request.user, pk, write=True, request=request)
    form = BodyForm(request.POST or None, instance=body, network=body.network)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        done = run_service(form, lambda: services.body_update(body=body, by=user_of(request), **data))
        if done is not None:
            messages.success(request, _("Modifiche salvate."))
            return redirect("network:body_detail", body.pk)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Modifica %(name)s") % {"name": body},
            "cancel_href": reverse("network:body_detail", args=[body.pk]),
        },
    )


@login_required
def body_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_body_for(request.user, pk, write=True, request=request)
    form = BodyMemberForm(
        request.POST or None,
        people=member_people(body.network),
        organisations=member_organisations(body.network),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = run_service(form, lambda: services.body_member_add(body=body, by=user_of(request), **data))
        if member is not None:
            messages.success(request, _("Componente aggiunto."))
            return redirect("network:body_detail", body.pk)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Nuovo componente di %(name)s") % {"name": body},
            "cancel_href": reverse("network:body_detail", args=[body.pk]),
        },
    )


@login_required
@require_POST
def body_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    body = get_body_for(request.user, pk, write=True, request=request)
    member = get_body_member_for(request.user, body, member_pk, request=request)
    form = EndForm(request.POST)
    on = form.cleaned_data["until"] if form.is_valid() else None
    try:
        services.body_member_remove(member=member, by=user_of(request), on=on)
        messages.success(request, _("Componente rimosso."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("network:body_detail", body.pk)


@login_required
@require_POST
def body_calendar_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_body_for(request.user, pk, write=True, request=request)
    services.body_calendar_token_rotate(body=body, by=user_of(request))
    messages.success(request, _("Nuovo indirizzo del calendario creato: il precedente non funziona più."))
    return redirect("network:body_detail", body.pk)


def _calendar_response(request: HttpRequest, body: GovernanceBody) -> HttpResponse:
    content = build_calendar(
        body,
        feed_meetings(body),
        base_url=request.build_absolute_uri("/")[:-1],
        host=request.get_host().split(":")[0],
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="organo-{body.pk}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_GET
def body_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The calendar for someone logged in (download or one-off import)."""
    return _calendar_response(request, get_body_for(request.user, pk, request=request))


@require_GET
def body_calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscription URL for calendar apps, which cannot log in: the body's secret token stands for the
    login. It shows only what any network member may know (no agenda, no minutes) and can be rotated."""
    return _calendar_response(request, get_body_for_calendar_token(token, request=request))


# --- Meetings -------------------------------------------------------------------------------------


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_body_for(request.user, pk, write=True, request=request)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        meeting = run_service(form, lambda: services.meeting_create(body=body, by=user_of(request), **data))
        if meeting is not None:
            messages.success(request, _("Riunione programmata."))
            return redirect("network:meeting_detail", meeting.pk)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Nuova riunione di %(name)s") % {"name": body},
            "cancel_href": reverse("network:body_detail", args=[body.pk]),
        },
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk, request=request)
    can_govern = can_manage_governance(request.user, meeting.body.network)
    return render(
        request,
        "network/meeting_detail.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "attendance": meeting.attendance.select_related("person", "person__organisation", "organisation"),
            "decisions": meeting.decisions.all(),
            "actions": meeting.action_items.select_related("owner", "decision").order_by("due_on", "pk"),
            "can_govern": can_govern,
            "decision_form": DecisionForm() if can_govern else None,
            "has_started": meeting.starts_at <= timezone.now(),
            "today": timezone.localdate(),
            "action_statuses": ActionStatus.choices,
        },
    )


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk, write=True, request=request)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        done = run_service(
            form, lambda: services.meeting_update(meeting=meeting, by=user_of(request), **data)
        )
        if done is not None:
            messages.success(request, _("Modifiche salvate."))
            return redirect("network:meeting_detail", meeting.pk)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Modifica riunione"),
            "cancel_href": reverse("network:meeting_detail", args=[meeting.pk]),
        },
    )


@login_required
@require_POST
def meeting_status(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk, write=True, request=request)
    form = MeetingStatusForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_set_status(
                meeting=meeting, by=user_of(request), status=form.cleaned_data["status"]
            )
            messages.success(request, _("Stato aggiornato."))
        except ApplicationError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Stato non valido."))
    return redirect("network:meeting_detail", meeting.pk)


@login_required
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk, write=True, request=request)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.meeting_record_minutes(
                meeting=meeting, by=user_of(request), minutes=form.cleaned_data["minutes"]
            ),
        )
        if done is not None:
            messages.success(request, _("Verbale salvato."))
            return redirect("network:meeting_detail", meeting.pk)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Verbale · %(meeting)s") % {"meeting": meeting.display_title},
            "cancel_href": reverse("network:meeting_detail", args=[meeting.pk]),
        },
    )


def _attendance_rows(meeting: Meeting) -> tuple[list[tuple[str, str, str]], dict[str, dict[str, Any]]]:
    """Form rows (key, label, current status) and what each key stands for: the body's members on the meeting
    day, then anyone already recorded who is not (any longer) a member."""
    current: dict[str, str] = {}
    targets: dict[str, dict[str, Any]] = {}
    labels: dict[str, str] = {}
    for line in meeting.attendance.select_related("person", "person__organisation", "organisation"):
        key = f"p{line.person_id}" if line.person_id else f"o{line.organisation_id}"
        current[key] = line.status
        targets[key] = {"person": line.person, "organisation": line.organisation}
        labels[key] = str(line.person or line.organisation)
    order: list[str] = []
    for member in active_body_members(meeting.body_id, on=timezone.localdate(meeting.starts_at)):
        key = f"p{member.person_id}" if member.person_id else f"o{member.organisation_id}"
        targets[key] = {"person": member.person, "organisation": member.organisation}
        labels[key] = f"{member.who} · {member.get_role_display()}"
        order.append(key)
    order += [key for key in labels if key not in order]
    rows = [(key, labels[key], current.get(key, "")) for key in order]
    return rows, targets


@login_required
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk, write=True, request=request)
    rows, targets = _attendance_rows(meeting)
    form = AttendanceForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        entries = [
            services.AttendanceEntry(status=form.cleaned_data[key] or None, **targets[key])
            for key, _l, _c in rows
        ]
        done = run_service(
            form, lambda: services.attendance_record(meeting=meeting, by=user_of(request), entries=entries)
        )
        if done is not None:
            messages.success(request, _("Presenze salvate."))
            return redirect("network:meeting_detail", meeting.pk)
    return render(
        request,
        "network/attendance_form.html",
        {
            "form": form,
            "meeting": meeting,
            "title": _("Presenze · %(meeting)s") % {"meeting": meeting.display_title},
            "cancel_href": reverse("network:meeting_detail", args=[meeting.pk]),
        },
    )


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk, write=True, request=request)
    form = DecisionForm(request.POST)
    if form.is_valid():
        decision = run_service(
            form,
            lambda: services.decision_add(
                meeting=meeting, by=user_of(request), text=form.cleaned_data["text"]
            ),
        )
        if decision is not None:
            messages.success(request, _("Decisione n. %(n)s registrata.") % {"n": decision.number})
            return redirect("network:meeting_detail", meeting.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(str(e) for e in error))
    return redirect("network:meeting_detail", meeting.pk)


# --- Action items ---------------------------------------------------------------------------------


def _action_form(request: HttpRequest, body: GovernanceBody, meeting: Meeting | None) -> HttpResponse:
    decisions = meeting.decisions.all() if meeting is not None else None
    form = ActionItemForm(request.POST or None, owners=owner_candidates(body.network), decisions=decisions)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        item = run_service(
            form, lambda: services.action_item_create(body=body, meeting=meeting, by=user_of(request), **data)
        )
        if item is not None:
            messages.success(request, _("Azione creata."))
            if meeting is not None:
                return redirect("network:meeting_detail", meeting.pk)
            return redirect("network:body_detail", body.pk)
    back = (
        reverse("network:meeting_detail", args=[meeting.pk])
        if meeting is not None
        else reverse("network:body_detail", args=[body.pk])
    )
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Nuova azione · %(name)s") % {"name": meeting.display_title if meeting else body},
            "cancel_href": back,
        },
    )


@login_required
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_body_for(request.user, pk, write=True, request=request)
    return _action_form(request, body, None)


@login_required
def meeting_action_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk, write=True, request=request)
    return _action_form(request, meeting.body, meeting)


@login_required
@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_action_item_for(request.user, pk, write=True, request=request)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.action_item_update_status(
                item=item,
                by=user_of(request),
                status=form.cleaned_data["status"],
                done_on=form.cleaned_data["done_on"],
            )
            messages.success(
                request,
                _("«%(title)s»: %(status)s.")
                % {"title": item.title, "status": ActionStatus(item.status).label.lower()},
            )
        except ApplicationError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Stato non valido."))
    return redirect(safe_next(request, reverse("network:body_detail", args=[item.body_id])))


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    items = (
        action_items_visible_to(request.user)
        .filter(owner=user_of(request), status__in=OPEN_ACTION_STATUSES)
        .select_related("body", "body__network", "meeting", "owner")
        .order_by("due_on", "pk")
    )
    page, query = paginate(request, items)
    # The owner may always update their own items' status, so every row gets the status buttons.
    return render(
        request,
        "network/my_actions.html",
        {
            "page": page,
            "query": query,
            "today": timezone.localdate(),
            "action_statuses": ActionStatus.choices,
        },
    )
