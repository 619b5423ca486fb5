"""Loading plan files: create, update without duplicating, remove, export
and load back, all or nothing."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from actors.models import Institution
from plans.loading import LoadReport, export_plan, load_plan
from plans.models import (
    FrameworkElement,
    Indicator,
    IndicatorTarget,
    Plan,
)
from plans.planfile import read_plan_file, read_plan_text
from plans.yaml_out import dump_plan
from tests.conftest import MALI_PLAN

pytestmark = pytest.mark.django_db

DEFAULTS = {"direction": "increase", "accumulation": "periodic", "sensitive": False}


def normalized(data: Any) -> Any:
    """A plan file's data with defaults left out, as export writes it."""
    if isinstance(data, dict):
        return {
            str(k): normalized(v)
            for k, v in data.items()
            if not (k in DEFAULTS and v == DEFAULTS[k])
            and not (k == "default_language" and v == "fr")
        }
    if isinstance(data, list):
        return [normalized(v) for v in data]
    return data


def load(data: dict[str, Any]) -> LoadReport:
    return load_plan(read_plan_text(yaml.safe_dump(data, allow_unicode=True)))


def test_load_creates_the_whole_plan(small_plan: dict) -> None:
    report = load(small_plan)
    plan = report.plan
    assert (plan.key, plan.country, plan.start_year, plan.end_year) == (
        "xx-2020-2024",
        "XX",
        2020,
        2024,
    )
    assert plan.title_fr == "Plan d'essai" and plan.title_en == "Test plan"
    assert list(plan.level_types.values_list("key", "depth")) == [("pillar", 0), ("outcome", 1)]
    assert [e.code for e in plan.elements.order_by("sort_path")] == ["1", "1.1", "1.2", "2"]
    share = Indicator.objects.get(plan=plan, key="A.I1")
    assert share.baseline_value == Decimal("12.5") and share.baseline_year == 2019
    assert {t.year: t.value for t in share.targets.all()} == {2022: 20, 2024: 30}
    assert [i.key for i in share.responsible.order_by("indicatorresponsibility__position")] == [
        "mwa",
        "ngo",
    ]
    assert share.numerator_en == "Women elected" and share.denominator_fr == "Personnes élues"
    level = Indicator.objects.get(plan=plan, key="A.1.I1")
    assert level.baseline_unknown and level.baseline_value is None
    assert [s.label_en for s in level.scale.all()] == ["Low", "Medium", "High"]
    cases = Indicator.objects.get(plan=plan, key="A.2.I1")
    assert cases.sensitive and cases.direction == "decrease"
    assert cases.end_target == 0 and cases.baseline_value == 140  # 0 is a target, not "none"
    meetings = Indicator.objects.get(plan=plan, key="C1")
    assert meetings.anchor is not None and meetings.element is None
    assert meetings.accumulation == "cumulative" and meetings.frequency == "quarterly"
    assert report.created["indicator"] == 7 and report.created["element"] == 4


def test_loading_twice_updates_and_does_not_duplicate(small_plan: dict) -> None:
    load(small_plan)
    counts = (
        FrameworkElement.objects.count(),
        Indicator.objects.count(),
        IndicatorTarget.objects.count(),
    )
    again = load(small_plan)
    assert not again.changed, again.summary()
    assert (
        FrameworkElement.objects.count(),
        Indicator.objects.count(),
        IndicatorTarget.objects.count(),
    ) == counts

    small_plan["levels"][0]["children"][0]["title"]["en"] = "Women sit and decide"
    small_plan["levels"][0]["indicators"][0]["targets"] = {2023: 25}
    changed = load(small_plan)
    assert changed.updated["element"] == 1 and changed.updated["indicator targets"] == 1
    assert FrameworkElement.objects.get(key="A.1").title_en == "Women sit and decide"
    share = Indicator.objects.get(key="A.I1")
    assert {t.year: t.value for t in share.targets.all()} == {2023: 25}
    assert Plan.objects.filter(key="xx-2020-2024").count() == 1


def test_renumbering_keeps_the_element(small_plan: dict) -> None:
    """Correcting a published code keeps the element (and what hangs on it)."""
    load(small_plan)
    before = FrameworkElement.objects.get(key="A.2")
    small_plan["levels"][0]["children"][1]["code"] = "1.3"
    load(small_plan)
    after = FrameworkElement.objects.get(key="A.2")
    assert (after.pk, after.uuid, after.code) == (before.pk, before.uuid, "1.3")


def test_items_missing_from_the_file_are_removed(small_plan: dict) -> None:
    load(small_plan)
    del small_plan["levels"][0]["children"][1]  # outcome 1.2 and its two indicators
    small_plan["dimensions"] = small_plan["dimensions"][1:]  # sex is no longer used
    report = load(small_plan)
    assert report.removed == {"element": 1, "indicator": 2, "dimension": 1}
    assert not FrameworkElement.objects.filter(key="A.2").exists()
    assert not Indicator.objects.filter(key__in=["A.2.I1", "A.2.I2"]).exists()
    assert Institution.objects.filter(country="XX").count() == 2  # institutions stay


def test_an_indicator_can_move_to_another_element(small_plan: dict) -> None:
    load(small_plan)
    moved = small_plan["levels"][0]["children"][1]["indicators"].pop()
    small_plan["levels"][1]["indicators"].append(moved)
    load(small_plan)
    law = Indicator.objects.get(key="A.2.I2")
    assert law.element is not None and law.element.key == "B"


def test_level_types_can_be_reordered_and_renamed(small_plan: dict) -> None:
    load(small_plan)
    small_plan["level_types"][0]["name"]["en"] = "Pillar of the plan"
    load(small_plan)
    plan = Plan.objects.get(key="xx-2020-2024")
    assert list(plan.level_types.values_list("name_en", flat=True)) == [
        "Pillar of the plan",
        "Outcome",
    ]


def test_export_loads_back_to_the_same_plan(small_plan: dict, tmp_path: Path) -> None:
    plan = load(small_plan).plan
    exported = dump_plan(export_plan(plan))
    assert normalized(yaml.safe_load(exported)) == normalized(small_plan)
    path = tmp_path / "exported.yaml"
    path.write_text(exported, encoding="utf-8")
    report = load_plan(read_plan_file(path))
    assert not report.changed, report.summary()


def test_mali_round_trip(mali: Plan, tmp_path: Path) -> None:
    source = yaml.safe_load(MALI_PLAN.read_text(encoding="utf-8"))
    out = io.StringIO()
    call_command("exportplan", mali.key, stdout=out)
    assert normalized(yaml.safe_load(out.getvalue())) == normalized(source)
    path = tmp_path / "mali.yaml"
    path.write_text(out.getvalue(), encoding="utf-8")
    stdout = io.StringIO()
    call_command("loadplan", str(path), stdout=stdout, language="en")
    assert "(no change)" in stdout.getvalue()


def test_exported_mali_plan_loads_into_an_empty_database(mali: Plan) -> None:
    exported = dump_plan(export_plan(mali))
    Plan.objects.filter(pk=mali.pk).delete()
    plan = load_plan(read_plan_text(exported)).plan
    assert dump_plan(export_plan(plan)) == exported


def test_dry_run_writes_nothing(write_plan: Any, small_plan: dict) -> None:
    out = io.StringIO()
    call_command("loadplan", str(write_plan(small_plan)), "--dry-run", stdout=out, language="en")
    assert "would be loaded" in out.getvalue()
    assert not Plan.objects.filter(key="xx-2020-2024").exists()


def test_a_failure_while_writing_rolls_everything_back(
    small_plan: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault after many rows were written (say the disk fills up) leaves the
    previous plan exactly as it was."""
    load(small_plan)
    before = dump_plan(export_plan(Plan.objects.get(key="xx-2020-2024")))
    small_plan["levels"][0]["title"]["en"] = "Changed"
    small_plan["anchors"][0]["indicators"][0]["targets"] = {2024: 99}

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(IndicatorTarget.objects, "bulk_create", disk_full)
    with pytest.raises(OSError, match="disk full"):
        load(small_plan)
    monkeypatch.undo()
    assert dump_plan(export_plan(Plan.objects.get(key="xx-2020-2024"))) == before


def test_every_load_is_recorded(write_plan: Any, small_plan: dict) -> None:
    path = write_plan(small_plan)
    call_command("loadplan", str(path), stdout=io.StringIO())
    call_command("loadplan", str(path), stdout=io.StringIO())
    plan = Plan.objects.get(key="xx-2020-2024")
    latest, first = list(plan.loads.all())
    # plan 1, source 1, level types 2, institutions 2, dimensions 2, categories 2,
    # elements 4, anchor 1, indicators 7; then the relations set on them.
    assert first.changes == {"created": 22, "updated": 16, "removed": 0}
    assert latest.changes == {"created": 0, "updated": 0, "removed": 0}
    assert latest.file_name == str(path.resolve())
    assert len(latest.file_sha256) == 64 and latest.file_sha256 == first.file_sha256
    call_command("loadplan", str(path), "--dry-run", stdout=io.StringIO())
    assert plan.loads.count() == 2, "a dry run leaves no trace"


def test_plan_page_shows_the_history_of_loads(client: Any, mali: Plan) -> None:
    html = client.get(f"/en/plans/{mali.key}/").content.decode()
    assert "History of loads" in html
    assert '<th scope="col" class="num">Removed</th>' in html
    assert '<td class="num">0</td>' in html
