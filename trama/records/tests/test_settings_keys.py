"""TRAMA_RECORDS_KEYS: required in production, validated at start-up, never the development key in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "TRAMA_PROFILE": "production",
    "TRAMA_SECRET_KEY": "k" * 20 + "-x9Qz!" + "p" * 40,
    "TRAMA_ALLOWED_HOSTS": "trama.example.org",
    "DATABASE_URL": "postgresql://trama@localhost/trama",
}
GOOD_KEY = "prod2026:" + "A" * 43 + "="


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRAMA_") and k != "DATABASE_URL"}
    clean.update(env)
    return subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "trama.settings"}, capture_output=True, text=True, timeout=120,
        check=False,
    )


def test_production_requires_the_records_keys() -> None:
    result = _start(PRODUCTION)
    assert result.returncode != 0
    assert "TRAMA_RECORDS_KEYS is required" in result.stderr
    assert _start({**PRODUCTION, "TRAMA_RECORDS_KEYS": GOOD_KEY}).returncode == 0


def test_production_refuses_the_development_key_and_malformed_keys() -> None:
    from django.conf import settings

    result = _start({**PRODUCTION, "TRAMA_RECORDS_KEYS": settings.TRAMA_RECORDS_KEYS})
    assert result.returncode != 0 and "development key" in result.stderr
    result = _start({"TRAMA_RECORDS_KEYS": "k1:c2hvcnQ="})
    assert result.returncode != 0
    assert "TRAMA_RECORDS_KEYS: Key 'k1' must be 32 bytes" in result.stderr
    assert "c2hvcnQ" not in result.stderr
