from __future__ import annotations

import datetime as dt

import pytest

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.network import services
from trama.network.models import ATSRole, Organisation, OrganisationKind


def test_it_creates_an_organisation_with_a_unique_slug_and_an_audit_event(personas: Personas) -> None:
    first = services.organisation_create(by=personas.coordinator, name="Cooperativa Lotta", kind="ets")
    # Another name that makes the same slug (punctuation is dropped) gets the next free one.
    second = services.organisation_create(by=personas.coordinator, name="Cooperativa Lotta!", kind="ets")
    assert first.slug == "cooperativa-lotta"
    assert second.slug == "cooperativa-lotta-2"
    assert AuditEvent.objects.filter(action="network.organisation.create", object_id=str(first.pk)).exists()


def test_it_normalises_and_checks_the_fiscal_code(personas: Personas) -> None:
    org = services.organisation_create(
        by=personas.coordinator, name="Comune", kind="public_office", fiscal_code=" 011 992 501 58 "
    )
    assert org.fiscal_code == "01199250158"
    with pytest.raises(ApplicationError) as info:
        services.organisation_create(
            by=personas.coordinator, name="Sbagliata", kind="ets", fiscal_code="01199250157"
        )
    assert info.value.field == "fiscal_code"
    assert "carattere di controllo" in info.value.message


def test_it_refuses_a_second_organisation_with_the_same_fiscal_code(personas: Personas) -> None:
    services.organisation_create(by=personas.coordinator, name="Prima", kind="ets", fiscal_code="12345678903")
    with pytest.raises(ApplicationError) as info:
        services.organisation_create(
            by=personas.coordinator, name="Doppia", kind="ets", fiscal_code="12345678903"
        )
    assert "codice fiscale" in info.value.message


def test_it_keeps_the_runts_number_for_third_sector_bodies_only(personas: Personas) -> None:
    with pytest.raises(ApplicationError) as info:
        services.organisation_create(by=None, name="Scuola", kind="school", runts_number="12345")
    assert info.value.field == "runts_number"
    ets = services.organisation_create(by=None, name="APS", kind="ets", runts_number="12345")
    assert ets.runts_number == "12345"


def test_it_updates_only_changed_fields_and_audits_them(personas: Personas) -> None:
    org = personas.ets_a
    services.organisation_update(organisation=org, by=personas.referent, phone="02 1234", name=org.name)
    event = AuditEvent.objects.get(action="network.organisation.update")
    assert event.details == {"changed": ["phone"]}
    org.refresh_from_db()
    assert org.phone == "02 1234"


def test_it_refuses_unknown_fields_and_municipi_that_are_not_municipi(personas: Personas) -> None:
    with pytest.raises(ApplicationError):
        services.organisation_update(organisation=personas.ets_a, by=None, slug="hacked")
    with pytest.raises(ApplicationError) as info:
        services.organisation_update(organisation=personas.ets_a, by=None, municipi=[personas.city])
    assert info.value.field == "municipi"
    services.organisation_update(organisation=personas.ets_a, by=None, municipi=[personas.municipio8])
    assert list(personas.ets_a.municipi.all()) == [personas.municipio8]


def test_it_adds_a_person_linked_only_to_a_user_of_the_organisation(personas: Personas) -> None:
    person = services.person_add(
        organisation=personas.ets_a, by=None, full_name="Rita R.", user=personas.referent
    )
    assert person.user == personas.referent
    with pytest.raises(ApplicationError) as info:
        services.person_add(
            organisation=personas.ets_a, by=None, full_name="Altro", user=personas.referent_other
        )
    assert info.value.field == "user"
    with pytest.raises(ApplicationError):
        services.person_add(
            organisation=personas.ets_a, by=None, full_name="Doppione", user=personas.referent
        )
    with pytest.raises(ApplicationError):
        services.person_add(organisation=personas.ets_a, by=None, full_name="Mail", email="non-una-mail")


def test_it_retires_a_person(personas: Personas) -> None:
    person = services.person_add(organisation=personas.ets_a, by=None, full_name="Paola")
    services.person_update(person=person, by=None, is_active=False, title="ex coordinatrice")
    person.refresh_from_db()
    assert not person.is_active
    assert person.title == "ex coordinatrice"


def _ats(personas: Personas, name: str = "ATS QuBì Municipio 8") -> Organisation:
    return services.organisation_create(by=None, name=name, kind=OrganisationKind.ATS)


def test_it_groups_organisations_in_an_ats_with_one_lead(personas: Personas) -> None:
    ats = _ats(personas)
    services.ats_member_add(ats=ats, organisation=personas.ets_a, by=None, role=ATSRole.LEAD)
    services.ats_member_add(ats=ats, organisation=personas.ets_b, by=None, role=ATSRole.PRINCIPAL)
    assert ats.ats_members.count() == 2
    with pytest.raises(ApplicationError) as info:
        services.ats_member_add(ats=ats, organisation=personas.ets_other, by=None, role=ATSRole.LEAD)
    assert info.value.field == "role"
    with pytest.raises(ApplicationError):
        services.ats_member_add(ats=ats, organisation=personas.ets_a, by=None)


def test_it_refuses_ats_members_of_something_that_is_not_an_ats(personas: Personas) -> None:
    with pytest.raises(ApplicationError):
        services.ats_member_add(ats=personas.ets_a, organisation=personas.ets_b, by=None)
    ats = _ats(personas)
    other = _ats(personas, "ATS QuBì Municipio 9")
    with pytest.raises(ApplicationError):
        services.ats_member_add(ats=ats, organisation=other, by=None)
    with pytest.raises(ApplicationError):
        services.ats_member_add(ats=ats, organisation=ats, by=None)
    with pytest.raises(ApplicationError):
        services.ats_member_add(
            ats=ats,
            organisation=personas.ets_a,
            by=None,
            since=dt.date(2025, 2, 1),
            until=dt.date(2025, 1, 1),
        )


def test_it_ends_an_ats_membership_and_then_allows_a_new_lead(personas: Personas) -> None:
    ats = _ats(personas)
    lead = services.ats_member_add(
        ats=ats, organisation=personas.ets_a, by=None, role=ATSRole.LEAD, since=dt.date(2024, 1, 1)
    )
    services.ats_member_end(member=lead, by=None, until=dt.date(2024, 12, 31))
    with pytest.raises(ApplicationError):
        services.ats_member_end(member=lead, by=None, until=dt.date(2025, 6, 30))
    services.ats_member_add(
        ats=ats, organisation=personas.ets_b, by=None, role=ATSRole.LEAD, since=dt.date(2025, 1, 1)
    )


def test_it_keeps_an_ats_with_members_an_ats(personas: Personas) -> None:
    ats = _ats(personas)
    services.ats_member_add(ats=ats, organisation=personas.ets_a, by=None)
    with pytest.raises(ApplicationError):
        services.organisation_update(organisation=ats, by=None, kind=OrganisationKind.ETS)
    with pytest.raises(ApplicationError):
        services.organisation_update(organisation=personas.ets_a, by=None, kind=OrganisationKind.ATS)


def test_it_refuses_a_second_organisation_with_the_same_name(personas: Personas) -> None:
    with pytest.raises(ApplicationError) as info:
        services.organisation_create(by=None, name="  cooperativa alfa (TEST) ", kind="ets")
    assert info.value.field == "name"
    assert info.value.message == (
        "Esiste già un'organizzazione «cooperativa alfa (TEST)»: cercala nell'elenco invece di crearne un'altra."
    )
    assert Organisation.objects.filter(name__iexact="cooperativa alfa (test)").count() == 1


def test_it_refuses_renaming_an_organisation_like_another(personas: Personas) -> None:
    with pytest.raises(ApplicationError) as info:
        services.organisation_update(organisation=personas.ets_a, by=None, name="Associazione Beta (test)")
    assert info.value.field == "name"
    personas.ets_a.refresh_from_db()
    assert personas.ets_a.name == "Cooperativa Alfa (test)"
    services.organisation_update(organisation=personas.ets_a, by=None, description="Invariato il nome")
