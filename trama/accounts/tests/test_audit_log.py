"""The audit log is append-only and readable only by platform administrators."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import Client, RequestFactory
from django.urls import reverse

from trama.core import audit
from trama.core.models import AuditEvent
from trama.core.testing import Personas

pytestmark = pytest.mark.django_db


def test_it_records_who_for_whom_what_and_where(personas: Personas) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    request.user = personas.referent
    request.acting_for = personas.ets_a  # type: ignore[attr-defined]
    event = audit.record(action="test.read", obj=personas.network8, request=request, details={"k": 1})
    assert event.actor == personas.referent
    assert event.actor_email == personas.referent.email
    assert event.acting_for == personas.ets_a
    assert event.object_type == "network.network"
    assert event.object_id == str(personas.network8.pk)
    assert event.ip == "10.1.2.3"
    assert event.details == {"k": 1}


def test_it_cannot_be_changed_or_deleted(personas: Personas) -> None:
    event = audit.record(action="test.x", actor=personas.admin)
    event.action = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.x"


def test_it_offers_no_change_path_in_the_admin(personas: Personas) -> None:
    model_admin = site._registry[AuditEvent]
    request = RequestFactory().get("/admin/")
    request.user = personas.admin
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_it_shows_the_audit_page_to_platform_admins_with_filters(client: Client, personas: Personas) -> None:
    audit.record(action="network.update", actor=personas.referent)
    audit.record(action="auth.login", actor=personas.proximity)
    client.force_login(personas.admin)
    response = client.get(reverse("dashboard:audit_log"), {"action": "network."})
    content = response.content.decode()
    assert response.status_code == 200
    assert "network.update" in content
    assert "proximity@test" not in content
    response = client.get(reverse("dashboard:audit_log"), {"actor": "proximity@"})
    assert "auth.login" in response.content.decode()


def test_it_explains_a_bad_date_range(client: Client, personas: Personas) -> None:
    client.force_login(personas.admin)
    response = client.get(reverse("dashboard:audit_log"), {"date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert "precede" in response.content.decode()
    response = client.get(reverse("dashboard:audit_log"), {"date_from": "not-a-date"})
    assert response.status_code == 200


def test_it_hides_the_audit_page_from_others_and_audits_the_denial(client: Client, personas: Personas) -> None:
    client.force_login(personas.coordinator)
    assert client.get(reverse("dashboard:audit_log")).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor=personas.coordinator).exists()


def test_it_requires_login_for_the_audit_page(client: Client) -> None:
    response = client.get(reverse("dashboard:audit_log"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_it_guards_the_base_manager_too(personas: Personas) -> None:
    event = audit.record(action="test.y", actor=personas.admin)
    with pytest.raises(PermissionError):
        AuditEvent._base_manager.filter(pk=event.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEvent._base_manager.filter(pk=event.pk).delete()


def test_it_is_refused_by_the_database_itself(personas: Personas) -> None:
    from django.db import DatabaseError, connection, transaction

    event = audit.record(action="test.z", actor=personas.admin)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'forged' WHERE id = %s", [event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.z"
