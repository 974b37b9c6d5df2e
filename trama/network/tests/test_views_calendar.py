from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from trama.core.testing import Personas
from trama.network import services
from trama.network.models import MeetingStatus
from trama.network.tests.conftest import Governance

ClientAs = Callable[..., Client]


def _parse(content: bytes) -> Calendar:
    return Calendar.from_ical(content)


def test_it_serves_a_valid_calendar_of_the_bodys_meetings(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    services.meeting_set_status(meeting=gov.future, by=None, status=MeetingStatus.CANCELLED)
    response = client_as(personas.proximity).get(reverse("network:body_calendar", args=[gov.body.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = _parse(response.content)
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["PRODID"]).startswith("-//Trama//")
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"meeting-{gov.past.pk}@testserver", f"meeting-{gov.future.pk}@testserver"}
    past = events[f"meeting-{gov.past.pk}@testserver"]
    assert past.decoded("DTSTART") == gov.past.starts_at
    assert past.decoded("DTSTART").utcoffset() == dt.timedelta(0)  # written in UTC
    assert past.decoded("DTEND") == gov.past.ends_at
    assert str(past["SUMMARY"]) == "Cabina di aprile"
    assert str(past["URL"]) == "http://testserver" + reverse("network:meeting_detail", args=[gov.past.pk])
    future = events[f"meeting-{gov.future.pk}@testserver"]
    assert str(future["STATUS"]) == "CANCELLED"
    assert str(future["LOCATION"]) == "Via Padova 36"


def test_it_leaves_agenda_and_minutes_out_of_the_feed(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    content = client_as(personas.referent).get(reverse("network:body_calendar", args=[gov.body.pk])).content
    text = " ".join(str(value) for event in _parse(content).walk("VEVENT") for value in event.values())
    assert "Cabina di aprile" in text
    assert gov.past.agenda not in text
    assert "discusso" not in text


def test_it_serves_the_subscription_feed_without_login(client: Client, gov: Governance) -> None:
    response = client.get(reverse("network:body_calendar_feed", args=[gov.body.calendar_token]))
    assert response.status_code == 200
    assert len(_parse(response.content).walk("VEVENT")) == 2


def test_it_refuses_a_wrong_or_rotated_token(client: Client, gov: Governance) -> None:
    old = gov.body.calendar_token
    assert client.get(reverse("network:body_calendar_feed", args=["not-a-token"])).status_code == 404
    services.body_calendar_token_rotate(body=gov.body, by=None)
    assert client.get(reverse("network:body_calendar_feed", args=[old])).status_code == 404
    assert (
        client.get(reverse("network:body_calendar_feed", args=[gov.body.calendar_token])).status_code == 200
    )


def test_it_stops_the_feed_of_a_closed_body(client: Client, gov: Governance) -> None:
    services.body_update(body=gov.body, by=None, is_active=False)
    assert (
        client.get(reverse("network:body_calendar_feed", args=[gov.body.calendar_token])).status_code == 404
    )


def test_it_requires_login_for_the_download(client: Client, gov: Governance) -> None:
    response = client.get(reverse("network:body_calendar", args=[gov.body.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_gives_404_for_another_networks_calendar(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    assert (
        client_as(personas.referent_other)
        .get(reverse("network:body_calendar", args=[gov.body.pk]))
        .status_code
        == 404
    )
