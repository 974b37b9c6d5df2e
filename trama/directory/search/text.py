"""Italian full-text search over the directory, with one results contract on SQLite and PostgreSQL.

How it works
------------
Python prepares the words once, with `words()`: lower-case → words (letters and digits) → Italian stop words
dropped (with their accents: "farò" is one, "Faro" is not) → accents stripped (NFKD, combining marks dropped:
"caffè" → "caffe"). Then each backend stems them with the
**Snowball Italian stemmer** ("bambini", "bambino" → "bambin"; "mamme", "mamma" → "mamm"):
- PostgreSQL with its own ``italian`` text-search configuration (``to_tsvector('italian', …)`` and
  ``to_tsquery('italian', …)``), whose stemmer is Snowball's Italian one;
- SQLite with the same Snowball algorithm in Python (`snowballstemmer`), before the words reach FTS5.
A service matches when its document contains **every** stem of the query; only the ranking formula differs (bm25
on SQLite, ts_rank on PostgreSQL), and both weigh the service's name above the rest.

Why the words are prepared in Python even for PostgreSQL: its ``italian`` configuration neither strips accents
(``unaccent`` is an extension we do not require) nor splits words the way FTS5 does. Feeding it unaccented words
without stop words leaves it only the stemming, where the two implementations agree: a PostgreSQL test checks that
``to_tsvector('italian', w)`` gives `stem(w)` for every word of the taxonomy labels and of a sample vocabulary
(it did for all 5,344 distinct words of the project's Italian source documents). Our stop list is PostgreSQL's
``italian.stop`` (Snowball's list, accented forms kept) plus a few elisions, so PostgreSQL never drops a word that
SQLite keeps (it only ever receives unaccented words: its accented entries cannot match them).

Storage (migrations 0003_search_index and 0004_search_italian)
- SQLite: FTS5 virtual table ``directory_service_fts(title, body)``, ``rowid`` = service id, holding the stems;
  ``tokenize="unicode61 remove_diacritics 2"`` (a second accent guard).
- PostgreSQL: table ``directory_service_search(service_id, title, body, search_vector)`` holding the words, where
  ``search_vector`` is a generated column ``setweight(to_tsvector('italian', title), 'A') ||
  setweight(to_tsvector('italian', body), 'B')`` with a GIN index (used by the ``search_vector @@
  to_tsquery('italian', …)`` condition of `search_services`).

What is indexed: title = service name and alternate name; body = description, programme, organisation (name and
short name), and the labels (every portal language) of the taxonomy terms the service is classified under and of
their ancestors (a service under "Doposcuola › Aiuto compiti" is found by "doposcuola").

Keeping it in sync: `reindex_service()` runs from model signals (see `signals.py` for why signals) and
`manage.py reindex_directory` rebuilds everything (after bulk loads that bypass signals, e.g. `bulk_create`).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import snowballstemmer
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from trama.directory.models import Attribute, Service, TaxonomyTerm

SQLITE_TABLE = "directory_service_fts"
POSTGRES_TABLE = "directory_service_search"
# bm25 column weights on SQLite (title, body); PostgreSQL uses setweight A/B with ts_rank's default weights.
TITLE_WEIGHT, BODY_WEIGHT = 4.0, 1.0
# The longest query analysed: more words only make the AND stricter and the query slower.
MAX_QUERY_TOKENS = 12

# Italian stop words, with their accents (words() looks words up before stripping them: "farò" is a stop word,
# "Faro" — «Il Faro», a name — is not): the Snowball Italian stop list (the one PostgreSQL ships as
# tsearch_data/italian.stop; Snowball project, BSD licence) — articles, prepositions, pronouns and the forms of
# avere, essere, fare and stare — plus single-letter elisions ("l'", "d'"), a few very common adverbs, and
# "perche", "piu", "pero" as people type them without accents (no other word is spelt so).
_STOP_LIST = """
a ad al allo ai agli all agl alla alle con col coi da dal dallo dai dagli dall dagl dalla dalle di del dello dei
degli dell degl della delle in nel nello nei negli nell negl nella nelle su sul sullo sui sugli sull sugl sulla
sulle per tra contro io tu lui lei noi voi loro mio mia miei mie tuo tua tuoi tue suo sua suoi sue nostro nostra
nostri nostre vostro vostra vostri vostre mi ti ci vi ne gli lo la li le il un uno una ma ed se perché perche anche come
dov dove che chi cui non più piu quale quanto quanti quanta quante quello quelli quella quelle questo questi questa
queste si tutto tutti e è o ho hai ha abbiamo avete hanno abbia abbiate abbiano avrò avrai avrà avremo avrete
avranno avrei avresti avrebbe avremmo avreste avrebbero avevo avevi aveva avevamo avevate avevano ebbi avesti ebbe
avemmo aveste ebbero avessi avesse avessimo avessero avendo avuto avuta avuti avute sono sei siamo siete sia siate
siano sarò sarai sarà saremo sarete saranno sarei saresti sarebbe saremmo sareste sarebbero ero eri era eravamo
eravate erano fui fosti fu fummo foste furono fossi fosse fossimo fossero essendo faccio fai facciamo fanno
faccia facciate facciano farò farai farà faremo farete faranno farei faresti farebbe faremmo fareste farebbero
facevo facevi faceva facevamo facevate facevano feci facesti fece facemmo faceste fecero facessi facesse
facessimo facessero facendo sto stai sta stiamo stanno stia stiate stiano starò starai starà staremo starete
staranno starei staresti starebbe staremmo stareste starebbero stavo stavi stava stavamo stavate stavano stetti
stesti stette stemmo steste stettero stessi stesse stessimo stessero stando
c d i l m n s t v ce ve od fra eh cosa quando quindi però pero
"""
STOP_WORDS = frozenset(_STOP_LIST.split())

_WORD = re.compile(r"[^\W_]+")
# A word before its accents are stripped: letters and digits with their combining marks (decomposed input).
_ACCENTED_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    # A stemmer object keeps per-call state, so none is shared between threads; creating one costs ~1 µs.
    # The cache (thread-safe, bounded) is what saves time: the pure-Python stemmer takes ~0.1 ms a word.
    return str(snowballstemmer.stemmer("italian").stemWord(word))


def words(text: str) -> list[str]:
    """The words of a text as both indexes receive them: lower-case, stop words dropped (looked up with their
    accents, then without), unaccented."""
    result: list[str] = []
    for token in _ACCENTED_WORD.findall(unicodedata.normalize("NFC", (text or "").casefold())):
        if token not in STOP_WORDS:
            result.extend(word for word in _WORD.findall(strip_accents(token)) if word not in STOP_WORDS)
    return result


def analyse(text: str) -> list[str]:
    """The index terms of a text, in order: unaccented, stop words dropped, Italian stems."""
    return [_stem(word) for word in words(text)]


def query_words(text: str) -> list[str]:
    """The words of a query with distinct stems, in order, at most MAX_QUERY_TOKENS."""
    seen: dict[str, str] = {}
    for word in words(text):
        seen.setdefault(_stem(word), word)
    return list(seen.values())[:MAX_QUERY_TOKENS]


def query_terms(text: str) -> list[str]:
    """The distinct stems of a query, in order, at most MAX_QUERY_TOKENS."""
    return [_stem(word) for word in query_words(text)]


# Snowball's Italian stemmer reads some endings as verb suffixes, so that the singular and the plural of one word
# can get different stems: "familiare" → "famil" but "familiari" → "familiar", "straniere" → "stran" but
# "stranieri" → "stranier", "italiano" → "ital" but "italiani" → "italian", "lettere" → "lett" but "lettera" →
# "letter". A query word therefore also asks for the stems of its counterparts in number and gender (the final
# vowel swapped) where they differ from its own on the same root. The index is left as it is: whichever of these
# forms a document holds, its stem is one of those the query asks for (short stems aside, see _MIN_ROOT).
_COUNTERPART_ENDINGS = {"o": "ia", "a": "eo", "e": "ia", "i": "oe"}
# Two stems are of one root when they share this many letters at least. A counterpart stem shorter than the
# word's own comes from a form the stemmer cut too far, and the index holds it for other words too: asked only when
# it is long enough not to be another word's ("famil", "aliment", "stran"; not "lett" of "lettere", which is also
# "letto", nor "ital").
_MIN_ROOT = 4
_MIN_SHORTER_STEM = 5


@lru_cache(maxsize=10_000)
def query_forms(word: str) -> tuple[str, ...]:
    """The word, then those of its counterparts in number and gender whose stem differs from its own on the same
    root (one per distinct stem). The word is one of `words()`."""
    forms = [word]
    if len(word) < 4 or word[-1] not in _COUNTERPART_ENDINGS:
        return tuple(forms)
    stems = {_stem(word)}
    for ending in _COUNTERPART_ENDINGS[word[-1]]:
        other = word[:-1] + ending
        stem = _stem(other)
        own = _stem(word)
        if (stem not in stems and len(os.path.commonprefix([stem, own])) >= _MIN_ROOT  # so len(stem) too
                and (len(stem) >= len(own) or len(stem) >= _MIN_SHORTER_STEM)):
            stems.add(stem)
            forms.append(other)
    return tuple(forms)


def query_groups(text: str) -> list[tuple[str, ...]]:
    """The words of a query (`query_words`), each with its counterparts (`query_forms`): a service matches when
    it holds, for every group, the stem of one of its forms."""
    return [query_forms(word) for word in query_words(text)]


def fts5_match(text: str) -> str:
    """The FTS5 MATCH expression of a query over the stems SQLite indexes. Words are letters and digits only
    (words()), so quoting them cannot change the expression's syntax."""
    parts = []
    for forms in query_groups(text):
        stems = [f'"{_stem(form)}"' for form in forms]
        parts.append(stems[0] if len(stems) == 1 else f"({' OR '.join(stems)})")
    return " AND ".join(parts)


def postgres_tsquery(text: str) -> str:
    """The argument of PostgreSQL's `to_tsquery('italian', …)` for a query: the words themselves, which the
    `italian` configuration stems as SQLite's index does (& = AND, | = OR)."""
    parts = []
    for forms in query_groups(text):
        quoted = [f"'{form}'" for form in forms]
        parts.append(quoted[0] if len(quoted) == 1 else f"({' | '.join(quoted)})")
    return " & ".join(parts)


# --- Documents ------------------------------------------------------------------------------------


def _labels(term: Any) -> list[str]:
    return [term.name, *[value for value in (term.labels or {}).values() if isinstance(value, str)]]


def build_document(*, name: str, alternate_name: str, description: str, organisation: Iterable[str],
                   programme: str, terms: Iterable[Any]) -> tuple[str, str]:
    """(title, body): space-separated `words()`, stemmed by `write_document` (SQLite) or by PostgreSQL. `terms` are
    taxonomy terms (their ancestors included by the caller); works with historical models too (used by the
    migrations)."""
    title = words(f"{name} {alternate_name}")
    body_parts = [description, programme, *organisation]
    for term in terms:
        body_parts.extend(_labels(term))
    body = words(" ".join(part for part in body_parts if part))
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
    """Insert or replace one service's row from `build_document`'s words (shared with the migrations, which have
    no model classes). SQLite stores the stems; PostgreSQL stores the words and stems them in its generated
    column."""
    if vendor == "sqlite":
        title, body = (" ".join(_stem(word) for word in text.split()) for text in (title, body))
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
    count = reindex_services(Service.objects.all())
    refresh_statistics()
    return count


def refresh_statistics() -> None:
    """Let the query planner know the tables' sizes after a bulk change. Without statistics SQLite drives a
    search from the services' status index and re-runs the full-text match for every row (2 s instead of 9 ms
    at 20,000 services); PostgreSQL's autovacuum would get there, later."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {POSTGRES_TABLE}")  # noqa: S608
            cursor.execute("ANALYZE directory_service")


# --- Querying -------------------------------------------------------------------------------------


def search_services(qs: QuerySet[Service], text: str) -> QuerySet[Service]:
    """The services of `qs` matching every term of `text`, best first (annotated `search_rank`, higher is
    better; ties by name). Blank text returns `qs` unchanged; text made only of stop words or punctuation
    matches nothing."""
    if not (text or "").strip():
        return qs
    query = query_words(text)
    if not query:
        return qs.none()
    if connection.vendor == "sqlite":
        match = fts5_match(text)
        # A join rather than `pk IN (subquery)`: FTS5's bm25() needs the MATCH in the same SELECT, and one pass
        # over the full-text index also ranks (a correlated rank subquery would re-run the match per row). The join
        # condition is a filter on pk, not hand-written SQL naming "directory_service": when this queryset becomes
        # a subquery Django renames that table, and a hard-coded name would bind to the outer query instead.
        qs = qs.extra(  # noqa: S610 - fixed SQL, the only parameter is bound
            tables=[SQLITE_TABLE],
            where=[f"{SQLITE_TABLE} MATCH %s"],
            params=[match],
            select={"search_rank": f"-bm25({SQLITE_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT})"},
        ).filter(pk=RawSQL(f"{SQLITE_TABLE}.rowid", []))  # noqa: S611 - fixed SQL
    elif connection.vendor == "postgresql":
        tsquery = postgres_tsquery(text)
        # `search_vector @@ ...` is answered by the GIN index directory_service_search_vector.
        qs = qs.extra(  # noqa: S610 - fixed SQL, the only parameters are bound
            tables=[POSTGRES_TABLE],
            where=[f"{POSTGRES_TABLE}.search_vector @@ to_tsquery('italian', %s)"],
            params=[tsquery],
            select={"search_rank": f"ts_rank({POSTGRES_TABLE}.search_vector, to_tsquery('italian', %s))"},
            select_params=[tsquery],
        ).filter(pk=RawSQL(f"{POSTGRES_TABLE}.service_id", []))  # noqa: S611 - fixed SQL
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(connection.vendor)
    return qs.order_by("-search_rank", "name", "pk")
