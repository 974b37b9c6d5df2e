"""Referral lifecycle, the consent gate, expiry and reminders, cancellation and messages (referrals/services.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.network.models import Organisation
from trama.records import consent as consent_services
from trama.records.models import OrganisationNotification
from trama.referrals import access, services
from trama.referrals.models import Referral, ReferralEvent, ReferralMessage, ReferralStatus
from trama.referrals.tests.helpers import C, draft, give_consent, make_family, sent


def _kinds(referral: Referral) -> list[str]:
    return list(ReferralEvent.objects.filter(referral=referral).order_by("pk").values_list("kind", flat=True))


def _notes(organisation: Organisation, kind: str) -> list[str]:
    return list(OrganisationNotification.objects.filter(organisation=organisation, kind=kind)
                .values_list("text", flat=True))


def test_it_goes_from_draft_to_completed_and_the_sender_sees_the_outcome(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    consent = give_consent(p, family)
    referral = draft(p, family)
    assert referral.status == ReferralStatus.DRAFT
    assert referral.to_organisation == p.ets_b and referral.from_organisation == p.ets_a
    assert list(referral.people.all()) == [family.child]

    services.referral_send(referral=referral, by=p.proximity)
    assert referral.status == ReferralStatus.SENT and referral.consent == consent
    assert referral.sent_at is not None and referral.expires_at is not None
    assert referral.expires_at - referral.sent_at == dt.timedelta(days=14)
    assert _notes(p.ets_b, "referral_received")  # the receiving organisation's inbox
    assert list(access.inbox(p.proximity_b)) == [referral]

    services.referral_accept(referral=referral, by=p.proximity_b)
    assert referral.accepted_by == p.proximity_b and referral.responded_at is not None
    assert list(access.inbox(p.proximity_b)) == []
    services.referral_start(referral=referral, by=p.proximity_b)
    services.referral_complete(referral=referral, by=p.proximity_b, outcome="got_help", note="Iscritto")
    assert referral.status == ReferralStatus.COMPLETED and referral.completed_at is not None

    assert _kinds(referral) == ["created", "sent", "accepted", "started", "completed"]
    assert any("Ha ricevuto aiuto" in text for text in _notes(p.ets_a, "referral_answered"))
    mine = access.outbox(p.proximity).get()
    assert mine.outcome == "got_help"
    opened = access.get_referral_for(p.proximity, referral.pk)
    assert access.reveal_text(opened, mine, "outcome_note") == "Iscritto"
    actions = set(AuditEvent.objects.filter(object_type="referrals.referral").values_list("action", flat=True))
    assert {"referrals.referral.create", "referrals.referral.send", "referrals.referral.accept",
            "referrals.referral.start", "referrals.referral.complete"} <= actions


def test_it_refuses_to_send_without_a_consent(personas: Personas) -> None:
    family = make_family(personas)
    referral = draft(personas, family)
    with pytest.raises(ApplicationError) as error:
        services.referral_send(referral=referral, by=personas.proximity)
    assert error.value.code == "not_covered"
    assert "Associazione Beta" in error.value.message and "consenso" in error.value.message
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    assert not OrganisationNotification.objects.filter(organisation=personas.ets_b).exists()


def test_it_refuses_a_consent_that_does_not_cover_a_category(personas: Personas) -> None:
    family = make_family(personas)
    consent = give_consent(personas, family, categories=[C.IDENTITY, C.NEEDS_AND_PLAN])
    referral = draft(personas, family, categories=[C.IDENTITY, C.HEALTH], consent=consent)
    with pytest.raises(ApplicationError) as error:
        services.referral_send(referral=referral, by=personas.proximity)
    assert "Salute" in error.value.message
    # Without choosing a consent, none is found either.
    other = draft(personas, family, categories=[C.IDENTITY, C.HEALTH])
    with pytest.raises(ApplicationError, match="nessun consenso"):
        services.referral_send(referral=other, by=personas.proximity)


def test_a_consent_given_for_one_member_covers_only_that_member(personas: Personas) -> None:
    family = make_family(personas)
    consent = give_consent(personas, family, person=family.child)
    both = draft(personas, family, people=[family.parent, family.child], consent=consent)
    with pytest.raises(ApplicationError, match="un solo membro"):
        services.referral_send(referral=both, by=personas.proximity)
    child_only = draft(personas, family, people=[family.child])
    services.referral_send(referral=child_only, by=personas.proximity)
    assert child_only.consent == consent


def test_it_refuses_a_consent_naming_another_organisation_or_withdrawn(personas: Personas) -> None:
    family = make_family(personas)
    elsewhere = give_consent(personas, family, organisations=[personas.ets_other])
    referral = draft(personas, family, consent=elsewhere)
    with pytest.raises(ApplicationError, match="non nomina"):
        services.referral_send(referral=referral, by=personas.proximity)
    withdrawn = give_consent(personas, family)
    consent_services.consent_withdraw(consent=withdrawn, by=personas.proximity)
    referral = draft(personas, family, consent=withdrawn)
    with pytest.raises(ApplicationError, match="non è in vigore"):
        services.referral_send(referral=referral, by=personas.proximity)


def test_a_consent_naming_the_receivers_network_covers_it(personas: Personas) -> None:
    family = make_family(personas)
    consent = give_consent(personas, family, networks=[personas.network8])
    referral = sent(personas, family)
    assert referral.consent == consent


def test_a_recorded_legal_basis_covers_a_referral_without_consent(personas: Personas) -> None:
    family = make_family(personas)
    record = consent_services.legal_basis_record(
        household=family.household, by=personas.social_worker, basis="public_task", reference="L. 328/2000 art. 22",
        reason="Presa in carico dei servizi sociali", categories=[C.IDENTITY, C.NEEDS_AND_PLAN],
        organisation=personas.ets_b)
    referral = sent(personas, family)
    assert referral.legal_basis == record and referral.consent is None
    too_much = draft(personas, family, categories=[C.IDENTITY, C.CONTACTS], legal_basis=record)
    with pytest.raises(ApplicationError, match="Contatti"):
        services.referral_send(referral=too_much, by=personas.proximity)


def test_only_who_may_change_the_household_refers_it(personas: Personas) -> None:
    family = make_family(personas)
    give_consent(personas, family)
    for user in (personas.proximity_b, personas.facilitator, personas.referent):
        denied_before = AuditEvent.objects.filter(action="access.denied").count()
        with pytest.raises(ApplicationError) as error:
            services.referral_create(household=family.household, by=user, people=[family.child],
                                     service=family.service, reason="x", categories=[C.IDENTITY])
        assert error.value.code == "forbidden"
        assert AuditEvent.objects.filter(action="access.denied").count() == denied_before + 1
    assert not Referral.objects.exists()


def test_it_validates_the_draft(personas: Personas) -> None:
    family = make_family(personas)
    with pytest.raises(ApplicationError, match="almeno una persona"):
        draft(personas, family, people=[])
    with pytest.raises(ApplicationError, match="categoria"):
        draft(personas, family, categories=[])
    with pytest.raises(ApplicationError, match="sconosciute"):
        draft(personas, family, categories=["secrets"])
    with pytest.raises(ApplicationError, match="urgenza"):
        draft(personas, family, urgency="yesterday")
    with pytest.raises(ApplicationError, match="motivo"):
        services.referral_create(household=family.household, by=personas.proximity, people=[family.child],
                                 service=family.service, reason="  ", categories=[C.IDENTITY])


def test_decline_needs_a_reason_and_ends_the_answer(personas: Personas) -> None:
    family = make_family(personas)
    give_consent(personas, family)
    referral = sent(personas, family)
    with pytest.raises(ApplicationError, match="motivo"):
        services.referral_decline(referral=referral, by=personas.proximity_b, reason="")
    with pytest.raises(ApplicationError, match="Altro"):
        services.referral_decline(referral=referral, by=personas.proximity_b, reason="other")
    with pytest.raises(ApplicationError) as wrong_side:
        services.referral_decline(referral=referral, by=personas.proximity, reason="no_capacity")
    assert wrong_side.value.code == "forbidden"
    services.referral_decline(referral=referral, by=personas.proximity_b, reason="no_capacity", note="Lista piena")
    assert referral.status == ReferralStatus.DECLINED and referral.decline_reason == "no_capacity"
    with pytest.raises(ApplicationError) as late:
        services.referral_accept(referral=referral, by=personas.proximity_b)
    assert late.value.code == "already_answered"
    assert _kinds(referral)[-1] == "declined"


def test_the_sender_cancels_before_completion_only(personas: Personas) -> None:
    family = make_family(personas)
    give_consent(personas, family)
    referral = sent(personas, family)
    services.referral_accept(referral=referral, by=personas.proximity_b)
    with pytest.raises(ApplicationError) as receiver:
        services.referral_cancel(referral=referral, by=personas.proximity_b)
    assert receiver.value.code == "forbidden"
    services.referral_cancel(referral=referral, by=personas.proximity)
    assert referral.status == ReferralStatus.CANCELLED and referral.cancelled_at is not None
    assert _notes(personas.ets_b, "referral_cancelled")
    with pytest.raises(ApplicationError):
        services.referral_complete(referral=referral, by=personas.proximity_b, outcome="got_help")

    done = sent(personas, family)
    services.referral_accept(referral=done, by=personas.proximity_b)
    services.referral_complete(referral=done, by=personas.proximity_b, outcome="could_not_contact")
    with pytest.raises(ApplicationError) as final:
        services.referral_cancel(referral=done, by=personas.proximity)
    assert final.value.code == "final"


@override_settings(TRAMA_REFERRAL_EXPIRY_DAYS=14, TRAMA_REFERRAL_REMINDER_DAYS=3)
def test_unanswered_referrals_are_reminded_once_then_expire(personas: Personas) -> None:
    family = make_family(personas)
    give_consent(personas, family)
    now = timezone.now()
    referral = services.referral_send(referral=draft(personas, family), by=personas.proximity, at=now)
    fresh = services.referral_send(referral=draft(personas, family), by=personas.proximity,
                                   at=now + dt.timedelta(days=5))

    assert services.referrals_expire(now=now + dt.timedelta(days=10)) == services.ExpiryResult(0, 0)
    reminder_time = now + dt.timedelta(days=11, hours=1)  # 3 days or less before the first one expires
    assert services.referrals_expire(now=reminder_time) == services.ExpiryResult(expired=0, reminded=1)
    assert services.referrals_expire(now=reminder_time) == services.ExpiryResult(expired=0, reminded=0)  # once
    assert len(_notes(personas.ets_b, "referral_reminder")) == 1

    expiry = now + dt.timedelta(days=14, minutes=1)
    assert services.referrals_expire(now=expiry).expired == 1
    referral.refresh_from_db()
    fresh.refresh_from_db()
    assert referral.status == ReferralStatus.EXPIRED and referral.expired_at == expiry
    assert fresh.status == ReferralStatus.SENT
    assert _notes(personas.ets_a, "referral_expired") and _notes(personas.ets_b, "referral_expired")
    assert _kinds(referral) == ["created", "sent", "reminded", "expired"]
    with pytest.raises(ApplicationError):
        services.referral_accept(referral=referral, by=personas.proximity_b)


def test_the_management_command_runs_the_sweep(personas: Personas) -> None:
    from io import StringIO

    from django.core.management import call_command

    family = make_family(personas)
    give_consent(personas, family)
    referral = services.referral_send(referral=draft(personas, family), by=personas.proximity)
    Referral.objects.filter(pk=referral.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    out = StringIO()
    call_command("referrals_expire", stdout=out)
    assert "1 referrals expired" in out.getvalue()
    assert Referral.objects.get().status == ReferralStatus.EXPIRED


def test_the_two_organisations_talk_in_the_thread_encrypted_at_rest(personas: Personas) -> None:
    family = make_family(personas)
    give_consent(personas, family)
    referral = sent(personas, family)
    services.referral_message_add(referral=referral, by=personas.proximity_b, organisation=personas.ets_b,
                                  text="Possiamo vederli giovedì alle 16?")
    services.referral_message_add(referral=referral, by=personas.proximity, organisation=personas.ets_a,
                                  text="Sì, vengono con la mamma.")
    with pytest.raises(ApplicationError):
        services.referral_message_add(referral=referral, by=personas.referent_other,
                                      organisation=personas.ets_other, text="Ciao")
    with pytest.raises(ApplicationError):  # not a manager of the organisation it writes for
        services.referral_message_add(referral=referral, by=personas.proximity, organisation=personas.ets_b,
                                      text="Ciao")
    assert _notes(personas.ets_a, "referral_message") and _notes(personas.ets_b, "referral_message")

    opened = access.get_referral_for(personas.proximity_b, referral.pk)
    texts = [access.reveal_text(opened, message, "text") for message in access.messages_of(opened)]
    assert texts == ["Possiamo vederli giovedì alle 16?", "Sì, vengono con la mamma."]
    assert access.reveal_text(opened, opened.referral, "reason") == "Ha bisogno di aiuto con i compiti"
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM referrals_referralmessage")
        raw = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT reason FROM referrals_referral")
        raw += " ".join(row[0] for row in cursor.fetchall())
    assert "giovedì" not in raw and "mamma" not in raw and "compiti" not in raw
    with pytest.raises(PermissionError):
        ReferralMessage.objects.all().delete()


def test_the_sender_cancels_a_draft_that_never_had_a_basis(personas: Personas) -> None:
    """A draft was never sent and shared nothing: cancelling it needs no consent, and nobody is notified."""
    family = make_family(personas)
    referral = draft(personas, family)
    assert referral.consent_id is None and referral.legal_basis_id is None
    services.referral_cancel(referral=referral, by=personas.proximity)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED and referral.sent_at is None
    assert not _notes(personas.ets_b, "referral_cancelled")
    # The receiver never saw it, and still does not; nobody can write in its thread.
    assert not access.referrals_visible_to(personas.proximity_b).filter(pk=referral.pk).exists()
    assert not access.received(personas.proximity_b).filter(pk=referral.pk).exists()
    with pytest.raises(ApplicationError) as thread:
        services.referral_message_add(referral=referral, by=personas.proximity, organisation=personas.ets_a,
                                      text="Ciao")
    assert thread.value.code == "draft"


def test_a_draft_is_not_sent_once_the_household_or_the_service_closed(personas: Personas) -> None:
    from trama.directory.models import ServiceStatus
    from trama.records import services as records_services

    p = personas
    family = make_family(p)
    give_consent(p, family, organisations=[p.ets_b])
    referral = draft(p, family)
    family.service.status = ServiceStatus.TEMPORARILY_CLOSED
    family.service.save(update_fields=["status"])
    with pytest.raises(ApplicationError, match="non è attivo"):
        services.referral_send(referral=referral, by=p.proximity)
    family.service.status = ServiceStatus.ACTIVE
    family.service.save(update_fields=["status"])
    records_services.household_close(household=family.household, by=p.proximity, reason="moved_away")
    referral.refresh_from_db()
    with pytest.raises(ApplicationError, match="chiuso") as info:
        services.referral_send(referral=referral, by=p.proximity)
    assert info.value.code == "closed"
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.DRAFT


def test_notifications_are_written_in_the_platform_language_whoever_acts(personas: Personas) -> None:
    from django.utils import translation

    p = personas
    family = make_family(p)
    give_consent(p, family)
    with translation.override("en"):  # the sender works in English, the receiving cooperative reads Italian
        referral = sent(p, family, urgency="urgent")
        services.referral_decline(referral=referral, by=p.proximity_b, reason="no_capacity")
        consent_services.break_glass_open(user=p.admin, household=family.household,
                                          reason="Verifica urgente richiesta dal tribunale per i minorenni")
    texts = list(OrganisationNotification.objects.order_by("pk").values_list("text", flat=True))
    assert texts and all("Nuova segnalazione" in t or "rifiutato" in t or "accesso straordinario" in t
                         for t in texts), texts
    assert any(t.startswith("URGENTE: Nuova segnalazione") for t in texts)
