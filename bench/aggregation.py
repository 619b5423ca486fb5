"""Aggregation at national scale: the time to aggregate a year of every
indicator (analytics.aggregation.aggregates) over N synthetic validated
figures, against a hand-written SQL GROUP BY summing the same rows.

Runs on a throw-away SQLite database (or DATABASE_URL if set):

    .venv/bin/python bench/aggregation.py [--values 1000000] [--runs 3]

Synthetic data: 100 indicators (70 periodic counts, 20 cumulative counts,
10 percentages), each with 9 breakdown cells and a total; 50 reporting units;
20 quarters (five years); every report validated.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INDICATORS = 100
CELLS = 10  # the total and nine cells
UNITS = 50


def plan_file() -> dict[str, Any]:
    def indicator(number: int) -> dict[str, Any]:
        kind = "percentage" if number >= 90 else "count"
        return {
            "id": f"I{number}",
            "title": {"fr": f"Indicateur {number}", "en": f"Indicator {number}"},
            "type": kind,
            "accumulation": "cumulative" if 70 <= number < 90 else "periodic",
            "responsible": [f"u{unit}" for unit in range(UNITS)],
            "targets": {2021: 100},
        }

    return {
        "format": 1,
        "plan": {
            "id": "bench-aggregation", "country": "BA", "title": {"fr": "Banc", "en": "Bench"},
            "period": {"start": 2019, "end": 2023}, "version": "1", "status": "adopted",
        },
        "sources": [{"id": "s", "title": "Bench"}],
        "level_types": [{"id": "pillar", "name": {"fr": "Pilier", "en": "Pillar"}}],
        "institutions": [{"id": f"u{unit}", "name": {"fr": f"Unité {unit}", "en": f"Unit {unit}"},
                          "kind": "ministry"} for unit in range(UNITS)],
        "levels": [{"id": "P", "level": "pillar", "title": {"fr": "P", "en": "P"},
                    "indicators": [indicator(n) for n in range(INDICATORS)]}],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from bench.common import counted_queries, median_time, start_django

    start_django()
    import yaml
    from django.db import connection, transaction

    from actors.models import Institution, ReportingUnit
    from analytics.aggregation import Span, aggregates
    from plans.loading import load_plan
    from plans.planfile import read_plan_text
    from reporting.models import IndicatorValue, ReportingPeriod, Submission

    plan = load_plan(read_plan_text(yaml.safe_dump(plan_file()))).plan
    indicators = list(plan.indicators.order_by("position"))
    units = ReportingUnit.objects.bulk_create(
        ReportingUnit(country="BA", institution=institution)
        for institution in Institution.objects.filter(country="BA")
    )
    quarters = [(year, quarter) for year in range(2019, 2024) for quarter in (1, 2, 3, 4)]
    per_report = INDICATORS * CELLS
    reports_needed = max(1, args.values // per_report)
    start = time.perf_counter()
    with transaction.atomic():
        periods = ReportingPeriod.objects.bulk_create(
            ReportingPeriod(
                plan=plan, kind="quarter", year=year, quarter=quarter, status="locked",
                opens_on=date(year, 3 * quarter, 1), deadline=date(year, 3 * quarter, 28),
            )
            for year, quarter in quarters
        )  # fmt: skip
        pairs = [(period, unit) for period in periods for unit in units][:reports_needed]
        reports = Submission.objects.bulk_create(
            Submission(period=period, unit=unit, status="validated") for period, unit in pairs
        )
        cells = [""] + [f"c:{n}" for n in range(1, CELLS)]
        batch: list[IndicatorValue] = []
        for number, report in enumerate(reports):
            for indicator in indicators:
                for cell in cells:
                    amount = (number * 7 + indicator.pk + len(cell)) % 50
                    if indicator.type == "percentage":
                        figure = IndicatorValue(numerator=amount, denominator=amount + 50)
                    else:
                        figure = IndicatorValue(value=amount)
                    figure.uuid = uuid.uuid4()
                    figure.submission_id, figure.indicator_id, figure.cell = (
                        report.pk,
                        indicator.pk,
                        cell,
                    )
                    batch.append(figure)
            if len(batch) >= 20_000:
                IndicatorValue.objects.bulk_create(batch, batch_size=2000)
                batch = []
        IndicatorValue.objects.bulk_create(batch, batch_size=2000)
    made = time.perf_counter() - start
    rows = IndicatorValue.objects.count()
    print(f"# nap1325 aggregation bench, {time.strftime('%Y-%m-%d')}, {connection.vendor}")
    print(f"figures: {rows:,} ({len(reports)} validated reports), written in {made:.1f} s")

    def timed(run: Any) -> float:
        return median_time(run, args.runs)

    year = max(period.year for period, _unit in pairs)
    with counted_queries() as queries:
        results = aggregates(indicators, Span.year(year))
    ours = timed(lambda: aggregates(indicators, Span.year(year)))
    sql = """
        SELECT v.indicator_id, SUM(v.value), SUM(v.numerator), SUM(v.denominator)
        FROM reporting_indicatorvalue v
        JOIN reporting_submission s ON s.id = v.submission_id
        JOIN reporting_reportingperiod p ON p.id = s.period_id
        WHERE v.cell = '' AND s.status = 'validated' AND p.year = %s
        GROUP BY v.indicator_id
    """

    def group_by() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [year])
            return cursor.fetchall()

    plain = timed(group_by)
    reported = sum(1 for r in results.values() if r.reported)
    print(f"year {year}: {reported} indicators with figures, {len(queries)} queries")
    print(f"aggregates (every rule, units, no data): {ours * 1000:.0f} ms")
    print(f"plain GROUP BY sum of the same rows:     {plain * 1000:.0f} ms")
    print(f"ratio: {ours / plain:.1f}")


if __name__ == "__main__":
    main()
