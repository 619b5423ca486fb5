"""The shipped reference lists and Mali's tags, loaded inside each test that
asks for them (the session database has only the plans)."""

from __future__ import annotations

from typing import Any

import pytest

from alignment.loading import DATA, LoadReport, load_reference_lists, load_tags

MALI_TAGS = DATA / "mali-2019-2023-tags.yaml"


@pytest.fixture
def reference_lists(db: Any) -> LoadReport:
    return load_reference_lists()


@pytest.fixture
def mali_tags(mali: Any, reference_lists: LoadReport) -> LoadReport:
    return load_tags(MALI_TAGS)
