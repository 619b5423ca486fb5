"""The operational plan in Excel: export, blank template, all-or-nothing import."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from nap1325.models import AuditEntry
from operations.actions import activity_snapshot, adopt, create_operational_plan, save_activity
from operations.models import OperationalPlan
from operations.workbook import WorkbookInvalid, build_workbook, import_workbook
from tests.operations.conftest import activity

pytestmark = pytest.mark.django_db


def snapshot(version: OperationalPlan) -> dict[str, Any]:
    return {v.code: activity_snapshot(v) for v in version.activities.all()}


def edited(content: bytes, changes: dict[tuple[str, str], Any]) -> io.BytesIO:
    """The workbook with some cells changed: {(sheet, "B3"): value}."""
    book = load_workbook(io.BytesIO(content))
    for (sheet, cell), value in changes.items():
        book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_export_then_import_is_lossless(costed: OperationalPlan, alice: Any) -> None:
    before = snapshot(costed)
    for language in ("fr", "en"):
        with translation.override(language):
            content = build_workbook(costed)
        report = import_workbook(costed, io.BytesIO(content), by=alice)
        assert report.unchanged == ["ACT1", "ACT2", "ACT3"], language
        assert not (report.created or report.updated or report.removed)
    assert snapshot(costed) == before


def test_the_workbook_is_laid_out_as_ministries_use_it(costed: OperationalPlan) -> None:
    with translation.override("fr"):
        book = load_workbook(io.BytesIO(build_workbook(costed)))
    assert book.sheetnames == ["Lisez-moi", "Activités", "Budget", "Listes"]
    activities = book["Activités"]
    headers = [cell.value for cell in activities[1]]
    assert headers[:3] == ["Code", "Titre (FR)", "Titre (EN)"]
    assert headers[15:19] == ["2020-T1", "2020-T2", "2020-T3", "2020-T4"]
    assert len(headers) == 15 + 4 * 5  # a column per quarter of 2020-2024
    act1 = next(row for row in activities.iter_rows(values_only=True) if row[0] == "ACT1")
    assert act1[15:17] == ("x", "x") and act1[17] is None
    budget = book["Budget"]
    assert budget["H2"].value == "=F2*G2"  # the amount is a formula, not a typed number
    validations = {str(v.sqref): v.formula1 for v in activities.data_validations.dataValidation}
    assert any("Listes" in str(formula) for formula in validations.values())


def test_the_template_has_lists_and_no_activity(costed: OperationalPlan, client: Client) -> None:
    response = client.get(f"/en/plans/{costed.plan.key}/operations/1/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book["Activities"].max_row == 1
    lists = book["Lists"]
    assert {lists.cell(row=r, column=1).value for r in range(2, 4)} == {"mwa", "ngo"}
    assert {lists.cell(row=r, column=4).value for r in range(2, 5)} == {"nb", "mf", "p1"}


def test_an_import_creates_changes_and_removes(costed: OperationalPlan, alice: Any) -> None:
    with translation.override("en"):
        content = build_workbook(costed)
    book = load_workbook(io.BytesIO(content))
    sheet = book["Activities"]
    sheet.append(["ACT7", "Nouvelle", "New", None, None, None, None, "B", "ngo", None, "mwa",
                  None, "Ongoing", 20, None, None, None, "x"])  # fmt: skip
    book["Budget"].append(["ACT7", 2021, "mf", "Atelier", "jour", 100000, 2.5])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    report = import_workbook(costed, out, by=alice)
    assert (report.created, report.unchanged) == (["ACT7"], ["ACT1", "ACT2", "ACT3"])
    act7 = costed.activities.get(code="ACT7")
    assert act7.lead is not None and act7.monitor is not None
    assert (act7.status, act7.progress, act7.lead.key, act7.monitor.key) == (
        "ongoing",
        20,
        "ngo",
        "mwa",
    )
    assert [str(q) for q in act7.schedule.all()] == ["2020 Q3"]
    assert [line.amount for line in act7.budget_lines.all()] == [250_000]
    assert AuditEntry.objects.filter(action="activity.create", summary__endswith="ACT7").exists()
    # The first workbook, without ACT7: the activity goes (it has no money yet).
    report = import_workbook(costed, io.BytesIO(content), by=alice)
    assert report.removed == ["ACT7"]


def test_an_activity_with_money_is_not_removed_by_a_workbook(
    costed: OperationalPlan, alice: Any
) -> None:
    with translation.override("en"):
        content = build_workbook(costed)
    book = load_workbook(io.BytesIO(content))
    sheet = book["Activities"]
    sheet.delete_rows(
        next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "ACT3")
    )
    budget = book["Budget"]
    budget.delete_rows(
        next(r for r in range(2, budget.max_row + 1) if budget.cell(r, 1).value == "ACT3")
    )
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    with pytest.raises(WorkbookInvalid, match="ACT3 has recorded funding"):
        import_workbook(costed, out, by=alice)
    assert costed.activities.filter(code="ACT3").exists()


# case: (cells to change, sheet, column, message)
BAD: dict[str, tuple[dict[tuple[str, str], Any], str, str | None, str]] = {
    "unknown institution": ({("Activities", "I2"): "ministry-of-magic"}, "Activities", "I", "unknown institution “ministry-of-magic”"),
    "monitor is lead": ({("Activities", "K2"): "mwa"}, "Activities", "K", "must differ from the lead institution"),
    "quarter outside the plan": ({("Activities", "AJ1"): "2031-Q1"}, "Activities", "AJ", "outside the plan period"),
    "negative amount": ({("Budget", "F2"): -1000}, "Budget", "F", "amounts cannot be negative"),
    "not a number": ({("Budget", "G2"): "two"}, "Budget", "G", "“two” is not a number"),
    "unknown source": ({("Budget", "C2"): "lottery"}, "Budget", "C", "unknown funding source “lottery”"),
    "budget year": ({("Budget", "B2"): 2031}, "Budget", "B", "year outside the plan period 2020-2024"),
    "unknown status": ({("Activities", "M2"): "almost"}, "Activities", "M", "unknown status “almost”"),
    "bad quarter mark": ({("Activities", "P2"): "maybe"}, "Activities", "P", "write x or leave empty"),
    "unknown column": ({("Activities", "AL1"): "Colour"}, "Activities", "AL", "unknown column “Colour”"),
    "unknown activity in budget": ({("Budget", "A2"): "ACT99"}, "Budget", "A", "no activity has the code “ACT99”"),
    "duplicate code": ({("Activities", "A3"): "ACT1"}, "Activities", "A", "already used on row 2"),
    "infinite cost": ({("Budget", "F2"): "Infinity"}, "Budget", "F", "“Infinity” is not a number"),
    "not a quantity": ({("Budget", "G2"): "NaN"}, "Budget", "G", "“NaN” is not a number"),
    "huge cost": ({("Budget", "F2"): "1e30"}, "Budget", "F", "is not a number"),
    "line too large": ({("Budget", "F2"): 10**15, ("Budget", "G2"): 10}, "Budget", None, "larger than"),
    "three decimals": ({("Budget", "G2"): 0.335}, "Budget", None, "more than 2 decimals"),
    "huge progress": ({("Activities", "N2"): "1e999999999"}, "Activities", "N", "is not a number"),
    "far-away cell": ({("Activities", "C60000"): "x"}, "Activities", None, "at most 2000 rows"),
    "duplicate column": ({("Activities", "AL1"): "Code"}, "Activities", "AL", "is given twice"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD))
def test_bad_workbooks_are_refused_with_located_errors(
    costed: OperationalPlan, alice: Any, case: str
) -> None:
    changes, sheet, column, message = BAD[case]
    with translation.override("en"):
        content = build_workbook(costed)
        before, audits = snapshot(costed), AuditEntry.objects.count()
        with pytest.raises(WorkbookInvalid) as refused:
            import_workbook(costed, edited(content, changes), by=alice)
    located = [(e.sheet, e.column, e.message) for e in refused.value.errors]
    assert any(s == sheet and c == column and message in m for s, c, m in located), located
    assert snapshot(costed) == before and AuditEntry.objects.count() == audits


def test_not_a_workbook(costed: OperationalPlan, alice: Any) -> None:
    with pytest.raises(WorkbookInvalid) as refused:
        import_workbook(costed, io.BytesIO(b"name,amount\nx,1\n"), by=alice)
    assert "not an Excel workbook" in str(refused.value)


def test_errors_in_french_through_the_site(
    client: Client, costed: OperationalPlan, alice: Any
) -> None:
    client.force_login(alice)
    with translation.override("fr"):
        content = build_workbook(costed)
    bad = edited(content, {("Budget", "F2"): -5, ("Activités", "K2"): "mwa"})
    bad.name = "plan.xlsx"
    response = client.post(f"/fr/plans/{costed.plan.key}/operations/1/import/", {"workbook": bad})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 erreurs : rien n'a été importé." in html
    assert (
        "<td>Budget</td><td>2</td><td>F</td><td>les montants ne peuvent pas être négatifs</td>"
        in html
    )


def test_formulas_are_neutralised_on_export(costed: OperationalPlan, alice: Any) -> None:
    act1 = costed.activities.get(code="ACT1")
    act1.title_en = '=HYPERLINK("http://evil.example","click")'
    act1.save()
    book = load_workbook(io.BytesIO(build_workbook(costed)))
    sheet = book[book.sheetnames[1]]
    cell = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "ACT1")[2]
    assert cell == "'" + act1.title_en  # text, not a formula
    report = import_workbook(costed, io.BytesIO(build_workbook(costed)), by=alice)
    assert "ACT1" in report.unchanged  # and it comes back as it was


def test_adopted_versions_cannot_be_imported_into(
    client: Client, costed: OperationalPlan, alice: Any
) -> None:
    adopt(costed, by=alice)
    client.force_login(alice)
    content = io.BytesIO(build_workbook(costed))
    content.name = "plan.xlsx"
    response = client.post(
        f"/en/plans/{costed.plan.key}/operations/1/import/", {"workbook": content}
    )
    assert "adopted and frozen" in response.content.decode()
    second = create_operational_plan(costed.plan, year=2021, by=alice)
    save_activity(second, activity("ACT8", ["B"], []), by=alice)
    assert second.activities.count() == 4


def test_control_characters_never_break_the_export(costed: OperationalPlan, alice: Any) -> None:
    data = activity("ACT9", ["B"], [])
    data.title_en = "Training\x0bsession"
    with pytest.raises(ValidationError, match="invalid character"):
        save_activity(costed, data, by=alice)
    act1 = costed.activities.get(code="ACT1")
    act1.title_en = "Training\x0bsession"  # written by some other route
    act1.save()
    book = load_workbook(io.BytesIO(build_workbook(costed)))
    row = next(r for r in book[book.sheetnames[1]].iter_rows(values_only=True) if r[0] == "ACT1")
    assert row[2] == "Trainingsession"


def test_a_partner_records_only_its_own_money(
    costed: OperationalPlan, sources: dict[str, Any]
) -> None:
    from datetime import date

    from django.contrib.auth.models import User

    from actors.models import Institution, Role, RoleAssignment
    from operations.actions import record_funding

    ngo = Institution.objects.get(country="XX", key="ngo")
    partner = User.objects.create_user("pat")
    RoleAssignment.objects.create(user=partner, role=Role.PARTNER, institution=ngo)
    act3 = costed.activities.get(code="ACT3").activity
    record_funding(
        act3,
        year=2021,
        source=sources["p1"],
        stage="pledged",
        amount=5,
        on=date(2021, 1, 1),
        by=partner,
        institution=ngo,
    )
    with pytest.raises(ValidationError, match="its own institution"):
        record_funding(
            act3, year=2021, source=sources["p1"], stage="pledged", amount=5, on=date(2021, 1, 1),
            by=partner, institution=Institution.objects.get(country="XX", key="mwa"),
        )  # fmt: skip
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        record_funding(
            act3,
            year=2021,
            source=sources["nb"],
            stage="pledged",
            amount=5,
            on=date(2021, 1, 1),
            by=partner,
        )
