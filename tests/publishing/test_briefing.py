"""The quarterly briefing of the National Monitoring Committee, worked out
by hand on the small plan: what changed since Q1 2021, what is late, what is
overdue at the end of Q2 2021."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client

from actors.models import Institution, ReportingUnit
from analytics.progress import Band
from operations.actions import adopt, create_operational_plan, save_activity
from plans.models import Indicator, Plan
from publishing.briefing import briefing, default_quarter
from reporting.models import ActivityReport, IndicatorValue, ReportingPeriod, Submission
from tests.operations.conftest import activity

pytestmark = pytest.mark.django_db

TODAY = date(2021, 8, 10)


@pytest.fixture
def world(xx: Plan, alice: Any) -> dict[str, Any]:
    units = {
        key: ReportingUnit.objects.create(
            country="XX", institution=Institution.objects.get(country="XX", key=key)
        )
        for key in ("mwa", "ngo")
    }
    periods = {
        quarter: ReportingPeriod.objects.create(
            plan=xx, kind="quarter", year=2021, quarter=quarter, status="open",
            opens_on=date(2021, 3 * quarter, 15), deadline=deadline,
        )
        for quarter, deadline in ((1, date(2021, 4, 30)), (2, date(2021, 7, 30)),
                                  (3, date(2021, 10, 30)))
    }  # fmt: skip
    reports = {
        ("mwa", 1): Submission.objects.create(period=periods[1], unit=units["mwa"],
                                              status="validated"),
        ("mwa", 2): Submission.objects.create(period=periods[2], unit=units["mwa"],
                                              status="validated"),
        ("ngo", 1): Submission.objects.create(period=periods[1], unit=units["ngo"],
                                              status="submitted"),
        ("ngo", 2): Submission.objects.create(period=periods[2], unit=units["ngo"],
                                              status="draft"),
        ("ngo", 3): Submission.objects.create(period=periods[3], unit=units["ngo"],
                                              status="draft"),
    }  # fmt: skip
    meetings = Indicator.objects.get(plan=xx, key="C1")  # cumulative, 2021 target 4
    IndicatorValue.objects.create(submission=reports["mwa", 1], indicator=meetings, value=D(1))
    IndicatorValue.objects.create(submission=reports["mwa", 2], indicator=meetings, value=D(4))

    version = create_operational_plan(xx, year=2021, by=alice)
    done = save_activity(version, activity("DONE", ["A.1"], [], quarters=[(2021, 1)]), by=alice)
    save_activity(version, activity("LATE1", ["A.1"], [], quarters=[(2021, 1)]), by=alice)
    save_activity(version, activity("LATE2", ["A.2"], [], quarters=[(2021, 2), (2021, 3)]),
                  by=alice)  # fmt: skip
    save_activity(version, activity("LATER", ["A.2"], [], quarters=[(2021, 4)]), by=alice)
    adopt(version, by=alice)
    ActivityReport.objects.create(
        submission=reports["mwa", 1], activity=done.activity, status="completed", progress=100
    )
    return {"plan": xx, "units": units}


def test_what_changed_and_what_is_late_at_the_end_of_the_second_quarter(
    world: dict[str, Any],
) -> None:
    content = briefing(world["plan"], 2021, 2, today=TODAY)
    assert content.previous == (2021, 1)
    [change] = content.changed
    assert (change.indicator.key, change.previous, change.current, change.change) == (
        "C1", 1, 4, 3,
    )  # fmt: skip
    # 1 of 4 meetings was behind; 4 of 4 is on track.
    [on] = content.newly_on_track
    assert (on.indicator.key, on.previous_band, on.current_band) == (
        "C1", Band.BEHIND, Band.ON_TRACK,
    )  # fmt: skip
    assert content.newly_off_track == []
    # The network's Q2 report is past its deadline (30 July) and still a draft;
    # its Q3 report is not due yet.
    [late] = content.late_reports
    assert (late.submission.unit, late.submission.period.quarter, late.days) == (
        world["units"]["ngo"], 2, 11,
    )  # fmt: skip
    [waiting] = content.waiting
    assert waiting.submission.unit == world["units"]["ngo"]
    assert waiting.submission.period.quarter == 1
    # LATE1 ended in Q1 without a word; LATE2 began in Q2 and nobody says it
    # started; DONE is completed; LATER is scheduled for Q4.
    overdue = {row.activity.code: row for row in content.overdue_activities}
    assert set(overdue) == {"LATE1", "LATE2"}
    assert overdue["LATE1"].new is False  # overdue since Q1 already
    assert overdue["LATE2"].new is True
    assert overdue["LATE2"].status is None
    assert content.overdue_recommendations == []


def test_submitted_reports_count_when_asked(world: dict[str, Any]) -> None:
    report = Submission.objects.get(unit=world["units"]["ngo"], period__quarter=1)
    ActivityReport.objects.create(
        submission=report,
        activity=world["plan"].activities.get(versions__code="LATE1"),
        status="completed",
        progress=100,
    )
    codes = {
        row.activity.code
        for row in briefing(
            world["plan"], 2021, 2, today=TODAY, include_submitted=True
        ).overdue_activities
    }
    assert codes == {"LATE2"}


def test_the_default_quarter_is_the_latest_past_its_deadline(world: dict[str, Any]) -> None:
    plan = world["plan"]
    assert default_quarter(plan, date(2021, 8, 1)) == (2021, 2)
    assert default_quarter(plan, date(2021, 4, 1)) == (2021, 3)  # none past: the latest
    plan.periods.all().delete()
    assert default_quarter(plan, date(2022, 5, 1)) == (2022, 2)
    assert default_quarter(plan, date(2031, 5, 1)) == (2024, 4)


def test_the_page_in_english_and_in_french(
    client: Client, world: dict[str, Any], alice: Any
) -> None:
    plan = world["plan"]
    url = f"/en/plans/{plan.key}/briefing/2021/2/"
    assert client.get(url).status_code == 302  # to log in
    client.force_login(alice)
    html = client.get(url).content.decode()
    assert "Meetings held" in html
    assert '<td class="num">1</td>' in html and '<td class="num">4</td>' in html
    assert '<td class="num">+3</td>' in html
    assert "Women&#x27;s Network" in html  # its report is late
    assert "Activity LATE1" in html and "Activity LATE2" in html
    assert "Activity DONE" not in html
    assert "Not reported" in html  # nobody said a word on LATE2
    assert "On track" in html
    french = client.get(f"/fr/plans/{plan.key}/briefing/2021/2/").content.decode()
    assert '<html lang="fr">' in french
    assert "Réunions tenues" in french and "Réseau des femmes" in french
    assert "Activité LATE2" in french and "Sur la bonne voie" in french
    assert "Projet" in french  # the late report is a draft
    assert client.get(f"/en/plans/{plan.key}/briefing/2031/1/").status_code == 404
    assert client.get(f"/en/plans/{plan.key}/briefing/2021/5/").status_code == 404
    default = client.get(f"/en/plans/{plan.key}/briefing/").content.decode()
    assert "National Monitoring Committee: Q3 2021</h1>" in default  # its deadline is past


def test_people_without_a_role_are_refused(client: Client, world: dict[str, Any], bob: Any) -> None:
    client.force_login(bob)
    assert client.get(f"/en/plans/{world['plan'].key}/briefing/").status_code == 403
