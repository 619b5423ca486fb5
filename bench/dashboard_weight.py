"""Page weight of the dashboards: the national, a priority's and a region's
dashboard of Mali's plan with its demonstration data, as an anonymous
visitor (the published year) and as a signed-in TMU coordinator, with every
asset the page references, raw and gzip-compressed; and the time to render
the page.

Runs on a throw-away SQLite database (or, with a PostgreSQL DATABASE_URL, a
database nap1325_bench beside it, created and dropped by the bench), set up
as `make run` does (places, Mali's three plans, `manage.py demo`), with the
demonstration's last year published:

    .venv/bin/python bench/dashboard_weight.py [--runs 5]

Each page and asset is fetched through Django's test client, the assets
served by WhiteNoise as on the site. "gzip" is each body compressed with
gzip -6, what a server compressing its answers sends (images and fonts,
compressed already, count as they are); HTTP headers are not counted. A
first visit: nothing in the browser's cache.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
import time
from dataclasses import dataclass
from functools import partial
from io import StringIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLAN_FILES = sorted((ROOT / "nap1325" / "data" / "plans").glob("mali-*.yaml"))
# What the page asks the browser to fetch: stylesheets, icons, scripts, images.
REFERENCES = re.compile(
    rb"<(?:link|script|img|source)\b[^>]*?\s(?:href|src)=[\"']([^\"']+)[\"']", re.IGNORECASE
)
CSS_URLS = re.compile(rb"url\(\s*[\"']?([^\"')]+)[\"']?\s*\)")
# Formats compressed already: a server sends them as they are.
COMPRESSED = ("image/png", "image/jpeg", "image/gif", "image/webp", "font/woff", "font/woff2")


@dataclass
class Weight:
    raw: int = 0
    gzipped: int = 0
    requests: int = 0

    def add(self, body: bytes, content_type: str) -> None:
        self.raw += len(body)
        if content_type.startswith(COMPRESSED):
            self.gzipped += len(body)
        else:
            self.gzipped += min(len(body), len(gzip.compress(body, compresslevel=6)))
        self.requests += 1


def body_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def local(url: str) -> str | None:
    """The path of a same-site URL, None for another site, data: or a fragment."""
    if url.startswith(("data:", "#", "//", "http:", "https:", "mailto:")):
        return None
    return url.split("#")[0]


def assets_of(client: Any, html: bytes, page: str) -> tuple[Weight, list[str]]:
    """Fetch every asset the page references (and those its stylesheets
    reference), once each, as a browser would on a first visit."""
    from urllib.parse import urljoin

    weight = Weight()
    seen: list[str] = []
    waiting = [(page, url.decode()) for url in REFERENCES.findall(html)]
    while waiting:
        base, url = waiting.pop(0)
        path = local(url)
        if path is None:
            continue
        path = urljoin(base, path)
        if path in seen:
            continue
        seen.append(path)
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{page}: {path} answers {response.status_code}")
        body = body_of(response)
        content_type = response.get("Content-Type", "")
        weight.add(body, content_type)
        if content_type.startswith("text/css"):
            waiting.extend((path, u.decode()) for u in CSS_URLS.findall(body))
    return weight, seen


def set_up() -> tuple[Any, int]:
    """Mali's places, plans and demonstration data, its last year published;
    returns the plan and that year."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from plans.models import Plan
    from publishing.actions import publish
    from reporting.models import ReportingPeriod

    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    call_command("loadplaces", **quiet)
    for plan_file in PLAN_FILES:
        call_command("loadplan", str(plan_file), **quiet)
    call_command("demo", **quiet)
    plan = Plan.objects.get(key=settings.DEFAULT_PLAN)
    year = max(
        ReportingPeriod.objects.filter(plan=plan, demonstration=True).values_list("year", flat=True)
    )
    admin = get_user_model().objects.create_superuser("bench-admin", "bench@localhost", None)
    publish(plan, year, "data", by=admin)
    return plan, year


def pages_of(plan: Any, year: int) -> dict[str, str]:
    from django.urls import reverse

    from plans.models import FrameworkElement
    from publishing.figures import regions_of
    from reporting.models import Submission

    priority = FrameworkElement.objects.filter(plan=plan, parent__isnull=True).order_by(
        "sort_path"
    )[0]
    # The region whose units sent the most reports that year.
    regions = regions_of(plan)
    counts: dict[str, int] = dict.fromkeys(regions, 0)
    for parent, code in Submission.objects.filter(
        period__plan=plan, period__year=year, unit__place__isnull=False
    ).values_list("unit__place__parent__code", "unit__place__code"):
        region = parent or code
        if region in counts:
            counts[region] += 1
    region = max(sorted(counts), key=counts.__getitem__)  # the first by code if tied
    query = f"?year={year}"
    return {
        "national": reverse("dashboard", args=[plan.key]) + query,
        "priority": reverse("priority_dashboard", args=[plan.key, priority.uuid]) + query,
        "region": reverse("region_dashboard", args=[plan.key, region]) + query,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from bench.common import throwaway_database

    with throwaway_database() as vendor:
        run(args, vendor)


def run(args: argparse.Namespace, vendor: str) -> None:
    from bench.common import counted_queries, median_time, start_django

    start_django()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import translation

    from reporting.demo import DEMO_USERS
    from reporting.models import IndicatorValue

    start = time.perf_counter()
    plan, year = set_up()
    made = time.perf_counter() - start
    translation.activate("fr")
    coordinator = next(username for username, *_rest, role, _unit in DEMO_USERS
                       if role == "tmu_coordinator")  # fmt: skip
    visitors = {"anonymous": Client(), "TMU": Client()}
    visitors["TMU"].force_login(get_user_model().objects.get(username=coordinator))
    pages = pages_of(plan, year)
    figures = IndicatorValue.objects.filter(submission__period__plan=plan).count()
    print(f"# nap1325 dashboard weight, {time.strftime('%Y-%m-%d')}, {vendor}, runs={args.runs}")
    print(f"{plan.key}, demonstration data ({figures} figures), {year} published; "
          f"set up in {made:.0f} s")  # fmt: skip
    print(
        f"{'page':<10}{'visitor':<11}{'html KB':>8}{'gzip':>7}{'assets':>8}{'KB':>7}{'gzip':>7}"
        f"{'total KB':>10}{'gzip':>7}{'requests':>10}{'queries':>9}{'ms':>7}"
    )
    listed: dict[str, list[str]] = {}
    for name, url in pages.items():
        for visitor, client in visitors.items():
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{name} ({visitor}): {url} answers {response.status_code}")
            html = body_of(response)
            page = Weight()
            page.add(html, response.get("Content-Type", "text/html"))
            assets, paths = assets_of(client, html, url)
            listed[f"{name} ({visitor})"] = paths
            with counted_queries() as queries:
                client.get(url)
            median = median_time(partial(client.get, url), args.runs)
            print(
                f"{name:<10}{visitor:<11}{page.raw / 1000:>8.1f}{page.gzipped / 1000:>7.1f}"
                f"{assets.requests:>8}{assets.raw / 1000:>7.1f}{assets.gzipped / 1000:>7.1f}"
                f"{(page.raw + assets.raw) / 1000:>10.1f}"
                f"{(page.gzipped + assets.gzipped) / 1000:>7.1f}"
                f"{1 + assets.requests:>10}{len(queries):>9}{median * 1000:>7.0f}"
            )
    print("pages:", ", ".join(f"{name} {url}" for name, url in pages.items()))
    for found in sorted({tuple(paths) for paths in listed.values()}):
        print("assets:", ", ".join(found) or "none")


if __name__ == "__main__":
    main()
