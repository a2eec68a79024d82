import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from umkm_portal.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "SECRET_KEY": "k7#Qz9!pW2vX$mN4rT8yB1cF6hJ0dL3sG5aE-production-like-secret",
    "ALLOWED_HOSTS": "umkm.sidoarjokab.go.id",
    "DATABASE_URL": "postgres://umkm:rahasia@db.internal:5432/umkm",
}


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_settings_pass_check_deploy_without_a_warning():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked_for():
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", env=PRODUCTION_ENV)

    assert result.stdout.strip().endswith("False"), result.stderr


def test_missing_secret_key_stops_the_start_without_debug():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [("", "DATABASE_URL is required"), ("sqlite:///umkm.db", "must point to PostgreSQL")],
)
def test_database_must_be_postgresql(url, message):
    result = run_manage("check", env=PRODUCTION_ENV | {"DATABASE_URL": url})

    assert result.returncode != 0
    assert message in result.stderr


def test_malformed_boolean_stops_the_start():
    result = run_manage("check", env=PRODUCTION_ENV | {"DEBUG": "yes"})

    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("OFF", False), ("0", False), ("", False)])
def test_env_bool_reads_only_clear_values(monkeypatch, raw, expected):
    monkeypatch.setenv("UMKM_FLAG", raw)

    assert env_bool("UMKM_FLAG", default=False) is expected


@pytest.mark.parametrize("raw", ["yes", "y", "enabled", "2"])
def test_env_bool_rejects_anything_else(monkeypatch, raw):
    monkeypatch.setenv("UMKM_FLAG", raw)

    with pytest.raises(ImproperlyConfigured):
        env_bool("UMKM_FLAG", default=False)


def test_env_int_rejects_text(monkeypatch):
    monkeypatch.setenv("UMKM_NUMBER", "sepuluh")

    with pytest.raises(ImproperlyConfigured):
        env_int("UMKM_NUMBER", default=1)


def test_env_list_and_str(monkeypatch):
    monkeypatch.setenv("UMKM_HOSTS", " a.go.id, ,b.go.id ")
    monkeypatch.delenv("UMKM_MISSING", raising=False)

    assert env_list("UMKM_HOSTS") == ["a.go.id", "b.go.id"]
    assert env_str("UMKM_MISSING", default="x") == "x"
    with pytest.raises(ImproperlyConfigured):
        env_str("UMKM_MISSING")


def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "id"
    assert settings.TIME_ZONE == "Asia/Jakarta"
