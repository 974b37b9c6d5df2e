"""Settings read from the environment fail loudly and clearly on bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from trama.env import database_from_url, env_bool, env_choice, env_int, env_list

ROOT = Path(__file__).resolve().parents[3]


def test_it_parses_booleans() -> None:
    assert env_bool("X", False, {"X": "yes"}) is True
    assert env_bool("X", True, {"X": "0"}) is False
    assert env_bool("X", True, {}) is True
    with pytest.raises(ImproperlyConfigured, match="X='maybe' is not a boolean"):
        env_bool("X", False, {"X": "maybe"})


def test_it_parses_integers_with_bounds() -> None:
    assert env_int("N", 3, environ={"N": "7"}) == 7
    assert env_int("N", 3, environ={}) == 3
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("N", 3, environ={"N": "seven"})
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("N", 3, minimum=1, environ={"N": "0"})
    with pytest.raises(ImproperlyConfigured, match="at most 150"):
        env_int("N", 3, minimum=1, maximum=150, environ={"N": "3000"})


def test_it_parses_lists_and_choices() -> None:
    assert env_list("H", [], {"H": "a.example, b.example,"}) == ["a.example", "b.example"]
    assert env_choice("P", "dev", {"dev", "production"}, {}) == "dev"
    with pytest.raises(ImproperlyConfigured, match="one of"):
        env_choice("P", "dev", {"dev", "production"}, {"P": "staging"})


def test_it_accepts_only_postgresql_or_sqlite_urls() -> None:
    config = database_from_url("postgresql://user:pw@db.example:5432/trama")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "trama"
    assert config["OPTIONS"] == {"options": "-c jit=off"}  # short queries: no JIT compilation
    assert database_from_url("sqlite:///tmp/x.sqlite3").get("OPTIONS") in (None, {})
    custom = database_from_url("postgresql://u@/trama?host=/run/pg&options=-c%20statement_timeout%3D5000")
    assert custom["OPTIONS"] == {"host": "/run/pg", "options": "-c statement_timeout=5000"}  # the URL's own wins
    pooled = database_from_url("postgresql://u@pgbouncer:6432/trama", jit_off=False)  # PgBouncer refuses options
    assert pooled.get("OPTIONS") in (None, {})
    with pytest.raises(ImproperlyConfigured, match="must start with"):
        database_from_url("mysql://u:p@h/db")


def _settings_process(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRAMA_") and k != "DATABASE_URL"}
    clean.update(env)
    return subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False,
    )


def test_it_passes_check_deploy_in_the_production_profile() -> None:
    result = _settings_process({
        "TRAMA_PROFILE": "production",
        "TRAMA_SECRET_KEY": "k" * 20 + "-x9Qz!" + "p" * 40,
        "TRAMA_ALLOWED_HOSTS": "trama.example.org",
        "DATABASE_URL": "postgresql://trama@localhost/trama",
        "TRAMA_RECORDS_KEYS": "prod2026:" + "A" * 43 + "=",
    })
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_it_refuses_production_without_a_secret_key() -> None:
    result = _settings_process({"TRAMA_PROFILE": "production", "TRAMA_ALLOWED_HOSTS": "x.example",
                                "DATABASE_URL": "postgresql://trama@localhost/trama"})
    assert result.returncode != 0
    assert "TRAMA_SECRET_KEY is required" in result.stderr


def test_it_names_the_variable_with_a_bad_value() -> None:
    result = _settings_process({"TRAMA_DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "TRAMA_DEBUG='perhaps' is not a boolean" in result.stderr
