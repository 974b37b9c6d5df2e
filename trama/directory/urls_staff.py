"""Staff pages of the directory: a service's page, its forms, places, schedules and the maintainers' queue."""

from __future__ import annotations

from django.urls import path

from trama.directory import views

urlpatterns = [
    path("services/new/", views.service_create, name="service_create"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("services/<int:pk>/verify/", views.service_verify, name="service_verify"),
    path("services/<int:pk>/locations/add/", views.service_location_add, name="service_location_add"),
    path("services/<int:pk>/translations/", views.service_translations, name="service_translations"),
    path("services/<int:pk>/details/<slug:kind_key>/add/", views.detail_add, name="detail_add"),
    path("services/<int:pk>/details/<slug:kind_key>/<int:item_pk>/remove/", views.detail_remove,
         name="detail_remove"),
    path("services/<int:pk>/locations/<int:link_pk>/edit/", views.service_location_edit,
         name="service_location_edit"),
    path("services/<int:pk>/locations/<int:link_pk>/detach/", views.service_location_detach,
         name="service_location_detach"),
    path("services/<int:pk>/locations/<int:link_pk>/schedule/", views.schedule_edit, name="schedule_edit"),
    path("services/<int:pk>/locations/<int:link_pk>/closures/add/", views.closure_add, name="closure_add"),
    path("services/<int:pk>/locations/<int:link_pk>/closures/<int:closure_pk>/remove/", views.closure_remove,
         name="closure_remove"),
    path("to-verify/", views.stale_queue, name="stale_queue"),
]
