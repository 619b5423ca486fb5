"""Quarterly and yearly reporting: the periods a plan is reported on and, for
each reporting unit, its submission for a period and where it stands in the
workflow (draft → submitted → validated, or returned and submitted again)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from actors.models import ReportingUnit
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
