"""The representation observatory: seed 002's figures with their sources,
shares computed from the counts, discrepancies flagged, quota status; the
loader all-or-nothing and idempotent; who may add a figure; bad input."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from actors.models import Role, RoleAssignment
from governance.models import Observation, Quota, SeatBody
from governance.observatory import (
    DEFAULT_FILE,
    ObservatoryFileInvalid,
    QuotaStatus,
    add_observation,
    load_observatory,
    quota_status,
    summaries,
)
from nap1325.models import AuditEntry

D = Decimal
SEED = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def seeded(db: Any) -> None:
    call_command("loadobservatory", stdout=StringIO())


def observation(body: str, on: date | None = None, **match: Any) -> Observation:
    found = Observation.objects.filter(body__key=body, **match)
    if on:
        found = found.filter(observed_on=on)
    return found.get()


def test_every_seed_figure_is_loaded(seeded: None) -> None:
    assert Quota.objects.count() == 1
    assert SeatBody.objects.count() == 23
    assert Observation.objects.count() == 26
    assert Observation.objects.filter(women__isnull=False).count() == 11
    only = [o for o in Observation.objects.all() if o.share_is_published_only]
    # 15 shares only, and nine women leaders of a framework whose size is not given.
    assert len(only) == 16 and sum(o.published_share is not None for o in only) == 15
    assert all(o.quote and o.source_document == "seed-002" for o in Observation.objects.all())


@pytest.mark.parametrize(
    ("body", "on", "share", "published", "discrepancy"),
    [
        ("legislative-candidates", date(2020, 3, 1), D("29.4"), D("29.5"), None),
        ("government", date(2019, 5, 1), D("23.7"), D("23"), D("-0.7")),
        ("government", date(2018, 1, 1), D("34.4"), D("34"), None),
        ("constitutional-experts-committee", None, D("18.2"), None, None),
        ("presidential-candidates", None, D("4.2"), None, None),
        ("corps-prefectoral", None, D("5.3"), None, None),
        ("mayors", None, D("1.3"), None, None),
        ("interim-authorities-regional", None, D("1.4"), None, None),
        ("interim-authorities-district", None, D("4.9"), None, None),
        ("national-dialogue-facilitators", None, D("33.3"), None, None),
    ],
)
def test_shares_are_computed_from_the_seed_counts(
    seeded: None, body: str, on: date | None, share: Decimal, published: Any, discrepancy: Any
) -> None:
    o = observation(body, on)
    assert not o.share_is_published_only
    assert o.share == share
    assert o.published_share == published
    assert o.discrepancy == discrepancy


def test_share_only_figures_are_kept_as_published(seeded: None) -> None:
    o = observation("minusma-police")
    assert o.share_is_published_only and o.share == D("12.2") and o.women is None
    assembly = Observation.objects.filter(body__key="national-assembly").order_by("pk")
    assert [o.published_share for o in assembly] == [D("9.5"), D("28")]
    # Nine women leaders, no total: no share at all.
    assert observation("workshop-monitoring-framework").share is None


def test_quota_status_per_body(seeded: None) -> None:
    status = {s.body.key: s.status for s in summaries()}
    assert status["government"] == QuotaStatus.BELOW  # 23.7 % in May 2019
    assert status["mayors"] == QuotaStatus.BELOW
    assert status["minusma-police"] == QuotaStatus.NO_QUOTA
    assert status["national-dialogue-facilitators"] == QuotaStatus.NO_QUOTA
    government = next(s for s in summaries() if s.body.key == "government")
    assert [share for _when, share in government.trend] == [D("34.4"), D("23.7")]
    assert government.change == D("-10.7")


@pytest.mark.parametrize(
    ("share", "minimum", "status"),
    [
        (D("30"), D("30"), QuotaStatus.MEETS),
        (D("29.9"), D("30"), QuotaStatus.BELOW),
        (None, D("30"), QuotaStatus.UNKNOWN),
        (D("50"), None, QuotaStatus.NO_QUOTA),
        (None, None, QuotaStatus.NO_QUOTA),
    ],
)
def test_quota_status(share: Any, minimum: Any, status: QuotaStatus) -> None:
    assert quota_status(share, minimum) == status


def test_the_page_shows_every_figure_with_its_source(seeded: None, client: Client) -> None:
    page = client.get("/en/observatory/").content.decode()
    for item in SEED["observations"]:
        quote = item["quote"].replace("'", "&#x27;").replace('"', "&quot;")
        assert quote in page, item["body"]
    assert page.count('class="observation"') == 26
    assert page.count('data-mark="published-only"') == 15
    assert page.count('data-mark="discrepancy"') == 1
    assert "differs from the counts by -0.7 points" in page
    assert "29.4 %" in page and "23.7 %" in page
    assert "below the quota" in page and "no quota" in page


def test_the_page_in_french(seeded: None, client: Client) -> None:
    page = client.get("/fr/observatory/").content.decode()
    assert '<html lang="fr"' in page
    assert "Assemblée nationale" in page and "29,4 %" in page
    # The quota's legal basis and the indicators a body feeds, in French.
    assert "Loi n° 2015-052 du 18 décembre 2015" in page
    assert "Ses effectifs alimentent les indicateurs du plan ml-2019-2023:P1.R3.O1.I1" in page


def test_the_page_without_data(db: Any, client: Client) -> None:
    assert client.get("/en/observatory/").status_code == 200


def test_the_dataset(seeded: None, client: Client) -> None:
    response = client.get("/en/observatory/data.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 27
    government = next(r for r in rows if r[2] == "government" and r[3] == "2019-05")
    header = rows[0]
    assert government[header.index("Share of women, computed (%)")] == "23.7"
    assert government[header.index("Published minus computed (points)")] == "-0.7"
    response = client.get("/en/observatory/data.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None and sheet.max_row >= 27


# --- the loader --------------------------------------------------------------


def test_reloading_updates_and_never_duplicates(seeded: None) -> None:
    first = {o.pk for o in Observation.objects.all()}
    out = StringIO()
    call_command("loadobservatory", str(DEFAULT_FILE), stdout=out)
    assert {o.pk for o in Observation.objects.all()} == first
    said = out.getvalue()  # in the site's default language
    assert ("unchanged" in said or "inchangés" in said) and not (
        "created" in said or "créés" in said
    )


def test_reload_of_a_corrected_figure_updates_it(seeded: None, tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    data["observations"][6]["total"] = 1448  # legislative candidates
    path = tmp_path / "fixed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = load_observatory(path)
    assert report.updated["observation"] == 1 and Observation.objects.count() == 26
    assert observation("legislative-candidates").total == 1448


def broken(tmp_path: Path) -> Path:
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    data["observations"][6]["women"] = 1500  # more than 1447 candidates
    data["observations"][9]["date"] = (date.today() + timedelta(days=400)).isoformat()
    data["observations"][10]["body"] = "nobody"
    data["bodies"][2]["indicators"] = ["P1.R1.O1.I1"]  # the plan is missing
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_broken_file_writes_nothing_and_says_where(db: Any, tmp_path: Path) -> None:
    path = broken(tmp_path)
    stderr = StringIO()
    with pytest.raises(CommandError, match="4 error"):
        call_command("loadobservatory", str(path), language="en", stderr=stderr)
    errors = stderr.getvalue()
    assert "bodies[2].indicators: a list of “plan:indicator” identifiers is expected" in errors
    assert "broken.yaml: observations[6].women: 1500 women is more than the total of 1447" in errors
    assert "observations[9].date: the date" in errors and "in the future" in errors
    assert "observations[10].body: no body “nobody” in this file" in errors
    assert not Observation.objects.exists() and not SeatBody.objects.exists()


def test_errors_in_french(db: Any, tmp_path: Path) -> None:
    stderr = StringIO()
    with pytest.raises(CommandError):
        call_command("loadobservatory", str(broken(tmp_path)), language="fr", stderr=stderr)
    assert "observations[6].women" in stderr.getvalue()


def test_broken_yaml_names_its_line(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("format: 1\ncountry: ML\nbodies: [\n", encoding="utf-8")
    with pytest.raises(ObservatoryFileInvalid) as caught:
        load_observatory(path)
    assert "line" in str(caught.value)


def test_an_impossible_date_is_a_located_error(db: Any, tmp_path: Path) -> None:
    """Dates are read as text: 2020-13-01 unquoted is the file's error, not the parser's."""
    path = tmp_path / "month13.yaml"
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    path.write_text(text.replace('date: "2020-01"', "date: 2020-13-01", 1), encoding="utf-8")
    with pytest.raises(ObservatoryFileInvalid) as caught:
        load_observatory(path)
    assert [str(e) for e in caught.value.errors] == [
        "month13.yaml: observations[0].date: “2020-13-01” is not a date (YYYY, YYYY-MM or "
        "YYYY-MM-DD)"
    ]
    assert not Observation.objects.exists()


def test_a_broken_reload_keeps_what_was_there(seeded: None, tmp_path: Path) -> None:
    before = list(Observation.objects.values_list("pk", "women", "total"))
    with pytest.raises(ObservatoryFileInvalid):
        load_observatory(broken(tmp_path))
    assert list(Observation.objects.values_list("pk", "women", "total")) == before


# --- adding a figure through the site ---------------------------------------------


@pytest.fixture
def reader(db: Any) -> User:
    user = User.objects.create_user("rita", password="rita-long-pass-phrase-3")
    RoleAssignment.objects.create(user=user, role=Role.READER)
    return user


def form(**changes: Any) -> dict[str, Any]:
    body = SeatBody.objects.get(key="government")
    values = {
        "body": body.pk, "observed_on": "2024-07-01", "precision": "month", "election": "",
        "women": "8", "men": "", "total": "28", "published_share": "",
        "source_title": "Décret portant nomination des membres du Gouvernement",
        "source_document": "", "location": "article 1", "quote": "", "note": "",
    }  # fmt: skip
    values.update(changes)
    return values


def test_the_tmu_adds_a_figure(seeded: None, client: Client, alice: User) -> None:
    client.force_login(alice)
    assert client.get("/en/observatory/add/").status_code == 200
    response = client.post("/en/observatory/add/", form())
    assert response.status_code == 302
    o = Observation.objects.get(body__key="government", observed_on=date(2024, 7, 1))
    assert o.entered_by == alice and o.share == D("28.6")
    assert AuditEntry.objects.filter(action="observation.add", user=alice).count() == 1


@pytest.mark.parametrize("who", ["anonymous", "bob", "reader"])
def test_others_may_not_add_a_figure(
    seeded: None, client: Client, bob: User, reader: User, who: str
) -> None:
    if who != "anonymous":
        client.force_login({"bob": bob, "reader": reader}[who])
    get = client.get("/en/observatory/add/")
    post = client.post("/en/observatory/add/", form())
    if who == "anonymous":
        assert get.status_code == 302 and "/accounts/login/" in get["Location"]
    else:
        assert get.status_code == post.status_code == 403
    assert Observation.objects.count() == 26
    user = {"anonymous": None, "bob": bob, "reader": reader}[who]
    with pytest.raises(PermissionDenied):
        add_observation(SeatBody.objects.get(key="mayors"), by=user, women=1, total=2)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"observed_on": (date.today() + timedelta(days=1)).isoformat()}, "observed_on",
         "in the future"),
        ({"women": "30"}, "women", "30 women is more than the total of 28"),
        ({"men": "19"}, "total", "8 women and 19 men make 27, not the total of 28"),
        ({"women": "", "total": ""}, "women", "the number of women or the share as published"),
        ({"source_title": ""}, "source_title", "name the source"),
        ({"location": ""}, "quote", "quote the source"),
        ({"published_share": "120"}, "published_share", "between 0 and 100"),
    ],
)  # fmt: skip
def test_bad_input_is_refused(
    seeded: None, client: Client, alice: User, changes: dict, field: str, message: str
) -> None:
    client.force_login(alice)
    response = client.post("/en/observatory/add/", form(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, []))
    assert Observation.objects.count() == 26
    assert not AuditEntry.objects.filter(action="observation.add").exists()


def test_the_action_refuses_women_over_total(seeded: None, alice: User) -> None:
    with pytest.raises(ValidationError) as caught:
        add_observation(
            SeatBody.objects.get(key="mayors"), by=alice, observed_on=date(2021, 1, 1),
            women=800, total=703, source_title="x", quote="y",
        )  # fmt: skip
    assert "women" in caught.value.message_dict


def test_the_form_in_french(seeded: None, client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get("/fr/observatory/add/")
    assert response.status_code == 200 and '<html lang="fr"' in response.content.decode()
