"""Audit events carry the household they concern in an indexed column: set on writing, and given by migration
0004 to the events written before it, by the same rule."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from trama.core import audit
from trama.core.models import AuditEvent
from trama.core.testing import Personas

pytestmark = pytest.mark.django_db

# (object_type, object_id, details) -> the household key expected
CASES: list[tuple[str, str, dict[str, Any], int | None]] = [
    ("records.household", "42", {}, 42),
    ("records.household", "42", {"household": 7}, 7),  # the details name it: they win
    ("records.person", "3", {"household": 42}, 42),
    ("referrals.referral", "9", {"household": 42, "via": ["own"]}, 42),
    ("records.person", "3", {}, None),
    ("records.household", "abc", {"status": 404}, None),  # /records/abc/ refused
    ("records.household", "0", {}, None),
    ("records.household", "-4", {}, None),
    ("records.household", "４２", {}, None),  # full-width digits are not a key
    ("records.household", "", {}, None),
    ("records.person", "3", {"household": "42"}, None),  # never written as text; not a key
    ("records.person", "3", {"household": True}, None),
    ("records.person", "3", {"household": 4.0}, None),
    ("records.person", "3", {"household": 0}, None),
    ("records.person", "3", {"household": None}, None),
    ("network.network", "42", {}, None),
]


@pytest.mark.parametrize(("object_type", "object_id", "details", "expected"), CASES)
def test_the_key_of_an_event(object_type: str, object_id: str, details: dict[str, Any],
                             expected: int | None) -> None:
    assert audit.household_key(object_type, object_id, details) == expected


def test_writing_an_event_keeps_its_household(personas: Personas) -> None:
    on = audit.record(action="records.household.view", actor=personas.admin, object_type="records.household",
                      object_id=42)
    naming = audit.record(action="records.note.add", actor=personas.admin, object_type="records.note",
                          object_id=5, details={"household": 43})
    other = audit.record(action="network.edit", obj=personas.network8)
    assert [e.household_id for e in AuditEvent.objects.filter(pk__in=[on.pk, naming.pk, other.pk])
            .order_by("id")] == [42, 43, None]


class _Editor:
    """What the migration's backfill needs of a schema editor: its connection and a way to run a statement."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_the_migration_gives_older_events_their_key_by_the_same_rule(personas: Personas) -> None:
    migration = importlib.import_module("trama.core.migrations.0004_audit_household")
    # Events as written before the column existed: no key.
    older = [AuditEvent.objects.create(action="old", object_type=t, object_id=i, details=d)
             for t, i, d, _ in CASES]
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in older], household_id__isnull=False).exists()
    if connection.vendor == "postgresql":
        # The rows above were inserted in the test's transaction, so their deferred foreign-key checks are still
        # pending and PostgreSQL refuses to ALTER the table; a migration's own transaction has none.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with transaction.atomic():
        migration.backfill(_Editor())
    keys = dict(AuditEvent.objects.filter(pk__in=[e.pk for e in older]).values_list("pk", "household_id"))
    assert [keys[e.pk] for e in older] == [expected for *_, expected in CASES]
    # The append-only guard is back in place.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'forged' WHERE id = %s", [older[0].pk])
