"""Writing a validated plan file into the database, and reading it back out.

`load_plan()` is the only code that writes a plan's framework: one
transaction, items matched by their plan-file `id` so that loading the same
file twice updates instead of duplicating, and items missing from the file
removed. `export_plan()` produces the plan-file mapping that loads back to
the same plan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.models import Body, BodyMembership, Institution
from nap1325.i18n import LANGUAGES
from plans.models import (
    AnchorPoint,
    Dimension,
    DimensionCategory,
    FrameworkElement,
    Indicator,
    IndicatorDisaggregation,
    IndicatorResponsibility,
    IndicatorTarget,
    LevelType,
    Plan,
    PlanLoad,
    PlanSource,
    ScaleLevel,
)
from plans.planfile import FORMAT_VERSION, PlanFileError, PlanFileInvalid

M = TypeVar("M", bound=models.Model)


def text_fields(name: str, value: dict[str, str] | None) -> dict[str, str]:
    value = value or {}
    return {f"{name}_{language}": value.get(language, "") for language in LANGUAGES}


def to_decimal(value: int | float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value))


# What the loader counts, as people read it.
KIND_LABELS = {
    "plan": gettext_lazy("plan"),
    "source": gettext_lazy("sources"),
    "level type": gettext_lazy("level types"),
    "institution": gettext_lazy("institutions"),
    "body": gettext_lazy("bodies"),
    "body members": gettext_lazy("members of bodies"),
    "plan bodies": gettext_lazy("bodies named by the plan"),
    "funding source": gettext_lazy("funding sources"),
    "operational plan": gettext_lazy("operational plan versions"),
    "activity": gettext_lazy("activities"),
    "reported completion": gettext_lazy("reported completions"),
    "plan institutions": gettext_lazy("institutions named by the plan"),
    "dimension": gettext_lazy("dimensions"),
    "category": gettext_lazy("categories"),
    "element": gettext_lazy("framework elements"),
    "anchor": gettext_lazy("anchor points"),
    "indicator": gettext_lazy("indicators"),
    "indicator disaggregations": gettext_lazy("disaggregations of indicators"),
    "indicator responsibilities": gettext_lazy("responsibilities for indicators"),
    "indicator targets": gettext_lazy("targets of indicators"),
    "indicator scales": gettext_lazy("scales of indicators"),
}


class PlanFileSection(Protocol):
    """A section of the plan file that an app above `plans` reads and writes
    (e.g. `funding_sources`, owned by operations)."""

    key: str
    # Sections that point at framework elements load after the framework.
    after_framework: bool

    def load(self, plan: Plan, items: Any, writer: PlanWriter) -> None: ...

    def export(self, plan: Plan) -> Any: ...


SECTIONS: list[PlanFileSection] = []


def register_section(section: PlanFileSection) -> None:
    if all(existing.key != section.key for existing in SECTIONS):
        SECTIONS.append(section)


@dataclass
class LoadReport:
    plan: Plan
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def summary(self) -> str:
        parts = []
        for label, counter in (
            (_("created"), self.created),
            (_("updated"), self.updated),
            (_("removed"), self.removed),
        ):
            if counter:
                items = ", ".join(
                    f"{KIND_LABELS.get(kind, kind)} {count}"
                    for kind, count in sorted(counter.items())
                )
                parts.append(_("%(what)s: %(items)s") % {"what": label, "items": items})
        return "; ".join(parts) or _("no change")


class PlanWriter:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.report: LoadReport

    # Generic upsert: the object for `key` among `existing` (popped, so what is
    # left over at the end was not in the file), created or updated to `values`.
    def sync(
        self, label: str, model: type[M], existing: dict[str, M], key: str, **values: Any
    ) -> M:
        obj = existing.pop(key, None)
        if obj is None:
            obj = model(key=key, **values)
            obj.save()
            self.report.created[label] += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            self.report.updated[label] += 1
        return obj

    def remove(self, kind: str, leftovers: dict[str, Any]) -> None:
        for obj in leftovers.values():
            obj.delete()
            self.report.removed[kind] += 1

    def run(self) -> LoadReport:
        data = self.data
        meta = data["plan"]
        values = {
            "country": meta["country"],
            **text_fields("title", meta["title"]),
            **text_fields("description", meta.get("description")),
            "start_year": meta["period"]["start"],
            "end_year": meta["period"]["end"],
            "version": meta["version"],
            "status": meta["status"],
            "default_language": meta.get("default_language", "fr"),
            "languages": _plain(meta.get("languages", {})),
            **text_fields("notes", meta.get("notes")),
        }
        plan = Plan.objects.select_for_update().filter(key=meta["id"]).first()
        if plan is not None and plan.country != meta["country"]:
            raise PlanFileInvalid(
                [
                    PlanFileError(
                        ("plan", "id"),
                        "plan-of-another-country",
                        _("the plan id “%(id)s” is already used by a plan of %(country)s")
                        % {"id": plan.key, "country": plan.country},
                    )
                ]
            )
        self.report = LoadReport(plan=plan or Plan(key=meta["id"]))
        plan = self.sync("plan", Plan, {plan.key: plan} if plan else {}, meta["id"], **values)
        self.report.plan = plan
        self.plan = plan

        self.load_sources()
        self.load_level_types()
        self.load_institutions()
        self.load_bodies()
        for section in SECTIONS:
            if not section.after_framework:
                section.load(plan, data.get(section.key), self)
        self.load_dimensions()
        self.indicators = {i.key: i for i in plan.indicators.all()}
        self.indicator_position = 0
        elements = {e.key: e for e in plan.elements.all()}
        for position, element in enumerate(data["levels"]):
            self.load_element(element, None, position, elements)
        anchors = {a.key: a for a in plan.anchors.all()}
        for position, anchor in enumerate(data.get("anchors", [])):
            obj = self.sync(
                "anchor",
                AnchorPoint,
                anchors,
                anchor["id"],
                plan_id=plan.pk,
                position=position,
                **text_fields("title", anchor["title"]),
                **text_fields("description", anchor.get("description")),
                **_source(anchor),
            )
            for indicator in anchor.get("indicators", []):
                self.load_indicator(indicator, anchor=obj)

        self.remove("indicator", self.indicators)
        # Children before parents, so that no removal cascades further than the file says.
        for element in sorted(elements.values(), key=lambda e: e.sort_path, reverse=True):
            element.delete()
            self.report.removed["element"] += 1
        self.remove("anchor", anchors)
        self.remove("dimension", self.dimensions)
        self.remove("level type", self.level_types)
        self.remove("source", self.sources)
        for section in SECTIONS:
            if section.after_framework:
                section.load(plan, data.get(section.key), self)
        Plan.objects.filter(pk=plan.pk).update(loaded_at=timezone.now())
        return self.report

    def load_sources(self) -> None:
        self.sources = {s.key: s for s in self.plan.sources.all()}
        existing = dict(self.sources)
        for position, source in enumerate(self.data.get("sources", [])):
            self.sync(
                "source",
                PlanSource,
                existing,
                source["id"],
                plan_id=self.plan.pk,
                title=source["title"],
                note=source.get("note", ""),
                position=position,
            )
        self.sources = existing

    def load_level_types(self) -> None:
        existing = {lt.key: lt for lt in self.plan.level_types.all()}
        # Depths are unique per plan: move them out of the way so levels can be reordered.
        self.plan.level_types.update(depth=F("depth") + 1000)
        self.level_by_key: dict[str, LevelType] = {}
        for depth, level in enumerate(self.data["level_types"]):
            obj = self.sync(
                "level type",
                LevelType,
                existing,
                level["id"],
                plan_id=self.plan.pk,
                depth=depth,
                **text_fields("name", level["name"]),
                **text_fields("plural", level.get("plural")),
            )
            LevelType.objects.filter(pk=obj.pk).update(depth=depth)
            self.level_by_key[level["id"]] = obj
        self.level_types = existing

    def load_institutions(self) -> None:
        country = self.plan.country
        existing = {i.key: i for i in Institution.objects.filter(country=country)}
        self.institution_by_key = dict(existing)
        named = []
        for item in self.data.get("institutions", []):
            obj = self.sync(
                "institution",
                Institution,
                existing,
                item["id"],
                country=country,
                kind=item["kind"],
                acronym=item.get("acronym", ""),
                **text_fields("name", item["name"]),
                **text_fields("notes", item.get("notes")),
                **_source(item),
            )
            self.institution_by_key[item["id"]] = obj
            named.append(obj)
        # Institutions are the country's, not the plan's: other plans may name them.
        self.set_related("plan institutions", self.plan.institutions, named)

    def load_bodies(self) -> None:
        country = self.plan.country
        existing = {b.key: b for b in Body.objects.filter(country=country)}
        named = []
        for item in self.data.get("bodies", []):
            body = self.sync(
                "body",
                Body,
                existing,
                item["id"],
                country=country,
                kind=item["kind"],
                acronym=item.get("acronym", ""),
                meets=item.get("meets", ""),
                **text_fields("name", item["name"]),
                **text_fields("mandate", item.get("mandate")),
                **text_fields("notes", item.get("notes")),
                **_source(item),
            )
            named.append(body)
            members = [
                (
                    self.institution_by_key[m["institution"]].pk,
                    m.get("role", "member"),
                    _date(m.get("since")),
                    _date(m.get("until")),
                )
                for m in item.get("members", [])
            ]
            current = [(m.institution_id, m.role, m.since, m.until) for m in body.memberships.all()]
            if current != members:
                body.memberships.all().delete()
                BodyMembership.objects.bulk_create(
                    BodyMembership(
                        body=body,
                        institution_id=institution,
                        role=role,
                        since=since,
                        until=until,
                        position=position,
                    )
                    for position, (institution, role, since, until) in enumerate(members)
                )
                self.report.updated["body members"] += 1
        self.set_related("plan bodies", self.plan.bodies, named)

    def load_dimensions(self) -> None:
        self.dimensions = {d.key: d for d in self.plan.dimensions.all()}
        self.dimension_by_key: dict[str, Dimension] = {}
        for position, item in enumerate(self.data.get("dimensions", [])):
            obj = self.sync(
                "dimension",
                Dimension,
                self.dimensions,
                item["id"],
                plan_id=self.plan.pk,
                kind=item["kind"],
                place_level=item.get("place_level", ""),
                position=position,
                **text_fields("name", item["name"]),
            )
            self.dimension_by_key[item["id"]] = obj
            categories = {c.key: c for c in obj.categories.all()}
            for index, category in enumerate(item.get("categories", [])):
                self.sync(
                    "category",
                    DimensionCategory,
                    categories,
                    category["id"],
                    dimension_id=obj.pk,
                    position=index,
                    **text_fields("name", category["name"]),
                )
            self.remove("category", categories)

    def load_element(
        self,
        item: dict[str, Any],
        parent: FrameworkElement | None,
        position: int,
        existing: dict[str, FrameworkElement],
    ) -> None:
        sort_path = f"{parent.sort_path}." if parent else ""
        sort_path += f"{position + 1:05d}"
        obj = self.sync(
            "element",
            FrameworkElement,
            existing,
            item["id"],
            plan_id=self.plan.pk,
            parent_id=parent.pk if parent else None,
            level_id=self.level_by_key[item["level"]].pk,
            code=item.get("code", ""),
            position=position,
            sort_path=sort_path,
            **text_fields("title", item["title"]),
            **text_fields("description", item.get("description")),
            **_source(item),
        )
        for indicator in item.get("indicators", []):
            self.load_indicator(indicator, element=obj)
        for index, child in enumerate(item.get("children", [])):
            self.load_element(child, obj, index, existing)

    def load_indicator(
        self,
        item: dict[str, Any],
        element: FrameworkElement | None = None,
        anchor: AnchorPoint | None = None,
    ) -> None:
        baseline = item.get("baseline", {})
        baseline_value = baseline.get("value")
        self.indicator_position += 1
        obj = self.sync(
            "indicator",
            Indicator,
            self.indicators,
            item["id"],
            plan_id=self.plan.pk,
            element_id=element.pk if element else None,
            anchor_id=anchor.pk if anchor else None,
            code=item.get("code", ""),
            position=self.indicator_position,
            type=item["type"],
            direction=item.get("direction", "increase"),
            baseline_unknown=baseline_value == "unknown",
            baseline_value=None if baseline_value == "unknown" else to_decimal(baseline_value),
            baseline_year=baseline.get("year"),
            end_target=to_decimal(item.get("end_target")),
            accumulation=item.get("accumulation", "periodic"),
            frequency=item.get("frequency", ""),
            sensitive=item.get("sensitive", False),
            **text_fields("title", item["title"]),
            **text_fields("definition", item.get("definition")),
            **text_fields("unit", item.get("unit")),
            **text_fields("numerator", item.get("numerator")),
            **text_fields("denominator", item.get("denominator")),
            **text_fields("baseline_source", baseline.get("source")),
            **text_fields("data_source", item.get("data_source")),
            **text_fields("notes", item.get("notes")),
            **_source(item),
        )
        self.set_ordered(
            "indicator disaggregations",
            IndicatorDisaggregation,
            obj,
            "dimension",
            [self.dimension_by_key[key] for key in item.get("disaggregations", [])],
        )
        self.set_ordered(
            "indicator responsibilities",
            IndicatorResponsibility,
            obj,
            "institution",
            [self.institution_by_key[key] for key in item.get("responsible", [])],
        )
        targets = {
            int(year): Decimal(str(value)) for year, value in item.get("targets", {}).items()
        }
        current = {t.year: t.value for t in obj.targets.all()}
        if current != targets:
            obj.targets.all().delete()
            IndicatorTarget.objects.bulk_create(
                IndicatorTarget(indicator=obj, year=year, value=value)
                for year, value in sorted(targets.items())
            )
            self.report.updated["indicator targets"] += 1
        scale = [
            (level["value"], *text_fields("label", level["label"]).values())
            for level in item.get("scale", [])
        ]
        current_scale = [(s.value, s.label_fr, s.label_en) for s in obj.scale.all()]
        if sorted(scale) != current_scale:
            obj.scale.all().delete()
            ScaleLevel.objects.bulk_create(
                ScaleLevel(indicator=obj, value=value, label_fr=label_fr, label_en=label_en)
                for value, label_fr, label_en in scale
            )
            self.report.updated["indicator scales"] += 1

    def set_ordered(
        self, label: str, through: Any, indicator: Indicator, name: str, objects: list[Any]
    ) -> None:
        rows = through.objects.filter(indicator=indicator).order_by("position")
        if [getattr(row, f"{name}_id") for row in rows] != [o.pk for o in objects]:
            rows.delete()
            through.objects.bulk_create(
                through(indicator=indicator, position=position, **{name: obj})
                for position, obj in enumerate(objects)
            )
            self.report.updated[label] += 1

    def set_related(self, kind: str, manager: Any, objects: list[Any]) -> None:
        if {o.pk for o in manager.all()} != {o.pk for o in objects}:
            manager.set(objects)
            self.report.updated[kind] += 1


def _source(item: dict[str, Any]) -> dict[str, str]:
    source = item.get("source", {})
    return {
        "source_document": source.get("document", ""),
        "source_section": source.get("section", ""),
    }


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _plain(value: Any) -> Any:
    """Plain dicts and lists (the YAML reader's mappings remember their lines)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_plan(
    data: dict[str, Any],
    *,
    dry_run: bool = False,
    file_name: str = "",
    file_sha256: str = "",
    user: Any = None,
) -> LoadReport:
    """Create or update the plan of a validated plan file, all or nothing, and
    record the load in the plan's history."""
    with transaction.atomic():
        report = PlanWriter(data).run()
        PlanLoad.objects.create(
            plan=report.plan,
            loaded_by=user,
            file_name=file_name[-300:],
            file_sha256=file_sha256,
            created=dict(report.created),
            updated=dict(report.updated),
            removed=dict(report.removed),
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


# --- export -----------------------------------------------------------------------


def text_out(obj: Any, name: str) -> dict[str, str] | None:
    value = {lang: getattr(obj, f"{name}_{lang}") for lang in LANGUAGES}
    value = {lang: text for lang, text in value.items() if text}
    return value or None


def number_out(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value.normalize())


def _source_out(obj: Any) -> dict[str, str] | None:
    if not obj.source_document:
        return None
    source = {"document": obj.source_document}
    if obj.source_section:
        source["section"] = obj.source_section
    return source


def _compact(mapping: dict[str, Any]) -> dict[str, Any]:
    """Leave out what is empty or default, as a person writing the file would."""
    return {k: v for k, v in mapping.items() if not _is_empty(v)}


def _is_empty(value: Any) -> bool:
    # Not `value in (None, "", False)`: 0 == False, and a target of 0 is a target.
    return value is None or value is False or (isinstance(value, str | list | dict) and not value)


def export_plan(plan: Plan) -> dict[str, Any]:
    """The plan-file mapping of a loaded plan (docs/plan-file.md)."""
    plan_meta = _compact(
        {
            "id": plan.key,
            "country": plan.country,
            "title": text_out(plan, "title"),
            "description": text_out(plan, "description"),
            "period": {"start": plan.start_year, "end": plan.end_year},
            "version": plan.version,
            "status": plan.status,
            "default_language": plan.default_language,
            "languages": plan.languages,
            "notes": text_out(plan, "notes"),
        }
    )
    institutions = [
        _compact(
            {
                "id": i.key,
                "name": text_out(i, "name"),
                "acronym": i.acronym,
                "kind": i.kind,
                "notes": text_out(i, "notes"),
                "source": _source_out(i),
            }
        )
        for i in plan.institutions.order_by("pk")
    ]
    bodies = [
        _compact(
            {
                "id": b.key,
                "kind": b.kind,
                "name": text_out(b, "name"),
                "acronym": b.acronym,
                "mandate": text_out(b, "mandate"),
                "meets": b.meets,
                "notes": text_out(b, "notes"),
                "source": _source_out(b),
                "members": [
                    _compact(
                        {
                            "institution": m.institution.key,
                            "role": None if m.role == "member" else m.role,
                            "since": m.since.isoformat() if m.since else None,
                            "until": m.until.isoformat() if m.until else None,
                        }
                    )
                    for m in b.memberships.select_related("institution")
                ],
            }
        )
        for b in plan.bodies.order_by("pk")
    ]
    dimensions = [
        _compact(
            {
                "id": d.key,
                "kind": d.kind,
                "name": text_out(d, "name"),
                "place_level": d.place_level,
                "categories": [
                    {"id": c.key, "name": text_out(c, "name")} for c in d.categories.all()
                ],
            }
        )
        for d in plan.dimensions.prefetch_related("categories")
    ]
    indicators = plan.indicators.prefetch_related(
        "targets",
        "scale",
        "indicatordisaggregation_set__dimension",
        "indicatorresponsibility_set__institution",
    ).order_by("position")
    by_element: dict[int, list[dict[str, Any]]] = {}
    by_anchor: dict[int, list[dict[str, Any]]] = {}
    for indicator in indicators:
        out = _export_indicator(indicator)
        if indicator.element_id:
            by_element.setdefault(indicator.element_id, []).append(out)
        elif indicator.anchor_id:
            by_anchor.setdefault(indicator.anchor_id, []).append(out)

    elements = list(plan.elements.select_related("level").order_by("sort_path"))
    children: dict[int | None, list[FrameworkElement]] = {}
    for element in elements:
        children.setdefault(element.parent_id, []).append(element)

    def element_out(element: FrameworkElement) -> dict[str, Any]:
        return _compact(
            {
                "id": element.key,
                "level": element.level.key,
                "code": element.code,
                "title": text_out(element, "title"),
                "description": text_out(element, "description"),
                "source": _source_out(element),
                "indicators": by_element.get(element.pk, []),
                "children": [element_out(child) for child in children.get(element.pk, [])],
            }
        )

    return _compact(
        {
            "format": FORMAT_VERSION,
            "plan": plan_meta,
            "sources": [
                _compact({"id": s.key, "title": s.title, "note": s.note})
                for s in plan.sources.all()
            ],
            "level_types": [
                _compact(
                    {"id": lt.key, "name": text_out(lt, "name"), "plural": text_out(lt, "plural")}
                )
                for lt in plan.level_types.all()
            ],
            "institutions": institutions,
            "bodies": bodies,
            **{s.key: s.export(plan) for s in SECTIONS if not s.after_framework},
            "dimensions": dimensions,
            "anchors": [
                _compact(
                    {
                        "id": a.key,
                        "title": text_out(a, "title"),
                        "description": text_out(a, "description"),
                        "source": _source_out(a),
                        "indicators": by_anchor.get(a.pk, []),
                    }
                )
                for a in plan.anchors.all()
            ],
            **{s.key: s.export(plan) for s in SECTIONS if s.after_framework},
            "levels": [element_out(element) for element in children.get(None, [])],
        }
    )


def _export_indicator(indicator: Indicator) -> dict[str, Any]:
    baseline: dict[str, Any] | None = None
    if indicator.has_baseline:
        baseline = _compact(
            {
                "value": "unknown"
                if indicator.baseline_unknown
                else number_out(indicator.baseline_value),
                "year": indicator.baseline_year,
                "source": text_out(indicator, "baseline_source"),
            }
        )
    return _compact(
        {
            "id": indicator.key,
            "code": indicator.code,
            "title": text_out(indicator, "title"),
            "definition": text_out(indicator, "definition"),
            "type": indicator.type,
            "unit": text_out(indicator, "unit"),
            "numerator": text_out(indicator, "numerator"),
            "denominator": text_out(indicator, "denominator"),
            "scale": [
                {"value": s.value, "label": text_out(s, "label")} for s in indicator.scale.all()
            ],
            "direction": None if indicator.direction == "increase" else indicator.direction,
            "baseline": baseline,
            "targets": {str(t.year): number_out(t.value) for t in indicator.targets.all()},
            "end_target": number_out(indicator.end_target),
            "accumulation": None
            if indicator.accumulation == "periodic"
            else indicator.accumulation,
            "disaggregations": [
                row.dimension.key for row in indicator.indicatordisaggregation_set.all()
            ],
            "data_source": text_out(indicator, "data_source"),
            "frequency": indicator.frequency,
            "responsible": [
                row.institution.key for row in indicator.indicatorresponsibility_set.all()
            ],
            "sensitive": indicator.sensitive,
            "notes": text_out(indicator, "notes"),
            "source": _source_out(indicator),
        }
    )
