"""Random and mutated plan files fed to the reader and the loader: each is
loaded whole or refused with located errors — never another exception,
never a partial write."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from django.apps import apps
from hypothesis import given
from hypothesis import strategies as st

from plans.loading import load_plan
from plans.models import Plan
from plans.planfile import PlanFileInvalid, read_plan_bytes, read_plan_text
from tests.conftest import SMALL_PLAN
from tests.support import fuzzing

pytestmark = pytest.mark.django_db

FUZZ = fuzzing(40)
SOURCE = yaml.safe_load(SMALL_PLAN.read_text(encoding="utf-8"))
SCALAR = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
    | st.sampled_from(["2021-02-30", "9" * 400, "&a", "*a", "é\u0000", "A.1", "mwa", "count"])
)  # fmt: skip
VALUE = st.recursive(
    SCALAR,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=5,
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the file: the keys and indexes that reach it."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


PATHS = paths(SOURCE)


def mutate(data: Any, path: tuple[Any, ...], how: str, value: Any) -> Any:
    data = copy.deepcopy(data)
    *parents, last = path
    node = data
    for key in parents:
        node = node[key]
    if how == "drop":
        del node[last]
    elif how == "duplicate" and isinstance(node, list):
        node.append(copy.deepcopy(node[last]))
    else:
        node[last] = value
    return data


def counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("plans", "actors", "places", "nap1325")
    }


def check_loads_whole_or_refused(text: str) -> None:
    before = counts()
    try:
        data = read_plan_text(text)
    except PlanFileInvalid as refused:
        assert refused.errors and all(error.message for error in refused.errors)
        assert counts() == before
        return
    try:
        load_plan(data)
    except PlanFileInvalid as refused:
        assert refused.errors and all(error.message for error in refused.errors)
        assert counts() == before, "a refused plan wrote something"
        return
    plan = Plan.objects.get(key=data["plan"]["id"])
    assert plan.indicators.count() > 0 or not text.count("indicators")


@FUZZ
@given(
    path=st.sampled_from(PATHS),
    how=st.sampled_from(["drop", "replace", "duplicate"]),
    value=VALUE,
)
def test_mutated_plan_files_load_whole_or_are_refused(path: Any, how: str, value: Any) -> None:
    mutated = mutate(SOURCE, path, how, value)
    check_loads_whole_or_refused(yaml.safe_dump(mutated, allow_unicode=True))


@FUZZ
@given(text=st.text(max_size=60) | st.sampled_from([
    "a: &a [1, 2]\nb: [*a, *a, *a]\n",
    "plan: {id: x}\nplan: {id: y}\n",
    "[" * 500,
    "a: !!python/object:os.system ls\n",
]))  # fmt: skip
def test_random_text_is_refused_with_located_errors(text: str) -> None:
    check_loads_whole_or_refused(text)


@FUZZ
@given(raw=st.binary(max_size=40))
def test_random_bytes_are_refused_with_located_errors(raw: bytes) -> None:
    before = counts()
    try:
        read_plan_bytes(raw)
    except PlanFileInvalid as refused:
        assert refused.errors and all(error.message for error in refused.errors)
    assert counts() == before
