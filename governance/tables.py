"""The tables of the governance pages (meetings, recommendations and their
follow-up, the risk register, the representation observatory), built from
the rows the page shows, for its downloads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from governance.meetings import Implementation, MeetingRecord
from governance.models import Attendance, Recommendation, Risk, RiskReview
from governance.observatory import BodySummary, men_count
from governance.risks import IMPACT_LABELS, LIKELIHOOD_LABELS, HeatCell, level_of
from nap1325.tables import TEXT, Column, Table, yes_no


def record_table(records: Iterable[MeetingRecord]) -> Table:
    table = Table(
        "records",
        _("Held and planned, by body"),
        [
            Column(_("Body"), TEXT),
            Column(_("Held")),
            Column(_("Planned")),
            Column(_("Missed"), TEXT),
            Column(_("Acronym"), TEXT),
        ],
        note=_(
            "A body that meets every quarter plans one meeting a quarter; a quarter over "
            "without a meeting is missed."
        ),
    )
    for record in records:
        table.add(
            record.body.name,
            record.held,
            record.planned or None,
            "; ".join(f"{start.isoformat()} – {end.isoformat()}" for start, end in record.missed)
            or None,
            record.body.acronym,
        )
    return table


def meeting_table(meetings: Iterable[Any]) -> Table:
    """Meetings annotated with `present`, `women` and `recommended`."""
    table = Table(
        "meetings",
        _("Meetings held"),
        [
            Column(_("Held on"), TEXT),
            Column(_("Body"), TEXT),
            Column(_("Place"), TEXT),
            Column(_("Present")),
            Column(_("Women")),
            Column(_("Recommendations")),
        ],
    )
    for meeting in meetings:
        table.add(
            meeting.held_on,
            meeting.body.acronym or meeting.body.name,
            meeting.place or None,
            meeting.present,
            meeting.women,
            meeting.recommended,
        )
    return table


def attendance_table(attendance: Iterable[Attendance]) -> Table:
    table = Table(
        "attendance",
        _("Who attended"),
        [Column(_("Member"), TEXT), Column(_("Person"), TEXT), Column(_("Sex"), TEXT)],
    )
    for line in attendance:
        table.add(str(line.membership.institution), line.person or None, line.get_sex_display())
    return table


def recommendation_table(recommendations: Iterable[Recommendation], key: str, title: str) -> Table:
    """Recommendations (with their owner and meeting's body selected)."""
    table = Table(
        key,
        title,
        [
            Column(_("Recommendation"), TEXT),
            Column(_("From"), TEXT),
            Column(_("Owner"), TEXT),
            Column(_("Due on"), TEXT),
            Column(_("Status"), TEXT),
        ],
    )
    for recommendation in recommendations:
        meeting = recommendation.meeting
        if meeting is not None:
            source = f"{meeting.body.acronym or meeting.body.name}, {meeting.held_on.isoformat()}"
        else:
            source = recommendation.get_source_display()
            if recommendation.reference:
                source += f": {recommendation.reference}"
        table.add(
            recommendation.text,
            source,
            recommendation.owner.acronym or recommendation.owner.name,
            recommendation.due_on,
            recommendation.get_status_display(),
        )
    return table


def implementation_table(rows: Iterable[Implementation]) -> Table:
    table = Table(
        "implementation",
        _("Recommendations implemented"),
        [
            Column(_("Due in"), grouping=False),
            Column(_("Due")),
            Column(_("Done")),
            Column(_("In progress")),
            Column(_("Open")),
            Column(_("Dropped")),
            Column(_("Overdue")),
            Column(_("Implemented (%)")),
        ],
        note=_("Implemented: done out of those due in the year, the dropped ones left out."),
    )
    for row in rows:
        table.add(
            row.year,
            row.due,
            row.done,
            row.in_progress,
            row.open,
            row.dropped,
            row.overdue,
            row.rate,
        )
    return table


def heat_map_table(heat_map: Sequence[tuple[int, list[HeatCell]]]) -> Table:
    """The number of risks by likelihood (rows) and impact (columns)."""
    table = Table(
        "heatmap",
        _("Heat map"),
        [
            Column(_("Likelihood"), grouping=False),
            Column(_("Meaning"), TEXT),
            *[Column(f"{_('Impact')} {n} — {label}") for n, label in IMPACT_LABELS.items()],
        ],
        note=_(
            "Number of risks by likelihood (rows) and impact (columns); the score of a cell "
            "is likelihood × impact."
        ),
    )
    for likelihood, cells in heat_map:
        table.add(likelihood, str(LIKELIHOOD_LABELS[likelihood]), *[c.count for c in cells])
    return table


def risk_table(risks: Iterable[Risk]) -> Table:
    table = Table(
        "risks",
        _("Risks by score"),
        [
            Column(_("Score")),
            Column(_("Level"), TEXT),
            Column(_("Risk"), TEXT),
            Column(_("Category"), TEXT),
            Column(_("Likelihood")),
            Column(_("Impact")),
            Column(_("Owner"), TEXT),
            Column(_("Next review"), TEXT),
            Column(_("Status"), TEXT),
            Column(_("Mitigation"), TEXT),
        ],
    )
    for risk in risks:
        table.add(
            risk.score,
            level_of(risk.score)[1],
            risk.description,
            risk.get_category_display(),
            risk.likelihood,
            risk.impact,
            str(risk.owner) if risk.owner else None,
            risk.next_review,
            risk.get_status_display(),
            risk.mitigation,
        )
    return table


def review_table(reviews: Iterable[RiskReview]) -> Table:
    table = Table(
        "reviews",
        _("History of the scores"),
        [
            Column(_("Reviewed on"), TEXT),
            Column(_("Likelihood")),
            Column(_("Impact")),
            Column(_("Score")),
            Column(_("Note"), TEXT),
            Column(_("By"), TEXT),
        ],
    )
    for review in reviews:
        table.add(
            review.reviewed_on,
            review.likelihood,
            review.impact,
            review.likelihood * review.impact,
            review.note or None,
            str(review.by) if review.by else None,
        )
    return table


def quota_table(rows: Iterable[BodySummary]) -> Table:
    """Each body's latest share of women against its quota."""
    table = Table(
        "quota",
        _("Bodies and the quota"),
        [
            Column(_("Body"), TEXT),
            Column(_("Latest figure"), TEXT),
            Column(_("Share of women (%)")),
            Column(_("Quota (%)")),
            Column(_("Status"), TEXT),
            Column(_("Change (points)")),
            Column(_("Published share only"), TEXT),
        ],
    )
    for summary in rows:
        latest = summary.latest
        table.add(
            summary.body.name,
            dated(latest) if latest else None,
            Decimal(summary.share) if summary.share is not None else None,
            summary.minimum,
            str(summary.status.label),
            summary.change,
            yes_no(latest.share_is_published_only) if latest else None,
        )
    return table


def dated(observation: Any) -> str:
    """The observation's date in ISO 8601, as precise as its source (2020, 2019-05, a day)."""
    day = observation.observed_on.isoformat()
    return day[: {"year": 4, "month": 7}.get(observation.precision, 10)]


def observation_table(rows: Iterable[BodySummary]) -> Table:
    """Every figure of the observatory with its source, one row each."""
    table = Table(
        key="observations",
        title=_("Women's representation"),
        columns=[
            Column(_("Country"), TEXT),
            Column(_("Body"), TEXT),
            Column(_("Body identifier"), TEXT),
            Column(_("Date"), TEXT),
            Column(_("Date precision"), TEXT),
            Column(_("Election"), TEXT),
            Column(_("Women")),
            Column(_("Men")),
            Column(_("Total")),
            Column(_("Share of women, computed (%)")),
            Column(_("Share of women as published (%)")),
            Column(_("Published share only"), TEXT),
            Column(_("Published minus computed (points)")),
            Column(_("Quota (%)")),
            Column(_("Source"), TEXT),
            Column(_("Source document"), TEXT),
            Column(_("Page or section"), TEXT),
            Column(_("Quote"), TEXT),
            Column(_("Note"), TEXT),
        ],
        note=_("Shares are computed from the counts; where the source gives only a percentage, "
               "it is kept as published."),
    )  # fmt: skip
    for summary in rows:
        for o in summary.observations:
            table.add(
                summary.body.country,
                summary.body.name,
                summary.body.key,
                dated(o),
                o.get_precision_display(),
                o.election,
                o.women,
                men_count(o),
                o.seats,
                None if o.share_is_published_only else o.share,
                o.published_share,
                yes_no(o.share_is_published_only),
                o.discrepancy,
                summary.minimum,
                o.source_title,
                o.source_document,
                o.location,
                o.quote,
                o.note,
            )
    return table
