"""Bad plan files are refused with located errors, and nothing is written."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from actors.models import Institution
from plans.models import FrameworkElement, Indicator, IndicatorTarget, Plan


def snapshot() -> tuple[int, ...]:
    return (
        Plan.objects.count(),
        FrameworkElement.objects.count(),
        Indicator.objects.count(),
        IndicatorTarget.objects.count(),
        Institution.objects.count(),
    )


def refuse(path: Path, language: str = "en") -> str:
    """Run loadplan on a bad file; return what it wrote on stderr."""
    before = snapshot()
    stderr = io.StringIO()
    with pytest.raises(CommandError, match=r"nothing was written|rien n.a été écrit"):
        call_command("loadplan", str(path), language=language, stderr=stderr)
    assert snapshot() == before, "a refused file must not write anything"
    return stderr.getvalue()


pytestmark = pytest.mark.django_db


def test_broken_yaml_names_line_and_column(write_plan: Any) -> None:
    path = write_plan("format: 1\nplan:\n  id: [unclosed\n  country: ML\n")
    errors = refuse(path)
    assert "not valid YAML" in errors
    assert "line 4" in errors or "line 3" in errors
    assert "column" in errors


def test_unknown_field_is_named_with_a_suggestion(write_plan: Any, small_plan: dict) -> None:
    small_plan["levels"][0]["children"][1]["indicators"][0]["sensitve"] = True
    errors = refuse(write_plan(small_plan))
    assert "levels[0].children[1].indicators[0].sensitve" in errors
    assert "unknown key “sensitve”" in errors
    assert "did you mean “sensitive”?" in errors


def test_missing_required_field(write_plan: Any, small_plan: dict) -> None:
    del small_plan["levels"][1]["indicators"][0]["type"]
    errors = refuse(write_plan(small_plan))
    assert "levels[1].indicators[0].type" in errors
    assert "the required key “type” is missing" in errors


def test_duplicate_code_at_one_level(write_plan: Any, small_plan: dict) -> None:
    small_plan["levels"][0]["children"][1]["code"] = "1.1"
    errors = refuse(write_plan(small_plan))
    assert "levels[0].children[1].code" in errors
    assert "the code “1.1” is already used by a sibling at levels[0].children[0]" in errors


def test_year_outside_period(write_plan: Any, small_plan: dict) -> None:
    small_plan["levels"][0]["indicators"][0]["targets"][2031] = 40
    errors = refuse(write_plan(small_plan))
    assert "levels[0].indicators[0].targets.2031" in errors
    assert "year outside the plan period 2020-2024" in errors


def test_unknown_institution_reference(write_plan: Any, small_plan: dict) -> None:
    small_plan["anchors"][0]["indicators"][0]["responsible"] = ["mwa", "ministry-of-magic"]
    errors = refuse(write_plan(small_plan))
    assert "anchors[0].indicators[0].responsible[1]" in errors
    assert "unknown institution “ministry-of-magic”" in errors


def test_wrong_indicator_type(write_plan: Any, small_plan: dict) -> None:
    small_plan["levels"][1]["indicators"][0]["type"] = "ratio"
    errors = refuse(write_plan(small_plan))
    assert "levels[1].indicators[0].type" in errors
    assert "“ratio” is not allowed here; expected one of: count, percentage" in errors


def test_every_error_is_listed_not_only_the_first(write_plan: Any, small_plan: dict) -> None:
    small_plan["levels"][0]["indicators"][0]["targets"][2031] = 40
    small_plan["levels"][0]["indicators"][0]["targets"][2019] = 5
    small_plan["anchors"][0]["indicators"][0]["responsible"] = ["nobody"]
    errors = refuse(write_plan(small_plan))
    assert errors.count("year outside the plan period") == 2
    assert "unknown institution “nobody”" in errors
    assert "3 error(s)" not in errors  # the count is in the CommandError, the lines here


def test_errors_carry_the_line_of_their_place(write_plan: Any) -> None:
    text = Path(__file__).parent.parent.joinpath("fixtures", "small-plan.yaml").read_text()
    text = text.replace(
        "        targets: {2022: 20, 2024: 30}", "        targets: {2022: 20, 2031: 30}"
    )
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "2031: 30" in row)
    errors = refuse(write_plan(text))
    assert f"levels[0].indicators[0].targets.2031 (line {line}): year outside" in errors


def test_duplicate_yaml_key(write_plan: Any) -> None:
    text = Path(__file__).parent.parent.joinpath("fixtures", "small-plan.yaml").read_text()
    text = text.replace('  version: "1"\n', '  version: "1"\n  version: "2"\n')
    errors = refuse(write_plan(text))
    assert "the key “version” is given twice" in errors


def test_unquoted_code_asks_for_quotes(write_plan: Any) -> None:
    text = Path(__file__).parent.parent.joinpath("fixtures", "small-plan.yaml").read_text()
    text = text.replace('code: "1.1"', "code: 1.10")
    errors = refuse(write_plan(text))
    assert "levels[0].children[0].code" in errors
    assert "expected a text, found a number “1.1” (write it in quotes)" in errors


def test_level_out_of_order(write_plan: Any, small_plan: dict) -> None:
    small_plan["levels"][0]["children"][0]["level"] = "pillar"
    errors = refuse(write_plan(small_plan))
    assert "levels[0].children[0].level" in errors
    assert "expected level “outcome” here, found “pillar”" in errors


def test_duplicate_id(write_plan: Any, small_plan: dict) -> None:
    small_plan["levels"][1]["id"] = "A"
    errors = refuse(write_plan(small_plan))
    assert "levels[1].id" in errors
    assert "the element id “A” is already used at levels[0]" in errors


def test_unknown_dimension_and_source(write_plan: Any, small_plan: dict) -> None:
    small_plan["levels"][0]["indicators"][0]["disaggregations"] = ["caste"]
    small_plan["levels"][0]["source"]["document"] = "nowhere"
    errors = refuse(write_plan(small_plan))
    assert "unknown dimension “caste”" in errors
    assert "levels[0].source.document" in errors


def test_period_that_ends_before_it_starts(write_plan: Any, small_plan: dict) -> None:
    small_plan["plan"]["period"] = {"start": 2024, "end": 2020}
    small_plan["levels"][0]["indicators"][0]["targets"] = {}
    errors = refuse(write_plan(small_plan))
    assert "plan.period.end" in errors
    assert "the period ends (2020) before it starts (2024)" in errors


def test_options_that_do_not_fit_the_type(write_plan: Any, small_plan: dict) -> None:
    counted = small_plan["anchors"][0]["indicators"][0]
    counted["numerator"] = {"en": "meetings"}
    counted["scale"] = [{"value": 1, "label": {"en": "a"}}, {"value": 1, "label": {"en": "b"}}]
    errors = refuse(write_plan(small_plan))
    assert "“numerator” is only for percentage indicators" in errors
    assert "“scale” is only for ordinal indicators" in errors
    assert "the scale value 1 is given twice" in errors


def test_not_a_mapping(write_plan: Any) -> None:
    errors = refuse(write_plan("- just\n- a list\n"))
    assert "a plan file is a mapping" in errors


def test_errors_in_french(write_plan: Any, small_plan: dict) -> None:
    small_plan["levels"][0]["indicators"][0]["targets"][2031] = 40
    errors = refuse(write_plan(small_plan), language="fr")
    assert "levels[0].indicators[0].targets.2031 (ligne " in errors
    assert "année hors de la période du plan 2020-2024" in errors
    del small_plan["levels"][1]["indicators"][0]["type"]
    errors = refuse(write_plan(small_plan), language="fr")
    assert "la clé obligatoire « type » manque" in errors


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("loadplan", str(tmp_path / "absent.yaml"), language="en")


def test_duplicate_indicator_id_in_french(write_plan: Any, small_plan: dict) -> None:
    small_plan["levels"][1]["indicators"][1]["id"] = "A.I1"
    errors = refuse(write_plan(small_plan), language="fr")
    assert "levels[1].indicators[1].id" in errors
    expected = "l'identifiant « A.I1 » (indicateur) est déjà utilisé à l'emplacement"
    assert f"{expected} levels[0].indicators[0]" in errors


def test_a_plan_id_of_another_country_is_refused(
    write_plan: Any, small_plan: dict, mali: Any
) -> None:
    """A file must never replace another country's plan by reusing its id."""
    small_plan["plan"]["id"] = mali.key
    errors = refuse(write_plan(small_plan))
    assert "plan.id" in errors and "already used by a plan of ML" in errors
    assert mali.elements.count() == 58


def test_aliases_are_refused(write_plan: Any) -> None:
    bomb = "format: 1\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
    errors = refuse(write_plan(bomb))
    assert "aliases (*name) are not allowed" in errors and "line 3" in errors


def test_deep_nesting_is_refused(write_plan: Any) -> None:
    errors = refuse(write_plan("format: 1\nplan: " + "[" * 5000 + "]" * 5000 + "\n"))
    assert "nested too deeply" in errors or "expected a mapping" in errors


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1e30, "outside the allowed range"),
        (float("inf"), "this is not a number"),
        (float("nan"), "this is not a number"),
        (12.345678, "has more than 4 decimals"),
    ],
)
def test_numbers_a_database_cannot_keep(
    write_plan: Any, small_plan: dict, value: float, message: str
) -> None:
    small_plan["levels"][0]["indicators"][0]["targets"][2022] = value
    errors = refuse(write_plan(small_plan))
    assert "levels[0].indicators[0].targets.2022" in errors and message in errors


def test_identifiers_with_hidden_line_breaks(write_plan: Any, small_plan: dict) -> None:
    small_plan["levels"][0]["indicators"][0]["targets"] = {2022: 20, "2022\n": 25}
    small_plan["levels"][1]["id"] = "B\n"
    errors = refuse(write_plan(small_plan))
    assert "is not a year" in errors
    assert "levels[1].id" in errors and "no spaces or line breaks" in errors


def test_lists_that_repeat_themselves(write_plan: Any, small_plan: dict) -> None:
    small_plan["levels"][0]["indicators"][0]["responsible"] = ["mwa", "mwa"]
    errors = refuse(write_plan(small_plan))
    assert "levels[0].indicators[0].responsible" in errors
    assert "this list names the same item twice" in errors


def test_a_missing_key_is_reported_once(write_plan: Any) -> None:
    errors = refuse(write_plan("format: 1\n"))
    assert errors.count("the required key “plan” is missing") == 1
    assert errors.count("the required key “levels” is missing") == 1


def test_invalid_characters(write_plan: Any, small_plan: dict) -> None:
    small_plan["levels"][0]["title"]["en"] = "Nul\x00byte"
    errors = refuse(write_plan(small_plan))
    assert "levels[0].title.en" in errors and "invalid character" in errors


def test_a_folder_is_not_a_plan_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("loadplan", str(tmp_path), language="en")


def test_budget_lines_a_plan_file_cannot_hold(write_plan: Any, small_plan: dict) -> None:
    small_plan["funding_sources"] = [
        {"id": "nb", "kind": "national_budget", "name": {"en": "National budget"}}
    ]
    small_plan["operational_plan"] = {
        "year": 2020,
        "activities": [
            {
                "code": "A1",
                "title": {"en": "An activity"},
                "budget": [
                    {"year": 2020, "source": "nb", "unit_cost": 10**15, "quantity": 10},
                    {"year": 2020, "source": "nb", "unit_cost": 100, "quantity": 0.335},
                ],
            }
        ],
    }
    errors = refuse(write_plan(small_plan))
    assert "operational_plan.activities[0].budget[0]" in errors and "larger than" in errors
    assert (
        "operational_plan.activities[0].budget[1].quantity" in errors
        and "at most 2 decimals" in errors
    )
