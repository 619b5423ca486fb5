"""Tables built once and shown four ways: on the page, and as CSV, XLSX and
JSON downloads, so every output carries the same numbers. Every app may
import this module (it imports none of them).

A cell holds a number, a text, a date, None ("no data": a dash on the page,
an empty cell in a download, never 0) or HIDDEN (a suppressed small count).
`download` answers a page's `?format=csv|xlsx|json`; the template partial
`partials/downloads.html` offers the links. Spreadsheet cells written from
user text go through `safe_cell` (formula injection)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from nap1325.i18n import current_language

# Text a spreadsheet would run as a formula is written with a leading quote
# (OWASP's list: a tab or carriage return can hide one of the others).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text as a spreadsheet should show it: never run as a formula, without
    the control characters the XLSX format cannot hold."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def unsafe_cell(value: str) -> str:
    """The text `safe_cell` protected, as it was typed (for workbooks read back)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class Hidden:
    """A suppressed figure."""

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN = Hidden()
Value = Decimal | int | str | date | Hidden | None


TEXT = False  # Column(title, TEXT): a column of words, not numbers


def yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


@dataclass
class Column:
    title: str
    numeric: bool = True
    grouping: bool = True  # False for years and codes: 2024, not 2,024


@dataclass
class Table:
    key: str  # the table's name in download links and sheet names
    title: str
    columns: list[Column]
    rows: list[list[Value]] = field(default_factory=list)
    note: str = ""
    total: bool = False  # the last row is a total (drawn as one on the page)

    def add(self, *cells: Value) -> None:
        self.rows.append(list(cells))

    def cells(self) -> list[list[tuple[str, bool]]]:
        """The cells as text in the active language, with whether they are numbers."""
        return [
            [
                (shown(cell, grouping=column.grouping), column.numeric)
                for cell, column in zip(row, self.columns, strict=True)
            ]
            for row in self.rows
        ]


def plain(value: Value) -> Any:
    """The cell for spreadsheets and JSON: numbers as numbers, dates in ISO 8601."""
    if isinstance(value, Hidden):
        return _("suppressed")
    if isinstance(value, Decimal):
        normal = value.normalize()
        return int(normal) if normal == normal.to_integral_value() else float(normal)
    if isinstance(value, datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def shown(value: Value, places: int = 1, *, grouping: bool = True) -> str:
    """The cell on a page, in the reader's language."""
    if value is None:
        return "—"
    if isinstance(value, Hidden):
        return _("suppressed")
    if isinstance(value, Decimal):
        decimals = 0 if value == value.to_integral_value() else places
        return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=grouping)
    if isinstance(value, int):
        return (
            number_format(value, use_l10n=True, force_grouping=grouping) if grouping else str(value)
        )
    if isinstance(value, datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


# --- the three downloads ------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx", "json")


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(table: Table, filename: str) -> HttpResponse:
    """One table, UTF-8 with a byte-order mark (Excel then reads the accents)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(column.title) for column in table.columns])
    for row in table.rows:
        writer.writerow(["" if cell is None else safe_cell(plain(cell)) for cell in row])
    return _attachment(response, f"{filename}.csv")


def sheet_name(table: Table, used: set[str]) -> str:
    """A title Excel accepts as a sheet name (31 characters, no \\/?*[]:), unique."""
    name = (table.title[:28] or table.key).replace("/", "-")
    for char in "\\?*[]:":
        name = name.replace(char, " ")
    while name in used:
        name = name[:26] + f"{len(used)}"
    used.add(name)
    return name


def xlsx_response(tables: Sequence[Table], filename: str) -> HttpResponse:
    """One sheet per table: its header row, its rows, then its note."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    used: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(sheet_name(table, used))
        sheet.append([safe_cell(column.title) for column in table.columns])
        for row in table.rows:
            sheet.append([safe_cell(plain(cell)) for cell in row])
        if table.note:
            sheet.append([])
            sheet.append([safe_cell(table.note)])
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX), f"{filename}.xlsx")


def json_response(tables: Sequence[Table], meta: dict[str, Any], filename: str) -> HttpResponse:
    """`{…meta, "tables": [{"key", "title", "columns", "rows", "note"}]}`."""
    payload = {
        **meta,
        "tables": [
            {
                "key": table.key,
                "title": table.title,
                "columns": [column.title for column in table.columns],
                "rows": [[plain(cell) for cell in row] for row in table.rows],
                "note": table.note,
            }
            for table in tables
        ],
    }
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    return _attachment(response, f"{filename}.json")


def _refused(status: int, message: str) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def download(
    request: HttpRequest,
    tables: Sequence[Table],
    filename: str,
    meta: dict[str, Any] | None = None,
) -> HttpResponse | None:
    """The page's download for `?format=csv|xlsx|json`, or None to render the page.

    `?table=KEY` narrows the download to one of the page's tables; a CSV
    holds one table, so a page with several needs it. Call it after the
    page's own permission checks and filters: the download is the page."""
    wanted = request.GET.get("format")
    if not wanted:
        return None
    if wanted not in FORMATS:
        return _refused(
            400,
            _("Unknown download format “%(format)s”: choose csv, xlsx or json.")
            % {"format": wanted[:20]},
        )
    offered = list(tables)
    keys = ", ".join(table.key for table in offered)
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "table"
    key = request.GET.get("table")
    if key:
        chosen = [table for table in offered if table.key == key]
        if not chosen:
            return _refused(
                404,
                _("This page has no table “%(table)s”; its tables are: %(tables)s.")
                % {"table": key[:60], "tables": keys},
            )
        if len(offered) > 1:
            name = f"{name}-{key}"
        offered = chosen
    if not offered:
        return _refused(404, _("This page has no table to download."))
    if wanted == "csv":
        if len(offered) > 1:
            return _refused(
                400,
                _("A CSV file holds one table: add table= and one of %(tables)s.")
                % {"tables": keys},
            )
        return csv_response(offered[0], name)
    if wanted == "xlsx":
        return xlsx_response(offered, name)
    about = {
        **(meta or {}),
        "language": current_language(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }
    return json_response(offered, about, name)
