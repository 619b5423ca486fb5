"""Tables built once and shown four ways: on the page beside their chart,
and as CSV, XLSX and JSON downloads, so every output carries the same
numbers. A cell holds a number, a text, None ("no data", shown as a dash,
never 0) or HIDDEN (suppressed small count)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

from operations.workbook import safe_cell


class Hidden:
    """A suppressed figure."""

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN = Hidden()
Value = Decimal | int | str | Hidden | None


@dataclass
class Column:
    title: str
    numeric: bool = True


@dataclass
class Table:
    key: str  # the table's name in download links and sheet names
    title: str
    columns: list[Column]
    rows: list[list[Value]] = field(default_factory=list)
    note: str = ""

    def add(self, *cells: Value) -> None:
        self.rows.append(list(cells))


def plain(value: Value) -> Any:
    """The cell for spreadsheets and JSON: numbers as numbers."""
    if isinstance(value, Hidden):
        return _("suppressed")
    if isinstance(value, Decimal):
        normal = value.normalize()
        return int(normal) if normal == normal.to_integral_value() else float(normal)
    return value


def shown(value: Value, places: int = 1) -> str:
    """The cell on a page, in the reader's language."""
    if value is None:
        return "—"
    if isinstance(value, Hidden):
        return _("suppressed")
    if isinstance(value, Decimal):
        decimals = 0 if value == value.to_integral_value() else places
        return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    if isinstance(value, int):
        return number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def csv_response(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with accents
    writer = csv.writer(response)
    writer.writerow([column.title for column in table.columns])
    for row in table.rows:
        writer.writerow(["" if cell is None else safe_cell(plain(cell)) for cell in row])
    return response


def xlsx_response(tables: list[Table], filename: str) -> HttpResponse:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    used: set[str] = set()
    for table in tables:
        name = (table.title[:28] or table.key).replace("/", "-")
        for char in "\\?*[]:":
            name = name.replace(char, " ")
        while name in used:
            name = name[:26] + f"{len(used)}"
        used.add(name)
        sheet = workbook.create_sheet(name)
        sheet.append([column.title for column in table.columns])
        for row in table.rows:
            sheet.append([safe_cell(plain(cell)) for cell in row])
        if table.note:
            sheet.append([])
            sheet.append([table.note])
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def json_response(tables: list[Table], meta: dict[str, Any]) -> HttpResponse:
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
    return HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
