"""A network-scoped membership and an unscoped one in the same organisation: each right stays with the
membership that grants it (found by a review: the scoped editor's rights spread to the whole organisation)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from trama.accounts.models import Membership, User
from trama.accounts.roles import Role
from trama.core.testing import Personas
from trama.records import consent as consent_services
from trama.records import services
from trama.records.access import households_editable_by, open_household
from trama.records.categories import DataCategory
from trama.records.models import Household, OrganisationNotification
from trama.records.tests.helpers import make_person
from trama.territory.models import Area

pytestmark = pytest.mark.django_db


def _worker_of_municipio_8(p: Personas, *, also_unit_lead: bool) -> User:
    user = User.objects.create_user(email=f"mix{also_unit_lead}@test.trama.invalid", password="x", full_name="Mix")
    Membership.objects.create(user=user, organisation=p.comune, role=Role.COMMUNITY_SOCIAL_WORKER, network=p.network8)
    if also_unit_lead:  # the Comune's unit lead too: reads every household of the Comune, changes none
        Membership.objects.create(user=user, organisation=p.comune, role=Role.MUNICIPAL_UNIT_LEAD)
    return user


def _household_in(p: Personas, municipio: Area) -> Household:
    household = services.household_create(organisation=p.comune, by=p.social_worker, municipio=municipio)
    services.note_add(household=household, by=p.social_worker, organisation=p.comune, text="segreto",
                      visibility="sensitive")
    make_person(p, household, health_notes="diabete")
    return household


def test_a_scoped_editor_who_also_reads_the_whole_organisation_edits_only_in_her_area(
        personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    elsewhere, hers = _household_in(p, p.municipio1), _household_in(p, p.municipio8)
    both = _worker_of_municipio_8(p, also_unit_lead=True)
    opened = open_household(both, elsewhere.pk)  # read as the unit lead: no edit, no health, no sensitive notes
    assert not opened.can_edit and DataCategory.HEALTH not in opened.categories
    assert not opened.entitlement.sensitive_notes
    page = client_as(both).get(reverse("records:household_detail", args=[elsewhere.pk])).content.decode()
    assert "segreto" not in page and "diabete" not in page
    mine = open_household(both, hers.pk, write=True)  # in Municipio 8, as the social worker: all of it
    assert mine.can_edit and DataCategory.HEALTH in mine.categories and mine.entitlement.sensitive_notes
    assert set(households_editable_by(both)) == {hers}
    alone = _worker_of_municipio_8(p, also_unit_lead=False)
    assert client_as(alone).get(reverse("records:household_detail", args=[elsewhere.pk])).status_code == 404


def test_a_scoped_member_reads_no_notice_about_households_outside_her_area(personas: Personas,
                                                                          client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    elsewhere, hers = _household_in(p, p.municipio1), _household_in(p, p.municipio8)
    for household in (elsewhere, hers):
        consent_services.break_glass_open(user=p.admin, household=household,
                                          reason="Emergenza sanitaria segnalata dal 112, verifica")
    scoped = _worker_of_municipio_8(p, also_unit_lead=False)
    client: Client = client_as(scoped)
    page = client.get(reverse("records:notifications")).content.decode()
    assert hers.reference_code in page and elsewhere.reference_code not in page
    notice = OrganisationNotification.objects.get(household=elsewhere)
    client.post(reverse("records:notifications"), {"notification": notice.pk})
    notice.refresh_from_db()
    assert notice.read_at is None  # not hers to mark as read
    assert elsewhere.reference_code in client_as(p.social_worker).get(reverse("records:notifications")).content.decode()
