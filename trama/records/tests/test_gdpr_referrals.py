"""GDPR tools and referrals (when the referrals app is installed): the referred person's export lists their
referrals, the other members' exports do not, and anonymising the household erases the referrals' texts."""

from __future__ import annotations

import pytest
from django.apps import apps

from trama.core.testing import Personas
from trama.records import access, gdpr, services
from trama.records.gdpr import ERASED, AnonymisationReason
from trama.records.models import ClosureReason
from trama.records.protection import unseal_for_copy

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not apps.is_installed("trama.referrals"), reason="the referrals app is not installed"),
]


def test_referrals_are_exported_to_the_referred_person_and_erased_with_the_household(personas: Personas) -> None:
    from trama.referrals import services as referral_services
    from trama.referrals.models import Referral, ReferralMessage
    from trama.referrals.tests.helpers import give_consent, make_family, sent

    family = make_family(personas)
    give_consent(personas, family)
    referral = sent(personas, family)
    referral_services.referral_message_add(referral=referral, by=personas.proximity, organisation=personas.ets_a,
                                           text="REFMESSAGE porta il diario")
    opened = access.open_household(personas.proximity, family.household.pk, purpose="export")
    child = gdpr.person_export(person=family.child, by=personas.proximity, entitlement=opened.entitlement)
    parent = gdpr.person_export(person=family.parent, by=personas.proximity, entitlement=opened.entitlement)
    rows = {(r["type"], r["id"]): r for r in child["referrals"]}
    message = ReferralMessage.objects.get(referral=referral)
    assert rows[("referrals.referral", referral.pk)]["reason"] == "Ha bisogno di aiuto con i compiti"  # decrypted
    assert rows[("referrals.referralmessage", message.pk)]["text"] == "REFMESSAGE porta il diario"
    assert {r["type"] for r in child["referrals"]} == {"referrals.referral", "referrals.referralmessage",
                                                       "referrals.referralevent"}  # its history too
    assert parent["referrals"] == []

    services.household_close(household=family.household, by=personas.proximity, reason=ClosureReason.MOVED_AWAY)
    result = gdpr.household_anonymise(household=family.household, by=personas.proximity,
                                      reason=AnonymisationReason.ERASURE_REQUEST)
    assert result.rows["referrals.referral"] == 1 and result.rows["referrals.referralmessage"] == 1
    stored = Referral.objects.get(pk=referral.pk)
    assert unseal_for_copy(stored, "reason") == ERASED
    assert unseal_for_copy(ReferralMessage.objects.get(referral=referral), "text") == ERASED
