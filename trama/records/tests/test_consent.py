"""Consent records: validation in Italian, recipients as rows, active() semantics, one-time withdrawal effective
at once, immutable history, encrypted signer, audit without plaintext."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import consent as consent_services
from trama.records.categories import DataCategory
from trama.records.models import (
    Consent,
    ConsentEvent,
    ConsentEventKind,
    ConsentPurpose,
    ConsentRecipient,
    GivenByKind,
    Household,
    NotificationKind,
    OrganisationNotification,
    SpecialCondition,
)
from trama.records.notice import CURRENT_NOTICE_VERSION
from trama.records.protection import reveal
from trama.records.tests.helpers import entitled, make_household, make_person

pytestmark = pytest.mark.django_db

P = ConsentPurpose
C = DataCategory


def give(p: Personas, household: Household, **overrides: Any) -> Consent:
    arguments: dict[str, Any] = {
        "household": household, "by": p.proximity,
        "purposes": [P.SERVICES_IN_NETWORK, P.SHARE_NAMED_ORGANISATIONS],
        "categories": [C.IDENTITY, C.NEEDS_AND_PLAN], "recipient_organisations": [p.ets_b],
        "given_on": timezone.localdate() - dt.timedelta(days=1), "notice_version": CURRENT_NOTICE_VERSION,
        "notice_language": "ar", "given_by_name": "Amina Haddad",
    }
    arguments.update(overrides)
    return consent_services.consent_record(**arguments)


def test_it_records_a_household_consent_with_its_recipients_and_history(personas: Personas) -> None:
    household = make_household(personas)
    consent = give(personas, household,
                   purposes=[P.SHARE_MUNICIPAL_NETWORK, P.SHARE_NAMED_ORGANISATIONS, P.SERVICES_IN_NETWORK],
                   recipient_networks=[personas.network8], recipient_organisations=[personas.ets_b, personas.ets_b])
    assert consent.recorded_for == personas.ets_a
    assert consent.person is None
    # Stored in the enumeration's order, whatever order the form sent.
    assert consent.purposes == [P.SERVICES_IN_NETWORK, P.SHARE_NAMED_ORGANISATIONS, P.SHARE_MUNICIPAL_NETWORK]
    assert consent.special_condition == SpecialCondition.NONE
    recipients = {(r.organisation_id, r.network_id) for r in ConsentRecipient.objects.filter(consent=consent)}
    assert recipients == {(personas.ets_b.pk, None), (None, personas.network8.pk)}
    assert list(consent.events.values_list("kind", flat=True)) == [ConsentEventKind.GIVEN]
    event = AuditEvent.objects.get(action="records.consent.record", object_id=str(consent.pk))
    assert event.details["recipient_organisations"] == [personas.ets_b.pk]
    assert event.details["categories"] == ["identity", "needs_and_plan"]
    assert "Amina" not in str(event.details)


def test_each_recipient_carries_its_consents_household_and_dates(personas: Personas) -> None:
    """The funnel reads the households shared with an organisation from the recipients' copies: they are
    filled on creation, whatever the caller passes, and match the consent."""
    household = make_household(personas)
    expires = timezone.localdate() + dt.timedelta(days=90)
    consent = give(personas, household, purposes=[P.SHARE_MUNICIPAL_NETWORK, P.SHARE_NAMED_ORGANISATIONS],
                   recipient_networks=[personas.network8], expires_on=expires)
    rows = list(ConsentRecipient.objects.filter(consent=consent).values_list("household_id", "given_on",
                                                                              "expires_on"))
    assert rows == [(household.pk, consent.given_on, expires)] * 2
    other = make_household(personas)
    extra = ConsentRecipient(consent=consent, organisation=personas.ets_other, household=other,
                             given_on=consent.given_on - dt.timedelta(days=30))
    extra.save()
    extra.refresh_from_db()
    assert (extra.household_id, extra.given_on, extra.expires_on) == (household.pk, consent.given_on, expires)


def test_special_categories_need_a_condition_and_default_to_explicit_consent(personas: Personas) -> None:
    household = make_household(personas)
    consent = give(personas, household, categories=[C.HEALTH, C.IDENTITY])
    assert consent.special_condition == SpecialCondition.EXPLICIT_CONSENT
    with pytest.raises(ApplicationError) as info:
        give(personas, household, categories=[C.LEGAL_MIGRATION], special_condition=SpecialCondition.NONE)
    assert info.value.field == "special_condition"
    with pytest.raises(ApplicationError) as info:
        give(personas, household, categories=[C.CONTACTS], special_condition=SpecialCondition.EXPLICIT_CONSENT)
    assert info.value.field == "special_condition"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"purposes": []}, "purposes"),
    ({"purposes": ["marketing"]}, "purposes"),
    ({"purposes": "services_in_network"}, "purposes"),
    ({"categories": []}, "categories"),
    ({"categories": ["finances"]}, "categories"),
    ({"recipient_organisations": []}, "recipient_organisations"),
    ({"purposes": [P.SHARE_MUNICIPAL_NETWORK], "recipient_organisations": []}, "recipient_networks"),
    ({"purposes": [P.SERVICES_IN_NETWORK]}, "recipient_organisations"),
    ({"notice_version": "2019-01"}, "notice_version"),
    ({"notice_language": "de"}, "notice_language"),
    ({"legal_basis": "because"}, "legal_basis"),
    ({"given_on": timezone.localdate() + dt.timedelta(days=1)}, "given_on"),
    ({"expires_on": timezone.localdate() - dt.timedelta(days=1)}, "expires_on"),
    ({"given_by_name": "  "}, "given_by_name"),
    ({"given_by_kind": "neighbour"}, "given_by_kind"),
    ({"given_by_kind": GivenByKind.GUARDIAN}, "guardian_evidence"),
])
def test_it_refuses_an_incomplete_or_inconsistent_consent(personas: Personas, overrides: dict[str, Any],
                                                          field: str) -> None:
    household = make_household(personas)
    with pytest.raises(ApplicationError) as info:
        give(personas, household, **overrides)
    assert info.value.field == field
    assert Consent.objects.count() == 0 and ConsentRecipient.objects.count() == 0


def test_the_messages_are_in_italian(personas: Personas) -> None:
    with pytest.raises(ApplicationError, match="almeno un'organizzazione"):
        give(personas, make_household(personas), recipient_organisations=[])


def test_a_network_must_be_one_the_recording_organisation_belongs_to(personas: Personas) -> None:
    household = make_household(personas)
    with pytest.raises(ApplicationError) as info:
        give(personas, household, purposes=[P.SHARE_MUNICIPAL_NETWORK], recipient_organisations=[],
             recipient_networks=[personas.network1])
    assert info.value.field == "recipient_networks"
    # The city network contains the Municipio 8 network Alfa belongs to.
    give(personas, household, purposes=[P.SHARE_MUNICIPAL_NETWORK], recipient_organisations=[],
         recipient_networks=[personas.city_network])


def test_a_minor_consents_through_a_parent_or_guardian(personas: Personas) -> None:
    household = make_household(personas)
    child = make_person(personas, household, first_name_or_alias="Yusuf", role_in_household="child",
                        birth_date=dt.date(2016, 3, 1))
    other = make_person(personas, make_household(personas), first_name_or_alias="Omar")
    with pytest.raises(ApplicationError, match="genitore o dal tutore") as info:
        give(personas, household, person=child, given_by_kind=GivenByKind.PERSON)
    assert info.value.field == "given_by_kind"
    with pytest.raises(ApplicationError) as info:
        give(personas, household, person=other)
    assert info.value.field == "person"
    consent = give(personas, household, person=child, given_by_kind=GivenByKind.PARENT)
    assert consent.person == child
    guardian = give(personas, household, person=child, given_by_kind=GivenByKind.GUARDIAN,
                    guardian_evidence="Decreto TM Milano n. 123/2026")
    assert guardian.guardian_evidence is not None


def test_an_adult_signs_for_themselves_without_writing_their_name_again(personas: Personas) -> None:
    household = make_household(personas)
    adult = make_person(personas, household, birth_date=dt.date(1985, 1, 1))
    consent = give(personas, household, person=adult, given_by_name="")
    assert consent.given_by_name is None


def test_the_notice_is_the_boundary_of_the_consent(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    from trama.records import notice

    narrow = notice.NoticeVersion(version="narrow", published_on=dt.date(2026, 1, 1),
                                  purposes=frozenset({P.SERVICES_IN_NETWORK}), categories=frozenset({C.IDENTITY}),
                                  texts={"it": notice.TEXTS_2026_11["it"]})
    monkeypatch.setitem(notice.NOTICE_VERSIONS, "narrow", narrow)  # type: ignore[arg-type]
    household = make_household(personas)
    with pytest.raises(ApplicationError, match="non copre"):
        give(personas, household, notice_version="narrow", notice_language="it")
    with pytest.raises(ApplicationError) as info:
        give(personas, household, notice_version="narrow", notice_language="ar", purposes=[P.SERVICES_IN_NETWORK],
             recipient_organisations=[], categories=[C.IDENTITY])
    assert info.value.field == "notice_language"


def test_active_follows_given_expiry_and_withdrawal_dates(personas: Personas) -> None:
    household = make_household(personas)
    today = timezone.localdate()
    consent = give(personas, household, given_on=today - dt.timedelta(days=10),
                   expires_on=today + dt.timedelta(days=5))
    now = timezone.now()
    assert list(Consent.objects.active()) == [consent]
    assert consent.is_active()
    assert not Consent.objects.active(at=now - dt.timedelta(days=11)).exists()
    assert Consent.objects.active(at=now + dt.timedelta(days=5)).exists()  # the expiry day is still valid
    assert not Consent.objects.active(at=now + dt.timedelta(days=6)).exists()
    assert not consent.is_active(now + dt.timedelta(days=6))

    consent_services.consent_withdraw(consent=consent, by=personas.proximity, reason="Non vuole più condividere")
    # Effective at once: the very next query no longer finds it, while the past stays as it was.
    assert not Consent.objects.active().exists()
    assert Consent.objects.active(at=now).exists()
    assert not Consent.objects.get(pk=consent.pk).is_active()


def test_withdrawal_happens_once_and_is_logged(personas: Personas) -> None:
    household = make_household(personas)
    consent = give(personas, household)
    stale = Consent.objects.get(pk=consent.pk)
    consent_services.consent_withdraw(consent=consent, by=personas.proximity)
    assert consent.withdrawn_at is not None and consent.withdrawn_by == personas.proximity
    assert consent.withdrawal_reason is None
    with pytest.raises(ApplicationError, match="già stato revocato"):
        consent_services.consent_withdraw(consent=consent, by=personas.proximity)
    # An instance loaded before the withdrawal cannot withdraw again: the UPDATE matches no row.
    stale.withdrawn_at = timezone.now()
    stale.withdrawn_by = personas.referent
    with pytest.raises(DatabaseError), transaction.atomic():
        stale.save(update_fields=["withdrawn_at", "withdrawn_by"])
    kinds = list(consent.events.values_list("kind", flat=True))
    assert kinds == [ConsentEventKind.GIVEN, ConsentEventKind.WITHDRAWN]
    assert AuditEvent.objects.filter(action="records.consent.withdraw", object_id=str(consent.pk)).count() == 1
    assert Consent.objects.get(pk=consent.pk).withdrawn_by == personas.proximity


def test_the_terms_of_a_consent_never_change(personas: Personas) -> None:
    consent = give(personas, make_household(personas))
    consent.categories = [C.IDENTITY, C.HEALTH]
    with pytest.raises(PermissionError):
        consent.save()
    with pytest.raises(PermissionError):
        consent.save(update_fields=["categories"])
    with pytest.raises(PermissionError):
        Consent.objects.filter(pk=consent.pk).update(categories=[C.HEALTH])
    with pytest.raises(PermissionError):
        consent.delete()
    with pytest.raises(PermissionError):
        ConsentRecipient.objects.filter(consent=consent).update(organisation=personas.ets_other)
    with pytest.raises(PermissionError):
        ConsentEvent.objects.filter(consent=consent).delete()
    # Saving the withdrawal fields without a withdrawal is refused too.
    fresh = Consent.objects.get(pk=consent.pk)
    with pytest.raises(PermissionError):
        fresh.save(update_fields=["withdrawal_reason"])
    assert Consent.objects.get(pk=consent.pk).categories == ["identity", "needs_and_plan"]


def test_the_signer_and_the_evidence_are_encrypted_at_rest(personas: Personas) -> None:
    household = make_household(personas)
    child = make_person(personas, household, role_in_household="child", birth_date=dt.date(2018, 5, 5))
    consent = give(personas, household, person=child, given_by_kind=GivenByKind.GUARDIAN,
                   given_by_name="Giovanna Tutrice", guardian_evidence="Decreto riservato 77/2026")
    consent_services.consent_withdraw(consent=consent, by=personas.proximity, reason="Motivo molto personale")
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_by_name, guardian_evidence, withdrawal_reason FROM records_consent")
        raw = " ".join(str(value) for value in cursor.fetchone())
    for secret in ("Giovanna", "Decreto", "personale"):
        assert secret not in raw
    stored = Consent.objects.get(pk=consent.pk)
    assert str(stored.given_by_name) == "[dato protetto]"
    entitlement = entitled(personas, household)
    assert reveal(stored, "given_by_name", entitlement=entitlement) == "Giovanna Tutrice"
    assert reveal(stored, "withdrawal_reason", entitlement=entitlement) == "Motivo molto personale"


def test_a_withdrawal_recorded_by_another_organisation_notifies_the_owner(
        personas: Personas, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any) -> None:
    personas.ets_a.email = "alfa@example.org"
    personas.ets_a.save(update_fields=["email"])
    household = make_household(personas)
    own = give(personas, household)
    consent_services.consent_withdraw(consent=own, by=personas.proximity)
    assert not OrganisationNotification.objects.exists()
    theirs = give(personas, household, by=personas.proximity_b, recorded_for=personas.ets_b,
                  recipient_organisations=[personas.ets_a])
    with django_capture_on_commit_callbacks(execute=True):
        consent_services.consent_withdraw(consent=theirs, by=personas.proximity_b)
    notification = OrganisationNotification.objects.get()
    assert notification.organisation == personas.ets_a
    assert notification.kind == NotificationKind.CONSENT_WITHDRAWN
    assert household.reference_code in notification.text
    assert [message.to for message in mailoutbox] == [["alfa@example.org"]]


def test_expiry_is_noted_once_in_the_history(personas: Personas) -> None:
    household = make_household(personas)
    today = timezone.localdate()
    expired = give(personas, household, given_on=today - dt.timedelta(days=40),
                   expires_on=today - dt.timedelta(days=1))
    give(personas, household)  # no expiry
    assert consent_services.consents_note_expired() == 1
    assert consent_services.consents_note_expired() == 0
    event = expired.events.get(kind=ConsentEventKind.EXPIRED_NOTED)
    assert event.detail == (today - dt.timedelta(days=1)).isoformat()


def test_printing_is_logged(personas: Personas) -> None:
    consent = give(personas, make_household(personas))
    consent_services.consent_note_printed(consent=consent, by=personas.proximity, language="ar")
    assert consent.events.filter(kind=ConsentEventKind.PRINTED, detail="ar").count() == 1
    assert AuditEvent.objects.filter(action="records.consent.print", object_id=str(consent.pk)).exists()


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writers; the in-memory test database cannot run concurrent writers")
def test_concurrent_withdrawals_record_exactly_one(transactional_db: None) -> None:
    import threading

    from django.db import connections

    from trama.core.testing import build_personas

    personas = build_personas()
    consent = give(personas, make_household(personas))
    workers = 6
    barrier = threading.Barrier(workers)
    outcomes: list[str] = []

    def withdraw() -> None:
        try:
            barrier.wait(timeout=30)
            consent_services.consent_withdraw(consent=Consent.objects.get(pk=consent.pk), by=personas.proximity)
            outcomes.append("withdrawn")
        except ApplicationError:
            outcomes.append("refused")
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=withdraw) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused"] * (workers - 1) + ["withdrawn"]
    assert consent.events.filter(kind=ConsentEventKind.WITHDRAWN).count() == 1


def test_the_admin_lists_consents_read_only_without_the_signer(client: Any, personas: Personas) -> None:
    personas.admin.is_staff = personas.admin.is_superuser = True
    personas.admin.save(update_fields=["is_staff", "is_superuser"])
    consent = give(personas, make_household(personas), given_by_name="Zaynab Qaderi")
    consent_services.break_glass_open(user=personas.admin, household=consent.household,
                                      reason="Verifica di un errore segnalato dall'operatore")
    client.force_login(personas.admin)
    for url in ("/admin/records/consent/", f"/admin/records/consent/{consent.pk}/change/",
                "/admin/records/consentevent/", "/admin/records/legalbasisrecord/",
                "/admin/records/breakglassaccess/", "/admin/records/organisationnotification/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Zaynab" not in body and "errore segnalato" not in body, url
    assert client.get("/admin/records/consent/add/").status_code == 403


def test_the_funnel_finds_active_consents_naming_an_organisation_or_its_networks(personas: Personas) -> None:
    household = make_household(personas)
    to_b = give(personas, household)
    to_network = give(personas, household, purposes=[P.SHARE_MUNICIPAL_NETWORK], recipient_organisations=[],
                      recipient_networks=[personas.network8])
    both = give(personas, household, purposes=[P.SHARE_MUNICIPAL_NETWORK, P.SHARE_NAMED_ORGANISATIONS],
                recipient_organisations=[personas.ets_b], recipient_networks=[personas.network8])
    consent_services.consent_withdraw(consent=both, by=personas.proximity)
    active = Consent.objects.active().filter(household=household)
    assert set(active.naming(organisation=personas.ets_b)) == {to_b}
    assert set(active.naming(organisation=personas.ets_b, networks=[personas.network8.pk])) == {to_b, to_network}
    assert list(active.naming(organisation=personas.ets_other, networks=[personas.network1])) == []
    assert list(active.naming()) == []
    assert Consent.objects.naming(networks=[personas.network8]).count() == 2  # withdrawn ones too
