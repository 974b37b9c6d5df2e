"""The demo: the data extracted from the seeds, and `manage.py demo` (built once for the whole module,
since it loads Milan's territory, then rolled back)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from trama.accounts.access import networks_for
from trama.accounts.models import Membership, User
from trama.accounts.roles import Role
from trama.core.demo import scenario, seeds
from trama.core.demo.build import nil_matches
from trama.core.models import AuditEvent
from trama.network.models import (
    ActionItem,
    ActionStatus,
    Attendance,
    BodyKind,
    BodyMember,
    Decision,
    GovernanceBody,
    LegalForm,
    Meeting,
    MeetingStatus,
    Network,
    NetworkLevel,
    NetworkMembership,
    NetworkRole,
    Organisation,
    OrganisationAddress,
    OrganisationKind,
    Person,
)
from trama.territory.models import Area

# --- the extracted data (no database) ------------------------------------------------------------------


def test_it_extracts_the_43_reception_ets_without_duplicates() -> None:
    reception = seeds.reception()
    assert [entry.n for entry in reception.ets] == list(range(1, 44))
    assert len({entry.organisation for entry in reception.ets}) == 43
    assert len({entry.text for entry in reception.ets}) == 43
    assert reception.ets[0].text == "Agrivis Società Cooperativa Sociale Agricola"
    assert reception.ets[-1].text == "Telefono Donna"


def test_it_extracts_the_qubi_neighbourhood_networks() -> None:
    qubi = seeds.qubi()
    # 23 rows in seed 000 §2; "QuBi GALLARATESE" appears twice (Zerodiciotto and Mitades): 22 networks.
    assert qubi.representative_rows == 23
    assert len(qubi.neighbourhood_networks) == 22
    assert len({n.slug for n in qubi.neighbourhood_networks}) == 22
    assert len({n.name for n in qubi.neighbourhood_networks}) == 22
    quartieri = [q for n in qubi.neighbourhood_networks for q in n.quartieri]
    assert len(quartieri) == len(set(quartieri)) == 24
    gallaratese = next(n for n in qubi.neighbourhood_networks if n.slug == "qubi-gallaratese")
    assert gallaratese.representatives == ("zerodiciotto", "mitades")
    assert all(n.representatives for n in qubi.neighbourhood_networks)
    assert qubi.programme.starts_on == dt.date(2024, 5, 8)
    assert qubi.programme.ends_on == dt.date(2026, 5, 1)


def test_it_places_the_neighbourhood_networks_in_municipi_2_to_9() -> None:
    qubi = seeds.qubi()
    assert [m.municipio for m in qubi.municipal_networks] == list(range(1, 10))
    by_municipio = Counter(n.municipio for n in qubi.neighbourhood_networks)
    # Seed 001: the municipal networks aggregate the existing networks of Municipi 2–9; Municipio 1's is new.
    assert set(by_municipio) == set(range(2, 10))
    municipio8 = {n.name for n in qubi.neighbourhood_networks if n.municipio == 8}
    assert municipio8 == {"QuBì Villapizzone", "QuBì Quarto Oggiaro", "QuBì Gallaratese"}


def test_it_lists_every_organisation_once_with_valid_choices() -> None:
    organisations = seeds.organisations()
    assert len(organisations) == 94
    assert len({spec.name.casefold() for spec in organisations.values()}) == 94
    for spec in organisations.values():
        assert spec.kind in OrganisationKind.values, spec.slug
        assert spec.legal_form in LegalForm.values, spec.slug
        assert spec.seen_as, spec.slug
        assert all(seen.seed in {"000", "001", "004"} for seen in spec.seen_as)
    qubi, reception = seeds.qubi(), seeds.reception()
    referenced = {slug for n in qubi.neighbourhood_networks for slug in (*n.representatives, *n.members)}
    referenced |= set(qubi.other_ets) | {entry.organisation for entry in reception.ets}
    assert referenced <= set(organisations)
    assert len(qubi.other_ets) == len(set(qubi.other_ets)) == 28
    assert set(qubi.did_not_attend) <= set(qubi.other_ets)
    # Nine organisations took part in both co-programmings.
    both = {entry.organisation for entry in reception.ets} & (
        {slug for n in qubi.neighbourhood_networks for slug in n.representatives} | set(qubi.other_ets)
    )
    assert len(both) == 9


def test_it_keeps_the_seed_wording_of_names_it_corrects() -> None:
    zero5 = seeds.organisations()["zero5"]
    assert zero5.name.startswith("Zero5 - laboratorio di utopie metropolitane")
    assert zero5.seen_as[0].text.startswith("Zero$")


def test_it_matches_nil_names_to_quartieri() -> None:
    assert nil_matches("CITTA' STUDI", "Città Studi")
    assert nil_matches("Q.RE GALLARATESE - Q.RE SAN LEONARDO - LAMPUGNANO", "Gallaratese")
    assert nil_matches("Monluè - Ponte Lambro", "Ponte Lambro")
    assert not nil_matches("CIMIANO - ROTTOLE - Q.RE FELTRE", "Parco Lambro")
    assert not nil_matches("LORENTEGGIO", "Lorenteggio Nuovo")


# --- manage.py demo --------------------------------------------------------------------------------------


@dataclass
class DemoRun:
    output: str
    audit_events: int


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoRun]:
    """Build the demo once for the module inside a transaction rolled back at the end, so other test modules
    see an empty database; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("demo", stdout=out)
        yield DemoRun(output=out.getvalue(), audit_events=AuditEvent.objects.count())
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_it_builds_the_qubi_network_tree(demo: DemoRun) -> None:
    city = Network.objects.get(slug="qubi-milano")
    assert city.level == NetworkLevel.CITY
    assert city.programme is not None and city.programme.name == "QuBì"
    assert city.programme.starts_on == dt.date(2024, 5, 8)
    assert city.programme.ends_on == dt.date(2026, 5, 1)
    municipal = Network.objects.filter(parent=city, level=NetworkLevel.MUNICIPAL)
    assert municipal.count() == 9
    assert set(municipal.values_list("name", flat=True)) == {f"QuBì Municipio {n}" for n in range(1, 10)}
    assert Network.objects.filter(level=NetworkLevel.NEIGHBOURHOOD, parent__parent=city).count() == 22
    assert not Network.objects.filter(parent__slug="qubi-municipio-1").exists()
    assert set(
        Network.objects.filter(parent__slug="qubi-municipio-8").values_list("name", flat=True)
    ) == {"QuBì Villapizzone", "QuBì Quarto Oggiaro", "QuBì Gallaratese"}


@pytest.mark.django_db
def test_it_gives_each_neighbourhood_network_its_lead_ets_and_the_comune(demo: DemoRun) -> None:
    villapizzone = Network.objects.get(slug="qubi-villapizzone")
    leads = NetworkMembership.objects.filter(network=villapizzone, role=NetworkRole.LEAD_PARTNER)
    assert [m.organisation.slug for m in leads] == ["farsi-prossimo"]
    gallaratese = NetworkMembership.objects.filter(network__slug="qubi-gallaratese",
                                                   role=NetworkRole.LEAD_PARTNER)
    assert {m.organisation.slug for m in gallaratese} == {"zerodiciotto", "mitades"}
    comune = Organisation.objects.get(slug="comune-di-milano")
    assert comune.kind == OrganisationKind.PUBLIC_OFFICE
    qubi_networks = Network.objects.filter(programme__name="QuBì")
    assert qubi_networks.count() == 1 + 9 + 22
    for network in qubi_networks:
        assert NetworkMembership.objects.filter(network=network, organisation=comune).exists(), network
    # The ETS of the neighbourhood networks are partners of their municipal network.
    assert NetworkMembership.objects.filter(network__slug="qubi-municipio-8", organisation__slug="ripari",
                                            role=NetworkRole.PARTNER).exists()


@pytest.mark.django_db
def test_it_ties_neighbourhood_networks_to_their_nil_or_municipio(demo: DemoRun) -> None:
    assert Area.objects.filter(kind="nil", code__startswith="MI-NIL-").count() == 88
    for spec in seeds.qubi().neighbourhood_networks:
        network = Network.objects.select_related("area", "parent__area").get(slug=spec.slug)
        assert network.area is not None, spec.slug
        if network.area.kind == "nil":
            assert network.area.code == f"MI-NIL-{spec.nil_ids[0]}"
            assert any(nil_matches(network.area.name, q) for q in spec.quartieri), spec.slug
        else:
            assert network.area == network.parent.area, spec.slug  # type: ignore[union-attr]
    assert Network.objects.get(slug="qubi-quarto-oggiaro").area.code == "MI-NIL-76"  # type: ignore[union-attr]
    assert Network.objects.get(slug="qubi-giambellino-lorenteggio").area.code == "MI-M6"  # type: ignore[union-attr]
    assert Network.objects.get(slug="qubi-municipio-8").area.code == "MI-M8"  # type: ignore[union-attr]
    assert Network.objects.get(slug="qubi-milano").area.code == "MI"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_it_geocodes_the_addresses_it_knows(demo: DemoRun) -> None:
    casa = OrganisationAddress.objects.get(organisation__slug="casa-dei-giochi")
    assert casa.has_point
    assert casa.municipio is not None and casa.municipio.code == "MI-M2"
    comune = Organisation.objects.get(slug="comune-di-milano")
    assert comune.addresses.filter(latitude__isnull=False).count() == 9
    assert set(comune.municipi.values_list("code", flat=True)) == {f"MI-M{n}" for n in range(1, 10)}


@pytest.mark.django_db
def test_it_builds_the_reception_network_with_the_43_ets(demo: DemoRun) -> None:
    network = Network.objects.get(slug="accoglienza-milano")
    assert network.level == NetworkLevel.CITY
    assert network.programme is not None and network.programme.name == "Co-programmazione accoglienza"
    ets = NetworkMembership.objects.filter(network=network, organisation__kind=OrganisationKind.ETS)
    assert ets.count() == 43
    assert NetworkMembership.objects.filter(network=network, organisation__slug="comune-di-milano").exists()
    # One organisation, not two, for an ETS present in both co-programmings.
    assert Organisation.objects.filter(slug="farsi-prossimo").count() == 1
    assert NetworkMembership.objects.filter(organisation__slug="farsi-prossimo").count() >= 3


@pytest.mark.django_db
def test_it_creates_a_persona_for_every_role(demo: DemoRun) -> None:
    personas = User.objects.filter(email__endswith="@demo.trama.invalid")
    assert personas.count() == len(scenario.PERSONAS)
    roles = set(Membership.objects.filter(user__in=personas).values_list("role", flat=True))
    assert roles == set(Role.values)
    # Network roles in two ETS of the same municipal network, Comune roles in the Comune.
    for slug in (scenario.ETS_A, scenario.ETS_B):
        assert Membership.objects.filter(organisation__slug=slug, role=Role.NETWORK_REFERENT).exists()
        assert Membership.objects.filter(organisation__slug=slug, role=Role.PROXIMITY_WORKER).exists()
        assert NetworkMembership.objects.filter(network__slug="qubi-municipio-8",
                                                organisation__slug=slug).exists()
    for role in (Role.CITY_COORDINATOR, Role.COMMUNITY_SOCIAL_WORKER, Role.MUNICIPAL_UNIT_LEAD,
                 Role.PLATFORM_ADMIN):
        assert Membership.objects.filter(organisation__slug="comune-di-milano", role=role).exists()
    referent = User.objects.get(email="rita.referente@demo.trama.invalid")
    assert referent.check_password(scenario.DEMO_PASSWORD)
    assert Person.objects.filter(user=referent, organisation__slug=scenario.ETS_A).exists()
    assert Person.objects.filter(user__in=personas).count() == len(scenario.PERSONAS)


@pytest.mark.django_db
def test_it_scopes_ets_personas_to_their_municipal_network(demo: DemoRun) -> None:
    referent = User.objects.get(email="rita.referente@demo.trama.invalid")
    slugs = set(networks_for(referent).values_list("slug", flat=True))
    assert {"qubi-municipio-8", "qubi-villapizzone", "qubi-quarto-oggiaro", "qubi-gallaratese"} <= slugs
    assert "qubi-municipio-1" not in slugs
    assert "qubi-baggio" not in slugs


@pytest.mark.django_db
def test_it_scopes_the_comunes_municipal_roles_to_municipio_8(demo: DemoRun) -> None:
    scoped = {
        spec.email: spec.network for spec in scenario.PERSONAS if spec.network is not None
    }
    assert set(scoped) == {"sara.comunitaria@demo.trama.invalid", "ugo.unitario@demo.trama.invalid"}
    for email, slug in scoped.items():
        membership = Membership.objects.select_related("network").get(user__email=email)
        assert membership.network is not None and membership.network.slug == slug == "qubi-municipio-8"
        slugs = set(networks_for(membership.user).values_list("slug", flat=True))
        assert slugs == {"qubi-municipio-8", "qubi-villapizzone", "qubi-quarto-oggiaro", "qubi-gallaratese"}
    # Every other persona acts for all its organisation's networks.
    others = Membership.objects.filter(user__email__endswith="@demo.trama.invalid").exclude(
        user__email__in=scoped
    )
    assert others.exists() and not others.filter(network__isnull=False).exists()
    assert "Comune di Milano (solo QuBì Municipio 8)" in demo.output


def _client_as(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


@pytest.mark.django_db
def test_it_lets_rita_govern_only_the_networks_farsi_prossimo_leads(demo: DemoRun) -> None:
    rita = _client_as("rita.referente@demo.trama.invalid")
    reception = GovernanceBody.objects.get(network__slug="accoglienza-milano")  # Farsi Prossimo: a member
    assert rita.get(reverse("network:body_detail", args=[reception.pk])).status_code == 200
    assert rita.get(reverse("network:body_edit", args=[reception.pk])).status_code == 403
    # QuBì Quarto Oggiaro is led by Ripari: Rita sees it (below Municipio 8) but does not manage it.
    assert rita.get(reverse("network:network_detail", args=["qubi-quarto-oggiaro"])).status_code == 200
    assert rita.get(reverse("network:body_create", args=["qubi-quarto-oggiaro"])).status_code == 403
    # Municipio 8 (partner) and Villapizzone (lead) are hers to govern.
    cabina = GovernanceBody.objects.get(network__slug="qubi-municipio-8", kind=BodyKind.MUNICIPAL_STEERING)
    assert rita.get(reverse("network:body_edit", args=[cabina.pk])).status_code == 200
    assert rita.get(reverse("network:body_create", args=["qubi-villapizzone"])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["sara.comunitaria@demo.trama.invalid", "ugo.unitario@demo.trama.invalid"])
def test_it_keeps_sara_and_ugo_out_of_the_city_steering_committee(demo: DemoRun, email: str) -> None:
    client = _client_as(email)
    integrated = GovernanceBody.objects.get(network__slug="qubi-milano", kind=BodyKind.INTEGRATED_STEERING)
    # Outside their scope (Municipio 8 and below): they cannot edit it, nor even open it.
    assert client.get(reverse("network:body_edit", args=[integrated.pk])).status_code == 404
    assert client.post(reverse("network:body_edit", args=[integrated.pk]), {"name": "X"}).status_code == 404
    assert client.get(reverse("network:body_detail", args=[integrated.pk])).status_code == 404
    integrated.refresh_from_db()
    assert integrated.name == "Cabina di Regia Integrata"
    cabina = GovernanceBody.objects.get(network__slug="qubi-municipio-8", kind=BodyKind.MUNICIPAL_STEERING)
    assert client.get(reverse("network:body_edit", args=[cabina.pk])).status_code == 200
    assert client.get(reverse("network:body_create", args=["qubi-quarto-oggiaro"])).status_code == 200
    # Nobody sits in a body they cannot open.
    user = User.objects.get(email=email)
    assert not BodyMember.objects.filter(body=integrated, person__user=user).exists()


@pytest.mark.django_db
def test_it_builds_a_lab_consulta(demo: DemoRun) -> None:
    consulta = GovernanceBody.objects.get(kind=BodyKind.LAB_CONSULTA)
    assert consulta.network.slug == "qubi-villapizzone"
    assert "(organo della demo)" in consulta.description
    members = set(BodyMember.objects.filter(body=consulta).values_list("person__user__email", flat=True))
    assert members == {
        "fabio.facilitatore@demo.trama.invalid",
        "vera.volontaria@demo.trama.invalid",
        "paolo.prossimo@demo.trama.invalid",
    }
    assert consulta.meetings.filter(status=MeetingStatus.HELD).exists()
    assert consulta.meetings.filter(status=MeetingStatus.PLANNED).exists()
    assert ActionItem.objects.filter(body=consulta, owner__email="fabio.facilitatore@demo.trama.invalid").exists()


@pytest.mark.django_db
def test_it_keeps_the_pages_with_milans_boundaries_light(demo: DemoRun) -> None:
    client = _client_as("carla.coordinatrice@demo.trama.invalid")
    city = Area.objects.get(code="MI")
    assert len(json.dumps(city.geometry)) > 500_000  # the real boundary is heavy
    for url in (
        reverse("network:network_detail", args=["qubi-milano"]),
        reverse("network:network_detail", args=["accoglienza-milano"]),
        reverse("network:organisation_detail", args=["comune-di-milano"]),  # nine municipi on its map
        reverse("network:organisation_list"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) < 150_000, url


@pytest.mark.django_db
def test_it_builds_the_governance_bodies(demo: DemoRun) -> None:
    integrated = GovernanceBody.objects.get(network__slug="qubi-milano", kind=BodyKind.INTEGRATED_STEERING)
    assert integrated.name == "Cabina di Regia Integrata"
    municipal = GovernanceBody.objects.filter(kind=BodyKind.MUNICIPAL_STEERING)
    assert municipal.count() == 9
    assert set(municipal.values_list("network__level", flat=True)) == {NetworkLevel.MUNICIPAL}
    m8 = GovernanceBody.objects.filter(network__slug="qubi-municipio-8")
    assert set(m8.values_list("theme", flat=True)) >= {"0-1000 giorni", "0-18"}
    assert m8.filter(kind=BodyKind.PROJECT_GROUP).exists()
    assert GovernanceBody.objects.filter(network__slug="qubi-milano", theme="0-18").exists()


@pytest.mark.django_db
def test_it_records_meetings_decisions_and_action_items(demo: DemoRun) -> None:
    now = timezone.now()
    today = timezone.localdate()
    held = Meeting.objects.filter(status=MeetingStatus.HELD)
    assert held.exists()
    for meeting in held:
        assert meeting.starts_at < now
        assert meeting.minutes.startswith("Verbale (demo)")
        assert Attendance.objects.filter(meeting=meeting).exists(), meeting
        assert Decision.objects.filter(meeting=meeting).exists(), meeting
    planned = Meeting.objects.filter(status=MeetingStatus.PLANNED)
    assert planned.filter(starts_at__gt=now, body__network__slug="qubi-municipio-8").exists()
    assert all(meeting.starts_at > now for meeting in planned)
    items = ActionItem.objects.all()
    assert items.filter(status=ActionStatus.DONE, done_on__isnull=False).exists()
    assert items.filter(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS], due_on__lt=today).exists()
    assert items.filter(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS], due_on__gte=today).exists()
    assert all(item.owner.email.endswith("@demo.trama.invalid") for item in items)


@pytest.mark.django_db
def test_it_writes_through_the_services_with_an_audit_trail(demo: DemoRun) -> None:
    actions = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert actions["network.organisation.create"] == Organisation.objects.count()
    assert actions["network.network.create"] == Network.objects.count()
    assert actions["membership.grant"] == Membership.objects.count()
    assert actions["user.create"] == User.objects.count() == len(scenario.PERSONAS)
    scoped = AuditEvent.objects.filter(action="membership.grant", details__network="qubi-municipio-8")
    assert scoped.count() == 2
    assert actions["network.meeting.create"] == Meeting.objects.count()
    assert actions["network.decision.add"] == Decision.objects.count()
    assert actions["network.action.create"] == ActionItem.objects.count()


@pytest.mark.django_db
def test_it_prints_one_login_per_persona(demo: DemoRun) -> None:
    for spec in scenario.PERSONAS:
        line = next(line for line in demo.output.splitlines() if spec.email in line)
        assert scenario.DEMO_PASSWORD in line
        assert str(Role(spec.role).label) in line
    assert "Farsi Prossimo" in demo.output


@pytest.mark.django_db
def test_it_changes_nothing_when_run_again(demo: DemoRun) -> None:
    models = (Organisation, OrganisationAddress, Network, NetworkMembership, User, Membership, Person,
              GovernanceBody, Meeting, Attendance, Decision, ActionItem, Area)
    before = {model.__name__: model.objects.count() for model in models}  # type: ignore[attr-defined]
    out = io.StringIO()
    call_command("demo", stdout=out)
    after = {model.__name__: model.objects.count() for model in models}  # type: ignore[attr-defined]
    assert after == before
    assert AuditEvent.objects.count() == demo.audit_events
    assert "Niente da creare" in out.getvalue()


@pytest.mark.django_db
def test_it_restores_a_membership_scope_then_changes_nothing(demo: DemoRun) -> None:
    # A demo built before the scopes existed: the next run limits Sara's role, and the one after writes nothing.
    sara = Membership.objects.get(user__email="sara.comunitaria@demo.trama.invalid")
    Membership.objects.filter(pk=sara.pk).update(network=None)
    out = io.StringIO()
    call_command("demo", stdout=out)
    sara.refresh_from_db()
    assert sara.network is not None and sara.network.slug == "qubi-municipio-8"
    assert "1 membership scope" in out.getvalue()
    again = io.StringIO()
    call_command("demo", stdout=again)
    assert "Niente da creare" in again.getvalue()
