"""The HSDS API's parameters: pagination, filters, bad values (JSON 400s) and bounded query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from trama.core.testing import Personas
from trama.directory import services
from trama.directory.api import ids, params, queries
from trama.directory.models import Service, ServiceAtLocation, TaxonomyTerm
from trama.directory.services import ScheduleSpec
from trama.directory.tests.test_api import (
    API,
    CONFIDENTIAL_POSTCODE,
    Dataset,
    assert_valid,
    build_dataset,
    get,
)


@pytest.fixture
def data(personas: Personas) -> Dataset:
    return build_dataset(personas)


def names(body: dict[str, Any]) -> list[str]:
    return [item["name"] for item in body["contents"]]


def link_names(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(item["service"]["name"], item["location"]["name"]) for item in body["contents"]]


def add_services(p: Personas, count: int, prefix: str = "Extra") -> list[Service]:
    """Public services with a location, schedules, phones and a term each (query-count and paging tests)."""
    term = TaxonomyTerm.objects.get(taxonomy__code="bisogni", code="cibo.pacchi")
    created = []
    for index in range(count):
        service = services.service_create(by=p.referent, organisation=p.ets_b if index % 2 else p.ets_a,
                                          name=f"{prefix} {index:03d}", description="Pacchi alimentari")
        location = services.location_create(by=p.referent, maintainer=p.ets_a, name=f"{prefix} sede {index}",
                                            address_text="Viale Monza 12")
        link = services.service_at_location_attach(service=service, location=location, by=p.referent)
        services.schedule_set(by=p.referent, service_at_location=link,
                              windows=[ScheduleSpec(opens_at=dt.time(9), closes_at=dt.time(12), byday="FR")])
        services.phone_add(by=p.referent, service=service, number=f"02 000 {index:04d}")
        services.phone_add(by=p.referent, location=location, number=f"02 111 {index:04d}")
        services.language_add(by=p.referent, service=service, code="en")
        services.taxonomy_term_assign(by=p.referent, service=service, term=term)
        created.append(service)
    return created


# --- pagination -------------------------------------------------------------------------------------------------


def test_pages_follow_the_hsds_page_envelope(client: Client, data: Dataset) -> None:
    first = get(client, f"{API}services?per_page=1")
    assert_valid(first, "/services")
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 2, "total_pages": 2, "page_number": 1, "size": 1, "first_page": True, "last_page": False,
        "empty": False,
    }
    second = get(client, f"{API}services?per_page=1&page=2")
    assert (second["page_number"], second["first_page"], second["last_page"]) == (2, False, True)
    assert names(first) + names(second) == ["Accoglienza Beta", "Doposcuola Alfa"]
    beyond = get(client, f"{API}services?per_page=1&page=3")
    assert_valid(beyond, "/services")
    assert (beyond["contents"], beyond["empty"], beyond["size"], beyond["last_page"]) == ([], True, 0, True)
    nothing = get(client, f"{API}services?search=zzzzzz")
    assert_valid(nothing, "/services")
    assert (nothing["total_items"], nothing["total_pages"], nothing["empty"]) == (0, 0, True)


def test_per_page_is_capped(client: Client, data: Dataset, personas: Personas,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    add_services(personas, 3)
    monkeypatch.setattr(params, "MAX_PER_PAGE", 2)
    monkeypatch.setattr(params, "MAX_PER_PAGE_MINIMAL", 4)
    body = get(client, f"{API}services?per_page=1000")
    assert (body["size"], body["total_pages"], body["total_items"]) == (2, 3, 5)
    minimal = get(client, f"{API}services?per_page=1000&minimal=true")
    assert_valid(minimal, "/services")
    assert (minimal["size"], minimal["total_pages"]) == (4, 2)
    assert set(minimal["contents"][0]) == {"id", "last_modified"}
    assert params.paging({"per_page": "500"}) == params.Paging(page=1, per_page=2)
    monkeypatch.undo()
    assert params.paging({}).per_page == params.DEFAULT_PER_PAGE == 50
    assert params.paging({"per_page": "500"}).per_page == params.MAX_PER_PAGE == 100
    assert params.paging({"per_page": "5000"}, minimal=True).per_page == params.MAX_PER_PAGE_MINIMAL == 1000


@pytest.mark.parametrize(("query", "parameter"), [
    ("page=0", "page"),
    ("page=-1", "page"),
    ("page=abc", "page"),
    ("page=1.5", "page"),
    ("per_page=0", "per_page"),
    ("per_page=ten", "per_page"),
    ("per_page=99999999999999999999", "per_page"),
    ("taxonomy_term_id=abc", "taxonomy_term_id"),
    ("taxonomy_id=123", "taxonomy_id"),
    ("organization_id=acme", "organization_id"),
    ("modified_after=yesterday", "modified_after"),
    ("modified_after=2025-13-01", "modified_after"),
    ("minimal=maybe", "minimal"),
    ("full=2", "full"),
    ("proximity=near", "proximity"),
    ("proximity=45.1", "proximity"),
    ("proximity=45,9,1000,4", "proximity"),
    ("proximity=95,9", "proximity"),
    ("proximity=45,9,0", "proximity"),
    ("proximity=45,9,-5", "proximity"),
    ("proximity=45,9,nan", "proximity"),
    ("proximity=45,9,999999999", "proximity"),
    ("postcode=20127;drop", "postcode"),
    ("format=ndjson", "format"),
    ("search=" + "x" * 201, "search"),
])
def test_bad_parameters_are_json_400s_naming_the_parameter(client: Client, query: str, parameter: str) -> None:
    response = client.get(f"{API}services?{query}")
    assert response.status_code == 400, query
    body = response.json()
    assert body["status"] == 400 and body["error"] == "bad_request"
    assert body["parameter"] == parameter
    assert parameter in body["detail"]


@pytest.mark.django_db
def test_error_messages_speak_the_clients_language(client: Client) -> None:
    """Italian by default, English (or another interface language) when the client's Accept-Language asks for it;
    the codes (`error`, `parameter`) stay the same in every language."""
    italian = client.get(f"{API}services?proximity=45,9,0").json()
    assert italian["detail"] == ("Parametro proximity non valido: il raggio deve essere maggiore di 0 e al massimo "
                                 "100000 metri.")
    english = client.get(f"{API}services?proximity=45,9,0", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["detail"] == ("Invalid parameter proximity: the radius must be more than 0 and at most 100000 "
                                 "metres.")
    assert (italian["error"], italian["parameter"]) == (english["error"], english["parameter"])
    assert client.get(f"{API}services?page=abc", HTTP_ACCEPT_LANGUAGE="en").json()["detail"] == (
        "Invalid parameter page: must be a whole number of at least 1, not «abc».")
    missing = "services/00000000-0000-4000-8000-000000000000"
    assert client.get(API + missing).json()["detail"] == "Nessun record pubblico di tipo service con questo id."
    assert client.get(API + missing, HTTP_ACCEPT_LANGUAGE="en").json()["detail"] == "No public service with this id."
    assert client.post(f"{API}services", HTTP_ACCEPT_LANGUAGE="en").json()["detail"] == (
        "This API is read-only: use GET.")
    assert "Vary" in client.get(f"{API}services?page=0") and "Accept-Language" in client.get(
        f"{API}services?page=0")["Vary"]


@pytest.mark.parametrize("url", [
    "organizations?page=0", "organizations?full_service=perhaps", "service_at_locations?per_page=x",
    "service_at_locations?proximity=1,2,3,4,5", "taxonomies?page=nope", "taxonomy_terms?parent_id=1",
    "taxonomy_terms?top_only=maybe", "organizations/00000000-0000-4000-8000-000000000000?full_service=x",
])
def test_every_list_endpoint_rejects_bad_parameters_with_400(client: Client, url: str) -> None:
    response = client.get(API + url)
    assert response.status_code == 400, url
    assert response.json()["error"] == "bad_request"


# --- filters ----------------------------------------------------------------------------------------------------


def test_search(client: Client, data: Dataset) -> None:
    assert names(get(client, f"{API}services?search=doposcuola")) == ["Doposcuola Alfa"]
    assert names(get(client, f"{API}services?search=Cooperativa Alfa")) == ["Doposcuola Alfa"]  # organisation
    assert names(get(client, f"{API}services?search=riservato")) == []  # not public
    assert names(get(client, f"{API}organizations?search=beta")) == ["Associazione Beta (test)"]
    assert names(get(client, f"{API}organizations?search=gamma")) == []  # only a defunct service
    assert link_names(get(client, f"{API}service_at_locations?search=accoglienza")) == [
        ("Accoglienza Beta", "Casa Beta - indirizzo riservato")]
    assert [t["code"] for t in get(client, f"{API}taxonomy_terms?search=compiti")["contents"]] == [
        "doposcuola.compiti"]
    assert [t["name"] for t in get(client, f"{API}taxonomies?search=azione")["contents"]] == [
        "Linee d'azione dell'avviso"]


def test_search_uses_the_directory_full_text_search_or_falls_back_to_substrings(
    client: Client, data: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def fake_search(qs: Any, text: str) -> Any:
        calls.append(text)
        return qs.filter(name__startswith="Accoglienza")

    monkeypatch.setattr(queries, "_search_function", lambda: fake_search)
    assert names(get(client, f"{API}services?search=anything")) == ["Accoglienza Beta"]
    assert link_names(get(client, f"{API}service_at_locations?search=anything")) == [
        ("Accoglienza Beta", "Casa Beta - indirizzo riservato")]
    assert calls == ["anything", "anything"]
    monkeypatch.setattr(queries, "_search_function", lambda: None)  # search module not installed
    assert names(get(client, f"{API}services?search=DOPOSCUOLA")) == ["Doposcuola Alfa"]
    assert names(get(client, f"{API}services?search=compiti")) == ["Doposcuola Alfa"]  # its taxonomy term
    assert names(get(client, f"{API}services?search=beta&proximity=45.46,9.19")) == []  # only a confidential place


def test_a_term_includes_the_terms_below_it_at_any_depth(client: Client, data: Dataset) -> None:
    # An imported taxonomy may have three levels: the top term finds a service tagged with a grandchild.
    from trama.directory.models import Attribute

    child = data.after_school_term
    grandchild = TaxonomyTerm.objects.create(taxonomy=child.taxonomy, parent=child, code=f"{child.code}.medie",
                                             name="Compiti per le medie")
    Attribute.objects.filter(term=child).update(term=grandchild)
    top = data.after_school_parent.hsds_id
    assert names(get(client, f"{API}services?taxonomy_term_id={top}")) == ["Doposcuola Alfa"]
    assert names(get(client, f"{API}services?taxonomy_term_id={grandchild.hsds_id}")) == ["Doposcuola Alfa"]
    assert len(get(client, f"{API}service_at_locations?taxonomy_term_id={top}")["contents"]) >= 1


def test_taxonomy_filters_include_sub_terms(client: Client, data: Dataset, personas: Personas) -> None:
    child, parent = data.after_school_term.hsds_id, data.after_school_parent.hsds_id
    assert names(get(client, f"{API}services?taxonomy_term_id={child}")) == ["Doposcuola Alfa"]
    assert names(get(client, f"{API}services?taxonomy_term_id={parent}")) == ["Doposcuola Alfa"]
    assert names(get(client, f"{API}services?taxonomy_term_id={data.reception_term.hsds_id}")) == [
        "Accoglienza Beta"]
    assert names(get(client, f"{API}services?taxonomy_id={data.needs.hsds_id}")) == [
        "Accoglienza Beta", "Doposcuola Alfa"]
    action_lines = TaxonomyTerm.objects.get(code="prossimita").taxonomy.hsds_id
    assert names(get(client, f"{API}services?taxonomy_id={action_lines}")) == ["Doposcuola Alfa"]
    assert names(get(client, f"{API}services?taxonomy_id=00000000-0000-4000-8000-000000000000")) == []
    organisations = get(client, f"{API}organizations?taxonomy_term_id={parent}")
    assert [o["id"] for o in organisations["contents"]] == [ids.organisation_id(personas.ets_a.pk)]
    organisations = get(client, f"{API}organizations?taxonomy_id={action_lines}")
    assert len(organisations["contents"]) == 1
    links = get(client, f"{API}service_at_locations?taxonomy_term_id={parent}")
    assert {name for name, _ in link_names(links)} == {"Doposcuola Alfa"} and len(links["contents"]) == 3
    links = get(client, f"{API}service_at_locations?taxonomy_id={data.needs.hsds_id}")
    assert len(links["contents"]) == 4


def test_organization_filter(client: Client, data: Dataset, personas: Personas) -> None:
    beta = ids.organisation_id(personas.ets_b.pk)
    assert names(get(client, f"{API}services?organization_id={beta}")) == ["Accoglienza Beta"]
    other = ids.organisation_id(personas.ets_other.pk)  # only a defunct service
    assert names(get(client, f"{API}services?organization_id={other}")) == []
    foreign = "00000000-0000-4000-8000-000000000000"  # a valid UUID that is not one of our organisation ids
    assert names(get(client, f"{API}services?organization_id={foreign}")) == []
    assert len(get(client, f"{API}service_at_locations?organization_id={beta}")["contents"]) == 1


def test_modified_after(client: Client, data: Dataset) -> None:
    Service.objects.filter(pk=data.shelter.pk).update(updated_at=timezone.now() - dt.timedelta(days=30))
    recent = (timezone.now() - dt.timedelta(days=1)).isoformat()
    for value in (recent, recent.replace("+", " ")):  # an unencoded "+" arrives as a space
        assert names(get(client, f"{API}services?modified_after={value.replace('+', '%2B')}")) == [
            "Doposcuola Alfa"]
    day = (timezone.localdate() - dt.timedelta(days=40)).isoformat()
    assert len(get(client, f"{API}services?modified_after={day}")["contents"]) == 2
    assert names(get(client, f"{API}services?modified_after=2999-01-01T00:00:00Z")) == []
    links = get(client, f"{API}service_at_locations?modified_after=2999-01-01")
    assert links["contents"] == []
    # The extremes of the calendar, which overflow once converted to UTC: everything, and nothing.
    for endpoint in ("services", "service_at_locations"):
        assert len(get(client, f"{API}{endpoint}?modified_after=0001-01-01")["contents"]) >= 2
        assert get(client, f"{API}{endpoint}?modified_after=9999-12-31T23:59:59-12:00")["contents"] == []


def test_postcode_never_matches_a_confidential_address(client: Client, data: Dataset) -> None:
    assert names(get(client, f"{API}services?postcode=20127")) == ["Doposcuola Alfa"]
    assert names(get(client, f"{API}services?postcode={CONFIDENTIAL_POSTCODE}")) == []
    assert get(client, f"{API}service_at_locations?postcode={CONFIDENTIAL_POSTCODE}")["contents"] == []
    assert link_names(get(client, f"{API}service_at_locations?postcode=20127")) == [
        ("Doposcuola Alfa", "Sede Alfa")]


def test_proximity_orders_and_limits_by_distance_without_confidential_places(
    client: Client, data: Dataset
) -> None:
    padova = f"{data.padova.latitude},{data.padova.longitude}"
    # Via Padova 36 -> Via Val Lagarina 2 is about 8 km: 500 m finds only the Padova desk
    assert link_names(get(client, f"{API}service_at_locations?proximity={padova},500")) == [
        ("Doposcuola Alfa", "Sede Alfa")]
    links = get(client, f"{API}service_at_locations?proximity={padova},20000")
    assert link_names(links) == [("Doposcuola Alfa", "Sede Alfa"), ("Doposcuola Alfa", "Sportello Quarto Oggiaro")]
    quarto = f"{data.quarto.latitude},{data.quarto.longitude}"
    assert link_names(get(client, f"{API}service_at_locations?proximity={quarto}"))[0][1] == (
        "Sportello Quarto Oggiaro")
    # right next to the shelter: it is never found by distance, neither the link nor the service
    shelter = f"{data.confidential.latitude},{data.confidential.longitude}"
    assert get(client, f"{API}service_at_locations?proximity={shelter},300")["contents"] == []
    assert names(get(client, f"{API}services?proximity={shelter},300")) == []
    assert names(get(client, f"{API}services?proximity={shelter}")) == ["Doposcuola Alfa"]  # ordering only
    assert names(get(client, f"{API}services?proximity={padova},500")) == ["Doposcuola Alfa"]
    # metres around a postcode's centroid (the published places with that postcode)
    assert names(get(client, f"{API}services?postcode=20127&proximity=500")) == ["Doposcuola Alfa"]
    assert names(get(client, f"{API}services?postcode={CONFIDENTIAL_POSTCODE}&proximity=50000")) == []
    assert names(get(client, f"{API}services?postcode=20127&proximity={shelter},50000")) == ["Doposcuola Alfa"]


def test_proximity_orders_services_by_their_nearest_place(client: Client, data: Dataset,
                                                          personas: Personas) -> None:
    add_services(personas, 1, prefix="Monza")  # Viale Monza 12: ~200 m from Via Padova 36
    near_monza = "45.488346,9.217587"
    body = get(client, f"{API}services?proximity={near_monza}")
    assert_valid(body, "/services")
    assert names(body) == ["Monza 000", "Doposcuola Alfa"]
    near_quarto = f"{data.quarto.latitude},{data.quarto.longitude}"
    assert names(get(client, f"{API}services?proximity={near_quarto}")) == ["Doposcuola Alfa", "Monza 000"]


def test_taxonomy_term_filters(client: Client, data: Dataset) -> None:
    every = get(client, f"{API}taxonomy_terms?per_page=100")
    top = get(client, f"{API}taxonomy_terms?per_page=100&top_only=true")
    assert 0 < top["total_items"] < every["total_items"]
    assert all("parent_id" not in term for term in top["contents"])
    children = get(client, f"{API}taxonomy_terms?parent_id={data.after_school_parent.hsds_id}")
    assert {t["code"] for t in children["contents"]} == {"doposcuola.compiti", "doposcuola.centri-aggregazione"}
    needs = get(client, f"{API}taxonomy_terms?per_page=100&taxonomy_id={data.needs.hsds_id}")
    assert {t["taxonomy_id"] for t in needs["contents"]} == {str(data.needs.hsds_id)}
    assert needs["total_items"] == TaxonomyTerm.objects.filter(taxonomy=data.needs).count()


def test_parameters_that_do_not_apply_are_ignored(client: Client, data: Dataset) -> None:
    assert len(get(client, f"{API}taxonomies?postcode=20127&minimal=maybe")["contents"]) == 2
    assert len(get(client, f"{API}services?unknown=1&format=json")["contents"]) == 2


# --- bounded queries --------------------------------------------------------------------------------------------


LIST_URLS = [
    "services", "services?full=true", "services?minimal=true", "services?proximity=45.48,9.22,50000",
    "organizations", "organizations?full=true", "organizations?full_service=true",
    "service_at_locations", "service_at_locations?full=true", "taxonomies", "taxonomy_terms?per_page=100",
]


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(API + url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("url", LIST_URLS)
def test_list_endpoints_use_a_bounded_number_of_queries(
    client: Client, data: Dataset, personas: Personas, url: str, django_assert_max_num_queries: Any
) -> None:
    before = _count_queries(client, url)
    add_services(personas, 6)
    assert ServiceAtLocation.objects.count() > 10
    with django_assert_max_num_queries(before):
        body = client.get(API + url).json()
    assert body["total_items"] > 0
    with django_assert_max_num_queries(40):
        client.get(API + url)


def test_detail_endpoints_use_a_bounded_number_of_queries(
    client: Client, data: Dataset, django_assert_max_num_queries: Any
) -> None:
    link = ServiceAtLocation.objects.filter(service=data.after_school).first()
    assert link is not None
    for url in (f"services/{data.after_school.hsds_id}", f"service_at_locations/{link.hsds_id}",
                f"organizations/{ids.organisation_id(data.after_school.organisation_id)}?full_service=true"):
        with django_assert_max_num_queries(40):
            assert client.get(API + url).status_code == 200
