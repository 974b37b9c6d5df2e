"""The ICS (iCalendar, RFC 5545) feed of a governance body's meetings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from trama.network.models import GovernanceBody, Meeting, MeetingStatus

# Calendar apps poll a subscription often: keep the feed to the last year and everything ahead.
FEED_PAST_DAYS = 365

_ICS_STATUS: dict[str, str] = {
    MeetingStatus.PLANNED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def feed_meetings(body: GovernanceBody) -> Iterable[Meeting]:
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    return body.meetings.filter(starts_at__gte=since).order_by("starts_at")


def body_calendar(body: GovernanceBody, meetings: Iterable[Meeting], *, base_url: str, host: str) -> bytes:
    """Events carry the title, time, place and status of each meeting and a link to its page (which needs a
    login); never the agenda or the minutes, since a subscription URL can be forwarded."""
    calendar = Calendar()
    calendar.add("prodid", "-//Trama//Governance calendar//IT")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{body.name} · {body.network.name}")
    calendar.add("x-wr-timezone", "Europe/Rome")
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        # Times in UTC: unambiguous for every client, no VTIMEZONE block needed.
        event.add("dtstamp", meeting.updated_at.astimezone(dt.UTC))
        event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
        event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
        event.add("summary", meeting.display_title)
        if meeting.place:
            event.add("location", meeting.place)
        event.add("status", _ICS_STATUS.get(meeting.status, "CONFIRMED"))
        event.add("url", f"{base_url}{meeting_path(meeting)}")
        event.add("description", f"{body.name}\n{base_url}{meeting_path(meeting)}")
        calendar.add_component(event)
    return calendar.to_ical()


def meeting_path(meeting: Meeting) -> str:
    from django.urls import reverse

    return reverse("network:meeting_detail", args=[meeting.pk])
