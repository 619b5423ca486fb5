"""Submissions of a report's mobile form (collection.xlsform), as KoboToolbox
or ODK Central export them, written into draft reports (docs/mobile-collection.md).

What is read:
- CSV, UTF-8 (with or without a byte-order mark), separated by ";", "," or
  tabs, one submission a row, headers of XML names (KoboToolbox's "XML values
  and headers"), with or without their groups, whichever the separator ("/",
  "." or ODK Central's "-"); answers as XML values (labels are accepted for
  yes/no, statuses and scale levels);
- JSON: KoboToolbox's API ({"results": [...]}, keys "group/field"), ODK
  Central's OData ({"value": [...]}, groups nested), or a bare list.

Columns the exports add themselves (Kobo's "_id", "_uuid", "_submission_time",
"__version__", the form's "meta/instanceID", Central's "SubmissionDate", …)
are skipped, and so are the rows marked "Not approved" in KoboToolbox or
"rejected" in ODK Central; any other column the report's form does not have
is refused. An answer left empty leaves the report as it is.

All or nothing, as the Excel route: every row is read and checked (the
report's validation rules included) before anything is written; then each row
goes through save_report in one transaction, with the same revision rule (a
form made before the report last changed is refused) and the same audit
trail. Two rows for the same report are refused: KoboToolbox keeps every
submission, and which one is right is for the people who sent them to say.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid as uuid_lib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actors.permissions import may
from collection.xlsform import (
    IDENTITY,
    INTRO,
    LAYOUT,
    REPORT,
    REVISION,
    Layout,
    Question,
    Slot,
    layout_of,
    line_label,
    unique_cells,
)
from operations.workbook import (
    WorkbookError,
    WorkbookInvalid,
    activity_status_labels,
    cell_text,
    workbook_language,
)
from plans.models import IndicatorType
from reporting.actions import EDITABLE, check_report, current_figures, save_report
from reporting.content import TOTAL, Expected, Stored, expected, stored
from reporting.entries import ActivityInput, ReportInput, SpendingInput, ValueInput, field_name
from reporting.models import PeriodStatus, ReportingPeriod, Severity, Submission
from reporting.workbook import (
    COMMENT_LENGTH,
    MAX_UPLOAD,
    NARRATIVE_LABELS,
    TEXT_LENGTH,
    CellRefused,
    ImportResult,
    _answer,
    _decimal,
    _flag,
    _progress,
    _spent,
)

MAX_SUBMISSIONS = 1000
# Group separators of the exports: KoboToolbox "/" or ".", ODK Central "-".
SEPARATORS = re.compile(r"[/.\-]")
# What the exports and the form's metadata add, by the last part of the header.
METADATA = frozenset(
    name.casefold()
    for name in (
        "start", "end", "today", "deviceid", "phonenumber", "username", "email", "simserial",
        "subscriberid", "audit", "instanceID", "instanceName", "deprecatedID", "rootUuid",
        "uuid", "KEY", "SubmissionDate", "SubmitterID", "SubmitterName", "AttachmentsPresent",
        "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion",
        INTRO,
    )
)  # fmt: skip
METADATA_GROUPS = frozenset({"meta", "formhub", "__system"})
REFUSED_STATES = frozenset(
    {"validation_status_not_approved", "not approved", "non approuvé", "rejected"}
)
INSTANCE_KEYS = ("instanceid", "key", "__id", "_uuid")


@dataclass(frozen=True)
class SubmissionError(WorkbookError):
    """A located error of an export: file (`sheet`), row, column header, and
    the report's field it concerns."""

    field: str = ""

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f" {_('row')} {self.row}"
        if self.column:
            where += f" {_('column')} {self.column}"
        if self.field:
            where += f" ({self.field})"
        return f"{where}: {self.message}"


@dataclass
class Record:
    row: int  # CSV: the row a spreadsheet shows (the header is row 1); JSON: 1, 2, …
    values: dict[str, Any]  # header → answer


@dataclass
class KoboImport:
    results: list[ImportResult]
    skipped: int  # rows marked "Not approved" or "rejected"


def _file_error(name: str, message: str, row: int | None = None) -> WorkbookInvalid:
    return WorkbookInvalid([SubmissionError(name, row, None, message)])


# --- the file -----------------------------------------------------------------------


def read_export(name: str, upload: IO[bytes]) -> list[Record]:
    """The submissions of a CSV or JSON export; WorkbookInvalid when the file
    cannot be read as one."""
    size = upload.seek(0, io.SEEK_END)
    upload.seek(0)
    if size > MAX_UPLOAD:
        raise _file_error(name, _("The file is larger than 5 MB."))
    data = upload.read()
    if b"\x00" in data:
        raise _file_error(name, _("this is not a CSV or JSON export (it holds binary data)"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_error(
            name, _("this file is not UTF-8 text: export it again as CSV (UTF-8) or JSON")
        ) from exc
    if text.lstrip()[:1] in ("{", "["):
        records = _json_records(name, text)
    else:
        records = _csv_records(name, text)
    if len(records) > MAX_SUBMISSIONS:
        message = _("a file may hold at most %(count)d submissions")
        raise _file_error(name, message % {"count": MAX_SUBMISSIONS})
    return records


def _flatten(values: dict[str, Any], prefix: str = "", depth: int = 0) -> dict[str, Any]:
    """ODK Central nests groups: {"group": {"field": 1}} → {"group/field": 1}."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and depth < 8:
            flat.update(_flatten(value, f"{path}/", depth + 1))
        else:
            flat[path] = value
    return flat


def _json_records(name: str, text: str) -> list[Record]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = _("this is not valid JSON (line %(line)d, column %(column)d)")
        raise _file_error(name, message % {"line": exc.lineno, "column": exc.colno}) from exc
    except RecursionError as exc:
        raise _file_error(name, _("this JSON is nested too deeply")) from exc
    if isinstance(data, dict):
        data = data.get("results", data.get("value"))
    if not isinstance(data, list):
        raise _file_error(
            name,
            _(
                "a JSON export is a list of submissions (KoboToolbox: “results”, "
                "ODK Central: “value”)"
            ),
        )
    records = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise _file_error(name, _("this submission is not a JSON object"), number)
        records.append(Record(number, _flatten(item)))
    return records


def _delimiter(text: str) -> str:
    """The separator that cuts the header into the most columns."""
    first = io.StringIO(text, newline="")

    def width(delimiter: str) -> int:
        first.seek(0)
        try:
            return len(next(csv.reader(first, delimiter=delimiter), []))
        except csv.Error:
            return 0

    return max((";", ",", "\t"), key=width)


def _csv_records(name: str, text: str) -> list[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    records: list[Record] = []
    try:
        headers = [header.strip() for header in next(reader, [])]
        if not any(headers):
            raise _file_error(name, _("this file is empty"))
        seen: set[str] = set()
        for header in headers:
            if header and header in seen:
                message = _("the column “%(header)s” is given twice") % {"header": header}
                raise WorkbookInvalid([SubmissionError(name, 1, header, message)])
            seen.add(header)
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(headers) and any(cell.strip() for cell in row[len(headers) :]):
                message = _("this row has more cells than the header has columns")
                raise _file_error(name, message, number)
            records.append(Record(number, dict(zip(headers, row, strict=False))))
            if len(records) > MAX_SUBMISSIONS:
                break
    except csv.Error as exc:
        message = _("this CSV file cannot be read: %(error)s") % {"error": exc}
        raise _file_error(name, message, reader.line_num) from exc
    return records


# --- the rows -----------------------------------------------------------------------


def _parts(header: str) -> list[str]:
    return SEPARATORS.split(header.strip())


def _is_metadata(header: str) -> bool:
    parts = _parts(header)
    return (
        any(part.startswith("_") for part in parts)
        or parts[0] in METADATA_GROUPS
        or parts[-1].casefold() in METADATA
    )


def _refused(record: Record) -> bool:
    """Marked "Not approved" in KoboToolbox, or "rejected" in ODK Central."""
    for header, value in record.values.items():
        parts = [part.casefold() for part in _parts(header)]
        status = "_validation_status" in parts or parts[-1] == "reviewstate"
        if status and isinstance(value, str) and value.strip().casefold() in REFUSED_STATES:
            return True
    return False


def _instance(record: Record) -> str:
    """The submission's own identifier, for the audit trail."""
    found = {_parts(header)[-1].casefold(): value for header, value in record.values.items()}
    for key in INSTANCE_KEYS:
        if found.get(key):
            return cell_text(found[key])
    return ""


def _text(limit: int) -> Callable[[Any], str]:
    def read(raw: Any) -> str:
        text = cell_text(raw)
        if len(text) > limit:
            raise CellRefused(_("at most %(count)d characters") % {"count": limit})
        return text

    return read


@dataclass
class _Report:
    """What a row's report expects and holds, worked out once per report."""

    submission: Submission
    content: Expected
    layout: Layout
    held: Stored
    described: dict[str, str] = field(default_factory=dict)  # field name → description

    @classmethod
    def of(cls, submission: Submission) -> _Report:
        content = expected(submission)
        return cls(submission, content, layout_of(content), stored(submission))

    def describe(self, question: Question) -> str:
        slot, item = question.slot, question.item
        if slot in (Slot.FIGURE, Slot.NO_DATA, Slot.COMMENT):
            row = self.content.indicator(int(item))
            assert row is not None
            words = [row.indicator.reference]
            if slot == Slot.FIGURE:
                words.append(next(c.label for c in row.cells if c.key == question.cell))
                if question.part in ("numerator", "denominator"):
                    words.append(_(question.part))
            else:
                words.append(_("no data") if slot == Slot.NO_DATA else _("comment"))
            return " · ".join(words)
        if slot == Slot.NARRATIVE:
            return NARRATIVE_LABELS[str(item)][workbook_language()]
        for entry in self.content.activities:
            version: Any = entry.version
            if slot == Slot.SPENT:
                line = next((b for b in entry.budget_lines if b.pk == item), None)
                if line is not None:
                    return f"{version.code} · {line_label(line)} · {_('spent (XOF)')}"
            elif version.activity_id == item:
                word = {Slot.STATUS: _("status"), Slot.PROGRESS: _("progress (%)")}
                return f"{version.code} · {word.get(slot, _('comment'))}"
        return question.name


@dataclass
class _Row:
    """One row read: the report it goes to and what it says."""

    name: str
    record: Record
    report: _Report
    revision: int
    content: ReportInput


class _Reader:
    """Reads every row of the files into report inputs, collecting every
    error with its file, row, column and field."""

    def __init__(self, *, by: Any, report: Submission | None, period: ReportingPeriod | None):
        self.by = by
        self.report = report
        self.period = period
        self.errors: list[WorkbookError] = []
        self.reports: dict[uuid_lib.UUID, _Report] = {}
        self.claimed: dict[int, tuple[str, int]] = {}  # submission pk → (file, row)
        self.rows: list[_Row] = []
        self.skipped = 0

    def error(self, name: str, row: int | None, column: str | None, message: str,
              where: str = "") -> None:  # fmt: skip
        self.errors.append(SubmissionError(name, row, column, message, where))

    def read(self, name: str, records: list[Record]) -> None:
        for record in records:
            if _refused(record):
                self.skipped += 1
                continue
            self._record(name, record)

    def _identity(self, name: str, record: Record) -> dict[str, tuple[str, str]] | None:
        """The hidden fields of a row, leaf name → (header, value); None when
        one is missing or empty (an error)."""
        found: dict[str, tuple[str, str]] = {}
        for header, value in record.values.items():
            leaf = _parts(header)[-1]
            if leaf in IDENTITY:
                found[leaf] = (header, cell_text(value))
        complete = True
        for leaf in (REPORT, REVISION, LAYOUT):
            if leaf not in found:
                message = _("the column “%(header)s” is missing") % {"header": leaf}
                self.error(name, record.row, None, message)
                complete = False
            elif not found[leaf][1]:
                message = _(
                    "this row was not made with the form of a report: it has no “%(header)s”"
                )
                self.error(name, record.row, found[leaf][0], message % {"header": leaf})
                complete = False
        return found if complete else None

    def _submission(self, name: str, record: Record, header: str, text: str) -> _Report | None:
        try:
            key = uuid_lib.UUID(text)
        except ValueError:
            message = _("“%(value)s” is not a report identifier") % {"value": text}
            self.error(name, record.row, header, message)
            return None
        if key not in self.reports:
            found = Submission.objects.select_related(
                "period__plan", "unit__institution", "unit__place"
            ).filter(uuid=key)
            if self.period is not None:
                found = found.filter(period=self.period)
            submission = found.first()
            if self.report is not None and key != self.report.uuid:
                submission = None
            if submission is None:
                message = (
                    _("this row is the report of another unit or period, not of this one")
                    if self.report is not None
                    else _("no report of this period has the identifier “%(value)s”")
                    % {"value": text}
                )
                self.error(name, record.row, header, message)
                return None
            self.reports[key] = _Report.of(submission)
        return self.reports[key]

    def _record(self, name: str, record: Record) -> None:
        identity = self._identity(name, record)
        if identity is None:
            return
        report = self._submission(name, record, *identity[REPORT])
        if report is None:
            return
        submission = report.submission
        header, text = identity[REPORT]
        problem = ""
        if not may(self.by, "report_for_unit", submission):
            problem = _("You do not report for this unit.")
        elif submission.period.status != PeriodStatus.OPEN:
            problem = _("This period is not open: its reports cannot change.")
        elif submission.status not in EDITABLE:
            problem = _("Only a draft or returned report can be changed.")
        if problem:
            self.error(name, record.row, header, problem)
            return
        header, text = identity[REVISION]
        revision = int(text) if text.isdigit() else None
        if revision is None:
            message = _("“%(value)s” is not a revision number") % {"value": text}
            self.error(name, record.row, header, message)
            return
        if revision != submission.revision:
            message = _(
                "the report changed on the site after this form was downloaded (revision "
                "%(then)d, now %(now)d): download the form again and enter the answers into it"
            )
            self.error(name, record.row, header,
                       message % {"then": revision, "now": submission.revision})  # fmt: skip
            return
        header, text = identity[LAYOUT]
        if text != report.layout.digest:
            message = _(
                "this row was collected with a form that no longer matches the report (its "
                "indicators, breakdowns, activities or budget lines changed): download the form "
                "again"
            )
            self.error(name, record.row, header, message)
            return
        if submission.pk in self.claimed:
            first_name, first_row = self.claimed[submission.pk]
            message = _(
                "this row is for the same report as %(file)s row %(row)d: keep one of them "
                "(delete the other in KoboToolbox, or mark it “Not approved”) and export again"
            )
            self.error(name, record.row, identity[REPORT][0],
                       message % {"file": first_name, "row": first_row})  # fmt: skip
            return
        self.claimed[submission.pk] = (name, record.row)
        content = _RowReader(self, name, record, report).read()
        if content is not None:
            self.rows.append(_Row(name, record, report, revision, content))


class _RowReader:
    """The answers of one row, laid over what the report holds."""

    def __init__(self, reader: _Reader, name: str, record: Record, report: _Report) -> None:
        self.reader = reader
        self.name = name
        self.record = record
        self.report = report
        self.errors = 0
        self.figures: dict[tuple[int, str], ValueInput] = {}
        # Where each figure's inputs are, for the findings of the rules: field → header.
        self.places: dict[str, str] = {}

    def error(self, header: str | None, message: str, question: Question | None = None) -> None:
        where = self.report.describe(question) if question is not None else ""
        self.reader.error(self.name, self.record.row, header, message, where)
        self.errors += 1

    def figure(self, indicator: int, cell: str) -> ValueInput:
        key = (indicator, cell)
        if key not in self.figures:
            held = self.report.held.values.get(key)
            self.figures[key] = ValueInput.of(held) if held else ValueInput()
        return self.figures[key]

    def answers(self) -> list[tuple[str, Question, Any]]:
        """(header, question, answer) of the row's non-empty answers; unknown
        and repeated columns are errors."""
        questions = self.report.layout.questions
        answers: list[tuple[str, Question, Any]] = []
        seen: dict[str, str] = {}
        for header, value in self.record.values.items():
            leaf = _parts(header)[-1]
            if leaf in IDENTITY or leaf in self.report.layout.computed or _is_metadata(header):
                continue
            question = questions.get(leaf)
            if question is None:
                self.error(header, _("unknown column “%(header)s”") % {"header": header})
                continue
            if leaf in seen:
                self.error(header, _("the column “%(header)s” is given twice") % {"header": header})
                continue
            seen[leaf] = header
            if cell_text(value):
                answers.append((header, question, value))
        return answers

    def cell(self, header: str, question: Question, read: Callable[[Any], Any], raw: Any) -> Any:
        try:
            return read(raw)
        except CellRefused as refused:
            self.error(header, str(refused), question)
            return None

    def read(self) -> ReportInput | None:
        report = ReportInput()
        answers = self.answers()
        held = self.report.held
        statuses = activity_status_labels()
        no_data: dict[int, tuple[str, Question, bool]] = {}
        answered: set[int] = set()  # indicators this row touches
        given: set[int] = set()  # indicators with a figure in this row
        for header, question, raw in answers:
            slot, item = question.slot, question.item
            if slot == Slot.FIGURE:
                indicator = int(item)
                value = self.cell(header, question, self.reader_for(question), raw)
                answered.add(indicator)
                self.places[field_name(indicator, question.cell, question.part)] = header
                given.add(indicator)
                if value is not None:
                    figure = self.figure(indicator, question.cell)
                    setattr(figure, question.part, value)
                    figure.no_data = False
            elif slot == Slot.NO_DATA:
                flag = self.cell(header, question, _flag, raw)
                answered.add(int(item))
                if flag is not None:
                    no_data[int(item)] = (header, question, flag)
            elif slot == Slot.COMMENT:
                comment = self.cell(header, question, _text(COMMENT_LENGTH), raw)
                answered.add(int(item))
                if comment is not None:
                    self.figure(int(item), TOTAL).comment = comment
            elif slot in (Slot.STATUS, Slot.PROGRESS, Slot.ACTIVITY_COMMENT):
                activity = int(item)
                if activity not in report.activities:
                    existing = held.activities.get(activity)
                    report.activities[activity] = (
                        ActivityInput.of(existing) if existing else ActivityInput()
                    )
                entry = report.activities[activity]
                if slot == Slot.STATUS:
                    text = cell_text(raw)
                    status = statuses.get(text.casefold())
                    if status is None:
                        message = _("unknown status “%(value)s”") % {"value": text}
                        self.error(header, message, question)
                    else:
                        entry.status = status
                elif slot == Slot.PROGRESS:
                    progress = self.cell(header, question, _progress, raw)
                    if progress is not None:
                        entry.progress = progress
                else:
                    entry.comment = self.cell(header, question, _text(COMMENT_LENGTH), raw) or ""
            elif slot == Slot.SPENT:
                line = int(item)
                existing_spent = held.spending.get(line)
                spent = SpendingInput.of(existing_spent) if existing_spent else SpendingInput()
                amount = self.cell(header, question, _spent, raw)
                if amount is not None:
                    spent.amount, spent.no_data = amount, False
                report.spending[line] = spent
            elif slot == Slot.NARRATIVE:
                text = self.cell(header, question, _text(TEXT_LENGTH), raw)
                if text is not None:
                    report.narrative[str(item)] = text
        for indicator, (header, question, flag) in no_data.items():
            self._no_data(indicator, header, question, flag, indicator in given)
        if self.errors:
            return None
        report.values = self.figures
        return report if self._checked(report, answered) else None

    def reader_for(self, question: Question) -> Callable[[Any], Any]:
        if question.part == "text":
            return _text(TEXT_LENGTH)
        if question.part != "value":
            return _decimal
        row = self.report.content.indicator(int(question.item))
        assert row is not None
        if row.indicator.type == IndicatorType.YES_NO:
            return _answer
        if row.indicator.type == IndicatorType.ORDINAL and row.scale:
            levels: dict[str, int] = {}
            for level in row.scale:
                for name in (str(level.value), level.label_fr, level.label_en):
                    if name:
                        levels[name.casefold()] = level.value

            def scale(raw: Any) -> Decimal | None:
                text = cell_text(raw).casefold()
                if text in levels:
                    return Decimal(levels[text])
                return _decimal(raw)

            return scale
        return _decimal

    def _no_data(self, indicator: int, header: str, question: Question, flag: bool,
                 given: bool) -> None:  # fmt: skip
        """ "No data" answered: every cell of the indicator has none, and no
        figure may be given with it; answered "no", the cells that had none lose it."""
        row = self.report.content.indicator(indicator)
        assert row is not None
        cells = [cell.key for cell in unique_cells(row)]
        for cell in cells:
            self.places[field_name(indicator, cell, "no_data")] = header
        if flag and given:
            self.error(header, _("“No data” is ticked but a figure is given: keep one."), question)
            return
        for cell in cells:
            held = self.report.held.values.get((indicator, cell))
            if flag:
                figure = self.figure(indicator, cell)
                figure.value = figure.numerator = figure.denominator = None
                figure.text, figure.no_data = "", True
            elif held is not None and held.no_data:
                self.figure(indicator, cell).no_data = False

    def _checked(self, report: ReportInput, answered: set[int]) -> bool:
        """The report form's rules, on the indicators this row touches as they
        would be once saved."""
        submission = self.report.submission
        figures = {
            key: figure
            for key, figure in {**current_figures(submission), **report.values}.items()
            if key[0] in answered
        }
        described = {
            field_name(int(q.item), q.cell, q.part): q
            for q in self.report.layout.questions.values()
            if q.slot == Slot.FIGURE
        }
        ok = True
        for finding in check_report(self.report.content, figures):
            if finding.severity == Severity.ERROR:
                question = described.get(finding.field)
                self.error(self.places.get(finding.field), finding.message, question)
                ok = False
        return ok


# --- writing ------------------------------------------------------------------------


def _reason(row: _Row) -> str:
    instance = _instance(row.record)
    values = {"file": row.name, "row": row.record.row, "instance": instance}
    if instance:
        return _("Imported from a mobile form: %(file)s, row %(row)d (%(instance)s)") % values
    return _("Imported from a mobile form: %(file)s, row %(row)d") % values


def _import(
    uploads: list[tuple[str, IO[bytes]]],
    *,
    by: Any,
    report: Submission | None = None,
    period: ReportingPeriod | None = None,
) -> KoboImport:
    reader = _Reader(by=by, report=report, period=period)
    for name, upload in uploads:
        try:
            records = read_export(name, upload)
        except WorkbookInvalid as exc:
            reader.errors.extend(exc.errors)
            continue
        reader.read(name, records)
    if not reader.errors and not reader.rows and not reader.skipped:
        names = ", ".join(name for name, _upload in uploads)
        reader.error(names, None, None, _("this export holds no submission"))
    if reader.errors:
        raise WorkbookInvalid(reader.errors)
    results: list[ImportResult] = []
    errors: list[WorkbookError] = []
    with transaction.atomic():
        for row in reader.rows:
            submission = row.report.submission
            try:
                saved = save_report(
                    submission,
                    row.content,
                    by=by,
                    revision=row.revision,
                    reason=_reason(row),
                    content=row.report.content,
                )
            except (ValidationError, PermissionDenied) as exc:  # changed or locked meanwhile
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                errors += [SubmissionError(row.name, row.record.row, None, m) for m in messages]
                continue
            warnings = [f for f in saved.findings if f.severity == Severity.WARNING]
            results.append(ImportResult(submission, saved.changes, warnings))
        if errors:
            raise WorkbookInvalid(errors)  # and what the other rows wrote is rolled back
    return KoboImport(results, reader.skipped)


def import_report_export(
    submission: Submission, name: str, upload: IO[bytes], *, by: Any
) -> KoboImport:
    """The export of a report's mobile form, into that draft report: every
    row must be for it."""
    if not may(by, "report_for_unit", submission):
        raise PermissionDenied(_("You do not report for this unit."))
    return _import([(name, upload)], by=by, report=submission)


def import_period_exports(
    period: ReportingPeriod, uploads: list[tuple[str, IO[bytes]]], *, by: Any
) -> KoboImport:
    """The TMU's upload of the exports of several units' forms for a period:
    each row goes to the report it names; if any row is wrong, none is written."""
    if not may(by, "validate_reports"):
        raise PermissionDenied(_("Only the Technical Management Unit uploads for several units."))
    return _import(uploads, by=by, period=period)
