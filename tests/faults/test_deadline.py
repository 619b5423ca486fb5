"""Many people at once at a reporting deadline, each in a thread of its own
with its own database connection, released together by a barrier: no update
lost, no report submitted twice, no transition made twice, one audit entry
per accepted change and none for a refused one, revisions that count every
change. On PostgreSQL the test database; on SQLite a file copy of it, where
writers queue behind BEGIN IMMEDIATE (settings: transaction_mode)."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import translation
from openpyxl import load_workbook

from actors.models import Institution, ReportingUnit, Role, RoleAssignment
from nap1325.models import AuditEntry
from plans.models import Indicator, IndicatorResponsibility, Plan
from reporting.actions import (
    open_period,
    return_for_revision,
    save_report,
    submit,
    validate,
)
from reporting.entries import ReportInput, ValueInput
from reporting.models import (
    IndicatorValue,
    ReportingPeriod,
    Submission,
    SubmissionStatus,
    ValidationRule,
)
from reporting.workbook import build_report_workbook, import_report_workbook
from tests.faults.conftest import SharedDatabase

pytestmark = pytest.mark.django_db(transaction=True)

SAVED = "saved"


def run_job(shared: SharedDatabase, job: Callable[[], object], barrier: Any = None) -> str:
    """Run a job in this (new) thread with its own connection; SAVED or the
    message it was refused with."""
    if shared.sqlite:  # the shared file, not the test's database in memory
        settings = {**connections.settings["default"], "NAME": str(shared.file)}
        connections["default"] = type(connections["default"])(settings, "default")
    try:
        translation.activate("en")
        if barrier is not None:
            barrier.wait()
        job()
        return SAVED
    except ValidationError as exc:
        return " ".join(exc.messages)
    except Exception as exc:  # any other failure is reported, and the test fails on it
        return f"{type(exc).__name__}: {exc}"
    finally:
        connections.close_all()


def at_once(shared: SharedDatabase, *jobs: Callable[[], object]) -> list[str]:
    """Run the jobs in threads released together; each one's outcome."""
    shared.push()
    barrier = threading.Barrier(len(jobs))
    outcomes = [""] * len(jobs)

    def run(number: int, job: Callable[[], object]) -> None:
        outcomes[number] = run_job(shared, job, barrier)

    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    shared.pull()
    return outcomes


def figures(plan: Plan, **values: int) -> ReportInput:
    return ReportInput(
        values={
            (Indicator.objects.get(plan=plan, key=key).pk, ""): ValueInput(value=Decimal(value))
            for key, value in values.items()
        }
    )


def focal_point(name: str, unit: ReportingUnit) -> User:
    user = User.objects.create_user(name)
    RoleAssignment.objects.create(user=user, role=Role.FOCAL_POINT, unit=unit)
    return user


def actions_on(report: Submission) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(report.uuid))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def value_changes() -> int:
    return AuditEntry.objects.filter(action="value.change").count()


@pytest.fixture
def report(xx: Plan, period: ReportingPeriod, alice: User) -> Submission:
    """The ministry's draft report, with bob and bea its two focal points."""
    unit = ReportingUnit.objects.create(
        country="XX", institution=Institution.objects.get(country="XX", key="mwa")
    )
    open_period(period, by=alice)
    focal_point("bob", unit)
    focal_point("bea", unit)
    return Submission.objects.get(period=period, unit=unit)


def test_twenty_units_save_and_submit_at_the_deadline(
    shared: SharedDatabase, xx: Plan, period: ReportingPeriod, alice: User
) -> None:
    c1 = Indicator.objects.get(plan=xx, key="C1")
    people = {}
    for number in range(20):
        institution = Institution.objects.create(
            country="XX", key=f"ministry-{number}", name_en=f"Ministry {number}", kind="ministry"
        )
        IndicatorResponsibility.objects.create(
            indicator=c1, institution=institution, position=number + 1
        )
        unit = ReportingUnit.objects.create(country="XX", institution=institution)
        people[unit.pk] = focal_point(f"focal-{number}", unit)
    open_period(period, by=alice)
    reports = list(Submission.objects.filter(period=period, unit__in=list(people)))
    assert len(reports) == 20

    def save_then_submit(report: Submission, value: int) -> Callable[[], None]:
        def job() -> None:
            by = people[report.unit_id]
            save_report(report, figures(xx, C1=value), by=by, revision=report.revision)
            submit(report, by=by, revision=report.revision)

        return job

    outcomes = at_once(shared, *(save_then_submit(r, n) for n, r in enumerate(reports)))
    assert outcomes == [SAVED] * 20
    for number, report in enumerate(reports):
        report.refresh_from_db()
        assert (report.status, report.revision) == (SubmissionStatus.SUBMITTED, 2)
        assert IndicatorValue.objects.get(submission=report).value == number
        assert actions_on(report) == ["submission.submit"]
    assert value_changes() == 20


def test_two_focal_points_save_the_same_copy_one_wins(
    shared: SharedDatabase, report: Submission, xx: Plan
) -> None:
    bob, bea = User.objects.get(username="bob"), User.objects.get(username="bea")
    opened = report.revision
    outcomes = at_once(
        shared,
        lambda: save_report(report, figures(xx, C1=5), by=bob, revision=opened),
        lambda: save_report(report, figures(xx, C1=7), by=bea, revision=opened),
    )
    assert sorted(outcomes)[1] == SAVED
    assert "Someone changed this report" in sorted(outcomes)[0]
    winner = 5 if outcomes[0] == SAVED else 7
    assert IndicatorValue.objects.get(submission=report).value == winner
    assert value_changes() == 1
    report.refresh_from_db()
    assert report.revision == opened + 1


def test_a_double_click_submits_once(shared: SharedDatabase, report: Submission) -> None:
    bob = User.objects.get(username="bob")
    outcomes = at_once(shared, *[lambda: submit(report, by=bob)] * 2)
    assert sorted(outcomes) == ["Only a draft or returned report can be submitted.", SAVED]
    report.refresh_from_db()
    assert (report.status, report.revision) == (SubmissionStatus.SUBMITTED, 1)
    assert actions_on(report) == ["submission.submit"]


def test_two_tmu_members_decide_at_once_one_decision_stands(
    shared: SharedDatabase, report: Submission, alice: User
) -> None:
    carol = User.objects.create_user("carol")
    RoleAssignment.objects.create(user=carol, role=Role.TMU_COORDINATOR)
    submit(report, by=User.objects.get(username="bob"))
    report.refresh_from_db()
    outcomes = at_once(
        shared,
        lambda: validate(report, by=alice),
        lambda: return_for_revision(report, by=carol, reason="Figures of Kayes missing."),
    )
    assert outcomes.count(SAVED) == 1
    refused = next(outcome for outcome in outcomes if outcome != SAVED)
    assert refused.startswith("Only a submitted report can be")
    report.refresh_from_db()
    decided = "submission.validate" if outcomes[0] == SAVED else "submission.return"
    status = SubmissionStatus.VALIDATED if outcomes[0] == SAVED else SubmissionStatus.RETURNED
    assert (report.status, report.revision) == (status, 2)
    assert actions_on(report) == ["submission.submit", decided]


def test_a_submission_racing_a_save_never_submits_an_unchecked_figure(
    shared: SharedDatabase, report: Submission, xx: Plan, monkeypatch: Any
) -> None:
    """Bob submits while bea saves a figure the rules refuse: either the save
    comes first and the submission is refused, or the submission comes first
    and the save is refused; never a submitted report with the error."""
    ValidationRule.objects.create(
        plan=xx, indicator=Indicator.objects.get(plan=xx, key="C1"), kind="range",
        severity="error", maximum=10,
    )  # fmt: skip
    bob, bea = User.objects.get(username="bob"), User.objects.get(username="bea")
    save_report(report, figures(xx, C1=3), by=bob, revision=None)
    report.refresh_from_db()
    saving: list[str] = []
    racing: list[threading.Thread] = []

    import reporting.actions

    checked = reporting.actions.check_report

    def check_then_let_bea_save(*args: Any) -> Any:
        """The moment between submit's check and its transition, made long:
        bea's save runs then (or waits for the submission's lock)."""
        found = checked(*args)
        if not saving:
            saving.append("started")
            too_much = figures(xx, C1=50)
            bea_saves = threading.Thread(
                target=lambda: saving.append(
                    run_job(shared, lambda: save_report(report, too_much, by=bea, revision=None))
                )
            )
            racing.append(bea_saves)
            bea_saves.start()
            bea_saves.join(timeout=2)
        return found

    monkeypatch.setattr(reporting.actions, "check_report", check_then_let_bea_save)

    def bob_submits() -> None:
        try:
            submit(report, by=bob)
        finally:
            racing[0].join(timeout=60)

    [submitted] = at_once(shared, bob_submits)
    report.refresh_from_db()
    stored = IndicatorValue.objects.get(submission=report).value
    assert len(saving) == 2, saving
    if submitted == SAVED:
        assert saving[1] == "Only a draft or returned report can be changed."
        assert (report.status, stored) == (SubmissionStatus.SUBMITTED, 3)
    else:
        assert saving[1] == SAVED
        assert (report.status, stored) == (SubmissionStatus.DRAFT, 50)


def test_a_workbook_import_racing_a_form_save_one_wins(
    shared: SharedDatabase, report: Submission, xx: Plan
) -> None:
    bob, bea = User.objects.get(username="bob"), User.objects.get(username="bea")
    book = load_workbook(io.BytesIO(build_report_workbook(report)))
    book["Indicators"]["H2"] = 2
    upload = io.BytesIO()
    book.save(upload)
    opened = report.revision

    def import_workbook() -> None:
        upload.seek(0)
        import_report_workbook(Submission.objects.get(pk=report.pk), upload, by=bob)

    def save_form() -> None:
        save_report(Submission.objects.get(pk=report.pk), nine, by=bea, revision=opened)

    nine = figures(xx, C1=9)
    outcomes = at_once(shared, import_workbook, save_form)
    assert outcomes.count(SAVED) == 1, outcomes
    refusal = next(o for o in outcomes if o != SAVED)
    # The workbook's own check says so when the form's save came first and
    # committed before the import read the revision; the save's, when it lost.
    assert (
        "Someone changed this report" in refusal
        or "the report changed on the site after this workbook was downloaded" in refusal
    ), refusal
    report.refresh_from_db()
    assert report.revision == opened + 1
    c1 = IndicatorValue.objects.get(submission=report, indicator__key="C1").value
    assert c1 == (2 if outcomes[0] == SAVED else 9)
    assert value_changes() == IndicatorValue.objects.filter(submission=report).count()
