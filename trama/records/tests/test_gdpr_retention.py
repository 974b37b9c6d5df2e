"""The retention command: households closed longer than the retention period are anonymised, once."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import consent as consent_services
from trama.records import services
from trama.records.categories import DataCategory
from trama.records.gdpr import ANONYMOUS_NAME
from trama.records.models import ClosureReason, Household, Person, SharingBasis
from trama.records.tests.helpers import make_household, make_person

pytestmark = pytest.mark.django_db


def _household(p: Personas, name: str, *, closed_years_ago: float | None) -> Household:
    today = timezone.localdate()
    opened = today - dt.timedelta(days=int(365.25 * ((closed_years_ago or 0) + 1)))
    household = make_household(p, opened_on=opened)
    make_person(p, household, first_name_or_alias=name, surname="Cognome")
    if closed_years_ago is not None:
        services.household_close(household=household, by=p.proximity, reason=ClosureReason.MOVED_AWAY,
                                 closed_on=today - dt.timedelta(days=int(365.25 * closed_years_ago)))
    return household


def _names() -> dict[str, str]:
    return {p.household.reference_code: p.first_name_or_alias for p in Person.objects.select_related("household")}


def _run(*args: str) -> str:
    out = StringIO()
    call_command("records_retention", *args, stdout=out)
    return out.getvalue()


def test_it_anonymises_households_closed_longer_than_the_period_once(personas: Personas) -> None:
    old = _household(personas, "Vecchio", closed_years_ago=11)
    blocked = _household(personas, "Bloccato", closed_years_ago=12)
    consent_services.legal_basis_record(
        household=blocked, by=personas.unit_lead, basis=SharingBasis.VITAL_INTERESTS, reference="art. 6.1.d",
        reason="Tutela di un minore in corso", categories=[DataCategory.IDENTITY], network=personas.network8)
    recent = _household(personas, "Recente", closed_years_ago=9)
    open_one = _household(personas, "Aperto", closed_years_ago=None)

    dry = _run("--dry-run")
    assert "2 past retention, 1 would be anonymised, 0 already anonymised, 1 blocked" in dry
    assert f"blocked: {blocked.reference_code}" in dry
    assert ANONYMOUS_NAME not in _names().values()
    assert not AuditEvent.objects.filter(action="records.retention.run").exists()

    output = _run()
    assert "2 past retention, 1 anonymised, 0 already anonymised, 1 blocked" in output
    names = _names()
    assert names[old.reference_code] == ANONYMOUS_NAME
    assert names[blocked.reference_code] == "Bloccato"
    assert names[recent.reference_code] == "Recente" and names[open_one.reference_code] == "Aperto"
    assert Person.objects.get(household=old).surname == ""
    event = AuditEvent.objects.get(action="records.household.anonymise")
    assert event.object_id == str(old.pk) and event.actor is None and event.details["reason"] == "retention_expired"

    again = _run()
    assert "2 past retention, 0 anonymised, 1 already anonymised, 1 blocked" in again
    assert AuditEvent.objects.filter(action="records.household.anonymise").count() == 1
    runs = list(AuditEvent.objects.filter(action="records.retention.run").order_by("id")
                .values_list("details__anonymised", flat=True))
    assert runs == [1, 0]


def test_the_period_comes_from_the_setting_or_the_option(personas: Personas) -> None:
    eight = _household(personas, "Otto", closed_years_ago=8)
    with override_settings(TRAMA_RECORDS_RETENTION_YEARS=10):
        assert "0 past retention" in _run()
    assert "1 past retention, 1 anonymised" in _run("--years", "7")
    assert _names()[eight.reference_code] == ANONYMOUS_NAME
    with override_settings(TRAMA_RECORDS_RETENTION_YEARS=5):
        assert "1 past retention, 0 anonymised, 1 already anonymised" in _run()


def test_the_period_is_between_one_and_a_hundred_and_fifty_years() -> None:
    for years in ("0", "151", "3000"):  # 3000 years before today is before year 1: a message, not a traceback
        with pytest.raises(CommandError, match="between 1 and 150"):
            _run("--years", years)


def test_no_new_consent_or_legal_basis_on_an_anonymised_household(personas: Personas) -> None:
    """The command skips a household already anonymised: a signer's name recorded afterwards would be kept for
    good, so nothing new is recorded on it."""
    from trama.core.errors import ApplicationError

    household = _household(personas, "Vecchio", closed_years_ago=11)
    _run()
    with pytest.raises(ApplicationError, match="anonimizzato"):
        consent_services.consent_record(
            household=household, by=personas.proximity, purposes=["monitoring_statistics"], categories=["identity"],
            given_on=timezone.localdate(), notice_version="2026-11-23", notice_language="it",
            given_by_name="Mario Rossi")
    with pytest.raises(ApplicationError, match="anonimizzato"):
        consent_services.legal_basis_record(
            household=household, by=personas.unit_lead, basis="public_task", reference="L. 328/2000",
            reason="Compiti di servizio sociale del Comune", categories=["identity"], organisation=personas.ets_b)
