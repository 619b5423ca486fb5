"""The risk register: every write to a plan's risks goes through these
actions (create or edit, review the scores, close, reopen), each checked,
validated, transactional and audited; and the heat map, a pure count of
risks by likelihood and impact."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.models import Institution
from actors.permissions import may
from governance.models import Risk, RiskCategory, RiskReview, RiskStatus
from nap1325.models import audit
from plans.models import Plan

LOWEST, HIGHEST = 1, 5
MAX_TEXT = 5000

LIKELIHOOD_LABELS = {
    1: gettext_lazy("Rare"),
    2: gettext_lazy("Unlikely"),
    3: gettext_lazy("Possible"),
    4: gettext_lazy("Likely"),
    5: gettext_lazy("Almost certain"),
}
IMPACT_LABELS = {
    1: gettext_lazy("Negligible"),
    2: gettext_lazy("Minor"),
    3: gettext_lazy("Moderate"),
    4: gettext_lazy("Major"),
    5: gettext_lazy("Severe"),
}
# Score bands (likelihood × impact), shown in words beside the colours.
LEVELS = [
    (4, "low", gettext_lazy("Low")),
    (9, "medium", gettext_lazy("Medium")),
    (16, "high", gettext_lazy("High")),
    (25, "critical", gettext_lazy("Critical")),
]


def level_of(score: int) -> tuple[str, str]:
    """The band of a score: (css class, label)."""
    for top, key, label in LEVELS:
        if score <= top:
            return key, str(label)
    return LEVELS[-1][1], str(LEVELS[-1][2])


def can_manage_risks(user: Any) -> bool:
    return may(user, "manage_risks")


def _require(user: Any) -> None:
    if not can_manage_risks(user):
        raise PermissionDenied(_("You may not change the risk register."))


@dataclass
class RiskInput:
    """A risk as the form (or an import) gives it, before it is written.
    `reviewed_on`: the day the scores were assessed (today when empty)."""

    description_fr: str
    description_en: str
    category: str
    likelihood: Any
    impact: Any
    owner: Institution | None = None
    mitigation_fr: str = ""
    mitigation_en: str = ""
    next_review: date | None = None
    reviewed_on: date | None = None
    note: str = ""


def _score(value: Any, name: str, problems: dict[str, list[str]]) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        value = None
    try:
        number = int(value) if value is not None else None
    except ValueError:
        number = None
    if number is None or not LOWEST <= number <= HIGHEST:
        label = _("Likelihood") if name == "likelihood" else _("Impact")
        problems.setdefault(name, []).append(
            _("%(field)s must be a whole number from 1 to 5.") % {"field": label}
        )
        return 0
    return number


def _review_date(
    reviewed_on: date | None, risk: Risk | None, problems: dict[str, list[str]]
) -> date:
    today = timezone.localdate()
    day = reviewed_on or today
    if day > today:
        problems.setdefault("reviewed_on", []).append(_("The review date cannot be in the future."))
    elif risk is not None and risk.pk:
        last = risk.reviews.order_by("-reviewed_on").values_list("reviewed_on", flat=True).first()
        if last is not None and day < last:
            problems.setdefault("reviewed_on", []).append(
                _("The review date cannot be before the last review (%(date)s).")
                % {"date": last.isoformat()}
            )
    return day


def _validate(plan: Plan, data: RiskInput, risk: Risk | None) -> tuple[int, int, date]:
    problems: dict[str, list[str]] = {}
    data.description_fr = (data.description_fr or "").strip()
    data.description_en = (data.description_en or "").strip()
    data.mitigation_fr = (data.mitigation_fr or "").strip()
    data.mitigation_en = (data.mitigation_en or "").strip()
    if not data.description_fr and not data.description_en:
        problems["description_fr"] = [_("Describe the risk in French, in English, or in both.")]
    for name in ("description_fr", "description_en", "mitigation_fr", "mitigation_en", "note"):
        if len(getattr(data, name) or "") > MAX_TEXT:
            problems.setdefault(name, []).append(
                _("At most %(count)d characters.") % {"count": MAX_TEXT}
            )
    if data.category not in RiskCategory.values:
        problems["category"] = [_("Choose one of the categories.")]
    likelihood = _score(data.likelihood, "likelihood", problems)
    impact = _score(data.impact, "impact", problems)
    if data.owner is not None and data.owner.country != plan.country:
        problems["owner"] = [_("The owner must be an institution of the plan's country.")]
    # Whether it may come before the last review matters only when the scores change.
    day = _review_date(data.reviewed_on, None, problems)
    if problems:
        raise ValidationError(problems)
    return likelihood, impact, day


FIELDS = [
    "description_fr",
    "description_en",
    "category",
    "likelihood",
    "impact",
    "mitigation_fr",
    "mitigation_en",
    "status",
]


def snapshot(risk: Risk) -> dict[str, Any]:
    """The risk as it is kept in the audit trail."""
    values: dict[str, Any] = {name: getattr(risk, name) for name in FIELDS}
    values["owner"] = str(risk.owner.uuid) if risk.owner else None
    values["next_review"] = risk.next_review.isoformat() if risk.next_review else None
    return values


def _record_review(
    risk: Risk, day: date, note: str, by: Any, likelihood: int, impact: int
) -> RiskReview:
    return RiskReview.objects.create(
        risk=risk, reviewed_on=day, likelihood=likelihood, impact=impact, note=note, by=by
    )


def save_risk(plan: Plan, data: RiskInput, *, by: Any, risk: Risk | None = None) -> Risk:
    """Create a risk (`risk` None) or change one. The first scores, and every
    change of the scores, are kept as a review dated `data.reviewed_on`."""
    _require(by)
    with transaction.atomic():
        if risk is not None:
            risk = Risk.objects.select_for_update().get(pk=risk.pk, plan=plan)
        likelihood, impact, day = _validate(plan, data, risk)
        before = snapshot(risk) if risk is not None else None
        scores_changed = risk is None or (risk.likelihood, risk.impact) != (likelihood, impact)
        if scores_changed and risk is not None:
            problems: dict[str, list[str]] = {}
            _review_date(day, risk, problems)
            if problems:
                raise ValidationError(problems)
        if risk is None:
            risk = Risk(plan=plan)
        risk.description_fr = data.description_fr
        risk.description_en = data.description_en
        risk.category = data.category
        risk.likelihood = likelihood
        risk.impact = impact
        risk.owner = data.owner
        risk.mitigation_fr = data.mitigation_fr
        risk.mitigation_en = data.mitigation_en
        risk.next_review = data.next_review
        risk.save()
        if scores_changed:
            _record_review(risk, day, data.note.strip(), by, likelihood, impact)
        after = snapshot(risk)
        if before is None:
            audit("risk.create", risk, user=by, after=after, summary=str(risk))
        elif before != after:
            audit("risk.update", risk, user=by, before=before, after=after, summary=str(risk))
    return risk


def review_risk(
    risk: Risk,
    *,
    likelihood: Any,
    impact: Any,
    by: Any,
    reviewed_on: date | None = None,
    note: str = "",
    next_review: date | None = None,
) -> RiskReview:
    """A review: the scores on that day (changed or confirmed), a note, and
    when to look again. Only open risks are reviewed."""
    _require(by)
    with transaction.atomic():
        risk = Risk.objects.select_for_update().get(pk=risk.pk)
        problems: dict[str, list[str]] = {}
        if risk.status != RiskStatus.OPEN:
            raise ValidationError(_("This risk is closed: reopen it to review it."))
        new_likelihood = _score(likelihood, "likelihood", problems)
        new_impact = _score(impact, "impact", problems)
        day = _review_date(reviewed_on, risk, problems)
        if len(note or "") > MAX_TEXT:
            problems["note"] = [_("At most %(count)d characters.") % {"count": MAX_TEXT}]
        if next_review is not None and next_review < day:
            problems["next_review"] = [_("The next review comes after this one.")]
        if problems:
            raise ValidationError(problems)
        before = snapshot(risk)
        risk.likelihood, risk.impact = new_likelihood, new_impact
        if next_review is not None:
            risk.next_review = next_review
        risk.save()
        review = _record_review(risk, day, (note or "").strip(), by, new_likelihood, new_impact)
        audit(
            "risk.review",
            risk,
            user=by,
            before=before,
            after={**snapshot(risk), "reviewed_on": day.isoformat(), "note": review.note},
            summary=str(risk),
        )
    return review


def _set_status(risk: Risk, old: str, new: str, by: Any, refusal: str) -> Risk:
    _require(by)
    with transaction.atomic():
        changed = Risk.objects.filter(pk=risk.pk, status=old).update(
            status=new, updated_at=timezone.now()
        )
        if not changed:
            raise ValidationError(refusal)
        risk.refresh_from_db()
        audit(
            f"risk.{'close' if new == RiskStatus.CLOSED else 'reopen'}",
            risk,
            user=by,
            before={"status": old},
            after={"status": new},
            summary=str(risk),
        )
    return risk


def close_risk(risk: Risk, *, by: Any) -> Risk:
    return _set_status(
        risk, RiskStatus.OPEN, RiskStatus.CLOSED, by, _("This risk is already closed.")
    )


def reopen_risk(risk: Risk, *, by: Any) -> Risk:
    return _set_status(risk, RiskStatus.CLOSED, RiskStatus.OPEN, by, _("This risk is open."))


# --- the heat map ---------------------------------------------------------------


@dataclass
class HeatCell:
    likelihood: int
    impact: int
    count: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def level(self) -> str:
        return level_of(self.score)[0]

    @property
    def level_label(self) -> str:
        return level_of(self.score)[1]


def count_by_cell(risks: QuerySet[Risk]) -> dict[tuple[int, int], int]:
    """How many of `risks` sit in each (likelihood, impact) cell, counted by the database."""
    rows = risks.order_by().values("likelihood", "impact").annotate(count=Count("pk"))
    return {(row["likelihood"], row["impact"]): row["count"] for row in rows}


def heat_map(counts: Mapping[tuple[int, int], int]) -> list[tuple[int, list[HeatCell]]]:
    """The 5×5 matrix of `counts` by (likelihood, impact): rows from the most
    likely (5) down, cells from the least impact (1) across."""
    return [
        (
            likelihood,
            [
                HeatCell(likelihood, impact, counts.get((likelihood, impact), 0))
                for impact in range(LOWEST, HIGHEST + 1)
            ],
        )
        for likelihood in range(HIGHEST, LOWEST - 1, -1)
    ]
