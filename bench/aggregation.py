"""Aggregation at national scale: over N synthetic validated figures, the
time to aggregate a year of every indicator (analytics.aggregation.aggregates)
and to compute everything the dashboard shows (publishing.figures.figures),
each against a hand-written SQL GROUP BY summing the same rows.

Runs on a throw-away database of its own: a temporary SQLite file, or with a
PostgreSQL DATABASE_URL a database nap1325_bench beside it, created and
dropped by the bench (never the site's own):

    .venv/bin/python bench/aggregation.py --figures 1000000 [--runs 3]
    DATABASE_URL=postgres://nap1325:nap1325@127.0.0.1:5432/nap1325 \\
        .venv/bin/python bench/aggregation.py --figures 10000000

Synthetic data: 100 indicators (70 periodic counts, 20 cumulative counts,
10 percentages), each broken down by one dimension of 9 groups, so 10 figures
a report (the total and 9 cells); 20 quarters (five years); 50 institutions
in 10 regions, as many reporting units as needed (1,000 reports of 1,000
figures make 1,000,000: 50 units; 10,000,000: 500 units); every report
validated.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INDICATORS = 100
GROUPS = 9  # breakdown cells besides the total
FIGURES_PER_REPORT = INDICATORS * (GROUPS + 1)
INSTITUTIONS = 50
REGIONS = 10
YEARS = range(2019, 2024)
QUARTERS = [(year, quarter) for year in YEARS for quarter in (1, 2, 3, 4)]
REPORTS_PER_STATEMENT = 1000  # a million figures an INSERT … SELECT


def plan_file() -> dict[str, Any]:
    def indicator(number: int) -> dict[str, Any]:
        kind = "percentage" if number >= 90 else "count"
        return {
            "id": f"I{number}",
            "title": {"fr": f"Indicateur {number}", "en": f"Indicator {number}"},
            "type": kind,
            "accumulation": "cumulative" if 70 <= number < 90 else "periodic",
            "responsible": [f"u{n}" for n in range(INSTITUTIONS)],
            "disaggregations": ["group"],
            "targets": {2021: 100},
        }

    return {
        "format": 1,
        "plan": {
            "id": "bench-aggregation", "country": "BA", "title": {"fr": "Banc", "en": "Bench"},
            "period": {"start": YEARS[0], "end": YEARS[-1]}, "version": "1", "status": "adopted",
        },
        "sources": [{"id": "s", "title": "Bench"}],
        "level_types": [{"id": "pillar", "name": {"fr": "Pilier", "en": "Pillar"}}],
        "institutions": [{"id": f"u{n}", "name": {"fr": f"Unité {n}", "en": f"Unit {n}"},
                          "kind": "ministry"} for n in range(INSTITUTIONS)],
        "dimensions": [{
            "id": "group", "kind": "custom", "name": {"fr": "Groupe", "en": "Group"},
            "categories": [{"id": f"g{n}", "name": {"fr": f"G{n}", "en": f"G{n}"}}
                           for n in range(1, GROUPS + 1)],
        }],
        "levels": [{"id": "P", "level": "pillar", "title": {"fr": "P", "en": "P"},
                    "indicators": [indicator(n) for n in range(INDICATORS)]}],
    }  # fmt: skip


def value_rows_sql(vendor: str) -> str:
    """One INSERT … SELECT writing every figure of a range of reports: each
    report × each indicator × each cell, in the order a report is saved.
    The amount is (7 × report + indicator + cell number) mod 50; a
    percentage stores it as its numerator over 50 more. UUIDs are numbered,
    not random, so that writing them does not scatter the unique index."""
    number = "(s.id * 1048576 + i.id * 16 + c.n)"
    if vendor == "postgresql":
        uuid = f"lpad(to_hex({number}), 32, '0')::uuid"
    else:
        uuid = f"printf('%%032x', {number})"
    cells = " UNION ALL ".join(
        ["SELECT 0 AS n, '' AS cell"] + [f"SELECT {n}, 'group:g{n}'" for n in range(1, GROUPS + 1)]
    )
    amount = "((s.id * 7 + i.id + c.n) %% 50)"
    return f"""
        INSERT INTO reporting_indicatorvalue
            (uuid, submission_id, indicator_id, cell, value, numerator, denominator,
             text, no_data, comment, updated_at, updated_by_id)
        SELECT {uuid}, s.id, i.id, c.cell,
               CASE WHEN i.type = 'percentage' THEN NULL ELSE {amount} END,
               CASE WHEN i.type = 'percentage' THEN {amount} END,
               CASE WHEN i.type = 'percentage' THEN {amount} + 50 END,
               '', %s, '', %s, NULL
        FROM reporting_submission s
        CROSS JOIN plans_indicator i
        CROSS JOIN ({cells}) c
        WHERE i.plan_id = %s AND s.id >= %s AND s.id < %s
        ORDER BY s.id, i.id, c.n
    """


def write_figures(plan: Any, reports: list[int], *, analyze: bool) -> None:
    """Every figure of the reports, set-based: the database makes the rows.
    As for any bulk load, SQLite writes without its rollback journal, and
    PostgreSQL without the table's foreign keys and secondary indexes, put
    back once the rows are in (one check and one sort instead of a check
    and an index entry a row), then gets what autovacuum would soon do
    (statistics, the visibility map). SQLite has no statistics unless
    `analyze`: a site on SQLite has none until someone runs ANALYZE."""
    from django.db import connection, transaction
    from django.utils import timezone

    sqlite = connection.vendor == "sqlite"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    statement = value_rows_sql(connection.vendor)
    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute("PRAGMA journal_mode=OFF")
            cursor.execute("PRAGMA synchronous=OFF")
        else:
            put_back = set_aside_keys_and_indexes(cursor, "reporting_indicatorvalue")
        for first in range(0, len(reports), REPORTS_PER_STATEMENT):
            chunk = reports[first : first + REPORTS_PER_STATEMENT]
            with transaction.atomic():
                cursor.execute(statement, [False, now, plan.pk, chunk[0], chunk[-1] + 1])
        if sqlite:
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA journal_mode=DELETE")
            if analyze:
                cursor.execute("ANALYZE")
        else:
            for restore in put_back:
                cursor.execute(restore)
            cursor.execute("VACUUM ANALYZE")


def set_aside_keys_and_indexes(cursor: Any, table: str) -> list[str]:
    """PostgreSQL: drop the table's foreign keys, unique constraints and
    other indexes but its primary key; return the statements that put
    them back as they were."""
    cursor.execute(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY conname""",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid
           WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)""",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for name, definition in constraints
    ]


def make_data(figures: int, *, analyze: bool = False) -> tuple[Any, int]:
    """The plan, its places, units, quarters and validated reports, then their
    figures. Returns the plan and the number of reports."""
    import yaml
    from django.db import transaction

    from actors.models import Institution, ReportingUnit
    from places.models import Place
    from plans.loading import load_plan
    from plans.planfile import read_plan_text
    from reporting.models import ReportingPeriod, Submission

    plan = load_plan(read_plan_text(yaml.safe_dump(plan_file()))).plan
    reports_needed = max(1, figures // FIGURES_PER_REPORT)
    unit_count = -(-reports_needed // len(QUARTERS))
    region_count = max(REGIONS, -(-unit_count // INSTITUTIONS))
    with transaction.atomic():
        regions = Place.objects.bulk_create(
            Place(country="BA", code=f"BA-{n}", level="region", name_fr=f"Région {n}",
                  name_en=f"Region {n}")
            for n in range(1, region_count + 1)
        )  # fmt: skip
        institutions = list(Institution.objects.filter(country="BA").order_by("pk"))
        # Unit a·50 + b: institution b in region (a + b) mod regions, each pair once.
        units = ReportingUnit.objects.bulk_create(
            ReportingUnit(
                country="BA",
                institution=institutions[n % INSTITUTIONS],
                place=regions[(n // INSTITUTIONS + n % INSTITUTIONS) % region_count],
            )
            for n in range(unit_count)
        )
        periods = ReportingPeriod.objects.bulk_create(
            ReportingPeriod(
                plan=plan, kind="quarter", year=year, quarter=quarter, status="locked",
                opens_on=date(year, 3 * quarter, 1), deadline=date(year, 3 * quarter, 28),
            )
            for year, quarter in QUARTERS
        )  # fmt: skip
        pairs = [(period, unit) for period in periods for unit in units][:reports_needed]
        Submission.objects.bulk_create(
            (Submission(period=period, unit=unit, status="validated") for period, unit in pairs),
            batch_size=500,
        )
    reports = list(
        Submission.objects.filter(period__plan=plan).order_by("pk").values_list("pk", flat=True)
    )
    write_figures(plan, reports, analyze=analyze)
    return plan, len(reports)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", "--values", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--year", type=int, default=YEARS[-1])
    parser.add_argument(
        "--analyze", action="store_true", help="SQLite: run ANALYZE after loading (statistics)"
    )
    args = parser.parse_args()

    from bench.common import throwaway_database

    with throwaway_database() as vendor:
        run(args, vendor)


def run(args: argparse.Namespace, vendor: str) -> None:
    from bench.common import counted_queries, median_time, start_django

    start_django()
    from django.db import connection

    from analytics.aggregation import Span, aggregates
    from plans.models import Accumulation, IndicatorType
    from publishing.figures import Reading, Scope, figures
    from reporting.models import IndicatorValue

    start = time.perf_counter()
    plan, reports = make_data(args.figures, analyze=args.analyze)
    loaded = time.perf_counter() - start
    rows = IndicatorValue.objects.count()
    year = args.year
    print(f"# nap1325 aggregation bench, {time.strftime('%Y-%m-%d')}, {vendor}, runs={args.runs}")
    print(f"figures: {rows:,} ({reports:,} validated reports), loaded in {loaded:.1f} s")

    indicators = list(plan.indicators.order_by("position"))
    span = Span.year(year)
    scope, reading = Scope(plan), Reading(year)

    def group_by(sql: str = GROUP_BY) -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [False, plan.pk, year])
            return cursor.fetchall()

    # Once first, to check the answers and count the queries (and warm the cache).
    sums = {row[0]: row[1:] for row in group_by()}
    with counted_queries() as bare_queries:
        results = aggregates(indicators, span)
    with counted_queries() as dashboard_queries:
        shown = figures(scope, reading)
    summed = [i for i in indicators if i.accumulation != Accumulation.CUMULATIVE]
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
    print(f"sums equal to the GROUP BY's: {agree} of {len(summed)} periodic indicators "
          "(cumulative ones take each unit's latest figure instead)")  # fmt: skip
    if agree != len(summed):
        raise SystemExit("aggregates and the GROUP BY disagree")

    plain = median_time(group_by, args.runs)
    every_cell = median_time(partial(group_by, GROUP_BY_CELL), args.runs)
    bare = median_time(lambda: aggregates(indicators, span), args.runs)
    dashboard = median_time(lambda: figures(scope, reading), args.runs)
    print(f"GROUP BY indicator and cell (every cell, as the breakdowns read): "
          f"{every_cell * 1000:.0f} ms")  # fmt: skip
    print(
        f"{'database':<11}{'figures':>12}{'load s':>9}{'GROUP BY ms':>13}"
        f"{'aggregates ms (×)':>20}{'dashboard ms (×)':>19}{'queries':>9}"
    )
    print(
        f"{vendor:<11}{rows:>12,}{loaded:>9.1f}{plain * 1000:>13.0f}"
        f"{f'{bare * 1000:.0f} ({bare / plain:.1f})':>20}"
        f"{f'{dashboard * 1000:.0f} ({dashboard / plain:.1f})':>19}"
        f"{f'{len(bare_queries)} / {len(dashboard_queries)}':>9}"
    )


if __name__ == "__main__":
    main()
