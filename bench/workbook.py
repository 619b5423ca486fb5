"""Workbook round trip at size: export and all-or-nothing import of an
operational plan with many activities, beside a bare bulk insert of the same
budget lines (the floor), and the queries of the busiest operations pages.

    .venv/bin/python bench/workbook.py [--per-output 10]

Runs on a throw-away SQLite database (or DATABASE_URL).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-output", type=int, default=10, help="activities per output")
    args = parser.parse_args()
    from bench.common import counted_queries, start_django

    start_django()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from operations.demo import make_demo_operational_plan
    from operations.models import BudgetLine, OperationalPlan
    from operations.workbook import build_workbook, import_workbook
    from plans.models import Plan

    call_command("loadplaces", verbosity=0)
    call_command("loadplan", str(ROOT / "nap1325/data/plans/mali-2019-2023.yaml"), verbosity=0)
    plan = Plan.objects.get(key="ml-2019-2023")
    start = time.perf_counter()
    report = make_demo_operational_plan(plan, activities_per_output=args.per_output)
    generated = time.perf_counter() - start
    version = OperationalPlan.objects.get(plan=plan, number=2)  # the draft
    admin = User.objects.create_superuser("bench", password="bench-long-pass-phrase-7")

    print(f"# nap1325 workbook bench, {time.strftime('%Y-%m-%d')}, {connection.vendor}")
    print(
        f"demo plan: {report.activities} activities, {report.budget_lines} budget lines "
        f"in {generated:.2f} s"
    )
    start = time.perf_counter()
    content = build_workbook(version)
    exported = time.perf_counter() - start
    print(f"export: {len(content) / 1024:.0f} KB in {exported:.2f} s")

    start = time.perf_counter()
    result = import_workbook(version, io.BytesIO(content), by=admin)
    unchanged = time.perf_counter() - start
    print(f"import, nothing changed ({len(result.unchanged)} activities): {unchanged:.2f} s")

    # Every activity re-costed: the import writes them all, through the audited action.
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    sheet = book[book.sheetnames[2]]
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=7).value = 3
    changed = io.BytesIO()
    book.save(changed)
    changed.seek(0)
    start = time.perf_counter()
    result = import_workbook(version, changed, by=admin)
    rewritten = time.perf_counter() - start
    lines = BudgetLine.objects.filter(activity_version__operational_plan=version).count()
    print(f"import, {len(result.updated)} activities changed ({lines} lines): {rewritten:.2f} s")

    rows = [
        BudgetLine(
            activity_version_id=line.activity_version_id, year=line.year, source_id=line.source_id,
            unit_cost=line.unit_cost, quantity=line.quantity, amount=line.amount,
        )
        for line in BudgetLine.objects.filter(activity_version__operational_plan=version)
    ]  # fmt: skip
    start = time.perf_counter()
    with transaction.atomic():
        BudgetLine.objects.bulk_create(rows)
        transaction.set_rollback(True)
    floor = time.perf_counter() - start
    print(f"bare bulk insert of the same {len(rows)} lines: {floor:.3f} s")
    print(f"ratio import (all changed) / bare insert: {rewritten / floor:.0f}")

    client = Client()
    for name, url in (
        ("budget page", f"/en/plans/{plan.key}/operations/2/"),
        ("schedule", f"/en/plans/{plan.key}/operations/2/schedule/"),
        ("compare", f"/en/plans/{plan.key}/operations/2/compare/"),
    ):
        start = time.perf_counter()
        with counted_queries() as queries:
            response = client.get(url)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, url
        print(
            f"{name}: {len(response.content) / 1024:.0f} KB, {len(queries)} queries, "
            f"{elapsed * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
