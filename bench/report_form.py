"""The report form at size: render a unit's report of N indicators (mixed
types, most disaggregated), save it, and count the database queries, for
several sizes so that a query per indicator (N+1) would show.

Runs on a throw-away SQLite database (or DATABASE_URL if set):

    .venv/bin/python bench/report_form.py [--sizes 25,50,100,200] [--runs 10]

Prints, per size: the fields of the form, HTML and gzip bytes, queries and
median time of GET (render) and POST (save a draft), and the queries per
indicator.
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TYPES = ["count", "count", "count", "percentage", "percentage", "yes_no", "ordinal", "narrative",
         "currency", "count"]  # fmt: skip


def plan_file(size: int) -> dict[str, Any]:
    """A plan of `size` indicators, all the responsibility of one ministry."""
    indicators = []
    for number in range(size):
        kind = TYPES[number % len(TYPES)]
        indicator: dict[str, Any] = {
            "id": f"I{number}",
            "title": {"fr": f"Indicateur {number}", "en": f"Indicator {number}"},
            "type": kind,
            "responsible": ["min"],
            "targets": {2021: {"yes_no": 1, "ordinal": 3}.get(kind, 100)},
        }
        if kind in ("count", "percentage"):
            indicator["disaggregations"] = ["sex", "age"] if number % 2 else ["sex"]
        if kind == "ordinal":
            indicator["scale"] = [
                {"value": n, "label": {"fr": f"Niveau {n}", "en": f"Level {n}"}} for n in (1, 2, 3)
            ]
        indicators.append(indicator)
    category = lambda key, name: {"id": key, "name": {"fr": name, "en": name}}  # noqa: E731
    return {
        "format": 1,
        "plan": {
            "id": f"bench-{size}", "country": "BX", "title": {"fr": "Banc", "en": "Bench"},
            "period": {"start": 2020, "end": 2024}, "version": "1", "status": "adopted",
        },
        "sources": [{"id": "s", "title": "Bench"}],
        "level_types": [{"id": "pillar", "name": {"fr": "Pilier", "en": "Pillar"}}],
        "institutions": [{"id": "min", "name": {"fr": "Ministère", "en": "Ministry"},
                          "kind": "ministry"}],
        "dimensions": [
            {"id": "sex", "kind": "sex", "name": {"fr": "Sexe", "en": "Sex"},
             "categories": [category("f", "F"), category("m", "M")]},
            {"id": "age", "kind": "age", "name": {"fr": "Âge", "en": "Age"},
             "categories": [category("young", "<18"), category("adult", "18+"),
                            category("old", "60+")]},
        ],
        "levels": [{"id": "P", "level": "pillar", "title": {"fr": "P", "en": "P"},
                    "indicators": indicators}],
    }  # fmt: skip


def save(client: Any, url: str, data: dict[str, str], report: Any) -> None:
    """Post the form as a browser would, with the report's current revision."""
    report.refresh_from_db()
    client.post(url, {**data, "revision": str(report.revision)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25,50,100,200")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    from bench.common import counted_queries, median_time, start_django

    start_django()
    import yaml
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from actors.models import Institution, ReportingUnit, Role, RoleAssignment
    from plans.loading import load_plan
    from plans.planfile import read_plan_text
    from reporting import actions
    from reporting.content import expected
    from reporting.demo import demo_figures
    from reporting.models import ReportingPeriod, Submission
    from tests.reporting.conftest import form_data

    tmu = User.objects.create_user("tmu")
    RoleAssignment.objects.create(user=tmu, role=Role.ME_OFFICER)
    rng = random.Random(1325)

    def median_ms(run: Any) -> float:
        return median_time(run, args.runs) * 1000

    print(f"# nap1325 report form bench, {time.strftime('%Y-%m-%d')}, {connection.vendor}, "
          f"runs={args.runs}")  # fmt: skip
    print(f"{'indicators':>10}{'fields':>8}{'html KB':>9}{'gzip KB':>9}{'GET q':>7}"
          f"{'GET ms':>8}{'POST q':>8}{'POST ms':>9}{'q/ind':>7}")  # fmt: skip
    for size in [int(s) for s in args.sizes.split(",")]:
        plan = load_plan(read_plan_text(yaml.safe_dump(plan_file(size)))).plan
        unit = ReportingUnit.objects.get_or_create(
            country="BX", institution=Institution.objects.get(country="BX", key="min")
        )[0]
        user = User.objects.create_user(f"focal-{size}")
        RoleAssignment.objects.create(user=user, role=Role.FOCAL_POINT, unit=unit)
        reports = []
        for quarter in (1, 2):  # the first gives the "previous value" beside each field
            period = ReportingPeriod.objects.create(
                plan=plan, kind="quarter", year=2021, quarter=quarter,
                opens_on=f"2021-0{3 * quarter}-15", deadline=f"2021-0{3 * quarter + 1}-15",
            )  # fmt: skip
            actions.open_period(period, by=tmu)
            report = Submission.objects.get(period=period, unit=unit)
            content = expected(report)
            actions.save_report(report, demo_figures(content, rng), by=user, revision=None)
            reports.append(report)
        actions.submit(reports[0], by=user)
        client = Client()
        client.force_login(user)
        url = f"/fr/reports/{reports[1].uuid}/"
        html = client.get(url).content
        with counted_queries() as get_queries:
            client.get(url)
        get_ms = median_ms(partial(client.get, url))
        data = form_data(html.decode())
        data["revision"] = str(Submission.objects.get(pk=reports[1].pk).revision)
        with counted_queries() as post_queries:
            response = client.post(url, data)
        assert response.status_code == 302, response.status_code

        post_ms = median_ms(partial(save, client, url, data, reports[1]))
        print(
            f"{size:>10}{len(data):>8}{len(html) / 1024:>9.0f}"
            f"{len(gzip.compress(html)) / 1024:>9.1f}"
            f"{len(get_queries):>7}{get_ms:>8.0f}{len(post_queries):>8}{post_ms:>9.0f}"
            f"{len(get_queries) / size:>7.2f}"
        )


if __name__ == "__main__":
    main()
