"""A person's GDPR export and anonymisation reach the referrals naming them: the reason, the notes and the
message thread (encrypted) are the person's data too; the other members' referrals are not touched."""

from __future__ import annotations

import json

from trama.core.testing import Personas
from trama.records import access, gdpr
from trama.records import services as records_services
from trama.records.gdpr import ERASED
from trama.referrals import services
from trama.referrals.access import _plaintext
from trama.referrals.models import Referral, ReferralMessage
from trama.referrals.tests.helpers import SHARED, give_consent, make_family


def _draft(p: Personas, family, person, reason: str) -> Referral:  # type: ignore[no-untyped-def]
    return services.referral_create(household=family.household, by=p.proximity, people=[person],
                                    service=family.service, reason=reason, categories=list(SHARED))


def _story(p: Personas):  # type: ignore[no-untyped-def]
    family = make_family(p)
    give_consent(p, family, organisations=[p.ets_b])
    for_child = services.referral_send(referral=_draft(p, family, family.child, "CHILDREASON compiti di matematica"),
                                       by=p.proximity)
    services.referral_accept(referral=for_child, by=p.proximity_b)
    services.referral_message_add(referral=for_child, by=p.proximity_b, organisation=p.ets_b,
                                  text="CHILDMESSAGE iniziamo martedì")
    services.referral_complete(referral=for_child, by=p.proximity_b, outcome="got_help",
                               note="CHILDOUTCOME ha recuperato")
    for_parent = _draft(p, family, family.parent, "PARENTREASON corso di italiano")
    return family, for_child, for_parent


def test_the_export_holds_the_referrals_naming_the_person_with_their_texts(personas: Personas) -> None:
    p = personas
    family, for_child, _for_parent = _story(p)
    opened = access.open_household(p.proximity, family.household.pk, purpose="export")
    export = gdpr.person_export(person=family.child, by=p.proximity, entitlement=opened.entitlement)
    text = json.dumps(export["referrals"], ensure_ascii=False)
    for marker in ("CHILDREASON", "CHILDMESSAGE", "CHILDOUTCOME"):
        assert marker in text, marker
    assert "PARENTREASON" not in text
    assert {row["type"] for row in export["referrals"]} == {"referrals.referral", "referrals.referralmessage",
                                                          "referrals.referralevent"}
    parents = gdpr.person_export(person=family.parent, by=p.proximity, entitlement=opened.entitlement)
    assert "PARENTREASON" in json.dumps(parents["referrals"]) and "CHILDREASON" not in json.dumps(parents)


def test_anonymising_a_person_erases_the_texts_of_their_referrals(personas: Personas) -> None:
    p = personas
    family, for_child, for_parent = _story(p)
    records_services.household_close(household=family.household, by=p.proximity, reason="moved_away")
    gdpr.person_anonymise(person=family.child, by=p.proximity, reason=gdpr.AnonymisationReason.CONSENT_WITHDRAWN)
    child_referral = Referral.objects.get(pk=for_child.pk)
    assert _plaintext(child_referral, "reason") == ERASED and _plaintext(child_referral, "outcome_note") == ERASED
    message = ReferralMessage.objects.get(referral=for_child)
    assert _plaintext(message, "text") == ERASED
    assert child_referral.outcome == "got_help"  # the outcome itself (a code) is kept for the indicators
    assert _plaintext(Referral.objects.get(pk=for_parent.pk), "reason").startswith("PARENTREASON")


def test_after_a_transfer_the_new_holder_does_not_read_the_previous_holders_referrals(personas: Personas) -> None:
    # ets_a referred the child to ets_b, then passed the case to ets_other: the texts exchanged between ets_a and
    # ets_b are not ets_other's to read, even in the person's export (the rows are listed, without their texts).
    import datetime as dt

    from trama.accounts.models import Membership, User
    from trama.accounts.roles import Role

    p = personas
    family, for_child, _for_parent = _story(p)
    holder = User.objects.create_user(email="altro@test.trama.invalid", password="x-Trama-1-test", full_name="A.")
    Membership.objects.create(user=holder, organisation=p.ets_other, role=Role.PROXIMITY_WORKER,
                              valid_from=dt.date(2024, 1, 1))
    transfer = services.case_transfer_request(household=family.household, by=p.proximity,
                                              to_organisation=p.ets_other, reason="La famiglia si è trasferita")
    services.case_transfer_accept(transfer=transfer, by=holder)
    opened = access.open_household(holder, family.household.pk, purpose="export")
    export = gdpr.person_export(person=family.child, by=holder, entitlement=opened.entitlement)
    text = json.dumps(export["referrals"], ensure_ascii=False)
    assert any(row["type"] == "referrals.referral" for row in export["referrals"])
    for marker in ("CHILDREASON", "CHILDMESSAGE", "CHILDOUTCOME"):
        assert marker not in text, marker


def test_a_referral_of_several_members_keeps_its_texts_when_one_is_anonymised(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    give_consent(p, family, organisations=[p.ets_b])
    both = services.referral_create(household=family.household, by=p.proximity, people=[family.child, family.parent],
                                    service=family.service, reason="BOTHREASON per entrambi",
                                    categories=list(SHARED))
    records_services.household_close(household=family.household, by=p.proximity, reason="moved_away")
    gdpr.person_anonymise(person=family.child, by=p.proximity, reason=gdpr.AnonymisationReason.CONSENT_WITHDRAWN)
    assert _plaintext(Referral.objects.get(pk=both.pk), "reason") == "BOTHREASON per entrambi"
