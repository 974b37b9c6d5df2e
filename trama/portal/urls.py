"""The public portal "Trova aiuto", mounted at /aiuto/ (namespace "portal"); no login anywhere."""

from __future__ import annotations

from django.urls import path

from trama.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.search, name="search"),
    path("mappa.json", views.search_map, name="search_map"),
    path("servizi/<int:pk>/", views.service, name="service"),
    path("municipi/", views.municipi, name="municipi"),
    path("municipio/<int:number>/", views.access_points, name="access_points"),
    path("municipio/<int:number>/volantino.pdf", views.flyer, name="flyer"),
]
