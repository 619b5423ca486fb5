"""A quarter's report through the mobile route at size: the same plan as
bench/report_workbook.py (counts broken down by sex, age group and area); the
unit's XLSForm is built and converted by pyxform, then a KoboToolbox CSV
export of it, every figure answered, is read, checked and imported.

    .venv/bin/python bench/xlsform.py [--values 1000]

Runs on a throw-away SQLite database (or DATABASE_URL).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import random
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report_workbook import CELLS, plan_file  # noqa: E402


def export(form: Any, seed: int) -> io.BytesIO:
    """A KoboToolbox CSV export of one submission of the form: every cell a
    number, every total their sum."""
    from collection.xlsform import IDENTITY, Slot

    rng = random.Random(seed)
    answers: dict[str, str] = {}
    totals: dict[int, str] = {}
    sums: dict[int, int] = {}
    for question in form.layout.questions.values():
        if question.slot != Slot.FIGURE:
            continue
        if question.cell == "":
            totals[int(question.item)] = question.name
            continue
        answers[question.name] = str(rng.randint(0, 40))
        sums[int(question.item)] = sums.get(int(question.item), 0) + int(answers[question.name])
    for indicator, name in totals.items():
        answers[name] = str(sums.get(indicator, 0))
    hidden = {row["name"]: row["calculation"] for row in form.survey if row.get("name") in IDENTITY}
    header = [*IDENTITY, *answers, "_id", "_uuid", "_submission_time", "__version__"]
    row = [str(hidden[name]).strip("'") for name in IDENTITY]
    row += [*answers.values(), "1", "0b1e", "2021-04-02T10:00:00", "v1"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerow(row)
    data = io.BytesIO(out.getvalue().encode())
    data.name = "export.csv"
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=1000, help="figures in the report")
    args = parser.parse_args()
    from bench.common import counted_queries, start_django

    start_django()
    import yaml
    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import translation

    from actors.models import Institution, ReportingUnit
    from collection.kobo import import_report_export
    from collection.xlsform import report_form, xform_of
    from plans.loading import load_plan
    from plans.planfile import read_plan_text
    from reporting.actions import open_period
    from reporting.models import IndicatorValue, ReportingPeriod, Submission

    translation.activate("fr")
    indicators = math.ceil(args.values / CELLS)
    plan = load_plan(read_plan_text(yaml.safe_dump(plan_file(indicators)))).plan
    ReportingUnit.objects.create(
        country="BN", institution=Institution.objects.get(country="BN", key="mwa")
    )
    period = ReportingPeriod.objects.create(
        plan=plan, kind="quarter", year=2021, quarter=1,
        opens_on=date(2021, 3, 15), deadline=date(2021, 4, 15),
    )  # fmt: skip
    admin = User.objects.create_superuser("bench", password="bench-long-pass-phrase-7")
    open_period(period, by=admin)
    report = Submission.objects.get(period=period, unit__institution__key="mwa")

    print(f"# nap1325 mobile form bench, {time.strftime('%Y-%m-%d')}, {connection.vendor}")
    print(f"report: {indicators} indicators × {CELLS} cells = {indicators * CELLS} figures")
    start = time.perf_counter()
    with counted_queries() as queries:
        form = report_form(report)
        xlsx = form.xlsx()
    built = time.perf_counter() - start
    print(
        f"build the XLSForm ({len(form.survey)} rows): {len(xlsx) / 1024:.0f} KB in "
        f"{built:.2f} s, {len(queries)} queries"
    )
    start = time.perf_counter()
    xform = xform_of(xlsx)
    converted = time.perf_counter() - start
    print(f"pyxform conversion: XForm of {len(xform) / 1024:.0f} KB in {converted:.2f} s")

    upload = export(form, seed=1)
    print(f"Kobo CSV export, one submission: {len(upload.getvalue()) / 1024:.0f} KB")
    start = time.perf_counter()
    with counted_queries() as queries:
        done = import_report_export(report, "export.csv", upload, by=admin)
    imported = time.perf_counter() - start
    stored = IndicatorValue.objects.filter(submission=report).count()
    print(
        f"import (read + check + save, {done.results[0].changes} audited changes, {stored} "
        f"values stored): {imported:.2f} s, {len(queries)} queries"
    )


if __name__ == "__main__":
    main()
