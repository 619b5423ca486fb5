"""Project hygiene: migrations match models, translations are complete and
current, production settings pass Django's deploy checks."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import polib
import pytest
from django.core.management import call_command

from tests.conftest import ROOT


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_translations_are_complete(language: str) -> None:
    catalog = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    assert len(catalog) > 100
    missing = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert not missing, f"untranslated in {language}: {missing[:10]}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:10]}"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_translations_compile_without_errors(language: str) -> None:
    """What `make run` compiles: a placeholder that does not match its
    original (a bare "%" read as one) would stop the catalogue compiling."""
    from babel.messages.pofile import read_po

    with (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        catalog = read_po(po_file)
    assert not catalog.fuzzy, "the catalogue's header is marked fuzzy: it would not compile"
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
    assert not problems, problems[:5]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (CI installs it)")
def test_translation_files_match_the_code(tmp_path: Path) -> None:
    """Every string marked in the code is in the .po files: run `make makemessages`.
    It runs on a copy of the project, so the real catalogues are never touched."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", ".git", "*cache*", "staticfiles", "*.sqlite3"),
    )
    subprocess.run(
        [
            sys.executable, "manage.py", "makemessages", "--locale", "fr", "--locale", "en",
            "--no-obsolete", "--no-location",
        ],
        cwd=copy, check=True, capture_output=True, env={**os.environ, "DEBUG": "1"},
    )  # fmt: skip
    for language in ("fr", "en"):
        fresh = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        kept = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
        assert {e.msgid for e in fresh} == {e.msgid for e in kept}, (
            f"{language}: run `make makemessages` and translate the new strings"
        )


def test_deploy_checks_pass_with_the_documented_production_settings() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL", "SECRET_KEY")}
    env |= {
        "SECRET_KEY": "a" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "nap1325.example.org",
        "SECURE_HSTS_PRELOAD": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_checks_refuse_the_demo_key() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    env |= {"ALLOWED_HOSTS": "nap1325.example.org"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT, capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert result.returncode != 0
    assert "nap1325.E001" in result.stderr


@pytest.mark.django_db
def test_the_health_endpoint_says_ok_or_what_fails(client: Any, monkeypatch: Any) -> None:
    answer = client.get("/health/")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok", "migrations": "ok"}
    assert "no-cache" in answer["Cache-Control"]

    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    pending = client.get("/health/")
    assert pending.status_code == 503 and pending.json()["migrations"] == "pending"
