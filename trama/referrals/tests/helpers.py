"""Builders for referrals tests: a household of Cooperativa Alfa (ets_a) with a parent and a child, and an
after-school service of Associazione Beta (ets_b), the receiving organisation. Everything goes through services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from trama.core.testing import Personas
from trama.directory import services as directory_services
from trama.directory.models import Service
from trama.network.models import Network, Organisation
from trama.records import consent as consent_services
from trama.records.categories import DataCategory
from trama.records.models import Consent, Household, HouseholdRole, Person
from trama.records.tests.helpers import make_household, make_person
from trama.referrals import services
from trama.referrals.models import Referral

C = DataCategory
SHARED = [C.IDENTITY, C.NEEDS_AND_PLAN]


@dataclass
class Family:
    household: Household
    parent: Person
    child: Person
    service: Service


def make_family(p: Personas) -> Family:
    household = make_household(p, label="Famiglia R.", opened_on=timezone.localdate() - dt.timedelta(days=30))
    parent = make_person(p, household, first_name_or_alias="Amina", health_notes="asma")
    child = make_person(p, household, first_name_or_alias="Yusuf", role_in_household=HouseholdRole.CHILD,
                        health_notes="allergia")
    service = directory_services.service_create(by=p.referent_b, organisation=p.ets_b, maintainer=p.ets_b,
                                                name="Doposcuola Beta")
    return Family(household=household, parent=parent, child=child, service=service)


def give_consent(p: Personas, family: Family, *, categories: Iterable[str] = (C.IDENTITY, C.NEEDS_AND_PLAN,
                                                                            C.CONTACTS),
                 organisations: Iterable[Organisation] = (), networks: Iterable[Network] = (),
                 person: Person | None = None) -> Consent:
    organisations, networks = tuple(organisations), tuple(networks)
    if not organisations and not networks:
        organisations = (p.ets_b,)
    purposes = []
    if organisations:
        purposes.append("share_named_organisations")
    if networks:
        purposes.append("share_municipal_network")
    return consent_services.consent_record(
        household=family.household, by=p.proximity, purposes=purposes, categories=list(categories),
        given_on=timezone.localdate(), notice_version="2026-11", notice_language="it",
        recipient_organisations=organisations, recipient_networks=networks, given_by_name="Amina",
        person=person, given_by_kind="parent" if person is not None else "person",
    )


def draft(p: Personas, family: Family, *, people: Iterable[Person] | None = None,
          categories: Iterable[str] = SHARED, **fields: Any) -> Referral:
    return services.referral_create(
        household=family.household, by=p.proximity, people=list(people) if people is not None else [family.child],
        service=family.service, reason="Ha bisogno di aiuto con i compiti", categories=list(categories), **fields)


def sent(p: Personas, family: Family, **fields: Any) -> Referral:
    referral = draft(p, family, **fields)
    return services.referral_send(referral=referral, by=p.proximity)
