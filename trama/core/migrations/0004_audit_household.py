"""Audit events carry the household they concern in a column of its own, indexed, so a household's access log and
a person's GDPR export select their events by index instead of reading every event's details.

The events already written get their key here, by the rule of `trama.core.audit.household_key`: the household
their details name, else the household they are about. Audit events are append-only, enforced by triggers
(migration 0003); this one data change steps around them inside the migration's transaction, and nothing else
can.

Run it with the application stopped (docs/operations.md): it locks the audit table while it rewrites it, and an
event written meanwhile by a process still running the former code would get no key, so it would be missing from
its household's access log."""

from __future__ import annotations

from django.conf import settings
from django.db import migrations, models

PG_BACKFILL = r"""
ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only;
UPDATE core_auditevent SET household_id = NULLIF(CASE
        WHEN jsonb_typeof(details -> 'household') = 'number' AND (details ->> 'household') ~ '^[0-9]{1,18}$'
            THEN (details ->> 'household')::bigint
        WHEN object_type = 'records.household' AND object_id ~ '^[0-9]{1,18}$' THEN object_id::bigint
    END, 0)
    WHERE details ? 'household' OR object_type = 'records.household';
ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only;
"""

SQLITE_BACKFILL = """
DROP TRIGGER IF EXISTS core_auditevent_no_update;
UPDATE core_auditevent SET household_id = NULLIF(CASE
        WHEN json_type(details, '$.household') = 'integer' AND json_extract(details, '$.household') > 0
            THEN json_extract(details, '$.household')
        WHEN object_type = 'records.household' AND object_id <> '' AND length(object_id) <= 18
             AND object_id NOT GLOB '*[^0-9]*' THEN CAST(object_id AS INTEGER)
    END, 0)
    WHERE json_type(details, '$.household') IS NOT NULL OR object_type = 'records.household';
CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
"""


def backfill(schema_editor) -> None:  # type: ignore[no-untyped-def]
    """Give the events already written their household key (also called by the migration's test)."""
    vendor = schema_editor.connection.vendor
    script = {"postgresql": PG_BACKFILL, "sqlite": SQLITE_BACKFILL}.get(vendor)
    if script is None:
        return
    for statement in script.split(";\n"):
        if statement.strip():
            schema_editor.execute(statement)


def forwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    backfill(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_audit_append_only_triggers"),
        ("network", "0002_governance"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="household_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="nucleo"),
        ),
        # Filled before the index is built: the UPDATE does not maintain it row by row.
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["household_id", "-at"], name="audit_household_at"),
        ),
    ]
