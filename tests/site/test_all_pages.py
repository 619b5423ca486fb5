"""Every page of every shipped plan answers, in both languages: a crawl of
the links each page shows, from the home page, with the demonstration data."""

from __future__ import annotations

import re
from collections import deque

import pytest
from django.core.management import call_command
from django.test import Client

from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

PLANS = ROOT / "nap1325" / "data" / "plans"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_crawl(client: Client, mali: object, language: str) -> None:
    call_command("loadplaces", verbosity=0)
    for name in ("mali-2012-2014.yaml", "mali-2015-2017.yaml"):
        call_command("loadplan", str(PLANS / name), verbosity=0)
    call_command("demo", verbosity=0)
    seen: set[str] = set()
    queue = deque([f"/{language}/"])
    while queue and len(seen) < 400:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in re.findall(r'href="(/[^"#?]*)"', response.content.decode()):
            if (
                link.startswith(f"/{language}/")
                and "/admin/" not in link
                and "/accounts/" not in link
            ):
                queue.append(link)
    assert len(seen) > 150, len(seen)
