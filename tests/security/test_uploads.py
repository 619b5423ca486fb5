"""Uploads that try to hurt the server: a workbook that unpacks into far
more than it weighs (a ZIP bomb) is refused before it is read, with the
user's message and nothing written; and the places where the templates'
escaping is turned off are the known ones, each with its reason."""

from __future__ import annotations

import io
import re
import time
import zipfile
from typing import Any

import pytest
from django.utils import translation

from nap1325.models import AuditEntry
from operations.models import OperationalPlan
from operations.workbook import MAX_EXPANDED_BYTES, WorkbookInvalid, import_workbook
from reporting.actions import open_period
from reporting.models import IndicatorValue, ReportingPeriod, Submission
from reporting.workbook import import_report_workbook
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


def zip_bomb() -> io.BytesIO:
    """Under 200 KB on disk, 60 MB once unpacked: a sheet of zeros."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b"0" * (1024 * 1024)
            for _ in range(MAX_EXPANDED_BYTES // len(block) + 10):
                sheet.write(block)
    assert len(data.getvalue()) < 200 * 1024
    data.seek(0)
    return data


def test_a_zip_bomb_is_refused_before_it_is_read(
    costed: OperationalPlan, period: ReportingPeriod, units: Any, alice: Any
) -> None:
    open_period(period, by=alice)
    report = Submission.objects.get(period=period, unit=units["mwa"])
    audits = AuditEntry.objects.count()
    for run in (
        lambda bomb: import_workbook(costed, bomb, by=alice),
        lambda bomb: import_report_workbook(report, bomb, by=alice),
    ):
        bomb = zip_bomb()
        start = time.perf_counter()
        with translation.override("fr"), pytest.raises(WorkbookInvalid) as refused:
            run(bomb)
        assert time.perf_counter() - start < 30  # the sizes are read, not the data
        assert "trop volumineux une fois décompressé" in str(refused.value.errors[0].message)
    assert AuditEntry.objects.count() == audits
    assert not IndicatorValue.objects.filter(submission=report).exists()


# Every place the templates' escaping is off: text drawn by the platform
# itself, never typed by a user. A new one must be added here with its reason.
UNESCAPED = {
    "actors/templates/actors/two_factor.html": "the QR code, SVG drawn by qrcode from the key",
    "publishing/charts.py": "SVG elements whose text goes through conditional_escape",
}


def test_escaping_is_off_only_where_known() -> None:
    pattern = re.compile(r"\|safe\b|mark_safe\(|autoescape off|\|safeseq\b")
    found = set()
    for path in ROOT.rglob("*"):
        if path.suffix not in (".py", ".html", ".txt", ".xml") or not path.is_file():
            continue
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "tests/", "build/", "staticfiles/")):
            continue
        if pattern.search(path.read_text(encoding="utf-8", errors="replace")):
            found.add(relative)
    assert found == set(UNESCAPED)
