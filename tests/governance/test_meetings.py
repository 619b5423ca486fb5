"""Meetings of the plan's bodies: alice (M&E officer of the TMU) records the
National Monitoring Committee's quarter meeting with who attended; bob, who
has no role, cannot; attendance is by members of the body on the day; the
meetings-held indicator of the Mali plan counts them; quarters without a
meeting are missed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actors.models import Body, BodyMembership, Institution, Role, RoleAssignment
from analytics.aggregation import Span, aggregate
from governance import meetings
from governance.meetings import (
    AttendeeInput,
    MeetingInput,
    RecommendationInput,
    add_recommendation,
    record_meeting,
)
from governance.models import Meeting
from nap1325.models import AuditEntry
from plans.models import Plan
from publishing.briefing import briefing
from tests.support import logged_in

pytestmark = pytest.mark.django_db

Q1_2021 = date(2021, 2, 10)


@pytest.fixture
def nmc(mali: Plan) -> Body:
    return Body.objects.get(country="ML", key="nmc")


@pytest.fixture
def sc(mali: Plan) -> Body:
    return Body.objects.get(country="ML", key="sc")


def member(body: Body, institution: str) -> BodyMembership:
    return body.memberships.get(institution__key=institution)


def meeting_post(nmc: Body, held_on: date, rows: list[tuple[BodyMembership, str, str]]) -> dict:
    data: dict[str, Any] = {
        "body": nmc.pk,
        "held_on": held_on.isoformat(),
        "place": "Bamako, MPFEF",
        "agenda": "1. Rapport du trimestre",
        "minutes": "Le comité a examiné le rapport.",
        "decisions": "Valider le rapport.",
        "attendance-TOTAL_FORMS": str(len(rows) + 1),
        "attendance-INITIAL_FORMS": "0",
        "attendance-MIN_NUM_FORMS": "0",
        "attendance-MAX_NUM_FORMS": "1000",
    }
    for n, (membership, person, sex) in enumerate(rows):
        data[f"attendance-{n}-membership"] = membership.pk
        data[f"attendance-{n}-person"] = person
        data[f"attendance-{n}-sex"] = sex
    return data


def meetings_held(plan: Plan, span: Span, cell: str = "") -> Decimal | None:
    indicator = plan.indicators.get(key="coordination.I1")
    return aggregate(indicator, span, cell=cell).value


def test_the_tmu_records_a_quarter_s_nmc_meeting_and_two_recommendations(
    mali: Plan, nmc: Body, alice: Any
) -> None:
    """The issue's "done when", through the site."""
    assert meetings_held(mali, Span.quarter(2021, 1)) == 0
    client = logged_in(alice)
    rows = [
        (member(nmc, "mpfef"), "Aminata Traoré", "female"),
        (member(nmc, "mj"), "Moussa Keïta", "male"),
        (member(nmc, "un-women"), "Fatoumata Diallo", "female"),
    ]
    response = client.post(
        reverse("meeting_new", args=[mali.key]), meeting_post(nmc, Q1_2021, rows)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get(body=nmc, held_on=Q1_2021)
    assert meeting.recorded_by == alice
    assert meetings.women_share(meeting) == (2, 3)
    assert AuditEntry.objects.filter(action="meeting.record", object_id=str(meeting.uuid)).exists()
    mj = Institution.objects.get(country="ML", key="mj")
    for text, due in [("Publier le rapport annuel.", "2021-03-31"), ("Former les points focaux.",
                                                                      "2031-12-31")]:  # fmt: skip
        response = client.post(
            reverse("recommendation_new", args=[mali.key]),
            {"source": "meeting", "meeting": meeting.pk, "text_fr": text, "owner": mj.pk,
             "due_on": due},
        )  # fmt: skip
        assert response.status_code == 302
    assert meeting.recommendations.count() == 2

    # The governance indicator counts the meeting, in its quarter only.
    assert meetings_held(mali, Span.quarter(2021, 1)) == 1
    assert meetings_held(mali, Span.year(2021)) == 1
    assert meetings_held(mali, Span.quarter(2021, 2)) == 0
    assert meetings_held(mali, Span.year(2021), "committee:committee-monitoring") == 1
    assert meetings_held(mali, Span.year(2021), "committee:committee-steering") == 0

    # The overdue one is on the follow-up page and in the quarterly briefing.
    page = Client().get(reverse("recommendations", args=[mali.key])).content.decode()
    overdue_part = page[page.index('id="overdue"') : page.index('id="all"')]
    assert "Publier le rapport annuel." in overdue_part
    assert "Former les points focaux." not in overdue_part
    content = briefing(mali, 2021, 2, today=timezone.localdate())
    assert [str(r.recommendation) for r in content.overdue_recommendations or []] == [
        "Publier le rapport annuel."
    ]
    page = client.get(reverse("briefing_quarter", args=[mali.key, 2021, 2])).content.decode()
    assert "Publier le rapport annuel." in page
    # In Q1's briefing it is due on the quarter's last day: overdue after it.
    assert (
        len(briefing(mali, 2021, 1, today=timezone.localdate()).overdue_recommendations or []) == 1
    )
    assert briefing(mali, 2020, 4, today=timezone.localdate()).overdue_recommendations == []


def test_the_meeting_page_shows_attendance_and_women_s_share(
    mali: Plan, nmc: Body, alice: Any
) -> None:
    record_meeting(
        mali,
        MeetingInput(nmc, Q1_2021, place="Bamako", attendance=[
            AttendeeInput(member(nmc, "mpfef"), "female", "Aminata Traoré"),
            AttendeeInput(member(nmc, "mj"), "male"),
        ]),
        by=alice,
    )  # fmt: skip
    meeting = Meeting.objects.get(body=nmc)
    page = Client().get(reverse("meeting", args=[mali.key, meeting.uuid])).content.decode()
    assert "Aminata Traoré" in page
    assert "2 people present" in page and "1 women (50 %)" in page
    listing = Client().get(reverse("meetings", args=[mali.key]) + "?year=2021").content.decode()
    assert reverse("meeting", args=[mali.key, meeting.uuid]) in listing


@pytest.mark.parametrize(
    ("language", "name"),
    [("fr", "Comité national de suivi du PAN 1325"),
     ("en", "National Monitoring Committee for National Action Plan 1325")],
)  # fmt: skip
def test_pages_speak_french_and_english(
    mali: Plan, nmc: Body, alice: Any, language: str, name: str
) -> None:
    meeting = record_meeting(mali, MeetingInput(nmc, Q1_2021), by=alice)
    recommendation = add_recommendation(
        mali,
        RecommendationInput("meeting", Institution.objects.get(country="ML", key="mj"),
                            date(2021, 6, 30), text_fr="Le texte", text_en="The text",
                            meeting=meeting),
        by=alice,
    )  # fmt: skip
    text = {"fr": "Le texte", "en": "The text"}[language]
    client = logged_in(alice)
    for url, shown in [
        (f"/{language}/plans/{mali.key}/meetings/?year=2021", name),
        (f"/{language}/plans/{mali.key}/meetings/{meeting.uuid}/", name),
        (f"/{language}/plans/{mali.key}/meetings/new/", name),
        (f"/{language}/plans/{mali.key}/recommendations/", text),
        (f"/{language}/plans/{mali.key}/recommendations/{recommendation.uuid}/", name),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()
        assert shown in response.content.decode(), url


# --- who may record ----------------------------------------------------------


def test_only_the_tmu_records_meetings(mali: Plan, nmc: Body, bob: Any) -> None:
    data = meeting_post(nmc, Q1_2021, [(member(nmc, "mpfef"), "", "female")])
    url = reverse("meeting_new", args=[mali.key])
    assert Client().post(url, data).status_code == 302  # to the login page
    assert logged_in(bob).post(url, data).status_code == 403
    focal = type(bob).objects.create_user("focal")
    from actors.models import ReportingUnit

    unit = ReportingUnit.objects.create(
        country="ML", institution=Institution.objects.get(country="ML", key="mj")
    )
    RoleAssignment.objects.create(user=focal, role=Role.FOCAL_POINT, unit=unit)
    reader = type(bob).objects.create_user("reader")
    RoleAssignment.objects.create(user=reader, role=Role.READER)
    for user in (focal, reader):
        assert logged_in(user).post(url, data).status_code == 403
        assert logged_in(user).get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        record_meeting(mali, MeetingInput(nmc, Q1_2021), by=bob)
    assert not Meeting.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="meeting.").exists()


def test_the_tmu_changes_a_meeting_and_the_change_is_audited(
    mali: Plan, nmc: Body, alice: Any, bob: Any
) -> None:
    meeting = record_meeting(mali, MeetingInput(nmc, Q1_2021, place="Bamako"), by=alice)
    url = reverse("meeting_edit", args=[mali.key, meeting.uuid])
    assert logged_in(bob).get(url).status_code == 403
    assert logged_in(alice).get(url).status_code == 200
    data = meeting_post(nmc, date(2021, 2, 11), [(member(nmc, "mj"), "", "male")])
    assert logged_in(alice).post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.held_on == date(2021, 2, 11) and meeting.attendance.count() == 1
    change = AuditEntry.objects.get(action="meeting.change")
    before, after = change.before or {}, change.after or {}
    assert before["held_on"] == "2021-02-10" and after["held_on"] == "2021-02-11"


# --- bad input ---------------------------------------------------------------


def test_attendance_by_a_member_of_another_body_is_refused(
    mali: Plan, nmc: Body, sc: Body, alice: Any
) -> None:
    data = meeting_post(nmc, Q1_2021, [(member(sc, "un-women"), "", "female")])
    response = logged_in(alice).post(reverse("meeting_new", args=[mali.key]), data)
    assert response.status_code == 200
    assert "is not a member of" in response.content.decode()
    assert not Meeting.objects.exists()
    with pytest.raises(ValidationError) as refused:
        record_meeting(
            mali,
            MeetingInput(nmc, Q1_2021, attendance=[AttendeeInput(member(sc, "un-women"),
                                                                 "female")]),
            by=alice,
        )  # fmt: skip
    assert "attendance" in refused.value.message_dict


def test_attendance_by_a_member_not_in_office_on_the_day_is_refused(
    mali: Plan, nmc: Body, alice: Any
) -> None:
    former = member(nmc, "mj")
    former.until = date(2020, 12, 31)
    former.save()
    late = member(nmc, "men")
    late.since = date(2021, 6, 1)
    late.save()
    for membership in (former, late):
        with pytest.raises(ValidationError) as refused:
            record_meeting(
                mali,
                MeetingInput(nmc, Q1_2021, attendance=[AttendeeInput(membership, "male")]),
                by=alice,
            )
        assert "was not a member of" in " ".join(refused.value.message_dict["attendance"])
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"held_on": "2999-01-01"}, "held_on", "cannot be in the future"),
        ({"attendance-0-sex": ""}, "sex", "Give the sex"),
        ({"body": "999999"}, "body", "Select a valid choice"),
    ],
)
def test_bad_meeting_input_is_refused_on_the_page(
    mali: Plan, nmc: Body, alice: Any, change: dict, field: str, words: str
) -> None:
    data = meeting_post(nmc, Q1_2021, [(member(nmc, "mpfef"), "", "female")]) | change
    response = logged_in(alice).post(reverse("meeting_new", args=[mali.key]), data)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_body_of_another_plan_and_a_second_meeting_the_same_day_are_refused(
    mali: Plan, nmc: Body, alice: Any
) -> None:
    stranger = Body.objects.create(country="ML", key="other", kind="other", name_fr="Autre",
                                   name_en="Other")  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        record_meeting(mali, MeetingInput(stranger, Q1_2021), by=alice)
    assert "body" in refused.value.message_dict
    record_meeting(mali, MeetingInput(nmc, Q1_2021), by=alice)
    with pytest.raises(ValidationError) as refused:
        record_meeting(mali, MeetingInput(nmc, Q1_2021), by=alice)
    assert "held_on" in refused.value.message_dict
    assert Meeting.objects.count() == 1


def test_a_meeting_today_is_fine_tomorrow_is_not(mali: Plan, nmc: Body, alice: Any) -> None:
    today = date(2021, 3, 1)
    record_meeting(mali, MeetingInput(nmc, today), by=alice, today=today)
    with pytest.raises(ValidationError):
        record_meeting(mali, MeetingInput(nmc, date(2021, 3, 2)), by=alice, today=today)


def test_minutes_files_are_checked_and_only_for_accounts(mali: Plan, nmc: Body, alice: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        record_meeting(
            mali, MeetingInput(nmc, Q1_2021), by=alice,
            minutes_file=SimpleUploadedFile("minutes.exe", b"MZ\x90\x00"),
        )  # fmt: skip
    assert "minutes_file" in refused.value.message_dict
    meeting = record_meeting(
        mali, MeetingInput(nmc, Q1_2021), by=alice,
        minutes_file=SimpleUploadedFile("compte rendu.txt", "Procès-verbal".encode()),
    )  # fmt: skip
    stored = meeting.minutes_file.name or ""
    assert stored.endswith(".txt")
    assert "compte" not in stored  # stored under a random name
    url = reverse("meeting_minutes", args=[mali.key, meeting.uuid])
    assert "/accounts/login/" in Client().get(url)["Location"]
    response = logged_in(alice).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == "Procès-verbal".encode()  # type: ignore[attr-defined]
    assert "attachment" in response["Content-Disposition"]


# --- planned and missed ------------------------------------------------------


def test_quarters_over_without_a_meeting_are_missed(
    mali: Plan, nmc: Body, sc: Body, alice: Any
) -> None:
    record_meeting(mali, MeetingInput(nmc, Q1_2021), by=alice)
    october = date(2021, 10, 15)
    assert meetings.missed_meetings(nmc, 2021, today=october) == [
        (date(2021, 4, 1), date(2021, 6, 30)),
        (date(2021, 7, 1), date(2021, 9, 30)),
    ]  # Q4 is still running
    assert meetings.missed_meetings(nmc, 2021, today=date(2022, 1, 1))[-1] == (
        date(2021, 10, 1), date(2021, 12, 31),
    )  # fmt: skip
    assert meetings.missed_meetings(sc, 2021, today=october) == []  # no schedule
    [record] = meetings.meeting_records([nmc], 2021, today=october)
    assert (record.held, record.planned, len(record.missed)) == (1, 4, 2)
    yearly = Body.objects.create(country="ML", key="yearly", kind="other", name_fr="A",
                                 name_en="A", meets="annually")  # fmt: skip
    assert meetings.missed_meetings(yearly, 2020, today=october) == [
        (date(2020, 1, 1), date(2020, 12, 31))
    ]
    page = Client().get(reverse("meetings", args=[mali.key]) + "?year=2021").content.decode()
    assert "missed" in page


def test_the_indicator_counts_both_committees_and_no_other_body(
    mali: Plan, nmc: Body, sc: Body, alice: Any
) -> None:
    cop = Body.objects.get(country="ML", key="cop")
    for body, day in [(nmc, Q1_2021), (nmc, date(2021, 5, 5)), (sc, date(2021, 5, 6)),
                      (cop, date(2021, 5, 7)), (nmc, date(2020, 11, 1))]:  # fmt: skip
        record_meeting(mali, MeetingInput(body, day), by=alice)
    assert meetings_held(mali, Span.year(2021)) == 3
    assert meetings_held(mali, Span.year(2021), "committee:committee-monitoring") == 2
    assert meetings_held(mali, Span.year(2021), "committee:committee-steering") == 1
    assert meetings_held(mali, Span.years(2019, 2021)) == 4
    assert meetings_held(mali, Span.quarter(2021, 2)) == 2


def test_computed_indicators_cost_a_few_queries_more(
    mali: Plan, nmc: Body, alice: Any, django_assert_max_num_queries: Any
) -> None:
    from analytics.aggregation import aggregates

    record_meeting(mali, MeetingInput(nmc, Q1_2021), by=alice)
    indicators = list(mali.indicators.all())
    # The reported figures and the regional plans' links, the meetings, the
    # observatory's bodies.
    with django_assert_max_num_queries(8):
        results = aggregates(indicators, Span.year(2021))
    assert results[mali.indicators.get(key="coordination.I1").pk].value == 1


def test_the_breakdown_by_committee_reads_the_records_too(
    mali: Plan, nmc: Body, sc: Body, alice: Any
) -> None:
    from analytics.aggregation import BY_CELL, aggregates_by

    for body, day in [(nmc, Q1_2021), (nmc, date(2021, 5, 5)), (sc, date(2021, 5, 6))]:
        record_meeting(mali, MeetingInput(body, day), by=alice)
    indicator = mali.indicators.get(key="coordination.I1")
    cells = aggregates_by([indicator], Span.year(2021), BY_CELL)[indicator.pk]
    assert cells[""].value == 3
    assert cells["committee:committee-monitoring"].value == 2
    assert cells["committee:committee-steering"].value == 1
