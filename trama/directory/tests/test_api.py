"""The public HSDS 3.1 API: every response of every endpoint validates against the HSDS 3.1 compiled schemas and
the Trama IT profile; only public records are published; confidential addresses never leave the database.

Filters, pagination, bad parameters and query counts are in test_api_params.py (same dataset, built here).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from trama.core.testing import Personas
from trama.directory import hsds, services
from trama.directory.api import ids
from trama.directory.models import (
    Location,
    LocationType,
    Program,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TargetGroup,
    Taxonomy,
    TaxonomyTerm,
)
from trama.directory.services import ScheduleSpec
from trama.territory.models import Area, AreaKind

API = "/api/hsds/"

# What must never appear in any response (the confidential shelter, the non-public records).
CONFIDENTIAL_STREET = "Giambellino"
CONFIDENTIAL_POSTCODE = "20146"


@dataclass
class Dataset:
    after_school: Service  # public, itinerant (two places + online), fully detailed
    shelter: Service  # public, at a confidential address
    hidden: Service  # active but not public
    defunct: Service
    closed: Service  # temporarily closed
    padova: Location
    quarto: Location
    online: Location
    confidential: Location
    secret_place: Location  # only used by the hidden service
    padova_link: ServiceAtLocation
    quarto_link: ServiceAtLocation
    shelter_link: ServiceAtLocation
    hidden_link: ServiceAtLocation
    defunct_link: ServiceAtLocation
    needs: Taxonomy
    after_school_term: TaxonomyTerm  # "doposcuola.compiti", child of "doposcuola"
    after_school_parent: TaxonomyTerm
    reception_term: TaxonomyTerm
    program: Program

    @property
    def private_values(self) -> list[str]:
        """Strings that identify non-public records."""
        return [
            str(self.hidden.hsds_id), str(self.defunct.hsds_id), str(self.closed.hsds_id),
            str(self.secret_place.hsds_id), str(self.hidden_link.hsds_id), str(self.defunct_link.hsds_id),
            "Servizio riservato", "Servizio cessato", "Servizio sospeso", "Sede segreta", "Saponaro",
        ]


def _areas() -> None:
    for code, name, kind in [
        ("MI-M2", "Municipio 2", AreaKind.MUNICIPIO), ("MI-NIL-20", "Loreto", AreaKind.NIL),
        ("MI-M8", "Municipio 8", AreaKind.MUNICIPIO), ("MI-NIL-76", "Quarto Oggiaro", AreaKind.NIL),
        ("MI-M6", "Municipio 6", AreaKind.MUNICIPIO), ("MI-NIL-49", "Giambellino", AreaKind.NIL),
        ("MI-M5", "Municipio 5", AreaKind.MUNICIPIO), ("MI-NIL-41", "Gratosoglio", AreaKind.NIL),
    ]:
        Area.objects.create(kind=kind, code=code, name=name)


def build_dataset(p: Personas) -> Dataset:
    _areas()
    by = p.referent
    needs = Taxonomy.objects.get(code="bisogni")
    term = TaxonomyTerm.objects.get(taxonomy=needs, code="doposcuola.compiti")
    reception = TaxonomyTerm.objects.get(taxonomy=needs, code="accoglienza")
    action_line = TaxonomyTerm.objects.get(taxonomy__code="linee-azione", code="prossimita")
    program = Program.objects.create(organisation=p.ets_a, name="QuBì Quarto", description="Programma QuBì")
    groups = TargetGroup.objects.filter(code__in=["6-14", "famiglie", "14-25"])

    after_school = services.service_create(
        by=by, organisation=p.ets_a, name="Doposcuola Alfa", program=program,
        description="Aiuto compiti per bambini e ragazzi.", url="https://alfa.example.org/doposcuola",
        email="doposcuola@alfa.example.org", minimum_age=6, maximum_age=14, target_groups=groups,
        requires_residency=False, requires_documents=False, requires_isee=False, requires_appointment=True,
        is_free=True, eligibility_description="Per bambini 6-14 anni.",
        translations={"en": {"name": "After-school club", "description": "Homework help."},
                      "ar": {"name": "دعم مدرسي"}},
    )
    padova = services.location_create(by=by, maintainer=p.ets_a, name="Sede Alfa",
                                      address_text="Via Padova 36, 20127 Milano", transportation="MM1 Loreto",
                                      accessibility_notes="Ingresso senza gradini")
    quarto = services.location_create(by=by, maintainer=p.ets_a, name="Sportello Quarto Oggiaro",
                                      address_text="Via Val Lagarina 2")
    online = services.location_create(by=by, maintainer=p.ets_a, name="Online", location_type=LocationType.VIRTUAL,
                                      url="https://meet.example.org/alfa")
    padova_link = services.service_at_location_attach(service=after_school, location=padova, by=by)
    quarto_link = services.service_at_location_attach(service=after_school, location=quarto, by=by,
                                                      description="Sportello itinerante")
    services.service_at_location_attach(service=after_school, location=online, by=by)
    services.schedule_set(by=by, service_at_location=padova_link, windows=[
        ScheduleSpec(opens_at=dt.time(10), closes_at=dt.time(13), byday="TU"),
        ScheduleSpec(opens_at=dt.time(14), closes_at=dt.time(17), byday="TU"),
    ])
    services.schedule_set(by=by, service_at_location=quarto_link, windows=[
        ScheduleSpec(opens_at=dt.time(14), closes_at=dt.time(17), byday="WE", valid_from=dt.date(2025, 1, 1)),
    ])
    services.schedule_set(by=by, location=padova, windows=[
        ScheduleSpec(opens_at=dt.time(9), closes_at=dt.time(18), byday="MO,TU,WE,TH,FR"),
    ])
    phone = services.phone_add(by=by, service=after_school, number="02 1234 5678", extension="12")
    services.language_add(by=by, phone=phone, code="it")
    services.phone_add(by=by, location=padova, number="02 8765 4321")
    services.phone_add(by=by, service_at_location=quarto_link, number="333 123 4567", type="cell")
    contact = services.contact_add(by=by, service=after_school, department="Segreteria doposcuola",
                                   email="segreteria@alfa.example.org")
    services.phone_add(by=by, contact=contact, number="02 555 0000")
    services.contact_add(by=by, location=padova, department="Portineria")
    for code in ("it", "ar", "uk"):
        services.language_add(by=by, service=after_school, code=code)
    services.language_add(by=by, location=padova, code="en")
    services.cost_option_add(by=by, service=after_school, option="Iscrizione", amount=Decimal("0.00"))
    services.cost_option_add(by=by, service=after_school, option="Merenda", amount=Decimal("2.50"))
    services.required_document_add(by=by, service=after_school, document="Modulo di iscrizione",
                                   uri="https://alfa.example.org/modulo.pdf")
    services.service_area_add(by=by, service=after_school, area=Area.objects.get(code="MI-M8"))
    services.accessibility_add(by=by, location=padova, description="Bagno accessibile")
    services.taxonomy_term_assign(by=by, service=after_school, term=term)
    services.taxonomy_term_assign(by=by, service=after_school, term=action_line)

    shelter = services.service_create(
        by=p.referent_b, organisation=p.ets_b, name="Accoglienza Beta",
        description="Ospitalità temporanea per donne con bambini.", target_groups=TargetGroup.objects.filter(
            code__in=["donne", "neomamme"]),
    )
    confidential = services.location_create(
        by=p.referent_b, maintainer=p.ets_b, name="Casa Beta - indirizzo riservato",
        address_text=f"Via {CONFIDENTIAL_STREET} 50, {CONFIDENTIAL_POSTCODE} Milano",
        transportation=f"Tram 14 fermata {CONFIDENTIAL_STREET}", confidential_address=True,
        accessibility_notes=f"Rampa in via {CONFIDENTIAL_STREET}", external_identifier="CB-50",
    )
    shelter_link = services.service_at_location_attach(service=shelter, location=confidential, by=p.referent_b)
    services.schedule_set(by=p.referent_b, service_at_location=shelter_link, windows=[
        ScheduleSpec(opens_at=dt.time(9), closes_at=dt.time(12), byday="MO,WE"),
    ])
    services.schedule_set(by=p.referent_b, location=confidential, windows=[
        ScheduleSpec(opens_at=dt.time(8), closes_at=dt.time(20), byday="MO", description=CONFIDENTIAL_STREET),
    ])
    services.phone_add(by=p.referent_b, location=confidential, number="02 4242 4242",
                       description=f"Citofono {CONFIDENTIAL_STREET}")
    services.contact_add(by=p.referent_b, location=confidential, department=f"Ufficio {CONFIDENTIAL_STREET}")
    services.accessibility_add(by=p.referent_b, location=confidential, description=f"Ascensore {CONFIDENTIAL_STREET}")
    services.taxonomy_term_assign(by=p.referent_b, service=shelter, term=reception)

    hidden = services.service_create(by=by, organisation=p.ets_a, name="Servizio riservato", is_public=False)
    secret_place = services.location_create(by=by, maintainer=p.ets_a, name="Sede segreta",
                                            address_text="Via Saponaro 16")
    hidden_link = services.service_at_location_attach(service=hidden, location=secret_place, by=by)
    services.taxonomy_term_assign(by=by, service=hidden, term=term)
    defunct = services.service_create(by=p.referent_other, organisation=p.ets_other, name="Servizio cessato",
                                      status=ServiceStatus.DEFUNCT)
    defunct_link = services.service_at_location_attach(service=defunct, location=secret_place, by=by)
    services.taxonomy_term_assign(by=by, service=defunct, term=term)
    closed = services.service_create(by=by, organisation=p.ets_a, name="Servizio sospeso",
                                     status=ServiceStatus.TEMPORARILY_CLOSED)
    services.service_at_location_attach(service=closed, location=padova, by=by)
    return Dataset(
        after_school=after_school, shelter=shelter, hidden=hidden, defunct=defunct, closed=closed, padova=padova,
        quarto=quarto, online=online, confidential=confidential, secret_place=secret_place,
        padova_link=padova_link, quarto_link=quarto_link, shelter_link=shelter_link, hidden_link=hidden_link,
        defunct_link=defunct_link, needs=needs, after_school_term=term,
        after_school_parent=TaxonomyTerm.objects.get(taxonomy=needs, code="doposcuola"), reception_term=reception,
        program=program,
    )


@pytest.fixture
def data(personas: Personas) -> Dataset:
    return build_dataset(personas)


def get(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), url
    return response.json()


def assert_valid(body: Any, template: str) -> None:
    errors = hsds.validate_response(body, template)
    assert errors == [], (template, errors[:5])


def org_id(organisation: Any) -> str:
    return ids.organisation_id(organisation.pk)


def every_response(client: Client, d: Dataset, p: Personas) -> list[tuple[str, str, Any]]:
    """(url, OpenAPI path, body) for every endpoint and its main variants, all validated."""
    public_services = [d.after_school, d.shelter]
    links = list(ServiceAtLocation.objects.filter(service__in=public_services))
    urls: list[tuple[str, str]] = [
        ("", "/"),
        ("services", "/services"),
        ("services?full=true", "/services"),
        ("services?minimal=true", "/services"),
        ("services?per_page=1&page=2", "/services"),
        ("services?page=9", "/services"),
        ("services?proximity=45.4889,9.2205", "/services"),
        ("organizations", "/organizations"),
        ("organizations?full=true", "/organizations"),
        ("organizations?full_service=true", "/organizations"),
        ("service_at_locations", "/service_at_locations"),
        ("service_at_locations?full=true", "/service_at_locations"),
        ("service_at_locations?proximity=45.4889,9.2205,100000", "/service_at_locations"),
        ("taxonomies", "/taxonomies"),
        ("taxonomy_terms", "/taxonomy_terms"),
        ("taxonomy_terms?per_page=100&page=1", "/taxonomy_terms"),
        (f"taxonomy_terms?taxonomy_id={d.needs.hsds_id}&top_only=true", "/taxonomy_terms"),
    ]
    urls += [(f"services/{s.hsds_id}", "/services/{id}") for s in public_services]
    urls += [(f"services/{s.hsds_id}/", "/services/{id}") for s in public_services]
    urls += [(f"organizations/{org_id(o)}{q}", "/organizations/{id}")
             for o in (p.ets_a, p.ets_b) for q in ("", "?full_service=true")]
    urls += [(f"service_at_locations/{link.hsds_id}", "/service_at_locations/{id}") for link in links]
    urls += [(f"taxonomies/{t.hsds_id}", "/taxonomies/{id}") for t in Taxonomy.objects.all()]
    urls += [(f"taxonomy_terms/{t.hsds_id}", "/taxonomy_terms/{id}") for t in TaxonomyTerm.objects.all()[:80]]
    results = []
    for url, template in urls:
        body = get(client, API + url)
        assert_valid(body, template)
        results.append((url, template, body))
    return results


# --- schema validation ------------------------------------------------------------------------------------------


def test_every_response_of_every_endpoint_validates_against_hsds_and_the_profile(
    client: Client, data: Dataset, personas: Personas
) -> None:
    responses = every_response(client, data, personas)
    assert len(responses) > 40
    # the single records also validate on their own against the compiled schemas with the profile
    for url, template, body in responses:
        schema_name = {"/services/{id}": "service", "/organizations/{id}": "organization",
                       "/service_at_locations/{id}": "service_at_location", "/taxonomies/{id}": "taxonomy",
                       "/taxonomy_terms/{id}": "taxonomy_term"}.get(template)
        if schema_name is not None:
            assert hsds.validate(body, schema_name, profile=True) == [], url
        if template in ("/services", "/organizations", "/service_at_locations") and "minimal" not in url:
            list_schema = {"/services": "service_list", "/organizations": "organization_list",
                           "/service_at_locations": "service_at_location_list"}[template]
            for item in body["contents"]:
                assert hsds.validate(item, list_schema, profile=True) == [], url


def test_the_full_service_carries_hsds_details_and_the_italian_extensions(client: Client, data: Dataset) -> None:
    body = get(client, f"{API}services/{data.after_school.hsds_id}")
    assert body["id"] == str(data.after_school.hsds_id)
    assert body["status"] == "active"
    assert body["organization"]["name"] == "Cooperativa Alfa (test)"
    assert body["program"]["name"] == "QuBì Quarto" and body["program_id"] == str(data.program.hsds_id)
    assert (body["minimum_age"], body["maximum_age"]) == (6, 14)
    assert body["assured_date"] == timezone.localdate().isoformat()  # creating a record verifies it
    # profile extensions: flags, target groups (mapped to the profile's codelist), translations
    assert body["requires_residency"] is False and body["requires_documents"] is False
    assert body["requires_appointment"] is True and body["is_free"] is True
    assert set(body["target_groups"]) == {"children_6_14", "families", "young_people_14_25"}
    assert body["translations"] == {"en": {"name": "After-school club", "description": "Homework help."},
                                    "ar": {"name": "دعم مدرسي"}}
    # itinerant desk: one service_at_location per place, each with its own schedules
    places = {link["location"]["name"]: link for link in body["service_at_locations"]}
    assert set(places) == {"Sede Alfa", "Sportello Quarto Oggiaro", "Online"}
    padova = places["Sede Alfa"]
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in padova["schedules"]] == [
        ("TU", "10:00:00", "13:00:00"), ("TU", "14:00:00", "17:00:00")]
    assert "timezone" not in padova["schedules"][0]  # valid all year: no single UTC offset is right
    assert places["Sportello Quarto Oggiaro"]["schedules"][0]["valid_from"] == "2025-01-01"
    assert places["Sportello Quarto Oggiaro"]["phones"][0]["type"] == "cell"
    location = padova["location"]
    assert (location["municipio"], location["nil"]) == ("MI-M2", "MI-NIL-20")
    assert location["confidential_address"] is False
    assert location["latitude"] == pytest.approx(45.4889, abs=1e-3)
    assert location["addresses"] == [{
        "id": location["addresses"][0]["id"], "location_id": location["id"], "address_1": "Via Padova 36",
        "city": "Milano", "state_province": "MI", "postal_code": "20127", "country": "IT",
        "address_type": "physical", "region": "Lombardia",
    }]
    assert [s["byday"] for s in location["schedules"]] == ["MO,TU,WE,TH,FR"]  # the building's own hours
    assert {a["description"] for a in location["accessibility"]} == {"Ingresso senza gradini", "Bagno accessibile"}
    assert places["Online"]["location"]["url"] == "https://meet.example.org/alfa"
    assert "addresses" in places["Online"]["location"] and places["Online"]["location"]["addresses"] == []
    # details
    assert body["phones"][0]["number"] == "02 1234 5678" and body["phones"][0]["extension"] == 12
    assert body["contacts"][0]["phones"][0]["number"] == "02 555 0000"
    assert [language["code"] for language in body["languages"]] == ["ar", "it", "uk"]
    assert [c["amount"] for c in body["cost_options"]] == [0, 2.5]
    assert body["required_documents"][0]["uri"] == "https://alfa.example.org/modulo.pdf"
    assert body["service_areas"][0]["extent"] == "MI-M8"
    terms = {a["taxonomy_term"]["code"]: a for a in body["attributes"]}
    assert set(terms) == {"doposcuola.compiti", "prossimita"}
    attribute = terms["doposcuola.compiti"]
    assert attribute["link_entity"] == "service" and attribute["link_id"] == body["id"]
    assert attribute["taxonomy_term"]["parent_id"] == str(data.after_school_parent.hsds_id)
    assert attribute["taxonomy_term"]["taxonomy_detail"]["id"] == str(data.needs.hsds_id)
    assert attribute["taxonomy_term"]["translations"]["en"]["name"]


def test_the_api_root_gives_version_profile_and_openapi_url(client: Client) -> None:
    body = get(client, API)
    assert_valid(body, "/")
    assert body["version"] == "3.1"
    assert body["profile"] == "http://testserver/api/hsds/profile/"
    assert body["openapi_url"] == "http://testserver/api/hsds/openapi.json"
    assert "proximity" in body["description"]


# --- public records only ----------------------------------------------------------------------------------------


def test_only_public_records_appear_and_confidential_addresses_never_do(
    client: Client, data: Dataset, personas: Personas
) -> None:
    responses = every_response(client, data, personas)
    text = "\n".join(json.dumps(body, ensure_ascii=False) for _, _, body in responses)
    for value in data.private_values:
        assert value not in text, value
    # the confidential place: neither its street nor postcode, point, NIL, nor its own phones or notes
    assert CONFIDENTIAL_STREET not in text
    assert CONFIDENTIAL_POSTCODE not in text
    assert "CB-50" not in text and "02 4242 4242" not in text
    lat, lon = data.confidential.latitude, data.confidential.longitude
    assert lat is not None and lon is not None
    assert str(lat)[:7] not in text and str(lon)[:6] not in text
    assert "MI-NIL-49" not in text
    # the organisation whose only service is defunct is not published
    assert "ets_other" not in text and personas.ets_other.name not in text
    assert org_id(personas.ets_other) not in text
    # ... but the shelter itself is, as a confidential location with its municipio
    shelter = get(client, f"{API}services/{data.shelter.hsds_id}")
    location = shelter["service_at_locations"][0]["location"]
    assert location["confidential_address"] is True
    assert location["municipio"] == "MI-M6"
    assert location["addresses"] == [] and "latitude" not in location and "longitude" not in location
    assert location["name"] == "Casa Beta - indirizzo riservato"
    assert shelter["service_at_locations"][0]["schedules"][0]["byday"] == "MO,WE"


def test_lists_hold_exactly_the_public_records(client: Client, data: Dataset, personas: Personas) -> None:
    listed = get(client, f"{API}services")
    assert [s["name"] for s in listed["contents"]] == ["Accoglienza Beta", "Doposcuola Alfa"]
    organisations = get(client, f"{API}organizations")
    assert {o["id"] for o in organisations["contents"]} == {org_id(personas.ets_a), org_id(personas.ets_b)}
    links = get(client, f"{API}service_at_locations")
    assert {link["id"] for link in links["contents"]} == {
        str(link.hsds_id) for link in ServiceAtLocation.objects.filter(service__in=[data.after_school, data.shelter])
    }
    alfa = get(client, f"{API}organizations/{org_id(personas.ets_a)}")
    assert [s["name"] for s in alfa["services"]] == ["Doposcuola Alfa"]
    assert {loc["name"] for loc in alfa["locations"]} == {"Sede Alfa", "Sportello Quarto Oggiaro", "Online"}
    assert [program["name"] for program in alfa["programs"]] == ["QuBì Quarto"]


@pytest.mark.parametrize("which", ["hidden", "defunct", "closed"])
def test_non_public_services_are_not_found(client: Client, data: Dataset, which: str) -> None:
    service = getattr(data, which)
    body = get(client, f"{API}services/{service.hsds_id}", status=404)
    assert body["status"] == 404 and body["error"] == "not_found"
    link = ServiceAtLocation.objects.filter(service=service).first()
    assert link is not None
    get(client, f"{API}service_at_locations/{link.hsds_id}", status=404)


def test_unknown_or_malformed_ids_are_json_404s(client: Client, data: Dataset, personas: Personas) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    for path in ("services", "organizations", "service_at_locations", "taxonomies", "taxonomy_terms"):
        get(client, f"{API}{path}/{unknown}", status=404)
        get(client, f"{API}{path}/not-a-uuid", status=404)
    get(client, f"{API}organizations/{org_id(personas.ets_other)}", status=404)  # only a defunct service
    get(client, f"{API}organizations/{org_id(personas.comune)}", status=404)  # no service at all
    get(client, f"{API}nope", status=404)
    get(client, f"{API}services/{data.after_school.hsds_id}/extra", status=404)


def test_a_logged_in_member_gets_exactly_what_an_anonymous_visitor_gets(
    client: Client, data: Dataset, personas: Personas
) -> None:
    anonymous = [client.get(f"{API}{url}").content for url in ("services?full=true", "organizations?full=true")]
    client.force_login(personas.referent_b)  # a member of the shelter's organisation: still nothing confidential
    member = [client.get(f"{API}{url}").content for url in ("services?full=true", "organizations?full=true")]
    assert member == anonymous
    assert CONFIDENTIAL_STREET.encode() not in b"".join(member)


def test_the_api_is_read_only(client: Client, data: Dataset) -> None:
    for url in (API, f"{API}services", f"{API}services/{data.after_school.hsds_id}"):
        response = client.post(url, data={})
        assert response.status_code == 405
        assert response.json()["error"] == "method_not_allowed"
    assert client.head(f"{API}services").status_code == 200
    assert client.get(f"{API}services")["Access-Control-Allow-Origin"] == "*"


# --- documents --------------------------------------------------------------------------------------------------


def test_it_serves_our_openapi_document_and_the_schemas_it_references(client: Client) -> None:
    response = client.get(f"{API}openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    served = b"".join(response.streaming_content)  # type: ignore[arg-type]
    assert served == hsds.openapi_file().read_bytes()
    document = json.loads(served)
    referenced = set(re.findall(r'"\$ref": "(schema/[a-z_]+\.json)"', json.dumps(document)))
    assert referenced
    for ref in referenced:
        schema = client.get(API + ref)
        assert schema.status_code == 200, ref
    for name in hsds.SCHEMA_NAMES:
        schema = client.get(f"{API}schema/{name}.json")
        assert schema.status_code == 200
        assert json.loads(b"".join(schema.streaming_content)) == hsds.schema(name)  # type: ignore[arg-type]
    assert client.get(f"{API}schema/openapi.json").status_code == 404
    assert client.get(f"{API}schema/..%2Fopenapi.json").status_code == 404


def test_it_serves_the_profile_and_its_merge_patches(client: Client) -> None:
    body = get(client, f"{API}profile/")
    assert body["name"] == hsds.PROFILE_NAME and body["version"] == hsds.PROFILE_VERSION
    assert body["hsds_version"] == "3.1"
    assert body["uri"] == get(client, API)["profile"]
    assert "requires_residency" in body["extensions"]["service"]
    assert "confidential_address" in body["extensions"]["location"]
    for name, url in body["patches"].items():
        assert get(client, url.replace("http://testserver", "")) == hsds.profile_patch(name)
    get(client, f"{API}profile/organization.json", status=404)
    markdown = client.get(f"{API}profile/?format=markdown")
    if markdown.status_code == 200:  # only when the deployment ships docs/
        assert markdown["Content-Type"].startswith("text/markdown")
        assert "Trama IT profile" in markdown.content.decode()


def test_taxonomy_terms_carry_their_labels_as_translations(client: Client, data: Dataset) -> None:
    body = get(client, f"{API}taxonomy_terms/{data.after_school_parent.hsds_id}")
    assert body["name"] == data.after_school_parent.name
    assert body["language"] == "it"
    assert set(body["translations"]) == {"en", "fr", "es", "ar", "uk", "zh"}
    assert body["taxonomy_id"] == str(data.needs.hsds_id)
    assert "parent_id" not in body
    child = get(client, f"{API}taxonomy_terms/{data.after_school_term.hsds_id}")
    assert child["parent_id"] == body["id"]


def test_organisation_ids_are_stable_uuids_that_map_back_to_the_organisation(personas: Personas) -> None:
    value = ids.organisation_id(personas.ets_a.pk)
    assert hsds.validate({"id": value, "name": "x", "description": ""}, "organization_list") == []
    assert ids.organisation_pk(value) == personas.ets_a.pk
    assert ids.organisation_pk("00000000-0000-4000-8000-000000000000") is None
    assert ids.derived_id(value, "phone") == ids.derived_id(value, "phone") != ids.derived_id(value, "runts")


@pytest.mark.django_db
def test_an_organisation_carries_its_legal_form_as_legal_status_in_the_callers_language(
        client: Client, personas: Personas) -> None:
    from django.utils import translation

    from trama.directory.api.serializers import legal_form_label, organisation_basic_dict
    from trama.network.models import LegalForm

    assert organisation_basic_dict(personas.ets_a)["legal_status"] == "Cooperativa sociale"
    with translation.override("en"):
        assert legal_form_label("cooperativa_sociale") == str(LegalForm.SOCIAL_COOPERATIVE.label)
        assert legal_form_label("cooperativa_sociale") == personas.ets_a.get_legal_form_display()
    assert legal_form_label("") == "" and legal_form_label("retired_value") == "retired_value"
    personas.ets_a.legal_form = ""
    assert "legal_status" not in organisation_basic_dict(personas.ets_a)


def test_a_schedules_utc_offset_is_that_of_its_own_days() -> None:
    from trama.directory.api.serializers import _utc_offset_hours

    assert _utc_offset_hours("Europe/Rome", dt.date(2031, 6, 1), dt.date(2031, 8, 31)) == 2  # summer only
    assert _utc_offset_hours("Europe/Rome", dt.date(2031, 11, 10), dt.date(2032, 2, 28)) == 1  # winter only
    assert _utc_offset_hours("Europe/Rome", dt.date(2031, 3, 1), dt.date(2031, 4, 30)) is None  # crosses 30 March
    assert _utc_offset_hours("Europe/Rome") is None  # open-ended: every change ahead
    assert _utc_offset_hours("UTC") == 0 and _utc_offset_hours("Not/AZone") is None
