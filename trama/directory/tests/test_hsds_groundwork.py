"""HSDS 3.1 groundwork: bundled schemas, our corrected OpenAPI document, the Trama IT profile and the validator.

No database; reads only the files shipped in trama/directory/hsds/.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from trama.directory import hsds

EXAMPLES = Path(hsds.__file__).resolve().parent / "examples"

# HSDS example file -> (schema of one entity, our OpenAPI path). List examples are Page envelopes.
SINGLE = {
    "service_full": ("service", "/services/{id}"),
    "organization_full": ("organization", "/organizations/{id}"),
    "service_at_location_full": ("service_at_location", "/service_at_locations/{id}"),
    "taxonomy": ("taxonomy", "/taxonomies/{id}"),
    "taxonomy_term": ("taxonomy_term", "/taxonomy_terms/{id}"),
}
LISTS = {
    "service_list": ("service_list", "/services"),
    "organization_list": ("organization_list", "/organizations"),
    "service_at_location_list": ("service_at_location_list", "/service_at_locations"),
    "taxonomy_list": ("taxonomy", "/taxonomies"),
    "taxonomy_term_list": ("taxonomy_term", "/taxonomy_terms"),
}


def example(name: str) -> Any:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in refs(value)]
    return []


def response_schema(path: str) -> dict[str, Any]:
    return hsds.openapi_document()["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


# --- bundled files ----------------------------------------------------------------------------------------------


def test_it_ships_every_schema_and_example_it_needs_inside_the_package() -> None:
    for name in hsds.SCHEMA_NAMES:
        assert hsds.schema_file(name).is_file(), name
        assert hsds.schema(name)["type"] == "object"
    for name in [*SINGLE, *LISTS, "base"]:
        assert (EXAMPLES / f"{name}.json").is_file(), name
    package = Path(hsds.__file__).resolve().parent
    assert (package / "ATTRIBUTION.md").is_file() and (package / "LICENSE.md").is_file()
    attribution = (package / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in attribution and "abc731c8ac11825010e9d74a0ab61dcd48e880ec" in attribution
    for text_file in [*package.rglob("*.py"), *package.rglob("*.json")]:
        assert "/work/shared" not in text_file.read_text(encoding="utf-8"), text_file


def test_it_rejects_unknown_schema_names() -> None:
    with pytest.raises(KeyError, match="unknown HSDS schema"):
        hsds.validate({}, "services")


# --- the HSDS examples validate ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SINGLE))
def test_it_validates_the_hsds_single_entity_examples(name: str) -> None:
    schema_name, path = SINGLE[name]
    body = example(name)
    assert hsds.validate(body, schema_name) == []
    assert hsds.validate(body, schema_name, profile=True) == []
    assert hsds.validate_response(body, path) == []


@pytest.mark.parametrize("name", sorted(LISTS))
def test_it_validates_the_hsds_list_examples_item_by_item_and_as_pages(name: str) -> None:
    schema_name, path = LISTS[name]
    page = example(name)
    assert page["contents"], "the example should not be an empty page"
    for item in page["contents"]:
        assert hsds.validate(item, schema_name, profile=True) == []
    assert hsds.validate_response(page, path) == []


def test_it_validates_the_api_root_example_and_builds_our_own() -> None:
    assert hsds.validate_response(example("base"), "/") == []
    root = hsds.api_root("https://trama.example.org/api/hsds")
    assert root == {
        "version": "3.1",
        "profile": "https://trama.example.org/api/hsds/profile/",
        "openapi_url": "https://trama.example.org/api/hsds/openapi.json",
    }
    assert hsds.validate_response(root, "/") == []
    assert hsds.validate_response({"version": "3.1"}, "/") == [
        "$: 'openapi_url' is a required property",
        "$: 'profile' is a required property",
    ]


# --- our OpenAPI document ---------------------------------------------------------------------------------------


def test_it_is_a_json_openapi_3_1_document_with_our_title_and_server() -> None:
    document = json.loads(hsds.openapi_file().read_text(encoding="utf-8"))
    assert document == hsds.openapi_document()
    assert document["openapi"] == "3.1.0"
    assert document["jsonSchemaDialect"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["info"]["title"] == "Trama — HSDS 3.1 API"
    assert document["info"]["version"]
    assert document["servers"] == [{"url": "/api/hsds", "description": "This Trama instance"}]
    assert set(document["paths"]) == {
        "/", "/services", "/services/{id}", "/organizations", "/organizations/{id}", "/service_at_locations",
        "/service_at_locations/{id}", "/taxonomies", "/taxonomies/{id}", "/taxonomy_terms", "/taxonomy_terms/{id}",
    }


def test_it_has_no_refs_to_the_hsds_3_0_urls_and_every_ref_resolves() -> None:
    text = hsds.openapi_file().read_text(encoding="utf-8")
    assert "3.0/schema" not in text
    assert "raw.githubusercontent.com" not in text
    document = hsds.openapi_document()
    for ref in refs(document):
        if ref.startswith("#/"):
            node: Any = document
            for segment in ref[2:].split("/"):
                node = node[segment.replace("~1", "/").replace("~0", "~")]
        else:  # relative to /api/hsds/openapi.json, i.e. our schema/ folder
            assert ref.startswith("schema/") and ref.endswith(".json"), ref
            assert ref[len("schema/") : -len(".json")] in hsds.SCHEMA_NAMES, ref


def test_it_returns_a_service_at_location_from_get_service_at_locations_id() -> None:
    schema = response_schema("/service_at_locations/{id}")
    assert refs(schema) == ["schema/service_at_location.json", "#/components/schemas/TramaITServiceAtLocation"]
    assert refs(response_schema("/services/{id}"))[0] == "schema/service.json"
    assert refs(response_schema("/organizations/{id}"))[0] == "schema/organization.json"
    # and the validator agrees: a full service is not a service_at_location (its nested service isn't an object)
    wrong = example("service_full")
    assert hsds.validate_response(example("service_at_location_full"), "/service_at_locations/{id}") == []
    wrong["service"] = "not an object"
    assert "$.service: 'not an object' is not of type 'object'" in hsds.validate_response(
        wrong, "/service_at_locations/{id}"
    )


def test_it_is_read_only_with_unique_operation_ids() -> None:
    operations = [
        (method, operation["operationId"])
        for item in hsds.openapi_document()["paths"].values()
        for method, operation in item.items()
        if method != "parameters"
    ]
    assert {method for method, _ in operations} == {"get"}
    ids = [operation_id for _, operation_id in operations]
    assert len(ids) == len(set(ids))
    paths = hsds.openapi_document()["paths"]
    assert paths["/taxonomy_terms/{id}"]["get"]["operationId"] == "getTaxonomyTermById"
    assert paths["/taxonomy_terms"]["get"]["operationId"] == "getPaginatedListOfTaxonomyTerms"


def test_it_documents_the_parameters_the_issue_asks_for() -> None:
    document = hsds.openapi_document()
    names = {
        document["components"]["parameters"][ref.rsplit("/", 1)[1]]["name"]
        for ref in refs(document["paths"]["/services"]["get"]["parameters"])
    }
    assert names >= {"search", "page", "per_page", "taxonomy_term_id", "taxonomy_id", "organization_id",
                     "modified_after", "postcode", "proximity", "minimal", "full"}
    assert document["components"]["parameters"]["modified_after"]["schema"]["format"] == "date-time"


def test_it_declares_the_profile_extensions_on_service_and_location() -> None:
    components = hsds.openapi_document()["components"]["schemas"]
    service = components["TramaITService"]["properties"]
    assert set(service) >= {"requires_residency", "requires_documents", "requires_isee", "requires_appointment",
                            "is_free", "target_groups", "translations"}
    assert all(service[key]["description"].startswith("[Trama IT profile extension]") for key in service
               if "description" in service[key])
    assert set(service["translations"]["propertyNames"]["enum"]) == {"it", "en", "fr", "es", "ar", "uk", "zh"}
    assert set(components["TramaITLocation"]["properties"]) == {"confidential_address", "municipio", "nil"}
    # the RFC 7386 merge patches of the profile are derived from the same components
    patch = hsds.profile_patch("service")
    assert set(patch["properties"]) == {"requires_residency", "requires_documents", "requires_isee",
                                        "requires_appointment", "is_free", "target_groups", "translations"}
    assert set(hsds.profile_patch("location")) == {"properties", "if", "then"}
    assert set(hsds.profile_patch("taxonomy_term")["properties"]) == {"translations"}


# --- the validator ----------------------------------------------------------------------------------------------


def test_it_reports_readable_errors_for_a_broken_service() -> None:
    broken = example("service_full")
    del broken["name"]
    broken["id"] = "42"
    broken["status"] = "open"
    broken["phones"][0]["number"] = 3478
    errors = hsds.validate(broken, "service")
    assert errors == [
        "$: 'name' is a required property",
        "$.id: '42' is not a 'uuid'",
        "$.phones[0].number: 3478 is not of type 'string'",
        "$.status: 'open' is not one of ['active', 'inactive', 'defunct', 'temporarily closed']",
    ]


def test_it_checks_the_profile_extensions_only_when_asked() -> None:
    service = example("service_full")
    service.update(
        requires_residency=False, requires_documents=None, requires_isee=False, requires_appointment=True,
        is_free=True, target_groups=["children_6_14", "families"],
        translations={"en": {"name": "After-school club"}, "ar": {"description": "دعم مدرسي"}},
    )
    assert hsds.validate(service, "service", profile=True) == []
    service.update(requires_residency="no", target_groups=["Bambini 0-6"], translations={"de": {"name": "Hort"}})
    service["translations"]["en"] = {"website": "x"}
    assert hsds.validate(service, "service") == []  # plain HSDS allows additional properties
    assert hsds.validate(service, "service", profile=True) == [
        "$.requires_residency: 'no' is not of type 'boolean', 'null'",
        "$.target_groups[0]: 'Bambini 0-6' does not match '^[a-z0-9][a-z0-9_]*$'",
        "$.translations: 'de' is not one of ['it', 'en', 'fr', 'es', 'ar', 'uk', 'zh']",
        "$.translations.en: 'website' is not one of ['name', 'alternate_name', 'description', "
        "'eligibility_description', 'application_process', 'fees_description', 'interpretation_services', "
        "'wait_time', 'alert']",
    ]


def test_it_never_lets_a_confidential_address_through() -> None:
    item = example("service_at_location_full")
    location = item["location"]
    location.update(confidential_address=True, municipio="MI-M8", nil=None)
    errors = hsds.validate(item, "service_at_location", profile=True)
    assert [error.split(":", 1)[0] for error in errors] == [
        "$.location.addresses", "$.location.latitude", "$.location.longitude",
    ]
    assert errors == hsds.validate_response(item, "/service_at_locations/{id}")
    location.pop("latitude")
    location.pop("longitude")
    location["addresses"] = []
    assert hsds.validate(item, "service_at_location", profile=True) == []
    # the rule also applies to locations nested in a full service and in an organization
    service = example("service_full")
    service["service_at_locations"][0]["location"]["confidential_address"] = True
    assert len(hsds.validate_response(service, "/services/{id}")) == 3
    organization = example("organization_full")
    organization["locations"][0]["confidential_address"] = True
    assert hsds.validate(organization, "organization") == []
    assert len(hsds.validate(organization, "organization", profile=True)) == 3


def test_it_requires_the_page_envelope_and_explains_list_item_errors() -> None:
    page = example("service_list")
    assert hsds.validate_response(page, "/services") == []
    broken = copy.deepcopy(page)
    del broken["total_items"]
    broken["contents"][0].pop("name")
    assert hsds.validate_response(broken, "/services") == [
        "$: 'total_items' is a required property",
        "$.contents[0]: matches none of the allowed shapes; closest: $.contents[0]: 'name' is a required property",
    ]
    minimal = {**page, "contents": [{"id": page["contents"][0]["id"], "last_modified": "2025-03-30T02:30:00+02:00"}]}
    assert hsds.validate_response(minimal, "/services") == []


def test_it_asserts_formats_without_optional_packages() -> None:
    term = example("taxonomy_term")
    term["term_uri"] = "www.example.org/term"
    term["taxonomy_detail"]["uri"] = "https://example.org/taxonomy"
    page = {**example("service_list")}
    page["contents"] = [{**page["contents"][0], "last_modified": "30/03/2025", "email": "nobody"}]
    assert hsds.validate(term, "taxonomy_term") == ["$.term_uri: 'www.example.org/term' is not a 'uri'"]
    assert hsds.validate(page["contents"][0], "service_list") == [
        "$.email: 'nobody' is not a 'email'",
        "$.last_modified: '30/03/2025' is not a 'date-time'",
    ]


def test_it_truncates_huge_messages() -> None:
    organization = example("organization_full")
    organization["locations"][0]["confidential_address"] = True
    organization["locations"][0]["addresses"] *= 20
    errors = hsds.validate(organization, "organization", profile=True)
    assert max(len(error) for error in errors) < 400
