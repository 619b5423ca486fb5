"""The reporting workflow, one action per transition. Each checks rights and
state, changes the state with a conditional update (two people acting at once
cannot both win), writes the audit trail, and is the only code that does so.

    draft ──submit──▶ submitted ──validate──▶ validated ──reopen──▶ draft
                          │                                   (TMU, with a reason)
                          └──return (reason)──▶ returned ──submit──▶ submitted
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import ReportingUnit
from actors.permissions import may
from nap1325.models import AuditEntry, audit
from operations.actions import record_progress
from operations.models import ActivityVersion
from operations.schedule import quarter_bounds
from places.geography import open_between
from plans.models import Plan
from reporting import notify
from reporting.content import Expected, expected, operational_plan_for, stored
from reporting.entries import (
    NARRATIVE_FIELDS,
    ReportInput,
    ValueInput,
)
from reporting.models import (
    WITH_THE_UNIT,
    ActivityReport,
    IndicatorValue,
    PeriodKind,
    PeriodStatus,
    ReportingPeriod,
    Spending,
    Submission,
    SubmissionStatus,
    ValidationRule,
)
from reporting.rules import DEFAULT_RULES, Finding, check_indicator

EDITABLE = WITH_THE_UNIT


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_reporter(submission: Submission, by: Any) -> None:
    """Only the unit's own reporters and the TMU write a unit's report."""
    _require(may(by, "report_for_unit", submission), _("You do not report for this unit."))


def stale_message() -> str:
    return _("Someone changed this report since you opened it: reload it, nothing was overwritten.")


class StaleReport(ValidationError):
    """The report changed since the caller read it (its revision moved on)."""

    def __init__(self) -> None:
        super().__init__(stale_message())


def period_bounds(period: ReportingPeriod) -> tuple[date, date]:
    if period.quarter:
        return quarter_bounds(period.year, period.quarter)
    return date(period.year, 1, 1), date(period.year, 12, 31)


def expected_units(period: ReportingPeriod) -> list[ReportingUnit]:
    """The units that report for a period: every active unit whose institution
    is responsible for an indicator of the plan or leads one of its
    activities, and whose place (if any) is open in the period."""
    plan = period.plan
    responsible = plan.indicators.filter(responsible__isnull=False).values("responsible")
    leading = ActivityVersion.objects.filter(
        operational_plan__plan=plan, lead__isnull=False
    ).values("lead")
    return list(
        ReportingUnit.objects.filter(active=True, country=plan.country)
        .filter(Q(institution__in=responsible) | Q(institution__in=leading))
        .filter(open_between(*period_bounds(period), "place__"))
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
        ensure_default_rules(period.plan)
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
    check: Callable[[], None] | None = None,
    **changes: Any,
) -> None:
    """Move a report from `allowed_from` to `to`, once; `check` runs after the
    period's lock, which every save takes too, so what it reads is what moves."""
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
        if check is not None and before["status"] in allowed_from:
            check()
        if rows.update(status=to, revision=F("revision") + 1, **changes) != 1:
            if revision is not None and before["revision"] != revision:
                raise StaleReport
            raise ValidationError(refusal)
        audit(
            action,
            submission,
            user=by,
            before={"status": before["status"]},
            after={"status": to, **{k: str(v) for k, v in changes.items() if k.endswith("reason")}},
        )
        transaction.on_commit(lambda: notify.transition(submission, action, by))
    submission.refresh_from_db()


def submit(
    submission: Submission,
    *,
    by: Any,
    revision: int | None = None,
    content: Expected | None = None,
) -> None:
    """A focal point sends the unit's report to the Technical Management Unit:
    refused while it has errors or warnings without a comment. The figures
    are checked inside the transition, so that a save at the same moment
    cannot slip an unchecked figure in between."""
    require_reporter(submission, by)
    checked = content or expected(submission)

    def check() -> None:
        findings = check_report(checked, current_figures(submission))
        blocking = [finding for finding in findings if finding.blocking]
        if blocking:
            raise ReportInvalid(blocking)

    _transition(
        submission,
        action="submission.submit",
        by=by,
        allowed_from=WITH_THE_UNIT,
        to=SubmissionStatus.SUBMITTED,
        revision=revision,
        refusal=_("Only a draft or returned report can be submitted."),
        check=check,
        submitted_at=timezone.now(),
        submitted_by=by,
    )


def validate(submission: Submission, *, by: Any, revision: int | None = None) -> None:
    """The TMU accepts a submitted report; it is then locked, and the status
    and progress it reports for its activities become the operational plan's."""
    _require(may(by, "validate_reports"), _("Only the Technical Management Unit validates."))

    def check() -> None:
        # Read under the period's lock: a resubmission by this person a
        # moment ago counts, whatever the caller's copy says.
        submitter = Submission.objects.values_list("submitted_by", flat=True).get(pk=submission.pk)
        if submitter is not None and submitter == by.pk:
            raise PermissionDenied(_("Nobody validates a report they submitted."))

    with transaction.atomic():
        _transition(
            submission,
            action="submission.validate",
            by=by,
            allowed_from=(SubmissionStatus.SUBMITTED,),
            to=SubmissionStatus.VALIDATED,
            revision=revision,
            refusal=_("Only a submitted report can be validated."),
            check=check,
            validated_at=timezone.now(),
            validated_by=by,
        )
        _carry_progress(submission, by=by)


def _carry_progress(submission: Submission, *, by: Any) -> None:
    """Copy the reported activity progress into the version in force, unless
    a later period's validated report already said more."""
    version = operational_plan_for(submission.period)
    if version is None or submission.period.demonstration:
        return  # fictitious reports never move the real plan
    period = submission.period
    later = ActivityReport.objects.filter(
        submission__status=SubmissionStatus.VALIDATED,
        submission__period__plan=period.plan,
        submission__period__kind=period.kind,
    ).filter(
        Q(submission__period__year__gt=period.year)
        | Q(
            submission__period__year=period.year,
            submission__period__quarter__gt=period.quarter or 0,
        )
    )
    reports = {
        r.activity_id: r
        for r in submission.activity_reports.exclude(status="")
        .exclude(progress__isnull=True)
        .exclude(activity__in=later.values("activity"))
    }
    for activity_version in version.activities.filter(activity__in=list(reports)):
        report = reports[activity_version.activity_id]
        if (activity_version.status, activity_version.progress) != (report.status, report.progress):
            record_progress(
                activity_version, status=report.status, progress=report.progress or 0, by=by
            )


def return_for_revision(
    submission: Submission, *, by: Any, reason: str, revision: int | None = None
) -> None:
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
        revision=revision,
        refusal=_("Only a submitted report can be returned."),
        return_reason=reason.strip(),
    )


def reopen(submission: Submission, *, by: Any, reason: str, revision: int | None = None) -> None:
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
        revision=revision,
        refusal=_("Only a validated report can be reopened."),
        return_reason=reason.strip(),
        validated_at=None,
        validated_by=None,
    )


class ReportInvalid(ValidationError):
    """A report that cannot be submitted: its blocking findings."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__([finding.message for finding in findings])


@dataclass
class SaveResult:
    changes: int
    findings: list[Finding]


def ensure_default_rules(plan: Plan) -> None:
    """A plan's first period brings the plan-wide rules, which the TMU may then tune."""
    if not plan.validation_rules.exists():
        ValidationRule.objects.bulk_create(
            ValidationRule(plan=plan, kind=kind, severity=severity, **options)
            for kind, severity, options in DEFAULT_RULES
        )


def check_report(content: Expected, figures: dict[tuple[int, str], ValueInput]) -> list[Finding]:
    rules = list(content.submission.period.plan.validation_rules.all())
    by_indicator: dict[int, dict[str, ValueInput]] = {}
    for (indicator_id, cell), figure in figures.items():
        if not figure.is_empty or figure.comment:
            by_indicator.setdefault(indicator_id, {})[cell] = figure
    found: list[Finding] = []
    for row in content.indicators:
        found += check_indicator(row, by_indicator.get(row.indicator.pk, {}), rules)
    return found


def current_figures(submission: Submission) -> dict[tuple[int, str], ValueInput]:
    return {(v.indicator_id, v.cell): ValueInput.of(v) for v in submission.values.all()}


def findings_of(submission: Submission) -> list[Finding]:
    return check_report(expected(submission), current_figures(submission))


def _check_keys(content: Expected, report: ReportInput) -> None:
    cells = {(row.indicator.pk, c.key) for row in content.indicators for c in row.cells}
    lines = {line.pk for line in content.budget_lines}
    activities = {a.version.activity_id for a in content.activities}  # type: ignore[attr-defined]
    if (
        set(report.values) - cells
        or set(report.activities) - activities
        or set(report.spending) - lines
        or set(report.narrative) - set(NARRATIVE_FIELDS)
    ):
        raise ValidationError(_("This report does not ask for some of what was sent."))
    for figure in report.values.values():
        if figure.no_data and (
            figure.text
            or any(n is not None for n in (figure.value, figure.numerator, figure.denominator))
        ):
            raise ValidationError(_("“No data” is ticked but a figure is given: keep one."))
    for entry in report.activities.values():
        if entry.progress is not None and not 0 <= entry.progress <= 100:
            raise ValidationError(_("Progress is a percentage, from 0 to 100."))
    for spent in report.spending.values():
        if spent.amount is not None and spent.amount < 0:
            raise ValidationError(_("An amount cannot be negative."))
        if spent.no_data and spent.amount is not None:
            raise ValidationError(_("“No data” is ticked but a figure is given: keep one."))


def _lock_for_change(submission: Submission, revision: int | None) -> None:
    """Inside a transaction: the period is open, the report editable and not
    changed since `revision`; bumps the revision."""
    period_status = (
        ReportingPeriod.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=submission.period_id)
    )
    if period_status != PeriodStatus.OPEN:
        raise ValidationError(_("This period is not open: its reports cannot change."))
    rows = Submission.objects.filter(pk=submission.pk, status__in=EDITABLE)
    if revision is not None:
        rows = rows.filter(revision=revision)
    if rows.update(revision=F("revision") + 1) != 1:
        current = Submission.objects.values("status", "revision").get(pk=submission.pk)
        if current["status"] not in EDITABLE:
            raise ValidationError(_("Only a draft or returned report can be changed."))
        raise StaleReport


def _save_rows(
    submission: Submission,
    inputs: dict[int, Any],
    held: dict[int, Any],
    model: type[ActivityReport] | type[Spending],
    key: str,
    action: str,
    log: Any,
) -> None:
    """Write the activity or spending lines that changed, each audited."""
    for item_id, entry in inputs.items():
        row = held.get(item_id)
        old = type(entry).of(row) if row else type(entry)()
        if entry == old:
            continue
        lookup: dict[str, Any] = {"submission": submission, key: item_id}
        row, created = model.objects.update_or_create(defaults=vars(entry), **lookup)
        log(
            action,
            model._meta.label_lower,
            str(row.pk),
            str(item_id),
            None if created else vars(old),
            vars(entry),
        )


def save_report(
    submission: Submission,
    report: ReportInput,
    *,
    by: Any,
    revision: int | None,
    reason: str = "",
    content: Expected | None = None,
) -> SaveResult:
    """Write a unit's figures, activity progress, spending and narrative as a
    draft. Every changed item gets its audit entry (old and new); a form
    saved from a stale copy (`revision`) is refused and nothing is written."""
    require_reporter(submission, by)
    content = content or expected(submission)
    _check_keys(content, report)
    now = timezone.now()
    user = by if getattr(by, "is_authenticated", False) else None
    entries: list[AuditEntry] = []

    def log(
        action: str, object_type: str, object_id: str, summary: str, before: Any, after: Any
    ) -> None:
        if reason:
            after = {**after, "reason": reason}
        entries.append(
            AuditEntry(
                user=user,
                action=action,
                object_type=object_type,
                object_id=object_id,
                summary=summary[:300],
                before=before,
                after=after,
            )
        )

    with transaction.atomic():
        _lock_for_change(submission, revision)
        held = stored(submission)
        references = {row.indicator.pk: row.indicator.reference for row in content.indicators}
        created: list[IndicatorValue] = []
        changed: list[IndicatorValue] = []
        for (indicator_id, cell), figure in report.values.items():
            value_row = held.values.get((indicator_id, cell))
            old = ValueInput.of(value_row) if value_row else ValueInput()
            if figure == old:
                continue
            is_new = value_row is None
            if value_row is None:
                value_row = IndicatorValue(
                    submission=submission, indicator_id=indicator_id, cell=cell
                )
                created.append(value_row)
            else:
                changed.append(value_row)
            for name in ("value", "numerator", "denominator", "text", "no_data", "comment"):
                setattr(value_row, name, getattr(figure, name))
            value_row.updated_by, value_row.updated_at = user, now
            log(
                "value.change",
                "reporting.indicatorvalue",
                str(value_row.uuid),
                f"{references[indicator_id]} {cell}".strip(),
                None if is_new else old.snapshot(),
                figure.snapshot(),
            )
        IndicatorValue.objects.bulk_create(created, batch_size=500)
        IndicatorValue.objects.bulk_update(
            changed,
            [
                "value",
                "numerator",
                "denominator",
                "text",
                "no_data",
                "comment",
                "updated_by",
                "updated_at",
            ],
            batch_size=500,
        )
        _save_rows(submission, report.activities, held.activities, ActivityReport, "activity_id",
                   "activity_report.change", log)  # fmt: skip
        _save_rows(submission, report.spending, held.spending, Spending, "budget_line_id",
                   "spending.change", log)  # fmt: skip
        narrative = {
            name: text
            for name, text in report.narrative.items()
            if getattr(submission, name) != text
        }
        if narrative:
            log(
                "submission.narrative",
                "reporting.submission",
                str(submission.uuid),
                ", ".join(narrative),
                {name: getattr(submission, name) for name in narrative},
                narrative,
            )
            Submission.objects.filter(pk=submission.pk).update(**narrative)
        AuditEntry.objects.bulk_create(entries, batch_size=500)
    submission.refresh_from_db()
    figures = {**current_figures(submission)}
    return SaveResult(len(entries), check_report(content, figures))


RULE_FIELDS = ("indicator_id", "kind", "severity", "minimum", "maximum", "factor", "active",
               "message_fr", "message_en")  # fmt: skip


def _rule_snapshot(rule: ValidationRule) -> dict[str, Any]:
    def text(value: Any) -> str | None:
        if value is None:
            return None
        return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)

    return {name: text(getattr(rule, name)) for name in RULE_FIELDS}


def save_rule(rule: ValidationRule, *, by: Any) -> ValidationRule:
    """Create or change a validation rule (the TMU tunes the checks)."""
    _require(may(by, "manage_rules"), _("Only the Technical Management Unit changes the rules."))
    rule.full_clean()
    with transaction.atomic():
        before = (
            _rule_snapshot(ValidationRule.objects.select_for_update().get(pk=rule.pk))
            if rule.pk
            else None
        )
        rule.save()
        audit("rule.save", rule, user=by, before=before, after=_rule_snapshot(rule))
    return rule


def remove_rule(rule: ValidationRule, *, by: Any) -> None:
    _require(may(by, "manage_rules"), _("Only the Technical Management Unit changes the rules."))
    with transaction.atomic():
        audit("rule.remove", rule, user=by, before=_rule_snapshot(rule))
        rule.delete()


# Reports open two weeks before the end of their quarter (or year) and are
# due a month after it, the rhythm of the plan's quarterly reviews.
OPENS_BEFORE_END = timedelta(days=14)
DUE_AFTER_END = timedelta(days=30)


def last_day(year: int, quarter: int | None) -> date:
    month = 3 * quarter if quarter else 12
    return (date(year, month, 1) + timedelta(days=31)).replace(day=1) - timedelta(days=1)


def plan_periods(
    plan: Plan, year: int, *, kind: str, by: Any, demonstration: bool = False
) -> list[ReportingPeriod]:
    """Add the four quarters of a year (or the year) to a plan's reporting
    periods, planned: the TMU opens each when its time comes."""
    _require(may(by, "manage_periods"), _("Only the Technical Management Unit plans periods."))
    if year not in plan.years:
        raise ValidationError(
            _("%(year)s is not a year of this plan (%(start)s–%(end)s).")
            % {"year": year, "start": plan.start_year, "end": plan.end_year}
        )
    quarters: list[int | None] = [1, 2, 3, 4] if kind == PeriodKind.QUARTER else [None]
    with transaction.atomic():
        existing = ReportingPeriod.objects.filter(plan=plan, kind=kind, year=year)
        if existing.exists():
            raise ValidationError(
                _("The periods of %(year)s are planned already.") % {"year": year}
            )
        try:
            periods = plan_period_rows(plan, year, kind, quarters, demonstration)
        except IntegrityError as exc:  # planned at the same moment by someone else
            raise ValidationError(
                _("The periods of %(year)s are planned already.") % {"year": year}
            ) from exc
        planned = {"year": year, "kind": kind, "periods": [str(p) for p in periods]}
        audit("period.plan", plan, user=by, after=planned)
    return periods


def plan_period_rows(
    plan: Plan, year: int, kind: str, quarters: list[int | None], demonstration: bool
) -> list[ReportingPeriod]:
    with transaction.atomic():
        return [
            ReportingPeriod.objects.create(
                plan=plan,
                kind=kind,
                year=year,
                quarter=quarter,
                opens_on=last_day(year, quarter) - OPENS_BEFORE_END,
                deadline=last_day(year, quarter) + DUE_AFTER_END,
                demonstration=demonstration,
            )
            for quarter in quarters
        ]
