"""The staff search page and map of the directory (included by trama.directory.urls, namespace "directory")."""

from __future__ import annotations

from django.urls import path

from trama.directory import views_search

urlpatterns = [
    path("", views_search.search, name="search"),
    path("map.json", views_search.search_map, name="search_map"),
]
