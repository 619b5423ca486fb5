"""The operational plan: yearly versions of the plan's activities, their
quarterly schedule, costed budget lines by year and funding source, and the
money that really moves (pledged → disbursed → spent).

An `Activity` is the identity that lasts across versions; an
`ActivityVersion` is that activity as one yearly version plans it. Money
events belong to the activity (not to a version): a pledge made in 2020 stays
when the 2021 version re-costs the activity.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from actors.models import Institution
from nap1325.i18n import Localized
from places.models import Place
from plans.models import FrameworkElement, Plan, Sourced


class FundingSourceKind(models.TextChoices):
    NATIONAL_BUDGET = "national_budget", _("National budget")
    MUTUAL_FUND = "mutual_fund", _("Mutual fund")
    PARTNER = "partner", _("Partner")
    TO_BE_FOUND = "to_be_found", _("To be found")


class FundingSource(models.Model):
    """Where the money for a budget line comes from. The institution is the
    stakeholder it counts for in the budget-share indicator."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="funding_sources")
    key = models.SlugField(_("identifier"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=FundingSourceKind.choices)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_sources",
        verbose_name=_("stakeholder"),
    )
    position = models.PositiveIntegerField(default=0)

    name = Localized("name")

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["plan", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="fundingsource_unique_key"),
            models.CheckConstraint(
                condition=~Q(kind="partner") | Q(institution__isnull=False),
                name="fundingsource_partner_named",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")


class OperationalPlan(models.Model):
    """One yearly version of a plan's operational plan."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="operational_plans")
    number = models.PositiveSmallIntegerField(_("version"))
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year it is revised for."))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("based on"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopted by"),
    )
    declared_total = models.BigIntegerField(
        _("total budget as published (XOF)"),
        null=True,
        blank=True,
        help_text=_("For past plans known only from a summary; never used in roll-ups."),
    )
    partial = models.BooleanField(
        _("partial"),
        default=False,
        help_text=_("Only part of the activities is known (e.g. from a summary)."),
    )
    notes_fr = models.TextField(_("notes (French)"), blank=True)
    notes_en = models.TextField(_("notes (English)"), blank=True)

    notes = Localized("notes")

    class Meta:
        verbose_name = _("operational plan version")
        verbose_name_plural = _("operational plan versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="operationalplan_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(declared_total__isnull=True) | Q(declared_total__gte=0),
                name="operationalplan_declared_total_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.key} v{self.number} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("operational_plan", args=[self.plan.key, self.number])

    @property
    def frozen(self) -> bool:
        return self.status == VersionStatus.ADOPTED


class Activity(models.Model):
    """An activity's identity across the yearly versions."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return str(self.uuid)


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    NOT_STARTED = "not_started", _("Not started")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    DELAYED = "delayed", _("Delayed")
    CANCELLED = "cancelled", _("Cancelled")


class ActivityVersion(Sourced):
    """An activity as one version of the operational plan plans it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    operational_plan = models.ForeignKey(
        OperationalPlan, on_delete=models.CASCADE, related_name="activities"
    )
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="versions")
    code = models.CharField(_("code"), max_length=30)
    position = models.PositiveIntegerField(default=0)
    title_fr = models.TextField(_("title (French)"))
    title_en = models.TextField(_("title (English)"))
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    deliverable_fr = models.TextField(_("expected deliverable (French)"), blank=True)
    deliverable_en = models.TextField(_("expected deliverable (English)"), blank=True)
    elements = models.ManyToManyField(
        FrameworkElement, blank=True, related_name="activities", verbose_name=_("contributes to")
    )
    lead = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_activities",
        verbose_name=_("lead institution"),
    )
    partners = models.ManyToManyField(
        Institution, blank=True, related_name="partner_activities", verbose_name=_("partners")
    )
    monitor = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monitored_activities",
        verbose_name=_("monitoring institution"),
    )
    places = models.ManyToManyField(
        Place, blank=True, related_name="activities", verbose_name=_("places")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    unplanned = models.BooleanField(
        _("carried out without being planned"),
        default=False,
        help_text=_("Reported as done although the plan did not include it."),
    )

    title = Localized("title")
    description = Localized("description")
    deliverable = Localized("deliverable")

    class Meta:
        verbose_name = _("activity (in a version)")
        verbose_name_plural = _("activities (in a version)")
        ordering = ["operational_plan", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["operational_plan", "activity"], name="activityversion_once_per_version"
            ),
            models.UniqueConstraint(
                fields=["operational_plan", "code"], name="activityversion_unique_code"
            ),
            # The 2012 plan was criticised for not separating implementing and
            # monitoring roles: an institution does not monitor itself.
            models.CheckConstraint(
                condition=Q(lead__isnull=True) | Q(monitor__isnull=True) | ~Q(lead=F("monitor")),
                name="activityversion_monitor_is_not_lead",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="activityversion_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        plan = self.operational_plan
        return reverse("activity", args=[plan.plan.key, plan.number, self.activity.uuid])


class ScheduledQuarter(models.Model):
    activity_version = models.ForeignKey(
        ActivityVersion, on_delete=models.CASCADE, related_name="schedule"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))

    class Meta:
        verbose_name = _("scheduled quarter")
        verbose_name_plural = _("scheduled quarters")
        ordering = ["activity_version", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity_version", "year", "quarter"], name="scheduledquarter_unique"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="scheduledquarter_quarter_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter}"


class BudgetLine(models.Model):
    """A costed line: quantity times unit cost, for one year and one source.
    The amount is computed by the action that writes the line, never typed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    activity_version = models.ForeignKey(
        ActivityVersion, on_delete=models.CASCADE, related_name="budget_lines"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        related_name="budget_lines",
        verbose_name=_("funding source"),
    )
    label = models.CharField(_("item"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    unit_cost = models.BigIntegerField(_("unit cost (XOF)"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)
    amount = models.BigIntegerField(_("amount (XOF)"), editable=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["activity_version", "year", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0, quantity__gte=0, amount__gte=0),
                name="budgetline_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.source}: {self.amount}"


class MoneyStage(models.TextChoices):
    PLEDGED = "pledged", _("Pledged")
    DISBURSED = "disbursed", _("Disbursed")
    SPENT = "spent", _("Spent")


class FundingRecord(models.Model):
    """Money that moved for an activity: a pledge, a disbursement, an expense."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="funding")
    year = models.PositiveSmallIntegerField(_("budget year"))
    source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="records", verbose_name=_("source")
    )
    stage = models.CharField(_("stage"), max_length=10, choices=MoneyStage.choices)
    amount = models.BigIntegerField(_("amount (XOF)"))
    on = models.DateField(_("date"))
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("funding record")
        verbose_name_plural = _("funding records")
        ordering = ["activity", "on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fundingrecord_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.amount} ({self.on})"


class ExchangeRate(models.Model):
    """How many XOF one unit of a currency is worth from a date on, as set by a user."""

    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217, e.g. EUR"))
    xof_per_unit = models.DecimalField(_("XOF per unit"), max_digits=18, decimal_places=6)
    valid_from = models.DateField(_("valid from"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_from"], name="exchangerate_unique"),
            models.CheckConstraint(condition=Q(xof_per_unit__gt=0), name="exchangerate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.xof_per_unit} XOF ({self.valid_from})"


class ReportedCompletion(models.Model):
    """Activity completion of a past plan as its review reported it: counts
    per priority. The rate is computed from the counts; the published rate is
    kept to show where the two differ."""

    element = models.OneToOneField(
        FrameworkElement, on_delete=models.CASCADE, related_name="reported_completion"
    )
    planned = models.PositiveIntegerField(_("activities planned"))
    completed = models.PositiveIntegerField(_("activities completed"))
    published_rate = models.DecimalField(
        _("published completion rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    source_document = models.CharField(_("source document"), max_length=60, blank=True)
    source_section = models.CharField(_("source section"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reported completion")
        verbose_name_plural = _("reported completions")
        constraints = [
            models.CheckConstraint(
                condition=Q(completed__lte=F("planned")), name="reportedcompletion_not_above"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.element}: {self.completed}/{self.planned}"
