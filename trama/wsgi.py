"""WSGI entry point (gunicorn trama.wsgi)."""

from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trama.settings")
application = get_wsgi_application()


def freeze_startup_objects() -> None:
    """Load every view module now (through the URL configuration, as the first request would) and put everything
    loaded so far out of the garbage collector's reach (`gc.freeze`): some 190,000 objects that live as long as
    the process, which each full collection would walk again — a pause of about 100 ms in the middle of whichever
    request triggers it, every few dozen requests (bench/bench_records.py). The requests' own objects are
    collected as before."""
    get_resolver().url_patterns  # noqa: B018 - the property imports the URL configuration and every view
    gc.collect()
    gc.freeze()


freeze_startup_objects()
