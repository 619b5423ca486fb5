"""Invitations: alice, of the Technical Management Unit, invites carol as
focal point of the ministry; carol follows the e-mailed link, chooses a
strong password, logs in and finds her unit's report. Nobody else invites;
an address that has an account gets the role added; bad input creates
nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from actors.invitations import invite
from actors.models import Institution, ReportingUnit, Role, RoleAssignment
from nap1325.models import AuditEntry
from reporting.actions import open_period
from reporting.models import ReportingPeriod, Submission
from tests.reporting import conftest as reporting
from tests.reporting.conftest import focal_point

pytestmark = pytest.mark.django_db

# The reporting cast's fixtures: the ministry's and the network's units, a quarter.
units, period = reporting.units, reporting.period


@pytest.fixture(autouse=True)
def fresh_lockouts(db: Any) -> None:
    from axes.utils import reset

    reset()


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Any:
    """`with commit():` — the e-mails of what was committed inside go out."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def form(**fields: Any) -> dict[str, Any]:
    return {"email": "", "first_name": "", "last_name": "", "role": "", "unit": "",
            "institution": ""} | fields  # fmt: skip


def test_carol_is_invited_chooses_a_password_and_reports(
    client: Client,
    period: ReportingPeriod,
    units: dict[str, ReportingUnit],
    alice: Any,
    commit: Any,
) -> None:
    alice.first_name, alice.last_name = "Alice", "Traoré"
    alice.save()
    open_period(period, by=alice)
    report = Submission.objects.get(period=period, unit=units["mwa"])

    client.force_login(alice)
    assert client.get("/en/people/invite/").status_code == 200
    data = form(
        email=" Carol@Example.org ", first_name="Carol", last_name="Diarra",
        role="focal_point", unit=units["mwa"].pk,
    )  # fmt: skip
    with commit():
        response = client.post("/en/people/invite/", data)
    assert response.status_code == 302 and response["Location"] == "/en/people/"
    people = client.get("/en/people/").content.decode()
    assert "Invitation sent to carol@example.org." in people
    assert "Carol Diarra" in people and "invitation pending" in people
    assert "Focal point — Ministry of Women (MWA)" in people

    carol = User.objects.get(username="carol@example.org")
    assert carol.email == "carol@example.org" and not carol.has_usable_password()
    assert [(a.role, a.unit) for a in carol.role_assignments.all()] == [
        ("focal_point", units["mwa"])
    ]
    assert AuditEntry.objects.filter(action="user.invite", object_id=str(carol.pk)).exists()

    (message,) = mail.outbox
    assert message.to == ["carol@example.org"]
    body = str(message.body)
    french, english = body.split("\n---\n")
    assert "Alice Traoré" in english and "as Focal point — Ministry of Women (MWA)" in english
    assert "Ministère des femmes (MWA)" in french
    assert "Your user name is carol@example.org." in english
    site = re.escape(settings.SITE_URL)
    assert re.search(site + r"/fr/accounts/password/reset/\S+/", french)
    link = re.search(site + r"(/en/accounts/password/reset/\S+/)", english)
    assert link is not None

    client.logout()
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200 and "Choose a new password" in page.content.decode()
    set_password = page.redirect_chain[-1][0]
    weak = client.post(set_password, {"new_password1": "carol2021", "new_password2": "carol2021"})
    assert weak.status_code == 200  # refused: too short
    carol.refresh_from_db()
    assert not carol.has_usable_password()
    strong = "carol-long-pass-phrase-7"
    done = client.post(set_password, {"new_password1": strong, "new_password2": strong})
    assert done.status_code == 302
    assert client.get(link.group(1), follow=True).context["validlink"] is False  # spent

    login = client.post(
        "/en/accounts/login/", {"username": "carol@example.org", "password": strong}
    )
    assert login.status_code == 302
    reports = client.get("/en/reports/").content.decode()
    assert f"/en/reports/{report.uuid}/" in reports
    assert client.get(f"/en/reports/{report.uuid}/").status_code == 200


def test_only_the_tmu_invites(
    client: Client, units: dict[str, ReportingUnit], alice: Any, commit: Any
) -> None:
    bob = focal_point("bob", units["mwa"])
    with pytest.raises(PermissionDenied):
        invite(email="eve@example.org", role=Role.FOCAL_POINT, unit=units["mwa"], by=bob)
    client.force_login(bob)
    assert client.get("/en/people/").status_code == 403
    data = form(email="eve@example.org", role="focal_point", unit=units["mwa"].pk)
    with commit():
        assert client.post("/en/people/invite/", data).status_code == 403
    assert "/en/people/" not in client.get("/en/").content.decode()  # no link in the header
    assert not User.objects.filter(username="eve@example.org").exists()
    assert mail.outbox == []

    # Within the TMU, only an administrator makes administrators.
    with pytest.raises(PermissionDenied, match="Only an administrator"):
        invite(email="eve@example.org", role=Role.ADMINISTRATOR, by=alice)
    root = User.objects.create_superuser("root", "root@example.org", "root-long-pass-phrase-8")
    with commit():
        invite(email="eve@example.org", role=Role.ADMINISTRATOR, by=root)
    assert RoleAssignment.objects.get(user__username="eve@example.org").role == "administrator"

    client.force_login(alice)
    assert '<a href="/en/people/">People</a>' in client.get("/en/").content.decode()


def test_an_address_with_an_account_gets_the_role_added(
    client: Client, units: dict[str, ReportingUnit], alice: Any, commit: Any
) -> None:
    dora = User.objects.create_user(
        "dora", email="Dora@example.org", password="dora-long-pass-phrase-4"
    )
    RoleAssignment.objects.create(user=dora, role=Role.READER)
    client.force_login(alice)
    data = form(email="dora@example.org", role="cso_reporter", unit=units["ngo"].pk)
    with commit():
        response = client.post("/en/people/invite/", data, follow=True)
    assert "Dora@example.org already had an account: the role was added." in (
        response.content.decode()
    )
    assert sorted(dora.role_assignments.values_list("role", flat=True)) == [
        "cso_reporter",
        "reader",
    ]
    assert User.objects.filter(email__iexact="dora@example.org").count() == 1
    assert dora.check_password("dora-long-pass-phrase-4")  # untouched
    (message,) = mail.outbox
    assert "gave you a new role: Civil-society reporter — Women's Network" in str(message.body)
    assert "/en/accounts/login/" in str(message.body) and "password/reset" not in message.body
    assert AuditEntry.objects.filter(action="user.role_add", object_id=str(dora.pk)).exists()

    with commit():
        again = client.post("/en/people/invite/", data)
    assert again.status_code == 200
    assert "dora@example.org already has this role." in again.content.decode()
    assert dora.role_assignments.count() == 2 and len(mail.outbox) == 1


def test_inviting_a_pending_address_again_sends_a_new_link(
    units: dict[str, ReportingUnit], alice: Any, commit: Any
) -> None:
    with commit():
        first = invite(email="fanta@example.org", role="focal_point", unit=units["mwa"], by=alice)
    with commit():
        again = invite(email="fanta@example.org", role="focal_point", unit=units["mwa"], by=alice)
    assert first.new_account and first.link_sent
    assert (again.new_account, again.assignment, again.link_sent) == (False, None, True)
    assert RoleAssignment.objects.filter(user=first.user).count() == 1
    assert len(mail.outbox) == 2 and "password/reset" in str(mail.outbox[1].body)


BAD_INPUT = [
    (
        form(email="gina@example.org", role="focal_point", unit="999999"),
        "This reporting unit does not exist or no longer reports.",
    ),
    (
        form(email="gina@example.org", role="focal_point"),
        "Focal points and civil-society reporters report for a unit: choose it.",
    ),
    (
        form(email="gina@example.org", role="cso_reporter"),
        "Focal points and civil-society reporters report for a unit: choose it.",
    ),
    (
        form(email="gina@example.org", role="reader", unit="mwa"),
        "Only focal points and civil-society reporters have a reporting unit.",
    ),
    (
        form(email="gina@example.org", role="partner"),
        "A partner records funding for an institution: choose it.",
    ),
    (
        form(email="gina@example.org", role="me_officer", institution="ngo"),
        "Only partners are given an institution.",
    ),
    (form(email="gina@example.org"), "This field is required."),
    (form(email="gina@", role="reader"), "Enter a valid email address."),
    (form(email="gina@example.org", role="chief"), "Select a valid choice."),
]


@pytest.mark.parametrize(("data", "error"), BAD_INPUT)
def test_bad_input_is_refused_and_creates_nothing(
    client: Client,
    units: dict[str, ReportingUnit],
    alice: Any,
    commit: Any,
    data: dict,
    error: str,
) -> None:
    if data["unit"] in units:
        data = data | {"unit": units[data["unit"]].pk}
    if data["institution"]:
        data = data | {"institution": Institution.objects.get(country="XX", key="ngo").pk}
    client.force_login(alice)
    users, roles = User.objects.count(), RoleAssignment.objects.count()
    audits = AuditEntry.objects.count()
    with commit():
        response = client.post("/en/people/invite/", data)
    assert response.status_code == 200
    assert error in response.content.decode().replace("&#x27;", "'")
    assert (User.objects.count(), RoleAssignment.objects.count()) == (users, roles)
    assert AuditEntry.objects.count() == audits and mail.outbox == []


def test_an_inactive_unit_is_refused_by_the_action(
    units: dict[str, ReportingUnit], alice: Any
) -> None:
    units["mwa"].active = False
    units["mwa"].save()
    with pytest.raises(ValidationError) as refused:
        invite(email="hawa@example.org", role="focal_point", unit=units["mwa"], by=alice)
    assert refused.value.message_dict == {"unit": ["This reporting unit is no longer active."]}
    assert not User.objects.filter(username="hawa@example.org").exists()
