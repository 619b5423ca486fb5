"""The `funding_sources` section of the plan file (docs/plan-file.md):
where a plan's money comes from, loaded and exported with the plan."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from operations.actions import ActivityInput, BudgetLineInput, write_activity
from operations.models import (
    Activity,
    ActivityVersion,
    FundingSource,
    OperationalPlan,
    ReportedCompletion,
    VersionStatus,
)
from operations.schedule import parse_quarter
from places.models import Place
from plans.loading import PlanWriter, number_out, text_fields, text_out
from plans.models import Plan
from plans.planfile import PlanFileError, PlanFileInvalid


class FundingSourcesSection:
    key = "funding_sources"
    after_framework = False

    def load(self, plan: Plan, items: list[dict[str, Any]] | None, writer: PlanWriter) -> None:
        items = items or []
        existing = {s.key: s for s in plan.funding_sources.all()}
        for position, item in enumerate(items):
            institution = item.get("institution")
            writer.sync(
                "funding source",
                FundingSource,
                existing,
                item["id"],
                plan_id=plan.pk,
                kind=item["kind"],
                institution_id=writer.institution_by_key[institution].pk if institution else None,
                position=position,
                **text_fields("name", item["name"]),
            )
        # A source that budget lines or funding records use stays: money is never
        # left without its source. The others go, as the file says.
        unused = {
            key: source
            for key, source in existing.items()
            if not source.budget_lines.exists() and not source.records.exists()
        }
        writer.remove("funding source", unused)

    def export(self, plan: Plan) -> list[dict[str, Any]]:
        result = []
        for source in plan.funding_sources.select_related("institution"):
            item: dict[str, Any] = {
                "id": source.key,
                "kind": source.kind,
                "name": text_out(source, "name"),
            }
            if source.institution is not None:
                item["institution"] = source.institution.key
            result.append(item)
        return result


class OperationalPlanSection:
    """`operational_plan`: the first version of a plan's operational plan, as
    a past plan's document gives it. Later versions live on the site; a file
    without this section leaves them alone. An adopted version is frozen: the
    file may repeat it, not change it."""

    key = "operational_plan"
    after_framework = True

    def load(self, plan: Plan, item: dict[str, Any] | None, writer: PlanWriter) -> None:
        if not item:
            return
        version = OperationalPlan.objects.filter(plan=plan, number=1).first()
        if version is not None and version.frozen:
            if self.export(plan) != _normalized(item):
                raise PlanFileInvalid(
                    [
                        PlanFileError(
                            ("operational_plan",),
                            "frozen-version",
                            _(
                                "version 1 of the operational plan is adopted and frozen: "
                                "the file cannot change it"
                            ),
                        )
                    ]
                )
            return
        if version is None:
            version = OperationalPlan.objects.create(plan=plan, number=1, year=item["year"])
            writer.report.created["operational plan"] += 1
        version.year = item["year"]
        version.partial = item.get("partial", False)
        version.declared_total = item.get("declared_total")
        version.notes_fr = (item.get("notes") or {}).get("fr", "")
        version.notes_en = (item.get("notes") or {}).get("en", "")
        version.save()
        elements = {e.key: e for e in plan.elements.all()}
        sources = {s.key: s for s in plan.funding_sources.all()}
        places = {p.code: p for p in Place.objects.filter(country=plan.country)}
        existing = {v.code: v for v in version.activities.select_related("activity")}
        for position, entry in enumerate(item["activities"]):
            where = ("operational_plan", "activities", position)
            unknown = [code for code in entry.get("places", []) if code not in places]
            if unknown:
                raise PlanFileInvalid(
                    [
                        PlanFileError(
                            (*where, "places"),
                            "unknown-reference",
                            _("unknown place “%(code)s”") % {"code": unknown[0]},
                        )
                    ]
                )
            current = existing.pop(entry["code"], None)
            if current is None:
                current = ActivityVersion(
                    operational_plan=version, activity=Activity.objects.create(plan=plan)
                )
                writer.report.created["activity"] += 1
            institution = writer.institution_by_key
            title = entry["title"]
            data = ActivityInput(
                code=entry["code"],
                title_fr=title.get("fr", ""),
                title_en=title.get("en", ""),
                description_fr=(entry.get("description") or {}).get("fr", ""),
                description_en=(entry.get("description") or {}).get("en", ""),
                deliverable_fr=(entry.get("deliverable") or {}).get("fr", ""),
                deliverable_en=(entry.get("deliverable") or {}).get("en", ""),
                lead=institution[entry["lead"]] if "lead" in entry else None,
                monitor=institution[entry["monitor"]] if "monitor" in entry else None,
                elements=[elements[key] for key in entry.get("elements", [])],
                partners=[institution[key] for key in entry.get("partners", [])],
                places=[places[code] for code in entry.get("places", [])],
                quarters=[q for q in map(parse_quarter, entry.get("quarters", [])) if q],
                status=entry.get("status", "planned"),
                progress=entry.get("progress", 0),
                unplanned=entry.get("unplanned", False),
                budget_lines=[
                    BudgetLineInput(
                        year=line["year"],
                        source=sources[line["source"]],
                        unit_cost=line["unit_cost"],
                        quantity=Decimal(str(line["quantity"])),
                        label=line.get("label", ""),
                        unit=line.get("unit", ""),
                    )
                    for line in entry.get("budget", [])
                ],
            )
            current.position = position
            source = entry.get("source", {})
            current.source_document = source.get("document", "")
            current.source_section = source.get("section", "")
            write_activity(current, data)
        for leftover in existing.values():
            leftover.delete()
            writer.report.removed["activity"] += 1
        if item.get("status") == "adopted":
            version.status = VersionStatus.ADOPTED
            version.adopted_at = timezone.now()
            version.save(update_fields=["status", "adopted_at"])

    def export(self, plan: Plan) -> dict[str, Any] | None:
        version = OperationalPlan.objects.filter(plan=plan, number=1).first()
        if version is None:
            return None
        activities = []
        for activity in version.activities.select_related("lead", "monitor").prefetch_related(
            "elements", "partners", "places", "schedule", "budget_lines__source"
        ):
            entry: dict[str, Any] = {
                "code": activity.code,
                "title": text_out(activity, "title"),
                "description": text_out(activity, "description"),
                "deliverable": text_out(activity, "deliverable"),
                "elements": [
                    e.key for e in sorted(activity.elements.all(), key=lambda e: e.sort_path)
                ],
                "lead": activity.lead.key if activity.lead else None,
                "monitor": activity.monitor.key if activity.monitor else None,
                "partners": [i.key for i in activity.partners.all()],
                "places": [p.code for p in activity.places.all()],
                "quarters": [f"{q.year}-Q{q.quarter}" for q in activity.schedule.all()],
                "status": None if activity.status == "planned" else activity.status,
                "progress": activity.progress or None,
                "unplanned": activity.unplanned or None,
                "budget": [
                    {
                        "year": line.year,
                        "source": line.source.key,
                        **({"label": line.label} if line.label else {}),
                        **({"unit": line.unit} if line.unit else {}),
                        "unit_cost": line.unit_cost,
                        "quantity": number_out(line.quantity),
                    }
                    for line in activity.budget_lines.all()
                ],
                "source": {"document": activity.source_document, "section": activity.source_section}
                if activity.source_document
                else None,
            }
            activities.append({k: v for k, v in entry.items() if v not in (None, [])})
        result: dict[str, Any] = {
            "year": version.year,
            "status": version.status if version.frozen else None,
            "partial": version.partial or None,
            "declared_total": version.declared_total,
            "notes": text_out(version, "notes"),
            "activities": activities,
        }
        return {k: v for k, v in result.items() if v is not None}


def _normalized(item: dict[str, Any]) -> dict[str, Any]:
    """A file's operational_plan section as export writes it (for comparison)."""
    result = dict(item)
    result["activities"] = [
        {k: v for k, v in a.items() if not (k == "status" and v == "planned")}
        for a in item["activities"]
    ]
    if result.get("status") == "draft":
        del result["status"]
    return result


class CompletionSection:
    """`completion`: activity counts per element as a past plan's review reported them."""

    key = "completion"
    after_framework = True

    def load(self, plan: Plan, items: list[dict[str, Any]] | None, writer: PlanWriter) -> None:
        elements = {e.key: e for e in plan.elements.all()}
        existing = {
            r.element.key: r
            for r in ReportedCompletion.objects.filter(element__plan=plan).select_related("element")
        }
        for item in items or []:
            source = item.get("source", {})
            values = {
                "planned": item["planned"],
                "completed": item["completed"],
                "published_rate": None
                if item.get("published_rate") is None
                else Decimal(str(item["published_rate"])),
                "source_document": source.get("document", ""),
                "source_section": source.get("section", ""),
            }
            record = existing.pop(item["element"], None)
            if record is None:
                ReportedCompletion.objects.create(element=elements[item["element"]], **values)
                writer.report.created["reported completion"] += 1
            elif any(getattr(record, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(record, k, v)
                record.save()
                writer.report.updated["reported completion"] += 1
        for leftover in existing.values():
            leftover.delete()
            writer.report.removed["reported completion"] += 1

    def export(self, plan: Plan) -> list[dict[str, Any]]:
        result = []
        records = ReportedCompletion.objects.filter(element__plan=plan).select_related("element")
        for record in records.order_by("element__sort_path"):
            item: dict[str, Any] = {
                "element": record.element.key,
                "planned": record.planned,
                "completed": record.completed,
            }
            if record.published_rate is not None:
                item["published_rate"] = number_out(record.published_rate)
            if record.source_document:
                item["source"] = {"document": record.source_document}
                if record.source_section:
                    item["source"]["section"] = record.source_section
            result.append(item)
        return result
