"""The WSGI application of the records benchmark: trama.wsgi, with the audit write turned off when
TRAMA_BENCH_NO_AUDIT=1 (bench only: it measures what one audit INSERT costs a page under load).

    gunicorn records_wsgi:application --chdir <repo> --pythonpath <repo>/bench
"""

from __future__ import annotations

import os
from typing import Any

from trama.wsgi import application

if os.environ.get("TRAMA_BENCH_NO_AUDIT") == "1":
    from trama.core import audit

    def _no_audit(**kwargs: Any) -> None:
        return None

    # Every caller goes through the module attribute (`from trama.core import audit; audit.record(...)`).
    audit.record = _no_audit  # type: ignore[assignment]

__all__ = ["application"]
