"""The database itself refuses to change audit events, whatever path a write takes.

PostgreSQL: a row trigger rejects UPDATE and DELETE (TRUNCATE, used only to empty a test database, is not a row
operation). SQLite: a trigger rejects UPDATE; DELETE stays possible at the SQL level because Django's test flush
empties tables with DELETE, and the ORM already refuses it."""

from __future__ import annotations

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS core_auditevent_no_update;"


def _run(apps, schema_editor, *, up: bool) -> None:  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP if up else PG_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP if up else SQLITE_DOWN)


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    _run(apps, schema_editor, up=True)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    _run(apps, schema_editor, up=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_base_manager")]
    operations = [migrations.RunPython(forwards, backwards)]
