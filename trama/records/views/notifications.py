"""The organisation's notices ("Avvisi"): consents withdrawn, legal bases recorded, break-glass openings,
referrals received or answered, case transfers. The members who read its records or handle its referrals read
them; the first reader marks one as read for everyone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from trama.core.pages import paginate, user_of
from trama.records import consent as consent_services


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    rows = consent_services.notifications_for(request.user)
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
