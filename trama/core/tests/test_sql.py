"""`in_codes`: status conditions written as literals, so that SQLite reads the partial indexes made for them."""

from __future__ import annotations

import pytest
from django.db import connection

from trama.core.sql import in_codes, in_ids
from trama.core.testing import Personas
from trama.network.models import Organisation
from trama.referrals.models import Referral


def _plan(queryset) -> str:  # type: ignore[no-untyped-def]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.django_db
def test_the_codes_are_in_the_statement_not_bound() -> None:
    sql, params = Referral.objects.filter(in_codes("status", ["expired", "completed", "expired"]),
                                          from_organisation_id=7).query.sql_with_params()
    assert "\"status\" IN ('expired', 'completed')" in sql and params == (7,)
    sql, params = Referral.objects.filter(in_codes("status", ["draft"])).query.sql_with_params()
    assert "\"status\" = 'draft'" in sql and params == ()


@pytest.mark.parametrize("codes", [[], ["draft'; DROP TABLE x; --"], ["Draft"], ["a b"], [""]])
def test_anything_but_choice_codes_is_refused(codes: list[str]) -> None:
    with pytest.raises(ValueError):
        in_codes("status", codes)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's partial-index rule")
def test_sqlite_reads_the_partial_indexes_of_the_operator_home() -> None:
    final = ["completed", "declined", "expired"]
    answered = Referral.objects.filter(in_codes("status", final), from_organisation_id=1).order_by(
        "-updated_at", "-id")[:20]
    assert "referrals_outbox_answered" in _plan(answered)
    bound = Referral.objects.filter(status__in=final, from_organisation_id=1).order_by("-updated_at", "-id")[:20]
    assert "referrals_outbox_answered" not in _plan(bound)  # why in_codes exists
    # One bound value SQLite does match with the partial index's `status = 'draft'`.
    drafts = Referral.objects.filter(status="draft", from_organisation_id=1).order_by("-created_at", "-id")[:20]
    assert "referrals_outbox_drafts" in _plan(drafts)


def test_the_home_names_the_final_statuses_as_the_partial_index_does() -> None:
    """SQLite matches the list as written: the home's list and the index's condition must stay in one order."""
    from trama.referrals.access import _FINAL_ANSWERS

    index = next(i for i in Referral._meta.indexes if i.name == "referrals_outbox_answered")
    assert index.condition is not None
    (lookup, values), = index.condition.children
    assert lookup == "status__in" and list(values) == [str(code) for code in _FINAL_ANSWERS]


@pytest.mark.django_db
def test_in_ids_keeps_exactly_the_rows_listed(personas: Personas) -> None:

    every = list(Organisation.objects.values_list("pk", flat=True))
    assert len(every) >= 3
    chosen = every[::2]
    assert set(Organisation.objects.filter(in_ids("pk", chosen)).values_list("pk", flat=True)) == set(chosen)
    assert not Organisation.objects.filter(in_ids("pk", [])).exists()
    assert set(Organisation.objects.exclude(in_ids("pk", chosen)).values_list("pk", flat=True)) == (
        set(every) - set(chosen))
    # One parameter for the whole list, whatever its length.
    _sql, params = Organisation.objects.filter(in_ids("pk", range(5000))).query.sql_with_params()
    assert len(params) == 1


@pytest.mark.parametrize("ids", [["1"], [1.0], [True], [None]])
def test_in_ids_refuses_anything_but_integers(ids: list[object]) -> None:
    with pytest.raises(ValueError):
        in_ids("pk", ids)  # type: ignore[arg-type]
