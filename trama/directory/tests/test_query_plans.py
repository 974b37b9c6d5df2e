"""SQLite reads the directory's indexes where the speed of the portal, the API and the distance filters depends on
them. The planner only uses an index when the query is written so it can (e.g. `is_public` as an equality), which
no result test would notice."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import QuerySet

from trama.directory.access import public_services
from trama.directory.models import ServiceAtLocation

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner")]


def _plan(queryset: QuerySet) -> str:  # type: ignore[type-arg]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


def test_a_page_of_public_services_walks_the_index_in_name_order() -> None:
    plan = _plan(public_services().order_by("name", "pk")[:10])
    assert "directory_service_public_name" in plan and "TEMP B-TREE" not in plan


def test_counting_public_services_reads_the_index_alone() -> None:
    # What COUNT(*) reads: the service's status, is_public and organisation.
    assert "COVERING INDEX directory_service_public " in _plan(public_services().order_by().values("organisation_id"))


def test_a_bounding_box_reads_the_places_by_latitude() -> None:
    links = ServiceAtLocation.objects.filter(location__latitude__range=(45.46, 45.47),
                                             location__longitude__range=(9.18, 9.20)).order_by()
    assert "directory_location_point" in _plan(links.values("service_id"))
