"""What the fault tests share: the test database as another process reaches
it, a snapshot of every row, and a child process that runs one operation and
can be killed inside its transaction (tests/faults/child.py)."""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

CHILD = Path(__file__).resolve().parent / "child.py"
ROOT = CHILD.parents[2]


class SharedDatabase:
    """The test's database, reachable from a subprocess. PostgreSQL's test
    database is shared as it is; SQLite's is in memory, so it is copied to a
    file for the child (`push`) and back for the checks (`pull`), with
    SQLite's backup API (milliseconds, no migration)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / "shared.sqlite3"
        self.sqlite = connection.vendor == "sqlite"

    @property
    def url(self) -> str:
        if self.sqlite:
            return f"sqlite:///{self.file}"
        s = connection.settings_dict
        assert str(s["NAME"]).startswith("test_"), "never a real database"
        user = f"{quote(s['USER'])}:{quote(s['PASSWORD'])}@" if s["USER"] else ""
        return f"postgres://{user}{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"

    def push(self) -> None:
        """Make what the test wrote visible to child processes."""
        if self.sqlite:
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            try:
                connection.connection.backup(target)
            finally:
                target.close()

    def pull(self) -> None:
        """Make what child processes wrote visible to the test."""
        if self.sqlite:
            connection.ensure_connection()
            source = sqlite3.connect(self.file)  # rolls back a killed child's journal
            try:
                source.backup(connection.connection)
            finally:
                source.close()

    def everything(self) -> dict[str, list[str]]:
        """Every row of every table (after `pull`), in a stable order."""
        self.pull()
        rows: dict[str, list[str]] = {}
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                rows[table] = sorted(repr(row) for row in cursor.fetchall())
        return rows

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "PYTHONPATH": str(ROOT),
            "MEDIA_ROOT": str(self.folder / "media"),
            "DB_CONN_MAX_AGE": "0",
        }


def changed_tables(before: dict[str, list[str]], after: dict[str, list[str]]) -> set[str]:
    return {
        table for table in before.keys() | after.keys() if before.get(table) != after.get(table)
    }


class Child:
    """A running child.py: `wait_for` a marker, `kill` it, or let it `finish`."""

    def __init__(
        self,
        shared: SharedDatabase,
        *operation: str,
        pause: tuple[str, ...] = (),
        group: bool = False,
    ):
        """`group`: the child and the programs it starts (pg_restore) are
        killed together, as a power cut would."""
        self.errors = shared.folder / f"child-{time.monotonic_ns()}.err"
        self.group = group
        with self.errors.open("wb") as errors:
            self.process = subprocess.Popen(
                [sys.executable, str(CHILD), *pause, *operation],
                stdout=subprocess.PIPE,
                stderr=errors,
                env=shared.environment(),
                cwd=ROOT,
                start_new_session=group,
            )
        self.output = ""
        self._buffer = b""

    def _lines(self, timeout: float) -> list[str]:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            return []
        chunk = os.read(self.process.stdout.fileno(), 65536)
        if not chunk:
            raise EOFError
        self._buffer += chunk
        *lines, rest = self._buffer.split(b"\n")
        self._buffer = rest
        text = [line.decode() for line in lines]
        self.output += "".join(f"{line}\n" for line in text)
        return text

    def wait_for(self, marker: str, timeout: float = 60) -> float:
        """The moment the child printed `marker`; fails if it ends first."""
        if f"\n{marker}" in f"\n{self.output}":
            return time.monotonic()
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                lines = self._lines(min(0.5, end - time.monotonic()))
            except EOFError:
                break
            if any(line.startswith(marker) for line in lines):
                return time.monotonic()
        self.process.kill()
        self.process.communicate(timeout=30)
        pytest.fail(f"no {marker}: {self.output}\n{self.errors.read_text()[-3000:]}")

    def kill(self, *, may_have_ended: bool = False) -> None:
        """SIGKILL; `may_have_ended`: a child that had already succeeded is
        accepted (a kill timed at random may come after the end)."""
        try:
            if self.group:
                os.killpg(self.process.pid, signal.SIGKILL)
            else:
                self.process.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)
        assert self.process.stdout is not None
        self.process.stdout.close()
        ended = may_have_ended and self.process.returncode == 0
        assert ended or self.process.returncode == -signal.SIGKILL, self.process.returncode

    def finish(self, timeout: float = 120, *, outside: bool = False) -> str:
        """Let it run to the end; its output, once it succeeded. `outside`:
        writes outside a transaction are expected (a restore's audit entry,
        written once the data is back)."""
        assert self.process.stdout is not None
        rest, _ = self.process.communicate(timeout=timeout)
        self.output += (self._buffer + rest).decode()
        assert self.process.returncode == 0, self.output + self.errors.read_text()[-3000:]
        assert "@done" in self.output, self.output
        assert outside or "@outside" not in self.output, self.output
        return self.output


@pytest.fixture
def shared(transactional_db: Any, tmp_path: Path) -> SharedDatabase:
    return SharedDatabase(tmp_path)


# --- the small plan's reporting cast, as in tests/reporting ----------------------


@pytest.fixture
def units(xx: Any) -> dict[str, Any]:
    from actors.models import Institution, ReportingUnit

    return {
        key: ReportingUnit.objects.create(
            country="XX", institution=Institution.objects.get(country="XX", key=key)
        )
        for key in ("mwa", "ngo")
    }


@pytest.fixture
def period(xx: Any) -> Any:
    from datetime import date

    from reporting.models import ReportingPeriod

    return ReportingPeriod.objects.create(
        plan=xx, kind="quarter", year=2021, quarter=1,
        opens_on=date(2021, 3, 15), deadline=date(2021, 4, 15),
    )  # fmt: skip
