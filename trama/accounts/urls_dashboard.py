"""The signed-in home page, the acting-organisation switch and the audit log page, at the site root."""

from __future__ import annotations

from django.urls import path

from trama.accounts import views_dashboard as views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("acting-for/", views.acting_for, name="acting_for"),
    path("audit/", views.audit_log, name="audit_log"),
]
