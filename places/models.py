"""Places: a country's administrative units (region, cercle, commune) with
their official codes, geometry and the dates they are valid, and the
reforms that end some places and open others.

Dated geography follows DHIS2's organisation units (opening and closed
dates): a code names one place for all time; a reform closes the places it
changes the day before it takes effect and opens new ones (with new codes)
that day, so that data keeps the geography valid when it was reported and
history is never rewritten. The reform records which old place became which
new ones, and which places moved from one parent to another."""

import hashlib
import json
import uuid
from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nap1325.i18n import Localized


def digest(geometry: Any) -> str:
    """A short fingerprint of a GeoJSON geometry; "" for none."""
    if geometry is None:
        return ""
    text = json.dumps(geometry, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class PlaceQuerySet(models.QuerySet["Place"]):
    def valid_on(self, day: date) -> "PlaceQuerySet":
        """The places open on `day`."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        )


class Place(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    country = models.CharField(_("country"), max_length=2)
    code = models.CharField(
        _("code"),
        max_length=30,
        help_text=_("ISO 3166-2 for regions (ML-1), else the official code."),
    )
    level = models.CharField(_("level"), max_length=30, help_text=_("region, district, cercle, …"))
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    geometry = models.JSONField(_("geometry (GeoJSON)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    # Set on every save: maps keep projected outlines per process and know
    # from this short text, not the outline itself, when one has changed.
    geometry_digest = models.CharField(max_length=64, blank=True, editable=False)

    name = Localized("name")
    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["country", "code"]
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="place_unique_code"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=models.F("valid_until")),
                name="place_valid_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.geometry_digest = digest(self.geometry)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "geometry" in update_fields:
            kwargs["update_fields"] = {*update_fields, "geometry_digest"}
        super().save(*args, **kwargs)

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until >= day
        )


class ReformKind(models.TextChoices):
    SPLIT = "split", _("Split")
    MERGE = "merge", _("Merge")
    RENAME = "rename", _("Rename")


class Reform(models.Model):
    """A change of the administrative map taking effect on a day."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    country = models.CharField(_("country"), max_length=2)
    kind = models.CharField(_("kind"), max_length=10, choices=ReformKind.choices)
    effective_on = models.DateField(_("takes effect on"))
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    description = Localized("description")

    class Meta:
        verbose_name = _("reform")
        verbose_name_plural = _("reforms")
        ordering = ["country", "effective_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on.isoformat()}"


class Succession(models.Model):
    """An old place the reform closed, and a new place it opened in its stead
    (a split has one old and several new, a merge the reverse)."""

    reform = models.ForeignKey(Reform, on_delete=models.CASCADE, related_name="successions")
    old = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="successors")
    new = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="predecessors")

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(fields=["reform", "old", "new"], name="succession_unique")
        ]

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"


class Move(models.Model):
    """A place that stays, moved by a reform from one parent to another (a
    cercle of a region that was split)."""

    reform = models.ForeignKey(Reform, on_delete=models.CASCADE, related_name="moves")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="moves")
    old_parent = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")
    new_parent = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("move")
        verbose_name_plural = _("moves")

    def __str__(self) -> str:
        return f"{self.place}: {self.old_parent} → {self.new_parent}"
