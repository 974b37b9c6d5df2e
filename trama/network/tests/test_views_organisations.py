from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.fixtures import DjangoAssertNumQueries

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.network import services
from trama.network.models import Organisation, OrganisationKind

ClientAs = Callable[..., Client]


def _assert_login_required(client: Client, url: str, *, post: bool = False) -> None:
    response = client.post(url) if post else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- list -----------------------------------------------------------------------------------------


def test_it_lists_organisations_for_a_member(personas: Personas, client_as: ClientAs) -> None:
    response = client_as(personas.volunteer).get(reverse("network:organisation_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Cooperativa Alfa (test)" in content
    assert "Fondazione Gamma (test)" in content  # a directory of every partner


def test_it_requires_login_for_the_organisation_list(client: Client) -> None:
    _assert_login_required(client, reverse("network:organisation_list"))


def test_it_shows_an_empty_directory_to_someone_without_roles(
    personas: Personas, client_as: ClientAs
) -> None:
    response = client_as(personas.nobody).get(reverse("network:organisation_list"))
    assert response.status_code == 200
    assert "Cooperativa Alfa" not in response.content.decode()


def test_it_filters_organisations(personas: Personas, client_as: ClientAs) -> None:
    personas.ets_b.municipi.add(personas.municipio8)
    client = client_as(personas.referent)
    url = reverse("network:organisation_list")
    alfa, beta, delta = (
        reverse("network:organisation_detail", args=[slug]) for slug in ("t-alfa", "t-beta", "t-delta")
    )
    by_name = client.get(url, {"q": "alfa"}).content.decode()
    assert alfa in by_name and beta not in by_name
    by_kind = client.get(url, {"kind": "university"}).content.decode()
    assert delta in by_kind and alfa not in by_kind
    by_municipio = client.get(url, {"municipio": personas.municipio8.pk}).content.decode()
    assert beta in by_municipio and alfa not in by_municipio
    by_network = client.get(url, {"network": personas.network8.pk}).content.decode()
    assert alfa in by_network and delta not in by_network
    empty = client.get(url, {"q": "nessuna-corrispondenza"}).content.decode()
    assert "Nessuna organizzazione corrisponde ai filtri." in empty


def test_it_does_not_filter_by_a_network_one_cannot_see(personas: Personas, client_as: ClientAs) -> None:
    response = client_as(personas.referent).get(
        reverse("network:organisation_list"), {"network": personas.network1.pk}
    )
    # An invalid choice: the filters are not applied (the error is shown), nothing of network 1 is revealed.
    content = response.content.decode()
    assert "Scegli un&#x27;opzione valida" in content
    assert "QuBì Municipio 1" not in content


def test_it_paginates_organisations_with_a_constant_number_of_queries(
    personas: Personas, client_as: ClientAs, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_as(personas.referent)
    url = reverse("network:organisation_list")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(40):
        org = Organisation.objects.create(
            name=f"Associazione {i:02d}", slug=f"assoc-{i}", kind=OrganisationKind.ETS
        )
        org.municipi.add(personas.municipio8, personas.municipio1)
    # Most queries are the page frame (session, acting organisation, navigation) and permission checks.
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(few) <= 22
    assert "Pagina 1 di 2" in response.content.decode()
    second = client.get(url, {"page": 2})
    assert "Pagina 2 di 2" in second.content.decode()


# --- detail ---------------------------------------------------------------------------------------


def test_it_shows_an_organisation_with_its_people_addresses_and_networks(
    personas: Personas, client_as: ClientAs
) -> None:
    services.person_add(
        organisation=personas.ets_a, by=None, full_name="Marta Contatto", title="Coordinatrice"
    )
    services.organisation_address_add(
        organisation=personas.ets_a, by=None, address_text="Via Padova 36", label="Sede"
    )
    response = client_as(personas.proximity).get(reverse("network:organisation_detail", args=["t-alfa"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Marta Contatto" in content
    assert "Via Padova 36, Milano" in content
    assert "QuBì Municipio 8 (test)" in content
    assert "vendor/leaflet/leaflet.js" in content
    assert 'id="organisation-map-data"' in content


def test_it_shows_only_networks_the_reader_can_see(personas: Personas, client_as: ClientAs) -> None:
    # The Comune is in network 8 and in the city network; an ETS referent of network 8 sees only network 8.
    content = (
        client_as(personas.referent).get(reverse("network:organisation_detail", args=["t-comune"])).content
    )
    assert "QuBì Municipio 8 (test)" in content.decode()
    assert "QuBì Milano (test)" not in content.decode()


def test_it_requires_login_for_an_organisation(personas: Personas, client: Client) -> None:
    _assert_login_required(client, reverse("network:organisation_detail", args=["t-alfa"]))


def test_it_gives_404_for_an_organisation_to_someone_without_roles(
    personas: Personas, client_as: ClientAs
) -> None:
    response = client_as(personas.nobody).get(reverse("network:organisation_detail", args=["t-alfa"]))
    assert response.status_code == 404
    assert (
        client_as(personas.referent)
        .get(reverse("network:organisation_detail", args=["does-not-exist"]))
        .status_code
        == 404
    )


# --- create / edit --------------------------------------------------------------------------------


def test_it_creates_an_organisation_as_coordinator(personas: Personas, client_as: ClientAs) -> None:
    client = client_as(personas.coordinator)
    assert client.get(reverse("network:organisation_create")).status_code == 200
    response = client.post(
        reverse("network:organisation_create"),
        {
            "name": "Cooperativa Sociale Lotta contro l'Emarginazione",
            "short_name": "Lotta",
            "kind": "ets",
            "legal_form": "cooperativa_sociale",
            "fiscal_code": "12345678903",
            "municipi": [personas.municipio8.pk],
        },
    )
    org = Organisation.objects.get(short_name="Lotta")
    assert response.status_code == 302
    assert response["Location"] == reverse("network:organisation_detail", args=[org.slug])
    assert list(org.municipi.all()) == [personas.municipio8]


def test_it_refuses_a_duplicate_organisation_with_a_form_error(personas: Personas, client_as: ClientAs) -> None:
    response = client_as(personas.coordinator).post(
        reverse("network:organisation_create"), {"name": "Cooperativa Alfa (test)", "kind": "ets"}
    )
    assert response.status_code == 200
    assert "Esiste già un&#x27;organizzazione «Cooperativa Alfa (test)»" in response.content.decode()
    assert Organisation.objects.filter(name="Cooperativa Alfa (test)").count() == 1


def test_it_shows_fiscal_code_errors_in_italian(personas: Personas, client_as: ClientAs) -> None:
    response = client_as(personas.coordinator).post(
        reverse("network:organisation_create"),
        {
            "name": "Sbagliata",
            "kind": "ets",
            "fiscal_code": "12345678901",
        },
    )
    assert response.status_code == 200
    assert "il carattere di controllo non corrisponde" in response.content.decode()
    assert not Organisation.objects.filter(name="Sbagliata").exists()


def test_it_forbids_creating_organisations_to_network_referents(
    personas: Personas, client_as: ClientAs
) -> None:
    assert client_as(personas.referent).get(reverse("network:organisation_create")).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", object_type="network.organisation").exists()


def test_it_requires_login_to_create_an_organisation(client: Client) -> None:
    _assert_login_required(client, reverse("network:organisation_create"))


def test_it_lets_a_referent_edit_their_organisation(personas: Personas, client_as: ClientAs) -> None:
    client = client_as(personas.referent)
    url = reverse("network:organisation_edit", args=["t-alfa"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Cooperativa Alfa (test)",
            "kind": "ets",
            "phone": "02 555",
            "legal_form": "cooperativa_sociale",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    personas.ets_a.refresh_from_db()
    assert personas.ets_a.phone == "02 555"
    assert personas.ets_a.is_active


@pytest.mark.parametrize("persona", ["proximity", "referent_b", "referent_other"])
def test_it_forbids_editing_someone_elses_organisation(
    personas: Personas, client_as: ClientAs, persona: str
) -> None:
    response = client_as(getattr(personas, persona)).post(
        reverse("network:organisation_edit", args=["t-alfa"]), {"name": "Presa", "kind": "ets"}
    )
    assert response.status_code == 403
    personas.ets_a.refresh_from_db()
    assert personas.ets_a.name == "Cooperativa Alfa (test)"


def test_it_gives_404_when_editing_for_someone_without_roles(personas: Personas, client_as: ClientAs) -> None:
    assert (
        client_as(personas.nobody).get(reverse("network:organisation_edit", args=["t-alfa"])).status_code
        == 404
    )


# --- addresses, people, ATS -----------------------------------------------------------------------


def test_it_adds_a_geocoded_address(personas: Personas, client_as: ClientAs) -> None:
    response = client_as(personas.referent).post(
        reverse("network:address_add", args=["t-alfa"]),
        {
            "label": "Sede operativa",
            "address_text": "via padova 36",
        },
    )
    assert response.status_code == 302
    assert personas.ets_a.addresses.get().normalised == "Via Padova 36, Milano"


def test_it_lists_suggestions_for_an_unknown_address(personas: Personas, client_as: ClientAs) -> None:
    response = client_as(personas.referent).post(
        reverse("network:address_add", args=["t-alfa"]),
        {
            "address_text": "Via Padovva 36",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Forse intendevi" in content
    assert "Via Padova 36, Milano" in content


def test_it_forbids_adding_addresses_to_read_only_members(personas: Personas, client_as: ClientAs) -> None:
    url = reverse("network:address_add", args=["t-alfa"])
    assert client_as(personas.proximity).post(url, {"address_text": "Via Padova 36"}).status_code == 403
    assert client_as(personas.nobody).post(url, {"address_text": "Via Padova 36"}).status_code == 404


def test_it_removes_an_address(personas: Personas, client_as: ClientAs) -> None:
    address = services.organisation_address_add(
        organisation=personas.ets_a, by=None, address_text="Via Padova 36"
    )
    url = reverse("network:address_remove", args=["t-alfa", address.pk])
    assert client_as(personas.proximity).post(url).status_code == 403
    assert client_as(personas.referent).post(url).status_code == 302
    assert not personas.ets_a.addresses.exists()


def test_it_adds_and_edits_a_person(personas: Personas, client_as: ClientAs) -> None:
    client = client_as(personas.referent)
    response = client.post(
        reverse("network:person_add", args=["t-alfa"]),
        {
            "full_name": "Paolo Prossimità",
            "title": "Operatore",
            "email": "paolo@example.org",
            "user": personas.proximity.pk,
        },
    )
    assert response.status_code == 302
    person = personas.ets_a.people.get()
    assert person.user == personas.proximity
    response = client.post(
        reverse("network:person_edit", args=["t-alfa", person.pk]),
        {
            "full_name": "Paolo Prossimità",
            "title": "Coordinatore",
            "email": "paolo@example.org",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.title, person.is_active, person.user) == ("Coordinatore", False, None)


def test_it_forbids_adding_people_to_another_organisation(personas: Personas, client_as: ClientAs) -> None:
    url = reverse("network:person_add", args=["t-beta"])
    assert client_as(personas.referent).post(url, {"full_name": "X"}).status_code == 403


def test_it_requires_login_for_organisation_writes(personas: Personas, client: Client) -> None:
    _assert_login_required(client, reverse("network:address_add", args=["t-alfa"]), post=True)
    _assert_login_required(client, reverse("network:person_add", args=["t-alfa"]), post=True)
    _assert_login_required(client, reverse("network:ats_member_add", args=["t-alfa"]), post=True)


def test_it_manages_the_components_of_an_ats(personas: Personas, client_as: ClientAs) -> None:
    ats = services.organisation_create(by=None, name="ATS Municipio 8", kind=OrganisationKind.ATS)
    client = client_as(personas.coordinator)
    response = client.post(
        reverse("network:ats_member_add", args=[ats.slug]),
        {
            "organisation": personas.ets_a.pk,
            "role": "capofila",
        },
    )
    assert response.status_code == 302
    member = ats.ats_members.get()
    page = client.get(reverse("network:organisation_detail", args=[ats.slug])).content.decode()
    assert "Componenti dell'ATS" in page and "Cooperativa Alfa (test)" in page
    alfa = client.get(reverse("network:organisation_detail", args=["t-alfa"])).content.decode()
    assert "ATS Municipio 8" in alfa
    assert client.post(reverse("network:ats_member_end", args=[ats.slug, member.pk])).status_code == 302
    member.refresh_from_db()
    assert member.until is not None


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_explains_that_only_an_ats_has_components(
    personas: Personas, client_as: ClientAs, method: str
) -> None:
    client = client_as(personas.referent)
    url = reverse("network:ats_member_add", args=["t-alfa"])
    response = getattr(client, method)(url, {"organisation": personas.ets_b.pk, "role": "mandante"})
    assert response.status_code == 302
    assert response["Location"] == reverse("network:organisation_detail", args=["t-alfa"])
    page = client.get(response["Location"]).content.decode()
    assert "non è un&#x27;ATS" in page
    assert not personas.ets_a.ats_members.exists()


def test_it_does_not_let_an_organisations_own_staff_switch_it_off(client: Client, personas: Personas) -> None:
    client.force_login(personas.officer)
    url = reverse("network:organisation_edit", args=[personas.ets_a.slug])
    assert 'name="is_active"' not in client.get(url).content.decode()
    client.post(url, {"name": personas.ets_a.name, "kind": "ets", "legal_form": "cooperativa_sociale"})
    personas.ets_a.refresh_from_db()
    assert personas.ets_a.is_active
    client.force_login(personas.coordinator)
    assert 'name="is_active"' in client.get(url).content.decode()


def test_it_refuses_deactivation_in_the_service_too(personas: Personas) -> None:
    from trama.core.errors import ApplicationError
    from trama.network import services

    with pytest.raises(ApplicationError, match="coordinamento cittadino"):
        services.organisation_update(organisation=personas.ets_a, by=personas.referent, is_active=False)
    services.organisation_update(organisation=personas.ets_a, by=personas.coordinator, is_active=False)
    personas.ets_a.refresh_from_db()
    assert not personas.ets_a.is_active
