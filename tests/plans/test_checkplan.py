"""The framework check, through `manage.py checkplan`, on files and loaded plans."""

from __future__ import annotations

import io
import json
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command

from plans.models import Plan
from tests.conftest import MALI_PLAN

pytestmark = pytest.mark.django_db


def run_check(target: str, *extra: str, language: str = "en") -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("checkplan", target, *extra, stdout=out, language=language)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def check_json(target: str) -> tuple[int, dict[str, Any]]:
    status, text = run_check(target, "--format", "json")
    return status, json.loads(text)


def test_a_complete_plan_has_no_findings(write_plan: Any, small_plan: dict) -> None:
    status, result = check_json(str(write_plan(small_plan)))
    assert status == 0
    assert result == {
        "plan": "xx-2020-2024",
        "counts": {"pillar": 2, "outcome": 2, "indicators": 7},
        "findings": [],
    }


def test_each_gap_an_officer_looks_for(write_plan: Any, small_plan: dict) -> None:
    pillar = small_plan["levels"][0]
    share = pillar["indicators"][0]
    for key in ("baseline", "data_source", "frequency", "responsible", "denominator"):
        del share[key]
    del share["end_target"]  # yearly targets stay
    pillar["children"][0]["indicators"][0].pop("scale")
    pillar["children"][0]["code"] = "2.1"  # not under pillar 1
    pillar["children"][1]["code"] = "1.3"  # and 1.1 / 1.2 missing
    cases = pillar["children"][1]["indicators"][0]
    del cases["targets"], cases["end_target"]
    del small_plan["levels"][1]["indicators"]
    small_plan["levels"][1]["title"] = {"fr": "Protection"}
    status, result = check_json(str(write_plan(small_plan)))
    assert status == 0, "warnings alone do not fail the check"
    found = {(f["code"], f["severity"], f["location"]) for f in result["findings"]}
    assert found == {
        ("indicator-no-baseline", "warning", "levels[0].indicators[0]"),
        ("indicator-no-data-source", "warning", "levels[0].indicators[0]"),
        ("indicator-no-frequency", "warning", "levels[0].indicators[0]"),
        ("indicator-no-responsible", "warning", "levels[0].indicators[0]"),
        ("indicator-no-end-target", "info", "levels[0].indicators[0]"),
        ("percentage-no-denominator", "warning", "levels[0].indicators[0]"),
        ("ordinal-no-scale", "warning", "levels[0].children[0].indicators[0]"),
        ("code-not-under-parent", "warning", "levels[0].children[0].code"),
        ("numbering-gap", "warning", "levels[0]"),
        ("indicator-no-targets", "warning", "levels[0].children[1].indicators[0]"),
        ("level-without-indicators", "warning", "levels[1]"),
        ("missing-translation", "warning", "levels[1].title"),
    }
    messages = {f["code"]: f["message"] for f in result["findings"]}
    assert messages["numbering-gap"] == "numbering gap: no Outcome 1.1, 1.2"
    assert (
        messages["code-not-under-parent"] == "Outcome 2.1 does not sit under the code of Pillar 1"
    )
    assert messages["missing-translation"] == "no English text"


def test_duplicate_codes_across_parents_are_errors(write_plan: Any, small_plan: dict) -> None:
    second = small_plan["levels"][1]
    second["children"] = [
        {"id": "B.1", "level": "outcome", "code": "1.1", "title": {"fr": "x", "en": "x"}}
    ]
    status, result = check_json(str(write_plan(small_plan)))
    assert status == 1
    duplicate = [f for f in result["findings"] if f["code"] == "duplicate-code"]
    assert duplicate == [
        {
            "code": "duplicate-code",
            "severity": "error",
            "location": "levels[1].children[0].code",
            "message": "Outcome 1.1: the code is also used at levels[0].children[0]",
        }
    ]


def test_a_file_that_does_not_load_is_reported_as_errors(write_plan: Any, small_plan: dict) -> None:
    small_plan["levels"][0]["indicators"][0]["targets"][2031] = 1
    status, result = check_json(str(write_plan(small_plan)))
    assert status == 1
    assert result["findings"] == [
        {
            "code": "target-outside-period",
            "severity": "error",
            "location": "levels[0].indicators[0].targets.2031",
            "message": "year outside the plan period 2020-2024",
        }
    ]


def test_mali_plan_findings(mali: Plan) -> None:
    """The published translation's numbering slips and its missing data."""
    status, result = check_json(str(MALI_PLAN))
    assert status == 1  # the duplicate codes are errors
    assert result["plan"] == "ml-2019-2023"
    assert result["counts"] == {
        "priority": 4, "objective": 4, "result": 15, "output": 35, "indicators": 63
    }  # fmt: skip
    per_code = Counter(f["code"] for f in result["findings"])
    assert per_code["duplicate-code"] == 4  # 3.2.1, 3.2.2, 4.2.1, 4.2.2 twice each
    assert per_code["code-not-under-parent"] == 10
    assert per_code["numbering-gap"] == 1
    gap = next(f for f in result["findings"] if f["code"] == "numbering-gap")
    assert gap["message"] == "numbering gap: no Result 4.2"
    # The strategic framework gives no data source, frequency or target at all.
    assert per_code["indicator-no-data-source"] == 63
    assert per_code["indicator-no-frequency"] == 63
    assert per_code["indicator-no-targets"] == 63
    assert per_code["indicator-no-baseline"] == 62  # only 1.1.1 has one (3%, December 2018)
    assert per_code["missing-translation"] == 0
    # Checking the loaded plan gives the same findings as checking its file.
    _status, loaded = check_json(mali.key)
    assert loaded == result


def test_text_report_in_french(mali: Plan) -> None:
    status, text = run_check(mali.key, language="fr")
    assert status == 1
    assert "Constats par code" in text
    assert "erreur [duplicate-code]" in text
    assert "lacune de numérotation : pas de Résultat 4.2" in text


def test_unknown_target() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="neither a file nor the id of a loaded plan"):
        call_command("checkplan", "no-such-plan", language="en")


def test_top_level_numbering_gaps_and_odd_codes(write_plan: Any, small_plan: dict) -> None:
    small_plan["levels"][1]["code"] = "3"  # pillars 1 and 3: no 2
    small_plan["levels"][0]["children"][0]["code"] = "1.²"  # a digit, but not a decimal one
    small_plan["levels"][0]["children"][1]["code"] = "1.99999999999"
    status, result = check_json(str(write_plan(small_plan)))
    gaps = [f["message"] for f in result["findings"] if f["code"] == "numbering-gap"]
    assert gaps == ["numbering gap: no Pillar 2"]
    assert status == 0
