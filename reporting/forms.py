"""The report form: one field per figure the unit owes, built from what the
submission expects, turned into a ReportInput for save_report. Plain HTML
inputs, no script: it works on a slow connection and saves as a draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from operations.models import ActivityStatus
from plans.models import IndicatorType, Plan
from reporting.content import TOTAL, Cell, Expected, ExpectedIndicator, Stored
from reporting.entries import (
    NARRATIVE_FIELDS,
    ActivityInput,
    ReportInput,
    SpendingInput,
    ValueInput,
    field_name,
)
from reporting.models import IndicatorValue, Submission, ValidationRule
from reporting.rules import Finding

MAX_NUMBER = 10**15


def number_field(label: StrOrPromise, *, whole: bool = False) -> forms.Field:
    if whole:
        return forms.IntegerField(
            label=label, required=False, min_value=0, max_value=MAX_NUMBER, localize=True
        )
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=20,
        decimal_places=4,
        min_value=-MAX_NUMBER,
        max_value=MAX_NUMBER,
        localize=True,
    )


def value_parts(indicator_type: str) -> list[str]:
    if indicator_type == IndicatorType.PERCENTAGE:
        return ["numerator", "denominator"]
    if indicator_type == IndicatorType.NARRATIVE:
        return ["text"]
    return ["value"]


@dataclass
class CellRow:
    cell: Cell
    fields: list[forms.BoundField]
    no_data: forms.BoundField
    findings: list[Finding] = field(default_factory=list)


@dataclass
class IndicatorBlock:
    row: ExpectedIndicator
    cells: list[CellRow]
    comment: forms.BoundField
    total: IndicatorValue | None = None  # the stored total, for its history


class ReportForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why these changes (kept in the history)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"size": 60}),
    )

    def __init__(self, content: Expected, held: Stored, *args: Any, **kwargs: Any) -> None:
        submission = content.submission
        initial: dict[str, Any] = {"revision": submission.revision}
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.content = content
        for row in content.indicators:
            self._add_indicator(row, held, initial)
        status_choices = [("", "—"), *ActivityStatus.choices]
        for entry in content.activities:
            activity_id = entry.version.activity_id  # type: ignore[attr-defined]
            report = held.activities.get(activity_id)
            self.fields[f"a{activity_id}~status"] = forms.ChoiceField(
                label=_("Status"), choices=status_choices, required=False
            )
            self.fields[f"a{activity_id}~progress"] = forms.IntegerField(
                label=_("Progress (%)"), required=False, min_value=0, max_value=100
            )
            self.fields[f"a{activity_id}~comment"] = forms.CharField(
                label=_("Comment"), required=False, max_length=2000
            )
            if report:
                initial.update({f"a{activity_id}~status": report.status,
                                f"a{activity_id}~progress": report.progress,
                                f"a{activity_id}~comment": report.comment})  # fmt: skip
            for line in entry.budget_lines:
                spent = held.spending.get(line.pk)
                self.fields[f"b{line.pk}~amount"] = number_field(_("Spent (XOF)"), whole=True)
                self.fields[f"b{line.pk}~no_data"] = forms.BooleanField(
                    label=_("No data"), required=False
                )
                self.fields[f"b{line.pk}~comment"] = forms.CharField(
                    label=_("Comment"), required=False, max_length=2000
                )
                if spent:
                    initial.update({f"b{line.pk}~amount": spent.amount,
                                    f"b{line.pk}~no_data": spent.no_data,
                                    f"b{line.pk}~comment": spent.comment})  # fmt: skip
        labels = {
            "achievements": _("Achievements"),
            "difficulties": _("Difficulties"),
            "lessons": _("Lessons learned"),
            "recommendations": _("Recommendations"),
        }
        for name in NARRATIVE_FIELDS:
            self.fields[name] = forms.CharField(
                label=labels[name],
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            initial[name] = getattr(submission, name)

    def _add_indicator(self, row: ExpectedIndicator, held: Stored, initial: dict) -> None:
        indicator = row.indicator
        for cell in row.cells:
            stored = held.values.get((indicator.pk, cell.key))
            for part in value_parts(indicator.type):
                name = field_name(indicator.pk, cell.key, part)
                self.fields[name] = self._value_field(row, part)
                if stored is not None:
                    stored_value = getattr(stored, part)
                    if isinstance(self.fields[name], forms.TypedChoiceField):
                        # 1.0000 from the database is the choice "1"
                        stored_value = None if stored_value is None else str(int(stored_value))
                    elif isinstance(stored_value, Decimal):
                        # The database keeps four decimals: 12, not 12.0000, as typed
                        stored_value = stored_value.normalize()
                    initial[name] = stored_value
            name = field_name(indicator.pk, cell.key, "no_data")
            self.fields[name] = forms.BooleanField(label=_("No data"), required=False)
            if stored is not None:
                initial[name] = stored.no_data
        name = field_name(indicator.pk, TOTAL, "comment")
        self.fields[name] = forms.CharField(
            label=_("Comment"),
            required=False,
            max_length=2000,
            widget=forms.TextInput(attrs={"size": 40}),
        )
        total = held.values.get((indicator.pk, TOTAL))
        if total is not None:
            initial[name] = total.comment

    def _value_field(self, row: ExpectedIndicator, part: str) -> forms.Field:
        kind = row.indicator.type
        if part == "numerator":
            return number_field(_("Numerator"))
        if part == "denominator":
            return number_field(_("Denominator"))
        if part == "text":
            return forms.CharField(
                label=_("Narrative"),
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if kind == IndicatorType.YES_NO:
            return forms.TypedChoiceField(
                label=_("Answer"),
                choices=[("", "—"), ("1", _("Yes")), ("0", _("No"))],
                coerce=Decimal,
                empty_value=None,
                required=False,
            )
        if kind == IndicatorType.ORDINAL and row.scale:
            return forms.TypedChoiceField(
                label=_("Level"),
                choices=[("", "—")] + [(str(s.value), f"{s.value} — {s.label}") for s in row.scale],
                coerce=Decimal,
                empty_value=None,
                required=False,
            )
        return number_field(_("Value"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        message = _("“No data” is ticked but a figure is given: keep one.")
        for name in [n for n in self.fields if n.endswith("~no_data") and data.get(n)]:
            stem = name.removesuffix("no_data")
            given = [n for n in ("value", "numerator", "denominator", "text", "amount")
                     if data.get(stem + n) not in (None, "")]  # fmt: skip
            if given:
                self.add_error(name, message)
        return data

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        report = ReportInput()
        for row in self.content.indicators:
            indicator = row.indicator
            comment = data.get(field_name(indicator.pk, TOTAL, "comment")) or ""
            for cell in row.cells:
                figure = ValueInput(
                    no_data=bool(data.get(field_name(indicator.pk, cell.key, "no_data"))),
                    comment=comment if cell.key == TOTAL else "",
                )
                for part in value_parts(indicator.type):
                    value = data.get(field_name(indicator.pk, cell.key, part))
                    setattr(figure, part, value if value not in ("",) else None)
                if figure.text is None:
                    figure.text = ""
                report.values[(indicator.pk, cell.key)] = figure
        for entry in self.content.activities:
            activity_id = entry.version.activity_id  # type: ignore[attr-defined]
            report.activities[activity_id] = ActivityInput(
                status=data.get(f"a{activity_id}~status") or "",
                progress=data.get(f"a{activity_id}~progress"),
                comment=data.get(f"a{activity_id}~comment") or "",
            )
            for line in entry.budget_lines:
                report.spending[line.pk] = SpendingInput(
                    amount=data.get(f"b{line.pk}~amount"),
                    no_data=bool(data.get(f"b{line.pk}~no_data")),
                    comment=data.get(f"b{line.pk}~comment") or "",
                )
        report.narrative = {name: data.get(name) or "" for name in NARRATIVE_FIELDS}
        return report

    def blocks(self, findings: list[Finding], held: Stored) -> list[IndicatorBlock]:
        """The indicator fields grouped for the template, findings beside them."""
        by_field: dict[str, list[Finding]] = {}
        for finding in findings:
            by_field.setdefault(finding.field, []).append(finding)
        blocks = []
        for row in self.content.indicators:
            indicator = row.indicator
            cells = []
            for cell in row.cells:
                names = [field_name(indicator.pk, cell.key, p) for p in value_parts(indicator.type)]
                no_data = field_name(indicator.pk, cell.key, "no_data")
                cells.append(
                    CellRow(
                        cell,
                        [self[name] for name in names],
                        self[no_data],
                        [f for name in [*names, no_data] for f in by_field.get(name, [])],
                    )
                )
            comment = self[field_name(indicator.pk, TOTAL, "comment")]
            blocks.append(
                IndicatorBlock(row, cells, comment, held.values.get((indicator.pk, TOTAL)))
            )
        return blocks

    def activity_rows(self) -> list[tuple[Any, list[forms.BoundField], list[tuple[Any, list]]]]:
        rows = []
        for entry in self.content.activities:
            activity_id = entry.version.activity_id  # type: ignore[attr-defined]
            fields = [self[f"a{activity_id}~{part}"] for part in ("status", "progress", "comment")]
            lines = [
                (line, [self[f"b{line.pk}~{part}"] for part in ("amount", "no_data", "comment")])
                for line in entry.budget_lines
            ]
            rows.append((entry.version, fields, lines))
        return rows

    def narrative_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in NARRATIVE_FIELDS]


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), required=False, max_length=300)

    def __init__(self, submission: Submission, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.submission = submission


class IndicatorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} — {obj.title}"[:120]


class RuleForm(forms.ModelForm):
    class Meta:
        model = ValidationRule
        fields = ["indicator", "kind", "severity", "minimum", "maximum", "factor", "active",
                  "message_fr", "message_en"]  # fmt: skip
        localized_fields = ["minimum", "maximum", "factor"]

    def __init__(self, plan: Plan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["indicator"] = IndicatorChoice(
            plan.indicators.order_by("position"),
            required=False,
            label=_("Indicator"),
            empty_label=str(_("Every indicator of the plan")),
        )
