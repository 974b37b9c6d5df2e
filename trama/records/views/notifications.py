"""The organisation's notices ("Avvisi"): consents withdrawn, legal bases recorded, break-glass openings,
referrals received or answered, case transfers. Every member of the organisation reads them; the first reader marks
one as read for everyone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from trama.accounts import access as accounts_access
from trama.core.pages import paginate, user_of
from trama.records import consent as consent_services
from trama.records.models import OrganisationNotification


def notifications_for(user: object) -> QuerySet[OrganisationNotification]:
    """The notices of the user's organisations, unread first, newest first."""
    org_ids = accounts_access.organisation_ids_for(user)  # type: ignore[arg-type]
    return (OrganisationNotification.objects.filter(organisation_id__in=org_ids)
            .select_related("organisation", "household", "read_by")
            .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id"))


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    rows = notifications_for(request.user)
    if request.method == "POST":
        try:
            key = int(request.POST.get("notification", ""))
        except ValueError:
            key = 0
        notice = rows.filter(pk=key).first()
        if notice is None:
            messages.error(request, _("Avviso non trovato."))
        else:
            consent_services.notification_mark_read(notification=notice, by=user_of(request))
        return redirect(f"{request.path}?{request.GET.urlencode()}" if request.GET else request.path)
    page, query = paginate(request, rows)
    return render(request, "records/notifications.html", {"page": page, "query": query,
                                                          "unread": rows.filter(read_at__isnull=True).count()})
