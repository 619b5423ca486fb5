"""Reminders to units that have not reported: what is due when around the
deadline, sent once whatever the number of runs, only for reports still to
come in, in French and English, and through the daily command."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from actors.models import ReportingUnit, Role, RoleAssignment
from nap1325.models import AuditEntry
from reporting import reminders
from reporting.actions import lock_period, open_period
from reporting.models import ReportingPeriod, Submission
from reporting.reminders import ReminderKind, due_reminder, send_reminders
from tests.reporting.conftest import focal_point

pytestmark = pytest.mark.django_db

DEADLINE = date(2021, 4, 15)  # the period fixture's
BEFORE, DEADLINE_DAY, OVERDUE = ReminderKind.BEFORE, ReminderKind.DEADLINE, ReminderKind.OVERDUE


# (today, kinds already sent, days before, days after) → the reminder due
TABLE = [
    (date(2021, 4, 7), set(), 7, 7, None),  # eight days before: too early
    (date(2021, 4, 8), set(), 7, 7, BEFORE),
    (date(2021, 4, 14), set(), 7, 7, BEFORE),  # a missed run catches up
    (date(2021, 4, 14), {"before"}, 7, 7, None),
    (date(2021, 4, 15), set(), 7, 7, DEADLINE_DAY),
    (date(2021, 4, 15), {"before"}, 7, 7, DEADLINE_DAY),
    (date(2021, 4, 16), {"before"}, 7, 7, DEADLINE_DAY),  # the day after, if not sent
    (date(2021, 4, 16), {"before", "deadline"}, 7, 7, None),
    (date(2021, 4, 21), {"deadline"}, 7, 7, None),
    (date(2021, 4, 22), set(), 7, 7, OVERDUE),
    (date(2021, 4, 22), {"before", "deadline"}, 7, 7, OVERDUE),
    (date(2021, 4, 22), {"overdue"}, 7, 7, None),
    (date(2021, 6, 30), set(), 7, 7, OVERDUE),  # after weeks without runs: one, not three
    (date(2021, 4, 10), {"deadline"}, 7, 7, None),  # a later reminder went: no going back
    (date(2021, 4, 5), set(), 10, 7, BEFORE),
    (date(2021, 4, 14), set(), 0, 7, None),  # no reminder before the deadline
    (date(2021, 4, 15), set(), 7, 0, OVERDUE),  # overdue from the deadline day
]


@pytest.mark.parametrize(("today", "sent", "before", "after", "expected"), TABLE)
def test_what_is_due_when(
    today: date, sent: set[str], before: int, after: int, expected: ReminderKind | None
) -> None:
    assert due_reminder(DEADLINE, today, sent, days_before=before, days_after=after) == expected


@pytest.fixture
def remind(django_capture_on_commit_callbacks: Any) -> Any:
    """send_reminders, with the e-mails of committed reminders sent."""

    def run(today: date, **options: Any) -> reminders.Run:
        with django_capture_on_commit_callbacks(execute=True):
            return send_reminders(today, **options)

    return run


@pytest.fixture
def opened(period: ReportingPeriod, units: dict[str, ReportingUnit], alice: Any) -> Submission:
    """The quarter opened, bob focal point of the ministry: its report, in draft."""
    focal_point("bob", units["mwa"])
    open_period(period, by=alice)
    return Submission.objects.get(period=period, unit=units["mwa"])


def test_a_month_of_daily_runs(opened: Submission, remind: Any) -> None:
    sent = {}
    for offset in range(30):
        today = date(2021, 4, 1) + timedelta(days=offset)
        run = remind(today)
        if run.sent:
            sent[today] = [(str(due.submission.unit), due.kind.value) for due in run.sent]
    assert sent == {
        date(2021, 4, 8): [("Ministry of Women (MWA)", "before")],
        date(2021, 4, 15): [("Ministry of Women (MWA)", "deadline")],
        date(2021, 4, 22): [("Ministry of Women (MWA)", "overdue")],
    }
    assert [message.to for message in mail.outbox] == [["bob@example.org"]] * 3
    assert sorted(opened.reminders.values_list("kind", flat=True)) == [
        "before",
        "deadline",
        "overdue",
    ]
    assert (
        AuditEntry.objects.filter(action="submission.remind", object_id=str(opened.uuid)).count()
        == 3
    )


def test_a_unit_without_reporters_is_reported_not_reminded(
    opened: Submission, units: dict[str, ReportingUnit], remind: Any
) -> None:
    run = remind(date(2021, 4, 8))
    assert [str(due.submission.unit) for due in run.unreachable] == ["Women's Network"]
    assert not Submission.objects.get(unit=units["ngo"]).reminders.exists()
    focal_point("nina", units["ngo"])  # someone is assigned: the next run reminds her
    run = remind(date(2021, 4, 9))
    assert [(str(due.submission.unit), due.recipients) for due in run.sent] == [
        ("Women's Network", ["nina@example.org"])
    ]


def test_nothing_for_reports_in_or_periods_not_open(
    opened: Submission, units: dict[str, ReportingUnit], alice: Any, remind: Any
) -> None:
    focal_point("nina", units["ngo"])
    Submission.objects.filter(unit=units["mwa"]).update(status="submitted")
    Submission.objects.filter(unit=units["ngo"]).update(status="validated")
    assert remind(date(2021, 4, 22)).sent == []
    Submission.objects.update(status="draft")
    lock_period(opened.period, by=alice)
    assert remind(date(2021, 4, 22)).sent == []
    assert mail.outbox == []


def test_a_planned_period_reminds_nobody(
    period: ReportingPeriod, units: dict[str, ReportingUnit], remind: Any
) -> None:
    focal_point("bob", units["mwa"])
    Submission.objects.create(period=period, unit=units["mwa"])  # the period is still planned
    assert remind(date(2021, 4, 22)).sent == []


def test_a_returned_report_is_reminded_with_the_reason(opened: Submission, remind: Any) -> None:
    Submission.objects.filter(pk=opened.pk).update(
        status="returned", return_reason="The women's share is missing."
    )
    remind(date(2021, 4, 15))
    assert "The women's share is missing." in str(mail.outbox[0].body)


def test_running_twice_sends_once(opened: Submission, remind: Any) -> None:
    assert len(remind(date(2021, 4, 22)).sent) == 1
    assert remind(date(2021, 4, 22)).sent == []
    assert remind(date(2021, 4, 23)).sent == []
    assert len(mail.outbox) == 1
    assert opened.reminders.count() == 1


def test_two_runs_at_once_send_once(
    opened: Submission, remind: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second run decided before the first recorded: the database refuses it."""
    stale = reminders.due_reminders(date(2021, 4, 22))
    assert len(remind(date(2021, 4, 22)).sent) == 1
    monkeypatch.setattr(reminders, "due_reminders", lambda today: stale)
    assert remind(date(2021, 4, 22)).sent == []
    assert len(mail.outbox) == 1


def test_a_failed_email_is_tried_again(
    opened: Submission, remind: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def mail_server_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError

    with monkeypatch.context() as patch:
        patch.setattr(reminders, "send_mass_mail", mail_server_down)
        run = remind(date(2021, 4, 22))
    assert len(run.failed) == 1 and run.counts["overdue"] == 0
    assert not opened.reminders.exists()
    assert len(remind(date(2021, 4, 23)).sent) == 1
    assert len(mail.outbox) == 1


def test_the_email_is_in_french_and_english(opened: Submission, remind: Any) -> None:
    remind(date(2021, 4, 25))
    (message,) = mail.outbox
    body = str(message.body)
    french, english = body.split("\n---\n")
    assert "15 avril 2021" in french and f"/fr/reports/{opened.uuid}/" in french
    assert "April 15, 2021" in english and f"/en/reports/{opened.uuid}/" in english
    assert "it is 10 days late" in english
    assert " / " in message.subject and "Overdue report" in message.subject


def test_the_command(opened: Submission, django_capture_on_commit_callbacks: Any) -> None:
    out, err = StringIO(), StringIO()
    args = ["--date", "2021-04-22", "--language", "en"]
    call_command("send_reminders", *args, "--dry-run", stdout=out, stderr=err)
    assert out.getvalue().splitlines() == [
        "Overdue: Ministry of Women (MWA) — 2021 T1 → 1 address",
        "Dry run, nothing sent. Due: Deadline approaching: 0, Deadline reached: 0, Overdue: 1.",
    ]
    assert "Women's Network — 2021 T1 → nobody to remind" in err.getvalue()
    assert not opened.reminders.exists() and mail.outbox == []

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", *args, stdout=out, stderr=StringIO())
    assert out.getvalue().splitlines()[-1] == (
        "Reminders sent: Deadline approaching: 0, Deadline reached: 0, Overdue: 1 (1 e-mail)."
    )
    assert opened.reminders.get().kind == "overdue"
    assert len(mail.outbox) == 1
    with pytest.raises(CommandError, match="Not a date"):
        call_command("send_reminders", "--date", "22/04/2021", "--language", "en")


def test_the_period_page_shows_the_last_reminder(
    opened: Submission, alice: Any, remind: Any, client: Client
) -> None:
    remind(date(2021, 4, 15))
    remind(date(2021, 4, 22))
    client.force_login(alice)
    page = client.get(f"/en/plans/{opened.period.plan.key}/periods/{opened.period.uuid}/")
    html = page.content.decode()
    assert "Last reminder" in html
    assert html.count("Overdue, ") == 1 and "Deadline reached, " not in html


def test_a_former_focal_point_is_not_reminded(
    period: ReportingPeriod, units: dict[str, ReportingUnit], alice: Any, remind: Any
) -> None:
    """Bug: an ended focal-point role counted when the person held another role."""
    bob = focal_point("bob", units["mwa"])
    yesterday = timezone.localdate() - timedelta(days=1)
    RoleAssignment.objects.filter(user=bob).update(since=date(2020, 1, 1), until=yesterday)
    RoleAssignment.objects.create(user=bob, role=Role.READER)
    open_period(period, by=alice)
    run = remind(date(2021, 4, 22))
    assert run.sent == []
    assert {str(due.submission.unit) for due in run.unreachable} == {
        "Ministry of Women (MWA)",
        "Women's Network",
    }
