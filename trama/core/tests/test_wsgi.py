"""The WSGI entry point: it serves requests, and what it loaded at start-up is out of the collector's reach."""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Iterator
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@pytest.fixture
def fresh_wsgi() -> Iterator[object]:
    gc.unfreeze()
    sys.modules.pop("trama.wsgi", None)
    try:
        yield importlib.import_module("trama.wsgi")
    finally:
        gc.unfreeze()  # the test process's objects go back to the collector


def test_import_freezes_the_startup_objects(fresh_wsgi: object) -> None:
    assert isinstance(fresh_wsgi.application, WSGIHandler)  # type: ignore[attr-defined]
    assert gc.get_freeze_count() > 10_000  # settings, apps, models, every view module


@pytest.mark.django_db
def test_the_application_serves_requests_after_the_freeze(fresh_wsgi: object) -> None:
    environ: dict[str, object] = {"PATH_INFO": "/aiuto/", "REQUEST_METHOD": "GET", "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    statuses: list[str] = []
    # As Django's test client does: the request signals would close the test's database connection (and its
    # transaction) on PostgreSQL.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(fresh_wsgi.application(environ, lambda status, headers: statuses.append(status)))  # type: ignore[attr-defined]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert statuses == ["200 OK"]
    assert b"Trova aiuto" in body
