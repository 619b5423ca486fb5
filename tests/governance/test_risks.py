"""The risk register: alice (M&E officer, TMU) keeps it, bob (a focal point)
reads it but may not change it, the anonymous are sent to log in. Every
change is validated, audited, and a change of scores joins the history."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from actors.models import Institution, Role, RoleAssignment
from governance import risks as actions
from governance.models import Risk, RiskReview, RiskStatus
from nap1325.models import AuditEntry
from plans.models import Plan

pytestmark = pytest.mark.django_db


def risk_input(**changes: Any) -> actions.RiskInput:
    values: dict[str, Any] = {
        "description_fr": "Attaques dans le nord",
        "description_en": "Attacks in the north",
        "category": "security",
        "likelihood": 4,
        "impact": 5,
        "mitigation_fr": "Plans de sécurité",
        "mitigation_en": "Security plans",
    }
    values.update(changes)
    return actions.RiskInput(**values)


@pytest.fixture
def bob_focal(bob: User, xx: Plan) -> User:
    RoleAssignment.objects.create(user=bob, role=Role.READER)
    return bob


@pytest.fixture
def risk(xx: Plan, alice: User) -> Risk:
    return actions.save_risk(xx, risk_input(), by=alice)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def audits(action: str, risk: Risk) -> list[dict[str, Any]]:
    """The risk's audit entries of this kind: who, before, after."""
    entries = AuditEntry.objects.filter(action=action, object_id=str(risk.uuid))
    return [dict(entry) for entry in entries.values("user", "before", "after")]


# --- actions --------------------------------------------------------------------


def test_creating_a_risk_records_its_first_scores_and_an_audit_entry(
    risk: Risk, alice: User
) -> None:
    assert risk.score == 20
    review = risk.reviews.get()
    assert (review.likelihood, review.impact, review.reviewed_on) == (
        4,
        5,
        timezone.localdate(),
    )
    assert review.by == alice
    [entry] = audits("risk.create", risk)
    assert entry["user"] == alice.pk and entry["after"]["likelihood"] == 4


def test_a_change_of_scores_joins_the_history_dated_as_given(alice: User, xx: Plan) -> None:
    today = timezone.localdate()
    risk = actions.save_risk(xx, risk_input(reviewed_on=today - timedelta(days=5)), by=alice)
    day = today - timedelta(days=1)
    actions.save_risk(
        xx, risk_input(likelihood=2, reviewed_on=day, note="Better"), by=alice, risk=risk
    )
    history = list(risk.reviews.values_list("reviewed_on", "likelihood", "impact", "note"))
    assert history == [(today - timedelta(days=5), 4, 5, ""), (day, 2, 5, "Better")]
    with pytest.raises(ValidationError) as refusal:  # before the last review
        actions.save_risk(xx, risk_input(impact=1, reviewed_on=day - timedelta(days=2)), by=alice,
                          risk=risk)  # fmt: skip
    assert "reviewed_on" in refusal.value.message_dict
    [entry] = audits("risk.update", risk)
    assert entry["before"]["likelihood"] == 4 and entry["after"]["likelihood"] == 2


def test_editing_the_text_alone_adds_no_review(risk: Risk, alice: User, xx: Plan) -> None:
    actions.save_risk(xx, risk_input(mitigation_en="Escorts"), by=alice, risk=risk)
    assert risk.reviews.count() == 1
    assert audits("risk.update", risk)[0]["after"]["mitigation_en"] == "Escorts"


def test_saving_nothing_new_writes_no_audit_entry(risk: Risk, alice: User, xx: Plan) -> None:
    actions.save_risk(xx, risk_input(), by=alice, risk=risk)
    assert audits("risk.update", risk) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"likelihood": 0}, "likelihood"),
        ({"likelihood": 6}, "likelihood"),
        ({"impact": "high"}, "impact"),
        ({"impact": None}, "impact"),
        ({"description_fr": " ", "description_en": ""}, "description_fr"),
        ({"category": "weather"}, "category"),
        ({"reviewed_on": date.today() + timedelta(days=2)}, "reviewed_on"),
        ({"description_en": "x" * (actions.MAX_TEXT + 1)}, "description_en"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    xx: Plan, alice: User, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refusal:
        actions.save_risk(xx, risk_input(**changes), by=alice)
    assert field in refusal.value.message_dict
    assert not Risk.objects.filter(plan=xx).exists()
    assert not AuditEntry.objects.filter(action="risk.create").exists()


def test_an_owner_from_another_country_is_refused(xx: Plan, alice: User, mali: Plan) -> None:
    other = Institution.objects.exclude(country=xx.country).first()
    assert other is not None
    with pytest.raises(ValidationError) as refusal:
        actions.save_risk(xx, risk_input(owner=other), by=alice)
    assert "owner" in refusal.value.message_dict


def test_only_the_tmu_may_change_risks(xx: Plan, bob_focal: User, risk: Risk) -> None:
    with pytest.raises(PermissionDenied):
        actions.save_risk(xx, risk_input(), by=bob_focal)
    with pytest.raises(PermissionDenied):
        actions.review_risk(risk, likelihood=1, impact=1, by=bob_focal)
    with pytest.raises(PermissionDenied):
        actions.close_risk(risk, by=bob_focal)


def test_a_review_keeps_the_scores_even_unchanged(risk: Risk, alice: User) -> None:
    actions.review_risk(risk, likelihood=4, impact=5, note="Still the same", by=alice)
    risk.refresh_from_db()
    assert risk.reviews.count() == 2
    assert len(audits("risk.review", risk)) == 1


def test_a_review_may_not_be_in_the_future_or_before_the_last(risk: Risk, alice: User) -> None:
    today = timezone.localdate()
    for day in (today + timedelta(days=1), today - timedelta(days=1)):
        with pytest.raises(ValidationError) as refusal:
            actions.review_risk(risk, likelihood=1, impact=1, reviewed_on=day, by=alice)
        assert "reviewed_on" in refusal.value.message_dict
    risk.refresh_from_db()
    assert risk.score == 20 and risk.reviews.count() == 1


def test_close_and_reopen_are_audited_and_happen_once(risk: Risk, alice: User) -> None:
    actions.close_risk(risk, by=alice)
    assert risk.status == RiskStatus.CLOSED
    with pytest.raises(ValidationError):
        actions.close_risk(risk, by=alice)
    with pytest.raises(ValidationError):
        actions.review_risk(risk, likelihood=1, impact=1, by=alice)
    actions.reopen_risk(risk, by=alice)
    assert risk.status == RiskStatus.OPEN
    assert len(audits("risk.close", risk)) == 1 and len(audits("risk.reopen", risk)) == 1


def test_the_heat_map_counts_risks_by_cell(xx: Plan, alice: User) -> None:
    for likelihood, impact in [(4, 5), (4, 5), (1, 1), (3, 2)]:
        actions.save_risk(xx, risk_input(likelihood=likelihood, impact=impact), by=alice)
    counts = actions.count_by_cell(xx.risks.all())
    assert counts == {(4, 5): 2, (1, 1): 1, (3, 2): 1}
    grid = actions.heat_map(counts)
    assert [likelihood for likelihood, _cells in grid] == [5, 4, 3, 2, 1]
    cells = {(c.likelihood, c.impact): c for _l, row in grid for c in row}
    assert len(cells) == 25
    assert cells[(4, 5)].count == 2 and cells[(4, 5)].level == "critical"
    assert cells[(1, 1)].level == "low" and cells[(5, 5)].count == 0


@pytest.mark.parametrize(
    ("score", "level"), [(1, "low"), (4, "low"), (5, "medium"), (12, "high"), (20, "critical")]
)
def test_levels(score: int, level: str) -> None:
    assert actions.level_of(score)[0] == level


# --- pages ----------------------------------------------------------------------


def page_urls(xx: Plan, risk: Risk) -> list[str]:
    return [
        reverse("risks", args=[xx.key]),
        reverse("risk", args=[risk.uuid]),
        reverse("risk_new", args=[xx.key]),
        reverse("risk_edit", args=[risk.uuid]),
        reverse("risk_review", args=[risk.uuid]),
    ]


def test_the_anonymous_are_sent_to_log_in(xx: Plan, risk: Risk) -> None:
    for url in page_urls(xx, risk):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    response = Client().post(reverse("risk_close", args=[risk.uuid]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_bob_reads_the_register_but_may_not_change_it(
    xx: Plan, risk: Risk, bob_focal: User
) -> None:
    client = client_for(bob_focal)
    read, detail, *forms = page_urls(xx, risk)
    assert client.get(read).status_code == 200
    page = client.get(detail)
    assert page.status_code == 200 and reverse("risk_edit", args=[risk.uuid]) not in page.text
    for url in forms:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"likelihood": "1", "impact": "1"}).status_code == 403, url
    for name in ("risk_close", "risk_reopen"):
        assert client.post(reverse(name, args=[risk.uuid])).status_code == 403
    risk.refresh_from_db()
    assert risk.score == 20 and risk.status == RiskStatus.OPEN
    assert AuditEntry.objects.filter(object_id=str(risk.uuid)).count() == 1


def test_alice_sees_every_page(xx: Plan, risk: Risk, alice: User) -> None:
    client = client_for(alice)
    for url in page_urls(xx, risk):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Attaques dans le nord", "Plans de sécurité"]),
        ("en", ["Attacks in the north", "Security plans"]),
    ],
)
def test_pages_in_french_and_english(
    xx: Plan, risk: Risk, alice: User, language: str, words: list[str]
) -> None:
    client = client_for(alice)
    with translation.override(language):
        urls = page_urls(xx, risk)
    assert urls[0].startswith(f"/{language}/")
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200
        assert f'lang="{language}"' in page.text
    assert words[0] in client.get(urls[0]).text
    detail = client.get(urls[1]).text
    assert all(word in detail for word in words)


def test_the_register_draws_the_heat_map_with_counts_and_links(
    xx: Plan, alice: User, risk: Risk
) -> None:
    actions.save_risk(xx, risk_input(likelihood=4, impact=5), by=alice)
    actions.save_risk(xx, risk_input(likelihood=1, impact=2, description_en="Low"), by=alice)
    page = client_for(alice).get(reverse("risks", args=[xx.key])).text
    assert "<script" not in page
    assert 'data-likelihood="4" data-impact="5">' in page
    cell = page.split('data-likelihood="4" data-impact="5">', 1)[1].split("</td>", 1)[0]
    assert "likelihood=4&amp;impact=5" in cell and ">2</a>" in cell
    empty = page.split('data-likelihood="5" data-impact="5">', 1)[1].split("</td>", 1)[0]
    assert "<span>0</span>" in empty


def test_the_register_is_sorted_by_score_and_filtered(xx: Plan, alice: User) -> None:
    actions.save_risk(xx, risk_input(likelihood=2, impact=2, description_en="Small"), by=alice)
    big = actions.save_risk(xx, risk_input(likelihood=5, impact=5, description_en="Big"), by=alice)
    actions.save_risk(
        xx,
        risk_input(likelihood=3, impact=3, description_en="Money", category="financial"),
        by=alice,
    )
    actions.close_risk(big, by=alice)
    client = client_for(alice)
    url = reverse("risks", args=[xx.key])
    page = client.get(url).text
    assert "Big" not in page  # open risks by default
    assert page.index("Money") < page.index("Small")
    page = client.get(url, {"status": "all"}).text
    assert page.index("Big") < page.index("Money") < page.index("Small")
    page = client.get(url, {"category": "financial", "status": "nonsense"}).text
    assert "Money" in page and "Small" not in page
    page = client.get(url, {"likelihood": "2", "impact": "2"}).text
    assert "Small" in page and "Money" not in page


def form_data(**changes: str) -> dict[str, str]:
    data = {
        "description_fr": "Instabilité des points focaux",
        "description_en": "Focal points keep changing",
        "category": "institutional",
        "likelihood": "4",
        "impact": "3",
        "owner": "",
        "mitigation_fr": "",
        "mitigation_en": "Written commitments",
        "next_review": "",
        "reviewed_on": "",
        "note": "",
    }
    data.update(changes)
    return data


def test_alice_adds_edits_and_reviews_a_risk_through_the_forms(xx: Plan, alice: User) -> None:
    client = client_for(alice)
    response = client.post(reverse("risk_new", args=[xx.key]), form_data())
    assert response.status_code == 302
    risk = Risk.objects.get(plan=xx)
    assert response["Location"] == reverse("risk", args=[risk.uuid])
    client.post(reverse("risk_edit", args=[risk.uuid]), form_data(impact="5", note="Elections"))
    client.post(
        reverse("risk_review", args=[risk.uuid]),
        {"likelihood": "2", "impact": "5", "note": "Decree signed", "reviewed_on": ""},
    )
    risk.refresh_from_db()
    assert risk.score == 10
    history = list(RiskReview.objects.filter(risk=risk).values_list("likelihood", "impact"))
    assert history == [(4, 3), (4, 5), (2, 5)]
    page = client.get(reverse("risk", args=[risk.uuid])).text
    assert "Decree signed" in page and "<svg" in page
    actions_done = set(
        AuditEntry.objects.filter(object_id=str(risk.uuid)).values_list("action", flat=True)
    )
    assert actions_done == {"risk.create", "risk.update", "risk.review"}


def test_bad_input_in_the_forms_is_shown_and_nothing_is_written(xx: Plan, alice: User) -> None:
    client = client_for(alice)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    for data, message in [
        (form_data(description_fr="", description_en=""), "Describe the risk"),
        (form_data(reviewed_on=future), "cannot be in the future"),
        (form_data(likelihood="7"), "Select a valid choice"),
    ]:
        response = client.post(reverse("risk_new", args=[xx.key]), data)
        assert response.status_code == 200
        assert message in response.text
    assert not Risk.objects.filter(plan=xx).exists()
    assert not AuditEntry.objects.filter(action__startswith="risk.").exists()


def test_a_refused_review_is_shown_in_french(risk: Risk, alice: User) -> None:
    client = client_for(alice)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    with translation.override("fr"):
        url = reverse("risk_review", args=[risk.uuid])
    response = client.post(url, {"likelihood": "1", "impact": "1", "reviewed_on": future})
    assert response.status_code == 200
    assert 'class="errorlist' in response.text
    assert risk.reviews.count() == 1


def test_closing_through_the_page(risk: Risk, alice: User) -> None:
    client = client_for(alice)
    response = client.post(reverse("risk_close", args=[risk.uuid]))
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.status == RiskStatus.CLOSED
    assert client.get(reverse("risk_close", args=[risk.uuid])).status_code == 405
    client.post(reverse("risk_close", args=[risk.uuid]))  # already closed: a message, no change
    assert len(audits("risk.close", risk)) == 1
