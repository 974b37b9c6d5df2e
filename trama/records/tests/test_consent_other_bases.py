"""Sharing on another legal basis, break-glass accesses and the owning organisation's notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import consent as consent_services
from trama.records.categories import DataCategory
from trama.records.models import (
    BreakGlassAccess,
    LegalBasisRecord,
    NotificationKind,
    OrganisationNotification,
    SharingBasis,
)
from trama.records.protection import reveal
from trama.records.tests.helpers import entitled, make_household

pytestmark = pytest.mark.django_db

C = DataCategory
REASON = "Segnalazione del servizio sociale professionale per presa in carico congiunta"


def share(p: Personas, **overrides: Any) -> LegalBasisRecord:
    arguments: dict[str, Any] = {
        "household": overrides.pop("household", None) or make_household(p), "by": p.unit_lead,
        "basis": SharingBasis.PUBLIC_TASK, "reference": "L. 328/2000 art. 22", "reason": REASON,
        "categories": [C.IDENTITY, C.NEEDS_AND_PLAN], "network": p.network8,
    }
    arguments.update(overrides)
    return consent_services.legal_basis_record(**arguments)


# --- Legal bases ----------------------------------------------------------------------------------------


def test_it_records_a_legal_basis_audited_and_notified(personas: Personas) -> None:
    record = share(personas)
    assert record.network == personas.network8 and record.organisation is None
    assert record.categories == ["identity", "needs_and_plan"]
    event = AuditEvent.objects.get(action="records.legal_basis.record", object_id=str(record.pk))
    assert event.details["recipient_network"] == personas.network8.pk
    assert "Segnalazione" not in str(event.details)
    notification = OrganisationNotification.objects.get(kind=NotificationKind.LEGAL_BASIS)
    assert notification.organisation == personas.ets_a
    assert "L. 328/2000 art. 22" in notification.text and "Segnalazione" not in notification.text
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM records_legalbasisrecord")
        assert "Segnalazione" not in cursor.fetchone()[0]
    assert reveal(record, "reason", entitlement=entitled(personas, record.household)) == REASON


@pytest.mark.parametrize(("overrides", "field"), [
    ({"organisation": None, "network": None}, "organisation"),
    ({"organisation": "ets_b"}, "organisation"),  # both an organisation and a network
    ({"basis": "consent"}, "basis"),
    ({"reference": " "}, "reference"),
    ({"reason": ""}, "reason"),
    ({"categories": []}, "categories"),
    ({"categories": ["everything"]}, "categories"),
    ({"valid_until": dt.date(2020, 1, 1)}, "valid_until"),
    # The owning organisation: it shares nothing, and would block the household's erasure while in force.
    ({"organisation": "ets_a", "network": None}, "organisation"),
])
def test_it_refuses_an_incomplete_legal_basis(personas: Personas, overrides: dict[str, Any], field: str) -> None:
    if overrides.get("organisation") in ("ets_a", "ets_b"):
        overrides["organisation"] = getattr(personas, overrides["organisation"])
    with pytest.raises(ApplicationError) as info:
        share(personas, **overrides)
    assert info.value.field == field
    assert not LegalBasisRecord.objects.exists()


def test_a_legal_basis_is_active_until_revoked_or_past_its_date(personas: Personas) -> None:
    today = timezone.localdate()
    record = share(personas, organisation=personas.comune, network=None, valid_until=today + dt.timedelta(days=3))
    now = timezone.now()
    assert list(LegalBasisRecord.objects.active()) == [record]
    assert list(LegalBasisRecord.objects.active().naming(organisation=personas.comune)) == [record]
    assert not LegalBasisRecord.objects.naming(organisation=personas.ets_b, networks=[personas.network8]).exists()
    assert not LegalBasisRecord.objects.naming().exists()
    assert not LegalBasisRecord.objects.active(at=now - dt.timedelta(hours=1)).exists()  # not yet recorded
    assert LegalBasisRecord.objects.active(at=now + dt.timedelta(days=3)).exists()
    assert not LegalBasisRecord.objects.active(at=now + dt.timedelta(days=4)).exists()

    consent_services.legal_basis_revoke(record=record, by=personas.unit_lead)
    assert not LegalBasisRecord.objects.active().exists()
    assert not record.is_active()
    with pytest.raises(ApplicationError, match="già stata revocata"):
        consent_services.legal_basis_revoke(record=record, by=personas.unit_lead)
    assert AuditEvent.objects.filter(action="records.legal_basis.revoke").count() == 1


def test_a_legal_basis_never_changes_except_its_revocation(personas: Personas) -> None:
    record = share(personas)
    record.reference = "altro"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        LegalBasisRecord.objects.filter(pk=record.pk).update(reference="altro")
    with pytest.raises(PermissionError):
        record.delete()
    assert LegalBasisRecord.objects.get(pk=record.pk).reference == "L. 328/2000 art. 22"


# --- Break-glass ----------------------------------------------------------------------------------------


def test_break_glass_is_audited_and_notified_by_inbox_and_mail(
        personas: Personas, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any) -> None:
    personas.ets_a.email = "privacy@alfa.example.org"
    personas.ets_a.save(update_fields=["email"])
    household = make_household(personas)
    with django_capture_on_commit_callbacks(execute=True):
        access = consent_services.break_glass_open(user=personas.admin, household=household, reason=REASON)
    assert access.expires_at - access.started_at == dt.timedelta(hours=1)
    assert access.notified_at is not None
    event = AuditEvent.objects.get(action="records.break_glass.open", object_id=str(access.pk))
    assert event.actor == personas.admin and event.details["minutes"] == 60
    assert "Segnalazione" not in str(event.details)
    notification = OrganisationNotification.objects.get(kind=NotificationKind.BREAK_GLASS)
    assert notification.organisation == personas.ets_a and notification.household == household
    assert household.reference_code in notification.text and "Segnalazione" not in notification.text
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["privacy@alfa.example.org"]
    assert "Segnalazione" not in mailoutbox[0].body
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM records_breakglassaccess")
        assert "Segnalazione" not in cursor.fetchone()[0]


def test_break_glass_without_an_address_notifies_the_inbox_only(
        personas: Personas, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        consent_services.break_glass_open(user=personas.admin, household=make_household(personas), reason=REASON)
    assert OrganisationNotification.objects.count() == 1
    assert mailoutbox == []


@pytest.mark.parametrize(("reason", "duration", "field"), [
    ("", dt.timedelta(hours=1), "reason"),
    ("Verifica richiesta", dt.timedelta(hours=1), "reason"),  # 18 characters
    (REASON, dt.timedelta(hours=8, minutes=1), "duration"),
    (REASON, dt.timedelta(0), "duration"),
])
def test_break_glass_needs_a_reason_and_a_short_duration(personas: Personas, reason: str, duration: dt.timedelta,
                                                         field: str) -> None:
    with pytest.raises(ApplicationError) as info:
        consent_services.break_glass_open(user=personas.admin, household=make_household(personas), reason=reason,
                                          duration=duration)
    assert info.value.field == field
    assert not BreakGlassAccess.objects.exists() and not OrganisationNotification.objects.exists()


def test_break_glass_is_active_for_its_duration_and_immutable(personas: Personas) -> None:
    household = make_household(personas)
    access = consent_services.break_glass_open(user=personas.admin, household=household, reason=REASON,
                                               duration=dt.timedelta(hours=8))
    mine = BreakGlassAccess.objects.filter(user=personas.admin, household=household)
    assert mine.active().exists()
    assert mine.active(at=access.expires_at - dt.timedelta(seconds=1)).exists()
    assert not mine.active(at=access.expires_at).exists()
    assert not mine.active(at=access.started_at - dt.timedelta(seconds=1)).exists()
    access.expires_at = access.expires_at + dt.timedelta(days=1)
    with pytest.raises(PermissionError):
        access.save()
    with pytest.raises(PermissionError):
        mine.update(expires_at=timezone.now() + dt.timedelta(days=30))


# --- Notifications --------------------------------------------------------------------------------------


def test_a_notification_is_marked_read_once(personas: Personas) -> None:
    consent_services.break_glass_open(user=personas.admin, household=make_household(personas), reason=REASON)
    notification = OrganisationNotification.objects.get()
    assert consent_services.notification_mark_read(notification=notification, by=personas.referent)
    assert not consent_services.notification_mark_read(notification=notification, by=personas.proximity)
    stored = OrganisationNotification.objects.get()
    assert stored.read_at is not None and stored.read_by == personas.referent
    assert AuditEvent.objects.filter(action="records.notification.read").count() == 1
