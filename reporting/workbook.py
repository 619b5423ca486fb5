"""A unit's report for a period as an Excel workbook: downloaded pre-filled,
filled offline, uploaded back; the TMU uploads many units' workbooks at once
(docs/reporting.md, "Excel workbooks").

Which report a workbook is and which row is which live in a hidden sheet, so
that nothing a person may retype decides where a figure goes; each row's
visible identity is compared with the one written there, so that moved rows
are refused rather than misread. An upload is all or nothing: every error is
collected with its sheet, row, column and reason (the report's validation
rules included) before save_report writes anything.
"""

from __future__ import annotations

import io
import uuid as uuid_lib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from actors.permissions import may
from nap1325.tables import safe_cell
from operations.models import ActivityStatus
from operations.workbook import (
    NO,
    YES,
    Formula,
    WorkbookError,
    WorkbookInvalid,
    activity_status_labels,
    cell_text,
    data_rows,
    find_sheet,
    header_columns,
    open_workbook,
    parse_number,
    workbook_language,
    write_header,
)
from plans.models import IndicatorType
from reporting.actions import check_report, current_figures, save_report
from reporting.content import TOTAL, Cell, Expected, ExpectedIndicator, expected, stored
from reporting.entries import (
    NARRATIVE_FIELDS,
    ActivityInput,
    ReportInput,
    SpendingInput,
    ValueInput,
    field_name,
)
from reporting.forms import MAX_NUMBER, value_parts
from reporting.models import IndicatorValue, ReportingPeriod, Severity, Submission
from reporting.rules import Finding

MAX_UPLOAD = 5 * 1024 * 1024
# A report of 10,000 figures has about as many rows in its indicators sheet.
MAX_ROWS = 50_000
# As the report form: what a cell may hold.
DECIMALS = 4
COMMENT_LENGTH = 2000
TEXT_LENGTH = 20000

SHEETS = {
    "readme": ("Lisez-moi", "Read me"),
    "indicators": ("Indicateurs", "Indicators"),
    "activities": ("Activités", "Activities"),
    "spending": ("Dépenses", "Spending"),
    "narrative": ("Récit", "Narrative"),
    "keys": ("Clés", "Keys"),
}
DATA_SHEETS = ("indicators", "activities", "spending", "narrative")
# (key, French header, English header)
COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    "indicators": [
        ("reference", "Référence", "Reference"),
        ("indicator", "Indicateur", "Indicator"),
        ("breakdown", "Ventilation", "Breakdown"),
        ("type", "Type", "Type"),
        ("unit", "Unité", "Unit"),
        ("previous", "Valeur précédente", "Previous value"),
        ("target", "Cible", "Target"),
        ("value", "Valeur", "Value"),
        ("numerator", "Numérateur", "Numerator"),
        ("denominator", "Dénominateur", "Denominator"),
        ("text", "Récit", "Narrative"),
        ("no_data", "Pas de données", "No data"),
        ("comment", "Commentaire", "Comment"),
    ],
    "activities": [
        ("code", "Code", "Code"),
        ("activity", "Activité", "Activity"),
        ("status", "Statut", "Status"),
        ("progress", "Avancement (%)", "Progress (%)"),
        ("comment", "Commentaire", "Comment"),
    ],
    "spending": [
        ("code", "Code de l'activité", "Activity code"),
        ("line", "Ligne budgétaire", "Budget line"),
        ("source", "Source de financement", "Funding source"),
        ("planned", "Prévu (XOF)", "Planned (XOF)"),
        ("spent", "Dépensé (XOF)", "Spent (XOF)"),
        ("no_data", "Pas de données", "No data"),
        ("comment", "Commentaire", "Comment"),
    ],
    "narrative": [("section", "Rubrique", "Section"), ("text", "Texte", "Text")],
}
# The columns that say which row is which to a person: checked against the hidden sheet.
IDENTITY = {
    "indicators": ("reference", "breakdown"),
    "activities": ("code",),
    "spending": ("code", "line"),
    "narrative": ("section",),
}
NARRATIVE_LABELS = {
    "achievements": ("Réalisations", "Achievements"),
    "difficulties": ("Difficultés", "Difficulties"),
    "lessons": ("Leçons apprises", "Lessons learned"),
    "recommendations": ("Recommandations", "Recommendations"),
}
ANSWERS = (("oui", "non"), ("yes", "no"))
UNLOCKED = Protection(locked=False)
INPUT_FILL = PatternFill("solid", fgColor="FFF5CC")


def _column(sheet_key: str, key: str) -> int:
    return next(i for i, (k, *_h) in enumerate(COLUMNS[sheet_key], start=1) if k == key)


def _identity(values: Any) -> str:
    return " · ".join(cell_text(value) for value in values)


def _spans(letter: str, rows: list[int]) -> str:
    """Rows 2, 3, 4, 7 of column H → "H2:H4 H7"."""
    spans: list[list[int]] = []
    for row in rows:
        if spans and spans[-1][1] == row - 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    return " ".join(f"{letter}{a}" if a == b else f"{letter}{a}:{letter}{b}" for a, b in spans)


# --- download ---------------------------------------------------------------------


class _SheetWriter:
    """Rows of one data sheet: only the input cells open, each row's key in
    the hidden sheet, drop-downs and number checks gathered per column."""

    def __init__(self, book: Workbook, sheet_key: str, keys: Worksheet, language: int) -> None:
        self.sheet = book.create_sheet(SHEETS[sheet_key][language])
        self.key = sheet_key
        self.keys = keys
        self.row = 1
        self.checks: dict[tuple[str, tuple[tuple[str, str], ...]], list[int]] = {}
        write_header(self.sheet, [column[1 + language] for column in COLUMNS[sheet_key]])
        self.sheet.protection.sheet = True
        # Locked structure, but people may still widen a column or a row to read it.
        self.sheet.protection.formatColumns = False
        self.sheet.protection.formatRows = False

    def add(self, item: str, cell: str, values: dict[str, Any], inputs: list[str]) -> int:
        self.row += 1
        columns = COLUMNS[self.key]
        self.sheet.append([safe_cell(values.get(key)) for key, *_headers in columns])
        for key in inputs:
            target = self.sheet.cell(row=self.row, column=_column(self.key, key))
            target.protection = UNLOCKED
            target.fill = INPUT_FILL
        identity = _identity(safe_cell(values.get(key)) for key in IDENTITY[self.key])
        self.keys.append([self.key, self.row, item, cell, safe_cell(identity)])
        return self.row

    def check(self, column: str, **options: str) -> None:
        """The current row's `column` gets the data validation `options`."""
        key = (column, tuple(sorted(options.items())))
        self.checks.setdefault(key, []).append(self.row)

    def finish(self, widths: dict[str, int]) -> None:
        for (column, options), rows in self.checks.items():
            letter = get_column_letter(_column(self.key, column))
            settings: dict[str, Any] = dict(options)
            validation = DataValidation(
                sqref=_spans(letter, rows), allow_blank=True, showErrorMessage=True, **settings
            )
            self.sheet.add_data_validation(validation)
        for key, width in widths.items():
            self.sheet.column_dimensions[get_column_letter(_column(self.key, key))].width = width


def _cell_number(value: Decimal | int | None) -> Decimal | int | None:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value.normalize() if isinstance(value, Decimal) else value


def _list(words: list[str]) -> dict[str, str]:
    return {"type": "list", "formula1": '"' + ",".join(words) + '"'}


AT_LEAST_ZERO = {"operator": "greaterThanOrEqual", "formula1": "0"}


def build_report_workbook(submission: Submission) -> bytes:
    """The report's workbook in the active language, filled with what it holds."""
    language = workbook_language()
    yes, no = ANSWERS[language]
    content = expected(submission)
    held = stored(submission)
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = SHEETS["readme"][language]
    for text in _readme_lines(submission, language):
        readme.append([text])
    readme.column_dimensions["A"].width = 110
    keys = book.create_sheet(SHEETS["keys"][language])
    keys.append(["report", str(submission.uuid), "revision", submission.revision])

    sheet = _SheetWriter(book, "indicators", keys, language)
    for row in content.indicators:
        _write_indicator(sheet, row, held.values, (yes, no))
    sheet.finish({"indicator": 50, "breakdown": 24, "type": 24, "text": 40, "comment": 40})

    sheet = _SheetWriter(book, "activities", keys, language)
    statuses = dict(ActivityStatus.choices)
    for entry in content.activities:
        version: Any = entry.version
        report = held.activities.get(version.activity_id)
        sheet.add(
            str(version.activity.uuid),
            "",
            {
                "code": version.code,
                "activity": version.title,
                "status": str(statuses[report.status]) if report and report.status else None,
                "progress": report.progress if report else None,
                "comment": report.comment if report else None,
            },
            ["status", "progress", "comment"],
        )
        sheet.check("status", **_list([str(label) for label in statuses.values()]))
        sheet.check("progress", type="whole", operator="between", formula1="0", formula2="100")
    sheet.finish({"activity": 60, "status": 18, "comment": 50})

    sheet = _SheetWriter(book, "spending", keys, language)
    for entry in content.activities:
        for line in entry.budget_lines:
            spent = held.spending.get(line.pk)
            sheet.add(
                str(line.pk),
                "",
                {
                    "code": entry.version.code,  # type: ignore[attr-defined]
                    "line": line.label or f"{line.source.name} {line.year}",
                    "source": line.source.name,
                    "planned": line.amount,
                    "spent": spent.amount if spent else None,
                    "no_data": yes if spent and spent.no_data else None,
                    "comment": spent.comment if spent else None,
                },
                ["spent", "no_data", "comment"],
            )
            sheet.check("spent", type="whole", **AT_LEAST_ZERO)
            sheet.check("no_data", **_list([yes, no]))
    sheet.finish({"line": 40, "source": 24, "comment": 50})

    sheet = _SheetWriter(book, "narrative", keys, language)
    for name in NARRATIVE_FIELDS:
        at = sheet.add(
            name,
            "",
            {"section": NARRATIVE_LABELS[name][language], "text": getattr(submission, name)},
            ["text"],
        )
        sheet.sheet.cell(row=at, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.finish({"section": 24, "text": 100})

    book.move_sheet(keys, len(book.sheetnames) - 1 - book.index(keys))
    keys.sheet_state = "veryHidden"
    keys.protection.sheet = True
    book.security = WorkbookProtection(lockStructure=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_indicator(
    sheet: _SheetWriter,
    row: ExpectedIndicator,
    held: dict[tuple[int, str], IndicatorValue],
    answers: tuple[str, str],
) -> None:
    indicator = row.indicator
    kind = indicator.type
    parts = value_parts(kind)
    type_label = str(IndicatorType(kind).label)
    if kind == IndicatorType.ORDINAL and row.scale:
        type_label += ": " + ", ".join(f"{level.value} = {level.label}" for level in row.scale)
    # One row a cell: content.cells_of repeats the total when a breakdown has no category.
    cells: dict[str, Cell] = {}
    for cell in row.cells:
        cells.setdefault(cell.key, cell)
    for cell in cells.values():
        stored_value = held.get((indicator.pk, cell.key))
        figure = ValueInput.of(stored_value) if stored_value else ValueInput()
        values: dict[str, Any] = {
            "reference": indicator.reference,
            "indicator": indicator.title,
            "breakdown": cell.label,
            "type": type_label,
            "unit": indicator.unit,
            "numerator": _cell_number(figure.numerator),
            "denominator": _cell_number(figure.denominator),
            "text": figure.text,
            "no_data": answers[0] if figure.no_data else None,
        }
        if kind == IndicatorType.YES_NO and figure.value is not None:
            values["value"] = answers[0] if figure.value == 1 else answers[1]
        else:
            values["value"] = _cell_number(figure.value)
        inputs = [*parts, "no_data"]
        if cell.key == TOTAL:
            values.update(
                previous=_cell_number(row.previous),
                target=_cell_number(row.target),
                comment=figure.comment,
            )
            inputs.append("comment")
        sheet.add(indicator.key, cell.key, values, inputs)
        sheet.check("no_data", **_list(list(answers)))
        if kind == IndicatorType.YES_NO:
            sheet.check("value", **_list(list(answers)))
        elif kind == IndicatorType.ORDINAL and row.scale:
            sheet.check("value", **_list([str(level.value) for level in row.scale]))
        elif kind == IndicatorType.COUNT:
            sheet.check("value", type="whole", **AT_LEAST_ZERO)
        elif kind != IndicatorType.NARRATIVE:
            for part in parts:
                sheet.check(part, type="decimal", **AT_LEAST_ZERO)


def _readme_lines(submission: Submission, language: int) -> list[str]:
    names = {key: SHEETS[key][language] for key in SHEETS}
    return [
        _("Report of %(unit)s for %(period)s")
        % {"unit": submission.unit, "period": submission.period},
        "",
        _(
            "Fill only the coloured cells. Type values, not formulas. Do not add, remove or "
            "move rows or sheets."
        ),
        _(
            "Sheet “%(sheet)s”: one row per indicator and breakdown, the total first. Give the "
            "value (a percentage: its numerator and denominator; a narrative indicator: its "
            "text), or “No data” when the figure is unknown (never 0). One comment per "
            "indicator, on its total row."
        )
        % {"sheet": names["indicators"]},
        _(
            "Counts are whole numbers; yes/no indicators are answered yes or no; scale "
            "indicators with a level of their scale; amounts are in XOF."
        ),
        _("Sheet “%(sheet)s”: the status and progress (0 to 100) of each activity the unit leads.")
        % {"sheet": names["activities"]},
        _("Sheet “%(sheet)s”: what was spent in the period on each budget line, in whole XOF.")
        % {"sheet": names["spending"]},
        _("Sheet “%(sheet)s”: achievements, difficulties, lessons learned and recommendations.")
        % {"sheet": names["narrative"]},
        _(
            "The upload checks the workbook with the same rules as the report form. If one cell "
            "is wrong, nothing is saved and every error is listed with its sheet, row, column and "
            "reason. Warnings do not stop the upload: explain them in the indicator's comment "
            "before submitting."
        ),
        _(
            "This workbook is revision %(revision)d of the report: if the report changes on the "
            "site before you upload it, the upload is refused and you download it again."
        )
        % {"revision": submission.revision},
        _("The upload saves the report as a draft; submit it on the site.") % {},
    ]


# --- upload -----------------------------------------------------------------------


class CellRefused(Exception):
    """A cell that cannot be read as what its column holds; the message says why."""


def _plain(raw: Any) -> str:
    if isinstance(raw, Formula | ArrayFormula | DataTableFormula):
        raise CellRefused(_("formulas are not accepted: type the value"))
    return cell_text(raw)


def _decimal(raw: Any) -> Decimal | None:
    text = _plain(raw)
    if not text:
        return None
    value = parse_number(text)
    if value is None:
        raise CellRefused(_("“%(value)s” is not a number") % {"value": text})
    if abs(value) >= MAX_NUMBER:
        raise CellRefused(_("this number is too large"))
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -DECIMALS:
        raise CellRefused(_("at most %(count)d decimals") % {"count": DECIMALS})
    return value


def _answer(raw: Any) -> Decimal | None:
    text = _plain(raw).casefold()
    if not text:
        return None
    if text in YES:
        return Decimal(1)
    if text in NO:
        return Decimal(0)
    raise CellRefused(_("answer yes or no"))


def _flag(raw: Any) -> bool:
    text = _plain(raw).casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellRefused(_("write yes, or leave empty"))


def _limited(length: int) -> Callable[[Any], str]:
    def read(raw: Any) -> str:
        text = _plain(raw)
        if len(text) > length:
            raise CellRefused(_("at most %(count)d characters") % {"count": length})
        return text

    return read


def _progress(raw: Any) -> int | None:
    value = _decimal(raw)
    if value is not None and (value != value.to_integral_value() or not 0 <= value <= 100):
        raise CellRefused(_("progress is a whole number from 0 to 100"))
    return None if value is None else int(value)


def _spent(raw: Any) -> int | None:
    value = _decimal(raw)
    if value is not None and value < 0:
        raise CellRefused(_("amounts cannot be negative"))
    if value is not None and value != value.to_integral_value():
        raise CellRefused(_("XOF amounts are whole francs"))
    return None if value is None else int(value)


class RowKey(NamedTuple):
    item: str  # indicator key, activity uuid, budget line id or narrative field
    cell: str
    identity: str


@dataclass
class Layout:
    """What the hidden sheet says: the report, its revision, which row is which."""

    report: uuid_lib.UUID
    revision: int
    rows: dict[str, dict[int, RowKey]]


def _broken(sheet: Worksheet, row: int | None) -> WorkbookError:
    return WorkbookError(
        sheet.title,
        row,
        None,
        _("the hidden sheet of this workbook was changed: download the workbook again"),
    )


def _layout(keys: Worksheet, errors: list[WorkbookError]) -> Layout | None:
    first = (*next(keys.iter_rows(max_row=1, max_col=4, values_only=True), ()), None, None)
    try:
        layout = Layout(uuid_lib.UUID(cell_text(first[1])), int(cell_text(first[3])), {})
    except (ValueError, IndexError):
        errors.append(_broken(keys, 1))
        return None
    layout.rows = {key: {} for key in DATA_SHEETS}
    for number, row in data_rows(keys, 5, errors, 4 * MAX_ROWS):
        sheet_key, at, item, cell, identity = (*row, None, None, None, None, None)[:5]
        if not any(cell_text(value) for value in row):
            continue
        rows = layout.rows.get(cell_text(sheet_key))
        at_row = parse_number(cell_text(at))
        if rows is None or at_row is None or int(at_row) in rows or at_row < 2:
            errors.append(_broken(keys, number))
            continue
        rows[int(at_row)] = RowKey(cell_text(item), cell_text(cell), cell_text(identity))
    return layout


class _ReportReader:
    """Reads the four data sheets of one report's workbook into a ReportInput,
    collecting every error with its place."""

    def __init__(self, content: Expected, sheets: dict[str, Worksheet], layout: Layout) -> None:
        self.content = content
        self.sheets = sheets
        self.layout = layout
        self.errors: list[WorkbookError] = []
        self.columns = {
            key: header_columns(
                sheets[key], COLUMNS[key], {k for k, *_h in COLUMNS[key]}, self.errors
            )
            for key in DATA_SHEETS
        }
        # Where each figure's inputs are, for the findings of the rules.
        self.places: dict[str, tuple[str, int, str]] = {}

    def error(self, sheet_key: str, row: int, column: str | None, message: str) -> None:
        letter = get_column_letter(self.columns[sheet_key][column]) if column else None
        self.errors.append(WorkbookError(self.sheets[sheet_key].title, row, letter, message))

    def rows(self, sheet_key: str) -> Iterator[tuple[int, RowKey, Callable[..., Any]]]:
        """Each row the hidden sheet names, once, if it still shows what it showed,
        with a reader of its cells; rows added below are refused."""
        columns = self.columns[sheet_key]
        expected_rows = self.layout.rows[sheet_key]
        found: dict[int, tuple[Any, ...]] = {}
        sheet = self.sheets[sheet_key]
        for number, values in data_rows(sheet, max(columns.values()), self.errors, MAX_ROWS):
            if number in expected_rows:
                found[number] = values
            elif any(cell_text(value) for value in values):
                self.error(sheet_key, number, None, _("rows cannot be added to this sheet"))
        seen: dict[tuple[str, str], int] = {}
        for number, key in sorted(expected_rows.items()):
            values = found.get(number, ())

            def raw(column: str, values: tuple[Any, ...] = values) -> Any:
                index = columns[column] - 1
                return values[index] if index < len(values) else None

            shown = _identity(raw(column) for column in IDENTITY[sheet_key])
            if shown != key.identity:
                message = _(
                    "this row no longer shows what the workbook was made with (rows moved, "
                    "added or removed?): “%(expected)s” was expected, “%(found)s” is there"
                )
                self.error(
                    sheet_key, number, None, message % {"expected": key.identity, "found": shown}
                )
                continue
            if (key.item, key.cell) in seen:
                message = _("this row repeats row %(row)d")
                self.error(sheet_key, number, None, message % {"row": seen[key.item, key.cell]})
                continue
            seen[key.item, key.cell] = number

            def cell(
                column: str, read: Callable[[Any], Any], number: int = number, raw: Any = raw
            ) -> Any:
                try:
                    return read(raw(column))
                except CellRefused as refused:
                    self.error(sheet_key, number, column, str(refused))
                    return None

            yield number, key, cell

    def unknown(self, sheet_key: str, row: int, key: RowKey) -> None:
        message = _("this row is not one this report asks for (“%(key)s”): download it again")
        self.error(sheet_key, row, None, message % {"key": f"{key.item} {key.cell}".strip()})

    def read(self) -> ReportInput:
        report = ReportInput()
        if self.errors:  # headers changed: the columns are not known
            return report
        self._read_indicators(report)
        activities: dict[str, Any] = {
            str(a.version.activity.uuid): a.version  # type: ignore[attr-defined]
            for a in self.content.activities
        }
        statuses = activity_status_labels()
        for number, key, cell in self.rows("activities"):
            version: Any = activities.get(key.item)
            if version is None:
                self.unknown("activities", number, key)
                continue
            status_text = cell("status", _plain) or ""
            status = statuses.get(status_text.casefold()) if status_text else ""
            if status is None:
                message = _("unknown status “%(value)s”") % {"value": status_text}
                self.error("activities", number, "status", message)
            report.activities[version.activity_id] = ActivityInput(
                status or "",
                cell("progress", _progress),
                cell("comment", _limited(COMMENT_LENGTH)) or "",
            )
        lines = {str(line.pk): line for line in self.content.budget_lines}
        for number, key, cell in self.rows("spending"):
            line = lines.get(key.item)
            if line is None:
                self.unknown("spending", number, key)
                continue
            spent = SpendingInput(
                cell("spent", _spent),
                bool(cell("no_data", _flag)),
                cell("comment", _limited(COMMENT_LENGTH)) or "",
            )
            if spent.no_data and spent.amount is not None:
                message = _("“No data” is ticked but an amount is given: keep one.")
                self.error("spending", number, "no_data", message)
            report.spending[line.pk] = spent
        for number, key, cell in self.rows("narrative"):
            if key.item not in NARRATIVE_FIELDS:
                self.unknown("narrative", number, key)
                continue
            report.narrative[key.item] = cell("text", _limited(TEXT_LENGTH)) or ""
        return report

    def _read_indicators(self, report: ReportInput) -> None:
        rows = {row.indicator.key: row for row in self.content.indicators}
        title = self.sheets["indicators"].title
        for number, key, cell in self.rows("indicators"):
            row = rows.get(key.item)
            if row is None or key.cell not in {c.key for c in row.cells}:
                self.unknown("indicators", number, key)
                continue
            indicator = row.indicator
            parts = value_parts(indicator.type)
            figure = ValueInput()
            for part in ("value", "numerator", "denominator", "text"):
                if part not in parts:
                    if cell(part, _plain):
                        message = _("nothing goes in this cell for this indicator")
                        self.error("indicators", number, part, message)
                    continue
                if part == "text":
                    figure.text = cell(part, _limited(TEXT_LENGTH)) or ""
                elif part == "value" and indicator.type == IndicatorType.YES_NO:
                    figure.value = cell(part, _answer)
                else:
                    setattr(figure, part, cell(part, _decimal))
            figure.no_data = bool(cell("no_data", _flag))
            comment = cell("comment", _limited(COMMENT_LENGTH)) or ""
            if key.cell == TOTAL:
                figure.comment = comment
            elif comment:
                message = _("an indicator's comment goes on its total row")
                self.error("indicators", number, "comment", message)
            for part in (*parts, "no_data", "comment"):
                letter = get_column_letter(self.columns["indicators"][part])
                self.places[field_name(indicator.pk, key.cell, part)] = (title, number, letter)
            report.values[indicator.pk, key.cell] = figure

    def locate(self, finding: Finding) -> WorkbookError:
        sheet, row, column = self.places.get(
            finding.field, (self.sheets["indicators"].title, None, None)
        )
        return WorkbookError(sheet, row, column, finding.message)


def _open(upload: IO[bytes]) -> Any:
    size = upload.seek(0, io.SEEK_END)
    upload.seek(0)
    if size > MAX_UPLOAD:
        raise WorkbookInvalid(
            [WorkbookError(_("file"), None, None, _("The file is larger than 5 MB."))]
        )
    # Formulas as written, not as last computed: they are refused.
    return open_workbook(upload, data_only=False)


def _sheets(book: Any) -> dict[str, Worksheet]:
    errors: list[WorkbookError] = []
    sheets = {key: find_sheet(book, key, errors, SHEETS) for key in (*DATA_SHEETS, "keys")}
    if errors:
        raise WorkbookInvalid(errors)
    return sheets  # type: ignore[return-value]


def _read(submission: Submission, book: Any) -> ReportInput:
    sheets = _sheets(book)
    errors: list[WorkbookError] = []
    layout = _layout(sheets["keys"], errors)
    if layout is None or errors:
        raise WorkbookInvalid(errors)
    if layout.report != submission.uuid:
        message = _("this workbook is the report of another unit or period, not of this one")
        raise WorkbookInvalid([WorkbookError(sheets["keys"].title, 1, "B", message)])
    if layout.revision != submission.revision:
        message = _(
            "the report changed on the site after this workbook was downloaded (revision "
            "%(then)d, now %(now)d): download it again and copy your figures into it"
        )
        raise WorkbookInvalid(
            [
                WorkbookError(
                    sheets["keys"].title,
                    1,
                    "D",
                    message % {"then": layout.revision, "now": submission.revision},
                )
            ]
        )
    content = expected(submission)
    reader = _ReportReader(content, sheets, layout)
    report = reader.read()
    if reader.errors:
        raise WorkbookInvalid(reader.errors)
    # The report form's rules, on the report as it would be once saved.
    findings = check_report(content, {**current_figures(submission), **report.values})
    errors = [reader.locate(f) for f in findings if f.severity == Severity.ERROR]
    if errors:
        raise WorkbookInvalid(errors)
    return report


def read_report_workbook(submission: Submission, upload: IO[bytes]) -> ReportInput:
    """The content of an uploaded workbook of this report, checked; raise
    WorkbookInvalid with every error found."""
    book = _open(upload)
    try:
        return _read(submission, book)
    finally:
        book.close()


@dataclass
class ImportResult:
    submission: Submission
    changes: int  # audited changes: figures, activities, budget lines, narrative
    warnings: list[Finding]  # to explain in a comment before submitting


def _save(submission: Submission, report: ReportInput, by: Any) -> ImportResult:
    try:
        result = save_report(submission, report, by=by, revision=submission.revision)
    except ValidationError as exc:  # submitted, period locked, changed meanwhile
        raise WorkbookInvalid(
            [WorkbookError(_("file"), None, None, m) for m in exc.messages]
        ) from exc
    warnings = [f for f in result.findings if f.severity == Severity.WARNING]
    return ImportResult(submission, result.changes, warnings)


def import_report_workbook(submission: Submission, upload: IO[bytes], *, by: Any) -> ImportResult:
    """Write an uploaded workbook into its draft report, all or nothing."""
    if not may(by, "report_for_unit", submission):
        raise PermissionDenied(_("You do not report for this unit."))
    return _save(submission, read_report_workbook(submission, upload), by)


class BatchInvalid(Exception):
    """Some workbooks of a batch are wrong: (file name, its errors) for each."""

    def __init__(self, errors: list[tuple[str, list[WorkbookError]]]) -> None:
        super().__init__("; ".join(f"{name}: {len(found)}" for name, found in errors))
        self.errors = errors


def _report_of(book: Any, period: ReportingPeriod) -> Submission:
    sheets = _sheets(book)
    errors: list[WorkbookError] = []
    layout = _layout(sheets["keys"], errors)
    if layout is None:
        raise WorkbookInvalid(errors)
    submission = (
        Submission.objects.filter(period=period, uuid=layout.report)
        .select_related("period__plan", "unit__institution", "unit__place")
        .first()
    )
    if submission is None:
        message = _("this workbook is not the report of a unit for this period")
        raise WorkbookInvalid([WorkbookError(sheets["keys"].title, 1, "B", message)])
    return submission


def import_period_workbooks(
    period: ReportingPeriod, uploads: list[tuple[str, IO[bytes]]], *, by: Any
) -> list[ImportResult]:
    """The TMU's upload of many units' workbooks for a period: each goes to the
    report it names; if any workbook is wrong, none is written."""
    if not may(by, "validate_reports"):
        raise PermissionDenied(_("Only the Technical Management Unit uploads for several units."))
    errors: list[tuple[str, list[WorkbookError]]] = []
    reports: list[tuple[str, Submission, ReportInput]] = []
    claimed: dict[int, str] = {}
    for name, upload in uploads:
        try:
            book = _open(upload)
            try:
                submission = _report_of(book, period)
                if submission.pk in claimed:
                    message = _("the file %(name)s of this batch is already for this report")
                    raise WorkbookInvalid(
                        [
                            WorkbookError(
                                _("file"), None, None, message % {"name": claimed[submission.pk]}
                            )
                        ]
                    )
                claimed[submission.pk] = name
                reports.append((name, submission, _read(submission, book)))
            finally:
                book.close()
        except WorkbookInvalid as exc:
            errors.append((name, exc.errors))
    if errors:
        raise BatchInvalid(errors)
    results = []
    with transaction.atomic():
        for name, submission, report in reports:
            try:
                results.append(_save(submission, report, by))
            except WorkbookInvalid as exc:
                errors.append((name, exc.errors))
        if errors:
            raise BatchInvalid(errors)  # and what the others wrote is rolled back
    return results
