"""What the benchmark scripts share: counting the queries of a request."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """The SQL run inside the block. Counted with a wrapper because each
    request resets Django's own query log."""
    from django.db import connection

    queries: list[str] = []

    def count(run: Any, sql: str, *rest: Any) -> Any:
        queries.append(sql)
        return run(sql, *rest)

    with connection.execute_wrapper(count):
        yield queries


def start_django() -> None:
    """Set Django up on a throw-away SQLite database (or DATABASE_URL if
    set), migrated, with the test environment (local e-mail, test client)."""
    import os
    import tempfile

    tmp = tempfile.mkdtemp(prefix="nap1325-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nap1325.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def median_time(run: Callable[[], object], runs: int) -> float:
    """The median of `runs` timings of `run`, in seconds."""
    import statistics
    import time

    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
