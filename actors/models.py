"""Institutions: the ministries, state structures, civil-society organisations,
partners and bodies that a plan's indicators and activities point at."""

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nap1325.i18n import Localized


class InstitutionKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    STATE_STRUCTURE = "state_structure", _("State structure")
    PARLIAMENT = "parliament", _("Parliament")
    CSO = "cso", _("Civil-society organisation")
    TFP = "tfp", _("Technical and financial partner")
    UN_ENTITY = "un_entity", _("United Nations entity")
    PEACE_AGREEMENT_BODY = "peace_agreement_body", _("Peace-agreement body")


class Institution(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    key = models.SlugField(_("identifier"), max_length=60, help_text=_("The id in plan files."))
    name_fr = models.CharField(_("name (French)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=InstitutionKind.choices)
    notes_fr = models.TextField(_("notes (French)"), blank=True)
    notes_en = models.TextField(_("notes (English)"), blank=True)
    source_document = models.CharField(_("source document"), max_length=60, blank=True)
    source_section = models.CharField(_("source section"), max_length=300, blank=True)

    name = Localized("name")
    notes = Localized("notes")

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["country", "kind", "name_fr"]
        constraints = [
            models.UniqueConstraint(fields=["country", "key"], name="institution_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("institution", args=[self.uuid])
