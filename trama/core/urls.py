from __future__ import annotations

from django.urls import path

from trama.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("about/data/", views.about_data, name="about_data"),
    path("acting-for/", views.acting_for, name="acting_for"),
    path("audit/", views.audit_log, name="audit_log"),
]
