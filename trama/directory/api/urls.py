"""URLs of the public HSDS 3.1 API, included at ``/api/hsds/`` (namespace ``hsds``).

HSDS paths have no trailing slash (``/services``); one is tolerated. Anything else under the prefix is a JSON 404.
"""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from trama.directory.api import views

app_name = "hsds"

_ID = r"(?P<id>[^/]+)"

urlpatterns: list[URLPattern] = [
    path("", views.root, name="root"),
    path("openapi.json", views.openapi, name="openapi"),
    re_path(r"^schema/(?P<name>[a-z_]+)\.json$", views.schema, name="schema"),
    path("profile/", views.profile, name="profile"),
    re_path(r"^profile/(?P<name>[a-z_]+)\.json$", views.profile_patch, name="profile_patch"),
    re_path(r"^services/?$", views.services, name="services"),
    re_path(rf"^services/{_ID}/?$", views.service, name="service"),
    re_path(r"^organizations/?$", views.organizations, name="organizations"),
    re_path(rf"^organizations/{_ID}/?$", views.organization, name="organization"),
    re_path(r"^service_at_locations/?$", views.service_at_locations, name="service_at_locations"),
    re_path(rf"^service_at_locations/{_ID}/?$", views.service_at_location, name="service_at_location"),
    re_path(r"^taxonomies/?$", views.taxonomies, name="taxonomies"),
    re_path(rf"^taxonomies/{_ID}/?$", views.taxonomy, name="taxonomy"),
    re_path(r"^taxonomy_terms/?$", views.taxonomy_terms, name="taxonomy_terms"),
    re_path(rf"^taxonomy_terms/{_ID}/?$", views.taxonomy_term, name="taxonomy_term"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
