"""The Excel route of a quarter's report: bob, focal point of the ministry,
downloads his report's workbook, fills it offline as people do and uploads
it; every bad workbook is refused with its sheet, row, column and reason, and
nothing is written; alice (TMU) uploads several units' workbooks at once."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import Workbook, load_workbook

from actors.models import ReportingUnit
from nap1325.models import AuditEntry
from operations.actions import adopt
from operations.models import OperationalPlan
from operations.workbook import WorkbookInvalid
from plans.models import Indicator
from reporting.actions import open_period, save_report, submit
from reporting.entries import ReportInput
from reporting.models import (
    ActivityReport,
    IndicatorValue,
    ReportingPeriod,
    Spending,
    Submission,
    ValidationRule,
)
from reporting.workbook import build_report_workbook, import_report_workbook
from tests.reporting.conftest import focal_point

pytestmark = pytest.mark.django_db

# The ministry's workbook, in English (see test_the_workbook_is_laid_out_for_people):
# Indicators rows 2 C1 · 3 1.a (percentage) · 4-6 A.2.I1 total, female, male · 7 A.2.I2
# (yes/no) · 8 B.I1 (currency); columns H value, I numerator, J denominator, K narrative,
# L no data, M comment. Activities rows 2-4 ACT1-ACT3: C status, D progress, E comment.
# Spending rows 2 (ACT1) and 3 (ACT3): E spent, F no data, G comment. Narrative B2-B5.
FILLED = {
    ("Indicators", "H2"): 3,
    ("Indicators", "I3"): 4,
    ("Indicators", "J3"): 10,
    ("Indicators", "H4"): 5,
    ("Indicators", "H5"): 3,
    ("Indicators", "H6"): 2,
    ("Indicators", "H7"): "yes",
    ("Indicators", "L8"): "yes",
    ("Activities", "C2"): "Ongoing",
    ("Activities", "D2"): 40,
    ("Activities", "E2"): "Trainers hired.",
    ("Spending", "E2"): 750000,
    ("Spending", "F3"): "yes",
    ("Narrative", "B2"): "Two regional workshops.",
}


@pytest.fixture
def reports(
    costed: OperationalPlan, alice: Any, units: dict[str, ReportingUnit], period: ReportingPeriod
) -> dict[str, Submission]:
    """The ministry's and the network's draft reports for 2021 Q1; the
    ministry leads the three activities of the adopted operational plan."""
    adopt(costed, by=alice)
    open_period(period, by=alice)
    # More than 2 meetings a quarter needs an explanation (a warning).
    ValidationRule.objects.create(
        plan=period.plan,
        indicator=Indicator.objects.get(plan=period.plan, key="C1"),
        kind="range",
        severity="warning",
        maximum=2,
    )
    return {key: Submission.objects.get(period=period, unit=unit) for key, unit in units.items()}


@pytest.fixture
def bob(units: dict[str, ReportingUnit]) -> User:
    return focal_point("bob", units["mwa"])


def edited(content: bytes, *edits: Callable[[Workbook], None], name: str = "report.xlsx") -> Any:
    """The workbook as a person leaves it after the edits, ready to upload."""
    book = load_workbook(io.BytesIO(content))
    for edit in edits:
        edit(book)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = name
    return out


def cells(changes: dict[tuple[str, str], Any]) -> Callable[[Workbook], None]:
    def edit(book: Workbook) -> None:
        for (sheet, cell), value in changes.items():
            book[sheet][cell] = value

    return edit


def written() -> tuple[int, ...]:
    return (
        IndicatorValue.objects.count(),
        AuditEntry.objects.count(),
        ActivityReport.objects.count(),
        Spending.objects.count(),
        *Submission.objects.order_by("pk").values_list("revision", flat=True),
    )


def value(report: Submission, key: str, cell: str = "") -> IndicatorValue:
    return IndicatorValue.objects.get(submission=report, indicator__key=key, cell=cell)


def test_the_workbook_is_laid_out_for_people(reports: dict[str, Submission]) -> None:
    book = load_workbook(io.BytesIO(build_report_workbook(reports["mwa"])))
    assert book.sheetnames == [
        "Read me", "Indicators", "Activities", "Spending", "Narrative", "Keys",
    ]  # fmt: skip
    assert book["Keys"].sheet_state == "veryHidden" and book.security.lockStructure
    indicators = book["Indicators"]
    assert [c.value for c in indicators[1]] == [
        "Reference", "Indicator", "Breakdown", "Type", "Unit", "Previous value", "Target",
        "Value", "Numerator", "Denominator", "Narrative", "No data", "Comment",
    ]  # fmt: skip
    assert [(r[0], r[2]) for r in indicators.iter_rows(min_row=2, max_col=3, values_only=True)] == [
        ("C1", "Total"), ("1.a", "Total"), ("A.2.I1", "Total"), ("A.2.I1", "Female"),
        ("A.2.I1", "Male"), ("A.2.I2", "Total"), ("B.I1", "Total"),
    ]  # fmt: skip
    assert indicators["G2"].value == 4  # the 2021 target of meetings
    assert indicators.protection.sheet
    # Only what the type asks for is open: a count's value, a percentage's two parts.
    assert not indicators["H2"].protection.locked and indicators["I2"].protection.locked
    assert indicators["H3"].protection.locked and not indicators["I3"].protection.locked
    # One comment per indicator, on its total row.
    assert not indicators["M4"].protection.locked and indicators["M5"].protection.locked
    drop_downs = {str(v.sqref): v.formula1 for v in indicators.data_validations.dataValidation}
    assert drop_downs["L2:L8"] == '"yes,no"' and drop_downs["H7"] == '"yes,no"'
    activities = {str(v.sqref): v for v in book["Activities"].data_validations.dataValidation}
    assert activities["C2:C4"].formula1 == (
        '"Planned,Not started,Ongoing,Completed,Delayed,Cancelled"'
    )
    assert (activities["D2:D4"].formula1, activities["D2:D4"].formula2) == ("0", "100")
    spending = book["Spending"]
    assert [r[:4] for r in spending.iter_rows(min_row=2, values_only=True)] == [
        ("ACT1", "Network 2021", "Network", 1_500_000),
        ("ACT3", "Network 2021", "Network", 2_000_000),
    ]
    assert [r[0] for r in book["Narrative"].iter_rows(min_row=2, values_only=True)] == [
        "Achievements", "Difficulties", "Lessons learned", "Recommendations",
    ]  # fmt: skip
    keys = book["Keys"]
    assert keys["B1"].value == str(reports["mwa"].uuid) and keys["D1"].value == 0


def test_download_fill_upload_through_the_site(
    client: Client, reports: dict[str, Submission], bob: User
) -> None:
    report = reports["mwa"]
    client.force_login(bob)
    page = client.get(f"/en/reports/{report.uuid}/").content.decode()
    assert f'href="/en/reports/{report.uuid}/workbook.xlsx"' in page
    assert f'href="/en/reports/{report.uuid}/workbook/"' in page
    response = client.get(f"/en/reports/{report.uuid}/workbook.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == (
        'attachment; filename="report-ministry-of-women-mwa-2021-t1.xlsx"'
    )

    upload = edited(response.content, cells(FILLED))
    response = client.post(f"/en/reports/{report.uuid}/workbook/", {"workbook": upload})
    assert response.status_code == 302 and response["Location"] == f"/en/reports/{report.uuid}/"
    page = client.get(response["Location"]).content.decode()
    assert (
        "Workbook of Ministry of Women (MWA) imported into the draft. 11 changes saved. "
        "1 warning to explain before submitting." in page
    )
    assert "3 is above the maximum, 2." in page  # the warning, beside the figure

    assert value(report, "C1").value == 3
    elected = value(report, "A.I1")
    assert (elected.numerator, elected.denominator, elected.value) == (4, 10, None)
    assert [value(report, "A.2.I1", c).value for c in ("", "sex:female", "sex:male")] == [5, 3, 2]
    assert value(report, "A.2.I2").value == 1
    budget = value(report, "B.I1")
    assert budget.no_data and budget.value is None
    act1 = ActivityReport.objects.get(submission=report, activity__versions__code="ACT1")
    assert (act1.status, act1.progress, act1.comment) == ("ongoing", 40, "Trainers hired.")
    # ACT2 and ACT3: nothing given, nothing kept.
    assert ActivityReport.objects.filter(submission=report).count() == 1
    spent = {
        s.budget_line.activity_version.code: s for s in Spending.objects.filter(submission=report)
    }
    assert (spent["ACT1"].amount, spent["ACT1"].no_data) == (750_000, False)
    assert (spent["ACT3"].amount, spent["ACT3"].no_data) == (None, True)
    report.refresh_from_db()
    assert report.achievements == "Two regional workshops." and report.status == "draft"
    # Each change audited as bob's, as through the form.
    changes = AuditEntry.objects.filter(user=bob).values_list("action", flat=True)
    assert sorted(changes) == sorted(
        ["value.change"] * 7 + ["activity_report.change"] + ["spending.change"] * 2
        + ["submission.narrative"]
    )  # fmt: skip
    meetings = AuditEntry.objects.get(object_id=str(value(report, "C1").uuid))
    assert (meetings.before, (meetings.after or {})["value"]) == (None, "3")

    # The workbook downloaded now holds what was uploaded, and gives it back unchanged.
    content = client.get(f"/en/reports/{report.uuid}/workbook.xlsx").content
    book = load_workbook(io.BytesIO(content))
    assert [book["Indicators"][c].value for c in ("H2", "I3", "J3", "H7", "L8")] == [
        3, 4, 10, "yes", "yes",
    ]  # fmt: skip
    assert book["Activities"]["C2"].value == "Ongoing" and book["Keys"]["D1"].value == 1
    before = written()
    result = import_report_workbook(report, edited(content), by=bob)
    assert result.changes == 0 and [w.message for w in result.warnings] == [
        "3 is above the maximum, 2."
    ]
    assert written()[:4] == before[:4]


def test_a_french_workbook_round_trip(
    client: Client, reports: dict[str, Submission], bob: User
) -> None:
    report = reports["mwa"]
    client.force_login(bob)
    content = client.get(f"/fr/reports/{report.uuid}/workbook.xlsx").content
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "Lisez-moi", "Indicateurs", "Activités", "Dépenses", "Récit", "Clés",
    ]  # fmt: skip
    assert book["Indicateurs"]["H1"].value == "Valeur" and book["Dépenses"]["E1"].value == (
        "Dépensé (XOF)"
    )
    statuses = book["Activités"].data_validations.dataValidation[0].formula1
    assert "En cours" in statuses
    filled = {
        ("Indicateurs", "H2"): 1,
        ("Indicateurs", "H7"): "non",
        ("Indicateurs", "M2"): "Une seule réunion.",
        ("Activités", "C3"): "En cours",
        ("Dépenses", "F2"): "oui",
        ("Récit", "B3"): "Des retards de décaissement.",
    }
    # Uploaded from the English site: a workbook is read in either language.
    response = client.post(
        f"/en/reports/{report.uuid}/workbook/", {"workbook": edited(content, cells(filled))}
    )
    assert response.status_code == 302
    assert value(report, "C1").value == 1
    assert value(report, "C1").comment == "Une seule réunion."
    assert value(report, "A.2.I2").value == 0
    act2 = ActivityReport.objects.get(submission=report, activity__versions__code="ACT2")
    assert act2.status == "ongoing"
    report.refresh_from_db()
    assert report.difficulties == "Des retards de décaissement."

    # Errors come in the reader's language, placed in the French sheets.
    content = client.get(f"/fr/reports/{report.uuid}/workbook.xlsx").content
    bad = edited(content, cells({("Dépenses", "E2"): -5}))
    html = client.post(f"/fr/reports/{report.uuid}/workbook/", {"workbook": bad}).content.decode()
    assert (
        "<td>Dépenses</td><td>2</td><td>E</td><td>les montants ne peuvent pas être négatifs</td>"
        in html
    )


def keys(changes: dict[str, Any]) -> Callable[[Workbook], None]:
    return cells({("Keys", cell): v for cell, v in changes.items()})


def remove_sheet(name: str) -> Callable[[Workbook], None]:
    def edit(book: Workbook) -> None:
        del book[name]

    return edit


def delete_row(sheet: str, row: int) -> Callable[[Workbook], None]:
    return lambda book: book[sheet].delete_rows(row)


def append_row(sheet: str, values: list[Any]) -> Callable[[Workbook], None]:
    return lambda book: book[sheet].append(values)


# kind: (edit of the filled workbook, unit, (sheet, row, column, reason))
BAD: dict[str, tuple[Callable[[Workbook], None], str, tuple[str, int | None, str | None, str]]] = {
    "not a number": (cells({("Indicators", "H2"): "three"}), "mwa", ("Indicators", 2, "H", "“three” is not a number")),
    "count with decimals": (cells({("Indicators", "H2"): 2.5}), "mwa", ("Indicators", 2, "H", "A count is a whole number, 0 or more.")),
    "negative count": (cells({("Indicators", "H5"): -3}), "mwa", ("Indicators", 5, "H", "A count is a whole number, 0 or more.")),
    "yes/no not yes or no": (cells({("Indicators", "H7"): "maybe"}), "mwa", ("Indicators", 7, "H", "answer yes or no")),
    "ordinal off the scale": (cells({("Indicators", "H3"): 5}), "ngo", ("Indicators", 3, "H", "Choose a level of the scale: 1, 2, 3.")),
    "progress above 100": (cells({("Activities", "D2"): 120}), "mwa", ("Activities", 2, "D", "progress is a whole number from 0 to 100")),
    "unknown status": (cells({("Activities", "C2"): "Almost done"}), "mwa", ("Activities", 2, "C", "unknown status “Almost done”")),
    "negative spending": (cells({("Spending", "E2"): -5}), "mwa", ("Spending", 2, "E", "amounts cannot be negative")),
    "spending in centimes": (cells({("Spending", "E2"): 10.5}), "mwa", ("Spending", 2, "E", "XOF amounts are whole francs")),
    "no data with a value": (cells({("Indicators", "L2"): "yes"}), "mwa", ("Indicators", 2, "L", "“No data” is ticked but a figure is given: keep one.")),
    "no data with an amount": (cells({("Spending", "F2"): "yes"}), "mwa", ("Spending", 2, "F", "“No data” is ticked but an amount is given: keep one.")),
    "no data neither yes nor no": (cells({("Indicators", "L4"): "perhaps"}), "mwa", ("Indicators", 4, "L", "write yes, or leave empty")),
    "formula": (cells({("Indicators", "H2"): "=1+2"}), "mwa", ("Indicators", 2, "H", "formulas are not accepted: type the value")),
    "formula in a comment": (cells({("Indicators", "M2"): '=HYPERLINK("http://example.org")'}), "mwa", ("Indicators", 2, "M", "formulas are not accepted: type the value")),
    "breakdown above the total": (cells({("Indicators", "H6"): 3}), "mwa", ("Indicators", 4, "H", "The breakdown adds up to 6, not to the total 5.")),
    "a value for a percentage": (cells({("Indicators", "H3"): 40}), "mwa", ("Indicators", 3, "H", "nothing goes in this cell for this indicator")),
    "comment on a breakdown row": (cells({("Indicators", "M5"): "women only"}), "mwa", ("Indicators", 5, "M", "an indicator's comment goes on its total row")),
    "five decimals": (cells({("Indicators", "H8"): 1.23456}), "mwa", ("Indicators", 8, "H", "at most 4 decimals")),
    "comment too long": (cells({("Activities", "E3"): "x" * 2001}), "mwa", ("Activities", 3, "E", "at most 2000 characters")),
    "header changed": (cells({("Indicators", "H1"): "Amount"}), "mwa", ("Indicators", 1, "H", "unknown column “Amount”")),
    "sheet missing": (remove_sheet("Spending"), "mwa", ("Spending", None, None, "this sheet is missing (it may be named Dépenses / Spending)")),
    "row deleted": (delete_row("Indicators", 3), "mwa", ("Indicators", 3, None, "this row no longer shows what the workbook was made with (rows moved, added or removed?): “1.a · Total” was expected, “A.2.I1 · Total” is there")),
    "row added": (append_row("Activities", ["ACT9", "A new one", "Ongoing"]), "mwa", ("Activities", 5, None, "rows cannot be added to this sheet")),
    "row key unknown": (keys({"C2": "Z9"}), "mwa", ("Indicators", 2, None, "this row is not one this report asks for (“Z9”): download it again")),
    "row key duplicated": (keys({"C3": "C1"}), "mwa", ("Indicators", 3, None, "this row repeats row 2")),
    "hidden sheet broken": (keys({"B1": "not-a-report"}), "mwa", ("Keys", 1, None, "the hidden sheet of this workbook was changed: download the workbook again")),
}  # fmt: skip
NGO = {("Indicators", "I2"): 2, ("Indicators", "J2"): 8, ("Indicators", "H3"): 2,
       ("Indicators", "K4"): "Networks met monthly."}  # fmt: skip


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_workbooks_are_refused_with_located_errors(
    reports: dict[str, Submission], bob: User, alice: Any, kind: str
) -> None:
    edit, unit, error = BAD[kind]
    report = reports[unit]
    filled = FILLED if unit == "mwa" else NGO
    before = written()
    upload = edited(build_report_workbook(report), cells(filled), edit)
    with pytest.raises(WorkbookInvalid) as refused:
        import_report_workbook(report, upload, by=bob if unit == "mwa" else alice)
    located = [(e.sheet, e.row, e.column, e.message) for e in refused.value.errors]
    assert error in located, located
    assert written() == before


def test_text_typed_after_an_apostrophe_is_words_not_a_formula(
    reports: dict[str, Submission], bob: User
) -> None:
    """A spreadsheet keeps "'= as last quarter" as the text "= as last
    quarter" (a text cell); only a formula cell is refused."""
    report = reports["mwa"]

    def typed_text(book: Workbook) -> None:
        for sheet, cell in [("Indicators", "M2"), ("Narrative", "B3")]:
            book[sheet][cell] = "= as last quarter"
            book[sheet][cell].data_type = "s"

    import_report_workbook(
        report, edited(build_report_workbook(report), cells(FILLED), typed_text), by=bob
    )
    assert value(report, "C1").comment == "= as last quarter"
    report.refresh_from_db()
    assert report.difficulties == "= as last quarter"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"reference,value\nC1,3\n", "this is not an Excel workbook (.xlsx)"),
        ("truncated", "this is not an Excel workbook (.xlsx)"),
        (b"PK" + bytes(5 * 1024 * 1024), "The file is larger than 5 MB."),
    ],
)
def test_files_that_are_not_workbooks_are_refused(
    reports: dict[str, Submission], bob: User, content: Any, reason: str
) -> None:
    report = reports["mwa"]
    if content == "truncated":
        whole = build_report_workbook(report)
        content = whole[: len(whole) // 2]
    before = written()
    with pytest.raises(WorkbookInvalid) as refused:
        import_report_workbook(report, io.BytesIO(content), by=bob)
    assert [(e.sheet, e.row, e.column, e.message) for e in refused.value.errors] == [
        ("file", None, None, reason)
    ]
    assert written() == before


def test_a_workbook_older_than_the_report_is_refused(
    client: Client, reports: dict[str, Submission], bob: User
) -> None:
    report = reports["mwa"]
    content = build_report_workbook(report)
    save_report(report, ReportInput(narrative={"lessons": "Start early."}), by=bob, revision=0)
    before = written()
    client.force_login(bob)
    upload = edited(content, cells(FILLED))
    html = client.post(
        f"/en/reports/{report.uuid}/workbook/", {"workbook": upload}
    ).content.decode()
    assert "1 error: nothing was saved." in html
    assert (
        "<td>Keys</td><td>1</td><td>D</td><td>the report changed on the site after this workbook "
        "was downloaded (revision 0, now 1): download it again and copy your figures into it</td>"
    ) in html
    assert written() == before
    # Changed between the reading and the writing: refused by save_report, nothing written.
    stale = Submission.objects.get(pk=report.pk)
    fresh = edited(build_report_workbook(stale), cells(FILLED))
    save_report(report, ReportInput(narrative={"lessons": "Start earlier."}), by=bob, revision=1)
    before = written()
    with pytest.raises(WorkbookInvalid, match="Someone changed this report since you opened it"):
        import_report_workbook(stale, fresh, by=bob)
    assert written() == before


def test_a_workbook_of_another_report_is_refused(
    client: Client, reports: dict[str, Submission], alice: Any
) -> None:
    network = edited(build_report_workbook(reports["ngo"]), cells(NGO))
    before = written()
    client.force_login(alice)
    html = client.post(
        f"/en/reports/{reports['mwa'].uuid}/workbook/", {"workbook": network}
    ).content.decode()
    assert (
        "<td>Keys</td><td>1</td><td>B</td><td>this workbook is the report of another unit or "
        "period, not of this one</td>"
    ) in html
    assert written() == before


def test_a_submitted_report_takes_no_workbook(reports: dict[str, Submission], bob: User) -> None:
    report = reports["mwa"]
    content = build_report_workbook(report)
    submit(report, by=bob)
    report.refresh_from_db()
    before = written()
    with pytest.raises(WorkbookInvalid) as refused:
        import_report_workbook(report, edited(content), by=bob)
    assert "revision 0, now 1" in refused.value.errors[0].message
    with pytest.raises(WorkbookInvalid, match="Only a draft or returned report can be changed"):
        import_report_workbook(report, edited(build_report_workbook(report)), by=bob)
    assert written() == before


def test_bob_cannot_use_the_networks_workbook(
    client: Client, reports: dict[str, Submission], bob: User
) -> None:
    theirs = reports["ngo"]
    content = build_report_workbook(theirs)
    upload = edited(content, cells(NGO))
    before = written()
    client.force_login(bob)
    assert client.get(f"/en/reports/{theirs.uuid}/workbook.xlsx").status_code == 403
    assert client.get(f"/en/reports/{theirs.uuid}/workbook/").status_code == 403
    assert (
        client.post(f"/en/reports/{theirs.uuid}/workbook/", {"workbook": upload}).status_code == 403
    )
    with pytest.raises(PermissionDenied):
        import_report_workbook(theirs, edited(content, cells(NGO)), by=bob)
    period = theirs.period
    url = f"/en/plans/{period.plan.key}/periods/{period.uuid}/workbooks/"
    assert client.post(url, {"workbooks": [edited(content, cells(NGO))]}).status_code == 403
    assert written() == before


def test_the_tmu_uploads_many_units_at_once(
    client: Client, reports: dict[str, Submission], alice: Any
) -> None:
    period = reports["mwa"].period
    client.force_login(alice)
    page = client.get(f"/en/plans/{period.plan.key}/periods/{period.uuid}/").content.decode()
    url = f"/en/plans/{period.plan.key}/periods/{period.uuid}/workbooks/"
    assert f'action="{url}"' in page and 'name="workbooks" type="file" multiple' in page
    downloaded = {
        unit: client.get(f"/en/reports/{report.uuid}/workbook.xlsx").content
        for unit, report in reports.items()
    }
    ministry = edited(downloaded["mwa"], cells(FILLED), name="ministry.xlsx")
    network = edited(downloaded["ngo"], cells(NGO), name="network.xlsx")
    response = client.post(url, {"workbooks": [network, ministry]})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "2 workbooks imported." in page
    assert value(reports["mwa"], "C1").value == 3
    assert value(reports["ngo"], "A.1.I1").value == 2
    assert value(reports["ngo"], "B.I2").text == "Networks met monthly."
    assert AuditEntry.objects.filter(user=alice, action="value.change").count() == 7 + 3


def test_one_bad_workbook_and_the_batch_writes_nothing(
    client: Client, reports: dict[str, Submission], alice: Any
) -> None:
    period = reports["mwa"].period
    url = f"/en/plans/{period.plan.key}/periods/{period.uuid}/workbooks/"
    ministry = build_report_workbook(reports["mwa"])
    network = build_report_workbook(reports["ngo"])
    before = written()
    client.force_login(alice)
    files = [
        edited(ministry, cells(FILLED), name="ministry.xlsx"),
        edited(network, cells({**NGO, ("Indicators", "H3"): 7}), name="network.xlsx"),
        edited(ministry, cells(FILLED), name="ministry-again.xlsx"),
    ]
    response = client.post(url, {"workbooks": files})
    html = response.content.decode()
    assert response.status_code == 200 and "2 files have errors: nothing was saved." in html
    assert (
        '<h2>network.xlsx</h2>\n<div class="scroll"><table class="compact">' in html
        and "<td>Indicators</td><td>3</td><td>H</td><td>Choose a level of the scale: 1, 2, 3.</td>"
        in html
    )
    assert "<h2>ministry-again.xlsx</h2>" in html
    assert "the file ministry.xlsx of this batch is already for this report" in html
    assert "<h2>ministry.xlsx</h2>" not in html  # nothing wrong in it, but not written either
    assert written() == before
    # A workbook of another period's report has no place in this batch.
    other = ReportingPeriod.objects.create(
        plan=period.plan, kind="quarter", year=2021, quarter=2,
        opens_on=period.opens_on, deadline=period.deadline,
    )  # fmt: skip
    response = client.post(
        f"/en/plans/{period.plan.key}/periods/{other.uuid}/workbooks/",
        {"workbooks": [edited(ministry, cells(FILLED), name="ministry.xlsx")]},
    )
    assert "this workbook is not the report of a unit for this period" in response.content.decode()
    assert written() == before
