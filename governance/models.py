"""Running the plan's own bodies and watching who sits at the table:
meetings with their attendance and decisions, recommendations and their
follow-up, the risk register, and the representation observatory (women's
share of decision-making bodies against the quota law)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from actors.models import Body, BodyMembership, Institution, Sex
from nap1325.i18n import Localized
from plans.models import Plan


class Meeting(models.Model):
    """A meeting of one of the plan's bodies, held on a day."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_file = models.FileField(_("minutes (file)"), upload_to="minutes/%Y/", blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "body"]

    def __str__(self) -> str:
        return f"{self.body} {self.held_on}"


class Attendance(models.Model):
    """A member of the body present at a meeting: the membership says which
    institution; the person's sex gives women's share of attendance."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(
        BodyMembership, on_delete=models.PROTECT, related_name="attendance"
    )
    person = models.CharField(_("person"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "membership__position", "pk"]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.membership.institution}"


class RecommendationSource(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    ANNUAL_REPORT = "annual_report", _("Annual report")
    EVALUATION = "evaluation", _("Evaluation")


class RecommendationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Recommendation(models.Model):
    """Something a meeting, an annual report or an evaluation asks an
    institution to do by a date."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="recommendations")
    source = models.CharField(_("from"), max_length=20, choices=RecommendationSource.choices)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations"
    )
    reference = models.CharField(
        _("reference"), max_length=200, blank=True, help_text=_("The report or evaluation.")
    )
    text_fr = models.TextField(_("recommendation (French)"), blank=True)
    text_en = models.TextField(_("recommendation (English)"), blank=True)
    owner = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="recommendations",
        verbose_name=_("owner"),
    )  # fmt: skip
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=RecommendationStatus.choices,
        default=RecommendationStatus.OPEN,
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    text = Localized("text")

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class RecommendationUpdate(models.Model):
    """A change of a recommendation's status, with what shows it."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="updates"
    )
    status = models.CharField(_("status"), max_length=12, choices=RecommendationStatus.choices)
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="recommendations/%Y/", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("recommendation update")
        verbose_name_plural = _("recommendation updates")
        ordering = ["recommendation", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.recommendation}: {self.get_status_display()}"


class RiskCategory(models.TextChoices):
    SECURITY = "security", _("Security")
    POLITICAL = "political", _("Political")
    INSTITUTIONAL = "institutional", _("Institutional")
    FINANCIAL = "financial", _("Financial")
    SOCIAL = "social", _("Social and cultural")
    OPERATIONAL = "operational", _("Operational")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


SCALE = [(n, str(n)) for n in range(1, 6)]  # 1 (very low) to 5 (very high)


class Risk(models.Model):
    """A risk to the plan, scored for likelihood and impact on 1-5 scales."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="risks")
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=RiskCategory.choices)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=SCALE)
    impact = models.PositiveSmallIntegerField(_("impact"), choices=SCALE)
    owner = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="risks",
        verbose_name=_("owner"),
    )  # fmt: skip
    mitigation_fr = models.TextField(_("mitigation (French)"), blank=True)
    mitigation_en = models.TextField(_("mitigation (English)"), blank=True)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=RiskStatus.choices, default=RiskStatus.OPEN
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    description = Localized("description")
    mitigation = Localized("mitigation")

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["plan", "-likelihood", "-impact", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1,
                                   impact__lte=5),
                name="risk_scores_1_to_5",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class RiskReview(models.Model):
    """A review of a risk: its scores on that day, for the history."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=SCALE)
    impact = models.PositiveSmallIntegerField(_("impact"), choices=SCALE)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("risk review")
        verbose_name_plural = _("risk reviews")
        ordering = ["risk", "reviewed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.risk} {self.reviewed_on}"


class Quota(models.Model):
    """A legal minimum share of each sex, e.g. Mali's Law 2015-052 (30 %)."""

    country = models.CharField(_("country"), max_length=2)
    key = models.SlugField(_("identifier"), max_length=60)
    minimum_share = models.DecimalField(_("minimum share (%)"), max_digits=5, decimal_places=2)
    legal_basis_fr = models.TextField(_("legal basis (French)"), blank=True)
    legal_basis_en = models.TextField(_("legal basis (English)"), blank=True)

    legal_basis = Localized("legal_basis")

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [models.UniqueConstraint(fields=["country", "key"], name="quota_unique_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.minimum_share} %)"


class SeatKind(models.TextChoices):
    PEACE_AGREEMENT = "peace_agreement", _("Peace agreement body")
    GOVERNMENT = "government", _("Government")
    PARLIAMENT = "parliament", _("Parliament")
    ELECTION = "election", _("Candidates in an election")
    ADMINISTRATION = "administration", _("Territorial administration")
    LOCAL = "local", _("Local authorities")
    RECONCILIATION = "reconciliation", _("Reconciliation")
    PEACEKEEPING = "peacekeeping", _("Peacekeeping")
    OTHER = "other", _("Other")


class SeatBody(models.Model):
    """A body whose members the observatory counts (cabinet, National
    Assembly, mayors, peace-agreement committees…), possibly in a place."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    country = models.CharField(_("country"), max_length=2)
    key = models.SlugField(_("identifier"), max_length=60)
    name_fr = models.CharField(_("name (French)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=SeatKind.choices)
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quota = models.ForeignKey(
        Quota, on_delete=models.PROTECT, null=True, blank=True, related_name="bodies"
    )
    # The keys of the plan indicators this body's figures feed (a share of
    # women), in any plan of the country: governance.indicators.
    indicators = models.JSONField(_("indicators fed"), default=list, blank=True)

    name = Localized("name")

    class Meta:
        verbose_name = _("observed body")
        verbose_name_plural = _("observed bodies")
        ordering = ["country", "kind", "name_fr"]
        constraints = [
            models.UniqueConstraint(fields=["country", "key"], name="seat_body_unique_key")
        ]

    def __str__(self) -> str:
        return self.name


class Observation(models.Model):
    """Women (and men, or the total) in a body on a date, from a source."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    body = models.ForeignKey(SeatBody, on_delete=models.PROTECT, related_name="observations")
    observed_on = models.DateField(_("date"))
    precision = models.CharField(
        _("date precision"), max_length=5,
        choices=[("year", _("year")), ("month", _("month")), ("day", _("day"))], default="day",
    )  # fmt: skip
    election = models.CharField(_("election"), max_length=100, blank=True)
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    published_share = models.DecimalField(
        _("share of women as published (%)"), max_digits=5, decimal_places=2, null=True,
        blank=True,
    )  # fmt: skip
    source_document = models.CharField(_("source document"), max_length=60, blank=True)
    source_title = models.CharField(_("source"), max_length=300, blank=True)
    quote = models.TextField(_("quote"), blank=True)
    location = models.CharField(_("page or section"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["body", "observed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(women__isnull=True) | models.Q(total__isnull=True)
                | models.Q(women__lte=models.F("total")),
                name="observation_women_within_total",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.body} {self.observed_on}"

    @property
    def seats(self) -> int | None:
        if self.total is not None:
            return self.total
        if self.women is not None and self.men is not None:
            return self.women + self.men
        return None

    @property
    def share(self) -> Decimal | None:
        """Women's share computed from the counts, in %; else as published."""
        seats = self.seats
        if self.women is not None and seats:
            return (Decimal(self.women) * 100 / seats).quantize(Decimal("0.1"))
        return self.published_share

    @property
    def share_is_published_only(self) -> bool:
        return self.women is None or not self.seats

    @property
    def discrepancy(self) -> Decimal | None:
        """Published minus computed share, when they differ by over half a point."""
        if self.published_share is None or self.share_is_published_only:
            return None
        difference = self.published_share - (self.share or Decimal(0))
        return difference if abs(difference) > Decimal("0.5") else None
