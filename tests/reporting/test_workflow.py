"""The reporting workflow through its actions: open a period, submit, return,
submit again, validate, reopen, lock — with rights, reasons, stale forms and
two people acting at once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from actors.models import ReportingUnit, Role, RoleAssignment
from nap1325.models import AuditEntry
from plans.models import Plan
from reporting.actions import (
    lock_period,
    open_period,
    reopen,
    return_for_revision,
    submit,
    validate,
)
from reporting.models import ReportingPeriod, Submission, SubmissionStatus
from tests.reporting.conftest import focal_point

pytestmark = pytest.mark.django_db


def test_the_whole_cycle(
    period: ReportingPeriod, units: dict[str, ReportingUnit], alice: Any
) -> None:
    bob = focal_point("bob", units["mwa"])
    submissions = open_period(period, by=alice)
    assert {str(s.unit) for s in submissions} == {"Ministry of Women (MWA)", "Women's Network"}
    report = Submission.objects.get(period=period, unit=units["mwa"])
    assert report.status == "draft"

    submit(report, by=bob)
    assert report.status == "submitted" and report.submitted_by == bob
    with pytest.raises(ValidationError):
        return_for_revision(report, by=alice, reason="  ")
    return_for_revision(report, by=alice, reason="The women's share is missing.")
    assert (report.status, report.return_reason) == ("returned", "The women's share is missing.")
    submit(report, by=bob)
    validate(report, by=alice)
    assert report.status == "validated" and report.validated_by == alice
    with pytest.raises(ValidationError, match="Only a draft or returned report"):
        submit(report, by=bob)  # a validated report is locked
    reopen(report, by=alice, reason="A figure was corrected by the ministry.")
    assert report.status == "draft"
    actions = list(
        AuditEntry.objects.filter(object_id=str(report.uuid))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "submission.submit", "submission.return", "submission.submit", "submission.validate", "submission.reopen"
    ]  # fmt: skip
    reopened = AuditEntry.objects.get(action="submission.reopen")
    assert reopened.user == alice and reopened.after is not None
    assert reopened.after["return_reason"] == "A figure was corrected by the ministry."


def test_rights(period: ReportingPeriod, units: dict[str, ReportingUnit], alice: Any) -> None:
    bob = focal_point("bob", units["mwa"])
    open_period(period, by=alice)
    theirs = Submission.objects.get(period=period, unit=units["ngo"])
    with pytest.raises(PermissionDenied):
        submit(theirs, by=bob)  # bob reports for the ministry only
    with pytest.raises(PermissionDenied):
        open_period(period, by=bob)
    ours = Submission.objects.get(period=period, unit=units["mwa"])
    submit(ours, by=bob)
    with pytest.raises(PermissionDenied):
        validate(ours, by=bob)
    tmu_reporter = User.objects.create_user("tessa")
    RoleAssignment.objects.create(user=tmu_reporter, role=Role.ME_OFFICER)
    RoleAssignment.objects.create(user=tmu_reporter, role=Role.FOCAL_POINT, unit=units["ngo"])
    submit(theirs, by=tmu_reporter)
    with pytest.raises(PermissionDenied, match="Nobody validates a report they submitted"):
        validate(theirs, by=tmu_reporter)
    # The rule reads the database, not the caller's copy: a copy loaded
    # before someone else's submission does not let its submitter through.
    stale = Submission.objects.get(period=period, unit=units["ngo"])
    stale.submitted_by = None
    with pytest.raises(PermissionDenied, match="Nobody validates a report they submitted"):
        validate(stale, by=tmu_reporter)
    theirs.refresh_from_db()
    assert theirs.status == SubmissionStatus.SUBMITTED


def test_a_stale_form_is_refused(
    period: ReportingPeriod, units: dict[str, ReportingUnit], alice: Any
) -> None:
    bob = focal_point("bob", units["mwa"])
    open_period(period, by=alice)
    report = Submission.objects.get(period=period, unit=units["mwa"])
    opened_at = report.revision
    submit(report, by=bob, revision=opened_at)
    return_for_revision(report, by=alice, reason="Check the totals.")
    with pytest.raises(ValidationError, match="Someone changed this report"):
        submit(report, by=bob, revision=opened_at)  # the copy bob had is two changes old
    assert Submission.objects.get(pk=report.pk).status == "returned"


def test_two_validations_at_once_one_wins(
    period: ReportingPeriod, units: dict[str, ReportingUnit], alice: Any
) -> None:
    bob = focal_point("bob", units["mwa"])
    carol = User.objects.create_user("carol")
    RoleAssignment.objects.create(user=carol, role=Role.TMU_COORDINATOR)
    open_period(period, by=alice)
    report = Submission.objects.get(period=period, unit=units["mwa"])
    submit(report, by=bob)
    alices_copy = Submission.objects.get(pk=report.pk)
    carols_copy = Submission.objects.get(pk=report.pk)
    validate(alices_copy, by=alice)
    with pytest.raises(ValidationError, match="Only a submitted report"):
        validate(carols_copy, by=carol)
    assert AuditEntry.objects.filter(action="submission.validate").count() == 1


def test_a_locked_period_refuses_changes(
    period: ReportingPeriod, units: dict[str, ReportingUnit], alice: Any
) -> None:
    bob = focal_point("bob", units["mwa"])
    open_period(period, by=alice)
    with pytest.raises(ValidationError):
        open_period(period, by=alice)  # already open
    lock_period(period, by=alice)
    report = Submission.objects.get(period=period, unit=units["mwa"])
    with pytest.raises(ValidationError, match="not open"):
        submit(report, by=bob)


def test_periods_are_well_formed(xx: Plan) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingPeriod.objects.create(
            plan=xx,
            kind="quarter",
            year=2021,
            quarter=5,
            opens_on=date(2021, 1, 1),
            deadline=date(2021, 2, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingPeriod.objects.create(
            plan=xx, kind="year", year=2021, opens_on=date(2021, 3, 1), deadline=date(2021, 2, 1)
        )
