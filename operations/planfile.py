"""The `funding_sources` section of the plan file (docs/plan-file.md):
where a plan's money comes from, loaded and exported with the plan."""

from __future__ import annotations

from typing import Any

from operations.models import FundingSource
from plans.loading import PlanWriter, text_fields
from plans.models import Plan


class FundingSourcesSection:
    key = "funding_sources"

    def load(self, plan: Plan, items: list[dict[str, Any]], writer: PlanWriter) -> None:
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
                "name": {k: v for k, v in (("fr", source.name_fr), ("en", source.name_en)) if v},
            }
            if source.institution is not None:
                item["institution"] = source.institution.key
            result.append(item)
        return result
