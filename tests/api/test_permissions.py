"""Every API endpoint × every role, generated from the API's URL
configuration: a new endpoint without a rule here fails the suite. Public
endpoints answer everyone; private ones refuse the anonymous (401) and
people without a role (403); nothing an endpoint refuses leaks a record."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from actors.models import Role, RoleAssignment

PUBLIC = "public"
PRIVATE = "private"  # any role; the anonymous get 401, people without a role 403
READ_REPORT = "read_report"  # private; of the roles, a unit's reporters, readers and the TMU
NOT_READING_REPORTS = {"partner"}
WRITE_ONLY = "write only"  # no GET: see WRITES

RULES: dict[str, str] = {
    "api-root": PUBLIC,
    "api-schema": PUBLIC,
    "api-docs": PUBLIC,
    "api-figures": PUBLIC,
    "plan-list": PUBLIC,
    "plan-detail": PUBLIC,
    "element-list": PUBLIC,
    "element-detail": PUBLIC,
    "indicator-list": PUBLIC,
    "indicator-detail": PUBLIC,
    "institution-list": PUBLIC,
    "institution-detail": PUBLIC,
    "place-list": PUBLIC,
    "place-detail": PUBLIC,
    "seat-body-list": PUBLIC,
    "seat-body-detail": PUBLIC,
    "observation-list": PUBLIC,
    "observation-detail": PUBLIC,
    "activity-list": PUBLIC,
    "activity-detail": PUBLIC,
    "global-set-list": PUBLIC,
    "global-set-detail": PUBLIC,
    "global-indicator-list": PUBLIC,
    "global-indicator-detail": PUBLIC,
    "alignment-list": PUBLIC,
    "alignment-detail": PUBLIC,
    "period-list": PRIVATE,
    "period-detail": PRIVATE,
    "submission-list": READ_REPORT,
    "submission-detail": READ_REPORT,
    "submission-report": WRITE_ONLY,
    "submission-submit": WRITE_ONLY,
    "submission-validate": WRITE_ONLY,
    "submission-return": WRITE_ONLY,
    "submission-reopen": WRITE_ONLY,
    "activity-progress": WRITE_ONLY,
}

# Who may write: the TMU, or a unit's own reporters and the TMU.
TMU_WRITES = "tmu"
REPORTER_WRITES = "reporter"
TMU_ROLES = {"administrator", "tmu_coordinator", "me_officer"}
REPORTERS = {"focal_point", "cso_reporter"}
# (url name, method, rule): every name of WRITE_ONLY has at least one.
WRITES: list[tuple[str, str, str]] = [
    ("submission-report", "post", REPORTER_WRITES),
    ("submission-submit", "post", REPORTER_WRITES),
    ("submission-validate", "post", TMU_WRITES),
    ("submission-return", "post", TMU_WRITES),
    ("submission-reopen", "post", TMU_WRITES),
    ("activity-list", "post", TMU_WRITES),
    ("activity-detail", "put", TMU_WRITES),
    ("activity-detail", "delete", TMU_WRITES),
    ("activity-progress", "post", TMU_WRITES),
    ("observation-list", "post", TMU_WRITES),
]
ROLES = ["anonymous", "no role", *[str(role) for role in Role]]


def endpoints() -> dict[str, str]:
    """API URL name → path pattern, from the URL configuration."""
    found: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.setdefault(pattern.name, prefix + str(pattern.pattern))

    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/v1/")
    assert isinstance(api, URLResolver)
    walk(api.url_patterns, "/api/v1/")
    return found


def test_every_endpoint_has_a_rule() -> None:
    names = set(endpoints())
    assert names - set(RULES) == set(), "add a rule for each new endpoint"
    assert set(RULES) - names == set(), "a rule for an endpoint that no longer exists"
    written = {name for name, _method, _rule in WRITES}
    assert {name for name, rule in RULES.items() if rule == WRITE_ONLY} <= written


def some_of_everything(mali: Any) -> Any:
    """A validated report of 2021 Q1, 2021 published, an observatory body
    and its figure: each detail endpoint has something to show."""
    from datetime import date

    from actors.models import ReportingUnit
    from governance.models import Observation, SeatBody
    from publishing.actions import publish
    from reporting.models import ReportingPeriod, Submission

    unit = ReportingUnit.objects.create(country="ML", institution=mali.institutions.first())
    period = ReportingPeriod.objects.create(
        plan=mali, kind="quarter", year=2021, quarter=1,
        opens_on=date(2021, 3, 1), deadline=date(2021, 4, 15),
    )  # fmt: skip
    Submission.objects.create(period=period, unit=unit, status="validated")
    tmu = User.objects.create_user("api-publisher")
    RoleAssignment.objects.create(user=tmu, role=Role.ME_OFFICER)
    publish(mali, 2021, "data", by=tmu)
    body = SeatBody.objects.create(
        country="ML", key="assembly", kind="parliament", name_fr="Assemblée", name_en="Assembly"
    )
    Observation.objects.create(body=body, observed_on=date(2020, 4, 1), women=41, total=147)
    from tests.alignment.helpers import a_tag

    a_tag(mali)
    return unit


def url_of(name: str, pattern: str, mali: Any) -> str:
    """A real URL for the pattern: an object of the right kind for details."""
    from alignment.models import Alignment, GlobalIndicator, GlobalIndicatorSet
    from governance.models import Observation, SeatBody
    from operations.models import ActivityVersion
    from places.models import Place
    from reporting.models import ReportingPeriod, Submission

    url = pattern.replace("^", "").replace("$", "").replace("\\.(?P<format>[a-z0-9]+)/?", "")
    url = url.replace("(?P<format>[a-z0-9]+)", "json")
    objects: dict[str, Any] = {
        "plan": mali, "element": mali.elements.first(), "indicator": mali.indicators.first(),
        "institution": mali.institutions.first(), "place": Place.objects.first(),
        "seat-body": SeatBody.objects.first(), "observation": Observation.objects.first(),
        "activity": ActivityVersion.objects.filter(operational_plan__status="adopted").first(),
        "period": ReportingPeriod.objects.first(), "submission": Submission.objects.first(),
        "global-set": GlobalIndicatorSet.objects.first(),
        "global-indicator": GlobalIndicator.objects.first(), "alignment": Alignment.objects.first(),
    }  # fmt: skip
    if name.endswith(("-detail", "-report", "-submit", "-validate", "-return", "-reopen",
                      "-progress")):  # fmt: skip
        obj = objects[name.rsplit("-", 1)[0]]
        if obj is None:
            pytest.skip(f"no {name} in the test database")
        ident = obj.key if name == "plan-detail" else getattr(obj, "activity", obj).uuid
        url = re.sub(r"\(\?P<(uuid|key)>[^)]*\)", str(ident), url)
    if name == "activity-list":
        url += "?plan=xx-2020-2024"
    if name == "api-figures":
        url += f"?plan={mali.key}"
    return url


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, rule in RULES.items() if rule != WRITE_ONLY))
def test_api_permission_matrix(name: str, mali: Any, costed: Any, alice: Any) -> None:
    from actors.models import SCOPED_ROLES
    from operations.actions import adopt
    from reporting.models import ReportingPeriod, Submission

    adopt(costed, by=alice)
    unit = some_of_everything(mali)
    url = url_of(name, endpoints()[name], mali)
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            user = User.objects.create_user(f"api-{role}")
            if role != "no role":
                scoped = role in SCOPED_ROLES
                RoleAssignment.objects.create(user=user, role=role, unit=unit if scoped else None)
            client.force_login(user)
        response = client.get(url)
        status = response.status_code
        if RULES[name] == READ_REPORT and role in NOT_READING_REPORTS:
            # A role that reads no report finds none: an empty list, no such report.
            if name.endswith("-list"):
                assert status == 200 and response.json()["results"] == [], (url, role)
            else:
                assert status == 404, (url, role, status)
        elif RULES[name] == PUBLIC or role not in ("anonymous", "no role"):
            assert status == 200, (url, role, status)
            if name == "api-figures" and status == 200:
                assert response.json()["public"] is (role in ("anonymous", "no role"))
        else:
            assert status == (401 if role == "anonymous" else 403), (url, role, status)
            assert "results" not in response.json()
    assert ReportingPeriod.objects.exists() and Submission.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "rule"), WRITES)
def test_api_write_matrix(name: str, method: str, rule: str, mali: Any, costed: Any,
                          alice: Any) -> None:  # fmt: skip
    """An empty body as every role: the anonymous get 401; a role that may
    not write gets 403 (a partner writing a report it cannot read, 404);
    one that may gets
    past the permission checks to the body's own (400). Nothing changes."""
    from nap1325.models import AuditEntry
    from operations.actions import adopt

    adopt(costed, by=alice)
    unit = some_of_everything(mali)
    url = url_of(name, endpoints()[name], mali)
    before = AuditEntry.objects.count()
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            user = User.objects.create_user(f"api-{role}")
            if role != "no role":
                scoped = role in REPORTERS
                RoleAssignment.objects.create(user=user, role=role, unit=unit if scoped else None)
            client.force_login(user)
        status = getattr(client, method)(url, {}, content_type="application/json").status_code
        allowed = TMU_ROLES | (REPORTERS if rule == REPORTER_WRITES else set())
        if role == "anonymous":
            assert status == 401, (url, role, status)
        elif role in allowed:
            assert status == 400, (url, role, status)
        elif rule == REPORTER_WRITES and role in NOT_READING_REPORTS:
            assert status == 404, (url, role, status)
        else:
            assert status == 403, (url, role, status)
    assert AuditEntry.objects.count() == before
