"""The checks a report must pass. Errors block submission; warnings need a
comment on the value they concern. Two families:

- checks that follow from the indicator itself, always on: the type (a count
  is a whole number, yes/no is 0 or 1, an ordinal level is on the scale), a
  percentage's numerator and denominator, a breakdown that adds up;
- rules kept as data (ValidationRule), which the TMU tunes per plan or per
  indicator: allowed range, outliers against previous periods, a big jump
  against the target, a cumulative indicator that goes down.

Pure functions: the figures come in, findings come out."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from plans.models import Accumulation, IndicatorType
from reporting.content import ADDITIVE, TOTAL, ExpectedIndicator
from reporting.entries import ValueInput, field_name, percentage
from reporting.models import RuleKind, Severity, ValidationRule

DEFAULT_RULES = [
    # DHIS2's default outlier threshold is three standard deviations.
    (RuleKind.OUTLIER, Severity.WARNING, {"factor": Decimal(3)}),
    (RuleKind.TARGET_JUMP, Severity.WARNING, {"factor": Decimal("0.5")}),
    (RuleKind.CUMULATIVE_DECREASE, Severity.WARNING, {}),
]


@dataclass(frozen=True)
class Finding:
    severity: str  # Severity
    field: str  # the input it concerns (entries.field_name)
    message: str
    explained: bool = False  # a warning with a comment

    @property
    def blocking(self) -> bool:
        return self.severity == Severity.ERROR or not self.explained


def effective(indicator_type: str, figure: ValueInput) -> Decimal | None:
    """The number a figure stands for: a percentage from its two parts."""
    if figure.no_data:
        return None
    if indicator_type == IndicatorType.PERCENTAGE:
        return percentage(figure.numerator, figure.denominator)
    return figure.value


def number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def check_figure(row: ExpectedIndicator, cell: str, figure: ValueInput) -> list[Finding]:
    """What the indicator's type says about one figure."""
    indicator = row.indicator
    found: list[Finding] = []

    def error(part: str, message: str) -> None:
        found.append(Finding(Severity.ERROR, field_name(indicator.pk, cell, part), message))

    given = [n for n in (figure.value, figure.numerator, figure.denominator) if n is not None]
    if figure.no_data:
        if given or figure.text:
            error("no_data", _("“No data” is ticked but a figure is given: keep one."))
        return found
    if indicator.type == IndicatorType.PERCENTAGE:
        if figure.value is not None:
            error("value", _("Give the numerator and the denominator, not the percentage."))
        if figure.numerator is not None and figure.denominator is None:
            error("denominator", _("A percentage needs its denominator."))
        if figure.denominator is not None and figure.numerator is None:
            error("numerator", _("A percentage needs its numerator."))
        if figure.numerator is not None and figure.numerator < 0:
            error("numerator", _("The numerator cannot be negative."))
        if figure.denominator is not None and figure.denominator <= 0:
            error("denominator", _("The denominator must be more than 0."))
        elif (
            figure.numerator is not None
            and figure.denominator is not None
            and figure.numerator > figure.denominator
        ):
            error("numerator", _("The numerator is larger than the denominator."))
        return found
    value = figure.value
    if value is None:
        return found
    if indicator.type == IndicatorType.COUNT:
        if value < 0 or value != value.to_integral():
            error("value", _("A count is a whole number, 0 or more."))
    elif indicator.type == IndicatorType.CURRENCY:
        if value < 0:
            error("value", _("An amount cannot be negative."))
    elif indicator.type == IndicatorType.YES_NO:
        if value not in (0, 1):
            error("value", _("Answer yes (1) or no (0)."))
    elif indicator.type == IndicatorType.ORDINAL:
        levels = [level.value for level in row.scale]
        if value != value.to_integral() or (levels and int(value) not in levels):
            if levels:
                error(
                    "value",
                    _("Choose a level of the scale: %(levels)s.")
                    % {"levels": ", ".join(str(n) for n in levels)},
                )
            else:
                error("value", _("A level is a whole number."))
    return found


def check_breakdown(row: ExpectedIndicator, figures: dict[str, ValueInput]) -> list[Finding]:
    """The disaggregated figures add up to the total: exactly when every cell
    is given, and never above it when only some are."""
    indicator = row.indicator
    if indicator.type not in ADDITIVE or not row.disaggregated:
        return []
    total = figures.get(TOTAL)
    parts = (
        ["numerator", "denominator"] if indicator.type == IndicatorType.PERCENTAGE else ["value"]
    )
    cells = [c.key for c in row.cells if c.key != TOTAL]
    found: list[Finding] = []
    for part in parts:
        given = [
            getattr(figures[c], part)
            for c in cells
            if c in figures and getattr(figures[c], part) is not None
        ]
        if not given:
            continue
        complete = len(given) == len(cells)
        cell_sum = sum(given, Decimal(0))
        total_value = getattr(total, part) if total is not None else None
        where = field_name(indicator.pk, TOTAL, part)
        if total_value is None:
            if total is None or not total.no_data:
                found.append(
                    Finding(
                        Severity.ERROR,
                        where,
                        _("The total is missing; the breakdown adds up to %(sum)s.")
                        % {"sum": number(cell_sum)},
                    )
                )
        elif complete and cell_sum != total_value:
            found.append(
                Finding(
                    Severity.ERROR,
                    where,
                    _("The breakdown adds up to %(sum)s, not to the total %(total)s.")
                    % {"sum": number(cell_sum), "total": number(total_value)},
                )
            )
        elif not complete and cell_sum > total_value:
            found.append(
                Finding(
                    Severity.ERROR,
                    where,
                    _("The breakdown already adds up to %(sum)s, more than the total %(total)s.")
                    % {"sum": number(cell_sum), "total": number(total_value)},
                )
            )
    return found


def rules_for(rules: list[ValidationRule], indicator_id: int) -> dict[str, ValidationRule]:
    """The active rules of an indicator: its own, else the plan-wide ones."""
    chosen: dict[str, ValidationRule] = {}
    for rule in rules:
        if rule.indicator_id is None:
            chosen.setdefault(rule.kind, rule)
    for rule in rules:
        if rule.indicator_id == indicator_id:
            chosen[rule.kind] = rule
    return {kind: rule for kind, rule in chosen.items() if rule.active}


def _rule_message(rule: ValidationRule, default: str) -> str:
    return rule.message or default


def check_rules(
    row: ExpectedIndicator, figure: ValueInput, rules: dict[str, ValidationRule]
) -> list[Finding]:
    """The data rules, on the total of one indicator."""
    indicator = row.indicator
    value = effective(indicator.type, figure)
    if value is None:
        return []
    part = "numerator" if indicator.type == IndicatorType.PERCENTAGE else "value"
    where = field_name(indicator.pk, TOTAL, part)
    explained = bool(figure.comment.strip())
    found: list[Finding] = []

    def add(rule: ValidationRule, message: str) -> None:
        found.append(
            Finding(
                rule.severity,
                where,
                _rule_message(rule, message),
                explained=explained and rule.severity == Severity.WARNING,
            )
        )

    shown = number(value)
    rule = rules.get(RuleKind.RANGE)
    if rule is not None:
        if rule.minimum is not None and value < rule.minimum:
            add(rule, _("%(value)s is below the minimum, %(minimum)s.") % {
                "value": shown, "minimum": number(rule.minimum)})  # fmt: skip
        if rule.maximum is not None and value > rule.maximum:
            add(rule, _("%(value)s is above the maximum, %(maximum)s.") % {
                "value": shown, "maximum": number(rule.maximum)})  # fmt: skip
    history = row.history
    rule = rules.get(RuleKind.OUTLIER)
    if rule is not None and len(history) >= 3:
        earlier = [float(h) for h in history]
        mean = statistics.fmean(earlier)
        spread = max(statistics.pstdev(earlier), abs(mean) * 0.1, 1.0)
        factor = float(rule.factor or 3)
        if abs(float(value) - mean) > factor * spread:
            add(rule, _("%(value)s is far from the previous periods (average %(mean)s).") % {
                "value": shown, "mean": number(Decimal(str(round(mean, 2))))})  # fmt: skip
    previous = row.previous
    rule = rules.get(RuleKind.TARGET_JUMP)
    if rule is not None and previous is not None and row.target and row.target_year:
        limit = abs(row.target) * (rule.factor or Decimal("0.5"))
        if abs(value - previous) > limit:
            add(rule, _(
                "%(value)s changes by more than %(limit)s since the previous period "
                "(%(previous)s), against a target of %(target)s.") % {
                "value": shown, "limit": number(limit), "previous": number(previous),
                "target": number(row.target)})  # fmt: skip
    rule = rules.get(RuleKind.CUMULATIVE_DECREASE)
    if (
        rule is not None
        and indicator.accumulation == Accumulation.CUMULATIVE
        and previous is not None
        and value < previous
    ):
        add(rule, _("This indicator is cumulative: %(value)s is below the previous %(previous)s.")
            % {"value": shown, "previous": number(previous)})  # fmt: skip
    return found


def check_indicator(
    row: ExpectedIndicator, figures: dict[str, ValueInput], rules: list[ValidationRule]
) -> list[Finding]:
    found: list[Finding] = []
    for cell in row.cells:
        if cell.key in figures:
            found += check_figure(row, cell.key, figures[cell.key])
    found += check_breakdown(row, figures)
    if TOTAL in figures and not any(f.severity == Severity.ERROR for f in found):
        found += check_rules(row, figures[TOTAL], rules_for(rules, row.indicator.pk))
    return found
