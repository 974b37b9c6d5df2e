"""Staff pages of the directory. Each part has its own URL module so they can grow independently."""

from __future__ import annotations

from django.urls import include, path

app_name = "directory"
urlpatterns = [
    path("", include("trama.directory.urls_search")),
    path("", include("trama.directory.urls_staff")),
    path("", include("trama.directory.urls_io")),
]
