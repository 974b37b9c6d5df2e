"""Named test personas: every role, in two ETS of the same municipal network, plus the Comune.

Used by every module's view tests so each can check: it works, it requires login, another organisation's
object gives 404, read-only gives 403."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from trama.accounts.models import Membership, User
from trama.accounts.roles import Role
from trama.network.models import (
    Network,
    NetworkLevel,
    NetworkMembership,
    NetworkRole,
    Organisation,
    OrganisationKind,
    Programme,
)
from trama.territory.models import Area, AreaKind

PASSWORD = "trama-test-password-1"  # noqa: S105 - test personas only


@dataclass
class Personas:
    city: Area
    municipio8: Area
    municipio1: Area
    programme: Programme
    city_network: Network
    network8: Network
    network1: Network
    comune: Organisation
    ets_a: Organisation  # in network8
    ets_b: Organisation  # in network8 too
    ets_other: Organisation  # only in network1: "another organisation"
    university: Organisation
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def _user(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=PASSWORD, full_name=name)
    return user


def build_personas() -> Personas:
    start = dt.date(2024, 5, 8)
    city = Area.objects.create(kind=AreaKind.CITY, code="T-MI", name="Milano (test)")
    m8 = Area.objects.create(kind=AreaKind.MUNICIPIO, code="T-MI-M8", name="Municipio 8", parent=city)
    m1 = Area.objects.create(kind=AreaKind.MUNICIPIO, code="T-MI-M1", name="Municipio 1", parent=city)
    programme = Programme.objects.create(name="QuBì (test)")
    city_net = Network.objects.create(name="QuBì Milano (test)", slug="t-qubi-milano", level=NetworkLevel.CITY,
                                      area=city, programme=programme)
    net8 = Network.objects.create(name="QuBì Municipio 8 (test)", slug="t-qubi-m8", level=NetworkLevel.MUNICIPAL,
                                  parent=city_net, area=m8, programme=programme)
    net1 = Network.objects.create(name="QuBì Municipio 1 (test)", slug="t-qubi-m1", level=NetworkLevel.MUNICIPAL,
                                  parent=city_net, area=m1, programme=programme)
    comune = Organisation.objects.create(name="Comune di Milano (test)", slug="t-comune",
                                         kind=OrganisationKind.PUBLIC_OFFICE, legal_form="ente_pubblico")
    ets_a = Organisation.objects.create(name="Cooperativa Alfa (test)", slug="t-alfa", kind=OrganisationKind.ETS,
                                        legal_form="cooperativa_sociale")
    ets_b = Organisation.objects.create(name="Associazione Beta (test)", slug="t-beta", kind=OrganisationKind.ETS,
                                        legal_form="aps")
    ets_other = Organisation.objects.create(name="Fondazione Gamma (test)", slug="t-gamma",
                                            kind=OrganisationKind.ETS, legal_form="fondazione")
    university = Organisation.objects.create(name="Università Delta (test)", slug="t-delta",
                                             kind=OrganisationKind.UNIVERSITY)
    for org in (comune, ets_a, ets_b):
        NetworkMembership.objects.create(network=net8, organisation=org, since=start,
                                         role=NetworkRole.LEAD_PARTNER if org == ets_a else NetworkRole.PARTNER)
    NetworkMembership.objects.create(
        network=net1, organisation=ets_other, role=NetworkRole.LEAD_PARTNER, since=start
    )
    NetworkMembership.objects.create(network=city_net, organisation=comune, role=NetworkRole.LEAD_PARTNER, since=start)
    NetworkMembership.objects.create(
        network=city_net, organisation=university, role=NetworkRole.CO_MANAGER, since=start
    )

    p = Personas(city=city, municipio8=m8, municipio1=m1, programme=programme, city_network=city_net,
                 network8=net8, network1=net1, comune=comune, ets_a=ets_a, ets_b=ets_b, ets_other=ets_other,
                 university=university)
    spec = [
        ("coordinator", "Carla Coordinatrice", comune, Role.CITY_COORDINATOR),
        ("social_worker", "Sara Assistente", comune, Role.COMMUNITY_SOCIAL_WORKER),
        ("unit_lead", "Ugo Responsabile", comune, Role.MUNICIPAL_UNIT_LEAD),
        ("admin", "Ada Amministratrice", comune, Role.PLATFORM_ADMIN),
        ("referent", "Rita Referente", ets_a, Role.NETWORK_REFERENT),
        ("proximity", "Paolo Prossimità", ets_a, Role.PROXIMITY_WORKER),
        ("facilitator", "Fabio Facilitatore", ets_a, Role.LAB_FACILITATOR),
        ("volunteer", "Vera Volontaria", ets_a, Role.VOLUNTEER),
        ("officer", "Olga Amministrativa", ets_a, Role.ADMINISTRATIVE_OFFICER),
        ("reception", "Remo Accoglienza", ets_a, Role.RECEPTION_MANAGER),
        ("referent_b", "Bruno Referente", ets_b, Role.NETWORK_REFERENT),
        ("proximity_b", "Bianca Prossimità", ets_b, Role.PROXIMITY_WORKER),
        ("referent_other", "Gina Referente", ets_other, Role.NETWORK_REFERENT),
        ("evaluator", "Elena Valutatrice", university, Role.EVALUATOR),
    ]
    for key, name, org, role in spec:
        user = _user(f"{key}@test.trama.invalid", name)
        Membership.objects.create(user=user, organisation=org, role=role, valid_from=start)
        p.users[key] = user
    p.users["nobody"] = _user("nobody@test.trama.invalid", "Nino Senzaruolo")
    return p
