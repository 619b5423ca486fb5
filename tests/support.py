"""Small helpers the tests of several apps share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import Client
from hypothesis import HealthCheck, settings


def logged_in(user: Any) -> Client:
    """A test client with `user` logged in."""
    client = Client()
    client.force_login(user)
    return client


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (its path relative to it) and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def fuzzing(examples: int) -> settings:
    """Hypothesis settings of the fuzz tests: `examples` inputs, the same at
    every run (derandomized, no example database), no deadline on a shared
    machine; function-scoped fixtures are fine, as each example checks
    itself that nothing was written."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
