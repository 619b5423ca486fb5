"""The Content Security Policy: every page says that only the platform's
own scripts and styles run, and no page needs more — no inline script,
no event-handler attribute, no inline style, no outside address."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from nap1325.security import STRICT
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # a script without src
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle=", re.I),
    re.compile(r"\son[a-z]+=", re.I),  # onclick=, onload=, …
    re.compile(r"""(?:src|href)=["']https?://""", re.I),
]


def test_no_template_needs_an_inline_script_or_style() -> None:
    for path in ROOT.glob("*/templates/**/*.html"):
        if path.name == "document.html":  # the annual report's PDF, never served as a page
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in INLINE[:4]:
            assert not pattern.search(text), (path.relative_to(ROOT), pattern.pattern)


@pytest.mark.parametrize(
    "url",
    ["/fr/", "/en/plans/ml-2019-2023/", "/en/plans/ml-2019-2023/indicators/",
     "/fr/plans/ml-2019-2023/dashboard/", "/en/observatory/", "/en/accounts/login/"],
)  # fmt: skip
def test_pages_carry_the_strict_policy_and_need_nothing_more(url: str, mali: Any) -> None:
    answer = Client().get(url, follow=True)
    assert answer.status_code == 200
    assert answer["Content-Security-Policy"] == STRICT
    html = answer.content.decode()
    for pattern in INLINE:
        found = pattern.search(html)
        assert not found, (url, found.group(0) if found else "")


def test_the_risk_register_page_keeps_its_heat_map_colours(alice: Any) -> None:
    client = Client()
    client.force_login(alice)
    css = (Path(ROOT) / "nap1325" / "static" / "nap1325" / "site.css").read_text()
    assert ".risk-critical" in css and ".briefing-page header.site" in css
    page = client.get("/en/plans/ml-2019-2023/risks/")
    assert page.status_code == 200 and page["Content-Security-Policy"] == STRICT


def test_the_admin_and_the_api_page_may_style_inline_but_never_script() -> None:
    for url in ("/api/v1/docs/", "/en/admin/login/"):
        policy = Client().get(url)["Content-Security-Policy"]
        assert "style-src 'self' 'unsafe-inline'" in policy and "script-src 'self';" in policy
