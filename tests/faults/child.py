"""One operation of the platform in a process of its own, for the fault tests
(tests/faults): the parent reads its markers and kills it where it wants.

    python tests/faults/child.py [--pause-at-write N | --pause-before-commit] OPERATION ARGS…

Markers on standard output: `@started` just before the operation, `@writing`
at its first write (`@replacing` and `@replaced` around a restore's
replacement of the database, which is not Django's SQL), `@inside` when it
pauses (then it sleeps until killed), `@outside SQL` for a write made outside
any transaction, `@done` after it.
The database is the one DATABASE_URL names, as for manage.py."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WRITES = ("INSERT", "UPDATE", "DELETE")


def say(marker: str) -> None:
    sys.stdout.write(f"{marker}\n")
    sys.stdout.flush()


def hold() -> None:
    """Stay inside the transaction until the parent kills the process."""
    say("@inside")
    time.sleep(300)
    say("@not-killed")
    os._exit(9)


def run(operation: str, args: list[str]) -> None:
    from django.contrib.auth.models import User
    from django.core.management import execute_from_command_line

    if operation == "manage":
        execute_from_command_line(["manage.py", *args])
        return
    if operation in ("submit", "validate"):
        from reporting import actions
        from reporting.models import Submission

        uuid, username = args
        action = getattr(actions, operation)
        action(Submission.objects.get(uuid=uuid), by=User.objects.get(username=username))
    elif operation == "import-report":
        from reporting.models import Submission
        from reporting.workbook import import_report_workbook

        uuid, username, path = args
        with open(path, "rb") as upload:
            import_report_workbook(
                Submission.objects.get(uuid=uuid), upload, by=User.objects.get(username=username)
            )
    elif operation == "import-operational-plan":
        from operations.models import OperationalPlan
        from operations.workbook import import_workbook

        uuid, username, path = args
        with open(path, "rb") as upload:
            import_workbook(
                OperationalPlan.objects.get(uuid=uuid),
                upload,
                by=User.objects.get(username=username),
            )
    elif operation == "restore":
        from nap1325 import backup

        replace = backup._restore_database

        def replace_and_say(dump: Path) -> None:
            say("@replacing")  # the database is about to be replaced
            replace(dump)
            say("@replaced")

        backup._restore_database = replace_and_say
        (archive,) = args
        backup.restore_backup(archive)
    else:
        raise SystemExit(f"unknown operation {operation}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pause-at-write", type=int, default=0)
    parser.add_argument("--pause-before-commit", action="store_true")
    parser.add_argument("operation")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nap1325.settings")
    import django

    django.setup()
    from django.db import connection

    writes = 0

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal writes
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith(WRITES):
            writes += 1
            if writes == 1:
                say("@writing")
            if not connection.in_atomic_block:
                say(f"@outside {sql[:120]}")
            elif writes == options.pause_at_write:
                hold()
        return result

    commit = connection.commit

    def commit_or_hold() -> None:
        if options.pause_before_commit and writes:
            hold()
        commit()

    connection.commit = commit_or_hold  # type: ignore[method-assign]
    with connection.execute_wrapper(watch):
        say("@started")
        run(options.operation, options.args)
    say(f"@done {writes}")


if __name__ == "__main__":
    main()
