"""PostgreSQL's search index stems with the `italian` text-search configuration (it used `simple` over words
stemmed in Python). The index tables now receive unaccented words without stop words; SQLite still stems them in
Python with the same Snowball algorithm before FTS5 (see trama/directory/search/text.py). Both indexes are refilled
because the stored text changed (words on PostgreSQL, and a longer stop list on both)."""

from importlib import import_module

from django.db import migrations

POSTGRES_ITALIAN = [
    "DROP INDEX IF EXISTS directory_service_search_vector",
    "ALTER TABLE directory_service_search DROP COLUMN search_vector",
    "ALTER TABLE directory_service_search ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    " setweight(to_tsvector('italian'::regconfig, title), 'A')"
    " || setweight(to_tsvector('italian'::regconfig, body), 'B')) STORED",
    "CREATE INDEX directory_service_search_vector ON directory_service_search USING gin (search_vector)",
]
POSTGRES_SIMPLE = [
    "DROP INDEX IF EXISTS directory_service_search_vector",
    "ALTER TABLE directory_service_search DROP COLUMN search_vector",
    "ALTER TABLE directory_service_search ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    " setweight(to_tsvector('simple'::regconfig, title), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED",
    "CREATE INDEX directory_service_search_vector ON directory_service_search USING gin (search_vector)",
]


def _refill(apps, schema_editor):
    # The same filling as the migration that created the index (it writes through the current text module).
    import_module("trama.directory.migrations.0003_search_index")._fill(apps, schema_editor)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_ITALIAN:
            schema_editor.execute(sql)
    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        _refill(apps, schema_editor)


def backward(apps, schema_editor):
    # Back to `simple`: run `manage.py reindex_directory` with the code of that time to restore its stems.
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_SIMPLE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_search_index")]

    operations = [migrations.RunPython(forward, backward)]
