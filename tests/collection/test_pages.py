"""The mobile route through the site: fatou finds her report's mobile form and
the import page on her report; alice (TMU) downloads every open report's form
of the period and imports several units' exports at once; ibrahim, focal
point of another ministry, is refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from collection.xlsform import xform_of
from reporting.models import IndicatorValue, Submission
from tests.collection.test_kobo_import import (
    CSV_SAMPLE,
    JSON_SAMPLE,
    as_json,
    changed,
    upload,
    written,
)
from tests.support import logged_in

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_fatou_finds_the_mobile_route_on_her_report(mali_report: Submission, fatou: User) -> None:
    client = logged_in(fatou)
    page = client.get(reverse("report", args=[mali_report.uuid])).content.decode()
    form_url = reverse("report_xlsform", args=[mali_report.uuid])
    upload_url = reverse("report_kobo_upload", args=[mali_report.uuid])
    assert f'<a href="{form_url}">Mobile form (XLSForm)</a>' in page
    assert f'<a href="{upload_url}">Import from ODK/KoboToolbox</a>' in page

    response = client.get(form_url)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="form-' in response["Content-Disposition"]
    assert "report_uuid" in xform_of(response.content)

    response = client.post(upload_url, {"export": upload(CSV_SAMPLE)}, follow=True)
    assert response.redirect_chain == [(reverse("report", args=[mali_report.uuid]), 302)]
    page = response.content.decode()
    assert "imported into the draft. 16 changes saved." in page
    assert "1 row marked “Not approved” or “rejected” was left out." in page
    assert IndicatorValue.objects.filter(submission=mali_report).count() == 11


def test_a_bad_export_shows_every_error_and_saves_nothing(
    mali_report: Submission, fatou: User
) -> None:
    client = logged_in(fatou)
    url = reverse("report_kobo_upload", args=[mali_report.uuid])
    before = written()
    bad = changed("a_MOB_1/a_MOB_1__progress", "140")
    page = client.post(url, {"export": upload(bad)}).content.decode()
    assert "1 error: nothing was saved." in page
    assert (
        "<td>export.csv</td><td>3</td><td>a_MOB_1/a_MOB_1__progress</td>"
        "<td>MOB-1 · progress (%)</td><td>progress is a whole number from 0 to 100</td>"
    ) in page
    page = client.post(url, {}).content.decode()
    assert "Choose an export (CSV or JSON) to import." in page
    assert written() == before


def test_another_units_focal_point_is_refused(mali_report: Submission, ibrahim: User) -> None:
    client = logged_in(ibrahim)
    before = written()
    for name in ("report_xlsform", "report_kobo_upload"):
        assert client.get(reverse(name, args=[mali_report.uuid])).status_code == 403
    response = client.post(
        reverse("report_kobo_upload", args=[mali_report.uuid]), {"export": upload(CSV_SAMPLE)}
    )
    assert response.status_code == 403
    period = mali_report.period
    for name in ("period_xlsforms", "period_kobo_upload"):
        url = reverse(name, args=[period.plan.key, period.uuid])
        assert client.get(url).status_code == 403
    assert written() == before


def test_the_tmu_collects_for_the_whole_period(mali_report: Submission, alice: User) -> None:
    client = logged_in(alice)
    period = mali_report.period
    page = client.get(reverse("period", args=[period.plan.key, period.uuid])).content.decode()
    zip_url = reverse("period_xlsforms", args=[period.plan.key, period.uuid])
    upload_url = reverse("period_kobo_upload", args=[period.plan.key, period.uuid])
    assert zip_url in page and upload_url in page

    archive = zipfile.ZipFile(io.BytesIO(client.get(zip_url).content))
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(n.startswith("form-") and n.endswith(".xlsx") for n in names)
    for name in names:
        xform_of(archive.read(name))

    response = client.post(upload_url, {"exports": [as_json(JSON_SAMPLE)]}, follow=True)
    assert response.redirect_chain == [
        (reverse("period", args=[period.plan.key, period.uuid]), 302)
    ]
    assert (
        IndicatorValue.objects.get(
            submission=mali_report, indicator__key="coordination.I1", cell=""
        ).value
        == 4
    )
