"""Comparing two versions of an operational plan: what was added, removed or
changed (budget, schedule, responsibilities, texts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from operations.actions import activity_snapshot
from operations.models import ActivityVersion, OperationalPlan

# The parts of an activity a reader compares, in the order they are shown.
COMPARED = (
    "code",
    "title_fr",
    "title_en",
    "elements",
    "lead",
    "monitor",
    "partners",
    "places",
    "quarters",
    "budget_total",
    "budget",
    "status",
    "progress",
)


LABELS = {
    "code": _("Code"),
    "title_fr": _("Title (French)"),
    "title_en": _("Title (English)"),
    "elements": _("Contributes to"),
    "lead": _("Lead institution"),
    "monitor": _("Monitoring institution"),
    "partners": _("Partners"),
    "places": _("Places"),
    "quarters": _("Scheduled quarters"),
    "budget_total": _("Budget (XOF)"),
    "budget": _("Budget lines"),
    "status": _("Status"),
    "progress": _("Progress (%)"),
}


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) if value else "—"
    return "—" if value in (None, "") else str(value)


@dataclass
class ActivityChange:
    kind: str  # "added", "removed" or "changed"
    code: str
    title: str
    version: ActivityVersion
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, str, str]]:
        """(label, before, after) for a reader; budget lines are summed up by their total."""
        shown = []
        for name, (before, after) in self.fields.items():
            if name == "budget":
                if "budget_total" not in self.fields:
                    shown.append((str(LABELS[name]), "", str(_("changed"))))
                continue
            shown.append((str(LABELS[name]), _shown(before), _shown(after)))
        return shown


def _snapshots(
    operational_plan: OperationalPlan,
) -> dict[int, tuple[ActivityVersion, dict[str, Any]]]:
    versions = operational_plan.activities.select_related("lead", "monitor").prefetch_related(
        "elements", "partners", "places", "schedule", "budget_lines__source"
    )
    result = {}
    for version in versions:
        snapshot = activity_snapshot(version)
        snapshot["budget_total"] = sum(line["amount"] for line in snapshot["budget"])
        result[version.activity_id] = (version, snapshot)
    return result


def compare_versions(old: OperationalPlan, new: OperationalPlan) -> list[ActivityChange]:
    before, after = _snapshots(old), _snapshots(new)
    changes: list[ActivityChange] = []
    for activity_id, (version, snapshot) in after.items():
        if activity_id not in before:
            changes.append(ActivityChange("added", version.code, version.title, version))
            continue
        previous = before[activity_id][1]
        differing = {
            name: (previous[name], snapshot[name])
            for name in COMPARED
            if previous[name] != snapshot[name]
        }
        if differing:
            changes.append(
                ActivityChange("changed", version.code, version.title, version, differing)
            )
    for activity_id, (version, _snapshot) in before.items():
        if activity_id not in after:
            changes.append(ActivityChange("removed", version.code, version.title, version))
    order = {"added": 0, "changed": 1, "removed": 2}
    return sorted(changes, key=lambda c: (order[c.kind], c.code))
