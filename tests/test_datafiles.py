"""What the YAML data files' loaders share (nap1325.datafiles): how an error
is located, how a file is refused, dates kept as text, the load summary."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from nap1325.datafiles import DataFileError, DataFileInvalid, LoadReport, parse_yaml, read_yaml


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (DataFileError("a.yaml", "", "no"), "a.yaml: file: no"),
        (DataFileError("a.yaml", "", "no", field="format"), "a.yaml: format: no"),
        (DataFileError("a.yaml", "quotas[2]", "no", field="id"), "a.yaml: quotas[2].id: no"),
        (DataFileError("a.yaml", "entries[4] (5.1.1).code", "no"), "a.yaml: entries[4] (5.1.1).code: no"),
        (DataFileError("a.yaml", "", "no", line=3), "a.yaml: file (line 3): no"),
        (DataFileError("a.yaml", "tags", "no", line=3), "a.yaml: tags (line 3): no"),
    ],
)  # fmt: skip
def test_an_error_says_file_place_and_line(error: DataFileError, text: str) -> None:
    with translation.override("en"):
        assert str(error) == text


def test_a_refused_file_carries_every_error() -> None:
    errors = [DataFileError("a.yaml", "x", "one"), DataFileError("a.yaml", "y", "two")]
    refused = DataFileInvalid(errors)
    assert refused.errors == errors
    assert str(refused) == "a.yaml: x: one\na.yaml: y: two"


def test_dates_stay_text_as_the_file_writes_them() -> None:
    data = parse_yaml("day: 2024-13-01\nat: 2024-01-01 10:00:00\nyear: 2020\n", "a.yaml")
    assert data == {"day": "2024-13-01", "at": "2024-01-01 10:00:00", "year": 2020}


def test_files_that_are_not_yaml_are_refused_located(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: Ségou\n".encode("latin-1"))
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\nkey: [unclosed\n", encoding="utf-8")
    found = []
    with translation.override("en"):
        for path in (missing, latin, broken):
            with pytest.raises(DataFileInvalid) as refused:
                read_yaml(path)
            found.append(str(refused.value))
    assert found[0] == "missing.yaml: file: cannot read the file (No such file or directory)"
    assert found[1] == "latin.yaml: file: the file is not UTF-8 text"
    assert found[2].startswith("broken.yaml: file (line 3): not valid YAML (")
    with pytest.raises(DataFileInvalid, match=r"^data/missing\.yaml: file: "):
        read_yaml(missing, "data/missing.yaml")  # the name the errors give


def test_the_summary_names_each_kind_by_its_label() -> None:
    labels = {"quota": gettext_lazy("quotas"), "tag": gettext_lazy("tags")}
    report = LoadReport(created=Counter(tag=3, quota=1), removed=Counter(tag=2))
    with translation.override("en"):
        assert report.summary(labels) == "created: quotas 1, tags 3; removed: tags 2"
        assert LoadReport().summary(labels) == "no change"
