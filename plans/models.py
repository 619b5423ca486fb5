"""The results framework: a plan, its levels (names per plan, any depth), the
tree of level elements, implementation anchor points, disaggregation
dimensions and indicators with their baselines and targets."""

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from actors.models import Body, Institution
from nap1325.i18n import Localized

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def decimal_field(verbose_name: "StrOrPromise", *, null: bool = False) -> Any:
    """Exact numbers: XOF amounts in the trillions, percentages to 4 decimals."""
    return models.DecimalField(verbose_name, max_digits=20, decimal_places=4, null=null, blank=null)


class PlanScope(models.TextChoices):
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    LOCAL = "local", _("Local")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")
    CLOSED = "closed", _("Closed")


class IndicatorType(models.TextChoices):
    COUNT = "count", _("Count")
    PERCENTAGE = "percentage", _("Percentage")
    YES_NO = "yes_no", _("Yes/no")
    ORDINAL = "ordinal", _("Ordinal scale")
    CURRENCY = "currency", _("Currency")
    NARRATIVE = "narrative", _("Narrative")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")
    MAINTAIN = "maintain", _("Maintain")


class Accumulation(models.TextChoices):
    PERIODIC = "periodic", _("Periodic")
    CUMULATIVE = "cumulative", _("Cumulative")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SEMIANNUAL = "semiannual", _("Every six months")
    ANNUAL = "annual", _("Annual")
    END_OF_PLAN = "end_of_plan", _("At the end of the plan")


class DimensionKind(models.TextChoices):
    SEX = "sex", _("Sex")
    AGE = "age", _("Age group")
    PLACE = "place", _("Place")
    CUSTOM = "custom", _("Custom")


class Sourced(models.Model):
    """Where an item of the plan comes from: a document of the plan's sources
    and the section in it."""

    source_document = models.CharField(_("source document"), max_length=60, blank=True)
    source_section = models.CharField(_("source section"), max_length=300, blank=True)

    class Meta:
        abstract = True


class Plan(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(_("identifier"), max_length=60, unique=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    title_fr = models.TextField(_("title (French)"), blank=True)
    title_en = models.TextField(_("title (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    version = models.CharField(_("version"), max_length=60)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    default_language = models.CharField(_("default language"), max_length=2, default="fr")
    languages = models.JSONField(
        _("languages"), default=dict, blank=True, help_text=_("Per language: official or not.")
    )
    notes_fr = models.TextField(_("notes (French)"), blank=True)
    notes_en = models.TextField(_("notes (English)"), blank=True)
    institutions = models.ManyToManyField(
        Institution, blank=True, related_name="plans", verbose_name=_("institutions named")
    )
    bodies = models.ManyToManyField(
        Body, blank=True, related_name="plans", verbose_name=_("bodies that run the plan")
    )
    loaded_at = models.DateTimeField(_("last loaded"), null=True, blank=True)
    # A regional or local action plan is linked to the plan it carries out
    # locally, for a place; its indicators roll up by IndicatorLink.
    scope = models.CharField(
        _("scope"), max_length=10, choices=PlanScope.choices, default=PlanScope.NATIONAL
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="local_plans",
        verbose_name=_("parent plan"),
    )  # fmt: skip
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="plans",
        verbose_name=_("place"),
    )  # fmt: skip

    title = Localized("title")
    description = Localized("description")
    notes = Localized("notes")

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["country", "-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="plan_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.key

    def get_absolute_url(self) -> str:
        return reverse("plan", args=[self.key])

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class PlanLoad(models.Model):
    """One load of a plan file: when, by whom, from which file, what changed.
    Written by the loader in the same transaction as the change itself."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="loads")
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loaded by"),
    )
    file_name = models.CharField(_("file"), max_length=300, blank=True)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    created = models.JSONField(_("created"), default=dict)
    updated = models.JSONField(_("updated"), default=dict)
    removed = models.JSONField(_("removed"), default=dict)

    class Meta:
        verbose_name = _("plan load")
        verbose_name_plural = _("plan loads")
        ordering = ["plan", "-loaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan.key} {self.loaded_at:%Y-%m-%d %H:%M}"

    @property
    def changes(self) -> dict[str, int]:
        """How many items were created, updated and removed."""
        return {
            "created": sum(self.created.values()),
            "updated": sum(self.updated.values()),
            "removed": sum(self.removed.values()),
        }


class PlanSource(models.Model):
    """A document the plan is taken from."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sources")
    key = models.CharField(_("identifier"), max_length=60)
    title = models.TextField(_("title"))
    note = models.TextField(_("note"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("plan source")
        verbose_name_plural = _("plan sources")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="plansource_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"


class LevelType(models.Model):
    """The name of one level of a plan's framework (priority, result, …)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="level_types")
    key = models.SlugField(_("identifier"), max_length=60)
    depth = models.PositiveSmallIntegerField(_("depth"), help_text=_("0 for the top level."))
    name_fr = models.CharField(_("name (French)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    plural_fr = models.CharField(_("plural (French)"), max_length=100, blank=True)
    plural_en = models.CharField(_("plural (English)"), max_length=100, blank=True)

    name = Localized("name")
    plural = Localized("plural")

    class Meta:
        verbose_name = _("level type")
        verbose_name_plural = _("level types")
        ordering = ["plan", "depth"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="leveltype_unique_key"),
            models.UniqueConstraint(fields=["plan", "depth"], name="leveltype_unique_depth"),
        ]

    def __str__(self) -> str:
        return self.name


class FrameworkElement(Sourced):
    """One element of the results framework tree: a priority, a result, …"""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="elements")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    level = models.ForeignKey(LevelType, on_delete=models.CASCADE, related_name="elements")
    # In a regional or local plan: the parent plan's element it carries out.
    national = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="local_elements",
        verbose_name=_("national element"),
    )  # fmt: skip
    key = models.CharField(_("identifier"), max_length=60)
    code = models.CharField(_("code"), max_length=30, blank=True, help_text=_("As published."))
    position = models.PositiveIntegerField(_("position among siblings"), default=0)
    sort_path = models.CharField(
        _("order in the plan"), max_length=200, db_index=True, editable=False, default=""
    )
    title_fr = models.TextField(_("title (French)"), blank=True)
    title_en = models.TextField(_("title (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    title = Localized("title")
    description = Localized("description")

    class Meta:
        verbose_name = _("framework element")
        verbose_name_plural = _("framework elements")
        ordering = ["plan", "sort_path"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="element_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("element", args=[self.plan.key, self.uuid])


class AnchorPoint(Sourced):
    """A part of the plan's implementation mechanism (coordination, M&E,
    civil society, decentralisation, communication, budget) that carries
    indicators of its own."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="anchors")
    key = models.CharField(_("identifier"), max_length=60)
    position = models.PositiveIntegerField(default=0)
    title_fr = models.TextField(_("title (French)"), blank=True)
    title_en = models.TextField(_("title (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    title = Localized("title")
    description = Localized("description")

    class Meta:
        verbose_name = _("implementation anchor point")
        verbose_name_plural = _("implementation anchor points")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="anchor_unique_key"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("anchor", args=[self.plan.key, self.uuid])


class Dimension(models.Model):
    """A disaggregation dimension (sex, age group, place, or custom)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="dimensions")
    key = models.CharField(_("identifier"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=DimensionKind.choices)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    place_level = models.CharField(
        _("place level"), max_length=30, blank=True, help_text=_("For place dimensions.")
    )
    position = models.PositiveIntegerField(default=0)

    name = Localized("name")

    class Meta:
        verbose_name = _("disaggregation dimension")
        verbose_name_plural = _("disaggregation dimensions")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="dimension_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name


class DimensionCategory(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="categories")
    key = models.CharField(_("identifier"), max_length=60)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    name = Localized("name")

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["dimension", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "key"], name="category_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(Sourced):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    element = models.ForeignKey(
        FrameworkElement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("framework element"),
    )
    anchor = models.ForeignKey(
        AnchorPoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("anchor point"),
    )
    key = models.CharField(_("identifier"), max_length=60)
    code = models.CharField(_("code"), max_length=30, blank=True, help_text=_("As published."))
    position = models.PositiveIntegerField(default=0)
    title_fr = models.TextField(_("title (French)"), blank=True)
    title_en = models.TextField(_("title (English)"), blank=True)
    definition_fr = models.TextField(_("definition (French)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    type = models.CharField(_("type"), max_length=12, choices=IndicatorType.choices)
    unit_fr = models.CharField(_("unit (French)"), max_length=100, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=100, blank=True)
    numerator_fr = models.TextField(_("numerator (French)"), blank=True)
    numerator_en = models.TextField(_("numerator (English)"), blank=True)
    denominator_fr = models.TextField(_("denominator (French)"), blank=True)
    denominator_en = models.TextField(_("denominator (English)"), blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    baseline_value = decimal_field(_("baseline"), null=True)
    baseline_unknown = models.BooleanField(
        _("baseline unknown"),
        default=False,
        help_text=_("The baseline is known to be unknown (distinct from 0 and from not given)."),
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_source_fr = models.TextField(_("baseline source (French)"), blank=True)
    baseline_source_en = models.TextField(_("baseline source (English)"), blank=True)
    end_target = decimal_field(_("end-of-plan target"), null=True)
    accumulation = models.CharField(
        _("accumulation"),
        max_length=10,
        choices=Accumulation.choices,
        default=Accumulation.PERIODIC,
    )
    dimensions = models.ManyToManyField(
        Dimension,
        blank=True,
        through="IndicatorDisaggregation",
        related_name="indicators",
        verbose_name=_("disaggregations"),
    )
    data_source_fr = models.TextField(_("data source (French)"), blank=True)
    data_source_en = models.TextField(_("data source (English)"), blank=True)
    frequency = models.CharField(
        _("collection frequency"), max_length=12, choices=Frequency.choices, blank=True
    )
    responsible = models.ManyToManyField(
        Institution,
        blank=True,
        through="IndicatorResponsibility",
        related_name="indicators",
        verbose_name=_("responsible institutions"),
    )
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Gender-based-violence data: public outputs suppress small counts."),
    )
    notes_fr = models.TextField(_("notes (French)"), blank=True)
    notes_en = models.TextField(_("notes (English)"), blank=True)

    title = Localized("title")
    definition = Localized("definition")
    unit = Localized("unit")
    numerator = Localized("numerator")
    denominator = Localized("denominator")
    baseline_source = Localized("baseline_source")
    data_source = Localized("data_source")
    notes = Localized("notes")

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="indicator_unique_key"),
            models.CheckConstraint(
                condition=Q(element__isnull=False, anchor__isnull=True)
                | Q(element__isnull=True, anchor__isnull=False),
                name="indicator_one_parent",
            ),
            models.CheckConstraint(
                condition=~Q(baseline_unknown=True, baseline_value__isnull=False),
                name="indicator_baseline_unknown_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("indicator", args=[self.plan.key, self.uuid])

    @property
    def reference(self) -> str:
        """How people refer to it: the published code, else the plan-file id."""
        return self.code or self.key

    @property
    def has_baseline(self) -> bool:
        return self.baseline_unknown or self.baseline_value is not None


def in_plan_order() -> tuple[Any, ...]:
    """Indicators as reports and progress tables list them, the same on every
    database: the implementation mechanism's first, then the framework's."""
    return (
        F("element__sort_path").asc(nulls_first=True),
        F("anchor__position").asc(nulls_last=True),
        "position",
    )


class IndicatorDisaggregation(models.Model):
    """A dimension an indicator is disaggregated by; the order is the order of
    its tables (e.g. sex, then age group)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE)
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("disaggregation")
        verbose_name_plural = _("disaggregations")
        ordering = ["indicator", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "dimension"], name="disaggregation_unique_dimension"
            ),
        ]

    def __str__(self) -> str:
        return str(self.dimension)


class LinkRule(models.TextChoices):
    SAME = "same", _("Same indicator (every figure counts nationally)")
    SUM = "sum", _("Sums into (its total adds to the national total)")
    RELATED = "related", _("Related only (not counted nationally)")


class IndicatorLink(models.Model):
    """What a regional or local indicator contributes to an indicator of the
    parent plan, and how."""

    local = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="rolls_up")
    national = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="rolled_up_from",
        verbose_name=_("national indicator"),
    )  # fmt: skip
    rule = models.CharField(_("how it contributes"), max_length=10, choices=LinkRule.choices)

    class Meta:
        verbose_name = _("indicator link")
        verbose_name_plural = _("indicator links")

    def __str__(self) -> str:
        return f"{self.local} → {self.national} ({self.rule})"


class IndicatorResponsibility(models.Model):
    """An institution responsible for an indicator; the first one leads."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["indicator", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "institution"], name="responsibility_unique_institution"
            ),
        ]

    def __str__(self) -> str:
        return str(self.institution)


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    value = decimal_field(_("target"))

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class ScaleLevel(models.Model):
    """One level of an ordinal indicator's scale."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="scale")
    value = models.IntegerField(_("value"))
    label_fr = models.CharField(_("label (French)"), max_length=300, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)

    label = Localized("label")

    class Meta:
        verbose_name = _("scale level")
        verbose_name_plural = _("scale levels")
        ordering = ["indicator", "value"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "value"], name="scalelevel_unique_value"),
        ]

    def __str__(self) -> str:
        return f"{self.value}: {self.label}"
