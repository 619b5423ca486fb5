"""What a report holds, through its actions and pages: figures saved as
drafts and audited, "no data" kept apart from 0, stale copies and locked
periods refused, two people saving at once, evidence files kept safe."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.utils import translation

from actors.models import ReportingUnit
from nap1325.models import AuditEntry
from plans.models import Indicator
from reporting.actions import lock_period, open_period, save_report
from reporting.entries import ReportInput, ValueInput
from reporting.evidence import attach_evidence
from reporting.models import Evidence, IndicatorValue, ReportingPeriod, Submission
from tests.reporting.conftest import focal_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(period: ReportingPeriod, units: dict[str, ReportingUnit], alice: Any) -> Submission:
    open_period(period, by=alice)
    return Submission.objects.get(period=period, unit=units["mwa"])


def figures(report: Submission, **values: ValueInput) -> ReportInput:
    plan = report.period.plan
    return ReportInput(
        values={
            (Indicator.objects.get(plan=plan, key=key.replace("_", ".")).pk, ""): figure
            for key, figure in values.items()
        }
    )


def test_no_data_is_not_zero(report: Submission, units: dict[str, ReportingUnit]) -> None:
    bob = focal_point("bob", units["mwa"])
    save_report(
        report,
        figures(report, C1=ValueInput(value=Decimal(0)), B_I1=ValueInput(no_data=True)),
        by=bob,
        revision=report.revision,
    )
    stored = {v.indicator.key: v for v in IndicatorValue.objects.filter(submission=report)}
    assert (stored["C1"].value, stored["C1"].no_data) == (0, False)
    assert (stored["B.I1"].value, stored["B.I1"].no_data) == (None, True)


def test_saving_nothing_new_writes_nothing(
    report: Submission, units: dict[str, ReportingUnit]
) -> None:
    bob = focal_point("bob", units["mwa"])
    data = figures(report, C1=ValueInput(value=Decimal(4)))
    assert save_report(report, data, by=bob, revision=report.revision).changes == 1
    assert save_report(report, data, by=bob, revision=report.revision).changes == 0
    assert AuditEntry.objects.filter(action="value.change").count() == 1


def test_a_stale_copy_overwrites_nothing(
    report: Submission, units: dict[str, ReportingUnit]
) -> None:
    bob = focal_point("bob", units["mwa"])
    opened = report.revision
    save_report(report, figures(report, C1=ValueInput(value=Decimal(4))), by=bob, revision=opened)
    with pytest.raises(ValidationError, match="Someone changed this report"):
        save_report(
            report, figures(report, C1=ValueInput(value=Decimal(9))), by=bob, revision=opened
        )
    assert IndicatorValue.objects.get(submission=report).value == 4


def test_others_and_locked_periods_are_refused(
    report: Submission, units: dict[str, ReportingUnit], alice: Any
) -> None:
    dina = focal_point("dina", units["ngo"])
    with pytest.raises(PermissionDenied):
        save_report(
            report, figures(report, C1=ValueInput(value=Decimal(1))), by=dina, revision=None
        )
    lock_period(report.period, by=alice)
    with pytest.raises(ValidationError, match="not open"):
        save_report(
            report, figures(report, C1=ValueInput(value=Decimal(1))), by=alice, revision=None
        )
    assert not IndicatorValue.objects.exists()


def test_a_figure_the_report_does_not_ask_for_is_refused(
    report: Submission, units: dict[str, ReportingUnit]
) -> None:
    bob = focal_point("bob", units["mwa"])
    narrative = Indicator.objects.get(plan=report.period.plan, key="B.I2")  # the network's
    with pytest.raises(ValidationError, match="does not ask for"):
        save_report(report, ReportInput(values={(narrative.pk, ""): ValueInput(text="x")}),
                    by=bob, revision=None)  # fmt: skip


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_one_wins(
    period: ReportingPeriod, units: dict[str, ReportingUnit], alice: Any
) -> None:
    open_period(period, by=alice)
    report = Submission.objects.get(period=period, unit=units["mwa"])
    bob, bea = focal_point("bob", units["mwa"]), focal_point("bea", units["mwa"])
    opened = report.revision
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(user: Any, value: int) -> None:
        try:
            barrier.wait()
            translation.activate("en")  # each thread has its own language
            save_report(
                Submission.objects.get(pk=report.pk),
                figures(report, C1=ValueInput(value=Decimal(value))),
                by=user,
                revision=opened,
            )
            outcomes[user.username] = "saved"
        except ValidationError as exc:
            outcomes[user.username] = exc.messages[0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=args) for args in ((bob, 5), (bea, 7))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values())[1] == "saved"
    assert "Someone changed this report" in sorted(outcomes.values())[0]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    stored = IndicatorValue.objects.get(submission=report)
    assert stored.value == {"bob": 5, "bea": 7}[winner]
    assert AuditEntry.objects.filter(action="value.change").count() == 1


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("minutes.pdf", b"%PDF-1.7 minutes", True),
        ("photo.png", b"\x89PNG\r\n\x1a\n....", True),
        ("list.csv", "nom;région\nAïcha;Kayes\n".encode(), True),
        ("report.docx", b"PK\x03\x04 word", True),
        ("page.html", b"<html><script>alert(1)</script>", False),
        ("notes.txt", b"<!doctype html><script>alert(1)</script>", False),
        ("fake.pdf", b"<html>not a pdf", False),
        ("tool.exe", b"MZ\x90\x00", False),
        ("empty.pdf", b"", False),
    ],
)
def test_evidence_files(
    report: Submission, units: dict[str, ReportingUnit], name: str, content: bytes, accepted: bool
) -> None:
    bob = focal_point("bob", units["mwa"])
    upload = SimpleUploadedFile(name, content)
    if accepted:
        evidence = attach_evidence(report, upload, description="", by=bob)
        with evidence.file.open("rb") as stored:
            assert stored.read() == content
        assert "/" + name not in (evidence.file.name or "")
    else:
        with pytest.raises(ValidationError):
            attach_evidence(report, upload, description="", by=bob)
        assert not Evidence.objects.exists()


def test_evidence_is_limited_in_size(
    report: Submission, units: dict[str, ReportingUnit], settings: Any
) -> None:
    settings.EVIDENCE_MAX_BYTES = 1000
    bob = focal_point("bob", units["mwa"])
    with pytest.raises(ValidationError, match="larger than"):
        attach_evidence(
            report, SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000), description="", by=bob
        )
    assert not Evidence.objects.exists()


def test_evidence_is_always_downloaded_by_those_who_may_read_it(
    client: Client, report: Submission, units: dict[str, ReportingUnit]
) -> None:
    bob, dina = focal_point("bob", units["mwa"]), focal_point("dina", units["ngo"])
    client.force_login(bob)
    page = f"/en/reports/{report.uuid}/"
    upload = SimpleUploadedFile("liste.txt", b"Participantes : 12")
    assert (
        client.post(page + "evidence/", {"file": upload, "description": "List"}).status_code == 302
    )
    evidence = Evidence.objects.get()
    assert "liste.txt" in client.get(page).content.decode()
    response = client.get(f"{page}evidence/{evidence.uuid}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"Participantes : 12"  # type: ignore[attr-defined]
    client.force_login(dina)
    assert client.get(f"{page}evidence/{evidence.uuid}/").status_code == 403
    assert client.post(f"{page}evidence/{evidence.uuid}/remove/").status_code == 403
    client.force_login(bob)
    assert client.post(f"{page}evidence/{evidence.uuid}/remove/").status_code == 302
    assert not Evidence.objects.exists()
    assert [
        e.action for e in AuditEntry.objects.filter(action__startswith="evidence.").order_by("pk")
    ] == [
        "evidence.add",
        "evidence.remove",
    ]


def test_a_form_with_a_bad_number_saves_nothing(
    client: Client, report: Submission, units: dict[str, ReportingUnit]
) -> None:
    from tests.reporting.conftest import form_data

    bob = focal_point("bob", units["mwa"])
    client.force_login(bob)
    url = f"/fr/reports/{report.uuid}/"
    data = form_data(client.get(url).content.decode())
    meetings = Indicator.objects.get(plan=report.period.plan, key="C1")
    data[f"v{meetings.pk}~~value"] = "douze"
    html = client.post(url, data).content.decode()
    assert "Nombre" in html or "nombre" in html
    assert not IndicatorValue.objects.exists()
    data[f"v{meetings.pk}~~value"] = "12,5"  # a French decimal comma is understood
    client.post(url, data)
    assert IndicatorValue.objects.get(indicator=meetings).value == Decimal("12.5")


def test_answers_from_lists_survive_saving_again(
    client: Client, report: Submission, units: dict[str, ReportingUnit]
) -> None:
    from tests.reporting.conftest import form_data

    client.force_login(focal_point("bob", units["mwa"]))
    url = f"/en/reports/{report.uuid}/"
    law = Indicator.objects.get(plan=report.period.plan, key="A.2.I2")
    data = form_data(client.get(url).content.decode())
    data[f"v{law.pk}~~value"] = "1"
    client.post(url, data)
    data = form_data(client.get(url).content.decode())
    assert data[f"v{law.pk}~~value"] == "1"  # shown as chosen, not as "—"
    client.post(url, data)
    assert IndicatorValue.objects.get(indicator=law).value == 1


def test_no_data_with_a_figure_is_refused_not_an_error_page(
    client: Client, report: Submission, units: dict[str, ReportingUnit]
) -> None:
    from tests.reporting.conftest import form_data

    client.force_login(focal_point("bob", units["mwa"]))
    url = f"/en/reports/{report.uuid}/"
    meetings = Indicator.objects.get(plan=report.period.plan, key="C1")
    data = form_data(client.get(url).content.decode())
    data.update({f"v{meetings.pk}~~value": "3", f"v{meetings.pk}~~no_data": "on"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "“No data” is ticked but a figure is given: keep one." in response.content.decode()
    assert not IndicatorValue.objects.exists()
    bea = focal_point("bea", units["mwa"])
    with pytest.raises(ValidationError, match="No data"):
        save_report(report, figures(report, C1=ValueInput(value=Decimal(3), no_data=True)),
                    by=bea, revision=None)  # fmt: skip


def test_a_percentages_history_is_its_computed_value(
    period: ReportingPeriod, units: dict[str, ReportingUnit], alice: Any
) -> None:
    from reporting.actions import submit
    from reporting.content import expected

    bob = focal_point("bob", units["mwa"])
    second = ReportingPeriod.objects.create(
        plan=period.plan, kind="quarter", year=2021, quarter=2,
        opens_on=period.opens_on, deadline=period.deadline,
    )  # fmt: skip
    open_period(period, by=alice)
    first = Submission.objects.get(period=period, unit=units["mwa"])
    save_report(first, figures(first, A_I1=ValueInput(numerator=Decimal(1), denominator=Decimal(8))),
                by=bob, revision=None)  # fmt: skip
    submit(first, by=bob)
    open_period(second, by=alice)
    later = Submission.objects.get(period=second, unit=units["mwa"])
    row = next(r for r in expected(later).indicators if r.indicator.key == "A.I1")
    assert row.history == [Decimal("12.5")]


def test_the_tmu_does_not_validate_a_report_changed_since_it_was_read(
    client: Client, report: Submission, units: dict[str, ReportingUnit], alice: Any
) -> None:
    from reporting.actions import return_for_revision, submit

    bob = focal_point("bob", units["mwa"])
    submit(report, by=bob)
    seen = Submission.objects.get(pk=report.pk).revision
    return_for_revision(report, by=alice, reason="Add the minutes.")
    submit(report, by=bob)
    client.force_login(alice)
    html = client.post(
        f"/en/reports/{report.uuid}/validate/", {"revision": str(seen)}, follow=True
    ).content.decode()
    assert "Someone changed this report since you opened it" in html
    assert Submission.objects.get(pk=report.pk).status == "submitted"


def test_a_figures_history_speaks_plainly(
    client: Client, report: Submission, units: dict[str, ReportingUnit]
) -> None:
    bob = focal_point("bob", units["mwa"])
    save_report(report, figures(report, C1=ValueInput(value=Decimal(4))), by=bob, revision=None)
    save_report(report, figures(report, C1=ValueInput(no_data=True, comment="Not collected.")),
                by=bob, revision=None, reason="The registers were lost.")  # fmt: skip
    client.force_login(bob)
    figure = IndicatorValue.objects.get(submission=report)
    html = client.get(f"/en/reports/{report.uuid}/values/{figure.uuid}/").content.decode()
    assert "Breakdown: Total" in html
    assert "Value: 4" in html and "No data: yes" in html and "Comment: Not collected." in html
    assert "The registers were lost." in html and "no_data" not in html


@pytest.mark.parametrize(
    ("language", "shown"),
    [("fr", ["12", "3", "8", "1500000,5"]), ("en", ["12", "3", "8", "1500000.5"])],
)
def test_the_form_shows_figures_as_they_were_typed(
    client: Client,
    report: Submission,
    units: dict[str, ReportingUnit],
    language: str,
    shown: list[str],
) -> None:
    """The database keeps four decimals; the form does not show 12 as "12,0000"."""
    from tests.reporting.conftest import form_data

    bob = focal_point("bob", units["mwa"])
    save_report(
        report,
        figures(
            report,
            C1=ValueInput(value=Decimal(12)),
            A_I1=ValueInput(numerator=Decimal(3), denominator=Decimal(8)),
            B_I1=ValueInput(value=Decimal("1500000.5")),
        ),
        by=bob,
        revision=report.revision,
    )
    client.force_login(bob)
    data = form_data(client.get(f"/{language}/reports/{report.uuid}/").content.decode())
    plan = report.period.plan
    pk = {key: Indicator.objects.get(plan=plan, key=key).pk for key in ("C1", "A.I1", "B.I1")}
    assert [
        data[f"v{pk['C1']}~~value"],
        data[f"v{pk['A.I1']}~~numerator"],
        data[f"v{pk['A.I1']}~~denominator"],
        data[f"v{pk['B.I1']}~~value"],
    ] == shown
