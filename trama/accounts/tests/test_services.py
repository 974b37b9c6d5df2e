from __future__ import annotations

import datetime as dt

import pytest

from trama.accounts import services
from trama.accounts.roles import Role
from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas

pytestmark = pytest.mark.django_db


def test_it_grants_a_membership_and_audits(personas: Personas) -> None:
    m = services.membership_grant(user=personas.nobody, organisation=personas.ets_b, role=Role.VOLUNTEER,
                                  valid_from=dt.date(2025, 1, 1), by=personas.admin)
    assert m.pk
    event = AuditEvent.objects.get(action="membership.grant")
    assert event.actor == personas.admin


def test_it_is_idempotent(personas: Personas) -> None:
    for _ in range(2):
        services.membership_grant(user=personas.nobody, organisation=personas.ets_b, role=Role.VOLUNTEER,
                                  valid_from=dt.date(2025, 1, 1))
    assert personas.nobody.memberships.count() == 1


def test_it_rejects_unknown_roles_and_reversed_dates(personas: Personas) -> None:
    with pytest.raises(ApplicationError):
        services.membership_grant(user=personas.nobody, organisation=personas.ets_b, role="wizard",
                                  valid_from=dt.date(2025, 1, 1))
    with pytest.raises(ApplicationError, match="precede"):
        services.membership_grant(user=personas.nobody, organisation=personas.ets_b, role=Role.VOLUNTEER,
                                  valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2024, 1, 1))


def test_it_ends_a_membership(personas: Personas) -> None:
    m = personas.proximity.memberships.get()
    services.membership_end(membership=m, on=dt.date(2025, 6, 30))
    m.refresh_from_db()
    assert m.valid_until == dt.date(2025, 6, 30)
    with pytest.raises(ApplicationError):
        services.membership_end(membership=m, on=dt.date(2000, 1, 1))


def test_it_scopes_a_membership_to_a_network_of_the_organisation(personas: Personas) -> None:
    m = services.membership_grant(user=personas.nobody, organisation=personas.comune,
                                  role=Role.COMMUNITY_SOCIAL_WORKER, valid_from=dt.date(2025, 1, 1),
                                  network=personas.network8)
    assert m.network == personas.network8
    with pytest.raises(ApplicationError, match="non fa parte"):
        services.membership_grant(user=personas.nobody, organisation=personas.ets_a, role=Role.VOLUNTEER,
                                  valid_from=dt.date(2025, 1, 1), network=personas.network1)


def test_it_creates_users_with_audit_and_refuses_duplicates(personas: Personas) -> None:
    user = services.user_create(email=" New.Person@Example.org ", full_name="Nuova Persona", by=personas.admin)
    assert user.email == "new.person@example.org"
    assert not user.has_usable_password()
    assert AuditEvent.objects.filter(action="user.create", object_id=str(user.pk)).exists()
    with pytest.raises(ApplicationError, match="Esiste già"):
        services.user_create(email="NEW.person@example.org", full_name="Altra")
    with pytest.raises(ApplicationError):
        services.user_create(email="not-an-email", full_name="X")


def test_it_refuses_to_scope_a_city_wide_role(personas: Personas) -> None:
    with pytest.raises(ApplicationError, match="tutta la città"):
        services.membership_grant(user=personas.nobody, organisation=personas.comune, role=Role.CITY_COORDINATOR,
                                  valid_from=dt.date(2025, 1, 1), network=personas.network8)


def test_it_audits_grants_for_the_granting_organisation(personas: Personas) -> None:
    services.membership_grant(user=personas.nobody, organisation=personas.ets_b, role=Role.VOLUNTEER,
                              valid_from=dt.date(2025, 1, 1), by=personas.admin)
    event = AuditEvent.objects.get(action="membership.grant")
    assert event.acting_for is None  # no request here; in a request it is the admin's organisation
    assert event.details["organisation"] == personas.ets_b.slug
