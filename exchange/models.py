"""The mapping between the plan and a DHIS2 instance (docs/dhis2.md): which
DHIS2 data element and category option combo hold each figure of each
indicator, and which organisation unit each reporting unit is. Periods need
no table: a quarter is DHIS2's "2021Q1", a year "2021"."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from actors.models import ReportingUnit
from plans.models import Indicator, Plan


class Part(models.TextChoices):
    VALUE = "value", _("value")
    NUMERATOR = "numerator", _("numerator")
    DENOMINATOR = "denominator", _("denominator")
    TEXT = "text", _("text")


class DataElementMap(models.Model):
    """One figure of an indicator (a cell of its disaggregation, one part)
    and where DHIS2 keeps it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="dhis2_data_elements")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    cell = models.CharField(_("disaggregation"), max_length=300, blank=True)
    part = models.CharField(_("part"), max_length=12, choices=Part.choices, default=Part.VALUE)
    data_element = models.CharField(_("DHIS2 data element"), max_length=11)
    category_option_combo = models.CharField(_("DHIS2 category option combo"), max_length=11)
    # ADX names a disaggregation by category and option codes: {"SEX": "F"}.
    adx = models.JSONField(_("ADX disaggregation"), default=dict, blank=True)

    class Meta:
        verbose_name = _("DHIS2 data element mapping")
        verbose_name_plural = _("DHIS2 data element mappings")
        ordering = ["plan", "indicator__key", "cell", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "cell", "part"], name="dhis2_one_place_per_figure"
            ),
            models.UniqueConstraint(
                fields=["plan", "data_element", "category_option_combo"],
                name="dhis2_one_figure_per_place",
            ),
        ]

    def __str__(self) -> str:
        figure = f"{self.indicator.key} {self.cell} {self.part}"
        return f"{figure} → {self.data_element}.{self.category_option_combo}"


class OrgUnitMap(models.Model):
    """A reporting unit and its DHIS2 organisation unit."""

    unit = models.OneToOneField(ReportingUnit, on_delete=models.CASCADE, related_name="dhis2")
    org_unit = models.CharField(_("DHIS2 organisation unit"), max_length=11, unique=True)

    class Meta:
        verbose_name = _("DHIS2 organisation unit mapping")
        verbose_name_plural = _("DHIS2 organisation unit mappings")

    def __str__(self) -> str:
        return f"{self.unit} → {self.org_unit}"
