"""Fictitious governance records for the demonstration, so the meetings, the
follow-up of recommendations, the risk register and the computed "meetings
held" indicator have something to show: the National Monitoring Committee
meets in every quarter of the demo years but one (which shows as missed),
the steering committee once a year; recommendations in every state, one
overdue; four risks, one reviewed. Written through the real actions (checked
and audited like the TMU's own), recorded by an audit entry
`demo.governance` and taken away by `remove_demo_governance`."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from actors.models import BodyKind, Institution, Sex
from governance.meetings import (
    AttendeeInput,
    MeetingInput,
    RecommendationInput,
    add_recommendation,
    is_member_on,
    record_meeting,
    update_recommendation,
)
from governance.models import Meeting, Recommendation, Risk
from governance.risks import RiskInput, review_risk, save_risk
from nap1325.models import AuditEntry, audit
from operations.schedule import quarter_bounds
from plans.models import Plan

FICTITIOUS = "Données fictives de démonstration. / Fictitious demonstration data."

# (French, English, status the follow-up reaches, owner institution key)
RECOMMENDATIONS = [
    ("Transmettre les rapports trimestriels dans les délais (démonstration).",
     "Send the quarterly reports on time (demonstration).", "done", "mpfef"),
    ("Former les points focaux régionaux à la collecte des données (démonstration).",
     "Train the regional focal points in data collection (demonstration).", "in_progress",
     "mpfef"),
    ("Publier la liste des femmes membres des comités locaux (démonstration).",
     "Publish the list of women members of the local committees (demonstration).", "open",
     "msipc"),
    ("Réviser le budget du fonds commun (démonstration).",
     "Revise the budget of the common fund (demonstration).", "dropped", "mpfef"),
]  # fmt: skip

# (French, English, category, likelihood, impact, mitigation fr, mitigation en)
RISKS = [
    ("Insécurité empêchant la collecte dans les régions du nord (démonstration).",
     "Insecurity preventing data collection in the northern regions (demonstration).",
     "security", 4, 4, "Collecte à distance par les OSC locales.",
     "Remote collection through local CSOs."),
    ("Rotation des points focaux dans les ministères (démonstration).",
     "Turnover of focal points in the ministries (demonstration).",
     "institutional", 3, 3, "Deux points focaux par institution ; formation annuelle.",
     "Two focal points per institution; yearly training."),
    ("Retard des décaissements du fonds commun (démonstration).",
     "Late disbursements of the common fund (demonstration).",
     "financial", 3, 4, "Calendrier de décaissement validé par le Comité de pilotage.",
     "Disbursement schedule agreed by the Steering Committee."),
    ("Résistances sociales à la participation des femmes (démonstration).",
     "Social resistance to women's participation (demonstration).",
     "social", 2, 3, "Dialogue avec les leaders religieux et traditionnels.",
     "Dialogue with religious and traditional leaders."),
]  # fmt: skip


def _attendance(body: Any, on: date, rng: random.Random) -> list[AttendeeInput]:
    return [
        AttendeeInput(membership, rng.choices([Sex.FEMALE, Sex.MALE], [45, 55])[0])
        for membership in body.memberships.select_related("institution").order_by("position")
        if is_member_on(membership, on) and rng.random() < 0.85
    ]


def make_demo_governance(plan: Plan, years: tuple[int, ...], *, by: Any, seed: int = 1325) -> int:
    """Meetings, recommendations and risks for the demo years; the number of
    records made."""
    rng = random.Random(seed)
    today = timezone.localdate()
    monitoring = plan.bodies.filter(kind=BodyKind.MONITORING_COMMITTEE).first()
    steering = plan.bodies.filter(kind=BodyKind.STEERING_COMMITTEE).first()
    if monitoring is None:
        return 0
    meetings: list[Meeting] = []
    with transaction.atomic():
        for year in years:
            for quarter in (1, 2, 3, 4):
                if (year, quarter) == (years[-1], 3):
                    continue  # a quarter without its meeting shows as missed
                held_on = quarter_bounds(year, quarter)[0] + timedelta(days=rng.randrange(20, 75))
                if held_on <= today:
                    meetings.append(_meeting(plan, monitoring, held_on, rng, by))
            if steering is not None and date(year, 11, 20) <= today:
                meetings.append(_meeting(plan, steering, date(year, 11, 20), rng, by))
        recommendations = _recommendations(plan, meetings, by)
        risks = _risks(plan, years, by)
        audit(
            "demo.governance", plan, user=by,
            after={
                "meetings": [m.pk for m in meetings],
                "recommendations": [r.pk for r in recommendations],
                "risks": [r.pk for r in risks],
            },
        )  # fmt: skip
    return len(meetings) + len(recommendations) + len(risks)


def _meeting(plan: Plan, body: Any, held_on: date, rng: random.Random, by: Any) -> Meeting:
    return record_meeting(
        plan,
        MeetingInput(
            body, held_on, place="Bamako",
            agenda="1. Revue des rapports du trimestre / Review of the quarter's reports\n"
            "2. Suivi des recommandations / Follow-up of recommendations",
            minutes=FICTITIOUS, decisions=FICTITIOUS,
            attendance=_attendance(body, held_on, rng),
        ),
        by=by, today=held_on,
    )  # fmt: skip


def _recommendations(plan: Plan, meetings: list[Meeting], by: Any) -> list[Recommendation]:
    first = next((m for m in meetings if m.body.kind == BodyKind.MONITORING_COMMITTEE), None)
    if first is None:
        return []
    made = []
    for text_fr, text_en, status, owner in RECOMMENDATIONS:
        institution = Institution.objects.filter(country=plan.country, key=owner).first()
        if institution is None:
            continue
        recommendation = add_recommendation(
            plan,
            RecommendationInput(
                "meeting", institution, first.held_on + timedelta(days=90),
                text_fr=text_fr, text_en=text_en, meeting=first,
            ),
            by=by,
        )  # fmt: skip
        if status != "open":
            update_recommendation(recommendation, status=status, note=FICTITIOUS, by=by)
        made.append(recommendation)
    return made


def _risks(plan: Plan, years: tuple[int, ...], by: Any) -> list[Risk]:
    owner = Institution.objects.filter(country=plan.country, key="mpfef").first()
    assessed = min(date(years[0], 1, 15), timezone.localdate())
    risks = []
    for fr, en, category, likelihood, impact, mitigation_fr, mitigation_en in RISKS:
        data = RiskInput(
            description_fr=fr, description_en=en, category=category,
            likelihood=likelihood, impact=impact, owner=owner,
            mitigation_fr=mitigation_fr, mitigation_en=mitigation_en,
            reviewed_on=assessed, note=FICTITIOUS,
        )  # fmt: skip
        risks.append(save_risk(plan, data, by=by))
    later = min(date(years[-1], 1, 15), timezone.localdate())
    if risks and later > assessed:
        review_risk(risks[0], likelihood=5, impact=4, by=by, reviewed_on=later, note=FICTITIOUS)
    return risks


def remove_demo_governance(plan: Plan) -> None:
    with transaction.atomic():
        for entry in AuditEntry.objects.filter(action="demo.governance", object_id=str(plan.uuid)):
            ids = entry.after or {}
            Recommendation.objects.filter(pk__in=ids.get("recommendations", [])).delete()
            Meeting.objects.filter(pk__in=ids.get("meetings", [])).delete()
            Risk.objects.filter(pk__in=ids.get("risks", [])).delete()
            entry.delete()
