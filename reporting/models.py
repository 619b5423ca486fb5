"""Quarterly and yearly reporting: the periods a plan is reported on and, for
each reporting unit, its submission for a period and where it stands in the
workflow (draft → submitted → validated, or returned and submitted again)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from actors.models import ReportingUnit
from nap1325.i18n import Localized
from plans.models import Plan


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class PeriodStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open")
    LOCKED = "locked", _("Locked")


class ReportingPeriod(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(_("kind"), max_length=8, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    opens_on = models.DateField(_("opens on"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=8, choices=PeriodStatus.choices, default=PeriodStatus.PLANNED
    )
    demonstration = models.BooleanField(
        _("demonstration"), default=False, help_text=_("Made by manage.py demo; fictitious.")
    )

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["plan", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "quarter"],
                condition=Q(kind="quarter"),
                name="period_unique_quarter",
            ),
            models.UniqueConstraint(
                fields=["plan", "year"], condition=Q(kind="year"), name="period_unique_year"
            ),
            models.CheckConstraint(
                condition=Q(kind="quarter", quarter__gte=1, quarter__lte=4)
                | Q(kind="year", quarter__isnull=True),
                name="period_quarter_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("opens_on")), name="period_deadline_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} T{self.quarter}" if self.quarter else str(self.year)


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    VALIDATED = "validated", _("Validated")


# A report still with its unit: it can be changed and submitted.
WITH_THE_UNIT = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


class Submission(models.Model):
    """One reporting unit's report for one period."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="submissions"
    )
    unit = models.ForeignKey(ReportingUnit, on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(
        _("status"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    # Bumped by every change: a form saved from a stale copy is refused.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    # The narrative, in the language the unit writes in.
    achievements = models.TextField(_("achievements"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["period", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="submission_one_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.period}"

    @property
    def reporting_unit(self) -> ReportingUnit:
        """For the permission helper: the unit a scoped role must hold."""
        return self.unit


class IndicatorValue(models.Model):
    """One figure of a submission: an indicator's value for one cell of its
    disaggregation ("" is the total). A row whose fields are all empty was
    cleared: it keeps the value's history. "No data" is `no_data`, never 0."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(
        "plans.Indicator", on_delete=models.CASCADE, related_name="reported_values"
    )
    # Category keys by the indicator's disaggregation order, "sex:female|region:KAY".
    cell = models.CharField(_("disaggregation"), max_length=300, blank=True)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(
        _("numerator"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("denominator"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    text = models.TextField(_("narrative"), blank=True)
    no_data = models.BooleanField(_("no data"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["submission", "indicator", "cell"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator", "cell"], name="value_one_per_cell"
            ),
            models.CheckConstraint(
                condition=Q(no_data=False)
                | Q(value__isnull=True, numerator__isnull=True, denominator__isnull=True, text=""),
                name="value_no_data_is_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.reference} {self.cell or '—'}"


class ActivityReport(models.Model):
    """Where one of the unit's activities stands, as the unit reports it."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="activity_reports"
    )
    activity = models.ForeignKey(
        "operations.Activity", on_delete=models.CASCADE, related_name="reports"
    )
    status = models.CharField(_("status"), max_length=12, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "activity"], name="activityreport_one_per_activity"
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="activityreport_progress_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.status} {self.progress}"


class Spending(models.Model):
    """What the unit spent in the period on one budget line, in XOF."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="spending")
    budget_line = models.ForeignKey(
        "operations.BudgetLine", on_delete=models.PROTECT, related_name="spending"
    )
    amount = models.BigIntegerField(_("spent (XOF)"), null=True, blank=True)
    no_data = models.BooleanField(_("no data"), default=False)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "budget_line"], name="spending_one_per_line"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="spending_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(no_data=False) | Q(amount__isnull=True), name="spending_no_data_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_line}: {self.amount}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # Never the uploader's name or extension: nothing guessable, nothing executable.
    return f"evidence/{instance.submission.uuid}/{instance.uuid}"


class Evidence(models.Model):
    """A file attached to a submission (a report, a list of participants, a
    photo). Stored outside the static files, always downloaded, never shown."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["submission", "uploaded_at"]

    def __str__(self) -> str:
        return self.name


class RuleKind(models.TextChoices):
    RANGE = "range", _("Allowed range")
    OUTLIER = "outlier", _("Far from previous periods")
    TARGET_JUMP = "target_jump", _("Big jump against the target")
    CUMULATIVE_DECREASE = "cumulative_decrease", _("Cumulative indicator goes down")


class Severity(models.TextChoices):
    ERROR = "error", _("Error: blocks submission")
    WARNING = "warning", _("Warning: needs a comment")


class ValidationRule(models.Model):
    """A check on reported values, kept as data so that the TMU can tune it.
    A rule without an indicator applies to every indicator of the plan; an
    indicator's own rule of the same kind replaces it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="validation_rules")
    indicator = models.ForeignKey(
        "plans.Indicator",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="validation_rules",
        verbose_name=_("indicator"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RuleKind.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    minimum = models.DecimalField(
        _("minimum"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("maximum"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    factor = models.DecimalField(
        _("factor"),
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "Outliers: how many standard deviations from the mean of previous periods. "
            "Jumps: the share of the year's target one period may add."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    message_fr = models.CharField(_("message (French)"), max_length=300, blank=True)
    message_en = models.CharField(_("message (English)"), max_length=300, blank=True)

    message = Localized("message")

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["plan", "indicator", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator", "kind"], name="rule_one_per_kind"),
            models.UniqueConstraint(
                fields=["plan", "kind"],
                condition=Q(indicator__isnull=True),
                name="rule_one_plan_wide_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(minimum__isnull=True)
                | Q(maximum__isnull=True)
                | Q(minimum__lte=F("maximum")),
                name="rule_minimum_below_maximum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.indicator or self.plan})"

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.kind == RuleKind.RANGE and self.minimum is None and self.maximum is None:
            errors["minimum"] = _("Give a minimum, a maximum or both.")
        if self.kind in (RuleKind.OUTLIER, RuleKind.TARGET_JUMP) and not (
            self.factor and self.factor > 0
        ):
            errors["factor"] = _("Give a factor above 0.")
        if self.indicator is not None and self.plan_id and self.indicator.plan_id != self.plan_id:
            errors["indicator"] = _("This indicator belongs to another plan.")
        if errors:
            raise ValidationError(errors)


class Reminder(models.Model):
    """A reminder e-mailed about a submission, so that each is sent once."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["submission", "kind"], name="reminder_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.submission} {self.kind}"
