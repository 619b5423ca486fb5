"""The tables of the operational plan's pages (versions, money, schedule,
changes, an activity's budget and money, the plans side by side), built
from the rows the page shows, for the page and its downloads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from nap1325.tables import TEXT, Column, Table, Value, yes_no
from operations.compare import ActivityChange
from operations.models import BudgetLine, FundingRecord, OperationalPlan
from operations.rollups import Completion, PlanSummary, Share


def version_table(versions: Iterable[OperationalPlan]) -> Table:
    """The versions (annotated with `activity_total`)."""
    table = Table(
        "versions",
        _("Operational plan"),
        [
            Column(_("Version"), grouping=False),
            Column(_("Year"), grouping=False),
            Column(_("Status"), TEXT),
            Column(_("Adopted on"), TEXT),
            Column(_("Activities")),
        ],
    )
    for version in versions:
        table.add(
            version.number,
            version.year,
            version.get_status_display(),
            version.adopted_at.date() if version.adopted_at else None,
            version.activity_total,  # type: ignore[attr-defined]
        )
    return table


def money_columns(currency: str) -> list[Column]:
    columns = [
        Column(_("Planned")),
        Column(_("Pledged")),
        Column(_("Disbursed")),
        Column(_("Spent")),
        Column(_("Gap")),
    ]
    if currency:
        columns.append(Column(_("Planned (%(currency)s)") % {"currency": currency}))
    return columns


def money_cells(row: Any, currency: str) -> list[Value]:
    """A roll-up row (`operations.views.Row`) as cells, in XOF then converted."""
    cells: list[Value] = [row.planned, row.pledged, row.disbursed, row.spent, row.gap]
    if currency:
        cells.append(row.converted)
    return cells


def money_tables(
    by_priority: Sequence[tuple[Any, Completion]],
    total: Any,
    by_year: Sequence[Any],
    by_source: Sequence[Any],
    shares: Sequence[Share],
    currency: str,
) -> list[Table]:
    """The money page's four tables: amounts in XOF (and in `currency`)."""
    priorities = Table(
        "priorities",
        _("By priority"),
        [
            Column(_("Priority"), TEXT),
            *money_columns(currency),
            Column(_("Activities planned")),
            Column(_("Completed")),
            Column(_("Completed (%)")),
        ],
        note=_(
            "An activity that contributes to several priorities counts fully under each of "
            "them, and once in the total."
        ),
        total=True,
    )
    for row, completion in by_priority:
        priorities.add(
            row.label,
            *money_cells(row, currency),
            completion.planned,
            completion.completed,
            completion.rate,
        )
    priorities.add(total.label, *money_cells(total, currency), "", "", "")
    tables = [priorities]
    for key, title, first, rows in (
        ("years", _("By year"), _("Year"), by_year),
        ("sources", _("By funding source"), _("Funding source"), by_source),
    ):
        table = Table(key, title, [Column(first, TEXT), *money_columns(currency)])
        for row in rows:
            table.add(row.label, *money_cells(row, currency))
        tables.append(table)
    stakeholders = Table(
        "stakeholders",
        _("Share of the budget by stakeholder"),
        [
            Column(_("Stakeholder"), TEXT),
            Column(_("Planned")),
            Column(_("Share of the planned budget (%)")),
            Column(_("Pledged")),
            Column(_("Share of the pledges (%)")),
        ],
    )
    for share in shares:
        stakeholders.add(
            share.label,
            share.money.planned,
            share.planned_share,
            share.money.pledged,
            share.pledged_share,
        )
    tables.append(stakeholders)
    return tables


def schedule_table(
    groups: Sequence[tuple[str, list[dict[str, Any]]]],
    quarters: Sequence[tuple[int, int]],
    group_title: str,
) -> Table:
    """The quarter grid: one row per activity and group (an activity under
    two priorities is in both), "x" in each scheduled quarter."""
    table = Table(
        "schedule",
        _("Schedule"),
        [
            Column(group_title, TEXT),
            Column(_("Code"), TEXT),
            Column(_("Activity"), TEXT),
            Column(_("Status"), TEXT),
            Column(_("Late"), TEXT),
            *[
                Column(_("Q%(quarter)s %(year)s") % {"quarter": q, "year": y}, TEXT)
                for y, q in quarters
            ],
        ],
        note=_(
            "Late: a scheduled quarter has ended and the activity is not completed "
            "(or has not started)."
        ),
    )
    for name, rows in groups:
        for row in rows:
            activity = row["activity"]
            table.add(
                name,
                activity.code,
                activity.title,
                activity.get_status_display(),
                yes_no(row["late"]),
                *["x" if on else None for _label, on in row["cells"]],
            )
    return table


def change_table(changes: Iterable[ActivityChange]) -> Table:
    """What changed between two versions, one row per activity."""
    table = Table(
        "changes",
        _("Changes between versions"),
        [
            Column(_("Change"), TEXT),
            Column(_("Code"), TEXT),
            Column(_("Activity"), TEXT),
            Column(_("Details"), TEXT),
        ],
    )
    labels = {"added": _("added"), "removed": _("removed"), "changed": _("changed")}
    for change in changes:
        details = "; ".join(
            f"{label}: {before} → {after}" if before else f"{label}: {after}"
            for label, before, after in change.rows()
        )
        table.add(labels[change.kind], change.code, change.title, details if change.fields else "")
    return table


def budget_table(lines: Sequence[BudgetLine], total: int) -> Table:
    table = Table(
        "budget",
        _("Budget"),
        [
            Column(_("Year"), grouping=False),
            Column(_("Source"), TEXT),
            Column(_("Item"), TEXT),
            Column(_("Unit"), TEXT),
            Column(_("Unit cost (XOF)")),
            Column(_("Quantity")),
            Column(_("Amount (XOF)")),
        ],
        total=True,
    )
    for line in lines:
        table.add(
            line.year,
            str(line.source),
            line.label,
            line.unit,
            line.unit_cost,
            Decimal(line.quantity),
            line.amount,
        )
    table.add(_("Total"), "", "", "", "", "", total)
    return table


def funding_table(records: Iterable[FundingRecord]) -> Table:
    table = Table(
        "funding",
        _("Money received and spent"),
        [
            Column(_("Date"), TEXT),
            Column(_("Stage"), TEXT),
            Column(_("Budget year"), grouping=False),
            Column(_("Source"), TEXT),
            Column(_("By"), TEXT),
            Column(_("Amount (XOF)")),
            Column(_("Note"), TEXT),
        ],
    )
    for record in records:
        table.add(
            record.on,
            record.get_stage_display(),
            record.year,
            str(record.source),
            str(record.institution) if record.institution else None,
            record.amount,
            record.note,
        )
    return table


def side_by_side_tables(summaries: Sequence[PlanSummary]) -> list[Table]:
    """Each plan's figures, and the completion rates its review published."""
    plans = Table(
        "plans",
        _("The plans side by side"),
        [
            Column(_("Plan"), TEXT),
            Column(_("First year"), grouping=False),
            Column(_("Last year"), grouping=False),
            Column(_("Status"), TEXT),
            Column(_("Priorities")),
            Column(_("Activities")),
            Column(_("Activities completed")),
            Column(_("Completion (%)")),
            Column(_("Budget (XOF)")),
            Column(_("Total as published"), TEXT),
        ],
    )
    reported = Table(
        "reported",
        _("Completion rates reported"),
        [
            Column(_("Plan"), TEXT),
            Column(_("Code"), TEXT),
            Column(_("Planned")),
            Column(_("Completed")),
            Column(_("Rate (%)")),
            Column(_("Published (%)")),
            Column(_("Published minus computed (points)")),
        ],
        note=_("Completion rates are computed from the activity counts."),
    )
    for summary in summaries:
        plan, completion = summary.plan, summary.completion
        plans.add(
            plan.title,
            plan.start_year,
            plan.end_year,
            plan.get_status_display(),
            len(summary.priorities),
            summary.activities,
            completion.completed if completion else None,
            completion.computed if completion else None,
            summary.budget,
            yes_no(summary.budget_is_declared),
        )
        for element, rate in summary.reported:
            reported.add(
                plan.title,
                element.code,
                rate.planned,
                rate.completed,
                rate.computed,
                rate.published,
                rate.discrepancy,
            )
    return [plans, reported]
