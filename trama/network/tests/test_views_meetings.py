from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trama.core.testing import Personas
from trama.network.models import ActionItem, AttendanceStatus, Meeting, MeetingStatus
from trama.network.tests.conftest import Governance

ClientAs = Callable[..., Client]


def test_it_shows_a_meeting_with_agenda_minutes_decisions_and_actions(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    response = client_as(personas.proximity).get(reverse("network:meeting_detail", args=[gov.past.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Cabina di aprile" in content
    assert "1. Fondo" in content
    assert "Si è discusso del fondo di comunità." in content
    assert "Approvato il piano del fondo." in content
    assert "Preparare il piano dei doposcuola" in content
    assert "Registra la decisione" not in content  # read-only
    # The proximity worker owns the action item, so may update its status from here.
    assert reverse("network:action_status", args=[gov.action.pk]) in content


def test_it_shows_meeting_times_in_rome(personas: Personas, client_as: ClientAs, gov: Governance) -> None:
    content = (
        client_as(personas.referent).get(reverse("network:meeting_detail", args=[gov.future.pk])).content
    )
    assert "10:00–12:00" in content.decode()


def test_it_gives_404_for_another_networks_meeting(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    client = client_as(personas.referent_other)
    assert client.get(reverse("network:meeting_detail", args=[gov.past.pk])).status_code == 404
    assert client.post(reverse("network:decision_add", args=[gov.past.pk]), {"text": "x"}).status_code == 404


def test_it_requires_login_for_a_meeting(personas: Personas, client: Client, gov: Governance) -> None:
    response = client.get(reverse("network:meeting_detail", args=[gov.past.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "name",
    [
        "meeting_edit",
        "meeting_status",
        "meeting_minutes",
        "meeting_attendance",
        "decision_add",
        "meeting_action_create",
    ],
)
def test_it_forbids_meeting_writes_to_read_only_members(
    personas: Personas, client_as: ClientAs, gov: Governance, name: str
) -> None:
    response = client_as(personas.proximity).post(reverse(f"network:{name}", args=[gov.past.pk]), {})
    assert response.status_code == 403


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_it_schedules_a_meeting(personas: Personas, client_as: ClientAs, gov: Governance) -> None:
    client = client_as(personas.referent)
    url = reverse("network:meeting_create", args=[gov.body.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Cabina di giugno",
            "starts_at": "2030-06-10T17:30",
            "ends_at": "2030-06-10T19:00",
            "place": "Via Padova 36",
            "agenda": "1. Varie",
        },
    )
    meeting = Meeting.objects.get(title="Cabina di giugno")
    assert response.status_code == 302
    local = timezone.localtime(meeting.starts_at)
    assert (local.hour, local.minute, str(local.tzinfo)) == (17, 30, "Europe/Rome")
    assert meeting.starts_at.utcoffset() is not None


def test_it_refuses_a_meeting_ending_before_it_starts(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    response = client_as(personas.referent).post(
        reverse("network:meeting_create", args=[gov.body.pk]),
        {
            "starts_at": "2030-06-10T17:30",
            "ends_at": "2030-06-10T16:00",
        },
    )
    assert response.status_code == 200
    assert "La fine della riunione deve essere successiva all&#x27;inizio." in response.content.decode()


def test_it_edits_a_meeting(personas: Personas, client_as: ClientAs, gov: Governance) -> None:
    client = client_as(personas.referent)
    url = reverse("network:meeting_edit", args=[gov.future.pk])
    assert _local(gov.future.starts_at) in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "",
            "starts_at": _local(gov.future.starts_at),
            "ends_at": _local(gov.future.ends_at),
            "place": "Spazio Comune",
            "agenda": "",
        },
    )
    assert response.status_code == 302
    gov.future.refresh_from_db()
    assert gov.future.place == "Spazio Comune"


def test_it_cancels_and_replans_a_meeting(personas: Personas, client_as: ClientAs, gov: Governance) -> None:
    client = client_as(personas.referent)
    url = reverse("network:meeting_status", args=[gov.future.pk])
    client.post(url, {"status": MeetingStatus.CANCELLED})
    gov.future.refresh_from_db()
    assert gov.future.status == MeetingStatus.CANCELLED
    client.post(url, {"status": MeetingStatus.HELD})  # a rule: not started yet, shown as a message
    gov.future.refresh_from_db()
    assert gov.future.status == MeetingStatus.CANCELLED


def test_it_records_minutes(personas: Personas, client_as: ClientAs, gov: Governance) -> None:
    client = client_as(personas.social_worker)
    url = reverse("network:meeting_minutes", args=[gov.past.pk])
    assert "Si è discusso" in client.get(url).content.decode()
    assert client.post(url, {"minutes": "Verbale corretto."}).status_code == 302
    gov.past.refresh_from_db()
    assert gov.past.minutes == "Verbale corretto."
    early = client.post(reverse("network:meeting_minutes", args=[gov.future.pk]), {"minutes": "Presto"})
    assert "Il verbale si scrive dopo l&#x27;inizio della riunione." in early.content.decode()


def test_it_records_attendance_of_the_body_members(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    client = client_as(personas.referent)
    url = reverse("network:meeting_attendance", args=[gov.past.pk])
    page = client.get(url).content.decode()
    assert "Rita Referente" in page and "Associazione Beta (test)" in page
    response = client.post(
        url,
        {f"p{gov.person.pk}": AttendanceStatus.PRESENT, f"o{personas.ets_b.pk}": AttendanceStatus.EXCUSED},
    )
    assert response.status_code == 302
    assert dict(gov.past.attendance.values_list("status", "person")) == {
        AttendanceStatus.PRESENT: gov.person.pk,
        AttendanceStatus.EXCUSED: None,
    }
    detail = client.get(reverse("network:meeting_detail", args=[gov.past.pk])).content.decode()
    assert "Assente giustificato" in detail


def test_it_refuses_presence_at_a_future_meeting(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    response = client_as(personas.referent).post(
        reverse("network:meeting_attendance", args=[gov.future.pk]),
        {f"p{gov.person.pk}": AttendanceStatus.PRESENT},
    )
    assert response.status_code == 200
    assert "dopo l&#x27;inizio della riunione" in response.content.decode()
    assert not gov.future.attendance.exists()


def test_it_adds_a_decision(personas: Personas, client_as: ClientAs, gov: Governance) -> None:
    response = client_as(personas.referent).post(
        reverse("network:decision_add", args=[gov.past.pk]), {"text": "Si apre un secondo sportello."}
    )
    assert response.status_code == 302
    assert list(gov.past.decisions.values_list("number", flat=True)) == [1, 2]


def test_it_creates_an_action_from_a_meeting(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    client = client_as(personas.referent)
    url = reverse("network:meeting_action_create", args=[gov.past.pk])
    page = client.get(url).content.decode()
    assert "Bianca Prossimità" in page  # owners: people acting for the network
    assert "Gina Referente" not in page  # not someone of another network
    due = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    response = client.post(
        url,
        {
            "title": "Contattare le scuole",
            "owner": personas.proximity_b.pk,
            "due_on": due,
            "decision": gov.decision.pk,
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get(title="Contattare le scuole")
    assert (item.meeting, item.decision, item.body) == (gov.past, gov.decision, gov.body)
