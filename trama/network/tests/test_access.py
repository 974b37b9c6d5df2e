from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.network import access
from trama.network.tests.conftest import Governance


def test_it_shows_the_directory_of_organisations_to_every_member(personas: Personas) -> None:
    everyone = {personas.ets_a, personas.ets_b, personas.ets_other, personas.comune, personas.university}
    assert set(access.organisations_visible_to(personas.volunteer)) == everyone
    assert set(access.organisations_visible_to(personas.referent_other)) == everyone
    assert not access.organisations_visible_to(personas.nobody).exists()
    assert not access.organisations_visible_to(AnonymousUser()).exists()


def test_it_lets_only_editors_write_an_organisation(personas: Personas) -> None:
    assert access.get_organisation_for(personas.referent, "t-alfa", write=True) == personas.ets_a
    assert access.get_organisation_for(personas.coordinator, "t-gamma", write=True) == personas.ets_other
    with pytest.raises(PermissionDenied):
        access.get_organisation_for(personas.referent, "t-beta", write=True)
    with pytest.raises(PermissionDenied):
        access.get_organisation_for(personas.proximity, "t-alfa", write=True)
    with pytest.raises(Http404):
        access.get_organisation_for(personas.nobody, "t-alfa")


def test_it_shows_networks_to_their_members_and_below(personas: Personas) -> None:
    assert set(access.networks_visible_to(personas.referent)) == {personas.network8}
    assert set(access.networks_visible_to(personas.referent_other)) == {personas.network1}
    city_wide = {personas.city_network, personas.network8, personas.network1}
    assert set(access.networks_visible_to(personas.coordinator)) == city_wide
    assert (
        set(access.networks_visible_to(personas.evaluator)) == city_wide
    )  # the university is in the city network
    assert not access.networks_visible_to(personas.nobody).exists()


def test_it_gives_404_for_another_network_and_403_for_read_only(personas: Personas) -> None:
    assert access.get_network_for(personas.proximity, "t-qubi-m8") == personas.network8
    with pytest.raises(Http404):
        access.get_network_for(personas.referent_other, "t-qubi-m8")
    with pytest.raises(PermissionDenied):
        access.get_network_for(personas.referent, "t-qubi-m8", write=True)
    assert access.get_network_for(personas.coordinator, "t-qubi-m8", write=True) == personas.network8


def test_it_scopes_bodies_meetings_and_actions_by_network(personas: Personas, gov: Governance) -> None:
    assert list(access.bodies_visible_to(personas.proximity)) == [gov.body]
    assert set(access.meetings_visible_to(personas.proximity)) == {gov.past, gov.future}
    assert list(access.action_items_visible_to(personas.referent_other)) == [gov.other_action]
    with pytest.raises(Http404):
        access.get_body_for(personas.referent_other, gov.body.pk)
    with pytest.raises(Http404):
        access.get_meeting_for(personas.referent, gov.other_meeting.pk)
    with pytest.raises(Http404):
        access.get_action_item_for(personas.referent, gov.other_action.pk)


def test_it_lets_governance_roles_manage_bodies_and_meetings(personas: Personas, gov: Governance) -> None:
    assert access.get_body_for(personas.referent, gov.body.pk, write=True) == gov.body
    assert access.get_meeting_for(personas.social_worker, gov.past.pk, write=True) == gov.past
    with pytest.raises(PermissionDenied):
        access.get_body_for(personas.proximity, gov.body.pk, write=True)
    with pytest.raises(PermissionDenied):
        access.get_meeting_for(personas.evaluator, gov.past.pk, write=True)


def test_it_lets_the_owner_update_their_action_item(personas: Personas, gov: Governance) -> None:
    # The proximity worker cannot manage governance but owns this item.
    assert access.get_action_item_for(personas.proximity, gov.action.pk, write=True) == gov.action
    with pytest.raises(PermissionDenied):
        access.get_action_item_for(personas.volunteer, gov.action.pk, write=True)


def test_it_audits_every_denial(personas: Personas, gov: Governance) -> None:
    with pytest.raises(Http404):
        access.get_body_for(personas.referent_other, gov.body.pk)
    with pytest.raises(PermissionDenied):
        access.get_body_for(personas.proximity, gov.body.pk, write=True)
    denials = AuditEvent.objects.filter(action="access.denied", object_type="network.governancebody")
    assert {(e.actor, e.details["status"]) for e in denials} == {
        (personas.referent_other, 404),
        (personas.proximity, 403),
    }
