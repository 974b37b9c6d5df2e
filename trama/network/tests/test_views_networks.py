from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.fixtures import DjangoAssertNumQueries

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.network import services
from trama.network.models import Network, NetworkLevel, NetworkRole
from trama.network.tests.conftest import Governance
from trama.territory.models import Area, AreaKind
from trama.territory.services import area_set_geometry

ClientAs = Callable[..., Client]

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[9.1, 45.5], [9.2, 45.5], [9.2, 45.6], [9.1, 45.6], [9.1, 45.5]]],
}


def _login_url_of(response: object) -> str:
    return response["Location"]  # type: ignore[index]


# --- list -----------------------------------------------------------------------------------------


def test_it_lists_the_networks_one_acts_for(personas: Personas, client_as: ClientAs) -> None:
    content = client_as(personas.referent).get(reverse("network:network_list")).content.decode()
    assert reverse("network:network_detail", args=["t-qubi-m8"]) in content
    assert reverse("network:network_detail", args=["t-qubi-m1"]) not in content
    assert "Nuova rete" not in content


def test_it_lists_every_network_to_the_coordinator_with_counts(
    personas: Personas, client_as: ClientAs
) -> None:
    content = client_as(personas.coordinator).get(reverse("network:network_list")).content.decode()
    for slug in ("t-qubi-milano", "t-qubi-m8", "t-qubi-m1"):
        assert reverse("network:network_detail", args=[slug]) in content
    assert "Nuova rete" in content


def test_it_filters_networks_by_level(personas: Personas, client_as: ClientAs) -> None:
    content = client_as(personas.coordinator).get(reverse("network:network_list"), {"level": "city"}).content
    assert reverse("network:network_detail", args=["t-qubi-milano"]) in content.decode()
    assert reverse("network:network_detail", args=["t-qubi-m8"]) not in content.decode()


def test_it_shows_an_empty_state_without_networks(personas: Personas, client_as: ClientAs) -> None:
    content = client_as(personas.nobody).get(reverse("network:network_list")).content.decode()
    assert "Non fai parte di nessuna rete" in content


def test_it_requires_login_for_the_network_list(client: Client) -> None:
    response = client.get(reverse("network:network_list"))
    assert response.status_code == 302
    assert _login_url_of(response).startswith(reverse("accounts:login"))


def test_it_lists_networks_with_a_constant_number_of_queries(
    personas: Personas, client_as: ClientAs, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_as(personas.coordinator)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("network:network_list"))
    for i in range(30):
        network = Network.objects.create(
            name=f"Rete di quartiere {i:02d}",
            slug=f"rq-{i}",
            level=NetworkLevel.NEIGHBOURHOOD,
            parent=personas.network8,
            programme=personas.programme,
        )
        services.network_membership_add(network=network, organisation=personas.ets_a, by=None)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("network:network_list"))
    assert "Pagina 1 di 2" in response.content.decode()


# --- detail ---------------------------------------------------------------------------------------


def test_it_shows_a_network_with_its_tree_members_bodies_and_map(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    area_set_geometry(personas.municipio8, SQUARE)
    personas.municipio8.save()
    nil = Area.objects.create(
        kind=AreaKind.NIL, code="T-NIL-1", name="Quarto Oggiaro", parent=personas.municipio8
    )
    child = services.network_create(
        by=None,
        name="Rete Quarto Oggiaro",
        level=NetworkLevel.NEIGHBOURHOOD,
        parent=personas.network8,
        area=nil,
    )
    services.organisation_address_add(organisation=personas.ets_b, by=None, address_text="Via Padova 36")
    response = client_as(personas.proximity).get(reverse("network:network_detail", args=["t-qubi-m8"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("network:network_detail", args=[child.slug]) in content  # the tree, below
    assert "QuBì Milano (test)" not in content  # the parent is not visible to an ETS of network 8
    assert "Capofila" in content and "Cooperativa Alfa (test)" in content  # members grouped by role
    assert reverse("network:body_detail", args=[gov.body.pk]) in content
    data = json.loads(
        content.split('id="network-map-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data["area"] == personas.municipio8.geometry_simplified  # the light map geometry
    assert data["area"]["type"] == "Polygon"
    assert [p["title"] for p in data["points"]] == ["Associazione Beta (test)"]
    assert "vendor/leaflet/leaflet.js" in content
    assert "Modifica" not in content and "Nuovo organo" not in content  # read-only persona


def test_it_shows_the_parent_to_whoever_can_see_it(personas: Personas, client_as: ClientAs) -> None:
    content = (
        client_as(personas.coordinator).get(reverse("network:network_detail", args=["t-qubi-m8"])).content
    )
    assert reverse("network:network_detail", args=["t-qubi-milano"]) in content.decode()


def test_it_draws_the_map_without_tiles_when_none_are_configured(
    personas: Personas, client_as: ClientAs, settings: object
) -> None:
    settings.TRAMA_TILES_URL = ""  # type: ignore[attr-defined]
    personas.municipio8.geometry = SQUARE
    personas.municipio8.save()
    content = client_as(personas.referent).get(reverse("network:network_detail", args=["t-qubi-m8"])).content
    assert 'data-tiles=""' in content.decode()


def test_it_gives_404_for_another_organisations_network(personas: Personas, client_as: ClientAs) -> None:
    assert (
        client_as(personas.referent_other)
        .get(reverse("network:network_detail", args=["t-qubi-m8"]))
        .status_code
        == 404
    )
    assert AuditEvent.objects.filter(action="access.denied", object_type="network.network").exists()


def test_it_requires_login_for_a_network(personas: Personas, client: Client) -> None:
    assert client.get(reverse("network:network_detail", args=["t-qubi-m8"])).status_code == 302


# --- create / edit / memberships ------------------------------------------------------------------


def test_it_creates_a_network_as_coordinator(personas: Personas, client_as: ClientAs) -> None:
    client = client_as(personas.coordinator)
    assert client.get(reverse("network:network_create")).status_code == 200
    response = client.post(
        reverse("network:network_create"),
        {
            "name": "Rete Gallaratese",
            "level": "neighbourhood",
            "parent": personas.network8.pk,
            "programme": personas.programme.pk,
        },
    )
    network = Network.objects.get(name="Rete Gallaratese")
    assert response.status_code == 302
    assert network.parent == personas.network8


def test_it_shows_the_parent_level_rule_as_a_form_error(personas: Personas, client_as: ClientAs) -> None:
    response = client_as(personas.coordinator).post(
        reverse("network:network_create"),
        {
            "name": "Rete sbagliata",
            "level": "neighbourhood",
            "parent": personas.city_network.pk,
        },
    )
    assert response.status_code == 200
    assert (
        "La rete superiore di una rete di quartiere deve essere una rete municipale."
        in response.content.decode()
    )


def test_it_shows_the_missing_parent_and_duplicate_name_as_form_errors(
    personas: Personas, client_as: ClientAs
) -> None:
    client = client_as(personas.coordinator)
    orphan = client.post(reverse("network:network_create"), {"name": "Rete orfana", "level": "municipal"})
    assert orphan.status_code == 200
    assert "Una rete municipale deve avere come rete superiore una rete cittadina." in orphan.content.decode()
    duplicate = client.post(
        reverse("network:network_create"),
        {"name": "QuBì Municipio 8 (test)", "level": "municipal", "parent": personas.city_network.pk},
    )
    assert duplicate.status_code == 200
    assert "Esiste già una rete «QuBì Municipio 8 (test)» sotto «QuBì Milano (test)»." in duplicate.content.decode()
    assert not Network.objects.filter(name="Rete orfana").exists()
    assert Network.objects.filter(name="QuBì Municipio 8 (test)").count() == 1


def test_it_forbids_network_configuration_to_others(personas: Personas, client_as: ClientAs) -> None:
    referent = client_as(personas.referent)
    assert referent.get(reverse("network:network_create")).status_code == 403
    assert referent.get(reverse("network:network_edit", args=["t-qubi-m8"])).status_code == 403
    assert referent.post(reverse("network:membership_add", args=["t-qubi-m8"]), {}).status_code == 403


def test_it_gives_404_when_configuring_an_invisible_network(personas: Personas, client_as: ClientAs) -> None:
    assert (
        client_as(personas.referent_other)
        .get(reverse("network:network_edit", args=["t-qubi-m8"]))
        .status_code
        == 404
    )


def test_it_edits_a_network(personas: Personas, client_as: ClientAs) -> None:
    response = client_as(personas.coordinator).post(
        reverse("network:network_edit", args=["t-qubi-m8"]),
        {
            "name": "QuBì Municipio 8",
            "level": "municipal",
            "parent": personas.city_network.pk,
            "area": personas.municipio8.pk,
            "programme": personas.programme.pk,
            "description": "Nuova descrizione",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    personas.network8.refresh_from_db()
    assert personas.network8.description == "Nuova descrizione"


def test_it_adds_and_ends_memberships(personas: Personas, client_as: ClientAs) -> None:
    client = client_as(personas.coordinator)
    response = client.post(
        reverse("network:membership_add", args=["t-qubi-m8"]),
        {
            "organisation": personas.ets_other.pk,
            "role": NetworkRole.PARTNER,
            "since": "2025-01-01",
        },
    )
    assert response.status_code == 302
    membership = personas.network8.memberships.get(organisation=personas.ets_other)
    duplicate = client.post(
        reverse("network:membership_add", args=["t-qubi-m8"]),
        {
            "organisation": personas.ets_other.pk,
            "role": NetworkRole.MEMBER,
            "since": "2025-06-01",
        },
    )
    assert "fa già parte di questa rete" in duplicate.content.decode()
    response = client.post(
        reverse("network:membership_end", args=["t-qubi-m8", membership.pk]), {"until": "2025-12-31"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.until == dt.date(2025, 12, 31)


def test_it_requires_login_for_network_writes(personas: Personas, client: Client) -> None:
    for url in (reverse("network:network_create"), reverse("network:membership_add", args=["t-qubi-m8"])):
        response = client.post(url, {})
        assert response.status_code == 302
        assert _login_url_of(response).startswith(reverse("accounts:login"))
