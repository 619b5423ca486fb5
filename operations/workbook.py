"""The operational plan as an Excel workbook, out and back in.

Layout (docs/operational-plan.md): a sheet of activities, one row each, with a
column per quarter of the plan marked "x" where the activity is scheduled, as
ministries draw their schedules; a sheet of budget lines; a sheet of lists
that feed the drop-downs; a sheet that explains it all. Headers are written
in the user's language and read in either.

The import is all or nothing: every error is collected with its sheet, row,
column and reason before anything is written; then the version's activities
become exactly those of the workbook, through the same action as the site.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from actors.models import Institution
from nap1325.tables import safe_cell, unsafe_cell
from operations.actions import (
    ActivityInput,
    BudgetLineInput,
    activity_problems,
    activity_snapshot,
    input_snapshot,
    remove_activity,
    save_activity,
)
from operations.models import ActivityStatus, FundingSource, OperationalPlan
from operations.schedule import plan_quarters
from places.models import Place

MAX_ROWS = 2000
MAX_COLUMNS = 200
MAX_EXPANDED_BYTES = 50 * 1024 * 1024
SHEETS = {
    "activities": ("Activités", "Activities"),
    "budget": ("Budget", "Budget"),
    "lists": ("Listes", "Lists"),
    "readme": ("Lisez-moi", "Read me"),
}
# (key, French header, English header)
ACTIVITY_COLUMNS = [
    ("code", "Code", "Code"),
    ("title_fr", "Titre (FR)", "Title (FR)"),
    ("title_en", "Titre (EN)", "Title (EN)"),
    ("description_fr", "Description (FR)", "Description (FR)"),
    ("description_en", "Description (EN)", "Description (EN)"),
    ("deliverable_fr", "Livrable attendu (FR)", "Expected deliverable (FR)"),
    ("deliverable_en", "Livrable attendu (EN)", "Expected deliverable (EN)"),
    ("elements", "Contribue à (identifiants du cadre)", "Contributes to (framework ids)"),
    ("lead", "Chef de file", "Lead institution"),
    ("partners", "Partenaires", "Partners"),
    ("monitor", "Institution de suivi", "Monitoring institution"),
    ("places", "Lieux (codes)", "Places (codes)"),
    ("status", "Statut", "Status"),
    ("progress", "Avancement (%)", "Progress (%)"),
    ("unplanned", "Non planifiée", "Unplanned"),
]
BUDGET_COLUMNS = [
    ("code", "Code de l'activité", "Activity code"),
    ("year", "Année", "Year"),
    ("source", "Source de financement", "Funding source"),
    ("label", "Poste", "Item"),
    ("unit", "Unité", "Unit"),
    ("unit_cost", "Coût unitaire (XOF)", "Unit cost (XOF)"),
    ("quantity", "Quantité", "Quantity"),
    ("amount", "Montant (XOF)", "Amount (XOF)"),
]
HEADER = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EDE7F1")
YES = {"x", "oui", "yes", "1", "true", "vrai"}
NO = {"", "non", "no", "0", "false", "faux"}


def workbook_language() -> int:
    return 0 if (translation.get_language() or "fr").startswith("fr") else 1


def _quarter_header(year: int, quarter: int, language: int) -> str:
    return f"{year}-{'T' if language == 0 else 'Q'}{quarter}"


def activity_status_labels() -> dict[str, str]:
    """Every way a status may be written (key, French or English label) → key."""
    labels: dict[str, str] = {}
    for language in ("fr", "en"):
        with translation.override(language):
            for value, label in ActivityStatus.choices:
                labels[str(label).casefold()] = value
    for value in ActivityStatus.values:
        labels[value] = value
    return labels


def write_header(sheet: Worksheet, headers: list[str]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = HEADER
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"


def build_workbook(version: OperationalPlan, *, with_activities: bool = True) -> bytes:
    """The workbook of a version (or, without activities, its blank template)."""
    plan = version.plan
    language = workbook_language()
    quarters = plan_quarters(plan.start_year, plan.end_year)
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = SHEETS["readme"][language]
    activities = book.create_sheet(SHEETS["activities"][language])
    budget = book.create_sheet(SHEETS["budget"][language])
    lists = book.create_sheet(SHEETS["lists"][language])

    for text in _readme_lines(version):
        readme.append([text])
    readme.column_dimensions["A"].width = 110

    write_header(
        activities,
        [column[1 + language] for column in ACTIVITY_COLUMNS]
        + [_quarter_header(y, q, language) for y, q in quarters],
    )
    write_header(budget, [column[1 + language] for column in BUDGET_COLUMNS])
    with translation.override(("fr", "en")[language]):
        status_labels = dict(ActivityStatus.choices)
    if with_activities:
        versions = version.activities.select_related("lead", "monitor").prefetch_related(
            "elements", "partners", "places", "schedule", "budget_lines__source"
        )
        for activity in versions:
            scheduled = {(q.year, q.quarter) for q in activity.schedule.all()}
            activities.append(
                [
                    safe_cell(value)
                    for value in [
                        activity.code,
                        activity.title_fr,
                        activity.title_en,
                        activity.description_fr,
                        activity.description_en,
                        activity.deliverable_fr,
                        activity.deliverable_en,
                        "; ".join(
                            e.key
                            for e in sorted(activity.elements.all(), key=lambda e: e.sort_path)
                        ),
                        activity.lead.key if activity.lead else "",
                        "; ".join(i.key for i in activity.partners.all()),
                        activity.monitor.key if activity.monitor else "",
                        "; ".join(p.code for p in activity.places.all()),
                        str(status_labels[activity.status]),
                        activity.progress,
                        "x" if activity.unplanned else "",
                    ]
                ]
                + ["x" if q in scheduled else "" for q in quarters]
            )
            for line in activity.budget_lines.all():
                row = budget.max_row + 1
                budget.append(
                    [
                        safe_cell(activity.code),
                        line.year,
                        line.source.key,
                        safe_cell(line.label),
                        safe_cell(line.unit),
                        line.unit_cost,
                        line.quantity,
                        f"=F{row}*G{row}",
                    ]
                )
    _write_lists(lists, version, status_labels, quarters, language)
    _add_validations(activities, budget, lists, version, quarters)
    for sheet in (activities, budget):
        for index in range(1, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 18 if index < 16 else 8
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _readme_lines(version: OperationalPlan) -> list[str]:
    plan = version.plan
    return [
        _("Operational plan of %(plan)s, version %(number)d (%(year)d)")
        % {"plan": plan.title, "number": version.number, "year": version.year},
        "",
        _(
            "Sheet “Activities”: one row per activity. "
            "Mark with x the quarters in which it is scheduled."
        ),
        _(
            "Institutions, funding sources, framework elements and places are written with their "
            "identifiers, listed in the sheet “Lists”; separate several with a semicolon."
        ),
        _("The monitoring institution must differ from the lead institution."),
        _(
            "Sheet “Budget”: one row per budget line, for the activity whose code it gives. "
            "The amount is quantity times unit cost; it is recomputed on import."
        ),
        _("Amounts are in XOF, whole francs, never negative."),
        _(
            "The import replaces the activities of the version with those of the workbook: an "
            "activity missing from the workbook is removed from the version. If one cell is "
            "wrong, nothing is imported and every error is listed with its sheet, row and column."
        ),
    ]


def _write_lists(
    sheet: Worksheet,
    version: OperationalPlan,
    status_labels: dict[str, Any],
    quarters: list[tuple[int, int]],
    language: int,
) -> None:
    plan = version.plan
    columns = [
        [(i.key, i.name) for i in Institution.objects.filter(country=plan.country)],
        [(s.key, s.name) for s in plan.funding_sources.all()],
        [(str(label), value) for value, label in status_labels.items()],
        [(e.key, f"{e.code} {e.title}".strip()) for e in plan.elements.order_by("sort_path")],
        [(p.code, p.name) for p in Place.objects.filter(country=plan.country)],
        [(str(year), "") for year in plan.years],
    ]
    titles = [
        _("Institutions"),
        _("Funding sources"),
        _("Statuses"),
        _("Framework"),
        _("Places"),
        _("Years"),
    ]
    for index, (title, values) in enumerate(zip(titles, columns, strict=True)):
        first = 1 + 3 * index
        sheet.cell(row=1, column=first, value=title).font = HEADER
        for row, (key, label) in enumerate(values, start=2):
            sheet.cell(row=row, column=first, value=key)
            sheet.cell(row=row, column=first + 1, value=safe_cell(str(label)))


def _list_range(sheet: Worksheet, column: int) -> str:
    letter = get_column_letter(column)
    last = max(2, sheet.max_row)
    return f"'{sheet.title}'!${letter}$2:${letter}${last}"


def _add_validations(
    activities: Worksheet,
    budget: Worksheet,
    lists: Worksheet,
    version: OperationalPlan,
    quarters: list[tuple[int, int]],
) -> None:
    keys = [column[0] for column in ACTIVITY_COLUMNS]

    def list_validation(sheet: Worksheet, column_index: int, list_column: int) -> None:
        validation = DataValidation(
            type="list", formula1=_list_range(lists, list_column), allow_blank=True
        )
        letter = get_column_letter(column_index)
        validation.add(f"{letter}2:{letter}{MAX_ROWS}")
        sheet.add_data_validation(validation)

    list_validation(activities, keys.index("lead") + 1, 1)
    list_validation(activities, keys.index("monitor") + 1, 1)
    list_validation(activities, keys.index("status") + 1, 7)
    quarter_marks = DataValidation(type="list", formula1='"x"', allow_blank=True)
    first, last = len(ACTIVITY_COLUMNS) + 1, len(ACTIVITY_COLUMNS) + len(quarters)
    quarter_marks.add(f"{get_column_letter(first)}2:{get_column_letter(last)}{MAX_ROWS}")
    activities.add_data_validation(quarter_marks)
    list_validation(budget, 2, 16)
    list_validation(budget, 3, 4)
    not_negative = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
    not_negative.add(f"F2:G{MAX_ROWS}")
    budget.add_data_validation(not_negative)


# --- import ---------------------------------------------------------------------


@dataclass(frozen=True)
class WorkbookError:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f" {_('row')} {self.row}"
        if self.column:
            where += f" {_('column')} {self.column}"
        return f"{where}: {self.message}"


class WorkbookInvalid(Exception):
    def __init__(self, errors: list[WorkbookError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def find_sheet(
    book: Any, key: str, errors: list[WorkbookError], sheets: dict[str, tuple[str, str]] = SHEETS
) -> Worksheet | None:
    """The sheet named `sheets[key]` in either language."""
    for name in sheets[key]:
        if name in book.sheetnames:
            sheet: Worksheet = book[name]
            return sheet
    errors.append(
        WorkbookError(
            sheets[key][workbook_language()],
            None,
            None,
            _("this sheet is missing (it may be named %(names)s)")
            % {"names": " / ".join(sheets[key])},
        )
    )
    return None


# Larger than any amount the plan accepts: beyond, a cell is refused, not parsed.
NUMBER_LIMIT = Decimal(10) ** 16


def parse_number(text: str) -> Decimal | None:
    """A finite, reasonably sized number, or None."""
    try:
        value = Decimal(text)
        if not value.is_finite() or abs(value) >= NUMBER_LIMIT:
            return None
    except (ArithmeticError, ValueError):  # InvalidOperation, Overflow: not a usable number
        return None
    return value


class Formula(str):
    """A formula cell's text, as a workbook opened with its formulas (not
    their values) gives it: told apart from text that only starts with "="
    (typed after an apostrophe), which is a person's words."""


def cell_value(cell: Any) -> Any:
    if cell.data_type == "f" and isinstance(cell.value, str):
        return Formula(cell.value)
    return cell.value


def data_rows(
    sheet: Worksheet, columns: int, errors: list[WorkbookError], limit: int = MAX_ROWS
) -> Any:
    """(row number, values) of the data rows, at most `limit` of them; a
    formula (when the workbook is opened with them) comes as a Formula."""
    for row_number, cells in enumerate(
        sheet.iter_rows(min_row=2, max_col=max(columns, 1)), start=2
    ):
        row = tuple(cell_value(cell) for cell in cells)
        if row_number > limit + 1:
            if any(cell_text(value) for value in row):
                errors.append(
                    WorkbookError(
                        sheet.title,
                        row_number,
                        None,
                        _("a sheet may have at most %(count)d rows") % {"count": limit},
                    )
                )
                return
            continue
        yield row_number, row


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unsafe_cell(str(value).strip())


def header_columns(
    sheet: Worksheet,
    spec: list[tuple[str, str, str]],
    required: set[str],
    errors: list[WorkbookError],
    extra: Any = None,
) -> dict[str, int]:
    """Header text → key, in either language; extra(header) may claim other headers."""
    names = {header.casefold(): key for key, *headers in spec for header in headers}
    found: dict[str, int] = {}
    first = next(sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS, values_only=True), ())
    for index, value in enumerate(first, start=1):
        header = cell_text(value)
        if not header:
            continue
        key = names.get(header.casefold()) or (extra(header, index) if extra else None)
        if isinstance(key, str) and key in found:
            errors.append(
                WorkbookError(
                    sheet.title,
                    1,
                    get_column_letter(index),
                    _("the column “%(header)s” is given twice") % {"header": header},
                )
            )
            continue
        if key is None:
            errors.append(
                WorkbookError(
                    sheet.title,
                    1,
                    get_column_letter(index),
                    _("unknown column “%(header)s”") % {"header": header},
                )
            )
        elif key is not True:
            found[key] = index
    for key in sorted(required - set(found)):
        header = next(h for k, *h in spec if k == key)[workbook_language()]
        errors.append(
            WorkbookError(
                sheet.title, 1, None, _("the column “%(header)s” is missing") % {"header": header}
            )
        )
    return found


def open_workbook(upload: IO[bytes], *, data_only: bool = True) -> Any:
    """The uploaded workbook, opened for streaming; WorkbookInvalid if it is
    not one or would unpack into more than MAX_EXPANDED_BYTES. `data_only`
    reads the values formulas had when saved, else the formulas themselves."""
    not_a_workbook = WorkbookInvalid(
        [WorkbookError(_("file"), None, None, _("this is not an Excel workbook (.xlsx)"))]
    )
    try:
        with zipfile.ZipFile(upload) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise not_a_workbook from exc
    if expanded > MAX_EXPANDED_BYTES:
        raise WorkbookInvalid(
            [WorkbookError(_("file"), None, None, _("this workbook is too large once unpacked"))]
        )
    upload.seek(0)
    try:
        # Read-only: rows are streamed, a far-away cell does not fill memory.
        return load_workbook(upload, data_only=data_only, read_only=True)
    except Exception as exc:  # a corrupt or non-XLSX upload: say so, never crash
        raise not_a_workbook from exc


def read_workbook(version: OperationalPlan, upload: IO[bytes]) -> dict[str, ActivityInput]:
    """The activities of an uploaded workbook, checked; raise WorkbookInvalid
    with every error found."""
    plan = version.plan
    errors: list[WorkbookError] = []
    book = open_workbook(upload)
    activities_sheet = find_sheet(book, "activities", errors)
    budget_sheet = find_sheet(book, "budget", errors)
    if activities_sheet is None or budget_sheet is None:
        raise WorkbookInvalid(errors)

    institutions = {i.key: i for i in Institution.objects.filter(country=plan.country)}
    sources = {s.key: s for s in FundingSource.objects.filter(plan=plan)}
    elements = {e.key: e for e in plan.elements.all()}
    places = {p.code: p for p in Place.objects.filter(country=plan.country)}
    statuses = activity_status_labels()
    quarter_columns: dict[int, tuple[int, int]] = {}

    def quarter_header(header: str, index: int) -> Any:
        text = header.upper().replace("T", "Q")
        year, _sep, quarter = text.partition("-Q")
        if year.isdigit() and quarter in {"1", "2", "3", "4"}:
            if int(year) not in plan.years:
                errors.append(
                    WorkbookError(
                        activities_sheet.title,
                        1,
                        get_column_letter(index),
                        _("the quarter %(quarter)s is outside the plan period %(start)d-%(end)d")
                        % {"quarter": header, "start": plan.start_year, "end": plan.end_year},
                    )
                )
                return True
            quarter_columns[index] = (int(year), int(quarter))
            return True
        return None

    columns = header_columns(
        activities_sheet,
        ACTIVITY_COLUMNS,
        {"code", "title_fr", "lead", "monitor"},
        errors,
        quarter_header,
    )
    budget_columns = header_columns(
        budget_sheet, BUDGET_COLUMNS, {"code", "year", "source", "unit_cost", "quantity"}, errors
    )
    if errors:
        raise WorkbookInvalid(errors)

    def error(sheet: Worksheet, row: int, key: str, cols: dict[str, int], message: str) -> None:
        column = get_column_letter(cols[key]) if key in cols else None
        errors.append(WorkbookError(sheet.title, row, column, message))

    def institution(cells: dict[str, str], row_number: int, key: str) -> Institution | None:
        value = cells.get(key, "")
        if not value:
            error(activities_sheet, row_number, key, columns, _("an institution is required here"))
            return None
        if value not in institutions:
            error(
                activities_sheet, row_number, key, columns,
                _("unknown institution “%(id)s”") % {"id": value},
            )  # fmt: skip
            return None
        return institutions[value]

    def many(
        cells: dict[str, str], row_number: int, key: str, known: dict[str, Any], message: str
    ) -> list[Any]:
        result = []
        for item in (part.strip() for part in cells.get(key, "").split(";")):
            if not item:
                continue
            if item not in known:
                error(activities_sheet, row_number, key, columns, message % {"id": item})
            else:
                result.append(known[item])
        return result

    found: dict[str, tuple[int, ActivityInput]] = {}
    sheet = activities_sheet
    width = max([*columns.values(), *quarter_columns])
    for row_number, row in data_rows(sheet, width, errors):
        cells = {
            key: cell_text(row[index - 1]) if index - 1 < len(row) else ""
            for key, index in columns.items()
        }
        if not any(cells.values()) and not any(
            cell_text(row[i - 1]) for i in quarter_columns if i - 1 < len(row)
        ):
            continue
        code = cells.get("code", "")
        if not code:
            error(sheet, row_number, "code", columns, _("the code is required"))
            continue
        if code in found:
            message = _("the code %(code)s is already used on row %(row)d")
            error(
                sheet, row_number, "code", columns, message % {"code": code, "row": found[code][0]}
            )
            continue

        lead = institution(cells, row_number, "lead")
        monitor = institution(cells, row_number, "monitor")
        status = statuses.get(cells.get("status", "").casefold() or "planned")
        if status is None:
            error(
                sheet,
                row_number,
                "status",
                columns,
                _("unknown status “%(value)s”") % {"value": cells["status"]},
            )
        progress_text = cells.get("progress", "") or "0"
        parsed = parse_number(progress_text)
        progress = int(parsed) if parsed is not None else 0
        if parsed is None:
            error(
                sheet,
                row_number,
                "progress",
                columns,
                _("“%(value)s” is not a number") % {"value": progress_text},
            )
            progress = 0
        unplanned_text = cells.get("unplanned", "").casefold()
        if unplanned_text not in YES | NO:
            error(sheet, row_number, "unplanned", columns, _("write x or leave empty"))
        scheduled = []
        for index, quarter in quarter_columns.items():
            mark = cell_text(row[index - 1]).casefold() if index - 1 < len(row) else ""
            if mark in YES:
                scheduled.append(quarter)
            elif mark not in NO:
                errors.append(
                    WorkbookError(
                        sheet.title,
                        row_number,
                        get_column_letter(index),
                        _("write x or leave empty"),
                    )
                )
        data = ActivityInput(
            code=code,
            title_fr=cells.get("title_fr", ""),
            title_en=cells.get("title_en", ""),
            description_fr=cells.get("description_fr", ""),
            description_en=cells.get("description_en", ""),
            deliverable_fr=cells.get("deliverable_fr", ""),
            deliverable_en=cells.get("deliverable_en", ""),
            lead=lead,
            monitor=monitor,
            elements=many(
                cells, row_number, "elements", elements, _("unknown framework element “%(id)s”")
            ),
            partners=many(
                cells, row_number, "partners", institutions, _("unknown institution “%(id)s”")
            ),
            places=many(cells, row_number, "places", places, _("unknown place “%(id)s”")),
            quarters=scheduled,
            status=status or "planned",
            progress=progress,
            unplanned=unplanned_text in YES,
        )
        found[code] = (row_number, data)

    sheet = budget_sheet
    for row_number, row in data_rows(sheet, max(budget_columns.values()), errors):
        values = {
            key: row[index - 1] if index - 1 < len(row) else None
            for key, index in budget_columns.items()
        }
        if all(cell_text(value) == "" for key, value in values.items() if key != "amount"):
            continue
        code = cell_text(values.get("code"))
        if code not in found:
            error(
                sheet,
                row_number,
                "code",
                budget_columns,
                _("no activity has the code “%(code)s”") % {"code": code},
            )
            continue
        source_key = cell_text(values.get("source"))
        source = sources.get(source_key)
        if source is None:
            error(
                sheet,
                row_number,
                "source",
                budget_columns,
                _("unknown funding source “%(id)s”") % {"id": source_key},
            )
        numbers: dict[str, Decimal] = {}
        for key in ("year", "unit_cost", "quantity"):
            text = cell_text(values.get(key))
            parsed = parse_number(text)
            if parsed is None:
                error(
                    sheet,
                    row_number,
                    key,
                    budget_columns,
                    _("“%(value)s” is not a number") % {"value": text},
                )
                continue
            numbers[key] = parsed
            if numbers[key] < 0:
                error(sheet, row_number, key, budget_columns, _("amounts cannot be negative"))
        if (
            "unit_cost" in numbers
            and numbers["unit_cost"] != numbers["unit_cost"].to_integral_value()
        ):
            error(sheet, row_number, "unit_cost", budget_columns, _("XOF amounts are whole francs"))
        if "year" in numbers and int(numbers["year"]) not in plan.years:
            message = _("year outside the plan period %(start)d-%(end)d")
            period = {"start": plan.start_year, "end": plan.end_year}
            error(sheet, row_number, "year", budget_columns, message % period)
        if source is not None and len(numbers) == 3 and min(numbers.values()) >= 0:
            found[code][1].budget_lines.append(
                BudgetLineInput(
                    year=int(numbers["year"]),
                    source=source,
                    unit_cost=int(numbers["unit_cost"]),
                    quantity=numbers["quantity"],
                    label=cell_text(values.get("label")),
                    unit=cell_text(values.get("unit")),
                )
            )

    # What only the database can tell (codes of other activities, the lead/monitor rule, …).
    existing = {v.code: v.activity for v in version.activities.select_related("activity")}
    for code, (row_number, data) in found.items():
        for name, problems in activity_problems(version, data, existing.get(code)).items():
            if name == "code":
                continue  # codes were checked row against row: the workbook is the whole version
            for problem in problems:
                column_key = name if name in columns else None
                sheet_name = (
                    budget_sheet.title if name == "budget_lines" else activities_sheet.title
                )
                column = get_column_letter(columns[column_key]) if column_key else None
                at_row = row_number if name != "budget_lines" else None
                errors.append(WorkbookError(sheet_name, at_row, column, problem))
    book.close()
    if errors:
        raise WorkbookInvalid(errors)
    return {code: data for code, (_row, data) in found.items()}


def import_workbook(version: OperationalPlan, upload: IO[bytes], *, by: Any) -> ImportReport:
    """Make a draft version's activities those of the workbook, all or nothing."""
    activities = read_workbook(version, upload)
    sheet = SHEETS["activities"][workbook_language()]
    report = ImportReport()
    try:
        with transaction.atomic():
            # Locked: nobody adopts the version while it is being replaced.
            version = OperationalPlan.objects.select_for_update().get(pk=version.pk)
            current = {
                v.code: v
                for v in version.activities.select_related(
                    "activity", "lead", "monitor"
                ).prefetch_related(
                    "elements", "partners", "places", "schedule", "budget_lines__source"
                )
            }
            funded = [
                code
                for code, existing in current.items()
                if code not in activities and existing.activity.funding.exists()
            ]
            if funded:
                raise WorkbookInvalid(
                    [
                        WorkbookError(
                            sheet,
                            None,
                            None,
                            _(
                                "the activity %(code)s has recorded funding: keep its row "
                                "(an activity's code identifies it)"
                            )
                            % {"code": code},
                        )
                        for code in funded
                    ]
                )
            for code, existing in current.items():
                if code not in activities:
                    remove_activity(version, existing.activity, by=by)
                    report.removed.append(code)
            for code, data in activities.items():
                previous = current.get(code)
                if previous is not None and activity_snapshot(previous) == input_snapshot(data):
                    report.unchanged.append(code)
                    continue
                save_activity(
                    version, data, by=by, activity=previous.activity if previous else None
                )
                (report.updated if previous else report.created).append(code)
    except ValidationError as exc:  # adopted meanwhile, two activities swapping codes, …
        raise WorkbookInvalid([WorkbookError(sheet, None, None, m) for m in exc.messages]) from exc
    return report
