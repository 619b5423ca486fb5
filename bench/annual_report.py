"""The annual national report at national scale: over N synthetic validated
figures (reporting.synthetic), the time to build the report of a year (its
content: every figure read as the public dashboard reads it), then to render
it as HTML, PDF (WeasyPrint) and DOCX (python-docx), and the sizes.

Runs on a throw-away database of its own, as bench/aggregation.py:

    .venv/bin/python bench/annual_report.py --figures 1000000
    DATABASE_URL=postgres://nap1325:nap1325@127.0.0.1:5432/nap1325 \\
        .venv/bin/python bench/annual_report.py --figures 10000000
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.common import Synthetic

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
PAGE_COUNT = re.compile(rb"/Count\s+(\d+)")  # the page tree's count is the largest


def page_count(pdf: bytes) -> int:
    """The pages of a PDF: the largest /Count, looked for in its object
    streams too (WeasyPrint compresses its objects)."""
    texts = [pdf]
    for stream in STREAM.findall(pdf):
        try:
            texts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return max((int(n) for text in texts for n in PAGE_COUNT.findall(text)), default=0)


def arguments(parser: argparse.ArgumentParser) -> None:
    from bench.common import synthetic_arguments

    synthetic_arguments(parser)
    parser.add_argument("--language", default="en", choices=["en", "fr"])


def main() -> None:
    from bench.common import on_synthetic

    on_synthetic(__doc__.splitlines()[0], arguments, measure)


def measure(args: argparse.Namespace, loaded: Synthetic) -> None:
    """Build and render the report of `args.year` once, each step timed."""
    from bench.common import counted_queries
    from publishing.annual import annual_report
    from publishing.documents import render_docx, render_html, render_pdf
    from reporting.models import IndicatorValue

    vendor, plan = loaded.vendor, loaded.plan
    rows = IndicatorValue.objects.count()
    print(f"# nap1325 annual report bench, {time.strftime('%Y-%m-%d')}, {vendor}, "
          f"{rows:,} figures, year {args.year}, {args.language}")  # fmt: skip
    timings: dict[str, float] = {}
    start = time.perf_counter()
    with counted_queries() as queries:
        report = annual_report(plan, args.year, args.language)
    timings["content"] = time.perf_counter() - start
    sizes: dict[str, int] = {}
    pages = 0
    for name, render in (("html", render_html), ("pdf", render_pdf), ("docx", render_docx)):
        start = time.perf_counter()
        body = render(report)
        timings[name] = time.perf_counter() - start
        data = body.encode() if isinstance(body, str) else body
        sizes[name] = len(data)
        if name == "pdf":
            pages = page_count(data)
    print(f"{'database':<11}{'figures':>12}{'content s':>10}{'queries':>8}{'HTML s':>8}"
          f"{'KB':>6}{'PDF s':>7}{'KB':>6}{'pages':>6}{'DOCX s':>7}{'KB':>6}")  # fmt: skip
    print(
        f"{vendor:<11}{rows:>12,}{timings['content']:>10.1f}{len(queries):>8}"
        f"{timings['html']:>8.2f}{sizes['html'] // 1000:>6}{timings['pdf']:>7.1f}"
        f"{sizes['pdf'] // 1000:>6}{pages:>6}{timings['docx']:>7.1f}{sizes['docx'] // 1000:>6}"
    )


if __name__ == "__main__":
    main()
