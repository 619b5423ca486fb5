"""Page weight, database queries and render time of the public pages, and the
time to read, load and reload Mali's plan file.

Runs on a throw-away SQLite database (or DATABASE_URL if set):

    .venv/bin/python bench/pages.py [--runs 20]

Prints one line per page: HTML bytes, gzip bytes, bytes of the assets the
page links, queries, and the median render time over the runs.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    from bench.common import counted_queries, median_time, start_django

    start_django()
    from django.contrib.staticfiles import finders
    from django.db import connection
    from django.test import Client

    from actors.models import Institution
    from plans.loading import load_plan
    from plans.models import FrameworkElement, Indicator, Plan
    from plans.planfile import read_plan_file

    plan_file = ROOT / "nap1325" / "data" / "plans" / "mali-2019-2023.yaml"

    timed = median_time

    print(f"# nap1325 bench, {time.strftime('%Y-%m-%d')}, {connection.vendor}, runs={args.runs}")
    read = timed(lambda: read_plan_file(plan_file), 5)
    data = read_plan_file(plan_file)
    start = time.perf_counter()
    load_plan(data)
    first = time.perf_counter() - start
    reload = timed(lambda: load_plan(data), 5)
    print(f"plan file: read + validate {read * 1000:.0f} ms")
    print(f"plan file: first load {first * 1000:.0f} ms, reload (no change) {reload * 1000:.0f} ms")
    print(f"ratio reload / read+validate: {reload / read:.1f}")

    plan = Plan.objects.get(key="ml-2019-2023")
    indicator = Indicator.objects.get(plan=plan, key="P1.R1.O1.I1")
    element = FrameworkElement.objects.get(plan=plan, key="P1.R1")
    institution = Institution.objects.get(country="ML", key="mpfef")
    pages = {
        "home": "/fr/",
        "plan": f"/fr/plans/{plan.key}/",
        "framework": f"/fr/plans/{plan.key}/framework/",
        "indicators": f"/fr/plans/{plan.key}/indicators/",
        "element": f"/fr/plans/{plan.key}/elements/{element.uuid}/",
        "indicator": f"/fr/plans/{plan.key}/indicators/{indicator.uuid}/",
        "institutions": "/fr/institutions/",
        "institution": f"/fr/institutions/{institution.uuid}/",
        "search": "/fr/search/?q=violence",
    }
    client = Client()
    print(f"{'page':<13}{'html B':>9}{'gzip B':>9}{'assets B':>10}{'queries':>9}{'ms':>8}")
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content
        assets = 0
        for href in re.findall(rb'(?:href|src)="/static/([^"]+)"', html):
            found = finders.find(href.decode())
            assets += Path(str(found)).stat().st_size if found else 0
        with counted_queries() as queries:
            client.get(url)
        median = timed(partial(client.get, url), args.runs)
        print(
            f"{name:<13}{len(html):>9}{len(gzip.compress(html)):>9}{assets:>10}"
            f"{len(queries):>9}{median * 1000:>8.1f}"
        )


if __name__ == "__main__":
    main()
