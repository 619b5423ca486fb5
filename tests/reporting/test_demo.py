"""Demonstration reports: named users of each role, two years of quarters in
every state, written through the real actions, marked, and removable."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client

from actors.models import ReportingUnit, Role
from plans.models import IndicatorResponsibility, Plan
from reporting.actions import findings_of
from reporting.models import IndicatorValue, ReportingPeriod, Submission

pytestmark = pytest.mark.django_db


def test_demo_reports(client: Client, mali: Plan) -> None:
    responsibilities = IndicatorResponsibility.objects.count()
    call_command("loadplaces", verbosity=0)
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "8 quarters" in out.getvalue() or "8 trimestres" in out.getvalue()
    assert not mail.outbox  # demonstration users have no mailbox

    periods = ReportingPeriod.objects.filter(plan=mali, demonstration=True)
    assert [p.status for p in periods.order_by("year", "quarter")] == ["locked"] * 6 + ["open"] * 2
    statuses = set(Submission.objects.filter(period__in=periods).values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "returned", "validated"}
    roles = {
        a.role
        for u in User.objects.filter(username__startswith="demo-")
        for a in u.role_assignments.all()
    }
    assert roles == set(Role) - {Role.ADMINISTRATOR}  # the administrator is `demo` (demo_login)
    for report in Submission.objects.filter(status__in=["submitted", "validated"])[:20]:
        assert not [f for f in findings_of(report) if f.blocking]
    no_data = IndicatorValue.objects.filter(no_data=True).count()
    assert 0 < no_data < IndicatorValue.objects.filter(cell="").count()
    # Regional directorates report, and measured indicators get yearly targets
    # spread over every status band, for the dashboards to show something.
    from analytics.progress import progress_table
    from plans.models import IndicatorTarget

    regional = ReportingUnit.objects.filter(institution__key="mpfef", place__isnull=False)
    assert regional.count() == 10 and Submission.objects.filter(unit__in=regional).exists()
    bands = {row.band for row in progress_table(mali, 2021)}
    assert {"behind", "on_track", "above"} <= bands

    # Governance: the NMC met in every quarter but one (missed), the steering
    # committee once a year; recommendations in every state; four risks.
    from analytics.aggregation import Span, aggregate
    from governance.meetings import missed_meetings, overdue
    from governance.models import Meeting, Recommendation, Risk, RiskReview

    nmc = mali.bodies.get(kind="monitoring_committee")
    assert Meeting.objects.filter(body=nmc, held_on__year=2022).count() == 3
    assert len(missed_meetings(nmc, 2022)) == 1 and not missed_meetings(nmc, 2021)
    meetings_held = mali.indicators.get(key="coordination.I1")
    assert aggregate(meetings_held, Span.year(2021)).value == 5  # 4 NMC + 1 steering
    statuses = set(Recommendation.objects.values_list("status", flat=True))
    assert statuses == {"open", "in_progress", "done", "dropped"}
    assert overdue(mali, date(2022, 1, 1)).count() == 2  # open and in progress
    assert Risk.objects.count() == 4 and RiskReview.objects.count() == 5

    from reporting.reminders import send_reminders

    assert send_reminders(dry_run=True).sent == []  # nobody is reminded of fictitious reports
    fatou = User.objects.get(username="demo-fatou")
    client.force_login(fatou)
    page = client.get("/en/reports/").content.decode()
    assert "demo-banner" in page and "MPFEF" in page and "Ministry of Justice" not in page
    own = Submission.objects.filter(unit__institution__key="mpfef").order_by("pk").first()
    assert own is not None and client.get(f"/en/reports/{own.uuid}/").status_code == 200
    other = Submission.objects.exclude(unit__institution__key="mpfef").first()
    assert other is not None and client.get(f"/en/reports/{other.uuid}/").status_code == 403

    call_command("demo", "--remove", stdout=io.StringIO())
    assert not ReportingPeriod.objects.exists() and not Submission.objects.exists()
    assert not User.objects.filter(username__startswith="demo-").exists()
    assert IndicatorResponsibility.objects.count() == responsibilities
    assert not IndicatorTarget.objects.exists() and not regional.exists()
    assert not Meeting.objects.exists() and not Recommendation.objects.exists()
    assert not Risk.objects.exists()
    assert "demo-banner" not in client.get("/en/").content.decode()
