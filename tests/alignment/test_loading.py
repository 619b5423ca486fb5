"""Loading the shipped reference lists and Mali's tags: every entry says where
its wording comes from, loading twice changes nothing, and a bad file is
refused whole with its errors located by file and key."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from alignment.loading import (
    DATA,
    AlignmentFileInvalid,
    load_reference_lists,
    load_tags,
    reference_files,
)
from alignment.models import Alignment, GlobalIndicator, GlobalIndicatorSet
from nap1325.models import AuditEntry
from tests.alignment.conftest import MALI_TAGS

# set key → (entries, verified): the figures docs/alignment.md gives.
SHIPPED = {
    "un-sg-1325-2010": (26, 0),
    "sdg-wps": (20, 16),
    "unwomen-mali-sn-2020-2024": (32, 32),
}


def test_the_folder_ships_three_reference_lists_and_a_tags_file() -> None:
    assert [p.name for p in reference_files()] == [
        "sdg-wps.yaml",
        "un-sg-1325-2010.yaml",
        "unwomen-mali-sn-2020-2024.yaml",
    ]
    assert MALI_TAGS.exists()


@pytest.mark.django_db
def test_shipped_lists_load_with_their_counts_and_sources(reference_lists: Any) -> None:
    assert reference_lists.created == {"set": 3, "indicator": 78}
    for key, (entries, verified) in SHIPPED.items():
        indicator_set = GlobalIndicatorSet.objects.get(key=key)
        assert indicator_set.indicators.count() == entries, key
        assert indicator_set.indicators.filter(verified=True).count() == verified, key
        assert indicator_set.document and indicator_set.publisher and indicator_set.year
        assert indicator_set.title_fr and indicator_set.title_en
        assert indicator_set.licence_fr and indicator_set.licence_en
    for indicator in GlobalIndicator.objects.all():
        assert indicator.title_fr and indicator.title_en, indicator.code
        assert len(indicator.checked_against) > 20, indicator.code
    assert GlobalIndicatorSet.objects.get(key="un-sg-1325-2010").url.endswith("S/2010/498")
    assert GlobalIndicator.objects.get(set__key="sdg-wps", code="5.5.1").title_en == (
        "Proportion of seats held by women in (a) national parliaments and (b) local governments"
    )


def test_verified_partner_outputs_are_the_seed_word_for_word() -> None:
    """What is marked verified in the partner's list is in seed 004, word for word."""
    import re

    seed = Path("/work/shared/seeds/004_bdfedd73d6ab6481.txt")
    if not seed.exists():
        pytest.skip("the seeds are not beside this copy")
    text = re.sub(r"\s+", " ", seed.read_text(encoding="utf-8"))
    data = yaml.safe_load((DATA / "unwomen-mali-sn-2020-2024.yaml").read_text(encoding="utf-8"))
    for entry in data["entries"]:
        assert entry["verified"] is True
        assert re.sub(r"\s+", " ", entry["title_en"]) in text, entry["code"]


@pytest.mark.django_db
def test_loading_twice_changes_nothing(reference_lists: Any) -> None:
    again = load_reference_lists()
    assert not again.created and not again.updated and not again.removed
    assert again.unchanged == {"set": 3, "indicator": 78}


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def shipped(name: str) -> dict[str, Any]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_a_bad_file_is_refused_whole_with_located_errors(tmp_path: Path) -> None:
    data = shipped("sdg-wps.yaml")
    data["entries"][2]["checked_against"] = ""
    data["entries"][3]["verified"] = "yes"
    data["entries"][4]["code"] = data["entries"][0]["code"]
    del data["source"]["year"]
    bad = write(tmp_path, "bad.yaml", data)
    good = DATA / "un-sg-1325-2010.yaml"
    with pytest.raises(AlignmentFileInvalid) as refused:
        load_reference_lists([good, bad])
    messages = [str(error) for error in refused.value.errors]
    assert "bad.yaml: source.year: the year of the source (e.g. 2010) is required" in messages
    assert any(m.startswith("bad.yaml: entries[2] (5.2.2).checked_against:") for m in messages)
    assert any(m.startswith("bad.yaml: entries[3] (5.3.1).verified:") for m in messages)
    assert any(
        m.startswith("bad.yaml: entries[4] (5.1.1).code:") and "entries[0]" in m for m in messages
    )
    assert not GlobalIndicatorSet.objects.exists()  # not even the good file
    assert not GlobalIndicator.objects.exists()


@pytest.mark.django_db
def test_yaml_errors_give_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("format: 1\nkey: [unclosed\n", encoding="utf-8")
    with pytest.raises(AlignmentFileInvalid) as refused:
        load_reference_lists([path])
    assert "broken.yaml: file (line " in str(refused.value)


@pytest.mark.django_db
def test_the_command_names_file_and_key_and_writes_nothing(tmp_path: Path) -> None:
    data = shipped("un-sg-1325-2010.yaml")
    data["entries"][5]["title_en"] = ""
    bad = write(tmp_path, "un-bad.yaml", data)
    errors = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("loadglobalindicators", str(bad), "--language", "en", stderr=errors)
    assert "un-bad.yaml: entries[5] (6).title_fr: a title in French and in English" in (
        errors.getvalue()
    )
    assert not GlobalIndicatorSet.objects.exists()
    out = StringIO()
    call_command("loadglobalindicators", "--language", "en", stdout=out)
    assert "created: global indicators 78, sets 3" in out.getvalue()


@pytest.mark.django_db
def test_an_entry_dropped_from_its_file_goes_unless_it_is_tagged(
    tmp_path: Path, mali: Any, reference_lists: Any
) -> None:
    data = shipped("sdg-wps.yaml")
    dropped = data["entries"].pop()  # 16.7.2, not tagged
    report = load_reference_lists([write(tmp_path, "sdg-wps.yaml", data)])
    assert report.removed == {"indicator": 1}
    assert not GlobalIndicator.objects.filter(code=dropped["code"]).exists()
    load_tags(MALI_TAGS)
    data["entries"] = [e for e in data["entries"] if e["code"] != "16.4.2"]
    with pytest.raises(AlignmentFileInvalid) as refused:
        load_reference_lists([write(tmp_path, "sdg-wps.yaml", data)])
    assert "sdg-wps.yaml: entries (16.4.2): the file no longer lists “16.4.2”, but 1" in str(
        refused.value
    )
    assert GlobalIndicator.objects.filter(code="16.4.2").exists()


@pytest.mark.django_db
def test_mali_tags_point_at_real_indicators(mali: Any, mali_tags: Any) -> None:
    assert mali_tags.created == {"tag": 43}
    tags = Alignment.objects.select_related("indicator__plan", "global_indicator__set")
    assert tags.count() == 43
    file_keys = {
        tag["indicator"] for tag in yaml.safe_load(MALI_TAGS.read_text(encoding="utf-8"))["tags"]
    }
    assert {tag.indicator.key for tag in tags} == file_keys
    assert all(tag.indicator.plan == mali for tag in tags)
    pair = tags.get(indicator__key="P3.R5.I1")
    assert (pair.global_indicator.set.key, pair.global_indicator.code) == ("sdg-wps", "16.4.2")
    # the plan's indicator carries the SDG indicator's own wording
    assert "seized, found or voluntarily returned" in pair.indicator.title_en
    assert AuditEntry.objects.filter(action="alignment.load_tags").count() == 1
    again = load_tags(MALI_TAGS)
    assert again.unchanged == {"tag": 43} and not again.created and not again.removed


@pytest.mark.django_db
def test_a_bad_tags_file_writes_nothing(tmp_path: Path, mali: Any, reference_lists: Any) -> None:
    data = yaml.safe_load(MALI_TAGS.read_text(encoding="utf-8"))
    data["tags"][1]["indicator"] = "P9.R9.I9"
    data["tags"][2]["global"] = "sdg-wps:99.9.9"
    data["tags"].append(dict(data["tags"][0]))
    errors = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "loadalignment", str(write(tmp_path, "tags.yaml", data)), "--language", "en",
            stderr=errors,
        )  # fmt: skip
    text = errors.getvalue()
    assert "tags.yaml: tags[1].indicator: no indicator “P9.R9.I9” in the plan ml-2019-2023" in text
    assert "tags.yaml: tags[2].global: no global indicator “sdg-wps:99.9.9”" in text
    assert f"tags.yaml: tags[{len(data['tags']) - 1}]: the same pair as tags[0]" in text
    assert not Alignment.objects.exists()


@pytest.mark.django_db
def test_a_tag_dropped_from_the_file_goes_and_site_tags_stay(
    tmp_path: Path, mali: Any, mali_tags: Any, alice: Any
) -> None:
    from alignment.actions import tag

    by_site = tag(
        mali.indicators.get(key="P4.R3.O2.I1"),
        GlobalIndicator.objects.get(set__key="sdg-wps", code="5.5.2"),
        by=alice,
    )
    data = yaml.safe_load(MALI_TAGS.read_text(encoding="utf-8"))
    data["tags"] = data["tags"][1:]
    path = write(tmp_path, MALI_TAGS.name, data)
    report = load_tags(path)
    assert report.removed == {"tag": 1}
    assert Alignment.objects.filter(pk=by_site.pk).exists()
    assert Alignment.objects.count() == 43
