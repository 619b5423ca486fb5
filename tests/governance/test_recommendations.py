"""Recommendations of meetings, annual reports and evaluations, and their
follow-up: alice (TMU) records them and their status with evidence; what is
past due and not done is overdue; the annual report lists them beside the
meetings held and missed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from actors.models import Body, Institution
from governance.meetings import (
    MeetingInput,
    RecommendationInput,
    add_recommendation,
    implementation,
    overdue,
    record_meeting,
    update_recommendation,
)
from governance.models import Meeting, Recommendation, RecommendationUpdate
from nap1325.models import AuditEntry
from nap1325.tables import Table
from plans.models import Plan
from publishing.annual import governance
from tests.support import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(mali: Plan, alice: Any) -> Meeting:
    nmc = Body.objects.get(country="ML", key="nmc")
    return record_meeting(mali, MeetingInput(nmc, date(2021, 2, 10)), by=alice)


@pytest.fixture
def mj(mali: Plan) -> Institution:
    return Institution.objects.get(country="ML", key="mj")


def recommend(mali: Plan, held: Meeting, mj: Institution, alice: Any, **change: Any) -> Any:
    data = RecommendationInput("meeting", mj, date(2021, 6, 30), text_fr="Agir", meeting=held)
    for name, value in change.items():
        setattr(data, name, value)
    return add_recommendation(mali, data, by=alice)


def test_a_recommendation_is_recorded_open_and_audited(
    mali: Plan, meeting: Meeting, mj: Institution, alice: Any
) -> None:
    recommendation = recommend(mali, meeting, mj, alice)
    assert recommendation.status == "open" and recommendation.meeting == meeting
    entry = AuditEntry.objects.get(action="recommendation.add")
    assert (entry.after or {})["owner"] == "mj" and entry.user == alice


def test_one_from_an_evaluation_names_it(mali: Plan, mj: Institution, alice: Any) -> None:
    data = RecommendationInput("evaluation", mj, date(2022, 1, 31), text_en="Fund CSOs",
                               reference="Mid-term evaluation, 2021")  # fmt: skip
    recommendation = add_recommendation(mali, data, by=alice)
    assert recommendation.meeting is None and recommendation.text == "Fund CSOs"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text_fr": "  "}, "text_fr"),
        ({"meeting": None}, "meeting"),
        ({"source": "evaluation"}, "meeting"),  # an evaluation names no meeting
        ({"source": "evaluation", "meeting": None}, "reference"),
        ({"source": "rumour"}, "source"),
        ({"due_on": date(2021, 1, 1)}, "due_on"),  # before the meeting
    ],
)
def test_bad_recommendations_are_refused_naming_the_field(
    mali: Plan, meeting: Meeting, mj: Institution, alice: Any, change: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        recommend(mali, meeting, mj, alice, **change)
    assert field in refused.value.message_dict
    assert not Recommendation.objects.exists()


def test_the_owner_is_an_institution_of_the_plan_s_country(
    mali: Plan, meeting: Meeting, alice: Any
) -> None:
    abroad = Institution.objects.create(country="SN", key="x", kind="ministry", name_fr="X")
    with pytest.raises(ValidationError) as refused:
        recommend(mali, meeting, abroad, alice, owner=abroad)
    assert "owner" in refused.value.message_dict


def test_follow_up_with_evidence(mali: Plan, meeting: Meeting, mj: Institution, alice: Any) -> None:
    recommendation = recommend(mali, meeting, mj, alice)
    update_recommendation(recommendation, status="in_progress", note="Started", by=alice)
    with pytest.raises(ValidationError) as refused:
        update_recommendation(recommendation, status="done", by=alice)
    assert "note" in refused.value.message_dict  # done needs evidence
    with pytest.raises(ValidationError):
        update_recommendation(recommendation, status="dropped", by=alice)  # and a reason
    with pytest.raises(ValidationError):
        update_recommendation(recommendation, status="in_progress", by=alice)  # no news
    with pytest.raises(ValidationError) as refused:
        update_recommendation(
            recommendation, status="done", by=alice,
            evidence=SimpleUploadedFile("proof.pdf", b"not a pdf"),
        )  # fmt: skip
    assert "evidence" in refused.value.message_dict
    update_recommendation(
        recommendation, status="done", note="Report published", by=alice,
        evidence=SimpleUploadedFile("proof.pdf", b"%PDF-1.4 ..."),
    )  # fmt: skip
    recommendation.refresh_from_db()
    assert recommendation.status == "done"
    assert [u.status for u in recommendation.updates.all()] == ["in_progress", "done"]
    entry = AuditEntry.objects.filter(action="recommendation.update").order_by("pk").last()
    assert entry is not None
    assert entry.before == {"status": "in_progress"} and (entry.after or {})["status"] == "done"


def test_two_people_updating_at_once_cannot_both_win(
    mali: Plan, meeting: Meeting, mj: Institution, alice: Any
) -> None:
    recommendation = recommend(mali, meeting, mj, alice)
    stale = Recommendation.objects.get(pk=recommendation.pk)
    update_recommendation(recommendation, status="in_progress", note="a", by=alice)
    with pytest.raises(ValidationError) as refused:
        update_recommendation(stale, status="dropped", note="b", by=alice)
    assert "status" in refused.value.message_dict
    assert RecommendationUpdate.objects.count() == 1


def test_overdue_is_past_due_and_not_carried_out(
    mali: Plan, meeting: Meeting, mj: Institution, alice: Any
) -> None:
    late = recommend(mali, meeting, mj, alice, text_fr="En retard")
    done = recommend(mali, meeting, mj, alice, text_fr="Fait")
    recommend(mali, meeting, mj, alice, text_fr="Plus tard", due_on=date(2021, 12, 31))
    update_recommendation(done, status="done", note="ok", by=alice)
    assert list(overdue(mali, date(2021, 7, 1))) == [late]
    assert list(overdue(mali, date(2021, 6, 30))) == []  # due that day: not yet


def test_only_the_tmu_records_recommendations_and_follow_up(
    mali: Plan, meeting: Meeting, mj: Institution, alice: Any, bob: Any
) -> None:
    recommendation = recommend(mali, meeting, mj, alice)
    with pytest.raises(PermissionDenied):
        recommend(mali, meeting, mj, bob)
    with pytest.raises(PermissionDenied):
        update_recommendation(recommendation, status="done", note="x", by=bob)
    new = reverse("recommendation_new", args=[mali.key])
    follow = reverse("recommendation_update", args=[mali.key, recommendation.uuid])
    assert logged_in(bob).get(new).status_code == 403
    assert logged_in(bob).post(follow, {"status": "done", "note": "x"}).status_code == 403
    assert "/accounts/login/" in Client().post(follow, {"status": "done"})["Location"]
    recommendation.refresh_from_db()
    assert recommendation.status == "open"
    # Everyone reads the follow-up.
    assert Client().get(reverse("recommendations", args=[mali.key])).status_code == 200
    detail = reverse("recommendation", args=[mali.key, recommendation.uuid])
    assert Client().get(detail).status_code == 200


def test_the_follow_up_form_records_status_and_evidence(
    mali: Plan, meeting: Meeting, mj: Institution, alice: Any
) -> None:
    recommendation = recommend(mali, meeting, mj, alice)
    follow = reverse("recommendation_update", args=[mali.key, recommendation.uuid])
    response = logged_in(alice).post(follow, {"status": "done"}, follow=True)
    assert "Say what shows it is done" in response.content.decode()
    logged_in(alice).post(
        follow, {"status": "done", "note": "Published",
                 "evidence": SimpleUploadedFile("proof.txt", b"the report")},
    )  # fmt: skip
    recommendation.refresh_from_db()
    assert recommendation.status == "done"
    update = recommendation.updates.get()
    url = reverse("recommendation_evidence", args=[mali.key, recommendation.uuid, update.pk])
    assert "/accounts/login/" in Client().get(url)["Location"]
    response = logged_in(alice).get(url)
    assert b"".join(response.streaming_content) == b"the report"  # type: ignore[attr-defined]
    page = Client().get(reverse("recommendation", args=[mali.key, recommendation.uuid]))
    assert "Published" in page.content.decode()


def test_the_form_refuses_bad_input_on_the_field(
    mali: Plan, meeting: Meeting, mj: Institution, alice: Any
) -> None:
    response = logged_in(alice).post(
        reverse("recommendation_new", args=[mali.key]),
        {"source": "evaluation", "text_fr": "Agir", "owner": mj.pk, "due_on": "2021-06-30"},
    )
    assert response.status_code == 200
    assert "Name the report or evaluation it comes from." in response.content.decode()
    assert not Recommendation.objects.exists()


def test_the_annual_report_lists_meetings_held_and_missed_and_recommendations(
    mali: Plan, meeting: Meeting, mj: Institution, alice: Any
) -> None:
    recommend(mali, meeting, mj, alice, text_fr="Publier le rapport")
    section = governance(mali, 2021)
    tables = {block.key: block for block in section.blocks if isinstance(block, Table)}
    nmc_row = next(row for row in tables["meetings"].rows if "NMC" in str(row[0]))
    assert nmc_row[1:] == [1, 4, 3]  # held, planned, missed (2021 is over)
    [row] = tables["recommendations"].rows
    assert row[0] == "Publier le rapport"
    assert row[3] == "Open"
    # due 1, done 0, in progress 0, open 1, dropped 0, overdue 1, 0 % implemented
    assert tables["implementation"].rows == [[1, 0, 0, 1, 0, 1, 0]]


def test_recommendations_implemented_by_year_due(
    mali: Plan, meeting: Meeting, mj: Institution, alice: Any
) -> None:
    made = [recommend(mali, meeting, mj, alice, text_fr=f"R{n}") for n in range(5)]
    recommend(mali, meeting, mj, alice, text_fr="2022", due_on=date(2022, 3, 31))
    update_recommendation(made[0], status="done", note="fait", by=alice)
    update_recommendation(made[1], status="done", note="fait", by=alice)
    update_recommendation(made[2], status="in_progress", note="en cours", by=alice)
    update_recommendation(made[3], status="dropped", note="abandonnée", by=alice)
    rows = implementation(mali, on=date(2021, 12, 1))
    assert [(r.year, r.due, r.done, r.in_progress, r.open, r.dropped, r.overdue) for r in rows] == [
        (2021, 5, 2, 1, 1, 1, 2), (2022, 1, 0, 0, 1, 0, 0),
    ]  # fmt: skip
    assert [r.rate for r in rows] == [50, 0]  # 2 done of 4 not dropped; 0 of 1
    page = logged_in(alice).get(reverse("recommendations", args=[mali.key])).content.decode()
    section = page[page.index('id="implementation"') : page.index('id="all"')]
    assert ">2021<" in section and ">50<" in section
