"""Every benchmark in one command (`make bench`): the scale-dependent ones
(aggregation and IPTT, annual report, requests per second) on one
synthetic load of `--figures` validated figures, then, unless `--scale-only`,
the others at their default sizes, each in its own process. Each works in a
database of its own (a temporary SQLite file, or with a PostgreSQL
DATABASE_URL a database nap1325_bench beside it), never the site's:

    .venv/bin/python bench/run.py [--figures 1000000]
    DATABASE_URL=postgres://nap1325:nap1325@127.0.0.1:5432/nap1325 \\
        .venv/bin/python bench/run.py --figures 10000000 --scale-only
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The others, at sizes that take a minute or two each on 2 cores.
OTHERS = [
    ["pages.py", "--runs", "20"],
    ["dashboard_weight.py", "--runs", "5"],
    ["workbook.py", "--per-output", "10"],
    ["report_form.py", "--sizes", "25,50,100", "--runs", "3"],
    ["report_workbook.py", "--values", "1000"],
    ["xlsform.py", "--values", "1000"],
]


def main() -> None:
    from bench import aggregation, annual_report, throughput

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    aggregation.arguments(parser)  # --figures, --seed, --runs, --year, --analyze
    parser.add_argument("--language", default="en", choices=["en", "fr"])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", default="1,4,8")
    parser.add_argument("--scale-only", action="store_true", help="skip the other benchmarks")
    parser.add_argument("--no-throughput", action="store_true", help="skip requests per second")
    args = parser.parse_args()

    from bench.common import announce, load_synthetic, start_django, throwaway_database

    began = time.perf_counter()
    with throwaway_database() as vendor:
        start_django()
        loaded = load_synthetic(vendor, args.figures, args.seed, analyze=args.analyze)
        announce(args, loaded)
        aggregation.measure(args, loaded)
        print(flush=True)
        annual_report.measure(args, loaded)
        print(flush=True)
        if not args.no_throughput:
            throughput.measure(args, loaded)
    print(f"== scale benchmarks: {time.perf_counter() - began:.0f} s", flush=True)
    if args.scale_only:
        return
    for script, *options in OTHERS:
        print(f"\n== bench/{script} {' '.join(options)}", flush=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / script), *options], check=True)


if __name__ == "__main__":
    main()
