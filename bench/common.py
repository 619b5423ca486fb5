"""What the benchmark scripts share: their database, the synthetic load,
their common options and counting the queries of a request."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
    import atexit
    import os
    import shutil
    import tempfile

    tmp = tempfile.mkdtemp(prefix="nap1325-bench-")
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
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


@contextmanager
def throwaway_database(name: str = "nap1325_bench") -> Iterator[str]:
    """A database of the bench's own, never the site's: with a PostgreSQL
    DATABASE_URL, a database `name` beside it (its role needs CREATEDB),
    created empty and dropped at the end; else a temporary SQLite file,
    deleted at the end. DATABASE_URL points to it inside the block (call
    start_django there); yields its vendor, "postgresql" or "sqlite"."""
    import os
    import shutil
    import tempfile
    from urllib.parse import urlsplit, urlunsplit

    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith(("postgres://", "postgresql://")):
        tmp = tempfile.mkdtemp(prefix="nap1325-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        try:
            yield "sqlite"
        finally:
            _close_django_connections()
            shutil.rmtree(tmp, ignore_errors=True)
        return

    import psycopg
    from psycopg import sql

    parts = urlsplit(given)
    if parts.path.lstrip("/") == name:
        raise SystemExit(f"DATABASE_URL names {name}: give the site's database, not the bench's")
    database = sql.Identifier(name)

    def run(statement: sql.Composed) -> None:
        # The site's database only serves to connect: nothing is read or written in it.
        with psycopg.connect(given, autocommit=True) as maintenance:
            maintenance.execute(statement)

    run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
    run(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(database))
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield "postgresql"
    finally:
        _close_django_connections()
        os.environ["DATABASE_URL"] = given
        run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))


def _close_django_connections() -> None:
    """Let the database go: Django keeps its connections open (CONN_MAX_AGE)."""
    from django.db import connections

    connections.close_all()


@dataclass(frozen=True)
class Synthetic:
    """A synthetic plan loaded into the bench's database."""

    vendor: str  # "sqlite" or "postgresql"
    plan: Any
    reports: int
    seconds: float  # how long the load took


def synthetic_arguments(parser: argparse.ArgumentParser, *, year: int = 2023) -> None:
    """The options of every bench that runs on a synthetic load."""
    parser.add_argument("--figures", "--values", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1325)
    parser.add_argument("--year", type=int, default=year)
    parser.add_argument(
        "--analyze", action="store_true", help="SQLite: run ANALYZE after loading (statistics)"
    )


def on_synthetic(
    description: str,
    arguments: Callable[[argparse.ArgumentParser], None],
    measure: Callable[[argparse.Namespace, Synthetic], None],
) -> None:
    """A bench's `main`: parse its options, load `--figures` synthetic
    figures into a throw-away database, say how long that took, measure."""
    parser = argparse.ArgumentParser(description=description)
    arguments(parser)
    args = parser.parse_args()
    with throwaway_database() as vendor:
        start_django()
        loaded = load_synthetic(vendor, args.figures, args.seed, analyze=args.analyze)
        announce(args, loaded)
        measure(args, loaded)


def announce(args: argparse.Namespace, loaded: Synthetic) -> None:
    print(f"== synthetic load: {args.figures:,} figures asked, {loaded.reports:,} validated "
          f"reports, seed {args.seed}, {loaded.seconds:.1f} s", flush=True)  # fmt: skip


def load_synthetic(vendor: str, figures: int, seed: int, *, analyze: bool = False) -> Synthetic:
    """The synthetic plan of `reporting.synthetic` with about `figures`
    validated figures, bulk-loaded (the bench's database is its own);
    SQLite gets statistics only if `analyze`, as a site gets none until
    someone runs ANALYZE."""
    import time

    from django.db import connection

    from reporting.synthetic import make_synthetic

    start = time.perf_counter()
    made = make_synthetic(figures, seed=seed, bulk_load=True)
    if analyze and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Synthetic(vendor, made.plan, made.reports, time.perf_counter() - start)


def publish_year(plan: Any, year: int) -> Any:
    """Publish the plan's figures of `year` (what the public reads), by an
    administrator made for the bench; returns that administrator."""
    from django.contrib.auth import get_user_model

    from publishing.actions import is_published, publish

    admin = get_user_model().objects.filter(username="bench-admin").first()
    if admin is None:
        admin = get_user_model().objects.create_superuser("bench-admin", "bench@localhost", None)
    if not is_published(plan, year):
        publish(plan, year, "data", by=admin)
    return admin
