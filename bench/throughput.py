"""Requests per second of the busiest pages at national scale: over N
synthetic validated figures (reporting.synthetic), gunicorn with 2 workers
(the production settings of deploy/nap1325.service otherwise: DEBUG off,
timeout 120 s) on 127.0.0.1 only, driven by 1, 4 and 8 concurrent clients
(Python threads, one connection a request, as gunicorn's sync workers close
each one) for a bounded time per page: requests per second, median and 95th
percentile latency, errors (an answer other than 200, or none).

Pages: the public home, the national dashboard of the published last year,
the public IPTT (XLSX), an indicator's page, and a focal point's report form
(one report of the last quarter put back to draft, its quarter open).

Runs on a throw-away database of its own, as bench/aggregation.py:

    .venv/bin/python bench/throughput.py --figures 1000000 [--seconds 10]
    DATABASE_URL=postgres://nap1325:nap1325@127.0.0.1:5432/nap1325 \\
        .venv/bin/python bench/throughput.py --figures 10000000

A page whose first answer takes more than half the time given is measured
by that one request (a concurrent run would only queue behind it).
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.common import Synthetic

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"  # loopback only
WORKERS = 2
TIMEOUT = 130  # seconds a client waits: more than gunicorn's 120


def arguments(parser: argparse.ArgumentParser) -> None:
    from bench.common import synthetic_arguments

    synthetic_arguments(parser)
    parser.add_argument("--seconds", type=float, default=10.0, help="per page and client count")
    parser.add_argument("--clients", default="1,4,8")


def main() -> None:
    from bench.common import on_synthetic

    on_synthetic(__doc__.splitlines()[0], arguments, measure)


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def line(self, name: str, clients: int) -> str:
        done = len(self.latencies)
        rate = done / self.seconds if self.seconds else 0.0
        median = statistics.median(self.latencies) * 1000 if done else float("nan")
        p95 = percentile(self.latencies, 95) * 1000 if done else float("nan")
        return (
            f"{name:<12}{clients:>8}{done + self.errors:>10}{rate:>8.2f}"
            f"{median:>11.0f}{p95:>9.0f}{self.errors:>8}"
        )


def percentile(samples: list[float], which: int) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[which - 1]


def fetch(port: int, path: str, cookie: str) -> tuple[int, float]:
    """One GET on a new connection: its status (0 if none) and seconds."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        headers = {"Accept-Language": "en", "Cookie": cookie} if cookie else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        connection.close()
    return status, time.perf_counter() - start


def drive(port: int, path: str, cookie: str, clients: int, seconds: float) -> Run:
    """`clients` threads asking for the page until `seconds` have passed;
    requests under way then are waited for and counted."""
    run = Run()
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < stop:
            status, took = fetch(port, path, cookie)
            with lock:
                if status == 200:
                    run.latencies.append(took)
                else:
                    run.errors += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - start
    return run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def pages_and_cookie(plan: Any, year: int) -> tuple[dict[str, str], str]:
    """The pages' paths (English), and the session cookie of a focal point
    whose report of the last quarter is a draft in an open quarter."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from actors.models import Role, RoleAssignment
    from reporting.models import PeriodStatus, Submission, SubmissionStatus

    report = (
        Submission.objects.filter(period__plan=plan, period__year=year)
        .order_by("-period__quarter", "unit_id")
        .first()
    )
    assert report is not None
    report.period.status = PeriodStatus.OPEN
    report.period.save(update_fields=["status"])
    report.status = SubmissionStatus.DRAFT
    report.save(update_fields=["status"])
    focal, _created = get_user_model().objects.get_or_create(username="bench-focal")
    RoleAssignment.objects.get_or_create(user=focal, role=Role.FOCAL_POINT, unit=report.unit)
    client = Client()
    client.force_login(focal)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    indicator = plan.indicators.order_by("position").first()
    with translation.override("en"):
        pages = {
            "home": reverse("home"),
            "dashboard": reverse("dashboard", args=[plan.key]) + f"?year={year}",
            "iptt": reverse("iptt", args=[plan.key]),
            "indicator": reverse("indicator", args=[plan.key, indicator.uuid]),
            "report form": reverse("report", args=[report.uuid]),
        }
    return pages, cookie


def start_server(port: int, static_root: str) -> subprocess.Popen[bytes]:
    """gunicorn as deploy/nap1325.service starts it, with 2 workers, on the
    bench's database, DEBUG off, its static files collected apart."""
    from django.conf import settings

    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # the session signed here is read there
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": static_root,
        "DEFAULT_PLAN": "synthetic",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn), "nap1325.wsgi:application", "--bind", f"{HOST}:{port}",
            "--workers", str(WORKERS), "--timeout", "120", "--graceful-timeout", "30",
            "--no-control-socket", "--log-level", "warning",
        ],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {server.returncode})")
        if fetch(port, "/health/", "")[0] == 200:
            return server
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer /health/ within 60 s")


def measure(args: argparse.Namespace, loaded: Synthetic) -> None:
    from django.db import connections

    from bench.common import publish_year
    from reporting.models import IndicatorValue

    vendor, plan = loaded.vendor, loaded.plan
    rows = IndicatorValue.objects.count()
    publish_year(plan, args.year)
    pages, cookie = pages_and_cookie(plan, args.year)
    connections.close_all()
    counts = [int(n) for n in args.clients.split(",")]
    print(f"# nap1325 throughput bench, {time.strftime('%Y-%m-%d')}, {vendor}, {rows:,} figures, "
          f"gunicorn {WORKERS} workers on {HOST}, {args.seconds:g} s a run")  # fmt: skip
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="nap1325-static-") as static_root:
        server = start_server(port, static_root)
        try:
            print(f"{'page':<12}{'clients':>8}{'requests':>10}{'req/s':>8}"
                  f"{'median ms':>11}{'p95 ms':>9}{'errors':>8}")  # fmt: skip
            for name, path in pages.items():
                own = cookie if name == "report form" else ""
                status, first = fetch(port, path, own)
                if status == 200 and first <= args.seconds / 2:
                    status, first = fetch(port, path, own)  # each worker's first is slower
                if status != 200:
                    print(f"{name:<12} answers {status or 'nothing'} after {first:.0f} s: {path}")
                    continue
                if first > args.seconds / 2:
                    print(f"{name:<12}{1:>8}{1:>10}{1 / first:>8.2f}{first * 1000:>11.0f}"
                          f"{'':>9}{0:>8}  one request (too slow for a run)")  # fmt: skip
                    continue
                for clients in counts:
                    print(drive(port, path, own, clients, args.seconds).line(name, clients))
        finally:
            server.terminate()
            server.wait(timeout=60)
    print("pages:", ", ".join(f"{name} {path}" for name, path in pages.items()))


if __name__ == "__main__":
    main()
