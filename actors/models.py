"""Institutions: the ministries, state structures, civil-society organisations,
partners and bodies that a plan's indicators and activities point at."""

import uuid

from django.conf import settings
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
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)

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


def dates_in_order(start: str, end: str, name: str) -> models.CheckConstraint:
    """An open or closed period whose end, when given, is not before its start."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{start}__isnull": True})
        | models.Q(**{f"{end}__gte": models.F(start)}),
        name=name,
    )


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class FocalPoint(models.Model):
    """A person who speaks for an institution in the plan's work, for a time."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="focal_points"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_until = models.DateField(_("active until"), null=True, blank=True)

    class Meta:
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")
        ordering = ["institution", "name"]
        constraints = [dates_in_order("active_from", "active_until", "focalpoint_dates_in_order")]

    def __str__(self) -> str:
        return f"{self.name} ({self.institution.acronym or self.institution.name})"


class BodyKind(models.TextChoices):
    MONITORING_COMMITTEE = "monitoring_committee", _("National monitoring committee")
    STEERING_COMMITTEE = "steering_committee", _("Support steering committee")
    MANAGEMENT_UNIT = "management_unit", _("Technical management unit")
    COMMUNITY_OF_PRACTICE = "community_of_practice", _("Community of practice")
    REGIONAL_COMMITTEE = "regional_committee", _("Regional committee")
    LOCAL_COMMITTEE = "local_committee", _("Local committee")
    OTHER = "other", _("Other body")


class Body(models.Model):
    """A body that runs the plan: committee, unit, community of practice."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    country = models.CharField(_("country"), max_length=2)
    key = models.SlugField(_("identifier"), max_length=60)
    kind = models.CharField(_("kind"), max_length=30, choices=BodyKind.choices)
    name_fr = models.CharField(_("name (French)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    mandate_fr = models.TextField(_("mandate (French)"), blank=True)
    mandate_en = models.TextField(_("mandate (English)"), blank=True)
    meets = models.CharField(
        _("meets"),
        max_length=12,
        blank=True,
        choices=[("quarterly", _("Every quarter")), ("annually", _("Every year"))],
    )
    place = models.ForeignKey(
        "places.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("place"),
    )
    notes_fr = models.TextField(_("notes (French)"), blank=True)
    notes_en = models.TextField(_("notes (English)"), blank=True)
    source_document = models.CharField(_("source document"), max_length=60, blank=True)
    source_section = models.CharField(_("source section"), max_length=300, blank=True)

    name = Localized("name")
    mandate = Localized("mandate")
    notes = Localized("notes")

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["country", "kind", "name_fr"]
        constraints = [
            models.UniqueConstraint(fields=["country", "key"], name="body_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("body", args=[self.uuid])


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")
    SECRETARIAT = "secretariat", _("Secretariat")
    OBSERVER = "observer", _("Observer")


class BodyMembership(models.Model):
    """An institution (or one of its focal points) sitting on a body, for a time."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="memberships"
    )
    focal_point = models.ForeignKey(
        FocalPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=12, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["body", "position"]
        constraints = [dates_in_order("since", "until", "membership_dates_in_order")]

    def __str__(self) -> str:
        return f"{self.institution} — {self.body} ({self.get_role_display()})"


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    TMU_COORDINATOR = "tmu_coordinator", _("TMU coordinator")
    ME_OFFICER = "me_officer", _("M&E officer")
    FOCAL_POINT = "focal_point", _("Focal point")
    CSO_REPORTER = "cso_reporter", _("Civil-society reporter")
    PARTNER = "partner", _("Partner")
    READER = "reader", _("Reader")


# Roles whose rights stop at their reporting unit.
SCOPED_ROLES = {Role.FOCAL_POINT, Role.CSO_REPORTER}


class ReportingUnit(models.Model):
    """Who reports: an institution, a place (a region), or an institution in a place."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    country = models.CharField(_("country"), max_length=2)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reporting_units",
        verbose_name=_("institution"),
    )
    place = models.ForeignKey(
        "places.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reporting_units",
        verbose_name=_("place"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reporting unit")
        verbose_name_plural = _("reporting units")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(institution__isnull=False) | models.Q(place__isnull=False),
                name="reportingunit_is_someone",
            ),
            models.UniqueConstraint(
                fields=["institution", "place"], name="reportingunit_unique_pair"
            ),
            models.UniqueConstraint(
                fields=["institution"],
                condition=models.Q(place__isnull=True),
                name="reportingunit_unique_institution",
            ),
            models.UniqueConstraint(
                fields=["place"],
                condition=models.Q(institution__isnull=True),
                name="reportingunit_unique_place",
            ),
        ]

    def __str__(self) -> str:
        if self.institution and self.place:
            return f"{self.institution.acronym or self.institution.name} — {self.place}"
        return str(self.institution or self.place)


class RoleAssignment(models.Model):
    """A user's role, for a time, and for scoped roles the unit it covers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        ReportingUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("reporting unit"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("for the institution"),
        help_text=_("For partners: the partner they record funding for."),
    )
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["focal_point", "cso_reporter"])
                | models.Q(unit__isnull=False),
                name="roleassignment_scoped_roles_have_a_unit",
            ),
            dates_in_order("since", "until", "roleassignment_dates_in_order"),
        ]

    def __str__(self) -> str:
        scope = f" ({self.unit})" if self.unit else ""
        return f"{self.user} — {self.get_role_display()}{scope}"
