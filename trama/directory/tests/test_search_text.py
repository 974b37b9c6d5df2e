"""Italian full-text search: accents, word forms, organisation and taxonomy labels, ranking, index sync.
Runs unchanged on SQLite (FTS5) and PostgreSQL (GIN tsvector): same results contract."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from trama.core.testing import Personas
from trama.directory import services
from trama.directory.models import Service, TaxonomyTerm
from trama.directory.search import analyse, search_services
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


def test_it_finds_singular_plural_and_word_forms(personas: Personas) -> None:
    _corpus(personas)
    assert set(names("bambino")) == {"Spazio mamma-bambino", "Doposcuola per bambini"}
    assert names("mamme") == ["Spazio mamma-bambino"]
    assert names("doposcuola bambina") == ["Doposcuola per bambini"]  # every word must match
    assert names("sospesi") == ["Caffè sospeso"]
    assert names("italiana") == names("italiano") == ["Corso di italiano"]
    assert names("colazioni") == ["Caffè sospeso"]  # description


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
