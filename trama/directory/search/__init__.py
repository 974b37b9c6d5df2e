"""Directory search: Italian full-text (text.py), filters, distance and map markers (filters.py), the search form
(forms.py) and the signals that keep the index in sync (signals.py, connected on import).

    from trama.directory.search import SearchForm, SearchParams, filter_services, run_search, search_services

    services = search_services(access.services_visible_to(user), "caffe sospeso")    # ranked QuerySet
    result = run_search(access.services_visible_to(user), SearchParams(text="doposcuola", free=True,
                        origin=Point(45.50, 9.12), radius_km=2), user=user)          # result.services, .distances
"""

from trama.directory.search import signals  # noqa: F401 - connects the index receivers
from trama.directory.search.filters import (
    Point,
    SearchParams,
    SearchResult,
    filter_services,
    haversine_km,
    run_search,
)
from trama.directory.search.forms import SearchForm
from trama.directory.search.signals import deferred_indexing
from trama.directory.search.text import analyse, reindex_all, reindex_service, reindex_services, search_services

__all__ = [
    "Point", "SearchForm", "SearchParams", "SearchResult", "analyse", "deferred_indexing", "filter_services",
    "haversine_km", "reindex_all", "reindex_service", "reindex_services", "run_search",
    "search_services",
]
