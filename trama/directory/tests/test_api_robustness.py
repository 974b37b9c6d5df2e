"""The HSDS API against odd stored data and odd requests, and `modified_after` against changes made elsewhere
(an organisation, a schedule saved unchanged): findings of a review, each fixed."""

from __future__ import annotations

import datetime as dt

import jsonschema
import pytest
from django.test import Client
from django.utils import timezone

from trama.core.errors import ApplicationError
from trama.core.testing import Personas
from trama.directory import hsds, services
from trama.directory.forms import PhoneForm
from trama.directory.services import ScheduleSpec
from trama.directory.tests.test_api import API, Dataset, build_dataset
from trama.network.services.organisations import organisation_update


@pytest.fixture
def data(personas: Personas) -> Dataset:
    return build_dataset(personas)


def test_an_extension_is_ascii_digits_and_the_api_never_fails_on_a_stored_one(client: Client, data: Dataset,
                                                                            personas: Personas) -> None:
    assert not PhoneForm(data={"number": "02 1234 5678", "extension": "²", "type": "voice"}).is_valid()
    with pytest.raises(ApplicationError) as info:
        services.phone_add(by=personas.referent, service=data.after_school, number="02 1234 5678", extension="²")
    assert info.value.field == "extension"
    phone = services.phone_add(by=personas.referent, service=data.after_school, number="02 1234 5678",
                               extension="417")
    type(phone).objects.filter(pk=phone.pk).update(extension="²")  # stored by an older version
    for url in (f"services/{data.after_school.hsds_id}", "services?full=true", "organizations?full_service=true"):
        assert client.get(API + url).status_code == 200, url


def test_a_window_dated_near_the_year_9999_does_not_break_the_api(client: Client, data: Dataset,
                                                                 personas: Personas) -> None:
    with pytest.raises(ApplicationError) as info:  # refused at input now
        services.schedule_set(by=personas.referent, service_at_location=data.padova_link, windows=[
            ScheduleSpec(opens_at=dt.time(9), closes_at=dt.time(12), byday="MO", valid_from=dt.date(9999, 12, 1))])
    assert info.value.field == "valid_from"
    [window] = services.schedule_set(by=personas.referent, service_at_location=data.padova_link, windows=[
        ScheduleSpec(opens_at=dt.time(9), closes_at=dt.time(12), byday="MO")])
    type(window).objects.filter(pk=window.pk).update(valid_from=dt.date(9999, 12, 1))  # stored by an older version
    assert client.get(f"{API}services/{data.after_school.hsds_id}").status_code == 200
    assert client.get(f"{API}services?full=true").status_code == 200


def test_a_huge_per_page_is_capped_not_refused(client: Client, data: Dataset) -> None:
    body = client.get(API + "services?per_page=10000000000").json()
    assert body["size"] <= 100 and body["total_items"] >= 1
    assert client.get(API + "services?per_page=1%C2%B2").status_code == 400  # "1²": not a number


def test_every_error_is_in_the_clients_language(client: Client, data: Dataset) -> None:
    for url in ("schema/nope.json", "profile/nope.json"):
        assert client.get(API + url).json()["detail"].startswith(("Nessuno schema", "Il profilo modifica"))
        english = client.get(API + url, HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
        assert english.startswith(("No schema", "The profile")), english


def test_modified_after_sees_an_organisation_coming_back_renamed(client: Client, data: Dataset,
                                                                personas: Personas) -> None:
    organisation_update(organisation=personas.ets_b, by=personas.coordinator, is_active=False)
    since = timezone.now()
    organisation_update(organisation=personas.ets_b, by=personas.coordinator, is_active=True, name="Beta rinominata")
    changed = client.get(API + "services", {"modified_after": since.isoformat()}).json()["contents"]
    assert changed and {s["organization"]["name"] for s in changed} == {"Beta rinominata"}


def test_schedules_keep_their_ids_and_a_change_is_seen_by_modified_after(client: Client, data: Dataset,
                                                                        personas: Personas) -> None:
    def published() -> tuple[str, list[str]]:
        body = client.get(f"{API}services/{data.after_school.hsds_id}").json()
        return body["last_modified"], sorted(s["id"] for link in body["service_at_locations"]
                                             for s in link["schedules"])

    windows = [ScheduleSpec(opens_at=dt.time(10), closes_at=dt.time(13), byday="TU"),
               ScheduleSpec(opens_at=dt.time(14), closes_at=dt.time(17), byday="TU")]
    services.schedule_set(by=personas.referent, service_at_location=data.padova_link, windows=windows)
    modified, ids = published()
    services.schedule_set(by=personas.referent, service_at_location=data.padova_link, windows=windows)
    assert published() == (modified, ids)  # saved unchanged: same ids, not modified
    since = timezone.now()
    services.schedule_set(by=personas.referent, service_at_location=data.padova_link, windows=[
        windows[0], ScheduleSpec(opens_at=dt.time(14), closes_at=dt.time(17), byday="TU",
                                 valid_to=timezone.localdate() + dt.timedelta(days=90))])
    assert published()[1] == ids  # a date changed: the windows keep their ids
    assert client.get(API + "services", {"modified_after": since.isoformat()}).json()["total_items"] == 1


def test_the_openapi_document_describes_the_error_bodies(client: Client, data: Dataset) -> None:
    document = hsds.openapi_document()
    error = document["components"]["schemas"]["TramaError"]
    for url in ("services?page=0", "services/not-an-id", "schema/nope.json"):
        response = client.get(API + url)
        assert str(response.status_code) in document["paths"]["/services"]["get"]["responses"]
        jsonschema.validate(response.json(), error)
    assert "ndjson" not in document["components"]["parameters"]["format"]["description"].split("HSDS's")[0]
    assert client.get(API + "services?format=ndjson").status_code == 400
