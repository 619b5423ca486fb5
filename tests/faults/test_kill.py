"""A process killed in the middle of an import or a workflow action leaves the
database as it was: each operation runs in a real subprocess (child.py),
which pauses inside its transaction (after its last write, before the
commit) or is killed at a random moment of its writes; SIGKILL, then every
row of every table is compared with before, and the same operation run again
succeeds. On SQLite (a file shared with the child) and on PostgreSQL."""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from actors.models import ReportingUnit, Role, RoleAssignment
from nap1325.models import AuditEntry
from operations.actions import adopt
from operations.models import OperationalPlan
from operations.workbook import build_workbook, import_workbook
from plans.models import Indicator, Plan, PlanLoad
from reporting.actions import open_period, submit, validate
from reporting.models import IndicatorValue, ReportingPeriod, Submission, SubmissionStatus
from reporting.workbook import build_report_workbook, import_report_workbook
from tests.conftest import MALI_PLAN
from tests.faults.conftest import Child, SharedDatabase, changed_tables
from tests.support import files_in

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_COMMIT = ("--pause-before-commit",)


def killed_inside(shared: SharedDatabase, *operation: str) -> float:
    """Run the operation until it pauses before its commit (every write
    made, each inside the transaction), kill it, check nothing changed; how
    long it spent writing."""
    shared.push()
    before = shared.everything()
    child = Child(shared, *operation, pause=BEFORE_COMMIT)
    writing = child.wait_for("@writing")
    inside = child.wait_for("@inside")
    child.kill()
    assert "@outside" not in child.output
    assert shared.everything() == before
    return inside - writing


def run_again(shared: SharedDatabase, operation: Callable[[], object]) -> set[str]:
    """The same operation, run to its end after the kill (in the test's own
    process: the child's start-up is the slow part); the tables it changed."""
    before = shared.everything()
    operation()
    shared.push()
    return changed_tables(before, shared.everything())


def test_a_long_import_killed_at_random_moments_leaves_nothing(shared: SharedDatabase) -> None:
    """Mali's plan (63 indicators, 58 framework elements) killed before its
    commit, then at random moments between its first write and its commit."""
    Plan.objects.filter(key="ml-2019-2023").delete()
    operation = ("manage", "loadplan", str(MALI_PLAN))
    writing_time = killed_inside(shared, *operation)
    before = shared.everything()
    seed = random.randrange(1_000_000)
    chance = random.Random(seed)
    for _trial in range(2):
        child = Child(shared, *operation, pause=BEFORE_COMMIT)
        child.wait_for("@writing")
        time.sleep(chance.uniform(0, writing_time))
        child.kill()
        assert shared.everything() == before, f"seed {seed}: {child.output}"
    assert not Plan.objects.filter(key="ml-2019-2023").exists()
    run_again(shared, lambda: call_command("loadplan", str(MALI_PLAN), verbosity=0))
    assert Indicator.objects.filter(plan__key="ml-2019-2023").count() == 63
    assert PlanLoad.objects.filter(plan__key="ml-2019-2023").count() == 1


def test_an_operational_plan_import_killed_leaves_the_version_as_it_was(
    shared: SharedDatabase, costed: OperationalPlan, alice: User, tmp_path: Path
) -> None:
    with translation.override("en"):
        book = load_workbook(io.BytesIO(build_workbook(costed)))
    book["Activities"].append(["ACT7", "Nouvelle", "New", None, None, None, None, "B", "ngo",
                               None, "mwa", None, "Ongoing", 20, None, None, None, "x"])  # fmt: skip
    book["Budget"].append(["ACT7", 2021, "mf", "Atelier", "jour", 100000, 2.5])
    path = tmp_path / "operational-plan.xlsx"
    book.save(path)
    operation = ("import-operational-plan", str(costed.uuid), "alice", str(path))
    killed_inside(shared, *operation)
    with path.open("rb") as upload:
        changed = run_again(shared, lambda: import_workbook(costed, upload, by=alice))
    assert changed >= {"operations_activityversion", "nap1325_auditentry"}
    assert costed.activities.filter(code="ACT7").exists()
    assert AuditEntry.objects.filter(action="activity.create", summary__endswith="ACT7").exists()


@pytest.fixture
def report(
    costed: OperationalPlan, alice: User, units: dict[str, ReportingUnit], period: ReportingPeriod
) -> Submission:
    """The ministry's draft report of 2021 Q1, and bob its focal point."""
    adopt(costed, by=alice)
    open_period(period, by=alice)
    bob = User.objects.create_user("bob")
    RoleAssignment.objects.create(user=bob, role=Role.FOCAL_POINT, unit=units["mwa"])
    return Submission.objects.get(period=period, unit=units["mwa"])


def test_a_report_workbook_import_killed_writes_no_figure(
    shared: SharedDatabase, report: Submission, tmp_path: Path
) -> None:
    book = load_workbook(io.BytesIO(build_report_workbook(report)))
    book["Indicators"]["H2"] = 2
    book["Indicators"]["H7"] = "yes"
    book["Activities"]["D2"] = 40
    book["Narrative"]["B2"] = "Two regional workshops."
    path = tmp_path / "report.xlsx"
    book.save(path)
    operation = ("import-report", str(report.uuid), "bob", str(path))
    killed_inside(shared, *operation)
    assert not IndicatorValue.objects.exists()
    bob = User.objects.get(username="bob")
    with path.open("rb") as upload:
        run_again(shared, lambda: import_report_workbook(report, upload, by=bob))
    report.refresh_from_db()
    assert IndicatorValue.objects.filter(submission=report).count() == 2
    assert report.revision == 1 and report.achievements == "Two regional workshops."
    assert AuditEntry.objects.filter(action="value.change").count() == 2


def test_a_submission_and_a_validation_killed_change_no_status(
    shared: SharedDatabase, report: Submission, alice: User
) -> None:
    bob = User.objects.get(username="bob")
    killed_inside(shared, "submit", str(report.uuid), "bob")
    changed = run_again(shared, lambda: submit(report, by=bob))
    assert changed == {"reporting_submission", "nap1325_auditentry"}
    report.refresh_from_db()
    assert report.status == SubmissionStatus.SUBMITTED

    killed_inside(shared, "validate", str(report.uuid), "alice")
    run_again(shared, lambda: validate(report, by=alice))
    report.refresh_from_db()
    assert report.status == SubmissionStatus.VALIDATED
    assert list(
        AuditEntry.objects.filter(object_id=str(report.uuid))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["submission.submit", "submission.validate"]


def without_restore_entry(rows: dict[str, list[str]]) -> dict[str, list[str]]:
    """The rows, but for the audit entry a finished restore adds after the data."""
    audit = [row for row in rows["nap1325_auditentry"] if "backup.restore" not in row]
    return {**rows, "nap1325_auditentry": audit}


def test_a_restore_killed_at_random_moments_leaves_the_old_data_or_the_backups(
    shared: SharedDatabase, xx: Plan, tmp_path: Path
) -> None:
    """A restore and the programs it runs (pg_restore) killed together, as by
    a power cut, at random moments from the start of the database's
    replacement to a little after its end (where the uploaded files are
    swapped): the data is then either as it was or the backup's, whole,
    never a mix; the uploaded files the old ones or the backup's; and the
    restore run again succeeds."""
    media = shared.folder / "media"
    (media / "evidence").mkdir(parents=True)
    (media / "evidence" / "minutes.pdf").write_bytes(b"%PDF-1.4 minutes")
    shared.push()
    Child(shared, "manage", "backup", str(tmp_path / "backups")).finish()
    [archive] = (tmp_path / "backups").glob("nap1325-backup-*.tar.gz")
    saved, saved_files = shared.everything(), files_in(media)

    def a_bad_day() -> tuple[dict[str, list[str]], dict[str, bytes]]:
        Plan.objects.filter(key=xx.key).delete()
        (media / "evidence" / "minutes.pdf").unlink(missing_ok=True)
        (media / "stray.txt").write_text("not in the backup")
        shared.push()
        return without_restore_entry(shared.everything()), files_in(media)

    # One whole restore, its replacement of the database timed.
    a_bad_day()
    child = Child(shared, "restore", str(archive), group=True)
    replacing = child.wait_for("@replacing")
    took = child.wait_for("@replaced") - replacing
    child.finish(outside=True)
    assert without_restore_entry(shared.everything()) == saved
    assert files_in(media) == saved_files

    seed = random.randrange(1_000_000)
    chance = random.Random(seed)
    outcomes = []
    for _trial in range(4):
        damaged, damaged_files = a_bad_day()
        child = Child(shared, "restore", str(archive), group=True)
        child.wait_for("@replacing")
        time.sleep(chance.uniform(0, 1.5 * took))
        child.kill(may_have_ended=True)
        state = without_restore_entry(shared.everything())
        outcomes.append("old" if state == damaged else "restored")
        assert state in (damaged, saved), f"seed {seed}: a mix of old and restored data"
        # Between the two renames of the swap, the files are beside it.
        swapping = not media.exists() and any(shared.folder.glob(".media-old-*"))
        assert swapping or files_in(media) in (damaged_files, saved_files), f"seed {seed}"

    Child(shared, "restore", str(archive)).finish(outside=True)
    assert without_restore_entry(shared.everything()) == saved, outcomes
    assert files_in(media) == saved_files
