"""On a phone's screen (390 px), the pages of a quarter fit: nobody has to
scroll sideways to reach a field or a button. Wide tables scroll inside
their own box; the page itself never does."""

from __future__ import annotations

from typing import Any

import pytest

from plans.models import Indicator
from reporting.entries import field_name
from reporting.models import Submission
from tests.browser import chrome
from tests.browser.conftest import ALICE_PASSWORD, BOB_PASSWORD
from tests.browser.pages import Visitor, words

pytestmark = pytest.mark.django_db(transaction=True)  # the server reads what the test wrote


def test_the_quarters_pages_fit_a_phone(visitor: Visitor, quarter: Submission, alice: Any) -> None:
    _ = words("fr")
    elected = Indicator.objects.get(plan=quarter.period.plan, key="A.I1")
    numerator, denominator = (
        field_name(elected.pk, "", part) for part in ("numerator", "denominator")
    )
    report = f"/fr/reports/{quarter.uuid}/"
    wider: dict[str, int] = {}

    def measure(page: str) -> None:
        wider[page] = chrome.sideways(visitor.driver)

    with chrome.screen(visitor.driver, chrome.PHONE):
        visitor.open("/fr/")
        measure("home")
        visitor.log_in("bob", BOB_PASSWORD, link=_("Log in"), button=_("Log in"))
        visitor.follow(_("My reports"), within="header")
        measure("my reports")
        visitor.open(report)
        measure("report form")
        visitor.type(numerator, "9")
        visitor.type(denominator, "8")
        visitor.press(_("Save and submit"))
        assert _("The numerator is larger than the denominator.") in visitor.text()
        measure("report form with an error")
        visitor.type(numerator, "3")
        visitor.press(_("Save and submit"))
        visitor.log_out(_("Log out"))

        visitor.log_in("alice", ALICE_PASSWORD, link=_("Log in"), button=_("Log in"))
        visitor.open(report)
        assert visitor.button(_("Validate"))
        measure("review")
        visitor.follow(_("Dashboards"), within="header")
        measure("dashboard")

    assert wider == dict.fromkeys(wider, 0)
