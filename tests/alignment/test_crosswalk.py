"""The crosswalk page in both languages, its downloads, the TMU's tags and
untags (audited) and everybody else refused, and the API."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import load_workbook

from alignment.actions import tag, untag
from alignment.models import Alignment, GlobalIndicator
from nap1325.models import AuditEntry

URL = "/{lang}/plans/ml-2019-2023/crosswalk/"


def row_of(html: str, code: str, set_key: str) -> str:
    """The page's table row of a global indicator."""
    global_indicator = GlobalIndicator.objects.get(set__key=set_key, code=code)
    start = html.index(f'id="g-{global_indicator.uuid}"')
    return html[start : html.index("</tr>", start)]


@pytest.mark.django_db
def test_the_page_shows_a_known_pair_and_marks_unverified_wordings_in_english(
    mali_tags: Any,
) -> None:
    response = Client().get(URL.format(lang="en"))
    assert response.status_code == 200
    html = response.content.decode()
    pair = row_of(html, "16.4.2", "sdg-wps")
    assert "P3.R5.I1" in pair and "Proportion of seized, found or surrendered arms" in pair
    assert 'data-mark="unverified"' not in pair  # checked against its source
    unverified = row_of(html, "16.1.4", "sdg-wps")
    assert 'data-mark="unverified"' in unverified
    gap = row_of(html, "5.3.1", "sdg-wps")
    assert 'data-mark="gap"' in gap and "Gap: no indicator of the plan reports on it." in gap
    # every 1325 indicator is unverified, and the set's source is cited
    assert html.count('data-mark="unverified"') >= 26 + 4
    assert 'href="https://undocs.org/S/2010/498"' in html
    assert "seed 004, UN Women Mali country office, 2019" in html
    assert "Add a tag" not in html  # the public reads, the TMU tags


@pytest.mark.django_db
def test_the_page_in_french_reads_the_french_texts(mali_tags: Any) -> None:
    html = Client().get(URL.format(lang="fr")).content.decode()
    assert "Indicateurs mondiaux du Secrétaire général des Nations Unies" in html
    pair = row_of(html, "16.4.2", "sdg-wps")
    assert "Proportion des armes saisies, trouvées ou rendues volontairement" in pair
    assert "P3.R5.I1" in pair
    assert "Le plan reprend la formulation de l" in pair  # the tag's note, in French
    assert "Effet 2 (UNSDCF / NS)" in html


@pytest.mark.django_db
def test_the_plan_page_links_to_its_crosswalk(mali: Any) -> None:
    html = Client().get("/en/plans/ml-2019-2023/").content.decode()
    assert 'href="/en/plans/ml-2019-2023/crosswalk/"' in html


@pytest.mark.django_db
def test_downloads_carry_the_same_rows(mali_tags: Any) -> None:
    client = Client()
    csv = client.get(URL.format(lang="en") + "?format=csv&table=global").content.decode("utf-8-sig")
    lines = csv.splitlines()
    assert lines[0].startswith("Set,Source of the set,Group,Global code,Global indicator")
    pair = next(line for line in lines if line.startswith("sdg-wps,") and ",16.4.2," in line)
    assert ",yes,P3.R5.I1,P3.R5.I1," in pair
    gap = next(line for line in lines if ",5.3.1," in line)
    assert gap.endswith(",no,,,,") is False and gap.endswith(",,,,")
    reverse = client.get(URL.format(lang="en") + "?format=csv&table=national").content
    assert b"P3.R5.I1,P3.R5.I1" in reverse
    workbook = load_workbook(io.BytesIO(client.get(URL.format(lang="en") + "?format=xlsx").content))
    assert len(workbook.sheetnames) == 2
    sheet = workbook.worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert any(r[3] == "16.4.2" and r[6] == "P3.R5.I1" for r in rows)
    data = json.loads(client.get(URL.format(lang="en") + "?format=json").content)
    sets = {s["key"]: s for s in data["sets"]}
    assert sets["un-sg-1325-2010"]["unverified"] == 26
    assert sets["sdg-wps"]["indicators"] == 20 and sets["sdg-wps"]["source"].startswith(
        "A/RES/71/313"
    )
    assert [t["key"] for t in data["tables"]] == ["global", "national"]


@pytest.mark.django_db
def test_the_tmu_tags_and_untags_through_the_page(
    mali: Any, reference_lists: Any, alice: Any
) -> None:
    client = Client()
    client.force_login(alice)
    assert "Add a tag" in client.get(URL.format(lang="en")).content.decode()
    indicator = mali.indicators.get(key="P4.R3.O2.I1")
    global_indicator = GlobalIndicator.objects.get(set__key="sdg-wps", code="5.5.2")
    response = client.post(
        URL.format(lang="en") + "tag/",
        {"indicator": indicator.uuid, "global": global_indicator.uuid, "note_en": "Literacy."},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    alignment = Alignment.objects.get(indicator=indicator, global_indicator=global_indicator)
    assert (alignment.added_by, alignment.note_en) == (alice, "Literacy.")
    entry = AuditEntry.objects.get(action="alignment.tag")
    assert entry.user == alice and (entry.after or {})["global"] == "sdg-wps:5.5.2"
    # the same pair again is refused with the reason, nothing added
    response = client.post(
        URL.format(lang="en") + "tag/",
        {"indicator": indicator.uuid, "global": global_indicator.uuid},
        follow=True,
    )
    assert "P4.R3.O2.I1 already reports on 5.5.2." in response.content.decode()
    assert Alignment.objects.count() == 1
    response = client.post(URL.format(lang="en") + "untag/", {"alignment": alignment.uuid})
    assert response.status_code == 302
    assert not Alignment.objects.exists()
    entry = AuditEntry.objects.get(action="alignment.untag")
    assert (entry.before or {})["indicator"] == "P4.R3.O2.I1" and entry.user == alice


@pytest.mark.django_db
def test_others_are_refused_and_nothing_changes(mali: Any, mali_tags: Any, bob: Any) -> None:
    alignment = Alignment.objects.first()
    assert alignment is not None
    indicator = mali.indicators.get(key="P4.R3.O2.I1")
    global_indicator = GlobalIndicator.objects.get(set__key="sdg-wps", code="5.5.2")
    data = {"indicator": indicator.uuid, "global": global_indicator.uuid}
    audits = AuditEntry.objects.count()
    anonymous = Client()
    for path, posted in (("tag/", data), ("untag/", {"alignment": alignment.uuid})):
        response = anonymous.post(URL.format(lang="en") + path, posted)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client = Client()
    client.force_login(bob)
    assert client.post(URL.format(lang="en") + "tag/", data).status_code == 403
    assert (
        client.post(URL.format(lang="en") + "untag/", {"alignment": alignment.uuid}).status_code
        == 403
    )
    assert Alignment.objects.count() == 43 and AuditEntry.objects.count() == audits
    with pytest.raises(PermissionDenied):
        tag(indicator, global_indicator, by=bob)
    with pytest.raises(PermissionDenied):
        untag(alignment, by=bob)


@pytest.mark.django_db
def test_a_reader_is_refused_too(mali: Any, reference_lists: Any) -> None:
    from actors.models import Role, RoleAssignment

    reader = User.objects.create_user("rita")
    RoleAssignment.objects.create(user=reader, role=Role.READER)
    indicator = mali.indicators.first()
    with pytest.raises(PermissionDenied):
        tag(indicator, GlobalIndicator.objects.first(), by=reader)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_tag_refuses_a_pair_already_tagged(mali: Any, mali_tags: Any, alice: Any) -> None:
    alignment = Alignment.objects.select_related("indicator__plan", "global_indicator").first()
    assert alignment is not None
    with pytest.raises(ValidationError):
        tag(alignment.indicator, alignment.global_indicator, by=alice)


# --- API -----------------------------------------------------------------------


@pytest.mark.django_db
def test_api_lists_global_indicators_by_set(reference_lists: Any) -> None:
    client = Client()
    answer = client.get("/api/v1/global-indicators/?set=sdg-wps").json()
    assert answer["count"] == 20
    first = answer["results"][0]
    assert set(first) == {
        "uuid", "set", "code", "group_fr", "group_en", "title_fr", "title_en", "verified",
        "checked_against",
    }  # fmt: skip
    assert (first["set"], first["code"], first["verified"]) == ("sdg-wps", "5.1.1", True)
    assert client.get("/api/v1/global-indicators/?set=un-sg-1325-2010").json()["count"] == 26
    sets = client.get("/api/v1/global-indicator-sets/").json()["results"]
    assert [s["key"] for s in sets] == ["un-sg-1325-2010", "sdg-wps", "unwomen-mali-sn-2020-2024"]
    assert sets[0]["document"] == "S/2010/498" and "id" not in sets[0]
    one = client.get(f"/api/v1/global-indicators/{first['uuid']}/").json()
    assert one["code"] == "5.1.1"


@pytest.mark.django_db
def test_api_lists_a_plans_tags(mali_tags: Any) -> None:
    client = Client()
    answer = client.get("/api/v1/alignments/?plan=ml-2019-2023").json()
    assert answer["count"] == 43
    pair = next(t for t in answer["results"] if t["indicator_key"] == "P3.R5.I1")
    assert (pair["plan"], pair["set"], pair["code"]) == ("ml-2019-2023", "sdg-wps", "16.4.2")
    assert "id" not in pair
    assert client.get("/api/v1/alignments/?plan=xx-none").json()["count"] == 0
    by_set = client.get("/api/v1/alignments/?plan=ml-2019-2023&set=un-sg-1325-2010").json()
    assert by_set["count"] == len([t for t in answer["results"] if t["set"] == "un-sg-1325-2010"])
    assert client.get("/api/v1/alignments/?global_indicator=nope").status_code == 400
