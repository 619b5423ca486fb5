"""The checks on reported figures, as tables of cases: the type's own checks,
the breakdown that adds up, and the rules the TMU keeps as data."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from plans.models import Indicator, ScaleLevel
from reporting.content import Cell, ExpectedIndicator
from reporting.entries import ValueInput
from reporting.models import ValidationRule
from reporting.rules import check_indicator, rules_for


def row(kind: str, *, cells: int = 0, history: list[int] | None = None, target: int | None = None,
        cumulative: bool = False) -> ExpectedIndicator:  # fmt: skip
    indicator = Indicator(
        pk=7, key="I", type=kind, accumulation="cumulative" if cumulative else "periodic"
    )
    scale = [ScaleLevel(value=n) for n in (1, 2, 3)] if kind == "ordinal" else []
    return ExpectedIndicator(
        indicator=indicator,
        cells=[Cell("", "Total")] + [Cell(f"sex:{c}", c) for c in ("f", "m")[:cells]],
        scale=scale,
        target=None if target is None else D(target),
        target_year=2021,
        history=[D(h) for h in history or []],
    )


def messages(found: list) -> list[tuple[str, str, str]]:
    return [(f.severity, f.field.split("~", 1)[1], f.message) for f in found]


@pytest.mark.parametrize(
    ("kind", "figure", "expected"),
    [
        ("count", ValueInput(value=D(3)), []),
        ("count", ValueInput(value=D(0)), []),
        ("count", ValueInput(value=D("2.5")), [("error", "~value", "A count is a whole number, 0 or more.")]),
        ("count", ValueInput(value=D(-1)), [("error", "~value", "A count is a whole number, 0 or more.")]),
        ("count", ValueInput(no_data=True), []),
        ("count", ValueInput(no_data=True, value=D(0)),
         [("error", "~no_data", "“No data” is ticked but a figure is given: keep one.")]),
        ("currency", ValueInput(value=D("10.5")), []),
        ("currency", ValueInput(value=D(-3)), [("error", "~value", "An amount cannot be negative.")]),
        ("percentage", ValueInput(numerator=D(3), denominator=D(10)), []),
        ("percentage", ValueInput(numerator=D(3)),
         [("error", "~denominator", "A percentage needs its denominator.")]),
        ("percentage", ValueInput(denominator=D(3)),
         [("error", "~numerator", "A percentage needs its numerator.")]),
        ("percentage", ValueInput(numerator=D(11), denominator=D(10)),
         [("error", "~numerator", "The numerator is larger than the denominator.")]),
        ("percentage", ValueInput(numerator=D(0), denominator=D(0)),
         [("error", "~denominator", "The denominator must be more than 0.")]),
        ("percentage", ValueInput(value=D(30)),
         [("error", "~value", "Give the numerator and the denominator, not the percentage.")]),
        ("yes_no", ValueInput(value=D(1)), []),
        ("yes_no", ValueInput(value=D(2)), [("error", "~value", "Answer yes (1) or no (0).")]),
        ("ordinal", ValueInput(value=D(3)), []),
        ("ordinal", ValueInput(value=D(4)), [("error", "~value", "Choose a level of the scale: 1, 2, 3.")]),
        ("narrative", ValueInput(text="Progress."), []),
    ],
)  # fmt: skip
def test_the_type_of_the_indicator(kind: str, figure: ValueInput, expected: list) -> None:
    assert messages(check_indicator(row(kind), {"": figure}, [])) == expected


@pytest.mark.parametrize(
    ("total", "female", "male", "expected"),
    [
        (5, 3, 2, []),
        (5, 3, 3, ["The breakdown adds up to 6, not to the total 5."]),
        (5, 3, None, []),  # only some cells: may stay below the total
        (5, 6, None, ["The breakdown already adds up to 6, more than the total 5."]),
        (None, 3, 2, ["The total is missing; the breakdown adds up to 5."]),
        (0, 0, 0, []),
    ],
)
def test_the_breakdown_adds_up(total: int | None, female: int | None, male: int | None,
                               expected: list[str]) -> None:  # fmt: skip
    figures = {
        key: ValueInput(value=None if n is None else D(n))
        for key, n in (("", total), ("sex:f", female), ("sex:m", male))
    }
    assert [f.message for f in check_indicator(row("count", cells=2), figures, [])] == expected


def test_a_percentage_breakdown_adds_numerators_and_denominators() -> None:
    figures = {
        "": ValueInput(numerator=D(3), denominator=D(10)),
        "sex:f": ValueInput(numerator=D(2), denominator=D(5)),
        "sex:m": ValueInput(numerator=D(2), denominator=D(5)),
    }
    found = check_indicator(row("percentage", cells=2), figures, [])
    assert [f.message for f in found] == ["The breakdown adds up to 4, not to the total 3."]


def rule(
    kind: str, severity: str = "warning", indicator: int | None = None, **options: object
) -> ValidationRule:
    return ValidationRule(kind=kind, severity=severity, indicator_id=indicator, **options)


@pytest.mark.parametrize(
    ("setup", "value", "comment", "expected"),
    [
        # the allowed range
        ({"rules": [rule("range", "error", minimum=D(1), maximum=D(10))]}, 11, "",
         [("error", "11 is above the maximum, 10.", True)]),
        ({"rules": [rule("range", "error", minimum=D(1), maximum=D(10))]}, 11, "Explained.",
         [("error", "11 is above the maximum, 10.", True)]),  # a comment does not lift an error
        ({"rules": [rule("range", minimum=D(1))]}, 0, "", [("warning", "0 is below the minimum, 1.", True)]),
        ({"rules": [rule("range", minimum=D(1))]}, 0, "Closed.", [("warning", "0 is below the minimum, 1.", False)]),
        # outliers: three standard deviations from earlier periods, once there are three
        ({"rules": [rule("outlier", factor=D(3))], "history": [10, 12, 11]}, 30, "",
         [("warning", "30 is far from the previous periods (average 11).", True)]),
        ({"rules": [rule("outlier", factor=D(3))], "history": [10, 12, 11]}, 13, "", []),
        ({"rules": [rule("outlier", factor=D(3))], "history": [10, 12]}, 300, "", []),
        # a big jump against the year's target
        ({"rules": [rule("target_jump", factor=D("0.5"))], "history": [2], "target": 10}, 8, "",
         [("warning", "8 changes by more than 5 since the previous period (2), against a target of 10.", True)]),
        ({"rules": [rule("target_jump", factor=D("0.5"))], "history": [2], "target": 10}, 6, "", []),
        ({"rules": [rule("target_jump", factor=D("0.5"))], "target": 10}, 8, "", []),
        # a cumulative indicator that goes down
        ({"rules": [rule("cumulative_decrease")], "history": [5], "cumulative": True}, 4, "",
         [("warning", "This indicator is cumulative: 4 is below the previous 5.", True)]),
        ({"rules": [rule("cumulative_decrease")], "history": [5]}, 4, "", []),
        # an indicator's own rule replaces the plan-wide one; an inactive one is off
        ({"rules": [rule("range", maximum=D(10)), rule("range", indicator=7, maximum=D(100))]}, 50, "", []),
        ({"rules": [rule("range", maximum=D(10), active=False)]}, 50, "", []),
    ],
)  # fmt: skip
def test_rules_kept_as_data(setup: dict, value: int, comment: str, expected: list) -> None:
    expected_row = row("count", history=setup.get("history"), target=setup.get("target"),
                       cumulative=setup.get("cumulative", False))  # fmt: skip
    found = check_indicator(
        expected_row, {"": ValueInput(value=D(value), comment=comment)}, setup["rules"]
    )
    assert [(f.severity, f.message, f.blocking) for f in found] == expected


def test_a_custom_message_replaces_the_default() -> None:
    custom = rule("range", maximum=D(10), message_en="More than ten meetings? Say why.")
    found = check_indicator(row("count"), {"": ValueInput(value=D(12))}, [custom])
    assert [f.message for f in found] == ["More than ten meetings? Say why."]


def test_rules_for_picks_the_indicators_own() -> None:
    plan_wide, own = rule("outlier", factor=D(3)), rule("outlier", indicator=7, factor=D(2))
    assert rules_for([plan_wide, own], 7) == {"outlier": own}
    assert rules_for([plan_wide, own], 8) == {"outlier": plan_wide}
