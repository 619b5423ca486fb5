"""What the Technical Management Unit makes public, and the sections of
the annual national report written in the platform."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nap1325.i18n import Localized
from plans.models import Plan


class PublicationKind(models.TextChoices):
    DATA = "data", _("Validated figures of the year")
    REPORT = "report", _("Annual national report")


class Publication(models.Model):
    """A year of a plan made public: its validated figures on the public
    dashboards and downloads, or its annual national report. Publishing is
    an explicit act of the TMU; without it the public sees nothing."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="publications")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("what"), max_length=10, choices=PublicationKind.choices)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["plan", "year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "kind"], name="publication_unique_year_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan.key} {self.year} {self.kind}"


class ReportText(models.Model):
    """The sections of a year's annual report that people write: the
    foreword and the analysis, in both languages."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="report_texts")
    year = models.PositiveSmallIntegerField(_("year"))
    foreword_fr = models.TextField(_("foreword (French)"), blank=True)
    foreword_en = models.TextField(_("foreword (English)"), blank=True)
    analysis_fr = models.TextField(_("analysis (French)"), blank=True)
    analysis_en = models.TextField(_("analysis (English)"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    foreword = Localized("foreword")
    analysis = Localized("analysis")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("annual report text")
        verbose_name_plural = _("annual report texts")
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="report_text_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.plan.key} {self.year}"
