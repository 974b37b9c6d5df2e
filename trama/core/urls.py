from __future__ import annotations

from django.urls import path

from trama.core import views

app_name = "core"
urlpatterns = [
    path("about/data/", views.about_data, name="about_data"),
]
