from __future__ import annotations

from django.urls import path

from trama.territory import views

app_name = "territory"
urlpatterns = [
    path("", views.territory_map, name="map"),
    path("geojson/", views.geojson, name="geojson"),
    path("area/<str:code>/", views.area_detail, name="area_detail"),
]
