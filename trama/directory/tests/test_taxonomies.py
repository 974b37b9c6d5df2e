from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from trama.directory.models import PORTAL_LANGUAGES, TargetGroup, Taxonomy, TaxonomyTerm


def test_it_loads_the_needs_taxonomy_and_the_action_lines_by_migration(db: None) -> None:
    needs = Taxonomy.objects.get(code="bisogni")
    top = set(needs.terms.filter(parent__isnull=True).values_list("code", flat=True))
    assert {"casa", "lavoro", "reddito", "cibo", "salute", "prima-infanzia", "doposcuola", "scuola",
            "genitorialita", "lingua-italiana", "documenti", "supporto-psicologico", "sport", "cultura",
            "orientamento", "accoglienza"} <= top
    homework = needs.terms.get(code="doposcuola.compiti")
    assert homework.parent is not None and homework.parent.code == "doposcuola"
    lines = Taxonomy.objects.get(code="linee-azione")
    assert set(lines.terms.values_list("name", flat=True)) == {"Prossimità", "Cittadinanza attiva",
                                                               "Altre azioni"}


def test_it_has_a_label_in_every_portal_language_for_every_term(db: None) -> None:
    for row in [*TaxonomyTerm.objects.all(), *TargetGroup.objects.all()]:
        assert set(row.labels) == set(PORTAL_LANGUAGES), row.code
        assert all(label.strip() for label in row.labels.values()), row.code
        assert row.name == row.labels["it"]


def test_it_reloads_taxonomies_idempotently_keeping_their_ids(db: None) -> None:
    before = dict(TaxonomyTerm.objects.values_list("code", "hsds_id"))
    count = TaxonomyTerm.objects.count(), TargetGroup.objects.count()
    TaxonomyTerm.objects.filter(code="casa").update(labels={"it": "Vecchia"}, name="Vecchia")
    out = StringIO()
    call_command("load_taxonomies", stdout=out)
    call_command("load_taxonomies", stdout=out)
    assert (TaxonomyTerm.objects.count(), TargetGroup.objects.count()) == count
    assert dict(TaxonomyTerm.objects.values_list("code", "hsds_id")) == before
    assert TaxonomyTerm.objects.get(code="casa").label("en") == "Housing"
    assert "termini" in out.getvalue()
