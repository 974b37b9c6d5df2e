from __future__ import annotations

from django.urls import path

from trama.directory import views_io

urlpatterns = [
    path("import/", views_io.io_import, name="io_import"),
    path("import/modello.xlsx", views_io.io_template, name="io_template"),
    path("import/<uuid:pk>/", views_io.io_job, name="io_job"),
    path("import/<uuid:pk>/stato/", views_io.io_job_status, name="io_job_status"),
    path("export/", views_io.io_export, name="io_export"),
]
