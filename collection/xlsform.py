"""A unit's report for a period as an XLSForm, the form format of ODK Collect,
KoboToolbox and Enketo: a focal point fills it offline on a phone or tablet and
the submissions come back through collection.kobo (docs/mobile-collection.md).

One group per indicator (whether there is data, its total then each cell of
its breakdown, a comment), one per activity (status, progress, what was spent
on each budget line), and the narrative. Field names are made from the plan's
keys, never from database ids, so that an export's columns say what they hold.
Hidden calculated fields carry the report, its revision and the layout (a
digest of what every name means): an answer is never filed under a name that
changed meaning since the form was made.

Labels, hints and messages are in French and English. The constraints are the
report's checks that one field can make on the phone (no negative count, a
denominator above 0 and at least the numerator, progress 0 to 100, a
breakdown that adds up, the ranges of the TMU's rules); the import checks
everything again. Every form goes through pyxform, the reference XLSForm
converter, before it leaves the site: a form pyxform refuses or warns about
is a bug, not a download.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from nap1325.i18n import localized
from operations.models import ActivityStatus, BudgetLine
from operations.workbook import safe_cell
from plans.models import IndicatorType, ScaleLevel
from reporting.content import ADDITIVE, TOTAL, Cell, Expected, ExpectedIndicator, expected, stored
from reporting.entries import NARRATIVE_FIELDS
from reporting.forms import value_parts
from reporting.models import RuleKind, Severity, Submission, ValidationRule
from reporting.rules import number, rules_for
from reporting.workbook import NARRATIVE_LABELS

FRENCH, ENGLISH = "Français (fr)", "English (en)"
LANGUAGES = (("fr", FRENCH), ("en", ENGLISH))
Texts = tuple[str, str]  # French, English

# The hidden fields that say which report a submission is for.
REPORT, REVISION, LAYOUT, VERSION = "report_uuid", "report_revision", "form_layout", "form_version"
IDENTITY = (REPORT, REVISION, LAYOUT, VERSION)
INTRO = "intro"  # a note: no answer, but some exports list it
NARRATIVE_GROUP = "narrative"
YES, NO = "yes", "no"
# A breakdown "adds up" within the rounding of four decimals (XPath numbers are doubles).
TOLERANCE = "0.00005"
PART_SUFFIX = {"value": "", "text": "", "numerator": "__num", "denominator": "__den"}
SUM, GIVEN = "sum", "given"  # a breakdown's hidden sum and count of given cells

SURVEY_COLUMNS = [
    "type", "name", f"label::{FRENCH}", f"label::{ENGLISH}", f"hint::{FRENCH}",
    f"hint::{ENGLISH}", "required", f"required_message::{FRENCH}",
    f"required_message::{ENGLISH}", "relevant", "constraint", f"constraint_message::{FRENCH}",
    f"constraint_message::{ENGLISH}", "calculation", "default", "appearance",
]  # fmt: skip
CHOICE_COLUMNS = ["list_name", "name", f"label::{FRENCH}", f"label::{ENGLISH}"]
# Columns holding text for people: written through safe_cell.
TEXT_COLUMNS = {"label", "hint", "required_message", "constraint_message"}

# The form's own words, in both languages whatever the catalogues hold (as the workbook).
WORDS: dict[str, Texts] = {
    "intro": (
        "Remplissez ce formulaire hors ligne ; envoyez-le quand vous avez du réseau. Une "
        "réponse laissée vide ne change pas le rapport. Le rapport est enregistré comme "
        "brouillon : soumettez-le sur le site.",
        "Fill this form offline; send it when you have a connection. An answer left empty "
        "does not change the report. The report is saved as a draft: submit it on the site.",
    ),
    "no_data": ("Pas de données", "No data"),
    "no_data_hint": (
        "Choisissez « Oui » si le chiffre n'est pas connu : ce n'est jamais 0.",
        "Choose “Yes” when the figure is not known: it is never 0.",
    ),
    "comment": ("Commentaire", "Comment"),
    "comment_hint": (
        "Expliquez un chiffre inhabituel : c'est demandé avant de soumettre.",
        "Explain an unusual figure: it is asked for before submitting.",
    ),
    "numerator": ("numérateur", "numerator"),
    "denominator": ("dénominateur", "denominator"),
    "unit": ("Unité : {}", "Unit: {}"),
    "target": ("Cible {year} : {value}", "Target {year}: {value}"),
    "end_target": ("Cible finale : {value}", "End target: {value}"),
    "previous": ("Valeur précédente : {value}", "Previous value: {value}"),
    "status": ("Statut", "Status"),
    "progress": ("Avancement (%)", "Progress (%)"),
    "spent": ("{line} : dépensé (XOF)", "{line}: spent (XOF)"),
    "planned": ("Prévu : {amount} XOF", "Planned: {amount} XOF"),
    "narrative": ("Récit", "Narrative"),
    "yes": ("Oui", "Yes"),
    "no": ("Non", "No"),
    "breakdown": (
        "La ventilation doit donner le total quand toutes ses cases sont remplies, et ne "
        "jamais le dépasser.",
        "The breakdown must add up to the total when all its cells are filled in, and never "
        "exceed it.",
    ),
    "over_total": (
        "La ventilation dépasse déjà le total.",
        "The breakdown already adds up to more than the total.",
    ),
    "at_least": (
        "Le chiffre doit être au moins {minimum}.",
        "The figure must be at least {minimum}.",
    ),
    "at_most": ("Le chiffre doit être au plus {maximum}.", "The figure must be at most {maximum}."),
    "explain": (
        "Ce chiffre sort de la plage attendue ({range}) : expliquez-le dans le commentaire.",
        "This figure is outside the expected range ({range}): explain it in the comment.",
    ),
}


def word(key: str, **values: Any) -> Texts:
    french, english = WORDS[key]
    return french.format(**values), english.format(**values)


def both(text: Callable[[], Any]) -> Texts:
    """`text()` with French, then English, active: the site's own messages
    and the plan's bilingual texts (each falls back to the other language)."""
    found = []
    for code, _name in LANGUAGES:
        with translation.override(code):
            found.append(str(text()))
    return found[0], found[1]


def xml_name(text: str) -> str:
    """A plan key as part of an XML name: letters, digits and underscores only,
    so that an export's group separators ("/", "." or "-") never occur in it."""
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


# --- the layout: which name writes what ---------------------------------------------


class Slot(StrEnum):
    """What a question of the form writes into the report."""

    FIGURE = "figure"  # item: indicator pk, with cell and part
    NO_DATA = "no_data"  # item: indicator pk
    COMMENT = "comment"  # item: indicator pk (its total's comment)
    STATUS = "status"  # item: activity pk
    PROGRESS = "progress"
    ACTIVITY_COMMENT = "activity_comment"
    SPENT = "spent"  # item: budget line pk
    NARRATIVE = "narrative"  # item: narrative field


@dataclass(frozen=True)
class Question:
    name: str
    slot: Slot
    item: int | str
    cell: str = ""
    part: str = ""  # figures: value, numerator, denominator or text


# (a slot, "indicator", "activity", SUM or GIVEN; item, cell, part)
Key = tuple[str, int | str, str, str]


@dataclass
class Layout:
    """The names of a report's form and what each writes, with a digest of
    their meaning in plan terms (keys, codes, types: never database ids)."""

    questions: dict[str, Question] = field(default_factory=dict)
    names: dict[Key, str] = field(default_factory=dict)
    computed: set[str] = field(default_factory=set)  # hidden sums: exported, never read
    digest: str = ""

    def name(self, slot: str, item: int | str, cell: str = "", part: str = "") -> str:
        return self.names[slot, item, cell, part]


def unique_cells(row: ExpectedIndicator) -> list[Cell]:
    """One cell a key: content.cells_of repeats the total when a breakdown has no category."""
    cells: dict[str, Cell] = {}
    for cell in row.cells:
        cells.setdefault(cell.key, cell)
    return list(cells.values())


def breaks_down(row: ExpectedIndicator) -> bool:
    """Whether the indicator's cells add up to its total (rules.check_breakdown)."""
    return row.indicator.type in ADDITIVE and len(unique_cells(row)) > 1


def layout_of(content: Expected) -> Layout:
    """The same names for the same report whenever they are worked out, in
    the report's order; a name already taken gets a number."""
    layout = Layout()
    meaning: list[list[Any]] = []
    taken: set[str] = {*IDENTITY, INTRO, NARRATIVE_GROUP}

    def take(base: str) -> str:
        name, number = base, 1
        while name.casefold() in taken:  # pyxform compares names without case
            number += 1
            name = f"{base}_{number}"
        taken.add(name.casefold())
        return name

    def add(slot: Slot, item: int | str, base: str, what: list[Any], cell: str = "",
            part: str = "") -> str:  # fmt: skip
        name = take(base)
        layout.questions[name] = Question(name, slot, item, cell, part)
        layout.names[slot, item, cell, part] = name
        meaning.append([name, slot, *what])
        return name

    for row in content.indicators:
        indicator = row.indicator
        group = take("i_" + xml_name(indicator.key))
        layout.names["indicator", indicator.pk, "", ""] = group
        add(Slot.NO_DATA, indicator.pk, f"{group}__no_data", [indicator.key])
        for cell in unique_cells(row):
            cell_part = "total" if cell.key == TOTAL else xml_name(cell.key)
            for part in value_parts(indicator.type):
                base = f"{group}__{cell_part}{PART_SUFFIX[part]}"
                what: list[Any] = [indicator.key, indicator.type, cell.key, part]
                add(Slot.FIGURE, indicator.pk, base, what, cell.key, part)
        add(Slot.COMMENT, indicator.pk, f"{group}__comment", [indicator.key])
        if breaks_down(row):
            for part in value_parts(indicator.type):
                for kind in (SUM, GIVEN):
                    name = take(f"{group}__{kind}{PART_SUFFIX[part]}")
                    layout.names[kind, indicator.pk, "", part] = name
                    layout.computed.add(name)
    for entry in content.activities:
        version: Any = entry.version
        group = take("a_" + xml_name(version.code))
        layout.names["activity", version.activity_id, "", ""] = group
        for slot, suffix in ((Slot.STATUS, "status"), (Slot.PROGRESS, "progress"),
                             (Slot.ACTIVITY_COMMENT, "comment")):  # fmt: skip
            add(slot, version.activity_id, f"{group}__{suffix}", [version.code])
        for position, line in enumerate(entry.budget_lines, start=1):
            what = [version.code, line.year, line.source.key, line.label, line.amount]
            add(Slot.SPENT, line.pk, f"{group}__line{position}", what)
    for name in NARRATIVE_FIELDS:
        add(Slot.NARRATIVE, name, name, [])
    text = json.dumps(meaning, ensure_ascii=True, default=str)
    layout.digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return layout


# --- the form -----------------------------------------------------------------------


@dataclass
class MobileForm:
    survey: list[dict[str, Any]]
    choices: list[dict[str, Any]]
    settings: dict[str, str]
    layout: Layout

    def xlsx(self) -> bytes:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "survey"
        _write(sheet, SURVEY_COLUMNS, self.survey)
        _write(book.create_sheet("choices"), CHOICE_COLUMNS, self.choices)
        _write(book.create_sheet("settings"), list(self.settings), [self.settings])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def _flat(row: dict[str, Any]) -> dict[str, str]:
    """A row's cells by column: texts (French, English) spread on their two columns."""
    cells: dict[str, str] = {}
    for key, value in row.items():
        if isinstance(value, tuple):
            cells[f"{key}::{FRENCH}"], cells[f"{key}::{ENGLISH}"] = value
        elif value not in (None, ""):
            cells[key] = str(value)
    return cells


def _text_cell(text: str | None) -> str | None:
    """Plan and site texts as a label: never a formula, and never a
    reference to another field (XLSForm reads "${name}" in labels)."""
    return safe_cell(text.replace("${", "$ {")) if text else text


def _write(sheet: Any, columns: list[str], rows: list[dict[str, Any]]) -> None:
    sheet.append(columns)
    for row in rows:
        cells = _flat(row)
        sheet.append(
            [
                _text_cell(cells.get(column))
                if column.split("::")[0] in TEXT_COLUMNS
                else cells.get(column)
                for column in columns
            ]
        )


class XLSFormInvalid(Exception):
    """pyxform refused a form, or warned about it: what it said."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def xform_of(xlsx: bytes) -> str:
    """The XForm (XML) pyxform makes of an XLSForm; XLSFormInvalid on any
    error or warning."""
    warnings: list[str] = []
    try:
        result = convert(xlsform=xlsx, warnings=warnings, file_type=".xlsx")
    except PyXFormError as exc:
        raise XLSFormInvalid([str(exc)]) from exc
    if warnings:
        raise XLSFormInvalid(warnings)
    return str(result.xform)


def build_xlsform(submission: Submission) -> bytes:
    """The report's XLSForm (.xlsx), checked by pyxform."""
    xlsx = report_form(submission).xlsx()
    xform_of(xlsx)
    return xlsx


def _plain(value: Decimal | int | None) -> str | None:
    if value is None:
        return None
    return number(Decimal(value)) if isinstance(value, Decimal) else str(value)


def _digest(rows: list[dict[str, Any]], choices: list[dict[str, Any]]) -> str:
    text = json.dumps([rows, choices], ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def report_form(submission: Submission) -> MobileForm:
    """The report's form as rows of XLSForm sheets, filled with what the
    report holds (numbers and choices); the content is worked out in each
    language for the breakdowns' labels."""
    contents: dict[str, Expected] = {}
    for code, _name in LANGUAGES:
        with translation.override(code):
            contents[code] = expected(submission)
    content = contents["fr"]
    cell_labels = {
        (row.indicator.pk, cell.key): (cell.label, english.label)
        for row, other in zip(content.indicators, contents["en"].indicators, strict=True)
        for cell, english in zip(row.cells, other.cells, strict=True)
    }
    layout = layout_of(content)
    builder = _FormBuilder(submission, content, layout, cell_labels)
    rows, choices = builder.build()
    # The version changes with anything in the form, so that ODK Central takes
    # a new one; it goes with the other hidden fields, after the layout.
    version = f"{submission.revision}-{layout.digest[:8]}-{_digest(rows, choices)}"
    rows.insert(len(IDENTITY) - 1, {"type": "calculate", "name": VERSION,
                                    "calculation": f"'{version}'"})  # fmt: skip
    settings = {
        "form_title": str(
            _("Report of %(unit)s for %(period)s")
            % {"unit": submission.unit, "period": submission.period}
        ),
        "form_id": f"nap1325-{submission.uuid}",
        "version": version,
        "default_language": _default_language(),
        "style": "pages",
    }
    return MobileForm(rows, choices, settings, layout)


def _default_language() -> str:
    active = (translation.get_language() or "fr")[:2]
    return dict(LANGUAGES).get(active, FRENCH)


class _FormBuilder:
    def __init__(
        self,
        submission: Submission,
        content: Expected,
        layout: Layout,
        cell_labels: dict[tuple[int, str], Texts],
    ) -> None:
        self.submission = submission
        self.content = content
        self.layout = layout
        self.cell_labels = cell_labels
        self.held = stored(submission)
        self.rules: list[ValidationRule] = list(submission.period.plan.validation_rules.all())
        self.rows: list[dict[str, Any]] = []
        self.lists: dict[str, list[dict[str, Any]]] = {}
        # The site's own messages (rules.check_figure, actions), translated once a form.
        self.says = {
            "count": both(lambda: _("A count is a whole number, 0 or more.")),
            "amount": both(lambda: _("An amount cannot be negative.")),
            "numerator": both(lambda: _("The numerator cannot be negative.")),
            "denominator": both(lambda: _("The denominator must be more than 0.")),
            "parts": both(lambda: _("The numerator is larger than the denominator.")),
            "progress": both(lambda: _("Progress is a percentage, from 0 to 100.")),
        }

    def build(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        submission = self.submission
        for name, value in ((REPORT, f"'{submission.uuid}'"), (REVISION, submission.revision),
                            (LAYOUT, f"'{self.layout.digest}'")):  # fmt: skip
            self.rows.append({"type": "calculate", "name": name, "calculation": value})
        intro = both(
            lambda: (
                _("Report of %(unit)s for %(period)s")
                % {"unit": submission.unit, "period": submission.period}
            )
        )
        self.rows.append(
            {
                "type": "note",
                "name": INTRO,
                "label": (f"{intro[0]}. {WORDS['intro'][0]}", f"{intro[1]}. {WORDS['intro'][1]}"),
            }
        )
        for row in self.content.indicators:
            self._indicator(row)
        for entry in self.content.activities:
            self._activity(entry)
        self.rows.append(
            {"type": "begin_group", "name": NARRATIVE_GROUP, "label": word("narrative"),
             "appearance": "field-list"}
        )  # fmt: skip
        for name in NARRATIVE_FIELDS:
            self.rows.append(
                {"type": "text", "name": self.layout.name(Slot.NARRATIVE, name),
                 "label": NARRATIVE_LABELS[name], "appearance": "multiline"}
            )  # fmt: skip
        self.rows.append({"type": "end_group"})
        choices = [choice for rows in self.lists.values() for choice in rows]
        return self.rows, choices

    def choice_list(self, name: str, options: list[tuple[str, Texts]]) -> str:
        if name not in self.lists:
            self.lists[name] = [
                {"list_name": name, "name": key, "label": label} for key, label in options
            ]
        return name

    def yes_no(self) -> str:
        return self.choice_list("yes_no", [(YES, word("yes")), (NO, word("no"))])

    # --- indicators

    def _indicator(self, row: ExpectedIndicator) -> None:
        indicator = row.indicator
        pk = indicator.pk
        name = self.layout.name
        no_data = name(Slot.NO_DATA, pk)
        held_total = self.held.values.get((pk, TOTAL))
        self.rows.append(
            {
                "type": "begin_group",
                "name": name("indicator", pk),
                "label": both(lambda: f"{indicator.reference} — {indicator.title}"),
                "appearance": "field-list",
            }
        )
        self.rows.append(
            {
                "type": f"select_one {self.yes_no()}",
                "name": no_data,
                "label": word("no_data"),
                "hint": word("no_data_hint"),
                "default": YES if held_total is not None and held_total.no_data else None,
            }
        )
        relevant = f"${{{no_data}}} != '{YES}'"
        for cell in unique_cells(row):
            for index, part in enumerate(value_parts(indicator.type)):
                self.rows.append(
                    {
                        "name": name(Slot.FIGURE, pk, cell.key, part),
                        "label": self._figure_label(row, cell, part),
                        "hint": self._hint(row, part) if cell.key == TOTAL and index == 0 else None,
                        "relevant": relevant,
                        "default": self._default(row, cell, part),
                        **self._answer(row, part),
                        **self._constraint(row, cell, part),
                    }
                )
        comment = {
            "type": "text",
            "name": name(Slot.COMMENT, pk),
            "label": word("comment"),
            "hint": word("comment_hint"),
        }
        rule = rules_for(self.rules, pk).get(RuleKind.RANGE)
        if rule is not None and rule.severity == Severity.WARNING:
            outside = self._outside(row, rule)
            if outside:
                shown = _range_text(rule)
                comment["required"] = outside
                comment["required_message"] = _rule_message(rule) or word("explain", range=shown)
        self.rows.append(comment)
        if breaks_down(row):
            self._sums(row)
        self.rows.append({"type": "end_group"})

    def _figure_label(self, row: ExpectedIndicator, cell: Cell, part: str) -> Texts:
        french, english = self.cell_labels[row.indicator.pk, cell.key]
        if part in ("numerator", "denominator"):
            suffix = WORDS[part]
            return f"{french} — {suffix[0]}", f"{english} — {suffix[1]}"
        return french, english

    def _hint(self, row: ExpectedIndicator, part: str) -> Texts | None:
        """On the total's first field: the unit, the target, the previous value
        (a percentage's numerator: what it counts)."""
        indicator = row.indicator
        pieces: list[Texts] = []
        if part == "numerator":
            pieces.append(both(lambda: localized(indicator, "numerator")))
        unit = both(lambda: indicator.unit)
        if unit[0] or unit[1]:
            pieces.append((WORDS["unit"][0].format(unit[0]), WORDS["unit"][1].format(unit[1])))
        if row.target is not None:
            shown = number(row.target)
            pieces.append(
                word("target", year=row.target_year, value=shown)
                if row.target_year
                else word("end_target", value=shown)
            )
        if row.previous is not None:
            pieces.append(word("previous", value=number(row.previous)))
        pieces = [p for p in pieces if p[0] or p[1]]
        if not pieces:
            return None
        return " · ".join(p[0] for p in pieces), " · ".join(p[1] for p in pieces)

    def _answer(self, row: ExpectedIndicator, part: str) -> dict[str, Any]:
        indicator = row.indicator
        kind = indicator.type
        if part == "text":
            return {"type": "text", "appearance": "multiline"}
        if kind == IndicatorType.YES_NO:
            return {"type": f"select_one {self.yes_no()}"}
        if kind == IndicatorType.ORDINAL and row.scale:
            list_name = self.layout.name("indicator", indicator.pk) + "__scale"
            options = [
                (str(level.value), both(partial(_level_label, level))) for level in row.scale
            ]
            return {"type": f"select_one {self.choice_list(list_name, options)}"}
        if kind in (IndicatorType.COUNT, IndicatorType.ORDINAL):
            return {"type": "integer"}
        return {"type": "decimal"}

    def _default(self, row: ExpectedIndicator, cell: Cell, part: str) -> str | None:
        """What the report holds, for numbers and choices (texts are not
        repeated: a text left empty keeps the report's)."""
        held = self.held.values.get((row.indicator.pk, cell.key))
        if held is None or held.no_data or part == "text":
            return None
        value: Decimal | None = getattr(held, part)
        if value is None:
            return None
        if row.indicator.type == IndicatorType.YES_NO:
            return YES if value == 1 else NO
        return _plain(value)

    def _constraint(self, row: ExpectedIndicator, cell: Cell, part: str) -> dict[str, Any]:
        checks = self._checks(row, cell, part)
        if not checks:
            return {}
        expression = " and ".join(f"({check})" for check, _message in checks)
        if len(checks) == 1:
            expression = checks[0][0]
        return {
            "constraint": expression,
            "constraint_message": (
                " ".join(message[0] for _check, message in checks),
                " ".join(message[1] for _check, message in checks),
            ),
        }

    def _checks(self, row: ExpectedIndicator, cell: Cell, part: str) -> list[tuple[str, Texts]]:
        """What the type, the breakdown and the rules say about one field, as
        XPath on `.` (the field) with its message."""
        indicator = row.indicator
        kind = indicator.type
        pk = indicator.pk
        checks: list[tuple[str, Texts]] = []
        if kind == IndicatorType.COUNT:
            checks.append((". >= 0", self.says["count"]))
        elif kind == IndicatorType.CURRENCY:
            checks.append((". >= 0", self.says["amount"]))
        elif part == "numerator":
            checks.append((". >= 0", self.says["numerator"]))
        elif part == "denominator":
            numerator = self.layout.name(Slot.FIGURE, pk, cell.key, "numerator")
            checks.append((". > 0", self.says["denominator"]))
            checks.append(
                (
                    f"${{{numerator}}} = '' or ${{{numerator}}} <= .",
                    self.says["parts"],
                )
            )
        if breaks_down(row) and part in ("value", "numerator", "denominator"):
            checks.extend(self._breakdown(row, cell, part))
        if cell.key == TOTAL:
            rule = rules_for(self.rules, pk).get(RuleKind.RANGE)
            if rule is not None and rule.severity == Severity.ERROR:
                checks.extend(self._range(row, part, rule))
        return checks

    def _breakdown(self, row: ExpectedIndicator, cell: Cell, part: str) -> list[tuple[str, Texts]]:
        """The breakdown against the total, through the group's hidden sum and
        count of given cells (each field refers to three others, not to all)."""
        pk = row.indicator.pk
        name = self.layout.name
        added = f"${{{name(SUM, pk, '', part)}}}"
        if cell.key == TOTAL:
            given = f"${{{name(GIVEN, pk, '', part)}}}"
            cells = len(unique_cells(row)) - 1
            return [
                (
                    f"{added} <= . + {TOLERANCE} and "
                    f"({given} < {cells} or abs({added} - .) < {TOLERANCE})",
                    WORDS["breakdown"],
                )
            ]
        # On the phone the sum still holds this field's previous answer.
        itself = f"${{{name(Slot.FIGURE, pk, cell.key, part)}}}"
        total = f"${{{name(Slot.FIGURE, pk, TOTAL, part)}}}"
        return [
            (
                f"{total} = '' or {added} - coalesce({itself}, 0) + . <= {total} + {TOLERANCE}",
                WORDS["over_total"],
            )
        ]

    def _sums(self, row: ExpectedIndicator) -> None:
        """The hidden sum and count of the given cells of a breakdown, per part."""
        pk = row.indicator.pk
        cells = [c.key for c in unique_cells(row) if c.key != TOTAL]
        for part in value_parts(row.indicator.type):
            names = [f"${{{self.layout.name(Slot.FIGURE, pk, key, part)}}}" for key in cells]
            self.rows.append(
                {"type": "calculate", "name": self.layout.name(SUM, pk, "", part),
                 "calculation": " + ".join(f"coalesce({n}, 0)" for n in names)}
            )  # fmt: skip
            self.rows.append(
                {"type": "calculate", "name": self.layout.name(GIVEN, pk, "", part),
                 "calculation": " + ".join(f"if({n} != '', 1, 0)" for n in names)}
            )  # fmt: skip

    def _range(
        self, row: ExpectedIndicator, part: str, rule: ValidationRule
    ) -> list[tuple[str, Texts]]:
        """An error rule's range, on the total (a percentage: on its
        denominator, where both parts are known)."""
        value = "."
        if row.indicator.type == IndicatorType.PERCENTAGE:
            if part != "denominator":
                return []
            numerator = self.layout.name(Slot.FIGURE, row.indicator.pk, TOTAL, "numerator")
            value = f"(${{{numerator}}} * 100 div .)"
            guard = f"${{{numerator}}} = '' or "
        else:
            guard = ""
        custom = _rule_message(rule)
        checks = []
        if rule.minimum is not None:
            message = custom or word("at_least", minimum=number(rule.minimum))
            checks.append((f"{guard}{value} >= {number(rule.minimum)}", message))
        if rule.maximum is not None:
            message = custom or word("at_most", maximum=number(rule.maximum))
            checks.append((f"{guard}{value} <= {number(rule.maximum)}", message))
        if custom and len(checks) == 2:  # one message is enough
            checks = [(f"({checks[0][0]}) and ({checks[1][0]})", custom)]
        return checks

    def _outside(self, row: ExpectedIndicator, rule: ValidationRule) -> str:
        """XPath true when the total is outside a warning rule's range."""
        pk = row.indicator.pk
        if row.indicator.type == IndicatorType.PERCENTAGE:
            numerator = f"${{{self.layout.name(Slot.FIGURE, pk, TOTAL, 'numerator')}}}"
            denominator = f"${{{self.layout.name(Slot.FIGURE, pk, TOTAL, 'denominator')}}}"
            given = f"{numerator} != '' and {denominator} > 0"
            value = f"({numerator} * 100 div {denominator})"
        elif row.indicator.type in (IndicatorType.COUNT, IndicatorType.CURRENCY,
                                    IndicatorType.ORDINAL):  # fmt: skip
            total = f"${{{self.layout.name(Slot.FIGURE, pk, TOTAL, 'value')}}}"
            given, value = f"{total} != ''", total
        else:
            return ""
        outside = []
        if rule.minimum is not None:
            outside.append(f"{value} < {number(rule.minimum)}")
        if rule.maximum is not None:
            outside.append(f"{value} > {number(rule.maximum)}")
        return f"{given} and ({' or '.join(outside)})"

    # --- activities

    def _activity(self, entry: Any) -> None:
        version = entry.version
        activity = version.activity_id
        name = self.layout.name
        held = self.held.activities.get(activity)
        statuses = [(value, both(partial(str, label))) for value, label in ActivityStatus.choices]
        self.rows.append(
            {
                "type": "begin_group",
                "name": name("activity", activity),
                "label": both(lambda: f"{version.code} — {version.title}"),
                "appearance": "field-list",
            }
        )
        self.rows.append(
            {
                "type": f"select_one {self.choice_list('activity_status', statuses)}",
                "name": name(Slot.STATUS, activity),
                "label": word("status"),
                "default": held.status if held and held.status else None,
            }
        )
        self.rows.append(
            {
                "type": "integer",
                "name": name(Slot.PROGRESS, activity),
                "label": word("progress"),
                "constraint": ". >= 0 and . <= 100",
                "constraint_message": self.says["progress"],
                "default": _plain(held.progress) if held else None,
            }
        )
        self.rows.append(
            {
                "type": "text",
                "name": name(Slot.ACTIVITY_COMMENT, activity),
                "label": word("comment"),
            }
        )
        for line in entry.budget_lines:
            spent = self.held.spending.get(line.pk)
            label = both(partial(line_label, line))
            self.rows.append(
                {
                    "type": "integer",
                    "name": name(Slot.SPENT, line.pk),
                    "label": (WORDS["spent"][0].format(line=label[0]),
                              WORDS["spent"][1].format(line=label[1])),
                    "hint": word("planned", amount=line.amount),
                    "constraint": ". >= 0",
                    "constraint_message": self.says["amount"],
                    "default": _plain(spent.amount) if spent else None,
                }
            )  # fmt: skip
        self.rows.append({"type": "end_group"})


def _level_label(level: ScaleLevel) -> str:
    return f"{level.value} — {level.label}"


def line_label(line: BudgetLine) -> str:
    """A budget line as people name it: its item, else its source and year."""
    return line.label or f"{line.source.name} {line.year}"


def _rule_message(rule: ValidationRule) -> Texts | None:
    if not (rule.message_fr or rule.message_en):
        return None
    return rule.message_fr or rule.message_en, rule.message_en or rule.message_fr


def _range_text(rule: ValidationRule) -> str:
    low = number(rule.minimum) if rule.minimum is not None else "…"
    high = number(rule.maximum) if rule.maximum is not None else "…"
    return f"{low} – {high}"
