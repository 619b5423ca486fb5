"""A quarter from end to end in a real browser, in French and in English:
bob, focal point of the ministry, logs in, fills the report, has an error
refused and corrects it, submits; alice, of the Technical Management Unit,
returns it; bob submits it again; alice validates it and publishes the year;
the dashboard, and the public dashboard seen by a visitor without an
account, show the new figure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from plans.models import Indicator
from reporting.entries import field_name
from reporting.models import Submission
from tests.browser.conftest import ALICE_PASSWORD, BOB_PASSWORD
from tests.browser.pages import Visitor, words

pytestmark = pytest.mark.django_db(transaction=True)  # the server reads what the test wrote


def figures_of(visitor: Visitor, reference: str, _: Callable[[str], str]) -> tuple[str, str]:
    """What the dashboard's progress table says of one indicator: its actual
    value and how many units reported it."""
    row = visitor.row("table[data-table=progress]", reference)
    return row[_("Actual")].text, row[_("Units reporting")].text


def report_of(
    visitor: Visitor, who: str, password: str, unit: str, _: Callable[[str], str]
) -> None:
    """`who` logs in and opens the unit's report from "My reports"."""
    visitor.log_in(who, password, link=_("Log in"), button=_("Log in"))
    visitor.follow(_("My reports"), within="header")
    visitor.follow(unit, within="main")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_quarter_from_the_form_to_the_public_dashboard(
    visitor: Visitor, quarter: Submission, alice: Any, language: str
) -> None:
    _ = words(language)
    with translation.override(language):
        unit = str(quarter.unit)
    elected = Indicator.objects.get(plan=quarter.period.plan, key="A.I1")  # a percentage
    numerator, denominator = (
        field_name(elected.pk, "", part) for part in ("numerator", "denominator")
    )
    share = {"fr": "37,5", "en": "37.5"}[language]  # 3 out of 8, written as the language writes it

    # Bob's browser asks for French pages; in English, he switches.
    visitor.open("/")
    assert visitor.language == "fr"
    if language != "fr":
        visitor.switch_language(language)
    assert visitor.language == language and visitor.path.startswith(f"/{language}/")

    report_of(visitor, "bob", BOB_PASSWORD, unit, _)
    assert visitor.path == f"/{language}/reports/{quarter.uuid}/"
    assert visitor.language == language

    # More women elected than people elected: saved as a draft, not submitted.
    visitor.type(numerator, "9")
    visitor.type(denominator, "8")
    visitor.press(_("Save and submit"))
    assert visitor.messages() == [
        _(
            "Your changes were saved as a draft, but the report was not submitted: "
            "correct the errors and explain the warnings marked below."
        )
    ]
    assert _("The numerator is larger than the denominator.") in visitor.text()
    quarter.refresh_from_db()
    assert quarter.status == "draft"

    visitor.type(numerator, "3")
    visitor.press(_("Save and submit"))
    assert visitor.messages() == [_("Report submitted to the Technical Management Unit.")]
    assert _("The numerator is larger than the denominator.") not in visitor.text()
    quarter.refresh_from_db()
    assert quarter.status == "submitted"
    visitor.log_out(_("Log out"))

    # Alice, of the TMU, returns it with a reason.
    reason = {"fr": "Joindre la liste des élues.", "en": "Attach the list of women elected."}
    report_of(visitor, "alice", ALICE_PASSWORD, unit, _)
    visitor.type(_("Reason for returning"), reason[language])
    visitor.press(_("Return for revision"))
    assert visitor.messages() == [_("Done.")]
    quarter.refresh_from_db()
    assert quarter.status == "returned"
    visitor.log_out(_("Log out"))

    # Bob reads why, says what he did, and submits again.
    report_of(visitor, "bob", BOB_PASSWORD, unit, _)
    assert reason[language] in visitor.text()
    visitor.type(_("Why these changes (kept in the history)"), "✓")
    visitor.press(_("Save and submit"))
    assert visitor.messages() == [_("Report submitted to the Technical Management Unit.")]
    visitor.log_out(_("Log out"))

    # Alice validates it, publishes the year's figures and reads the dashboard.
    report_of(visitor, "alice", ALICE_PASSWORD, unit, _)
    visitor.press(_("Validate"))
    assert visitor.messages() == [_("Done.")]
    quarter.refresh_from_db()
    assert quarter.status == "validated" and quarter.validated_by == alice
    visitor.follow(_("Publishing"), within="header")
    visitor.press(
        _("Publish"), within=visitor.row("main table", "2021")[_("Validated figures of the year")]
    )
    assert visitor.messages() == [_("%(year)s is public.") % {"year": 2021}]
    visitor.follow(_("Dashboards"), within="header")
    visitor.choose("year", "2021")
    visitor.press(_("Show"))
    assert figures_of(visitor, elected.reference, _) == (share, "1")
    visitor.log_out(_("Log out"))

    # Anyone, without an account, reads it on the public dashboard.
    assert visitor.language == language
    visitor.follow(_("Dashboards"), within="header")
    assert (
        _("Published figures; small counts of sensitive indicators are suppressed.")
        in visitor.text()
    )
    assert figures_of(visitor, elected.reference, _) == (share, "1")
