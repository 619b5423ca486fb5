"""Aggregation at national scale: over N synthetic validated figures
(reporting.synthetic, as `manage.py demo --synthetic N` loads them), the
time to aggregate a year of every indicator (analytics.aggregation.aggregates),
to compute everything the dashboard shows (publishing.figures.figures) and
the public IPTT of that year (publishing.iptt.iptt_table: the year, each
quarter alone and each quarter to date), each against a hand-written SQL
GROUP BY summing the same rows.

Runs on a throw-away database of its own: a temporary SQLite file, or with a
PostgreSQL DATABASE_URL a database nap1325_bench beside it, created and
dropped by the bench (never the site's own):

    .venv/bin/python bench/aggregation.py --figures 1000000 [--runs 3] [--seed 1325]
    DATABASE_URL=postgres://nap1325:nap1325@127.0.0.1:5432/nap1325 \\
        .venv/bin/python bench/aggregation.py --figures 10000000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.common import Synthetic

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEARS = range(2019, 2024)  # the synthetic plan's (reporting.synthetic.Shape)


# The same rows as `aggregates` counts for a year: the total cell of every
# figure given (not "no data") in validated reports of the plan's quarters.
GROUP_BY = """
    SELECT v.indicator_id, SUM(v.value), SUM(v.numerator), SUM(v.denominator)
    FROM reporting_indicatorvalue v
    JOIN reporting_submission s ON s.id = v.submission_id
    JOIN reporting_reportingperiod p ON p.id = s.period_id
    WHERE v.cell = '' AND v.no_data = %s AND s.status = 'validated'
      AND p.plan_id = %s AND p.kind = 'quarter' AND p.year = %s
    GROUP BY v.indicator_id
"""
# The same for every cell, the total included: what the dashboard's breakdowns read.
GROUP_BY_CELL = (
    GROUP_BY.replace("v.cell = '' AND ", "")
    .replace("GROUP BY v.indicator_id", "GROUP BY v.indicator_id, v.cell")
    .replace("SELECT v.indicator_id,", "SELECT v.indicator_id, v.cell,")
)


# What the IPTT reads of a year: every cell of every quarter.
GROUP_BY_QUARTER = GROUP_BY_CELL.replace(
    "GROUP BY v.indicator_id, v.cell", "GROUP BY v.indicator_id, v.cell, p.quarter"
).replace("SELECT v.indicator_id, v.cell,", "SELECT v.indicator_id, v.cell, p.quarter,")


def median_of(first: float, run: Callable[[], object], runs: int) -> float:
    """The median of the `first` timing and `runs` - 1 more."""
    samples = [first]
    for _ in range(runs - 1):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def iptt_file(table: Any) -> bytes:
    """The XLSX of an IPTT table, as publishing.iptt.iptt_workbook writes it."""
    import io

    from openpyxl import Workbook

    from publishing.iptt import write_readme, write_table

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    write_table(sheet, table)
    write_readme(book.create_sheet("Read me"), table)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def arguments(parser: argparse.ArgumentParser) -> None:
    from bench.common import synthetic_arguments

    synthetic_arguments(parser, year=YEARS[-1])
    parser.add_argument("--runs", type=int, default=3)


def main() -> None:
    from bench.common import on_synthetic

    on_synthetic(__doc__.splitlines()[0], arguments, measure)


def measure(args: argparse.Namespace, loaded: Synthetic) -> None:
    """Print the figures of the aggregation over the loaded synthetic plan;
    publishes `args.year` (the public IPTT reads published years only)."""
    from django.db import connection

    from analytics.aggregation import Span, aggregates
    from bench.common import counted_queries, median_time, publish_year
    from plans.models import Accumulation, IndicatorType
    from publishing.figures import Reading, Scope, figures
    from publishing.iptt import iptt_table
    from reporting.models import IndicatorValue

    rows = IndicatorValue.objects.count()
    year = args.year
    vendor, plan = loaded.vendor, loaded.plan
    print(f"# nap1325 aggregation bench, {time.strftime('%Y-%m-%d')}, {vendor}, runs={args.runs}")
    print(f"figures: {rows:,} ({loaded.reports:,} validated reports, seed {args.seed})")

    indicators = list(plan.indicators.order_by("position"))
    span = Span.year(year)
    scope, reading = Scope(plan), Reading(year)
    publish_year(plan, year)

    def group_by(sql: str = GROUP_BY) -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [False, plan.pk, year])
            return cursor.fetchall()

    # Once first, to check the answers and count the queries; that run is
    # the first sample of the slow ones (10M figures on SQLite: minutes each).
    sums = {row[0]: row[1:] for row in group_by()}
    with counted_queries() as bare_queries:
        results = aggregates(indicators, span)
    with counted_queries() as dashboard_queries:
        start = time.perf_counter()
        shown = figures(scope, reading)
        first_dashboard = time.perf_counter() - start
    with counted_queries() as iptt_queries:
        start = time.perf_counter()
        table = iptt_table(plan, public=True)
        first_iptt = time.perf_counter() - start
    # Those the year has figures of (a small load leaves some without).
    summed = [i for i in indicators if i.accumulation != Accumulation.CUMULATIVE and i.pk in sums]
    agree = 0
    for indicator in summed:
        result = results[indicator.pk]
        value, numerator, denominator = sums[indicator.pk]
        if indicator.type == IndicatorType.PERCENTAGE:
            agree += (result.numerator, result.denominator) == (numerator, denominator)
        else:
            agree += result.value == Decimal(value)
    reported = sum(1 for r in results.values() if r.reported)
    with_breakdowns = sum(1 for row in shown if row.breakdowns and row.places)
    print(f"year {year}: {reported} indicators with figures, {with_breakdowns} with breakdowns")
    print(f"public IPTT of {table.years}: {len(table.lines)} lines, {len(table.groups)} periods")
    print(f"sums equal to the GROUP BY's: {agree} of {len(summed)} periodic indicators "
          "(cumulative ones take each unit's latest figure instead)")  # fmt: skip
    if agree != len(summed):
        raise SystemExit("aggregates and the GROUP BY disagree")

    plain = median_time(group_by, args.runs)
    every_cell = median_time(partial(group_by, GROUP_BY_CELL), args.runs)
    by_quarter = median_time(partial(group_by, GROUP_BY_QUARTER), args.runs)
    bare = median_time(lambda: aggregates(indicators, span), args.runs)
    dashboard = median_of(first_dashboard, lambda: figures(scope, reading), args.runs)
    iptt = median_of(first_iptt, lambda: iptt_table(plan, public=True), args.runs)
    start = time.perf_counter()
    workbook = iptt_file(table)
    written = time.perf_counter() - start
    print(f"GROUP BY indicator and cell (every cell, as the breakdowns read): "
          f"{every_cell * 1000:.0f} ms")  # fmt: skip
    print(f"GROUP BY indicator, cell and quarter (what the IPTT reads): {by_quarter * 1000:.0f} ms")
    print(f"IPTT workbook written from the table: {len(workbook) // 1000} KB in {written:.1f} s")
    print(
        f"{'database':<11}{'figures':>12}{'load s':>8}{'GROUP BY ms':>12}"
        f"{'aggregates ms (×)':>19}{'dashboard ms (×)':>18}{'by quarter ms':>14}"
        f"{'IPTT ms (×)':>16}{'queries':>13}"
    )
    print(
        f"{vendor:<11}{rows:>12,}{loaded.seconds:>8.1f}{plain * 1000:>12.0f}"
        f"{f'{bare * 1000:.0f} ({bare / plain:.1f})':>19}"
        f"{f'{dashboard * 1000:.0f} ({dashboard / plain:.1f})':>18}"
        f"{by_quarter * 1000:>14.0f}"
        f"{f'{iptt * 1000:.0f} ({iptt / by_quarter:.1f})':>16}"
        f"{f'{len(bare_queries)}/{len(dashboard_queries)}/{len(iptt_queries)}':>13}"
    )


if __name__ == "__main__":
    main()
