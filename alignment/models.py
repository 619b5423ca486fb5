"""Global indicator sets (the Secretary-General's indicators on resolution
1325, the SDG indicators, a partner's framework), their indicators, and the
tags that say which indicator of a plan reports on which global one.

A set and its indicators are reference data loaded from the files of
nap1325/data/alignment (docs/alignment.md); a tag is written by the TMU
through alignment.actions or loaded from a tags file."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nap1325.i18n import Localized
from plans.models import Indicator


class GlobalIndicatorSet(models.Model):
    """A published list of indicators, with the document it comes from."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(_("identifier"), max_length=60, unique=True)
    title_fr = models.TextField(_("title (French)"), blank=True)
    title_en = models.TextField(_("title (English)"), blank=True)
    short_title_fr = models.CharField(_("short title (French)"), max_length=100, blank=True)
    short_title_en = models.CharField(_("short title (English)"), max_length=100, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300)
    document = models.CharField(
        _("document"), max_length=300, help_text=_("Its symbol or title, e.g. S/2010/498.")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    url = models.URLField(_("address"), max_length=500, blank=True)
    licence_fr = models.TextField(_("licence note (French)"), blank=True)
    licence_en = models.TextField(_("licence note (English)"), blank=True)
    note_fr = models.TextField(_("note (French)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    file_name = models.CharField(_("file"), max_length=300, blank=True)
    loaded_at = models.DateTimeField(_("last loaded"), null=True, blank=True)

    title = Localized("title")
    short_title = Localized("short_title")
    licence = Localized("licence")
    note = Localized("note")

    class Meta:
        verbose_name = _("global indicator set")
        verbose_name_plural = _("global indicator sets")
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.short_title or self.title or self.key


class GlobalIndicator(models.Model):
    """One indicator of a set, with how far its wording was checked."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    set = models.ForeignKey(
        GlobalIndicatorSet, on_delete=models.CASCADE, related_name="indicators",
        verbose_name=_("set"),
    )  # fmt: skip
    code = models.CharField(_("code"), max_length=30, help_text=_("As published."))
    group_fr = models.CharField(_("group (French)"), max_length=300, blank=True)
    group_en = models.CharField(_("group (English)"), max_length=300, blank=True)
    title_fr = models.TextField(_("title (French)"), blank=True)
    title_en = models.TextField(_("title (English)"), blank=True)
    verified = models.BooleanField(
        _("wording verified"),
        default=False,
        help_text=_("The wording was checked word for word against the set's source."),
    )
    checked_against = models.TextField(_("checked against"))
    position = models.PositiveIntegerField(_("position"), default=0)

    title = Localized("title")
    group = Localized("group")

    class Meta:
        verbose_name = _("global indicator")
        verbose_name_plural = _("global indicators")
        ordering = ["set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["set", "code"], name="globalindicator_unique_code"),
            models.CheckConstraint(
                condition=~Q(checked_against=""), name="globalindicator_says_what_was_checked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class Alignment(models.Model):
    """An indicator of a plan reports on a global indicator."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="alignments",
        verbose_name=_("indicator"),
    )  # fmt: skip
    global_indicator = models.ForeignKey(
        GlobalIndicator, on_delete=models.CASCADE, related_name="alignments",
        verbose_name=_("global indicator"),
    )  # fmt: skip
    note_fr = models.TextField(_("note (French)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("added by"),
    )  # fmt: skip
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    source_file = models.CharField(
        _("tags file"), max_length=300, blank=True, help_text=_("When loaded from a file.")
    )

    note = Localized("note")

    class Meta:
        verbose_name = _("alignment")
        verbose_name_plural = _("alignments")
        ordering = ["indicator", "global_indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "global_indicator"], name="alignment_unique_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.reference} → {self.global_indicator.code}"
