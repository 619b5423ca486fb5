"""May this user do this to this object? The one answer that every view,
command, importer and API asks (actions call it before they write).

Rights come from a user's active role assignments (actors.RoleAssignment).
Focal points and civil-society reporters are scoped to their reporting unit;
partners record funding only for the sources their institution provides;
superusers are administrators.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from actors.models import SCOPED_ROLES, Role, RoleAssignment

TMU = frozenset({Role.ADMINISTRATOR, Role.TMU_COORDINATOR, Role.ME_OFFICER})
EVERY_ROLE = frozenset(Role)

RULES: dict[str, frozenset[Role]] = {
    # Everything that is not public: drafts, plans in preparation.
    "read_private": EVERY_ROLE,
    # The operational plan: versions, activities, schedule, budget, workbooks.
    "change_operational_plan": TMU,
    # Pledges, disbursements and expenses; exchange rates.
    "record_funding": TMU | {Role.PARTNER},
    "set_exchange_rate": TMU,
    # A reporting unit's own reports.
    "report_for_unit": TMU | {Role.FOCAL_POINT, Role.CSO_REPORTER},
    # Reading a unit's reports, drafts included: its own reporters, readers, the TMU.
    "read_report": TMU | {Role.READER, Role.FOCAL_POINT, Role.CSO_REPORTER},
    "validate_reports": TMU,
    # The validation rules of a plan's reports.
    "manage_rules": TMU,
    "manage_periods": TMU,
    # Inviting people by e-mail and giving them roles.
    "invite_users": TMU,
    # Making a year's figures or its annual report public; writing the report's sections.
    "publish": TMU,
    # Governance: meetings, attendance and recommendations; the risk register;
    # the representation observatory's figures.
    "record_meetings": TMU,
    "manage_risks": TMU,
    "record_observations": TMU,
    # Exchanging figures with DHIS2: its mapping, exports and imports.
    "exchange_data": TMU,
    # Regional and local plans of a plan, and their indicators' links.
    "manage_local_plans": TMU,
    # Which indicators of a plan report on which global indicators (SDGs, 1325, …).
    "manage_alignment": TMU,
    # The map: loading boundaries and recording reforms (split, merge, rename).
    "manage_places": frozenset({Role.ADMINISTRATOR, Role.TMU_COORDINATOR}),
}


def active_on(day: date, prefix: str = "") -> Q:
    """Role assignments in force on `day` (`prefix`: the path to them, as
    "role_assignments__" from users)."""
    started = Q(**{f"{prefix}since__isnull": True}) | Q(**{f"{prefix}since__lte": day})
    not_ended = Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": day})
    return started & not_ended


def active_assignments(user: Any, on: date | None = None) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    day = on or timezone.localdate()
    cached: dict[date, list[RoleAssignment]] = getattr(user, "_nap_roles", {})
    if day not in cached:
        cached[day] = list(
            RoleAssignment.objects.filter(active_on(day), user=user).select_related(
                "unit", "institution"
            )
        )
        user._nap_roles = cached
    return cached[day]


def roles_of(user: Any) -> set[Role]:
    roles = {Role(a.role) for a in active_assignments(user)}
    if getattr(user, "is_superuser", False) and user.is_active:
        roles.add(Role.ADMINISTRATOR)
    return roles


def _units_of(obj: Any) -> Iterable[Any]:
    """The reporting units an object belongs to, for scoped roles."""
    from actors.models import ReportingUnit

    if isinstance(obj, ReportingUnit):
        return [obj]
    unit = getattr(obj, "unit", None) or getattr(obj, "reporting_unit", None)
    return [unit] if unit is not None else []


def may(user: Any, action: str, obj: Any = None) -> bool:
    """True when `user` may do `action` (a key of RULES) to `obj`."""
    allowed = RULES[action]
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    for assignment in active_assignments(user):
        role = Role(assignment.role)
        if role not in allowed:
            continue
        if role in SCOPED_ROLES:
            units = list(_units_of(obj)) if obj is not None else []
            if assignment.unit in units:
                return True
            # What belongs to no unit (the plan, who has reported) is not scoped.
            if action == "read_private" and not units:
                return True
            continue
        if role == Role.PARTNER and action == "record_funding":
            institution = getattr(obj, "institution", None)
            if obj is None or (institution is not None and institution == assignment.institution):
                return True
            continue
        return True
    return False


def units_for(user: Any, action: str) -> list[int] | None:
    """The reporting units (pks) whose objects `user` may do `action` to:
    None when every unit's (a role that is not scoped), else the units of
    the user's scoped roles (maybe none). For lists, as `may` is for one."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    units: list[int] = []
    for assignment in active_assignments(user):
        role = Role(assignment.role)
        if role not in RULES[action]:
            continue
        if role not in SCOPED_ROLES:
            return None
        if assignment.unit_id is not None:
            units.append(assignment.unit_id)
    return units
