"""Italian full-text search over the directory, with one results contract on SQLite and PostgreSQL.

How it works
------------
Both databases index the same *pre-analysed* text, produced here in Python by `analyse()`:
lower-case → accents stripped (NFKD, combining marks dropped: "caffè" → "caffe") → words (letters and digits) →
Italian stop words dropped → Snowball Italian stem ("bambini", "bambino" → "bambin"; "mamme", "mamma" → "mamm").
The query goes through the same function, and a service matches when its document contains **every** stem of the
query. Because the analysis happens once, in one place, both backends answer the same set for the same text; only
the ranking formula differs (bm25 on SQLite, ts_rank on PostgreSQL), and both weigh the service's name above the
rest.

Why not PostgreSQL's own ``italian`` configuration: its stemmer is the same Snowball algorithm, but its parser,
stop list and accent handling differ from what SQLite can do (``unaccent`` would also need an extension), so the
two backends would disagree at the edges ("perché", "caffè", hyphenated words). Pre-stemming in Python and
indexing with the ``simple`` configuration (lower-case only, no stemming) keeps PostgreSQL's GIN index and
ranking while guaranteeing the same matches. The ``italian`` config is therefore not used on purpose.

Storage (migration 0003_search_index)
- SQLite: FTS5 virtual table ``directory_service_fts(title, body)``, ``rowid`` = service id,
  ``tokenize="unicode61 remove_diacritics 2"`` (a second accent guard for text indexed by older code).
- PostgreSQL: table ``directory_service_search(service_id, title, body, search_vector)`` where ``search_vector``
  is a generated column ``setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body),
  'B')`` with a GIN index (used by the ``search_vector @@ to_tsquery(...)`` condition of `search_services`).

What is indexed: title = service name and alternate name; body = description, programme, organisation (name and
short name), and the labels (every portal language) of the taxonomy terms the service is classified under and of
their ancestors (a service under "Doposcuola › Aiuto compiti" is found by "doposcuola").

Keeping it in sync: `reindex_service()` runs from model signals (see `signals.py` for why signals) and
`manage.py reindex_directory` rebuilds everything (after bulk loads that bypass signals, e.g. `bulk_create`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import snowballstemmer
from django.db import connection
from django.db.models import QuerySet

from trama.directory.models import Attribute, Service, TaxonomyTerm

SQLITE_TABLE = "directory_service_fts"
POSTGRES_TABLE = "directory_service_search"
# bm25 column weights on SQLite (title, body); PostgreSQL uses setweight A/B with ts_rank's default weights.
TITLE_WEIGHT, BODY_WEIGHT = 4.0, 1.0
# The longest query analysed: more words only make the AND stricter and the query slower.
MAX_QUERY_TOKENS = 12

# Snowball's Italian stop list (articles, prepositions, pronouns, common auxiliaries), accents stripped because
# analyse() strips them before looking words up.
STOP_WORDS = frozenset({
    "a", "i", "l", "d", "c", "s", "m", "t", "v", "n", "ad", "al", "allo", "ai", "agli", "all", "agl", "alla",
    "alle", "con", "col", "coi", "da", "dal", "dallo", "dai", "dagli", "dall", "dagl", "dalla", "dalle", "di",
    "del", "dello", "dei", "degli", "dell", "degl", "della", "delle", "in", "nel", "nello", "nei", "negli", "nell",
    "negl", "nella", "nelle", "su", "sul", "sullo", "sui", "sugli", "sull", "sugl", "sulla", "sulle", "per", "tra",
    "fra", "contro", "io", "tu", "lui", "lei", "noi", "voi", "loro", "mio", "mia", "miei", "mie", "tuo", "tua",
    "tuoi", "tue", "suo", "sua", "suoi", "sue", "nostro", "nostra", "nostri", "nostre", "vostro", "vostra",
    "vostri", "vostre", "mi", "ti", "ci", "ce", "vi", "ve", "si", "se", "lo", "la", "li", "le", "gli", "ne", "il",
    "un", "uno", "una", "ma", "ed", "o", "od", "e", "anche", "come", "dov", "dove", "che", "chi", "cui", "non",
    "piu", "quale", "quanto", "quanti", "quanta", "quante", "quello", "quelli", "quella", "quelle", "questo",
    "questi", "questa", "queste", "tutto", "tutti", "sono", "sei", "siamo", "siete", "era", "ero", "eri", "eravamo",
    "erano", "ho", "hai", "ha", "abbiamo", "avete", "hanno", "eh", "perche", "cosa", "quando", "quindi", "pero"
})

_WORD = re.compile(r"[^\W_]+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    # A stemmer object keeps per-call state, so none is shared between threads; creating one costs ~1 µs.
    # The cache (thread-safe, bounded) is what saves time: the pure-Python stemmer takes ~0.1 ms a word.
    return str(snowballstemmer.stemmer("italian").stemWord(word))


def analyse(text: str) -> list[str]:
    """The index terms of a text, in order: unaccented, stop words dropped, Italian stems."""
    words = _WORD.findall(strip_accents(text or "").casefold())
    return [_stem(word) for word in words if word not in STOP_WORDS]


def query_terms(text: str) -> list[str]:
    """The distinct terms of a query, in order, at most MAX_QUERY_TOKENS."""
    seen: dict[str, None] = {}
    for term in analyse(text):
        seen.setdefault(term, None)
    return list(seen)[:MAX_QUERY_TOKENS]


# --- Documents ------------------------------------------------------------------------------------


def _labels(term: Any) -> list[str]:
    return [term.name, *[value for value in (term.labels or {}).values() if isinstance(value, str)]]


def build_document(*, name: str, alternate_name: str, description: str, organisation: Iterable[str],
                   programme: str, terms: Iterable[Any]) -> tuple[str, str]:
    """(title, body) as stored in the index: space-separated terms from `analyse`. `terms` are taxonomy terms
    (their ancestors included by the caller); works with historical models too (used by the migration)."""
    title = analyse(f"{name} {alternate_name}")
    body_parts = [description, programme, *organisation]
    for term in terms:
        body_parts.extend(_labels(term))
    body = analyse(" ".join(part for part in body_parts if part))
    return " ".join(title), " ".join(body)


def _with_ancestors(terms: Iterable[TaxonomyTerm], by_pk: dict[int, TaxonomyTerm] | None = None) -> list[Any]:
    result: dict[int, TaxonomyTerm] = {}
    for term in terms:
        current: TaxonomyTerm | None = term
        while current is not None and current.pk not in result:
            result[current.pk] = current
            if current.parent_id is None:
                break
            current = by_pk.get(current.parent_id) if by_pk is not None else current.parent
    return list(result.values())


def service_document(service: Service, terms: Iterable[TaxonomyTerm] | None = None,
                     by_pk: dict[int, TaxonomyTerm] | None = None) -> tuple[str, str]:
    if terms is None:
        terms = [a.term for a in Attribute.objects.filter(service=service).select_related("term")]
    organisation = service.organisation
    return build_document(
        name=service.name, alternate_name=service.alternate_name, description=service.description,
        organisation=[organisation.name, organisation.short_name],
        programme=service.program.name if service.program_id and service.program is not None else "",
        terms=_with_ancestors(terms, by_pk),
    )


# --- Writing the index ----------------------------------------------------------------------------


def write_document(cursor: Any, vendor: str, service_id: int, title: str, body: str) -> None:
    """Insert or replace one service's row (shared with the migration, which has no model classes)."""
    if vendor == "sqlite":
        cursor.execute(f"DELETE FROM {SQLITE_TABLE} WHERE rowid = %s", [service_id])  # noqa: S608
        cursor.execute(f"INSERT INTO {SQLITE_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
                       [service_id, title, body])
    elif vendor == "postgresql":
        cursor.execute(
            f"INSERT INTO {POSTGRES_TABLE} (service_id, title, body) VALUES (%s, %s, %s) "  # noqa: S608
            "ON CONFLICT (service_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body",
            [service_id, title, body],
        )


def reindex_service(service: Service | int) -> None:
    """(Re)write the index row of one service; a service that no longer exists leaves the index."""
    pk = service if isinstance(service, int) else service.pk
    current = Service.objects.select_related("organisation", "program").filter(pk=pk).first()
    if current is None:
        remove_service(pk)
        return
    title, body = service_document(current)
    with connection.cursor() as cursor:
        write_document(cursor, connection.vendor, current.pk, title, body)


def remove_service(pk: int) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {SQLITE_TABLE} WHERE rowid = %s", [pk])  # noqa: S608
        elif connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {POSTGRES_TABLE} WHERE service_id = %s", [pk])  # noqa: S608


def reindex_services(services: QuerySet[Service]) -> int:
    """Rewrite the rows of these services (e.g. every service of a renamed organisation). Returns the count."""
    by_pk = {term.pk: term for term in TaxonomyTerm.objects.only("pk", "name", "labels", "parent_id")}
    terms_of: dict[int, list[TaxonomyTerm]] = {}
    count = 0
    batch = services.select_related("organisation", "program").order_by("pk")
    with connection.cursor() as cursor:
        last = 0
        while True:
            rows = list(batch.filter(pk__gt=last)[:1000])
            if not rows:
                break
            terms_of.clear()
            for service_id, term_id in Attribute.objects.filter(service__in=[s.pk for s in rows]).values_list(
                    "service_id", "term_id"):
                terms_of.setdefault(service_id, []).append(by_pk[term_id])
            for service in rows:
                title, body = service_document(service, terms_of.get(service.pk, []), by_pk)
                write_document(cursor, connection.vendor, service.pk, title, body)
                count += 1
            last = rows[-1].pk
    return count


def reindex_all() -> int:
    """Empty the index and rebuild it from every service (manage.py reindex_directory)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {SQLITE_TABLE}")  # noqa: S608
        elif connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {POSTGRES_TABLE}")  # noqa: S608
    return reindex_services(Service.objects.all())


# --- Querying -------------------------------------------------------------------------------------


def search_services(qs: QuerySet[Service], text: str) -> QuerySet[Service]:
    """The services of `qs` matching every term of `text`, best first (annotated `search_rank`, higher is
    better; ties by name). Blank text returns `qs` unchanged; text made only of stop words or punctuation
    matches nothing."""
    if not (text or "").strip():
        return qs
    terms = query_terms(text)
    if not terms:
        return qs.none()
    # Terms are letters and digits only (analyse), so quoting them cannot change the query's syntax.
    if connection.vendor == "sqlite":
        match = " ".join(f'"{term}"' for term in terms)  # FTS5: space = AND
        # A join rather than `pk IN (subquery)`: FTS5's bm25() needs the MATCH in the same SELECT, and one pass
        # over the full-text index also ranks (a correlated rank subquery would re-run the match per row).
        qs = qs.extra(  # noqa: S610 - fixed SQL, the only parameter is bound
            tables=[SQLITE_TABLE],
            where=[f'{SQLITE_TABLE}.rowid = "directory_service"."id"', f"{SQLITE_TABLE} MATCH %s"],
            params=[match],
            select={"search_rank": f"-bm25({SQLITE_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT})"},
        )
    elif connection.vendor == "postgresql":
        tsquery = " & ".join(f"'{term}'" for term in terms)
        # `search_vector @@ ...` is answered by the GIN index directory_service_search_vector.
        qs = qs.extra(  # noqa: S610 - fixed SQL, the only parameters are bound
            tables=[POSTGRES_TABLE],
            where=[f'{POSTGRES_TABLE}.service_id = "directory_service"."id"',
                   f"{POSTGRES_TABLE}.search_vector @@ to_tsquery('simple', %s)"],
            params=[tsquery],
            select={"search_rank": f"ts_rank({POSTGRES_TABLE}.search_vector, to_tsquery('simple', %s))"},
            select_params=[tsquery],
        )
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(connection.vendor)
    return qs.order_by("-search_rank", "name", "pk")
