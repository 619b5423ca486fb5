"""The browser for the end-to-end tests: one headless Chromium and one live
server per test process, and cookies cleared before each test.

Without Chromium or chromedriver the tests are skipped, saying why; with
BROWSER_TESTS=required (set by .ci/run) they fail instead, so that CI never
passes without having run them."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

from actors.models import Institution, ReportingUnit, Role, RoleAssignment
from plans.models import Plan
from reporting.actions import open_period
from reporting.models import ReportingPeriod, Submission
from tests.browser import chrome
from tests.browser.pages import Visitor


@pytest.fixture(scope="session")
def browser(request: pytest.FixtureRequest) -> Iterator[tuple[Any, str]]:
    """Chromium, and the server it reads (its address)."""
    if reason := chrome.missing():
        if os.environ.get("BROWSER_TESTS") == "required":
            pytest.fail(f"BROWSER_TESTS=required, but {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")
    request.getfixturevalue("django_db_setup")  # the test database, before its server
    django_db_blocker = request.getfixturevalue("django_db_blocker")
    # The server speaks plain HTTP; its middleware reads the HTTPS redirect
    # once, when it is built (each test's settings come later).
    with override_settings(SECURE_SSL_REDIRECT=False), django_db_blocker.unblock():
        server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"))
    driver = chrome.start(chrome.DESKTOP, language="fr")
    try:
        yield driver, server.url
    finally:
        driver.quit()
        # Chromium's kept-alive connections each hold a server thread that
        # uses the shared SQLite connection: let them end before it stops
        # being shared.
        for thread in threading.enumerate():
            if thread.name.endswith("(process_request_thread)"):
                thread.join(10)
        server.stop()


@pytest.fixture
def visitor(browser: tuple[Any, str], transactional_db: None, settings: Any) -> Visitor:
    """Someone at the browser, on the live server, with no cookie yet."""
    driver, url = browser
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost", "127.0.0.1"]
    # Plain HTTP: cookies marked secure would never come back.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    if driver.current_url.startswith("http"):
        driver.delete_all_cookies()
    return Visitor(driver, url)


BOB_PASSWORD = "bob-long-pass-phrase-22"
ALICE_PASSWORD = "alice-long-pass-phrase-1"  # tests/conftest.py's alice


@pytest.fixture
def quarter(xx: Plan, alice: Any, settings: Any) -> Submission:
    """The small plan's first quarter of 2021, open; bob reports for the ministry."""
    settings.DEFAULT_PLAN = xx.key  # the home page presents the small plan
    units = {
        key: ReportingUnit.objects.create(
            country="XX", institution=Institution.objects.get(country="XX", key=key)
        )
        for key in ("mwa", "ngo")
    }
    bob = User.objects.create_user("bob", email="bob@example.org", password=BOB_PASSWORD)
    RoleAssignment.objects.create(user=bob, role=Role.FOCAL_POINT, unit=units["mwa"])
    period = ReportingPeriod.objects.create(
        plan=xx, kind="quarter", year=2021, quarter=1,
        opens_on=date(2021, 3, 15), deadline=date(2021, 4, 15),
    )  # fmt: skip
    open_period(period, by=alice)
    return Submission.objects.get(period=period, unit=units["mwa"])
