"""Random and mutated GeoJSON fed to the boundaries loader: each file is
loaded whole or refused with located errors — never another exception,
never a partial write."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from places.loading import BoundariesInvalid, load_boundaries
from places.models import Place
from tests.places.test_geography import MAPPING, REGIONS, feature, square
from tests.support import fuzzing

pytestmark = pytest.mark.django_db

FUZZ = fuzzing(60)
NUMBER = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-1000, 1000)
POSITION = st.lists(NUMBER, min_size=0, max_size=3)
RING = st.lists(POSITION, max_size=6)
GEOMETRY = (
    st.builds(
        square, st.integers(-5, 5), st.integers(-5, 5), st.integers(-5, 5), st.integers(-5, 5)
    )
    | st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Polygon", "MultiPolygon", "Point", "LineString", "Nope"]),
            "coordinates": st.lists(RING, max_size=2) | NUMBER | st.none(),
        }
    )
    | st.none()
    | st.text(max_size=5)
)
CODE = (
    st.sampled_from(["C1", "C2", "R1", "", " "]) | st.text(max_size=8) | st.integers() | st.none()
)
FEATURE = st.builds(feature, CODE, GEOMETRY, st.sampled_from(["R1", "ZZ", None, ""]) | CODE)
JUNK = st.recursive(
    st.none() | st.booleans() | NUMBER | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def load(document: Any, as_text: bool = False) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.geojson"
        path.write_text(document if as_text else json.dumps(document), "utf-8")
        load_boundaries(path, "XX", MAPPING)


def check(document: Any, *, as_text: bool = False) -> None:
    before = sorted(
        Place.objects.values_list("code", "parent_id", "name_fr", "level", "geometry_digest")
    )
    try:
        load(document, as_text)
    except BoundariesInvalid as refused:
        assert refused.errors
        assert all(error.file == "fuzz.geojson" and error.message for error in refused.errors)
        after = sorted(
            Place.objects.values_list("code", "parent_id", "name_fr", "level", "geometry_digest")
        )
        assert after == before, "a refused file wrote something"


@pytest.fixture
def region(tmp_path: Path) -> None:
    path = tmp_path / "regions.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection",
                                "features": [feature("R1", square(0, 0, 4, 4))]}))  # fmt: skip
    load_boundaries(path, "XX", REGIONS)


@FUZZ
@given(features=st.lists(FEATURE, min_size=1, max_size=5))
def test_mutated_features_are_loaded_whole_or_refused(features: list[Any], region: None) -> None:
    check({"type": "FeatureCollection", "features": features})


@FUZZ
@given(
    document=JUNK | st.fixed_dictionaries({"type": st.just("FeatureCollection"), "features": JUNK})
)
def test_random_documents_are_refused_with_a_located_error(document: Any, region: None) -> None:
    check(document)


@FUZZ
@given(text=st.text(max_size=40))
def test_random_text_is_refused_with_a_located_error(text: str, region: None) -> None:
    check(text, as_text=True)
