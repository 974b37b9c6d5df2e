"""Italian full-text search: accents, word forms, organisation and taxonomy labels, ranking, index sync.
Runs unchanged on SQLite (FTS5) and PostgreSQL (GIN tsvector): same results contract."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from trama.core.testing import Personas
from trama.directory import services
from trama.directory.models import Phone, Service, TaxonomyTerm
from trama.directory.search import analyse, deferred_indexing, search_services
from trama.directory.search.text import words as text_words
from trama.directory.tests.helpers import make_service


def names(text: str) -> list[str]:
    return [s.name for s in search_services(Service.objects.all(), text)]


def _corpus(p: Personas) -> None:
    make_service(p, name="Spazio mamma-bambino", description="Gioco e incontro per genitori con figli 0-3 anni.")
    make_service(p, name="Doposcuola per bambini", description="Aiuto nei compiti dalle 14 alle 17.")
    make_service(p, name="Caffè sospeso", description="Una colazione offerta a chi ne ha bisogno.")
    make_service(p, name="Corso di italiano", description="Lezioni di lingua italiana per adulti stranieri.")


def test_it_ignores_accents(personas: Personas) -> None:
    _corpus(personas)
    assert names("caffe") == ["Caffè sospeso"]
    assert names("CAFFÈ") == ["Caffè sospeso"]
    assert names("caffé sospesò") == ["Caffè sospeso"]


def test_a_name_spelt_like_an_accented_stop_word_is_found(personas: Personas) -> None:
    # "farò", "sarà" are stop words; «Il Faro» and Sara are not (stop words are looked up with their accents).
    make_service(personas, name="Pacchi alimentari «Il Faro»", description="Sportello di Sara, il martedì.")
    assert names("Faro") == names("il faro") == names("sara") == ["Pacchi alimentari «Il Faro»"]
    assert names("farò") == names("sarà") == []  # a query of stop words only finds nothing
    assert text_words("Farò più di quanto sarà possibile, perche è giusto") == ["possibile", "giusto"]


def test_it_finds_singular_plural_and_word_forms(personas: Personas) -> None:
    _corpus(personas)
    assert set(names("bambino")) == {"Spazio mamma-bambino", "Doposcuola per bambini"}
    assert names("mamme") == ["Spazio mamma-bambino"]
    assert names("doposcuola bambina") == ["Doposcuola per bambini"]  # every word must match
    assert names("sospesi") == ["Caffè sospeso"]
    assert names("italiana") == names("italiano") == ["Corso di italiano"]
    assert names("colazioni") == ["Caffè sospeso"]  # description


def test_singular_and_plural_the_stemmer_cuts_differently_find_each_other(personas: Personas) -> None:
    # Snowball's Italian stemmer reads "-are", "-ano", "-iere", "-ere" as verb endings: "familiare" → "famil" but
    # "familiari" → "familiar", "straniere" → "stran" but "stranieri" → "stranier", "italiano" → "ital" but
    # "italiana" → "italian". A query word asks for its counterparts' stems too.
    make_service(personas, name="Aiuto alimentare", description="Sostegno familiare per donne straniere.")
    make_service(personas, name="Lingua italiana", description="Per adulti stranieri, lettere e tessere.")
    make_service(personas, name="Italiano nel quartiere", description="Conversazione.")
    assert names("aiuti alimentari") == ["Aiuto alimentare"]
    assert names("sostegni familiari") == names("familiare") == ["Aiuto alimentare"]
    assert set(names("straniera")) == set(names("stranieri")) == {"Aiuto alimentare", "Lingua italiana"}
    assert set(names("italiano")) == {"Lingua italiana", "Italiano nel quartiere"}
    assert names("quartieri") == ["Italiano nel quartiere"]
    assert names("lettere tessere") == ["Lingua italiana"]
    # A shorter counterpart stem is asked only when it cannot be another word's: "lettera" does not ask for
    # "lett" (of "lettere", but also of "letto"), so a shelter's "posti letto" is not found for it.
    make_service(personas, name="Casa di accoglienza", description="Dieci posti letto.")
    assert names("lettera") == []
    assert names("italiani donna") == []  # every word still has to match
    assert names("filo") == []  # a counterpart stem shorter than four letters ("fil" of "filiere") is not asked


def test_query_forms_add_only_counterparts_cut_differently() -> None:
    from trama.directory.search.text import fts5_match, postgres_tsquery, query_forms

    assert query_forms("bambini") == ("bambini",)  # every counterpart has the stem "bambin"
    assert query_forms("familiari") == ("familiari", "familiare")
    assert query_forms("italiano") == ("italiano", "italiani")  # "ital" asks for the longer "italian"
    assert query_forms("italiana") == ("italiana",)  # "ital" of "italiano" is too short to be asked
    assert query_forms("filiera") == ("filiera",)  # "filiere" → "fil": too short to be asked
    assert query_forms("tre") == ("tre",)
    assert fts5_match("aiuti alimentari") == '"aiut" AND ("alimentar" OR "aliment")'
    assert postgres_tsquery("aiuti alimentari") == "'aiuti' & ('alimentari' | 'alimentare')"


def test_it_needs_every_word_and_ignores_stop_words(personas: Personas) -> None:
    _corpus(personas)
    assert names("doposcuola caffè") == []
    assert names("il doposcuola per i bambini") == ["Doposcuola per bambini"]
    assert names("per il") == []  # only stop words: nothing to look for
    assert names("  ") == sorted(names("  "))  # blank: the queryset unchanged
    assert len(names("")) == 4
    assert names("\"'*)(-") == []  # punctuation cannot break the query syntax


def test_it_ranks_the_name_above_the_description(personas: Personas) -> None:
    make_service(personas, name="Colazioni solidali", description="Un caffè e una brioche.")
    make_service(personas, name="Caffè sospeso", description="Colazione offerta.")
    assert names("caffè") == ["Caffè sospeso", "Colazioni solidali"]
    ranked = list(search_services(Service.objects.all(), "caffè"))
    assert ranked[0].search_rank >= ranked[1].search_rank  # type: ignore[attr-defined]


def test_it_searches_the_organisation_and_follows_its_renaming(personas: Personas) -> None:
    _corpus(personas)
    make_service(personas, name="Sportello lavoro", maintainer=personas.ets_b)
    assert names("beta") == ["Sportello lavoro"]
    personas.ets_b.name = "Associazione Zeta"
    personas.ets_b.save()
    assert names("zeta") == ["Sportello lavoro"]
    assert names("beta") == []


def test_it_searches_taxonomy_labels_with_their_ancestors(personas: Personas) -> None:
    service = make_service(personas, name="Studio insieme")
    term = TaxonomyTerm.objects.get(taxonomy__code="bisogni", code="doposcuola.compiti")
    services.taxonomy_term_assign(service=service, term=term, by=personas.referent)
    assert names("compiti") == ["Studio insieme"]
    assert names("doposcuola") == ["Studio insieme"]  # the parent's label
    assert names("homework") == ["Studio insieme"]  # labels in every portal language
    services.taxonomy_term_unassign(service=service, term=term, by=personas.referent)
    assert names("doposcuola") == []


def test_it_follows_service_updates_and_deletions(personas: Personas) -> None:
    service = make_service(personas, name="Emporio solidale")
    assert names("empori") == ["Emporio solidale"]
    services.service_update(service=service, by=personas.referent, name="Mensa di quartiere")
    assert names("emporio") == []
    assert names("mense") == ["Mensa di quartiere"]
    service.delete()
    assert names("mensa") == []


def test_it_rebuilds_the_index_with_the_command(personas: Personas) -> None:
    _corpus(personas)
    Service.objects.filter(name="Caffè sospeso").update(name="Tè sospeso")  # update() bypasses the signals
    assert names("tè") == []
    out = StringIO()
    call_command("reindex_directory", stdout=out)
    assert "4" in out.getvalue()
    assert names("te sospeso") == ["Tè sospeso"]
    assert names("caffè") == []


def test_it_analyses_text_once_for_both_databases() -> None:
    assert analyse("Caffè sospeso per le mamme") == analyse("caffe SOSPESI mamma")
    assert analyse("Spazio mamma-bambino 0-3") == ["spaz", "mamm", "bambin", "0", "3"]


def test_a_search_works_as_a_subquery(personas: Personas) -> None:
    # The join to the index must follow Django's renaming of the table inside a subquery (it once bound to the
    # outer query: quadratic, and an error without the outer join).
    _corpus(personas)
    matched = search_services(Service.objects.all(), "caffè").order_by().values("pk")
    assert list(Service.objects.filter(pk__in=matched).values_list("name", flat=True)) == ["Caffè sospeso"]
    caffe = Service.objects.get(name="Caffè sospeso")
    services.phone_add(by=personas.referent, service=caffe, number="02 1234567")
    phones = Phone.objects.filter(service__in=search_services(Service.objects.all(), "colazione").values("pk"))
    assert list(phones.order_by().values_list("number", flat=True)) == ["02 1234567"]


def test_it_defers_indexing_to_the_end_of_a_bulk_block(personas: Personas) -> None:
    kept = make_service(personas, name="Sportello lavoro")
    gone = make_service(personas, name="Sportello casa")
    with deferred_indexing():
        new = make_service(personas, name="Doposcuola del martedì")
        services.service_update(service=kept, by=None, name="Sportello lavoro e formazione")
        gone.delete()
        with deferred_indexing():  # nested: joins the outer block
            services.service_update(service=new, by=None, description="Compiti e merenda")
        assert names("doposcuola") == []  # not yet indexed
        assert names("formazione") == []
    assert names("doposcuola merenda") == ["Doposcuola del martedì"]
    assert names("formazione") == ["Sportello lavoro e formazione"]
    assert names("sportello") == ["Sportello lavoro e formazione"]


# Words of everyday social-service Italian, with the forms people type: the stemming contract is checked on them
# and on every taxonomy label (all portal languages) below.
VOCABULARY = """
bambino bambini bambina bambine mamma mamme madre madri padre genitori genitorialità famiglia famiglie figlio figli
doposcuola compiti scuola scuole scolastico scolastica scolastici educativo educativa educative asilo nido nidi
italiano italiana italiani lingua lingue corso corsi lezione lezioni stranieri straniero migranti rifugiati
casa case abitativo abitare alloggio alloggi affitto sfratto sfratti lavoro lavori lavoratori occupazione
reddito redditi contributo contributi sostegno sostegni aiuto aiuti alimentare alimentari pacco pacchi spesa
salute sanitario sanitaria psicologico psicologica ascolto sportello sportelli orientamento accompagnamento
documenti permesso soggiorno residenza legale legali consulenza consulenze giuridica sport sportivo sportive
calcio piscina cultura culturale biblioteca biblioteche laboratorio laboratori teatro musica gioco giochi
accoglienza accoglienze anziani disabilità volontari volontariato gratuito gratuita gratuiti caffè colazione
colazioni sospeso sospesi neomamme prossimità cittadinanza attiva attivi comunità quartiere quartieri municipio
"""


@pytest.mark.django_db
def test_postgresql_italian_stemming_agrees_with_the_python_stemmer() -> None:
    """The results contract: PostgreSQL's `italian` configuration stems our words exactly as SQLite's side does."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's text-search configuration")
    vocabulary = set(text_words(VOCABULARY))
    for term in TaxonomyTerm.objects.all():
        for label in [term.name, *(term.labels or {}).values()]:
            vocabulary.update(text_words(str(label)))
    ordered = sorted(vocabulary)
    assert len(ordered) > 300
    with connection.cursor() as cursor:
        cursor.execute("SELECT w, to_tsvector('italian', w)::text FROM unnest(%s::text[]) AS w", [ordered])
        rows = cursor.fetchall()
    disagreements = {
        word: lexemes for word, lexemes in rows
        if lexemes != f"'{analyse(word)[0]}':1"
    }
    assert disagreements == {}
