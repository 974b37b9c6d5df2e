"""The full-text index of services (see trama/directory/search/text.py): an FTS5 table on SQLite, a table with a
GIN-indexed tsvector on PostgreSQL. Both hold text already analysed in Python (unaccented Italian stems), so both
answer the same matches. Filled here for existing services; kept in sync by signals and reindex_directory."""

from django.db import migrations

SQLITE_CREATE = [
    # rowid = directory_service.id
    'CREATE VIRTUAL TABLE IF NOT EXISTS directory_service_fts USING fts5('
    'title, body, tokenize="unicode61 remove_diacritics 2")',
]
SQLITE_DROP = ["DROP TABLE IF EXISTS directory_service_fts"]

POSTGRES_CREATE = [
    # No foreign key: a row of a deleted service is removed by the post_delete signal, an orphan matches nothing
    # (the search joins on directory_service), and Django's flush need not know about this table.
    "CREATE TABLE IF NOT EXISTS directory_service_search ("
    " service_id bigint PRIMARY KEY,"
    " title text NOT NULL DEFAULT '',"
    " body text NOT NULL DEFAULT '',"
    " search_vector tsvector GENERATED ALWAYS AS ("
    "   setweight(to_tsvector('simple'::regconfig, title), 'A')"
    "   || setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED)",
    # search_services(): `search_vector @@ to_tsquery('simple', ...)`
    "CREATE INDEX IF NOT EXISTS directory_service_search_vector ON directory_service_search USING gin (search_vector)",
]
POSTGRES_DROP = ["DROP TABLE IF EXISTS directory_service_search"]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def _fill(apps, schema_editor):
    from trama.directory.search.text import build_document, write_document

    Service = apps.get_model("directory", "Service")
    Attribute = apps.get_model("directory", "Attribute")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    by_pk = {term.pk: term for term in TaxonomyTerm.objects.all()}
    terms_of = {}
    for service_id, term_id in Attribute.objects.values_list("service_id", "term_id"):
        terms_of.setdefault(service_id, []).append(by_pk[term_id])
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for service in Service.objects.select_related("organisation", "program").iterator():
            terms = {}
            for term in terms_of.get(service.pk, []):
                while term is not None and term.pk not in terms:
                    terms[term.pk] = term
                    term = by_pk.get(term.parent_id) if term.parent_id else None
            title, body = build_document(
                name=service.name, alternate_name=service.alternate_name, description=service.description,
                organisation=[service.organisation.name, service.organisation.short_name],
                programme=service.program.name if service.program_id else "", terms=terms.values(),
            )
            write_document(cursor, connection.vendor, service.pk, title, body)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_CREATE)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_CREATE)
    else:
        return
    _fill(apps, schema_editor)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_load_taxonomies")]

    operations = [migrations.RunPython(create, drop)]
