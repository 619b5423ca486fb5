"""The reporting workflow, one action per transition. Each checks rights and
state, changes the state with a conditional update (two people acting at once
cannot both win), writes the audit trail, and is the only code that does so.

    draft ──submit──▶ submitted ──validate──▶ validated ──reopen──▶ draft
                          │                                   (TMU, with a reason)
                          └──return (reason)──▶ returned ──submit──▶ submitted
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import ReportingUnit
from actors.permissions import may
from nap1325.models import audit
from operations.models import ActivityVersion
from reporting.models import (
    PeriodStatus,
    ReportingPeriod,
    Submission,
    SubmissionStatus,
)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def expected_units(period: ReportingPeriod) -> list[ReportingUnit]:
    """The units that report for a period: every active unit whose institution
    is responsible for an indicator of the plan or leads one of its activities."""
    plan = period.plan
    responsible = plan.indicators.filter(responsible__isnull=False).values("responsible")
    leading = ActivityVersion.objects.filter(
        operational_plan__plan=plan, lead__isnull=False
    ).values("lead")
    return list(
        ReportingUnit.objects.filter(active=True, country=plan.country)
        .filter(Q(institution__in=responsible) | Q(institution__in=leading))
        .select_related("institution", "place")
        .order_by("pk")
    )


def open_period(period: ReportingPeriod, *, by: Any) -> list[Submission]:
    """Open a planned period: each expected unit gets its draft submission."""
    _require(may(by, "manage_periods"), _("Only the Technical Management Unit opens periods."))
    with transaction.atomic():
        opened = ReportingPeriod.objects.filter(pk=period.pk, status=PeriodStatus.PLANNED).update(
            status=PeriodStatus.OPEN
        )
        if opened != 1:
            raise ValidationError(_("This period is not waiting to be opened."))
        submissions = Submission.objects.bulk_create(
            Submission(period=period, unit=unit) for unit in expected_units(period)
        )
        audit(
            "period.open",
            period,
            user=by,
            after={"status": "open", "expected": [str(s.unit) for s in submissions]},
        )
    period.status = PeriodStatus.OPEN
    return submissions


def lock_period(period: ReportingPeriod, *, by: Any) -> None:
    """Lock an open period: nothing of it changes any more."""
    _require(may(by, "manage_periods"), _("Only the Technical Management Unit locks periods."))
    with transaction.atomic():
        if (
            ReportingPeriod.objects.filter(pk=period.pk, status=PeriodStatus.OPEN).update(
                status=PeriodStatus.LOCKED
            )
            != 1
        ):
            raise ValidationError(_("Only an open period can be locked."))
        audit("period.lock", period, user=by, before={"status": "open"}, after={"status": "locked"})
    period.status = PeriodStatus.LOCKED


def _transition(
    submission: Submission,
    *,
    action: str,
    by: Any,
    allowed_from: tuple[str, ...],
    to: str,
    revision: int | None,
    refusal: str,
    **changes: Any,
) -> None:
    with transaction.atomic():
        period_status = (
            ReportingPeriod.objects.select_for_update()
            .values_list("status", flat=True)
            .get(pk=submission.period_id)
        )
        if period_status != PeriodStatus.OPEN:
            raise ValidationError(_("This period is not open: its reports cannot change."))
        rows = Submission.objects.filter(pk=submission.pk, status__in=allowed_from)
        if revision is not None:
            rows = rows.filter(revision=revision)
        before = Submission.objects.values("status", "revision").get(pk=submission.pk)
        if rows.update(status=to, revision=F("revision") + 1, **changes) != 1:
            if revision is not None and before["revision"] != revision:
                raise ValidationError(
                    _(
                        "Someone changed this report since you opened it: "
                        "reload it, nothing was overwritten."
                    )
                )
            raise ValidationError(refusal)
        audit(
            action,
            submission,
            user=by,
            before={"status": before["status"]},
            after={"status": to, **{k: str(v) for k, v in changes.items() if k.endswith("reason")}},
        )
    submission.refresh_from_db()


def submit(submission: Submission, *, by: Any, revision: int | None = None) -> None:
    """A focal point sends the unit's report to the Technical Management Unit."""
    _require(may(by, "report_for_unit", submission), _("You do not report for this unit."))
    _transition(
        submission,
        action="submission.submit",
        by=by,
        allowed_from=(SubmissionStatus.DRAFT, SubmissionStatus.RETURNED),
        to=SubmissionStatus.SUBMITTED,
        revision=revision,
        refusal=_("Only a draft or returned report can be submitted."),
        submitted_at=timezone.now(),
        submitted_by=by,
    )


def validate(submission: Submission, *, by: Any) -> None:
    """The TMU accepts a submitted report; it is then locked."""
    _require(may(by, "validate_reports"), _("Only the Technical Management Unit validates."))
    if submission.submitted_by_id is not None and submission.submitted_by_id == by.pk:
        raise PermissionDenied(_("Nobody validates a report they submitted."))
    _transition(
        submission,
        action="submission.validate",
        by=by,
        allowed_from=(SubmissionStatus.SUBMITTED,),
        to=SubmissionStatus.VALIDATED,
        revision=None,
        refusal=_("Only a submitted report can be validated."),
        validated_at=timezone.now(),
        validated_by=by,
    )


def return_for_revision(submission: Submission, *, by: Any, reason: str) -> None:
    """The TMU sends a submitted report back, saying why."""
    _require(may(by, "validate_reports"), _("Only the Technical Management Unit returns reports."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the report goes back.")]})
    _transition(
        submission,
        action="submission.return",
        by=by,
        allowed_from=(SubmissionStatus.SUBMITTED,),
        to=SubmissionStatus.RETURNED,
        revision=None,
        refusal=_("Only a submitted report can be returned."),
        return_reason=reason.strip(),
    )


def reopen(submission: Submission, *, by: Any, reason: str) -> None:
    """The TMU reopens a validated report as a draft, saying why."""
    _require(may(by, "validate_reports"), _("Only the Technical Management Unit reopens reports."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the report is reopened.")]})
    _transition(
        submission,
        action="submission.reopen",
        by=by,
        allowed_from=(SubmissionStatus.VALIDATED,),
        to=SubmissionStatus.DRAFT,
        revision=None,
        refusal=_("Only a validated report can be reopened."),
        return_reason=reason.strip(),
        validated_at=None,
        validated_by=None,
    )
