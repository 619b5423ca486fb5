"""A report's content as plain data, whichever way it came in (the web form,
a workbook, the API): what the rules check and what save_report writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from reporting.models import ActivityReport, IndicatorValue, Spending

NARRATIVE_FIELDS = ("achievements", "difficulties", "lessons", "recommendations")


@dataclass
class ValueInput:
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    text: str = ""
    no_data: bool = False
    comment: str = ""

    @classmethod
    def of(cls, row: IndicatorValue) -> ValueInput:
        return cls(row.value, row.numerator, row.denominator, row.text, row.no_data, row.comment)

    @property
    def is_empty(self) -> bool:
        return (
            not self.no_data
            and self.value is None
            and self.numerator is None
            and self.denominator is None
            and not self.text
        )

    def snapshot(self) -> dict[str, str | bool | None]:
        """For the audit trail: numbers as exact strings."""

        def number(n: Decimal | None) -> str | None:
            return None if n is None else format(n.normalize(), "f")

        return {
            "value": number(self.value),
            "numerator": number(self.numerator),
            "denominator": number(self.denominator),
            "text": self.text,
            "no_data": self.no_data,
            "comment": self.comment,
        }


@dataclass
class ActivityInput:
    status: str = ""
    progress: int | None = None
    comment: str = ""

    @classmethod
    def of(cls, row: ActivityReport) -> ActivityInput:
        return cls(row.status, row.progress, row.comment)


@dataclass
class SpendingInput:
    amount: int | None = None
    no_data: bool = False
    comment: str = ""

    @classmethod
    def of(cls, row: Spending) -> SpendingInput:
        return cls(row.amount, row.no_data, row.comment)


@dataclass
class ReportInput:
    """Keys: (indicator pk, cell) for values, activity pk, budget line pk.
    What is absent is left as it is."""

    values: dict[tuple[int, str], ValueInput] = field(default_factory=dict)
    activities: dict[int, ActivityInput] = field(default_factory=dict)
    spending: dict[int, SpendingInput] = field(default_factory=dict)
    narrative: dict[str, str] = field(default_factory=dict)


def percentage(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """A percentage from its parts, to four decimals; None without them."""
    if numerator is None or not denominator:
        return None
    return (numerator * 100 / denominator).quantize(Decimal("0.0001"))


def field_name(indicator_id: int, cell: str, part: str) -> str:
    """The name of a figure's input in the form, and how findings point at it."""
    return f"v{indicator_id}~{cell}~{part}"
