"""What the benchmark scripts share: counting the queries of a request."""

from __future__ import annotations

from collections.abc import Iterator
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
