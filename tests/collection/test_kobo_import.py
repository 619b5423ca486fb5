"""The way back from the phones: fatou, focal point of the ministry for women,
collected her quarter's report offline with its mobile form; KoboToolbox's
export of it (CSV or JSON) becomes her draft report, with the same audit
trail as the site. A bad export is refused with its file, row, column and
field, and nothing is written."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from collection.kobo import import_period_exports, import_report_export
from nap1325.models import AuditEntry
from operations.workbook import WorkbookError, WorkbookInvalid
from reporting.actions import save_report, submit
from reporting.entries import ReportInput, ValueInput
from reporting.models import ActivityReport, IndicatorValue, Spending, Submission
from tests.collection.conftest import other_report

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CSV_SAMPLE = (FIXTURES / "kobo-export.csv").read_text(encoding="utf-8-sig")
JSON_SAMPLE = json.loads((FIXTURES / "kobo-export.json").read_text(encoding="utf-8"))
# In the CSV sample, row 2 is a first try the TMU marked "Not approved" in
# KoboToolbox; row 3 is the report.
COLUMNS = CSV_SAMPLE.splitlines()[0].split(";")


def upload(text: str, name: str = "export.csv") -> Any:
    data = io.BytesIO(text.encode("utf-8"))
    data.name = name
    return data


def as_json(data: Any) -> Any:
    return upload(json.dumps(data, ensure_ascii=False), "export.json")


def csv_rows(text: str = CSV_SAMPLE) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def csv_text(rows: list[list[str]], delimiter: str = ";") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def changed(header: str, value: str, row: int = 2) -> str:
    """The CSV sample with one answer of its report row (0: header) changed."""
    return changed_many({header: value}, row)


def changed_many(answers: dict[str, str], row: int = 2) -> str:
    rows = csv_rows()
    for header, value in answers.items():
        rows[row][COLUMNS.index(header)] = value
    return csv_text(rows)


def written() -> tuple[int, ...]:
    return (
        IndicatorValue.objects.count(),
        AuditEntry.objects.count(),
        ActivityReport.objects.count(),
        Spending.objects.count(),
        *Submission.objects.order_by("pk").values_list("revision", flat=True),
    )


def figures(report: Submission) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {
        (v.indicator.key, v.cell): (v.value, v.numerator, v.denominator, v.text, v.no_data)
        for v in report.values.select_related("indicator")
    }


def refused(report: Submission, export: Any, by: User) -> list[WorkbookError]:
    before = written()
    with pytest.raises(WorkbookInvalid) as caught:
        import_report_export(report, export.name, export, by=by)
    assert written() == before, "a refused export wrote something"
    return caught.value.errors


D = Decimal
CSV_FIGURES = {
    ("coordination.I1", ""): (D(3), None, None, "", False),
    ("coordination.I1", "committee:committee-monitoring"): (D(2), None, None, "", False),
    ("coordination.I1", "committee:committee-steering"): (D(1), None, None, "", False),
    ("monitoring-evaluation.I1", ""): (None, None, None, "", True),
    ("P1.OBJ.I1", ""): (
        None,
        None,
        None,
        "Deux femmes nommées au comité de suivi de l'Accord.",
        False,
    ),
    ("P1.R1.I1", ""): (D(2), None, None, "", False),
    ("P1.R2.O2.I1", ""): (None, D(12), D(60), "", False),
    ("P1.R2.O2.I1", "forum-level:forum-subregional"): (None, D(4), D(20), "", False),
    ("P1.R2.O2.I1", "forum-level:forum-african"): (None, D(5), D(25), "", False),
    ("P1.R2.O2.I1", "forum-level:forum-international"): (None, D(3), D(15), "", False),
    ("P2.R3.O2.I1", ""): (D(1), None, None, "", False),
}


def test_a_kobo_csv_export_becomes_the_draft_report(mali_report: Submission, fatou: User) -> None:
    done = import_report_export(mali_report, "export.csv", upload(CSV_SAMPLE), by=fatou)

    assert done.skipped == 1  # the try marked "Not approved"
    [result] = done.results
    mali_report.refresh_from_db()
    assert (mali_report.status, mali_report.revision) == ("draft", 1)
    assert figures(mali_report) == CSV_FIGURES
    activities = {
        r.activity.versions.get().code: (r.status, r.progress, r.comment)
        for r in ActivityReport.objects.filter(submission=mali_report)
    }
    assert activities == {
        "MOB-1": ("ongoing", 40, "Première session tenue à Mopti."),
        "MOB-2": ("not_started", 0, ""),
    }
    spent = {
        (s.budget_line.activity_version.code, s.budget_line.label): s.amount
        for s in Spending.objects.filter(submission=mali_report)
    }
    assert spent == {("MOB-1", "Formation"): 750_000, ("MOB-1", "Transport"): 120_000}
    assert mali_report.achievements == "Deux sessions de formation ; campagne radio préparée."
    assert mali_report.difficulties == (
        'Insécurité sur la route de Mopti.\nLa session de Gao est "reportée".'
    )
    # One audit entry per figure, activity, budget line and the narrative, by
    # fatou, saying where it came from.
    entries = AuditEntry.objects.filter(
        action__in=["value.change", "activity_report.change", "spending.change",
                    "submission.narrative"]
    )  # fmt: skip
    assert entries.count() == result.changes == len(CSV_FIGURES) + 2 + 2 + 1
    assert {e.user for e in entries} == {fatou}
    assert {(e.after or {})["reason"] for e in entries} == {
        "Imported from a mobile form: export.csv, row 3 (uuid:8a2c4e6b-1d3f-4a5b-9c7d-2e4f6a8b0c13)"
    }
    total = entries.get(action="value.change", summary="coordination.I1")
    assert (total.before, (total.after or {})["value"]) == (None, "3")
    assert result.warnings == []


def test_a_kobo_json_export_becomes_the_draft_report(mali_report: Submission, fatou: User) -> None:
    done = import_report_export(mali_report, "export.json", as_json(JSON_SAMPLE), by=fatou)

    assert (done.skipped, len(done.results)) == (0, 1)
    values = figures(mali_report)
    assert values[("coordination.I1", "")] == (D(4), None, None, "", False)
    assert values[("monitoring-evaluation.I1", "")] == (D(1), None, None, "", False)
    assert values[("P1.R1.I1", "")] == (D(3), None, None, "", False)
    assert values[("P1.R2.O2.I1", "")] == (None, D(9), D(60), "", False)
    assert values[("P2.R3.O2.I1", "")] == (D(0), None, None, "", False)
    comment = IndicatorValue.objects.get(
        submission=mali_report, indicator__key="coordination.I1", cell=""
    ).comment
    assert comment == "Une réunion extraordinaire après les nominations."
    assert sorted(
        ActivityReport.objects.filter(submission=mali_report).values_list("status", "progress")
    ) == [("completed", 100), ("ongoing", 25)]
    amounts = Spending.objects.filter(submission=mali_report).values_list("amount", flat=True)
    assert sorted(a or 0 for a in amounts) == [120_000, 150_000, 1_480_000]
    mali_report.refresh_from_db()
    # Kobo's JSON leaves out what was not answered: the difficulties stay as they were.
    assert (mali_report.lessons, mali_report.difficulties) == (
        "Passer par les radios communautaires.", ""
    )  # fmt: skip
    entry = AuditEntry.objects.filter(action="value.change").first()
    assert entry is not None and entry.after is not None
    reason = entry.after["reason"]
    assert reason == (
        "Imported from a mobile form: export.json, row 1 (uuid:c4e6a8b0-2d4f-4b6c-8e0a-3f5b7d9e1a24)"
    )


def test_other_shapes_of_the_same_export(mali_report: Submission, fatou: User) -> None:
    """Kobo's "." group separator with "," between cells; headers without
    their groups; ODK Central's nested JSON: the same report."""
    rows = csv_rows()
    dotted = [[header.replace("/", ".") for header in rows[0]], *rows[1:]]
    import_report_export(mali_report, "dots.csv", upload(csv_text(dotted, ",")), by=fatou)
    assert figures(mali_report) == CSV_FIGURES

    mali_report.refresh_from_db()
    central_csv = [[h.replace("/", "-") for h in rows[0]], *rows[1:]]
    central_csv[2][COLUMNS.index("report_revision")] = str(mali_report.revision)
    central_csv[2][COLUMNS.index("a_MOB_2/a_MOB_2__progress")] = "5"
    import_report_export(mali_report, "central.csv", upload(csv_text(central_csv, ",")), by=fatou)
    assert (
        ActivityReport.objects.get(
            submission=mali_report, activity__versions__code="MOB-2"
        ).progress
        == 5
    )

    mali_report.refresh_from_db()
    bare = [[header.rsplit("/", 1)[-1] for header in rows[0]], *rows[1:]]
    bare[2][COLUMNS.index("report_revision")] = str(mali_report.revision)
    bare[2][COLUMNS.index("i_coordination_I1/i_coordination_I1__total")] = "5"
    bare[2][
        COLUMNS.index("i_coordination_I1/i_coordination_I1__committee_committee_monitoring")
    ] = "4"
    import_report_export(mali_report, "bare.csv", upload(csv_text(bare, "\t")), by=fatou)
    assert figures(mali_report)[("coordination.I1", "")][0] == 5

    mali_report.refresh_from_db()
    kobo = JSON_SAMPLE["results"][0]
    central: dict[str, Any] = {"__id": kobo["meta/instanceID"], "meta": {"instanceID": kobo["meta/instanceID"]},
                               "__system": {"submitterName": "fatou", "reviewState": None}}  # fmt: skip
    for key, value in kobo.items():
        if key.startswith("_") or key.startswith("meta/") or key.startswith("formhub/"):
            continue
        group, _slash, name = key.rpartition("/")
        target = central.setdefault(group, {}) if group else central
        # ODK Central gives numbers as numbers.
        target[name] = int(value) if value.isdigit() and key != "report_revision" else value
    central["report_revision"] = mali_report.revision
    import_report_export(
        mali_report, "central.json", as_json({"@odata.context": "x", "value": [central]}), by=fatou
    )
    assert figures(mali_report)[("P1.R2.O2.I1", "")] == (None, D(9), D(60), "", False)


def test_an_empty_answer_leaves_the_report_as_it_is(mali_report: Submission, fatou: User) -> None:
    coordination = mali_report.period.plan.indicators.get(key="coordination.I1")
    save_report(
        mali_report,
        ReportInput(values={(coordination.pk, ""): ValueInput(value=D(3), comment="Vu.")},
                    narrative={"lessons": "Écrit sur le site."}),
        by=fatou, revision=0,
    )  # fmt: skip
    rows = csv_rows()
    rows[2][COLUMNS.index("report_revision")] = "1"
    rows[2][COLUMNS.index("i_coordination_I1/i_coordination_I1__total")] = ""
    rows[2][
        COLUMNS.index("i_coordination_I1/i_coordination_I1__committee_committee_monitoring")
    ] = ""
    rows[2][COLUMNS.index("i_coordination_I1/i_coordination_I1__committee_committee_steering")] = ""
    import_report_export(mali_report, "export.csv", upload(csv_text(rows)), by=fatou)
    total = IndicatorValue.objects.get(submission=mali_report, indicator=coordination, cell="")
    assert (total.value, total.comment) == (3, "Vu.")
    mali_report.refresh_from_db()
    assert mali_report.lessons == "Écrit sur le site."


@pytest.mark.parametrize(
    ("text", "row", "column", "field", "message"),
    [
        (changed("i_coordination_I1/i_coordination_I1__total", "trois"), 3,
         "i_coordination_I1/i_coordination_I1__total", "coordination.I1 · Total",
         "“trois” is not a number"),
        (changed("a_MOB_1/a_MOB_1__progress", "140"), 3, "a_MOB_1/a_MOB_1__progress",
         "MOB-1 · progress (%)", "progress is a whole number from 0 to 100"),
        (changed("a_MOB_1/a_MOB_1__line1", "-5"), 3, "a_MOB_1/a_MOB_1__line1",
         "MOB-1 · Formation · spent (XOF)", "amounts cannot be negative"),
        (changed("narrative/lessons", "x" * 20001), 3, "narrative/lessons", "Lessons learned",
         "at most 20000 characters"),
        (changed("a_MOB_2/a_MOB_2__status", "stalled"), 3, "a_MOB_2/a_MOB_2__status",
         "MOB-2 · status", "unknown status “stalled”"),
        (changed("report_uuid", "4f3c6a1e-0000-4000-8000-000000000000"), 3, "report_uuid", "",
         "this row is the report of another unit or period, not of this one"),
        (changed("report_uuid", "not-a-uuid"), 3, "report_uuid", "",
         "“not-a-uuid” is not a report identifier"),
        (changed("form_layout", "0123456789abcdef"), 3, "form_layout", "",
         "this row was collected with a form that no longer matches the report (its "
         "indicators, breakdowns, activities or budget lines changed): download the form again"),
        (changed("i_monitoring_evaluation_I1/i_monitoring_evaluation_I1__total", "2"), 3,
         "i_monitoring_evaluation_I1/i_monitoring_evaluation_I1__no_data",
         "monitoring-evaluation.I1 · no data",
         "“No data” is ticked but a figure is given: keep one."),
        # The report's own rules: the breakdown adds up, the TMU's range.
        (changed("i_coordination_I1/i_coordination_I1__committee_committee_steering", "4"), 3,
         "i_coordination_I1/i_coordination_I1__total", "coordination.I1 · Total",
         "The breakdown adds up to 6, not to the total 3."),
        (changed_many({"i_P1_R2_O2_I1/i_P1_R2_O2_I1__total__num": "29",
                       "i_P1_R2_O2_I1/i_P1_R2_O2_I1__forum_level_forum_subregional__num": "21"}),
         3, "i_P1_R2_O2_I1/i_P1_R2_O2_I1__forum_level_forum_subregional__num",
         "P1.R2.O2.I1 · Subregional · numerator", "The numerator is larger than the denominator."),
        (csv_text([[*csv_rows()[0], "i_coordination_I1/extra"], *[[*r, ""] for r in csv_rows()[1:]]]),
         3, "i_coordination_I1/extra", "", "unknown column “i_coordination_I1/extra”"),
    ],
)  # fmt: skip
def test_a_bad_export_is_refused_with_its_place(
    mali_report: Submission, fatou: User, text: str, row: int, column: str, field: str,
    message: str,
) -> None:  # fmt: skip
    errors = refused(mali_report, upload(text), fatou)
    assert [(e.sheet, e.row, e.column, getattr(e, "field", ""), e.message) for e in errors] == [
        ("export.csv", row, column, field, message)
    ]


def test_every_error_is_listed(mali_report: Submission, fatou: User) -> None:
    rows = csv_rows()
    rows[2][COLUMNS.index("i_coordination_I1/i_coordination_I1__total")] = "3.5.1"
    rows[2][COLUMNS.index("a_MOB_1/a_MOB_1__line2")] = "12.5"
    rows[2][COLUMNS.index("i_P2_R3_O2_I1/i_P2_R3_O2_I1__total")] = "maybe"
    errors = refused(mali_report, upload(csv_text(rows)), fatou)
    assert [(e.column, e.message) for e in errors] == [
        ("i_coordination_I1/i_coordination_I1__total", "“3.5.1” is not a number"),
        ("i_P2_R3_O2_I1/i_P2_R3_O2_I1__total", "answer yes or no"),
        ("a_MOB_1/a_MOB_1__line2", "XOF amounts are whole francs"),
    ]


def test_a_report_that_cannot_change_is_refused(mali_report: Submission, fatou: User) -> None:
    import_report_export(mali_report, "export.csv", upload(CSV_SAMPLE), by=fatou)
    submit(mali_report, by=fatou)
    mali_report.refresh_from_db()
    errors = refused(
        mali_report, upload(changed("report_revision", str(mali_report.revision))), fatou
    )
    assert [(e.row, e.column, e.message) for e in errors] == [
        (3, "report_uuid", "Only a draft or returned report can be changed.")
    ]


def test_a_form_older_than_the_report_is_refused(mali_report: Submission, fatou: User) -> None:
    """As the workbook: the report changed on the site after the form was made."""
    save_report(
        mali_report, ReportInput(narrative={"lessons": "Sur le site."}), by=fatou, revision=0
    )
    errors = refused(mali_report, upload(CSV_SAMPLE), fatou)
    assert [(e.row, e.column, e.message) for e in errors] == [
        (3, "report_revision",
         "the report changed on the site after this form was downloaded (revision 0, now 1): "
         "download the form again and enter the answers into it"),
    ]  # fmt: skip


def test_two_rows_for_one_report_are_refused(mali_report: Submission, fatou: User) -> None:
    rows = csv_rows()
    rows[1][COLUMNS.index("_validation_status")] = ""  # the first try is not marked any more
    errors = refused(mali_report, upload(csv_text(rows)), fatou)
    assert [(e.row, e.column, e.message) for e in errors] == [
        (3, "report_uuid",
         "this row is for the same report as export.csv row 2: keep one of them (delete the "
         "other in KoboToolbox, or mark it “Not approved”) and export again"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Référence;Valeur\n".encode("latin-1"),
         "this file is not UTF-8 text: export it again as CSV (UTF-8) or JSON"),
        (b'{"results": [{"report_uuid": ', "this is not valid JSON (line 1, column 30)"),
        (b'{"count": 0}', "a JSON export is a list of submissions (KoboToolbox: “results”, ODK Central: “value”)"),
        (b"PK\x03\x04\x00\x00", "this is not a CSV or JSON export (it holds binary data)"),
        (b'{"results": []}', "this export holds no submission"),
        (b"report_uuid;report_revision\n", "this export holds no submission"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_an_export_is_refused(
    mali_report: Submission, fatou: User, content: bytes, message: str
) -> None:
    export = io.BytesIO(content)
    export.name = "export.csv"
    errors = refused(mali_report, export, fatou)
    assert [(e.sheet, e.message) for e in errors] == [("export.csv", message)]


def test_a_file_too_large_is_refused(mali_report: Submission, fatou: User) -> None:
    errors = refused(mali_report, upload(CSV_SAMPLE + "x" * 5 * 1024 * 1024), fatou)
    assert [e.message for e in errors] == ["The file is larger than 5 MB."]


def test_another_units_focal_point_is_refused(
    mali_report: Submission, fatou: User, ibrahim: User, alice: User
) -> None:
    before = written()
    with pytest.raises(PermissionDenied):
        import_report_export(mali_report, "export.csv", upload(CSV_SAMPLE), by=ibrahim)
    with pytest.raises(PermissionDenied):
        import_period_exports(mali_report.period, [("export.csv", upload(CSV_SAMPLE))], by=ibrahim)
    # Through his own report, fatou's rows are not his.
    errors = refused(other_report(mali_report), upload(CSV_SAMPLE), ibrahim)
    assert [(e.row, e.message) for e in errors] == [
        (3, "this row is the report of another unit or period, not of this one")
    ]
    assert written() == before


def test_the_tmu_imports_several_units_exports(
    mali_report: Submission, alice: User, fatou: User
) -> None:
    done = import_period_exports(
        mali_report.period,
        [("fatou.csv", upload(CSV_SAMPLE)), ("late.json", as_json({"results": []}))],
        by=alice,
    )
    assert [r.submission for r in done.results] == [mali_report]
    assert figures(mali_report) == CSV_FIGURES
    # The same rows twice, in two files: all or nothing.
    mali_report.refresh_from_db()
    again = changed("report_revision", str(mali_report.revision))
    before = written()
    with pytest.raises(WorkbookInvalid) as caught:
        import_period_exports(
            mali_report.period, [("a.csv", upload(again)), ("b.csv", upload(again))], by=alice
        )
    assert [(e.sheet, e.row, e.message[:45]) for e in caught.value.errors] == [
        ("b.csv", 3, "this row is for the same report as a.csv row ")
    ]
    # A report of no unit of this period (another site's form, a typing error).
    stranger = changed("report_uuid", "4f3c6a1e-0000-4000-8000-000000000000")
    with pytest.raises(WorkbookInvalid) as caught:
        import_period_exports(mali_report.period, [("x.csv", upload(stranger))], by=alice)
    assert [(e.row, e.column, e.message) for e in caught.value.errors] == [
        (3, "report_uuid",
         "no report of this period has the identifier “4f3c6a1e-0000-4000-8000-000000000000”"),
    ]  # fmt: skip
    assert written() == before
