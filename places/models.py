"""Places: a country's administrative units (region, cercle, commune) with
their official codes. Geometry and dated geography come with the
decentralisation work; activities and reporting already point at places."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from nap1325.i18n import Localized


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

    name = Localized("name")

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["country", "code"]
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="place_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name
