"""A quarter's report through Excel at size: a plan whose indicators, broken
down by sex, age group and area, ask a unit for about 10,000 figures; the
unit's workbook is built, filled as a person would, then read and imported
(the same checks and audited writes as the report form).

    .venv/bin/python bench/report_workbook.py [--values 10000]

Runs on a throw-away SQLite database (or DATABASE_URL).
"""

from __future__ import annotations

import argparse
import io
import math
import random
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AGES = 5
AREAS = 10
CELLS = 1 + 2 * AGES * AREAS  # the total and every sex × age × area


def plan_file(indicators: int) -> dict[str, Any]:
    """A plan with `indicators` counts, each broken down into CELLS - 1 cells,
    that both institutions report on."""

    def name(text: str) -> dict[str, str]:
        return {"fr": text, "en": text}

    def dimension(key: str, kind: str, count: int) -> dict[str, Any]:
        categories = [{"id": f"{key}{n}", "name": name(f"{key} {n}")} for n in range(count)]
        return {"id": key, "kind": kind, "name": name(key), "categories": categories}

    return {
        "format": 1,
        "plan": {
            "id": "bench-2020-2024", "country": "BN", "title": name("Bench plan"),
            "period": {"start": 2020, "end": 2024}, "version": "1", "status": "draft",
            "default_language": "en",
        },
        "sources": [{"id": "src", "title": "Bench"}],
        "level_types": [{"id": "pillar", "name": name("Pillar"), "plural": name("Pillars")}],
        "institutions": [
            {"id": "mwa", "name": name("Ministry"), "kind": "ministry"},
            {"id": "ngo", "name": name("Network"), "kind": "cso"},
        ],
        "dimensions": [
            {"id": "sex", "kind": "sex", "name": name("Sex"), "categories": [
                {"id": "female", "name": name("Female")}, {"id": "male", "name": name("Male")}]},
            dimension("age", "age", AGES),
            dimension("area", "custom", AREAS),
        ],
        "levels": [{
            "id": "P", "level": "pillar", "code": "1", "title": name("Pillar"),
            "indicators": [
                {
                    "id": f"P.I{n}", "title": name(f"Indicator {n}"), "type": "count",
                    "disaggregations": ["sex", "age", "area"], "targets": {2021: 1000},
                    "end_target": 5000, "frequency": "quarterly", "responsible": ["mwa", "ngo"],
                    "data_source": name("Registers"),
                }
                for n in range(indicators)
            ],
        }],
    }  # fmt: skip


def filled(content: bytes, seed: int) -> io.BytesIO:
    """The workbook with every figure typed in: each breakdown cell a number,
    each total their sum."""
    from openpyxl import load_workbook

    rng = random.Random(seed)
    book = load_workbook(io.BytesIO(content))
    totals: dict[str, list[Any]] = {}  # reference → [its total's cell, the sum so far]
    for row in book[book.sheetnames[1]].iter_rows(min_row=2):
        reference, value = str(row[0].value), row[7]
        if reference not in totals:  # the total comes first
            totals[reference] = [value, 0]
            continue
        value.value = rng.randint(0, 40)
        totals[reference][1] += value.value
    for cell, total in totals.values():
        cell.value = total
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=10_000, help="figures in the report")
    args = parser.parse_args()
    from bench.common import counted_queries, start_django

    start_django()
    import yaml
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from actors.models import Institution, ReportingUnit
    from plans.loading import load_plan
    from plans.planfile import read_plan_text
    from reporting.actions import open_period
    from reporting.models import IndicatorValue, ReportingPeriod, Submission
    from reporting.workbook import (
        build_report_workbook,
        import_report_workbook,
        read_report_workbook,
    )

    translation.activate("fr")
    call_command("migrate", verbosity=0)
    indicators = math.ceil(args.values / CELLS)
    plan = load_plan(read_plan_text(yaml.safe_dump(plan_file(indicators)))).plan
    for key in ("mwa", "ngo"):
        ReportingUnit.objects.create(
            country="BN", institution=Institution.objects.get(country="BN", key=key)
        )
    period = ReportingPeriod.objects.create(
        plan=plan, kind="quarter", year=2021, quarter=1,
        opens_on=date(2021, 3, 15), deadline=date(2021, 4, 15),
    )  # fmt: skip
    admin = User.objects.create_superuser("bench", password="bench-long-pass-phrase-7")
    open_period(period, by=admin)
    ministry, network = (
        Submission.objects.get(period=period, unit__institution__key=key) for key in ("mwa", "ngo")
    )

    print(f"# nap1325 report workbook bench, {time.strftime('%Y-%m-%d')}, {connection.vendor}")
    print(f"report: {indicators} indicators × {CELLS} cells = {indicators * CELLS} figures")
    start = time.perf_counter()
    content = build_report_workbook(ministry)
    built = time.perf_counter() - start
    print(f"build the workbook: {len(content) / 1024:.0f} KB in {built:.2f} s")
    upload = filled(content, seed=1)
    print(f"filled workbook: {len(upload.getvalue()) / 1024:.0f} KB")

    start = time.perf_counter()
    report = read_report_workbook(ministry, upload)
    read = time.perf_counter() - start
    print(f"read and check ({len(report.values)} figures): {read:.2f} s")

    start = time.perf_counter()
    with counted_queries() as queries:
        result = import_report_workbook(ministry, upload, by=admin)
    imported = time.perf_counter() - start
    stored = IndicatorValue.objects.filter(submission=ministry).count()
    print(
        f"import (read + check + save, {result.changes} audited changes, {stored} values "
        f"stored): {imported:.2f} s, {len(queries)} queries"
    )

    ministry.refresh_from_db()
    again = filled(build_report_workbook(ministry), seed=1)
    start = time.perf_counter()
    with counted_queries() as queries:
        result = import_report_workbook(ministry, again, by=admin)
    unchanged = time.perf_counter() - start
    print(
        f"import again, nothing changed ({result.changes} changes): {unchanged:.2f} s, "
        f"{len(queries)} queries"
    )

    # Memory on the other unit's report, apart: tracing slows everything down.
    upload = filled(build_report_workbook(network), seed=2)
    tracemalloc.start()
    import_report_workbook(network, upload, by=admin)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak memory of an import (traced Python allocations): {peak / 1024 / 1024:.0f} MB")


if __name__ == "__main__":
    main()
