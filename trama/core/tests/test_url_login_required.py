"""Generated from the URL configuration: every page except the public ones sends an anonymous visitor to login,
and every route of the JSON API answers an anonymous caller 401 with no data.

New URLs are covered automatically; a new public URL must be added to PUBLIC on purpose."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Pages meant for anonymous visitors, by URL name.
PUBLIC = {
    "core:about_data",
    "accounts:login", "accounts:logout", "accounts:password_reset", "accounts:password_reset_done",
    "accounts:password_reset_confirm", "accounts:password_reset_complete",
    "set_language",
    # Calendar apps cannot log in: the feed is protected by a per-body secret token instead.
    "network:body_calendar_feed",
    # The JSON API's OpenAPI document describes routes, not records; Ninja's root answers 404 (no docs UI).
    "api:openapi-json", "api:api-root",
}
SAMPLE = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith(("admin/", "static/")):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _walk(pattern.url_patterns, route, inner)
        elif pattern.name:
            found.append((f"{namespace}{pattern.name}", route))
    return found


def _sample_path(route: str) -> str:
    route = route.lstrip("^").rstrip("$")
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(str(m.group(1) or "str"), "x"), route)


# The HSDS API and the portal are public by design: they serve only public records (tested in
# trama/directory/tests/test_api* and trama/portal/tests).
PUBLIC_NAMESPACES = ("hsds:", "portal:")

ROUTES = [
    (name, route)
    for name, route in _walk(get_resolver().url_patterns)
    if name not in PUBLIC and not name.startswith(PUBLIC_NAMESPACES)
]


def test_it_found_the_application_urls() -> None:
    names = {name for name, _ in ROUTES}
    assert {"dashboard:home", "network:network_list", "territory:map", "dashboard:audit_log"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[name for name, _ in ROUTES])
def test_it_requires_login(client: Client, name: str, route: str) -> None:
    path = _sample_path(route)
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if response.status_code == 405:
            continue
        if name.startswith("api:"):
            # The JSON API never redirects: clients get 401 and a JSON body without any record data.
            assert response.status_code == 401, f"{method.upper()} {path} ({name}) gave {response.status_code}"
            assert set(response.json()) <= {"detail", "errors"}, f"{path} answered {response.json()}"
            continue
        assert response.status_code == 302, f"{method.upper()} {path} ({name}) gave {response.status_code}"
        assert response.url.startswith("/account/login/"), f"{path} redirected to {response.url}"
