"""Random and mutated files fed to the DHIS2 importers: each is imported
whole or refused with located errors — never another exception, never a
partial write."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange import dhis2
from exchange.mapping import MappingInvalid, read_mapping
from reporting.models import IndicatorValue
from tests.exchange.conftest import MAPPING
from tests.support import fuzzing

pytestmark = pytest.mark.django_db

FUZZ = fuzzing(60)
TEXT = st.text(max_size=14)
VALUE = st.fixed_dictionaries(
    {},
    optional={
        "dataElement": st.sampled_from(["MeetingsHld", "GbvCasesRep", "NotMappedXX"]) | TEXT,
        "categoryOptionCombo": st.sampled_from(["HllvX50cXC0", "FemaleCoc01"]) | TEXT,
        "period": st.sampled_from(["2021Q1", "2021", "2021-01-01/P3M"]) | TEXT,
        "orgUnit": st.sampled_from(["MinWomenAff", "WomenNetwrk"]) | TEXT,
        "value": st.sampled_from(["1", "-2", "3.5", "1e400", "NaN", ""]) | TEXT | st.integers(),
        "comment": TEXT | st.none(),
    },
)
DOCUMENT = st.fixed_dictionaries({"dataValues": st.lists(VALUE, max_size=6)}) | st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


@FUZZ
@given(document=DOCUMENT)
def test_random_datavaluesets_are_imported_whole_or_refused(
    document: Any, world: dict[str, Any]
) -> None:
    before = sorted(IndicatorValue.objects.values_list("pk", "value", "numerator", "comment"))
    raw = json.dumps(document).encode()
    try:
        values = dhis2.read_file("fuzz.json", io.BytesIO(raw))
        dhis2.import_values(world["period"].plan, values, by=world["alice"])
    except dhis2.ImportRefused as refused:
        assert refused.errors and all(error.where and error.message for error in refused.errors)
        after = sorted(IndicatorValue.objects.values_list("pk", "value", "numerator", "comment"))
        assert after == before


@FUZZ
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_random_bytes_are_refused_with_a_place(raw: bytes, world: dict[str, Any]) -> None:
    try:
        values = dhis2.read_file("fuzz", io.BytesIO(b"<" + raw))
    except dhis2.ImportRefused as refused:
        assert refused.errors[0].where
    else:
        assert isinstance(values, list)


@FUZZ
@given(cut=st.integers(0, len(MAPPING)), junk=st.text(max_size=8))
def test_a_mutated_mapping_is_read_whole_or_refused(
    cut: int, junk: str, world: dict[str, Any]
) -> None:
    text = MAPPING[:cut] + junk + MAPPING[cut:]
    try:
        read_mapping(text, "m.yaml")
    except MappingInvalid as invalid:
        assert all(str(error).startswith("m.yaml") for error in invalid.errors)
