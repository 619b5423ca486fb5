"""Every URL × every role, generated from the URL configuration: a new view
without a rule here fails the suite.

Rules: PUBLIC pages answer everyone; TMU pages and actions answer the TMU
(administrator, coordinator, M&E officer) and refuse everybody else — the
anonymous are sent to log in, the others get 403; nothing changes when a
request is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from actors.models import Institution, ReportingUnit, Role, RoleAssignment
from nap1325.models import AuditEntry
from operations.models import OperationalPlan

PUBLIC = "public"
TMU = "tmu"
PRIVATE = "private"  # any logged-in role; the anonymous are sent to log in
FUNDING = "funding"  # the TMU, and partners for their own institution's sources
ACCOUNT = "account"  # the account pages themselves: open to all
READ_REPORT = "read_report"  # the unit's own reporters, readers and the TMU
WRITE_REPORT = "write_report"  # the unit's own reporters and the TMU
NOT_A_PAGE = "skip"

# url name → (rule, method)
RULES: dict[str, tuple[str, str]] = {
    "set_language": (ACCOUNT, "POST"),
    "home": (PUBLIC, "GET"),
    "search": (PUBLIC, "GET"),
    "plan": (PUBLIC, "GET"),
    "framework": (PUBLIC, "GET"),
    "element": (PUBLIC, "GET"),
    "indicators": (PUBLIC, "GET"),
    "indicator": (PUBLIC, "GET"),
    "anchor": (PUBLIC, "GET"),
    "plans_side_by_side": (PUBLIC, "GET"),
    "operational_plans": (PUBLIC, "GET"),
    "latest_operational_plan": (PUBLIC, "GET"),
    "operational_plan": (PUBLIC, "GET"),
    "schedule": (PUBLIC, "GET"),
    "compare_versions": (PUBLIC, "GET"),
    "workbook_export": (PUBLIC, "GET"),
    "workbook_template": (PUBLIC, "GET"),
    "activity": (PUBLIC, "GET"),
    "institutions": (PUBLIC, "GET"),
    "institution": (PUBLIC, "GET"),
    "bodies": (PUBLIC, "GET"),
    "body": (PUBLIC, "GET"),
    "start_version": (TMU, "POST"),
    "adopt_version": (TMU, "POST"),
    "activity_new": (TMU, "GET"),
    "activity_edit": (TMU, "GET"),
    "workbook_import": (TMU, "GET"),
    "activity_remove": (TMU, "POST"),
    "activity_progress": (TMU, "POST"),
    "activity_funding": (FUNDING, "POST"),
    "periods": (PRIVATE, "GET"),
    "plan_periods": (TMU, "POST"),
    "period": (PRIVATE, "GET"),
    "open_period": (TMU, "POST"),
    "lock_period": (TMU, "POST"),
    "rules": (PRIVATE, "GET"),
    "rule_new": (TMU, "GET"),
    "rule_edit": (TMU, "GET"),
    "my_reports": (PRIVATE, "GET"),
    "progress": (PRIVATE, "GET"),
    "progress_year": (PRIVATE, "GET"),
    "publications": (TMU, "GET"),
    "publish": (TMU, "POST"),
    "dashboard": (PUBLIC, "GET"),
    "priority_dashboard": (PUBLIC, "GET"),
    "institution_dashboard": (PUBLIC, "GET"),
    "region_dashboard": (PUBLIC, "GET"),
    "annual_report": (PRIVATE, "GET"),
    "annual_report_pdf": (PRIVATE, "GET"),
    "annual_report_docx": (PRIVATE, "GET"),
    "annual_report_edit": (TMU, "GET"),
    "iptt": (PUBLIC, "GET"),
    "briefing": (PRIVATE, "GET"),
    "briefing_quarter": (PRIVATE, "GET"),
    "report": (READ_REPORT, "GET"),
    "report_save": (WRITE_REPORT, "POST"),
    "value_history": (READ_REPORT, "GET"),
    "evidence_file": (READ_REPORT, "GET"),
    "evidence_add": (WRITE_REPORT, "POST"),
    "evidence_remove": (WRITE_REPORT, "POST"),
    "validate_report": (TMU, "POST"),
    "return_report": (TMU, "POST"),
    "reopen_report": (TMU, "POST"),
    "people": (TMU, "GET"),
    "invite": (TMU, "GET"),
    "report_workbook": (READ_REPORT, "GET"),
    "report_workbook_upload": (WRITE_REPORT, "GET"),
    "period_workbooks_upload": (TMU, "GET"),
    "report_xlsform": (READ_REPORT, "GET"),
    "report_kobo_upload": (WRITE_REPORT, "GET"),
    "period_xlsforms": (TMU, "GET"),
    "period_kobo_upload": (TMU, "GET"),
    "risks": (PRIVATE, "GET"),
    "risk": (PRIVATE, "GET"),
    "risk_new": (TMU, "GET"),
    "risk_edit": (TMU, "GET"),
    "risk_review": (TMU, "GET"),
    "risk_close": (TMU, "POST"),
    "risk_reopen": (TMU, "POST"),
    "observatory": (PUBLIC, "GET"),
    "about_data": (PUBLIC, "GET"),
    "local_plans": (PUBLIC, "GET"),
    "local_plan_new": (TMU, "GET"),
    "local_indicator_new": (TMU, "GET"),
    "local_indicator_link": (TMU, "GET"),
    "observatory_csv": (PUBLIC, "GET"),
    "observatory_xlsx": (PUBLIC, "GET"),
    "observatory_add": (TMU, "GET"),
    "meetings": (PUBLIC, "GET"),
    "meeting": (PUBLIC, "GET"),
    "meeting_new": (TMU, "GET"),
    "meeting_edit": (TMU, "GET"),
    "meeting_minutes": (PRIVATE, "GET"),
    "recommendations": (PUBLIC, "GET"),
    "recommendation": (PUBLIC, "GET"),
    "recommendation_new": (TMU, "GET"),
    "recommendation_update": (TMU, "POST"),
    "recommendation_evidence": (PRIVATE, "GET"),
    "crosswalk": (PUBLIC, "GET"),
    "crosswalk_tag": (TMU, "POST"),
    "crosswalk_untag": (TMU, "POST"),
    "login": (ACCOUNT, "GET"),
    "logout": (ACCOUNT, "POST"),
    "api_token": (ACCOUNT, "GET"),
    "two_factor": (PRIVATE, "GET"),
    "two_factor_verify": (PRIVATE, "GET"),
    "two_factor_backup_codes": (PRIVATE, "POST"),
    "two_factor_off": (PRIVATE, "POST"),
    "two_factor_reset": (TMU, "POST"),
    "health": (PUBLIC, "GET"),
    "dhis2": (TMU, "GET"),
    "dhis2_export": (TMU, "GET"),
    "dhis2_import": (TMU, "POST"),
    "dhis2_mapping": (TMU, "POST"),
    "password_reset": (ACCOUNT, "GET"),
    "password_reset_done": (ACCOUNT, "GET"),
    "password_reset_confirm": (NOT_A_PAGE, "GET"),  # needs a mailed token: tested in test_accounts
    "password_reset_complete": (ACCOUNT, "GET"),
}

# Refused roles first: what the allowed ones do may change the world.
# "outsider" is the focal point of another unit than the report's.
ROLES = [
    "anonymous", "outsider", "reader", "focal_point", "partner", "me_officer", "administrator"
]  # fmt: skip
TMU_ROLES = {"me_officer", "administrator"}


def url_patterns() -> Iterator[tuple[str, str]]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("admin/"):
                    continue  # Django's admin guards itself (staff only)
                if str(pattern.pattern).startswith("api/"):
                    continue  # the API has its own matrix: tests/api/test_permissions.py
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield pattern.name, prefix + str(pattern.pattern)

    yield from walk(get_resolver().url_patterns, "/")


def test_every_url_has_a_rule() -> None:
    names = {name for name, _path in url_patterns()} | {"report_save"}
    assert names - set(RULES) == set(), "add a rule for each new view"
    assert set(RULES) - names == set(), "a rule for a view that no longer exists"


@pytest.fixture
def world(costed: OperationalPlan, sources: dict[str, Any], mali: Any) -> dict[str, Any]:
    plan = costed.plan
    act1 = costed.activities.get(code="ACT1")
    values = {
        "key": plan.key,
        "number": str(costed.number),
        "uuid": str(act1.activity.uuid),
    }
    return {"plan": plan, "version": costed, "values": values, "sources": sources, "mali": mali}


def user_for(role: str) -> User | None:
    if role == "anonymous":
        return None
    user = User.objects.create_user(f"user-{role}")  # logged in with force_login
    if role == "administrator":
        user.is_superuser = True
        user.save()
    elif role in ("focal_point", "outsider"):
        key = "mwa" if role == "focal_point" else "ngo"
        unit = ReportingUnit.objects.get_or_create(
            country="XX", institution=Institution.objects.get(country="XX", key=key)
        )[0]
        RoleAssignment.objects.create(user=user, role=Role.FOCAL_POINT, unit=unit)
    else:
        institution = (
            Institution.objects.get(country="XX", key="ngo") if role == "partner" else None
        )
        RoleAssignment.objects.create(user=user, role=role, institution=institution)
    return user


def fill(path: str, values: dict[str, str], world: dict[str, Any]) -> str:
    path = path.replace("<slug:key>", values["key"]).replace("<int:number>", values["number"])
    path = path.replace("<int:year>", "2021").replace("<int:quarter>", "2")
    if "/people/<int:pk>/" in path:
        person = User.objects.get_or_create(username="someone-with-a-phone")[0]
        path = path.replace("<int:pk>", str(person.pk))
    if "/rules/<int:pk>/" in path:
        from reporting.models import ValidationRule

        rule = ValidationRule.objects.get_or_create(
            plan=world["plan"], kind="cumulative_decrease", severity="warning"
        )[0]
        path = path.replace("<int:pk>", str(rule.pk))
    if path.startswith("/<lang>/reports/<uuid:uuid>/") or "/reports/<uuid:uuid>/" in path:
        report = a_report(world)
        path = path.replace("<uuid:uuid>", str(report.uuid))
        path = path.replace("<uuid:value>", str(report.values.get().uuid))
        path = path.replace("<uuid:file>", str(report.evidence.get().uuid))
    if "<uuid:meeting>" in path or "<uuid:recommendation>" in path:
        path = governance_path(path, world)
    if path.endswith("/dhis2/export/"):  # exports the latest period: there is one
        from reporting.models import ReportingPeriod

        ReportingPeriod.objects.get_or_create(
            plan=world["plan"], kind="year", year=2021,
            defaults={"opens_on": date(2021, 12, 1), "deadline": date(2022, 1, 31)},
        )  # fmt: skip
    if "<str:code>" in path:
        from places.models import Place

        place = Place.objects.get_or_create(
            country=world["plan"].country, code="XX-N", level="region",
            defaults={"name_fr": "Nord", "name_en": "North"},
        )[0]  # fmt: skip
        path = path.replace("<str:code>", place.code)
    if "<uuid:uuid>" in path:
        if "/dashboard/priorities/" in path:
            root = world["plan"].elements.filter(parent__isnull=True).first()
            path = path.replace("<uuid:uuid>", str(root.uuid))
        elif "/periods/" in path:
            from reporting.models import ReportingPeriod

            period = ReportingPeriod.objects.get_or_create(
                plan=world["plan"], kind="year", year=2021,
                defaults={"opens_on": date(2021, 12, 1), "deadline": date(2022, 1, 31)},
            )[0]  # fmt: skip
            path = path.replace("<uuid:uuid>", str(period.uuid))
        elif "institutions/bodies/" in path:
            from actors.models import Body

            body = Body.objects.create(
                country="XX", key="b", kind="other", name_fr="b", name_en="b"
            )
            path = path.replace("<uuid:uuid>", str(body.uuid))
        elif "institutions/" in path:
            institution = Institution.objects.get(country="XX", key="mwa")
            path = path.replace("<uuid:uuid>", str(institution.uuid))
        elif "/risks/" in path:
            from governance.models import Risk

            risk = Risk.objects.get_or_create(
                plan=world["plan"], description_en="Risk", category="security",
                defaults={"likelihood": 3, "impact": 4},
            )[0]  # fmt: skip
            path = path.replace("<uuid:uuid>", str(risk.uuid))
        elif "/elements/" in path:
            path = path.replace("<uuid:uuid>", str(world["plan"].elements.first().uuid))
        elif "/indicators/" in path or "/local-indicators/" in path:
            path = path.replace(
                "<uuid:uuid>",
                str(world["plan"].indicators.filter(element__isnull=False).first().uuid),
            )
        elif "/anchors/" in path:
            path = path.replace("<uuid:uuid>", str(world["plan"].anchors.first().uuid))
        else:
            path = path.replace("<uuid:uuid>", values["uuid"])
    return path.replace("/fr/", "/en/", 1)


def governance_path(path: str, world: dict[str, Any]) -> str:
    """A meeting of a body of the plan with its minutes file, and a
    recommendation with a follow-up that has evidence."""
    from django.core.files.base import ContentFile

    from actors.models import Body, BodyMembership
    from governance.models import Meeting, Recommendation, RecommendationUpdate

    body = Body.objects.get_or_create(
        country="XX", key="committee", kind="monitoring_committee",
        defaults={"name_fr": "Comité", "name_en": "Committee", "meets": "quarterly"},
    )[0]  # fmt: skip
    world["plan"].bodies.add(body)
    mwa = Institution.objects.get(country="XX", key="mwa")
    BodyMembership.objects.get_or_create(body=body, institution=mwa)
    meeting = Meeting.objects.filter(body=body).first()
    if meeting is None:
        meeting = Meeting(body=body, held_on=date(2021, 3, 10))
        meeting.minutes_file.save("minutes.txt", ContentFile(b"minutes"), save=False)
        meeting.save()
    recommendation = Recommendation.objects.get_or_create(
        plan=world["plan"], source="meeting", meeting=meeting, text_en="Meet",
        owner=mwa, due_on=date(2021, 6, 30),
    )[0]  # fmt: skip
    update = recommendation.updates.first()
    if update is None:
        update = RecommendationUpdate(recommendation=recommendation, status="open", note="n")
        update.evidence.save("evidence.txt", ContentFile(b"evidence"), save=False)
        update.save()
    path = path.replace("<uuid:meeting>", str(meeting.uuid))
    path = path.replace("<uuid:recommendation>", str(recommendation.uuid))
    return path.replace("<int:update>", str(update.pk))


def a_report(world: dict[str, Any]) -> Any:
    """The ministry's draft report for an open quarter, with a figure and a file."""
    from django.core.files.base import ContentFile

    from reporting.models import Evidence, IndicatorValue, ReportingPeriod, Submission

    period = ReportingPeriod.objects.get_or_create(
        plan=world["plan"], kind="quarter", year=2021, quarter=2, status="open",
        defaults={"opens_on": date(2021, 6, 1), "deadline": date(2021, 7, 15)},
    )[0]  # fmt: skip
    unit = ReportingUnit.objects.get_or_create(
        country="XX", institution=Institution.objects.get(country="XX", key="mwa")
    )[0]
    report, created = Submission.objects.get_or_create(period=period, unit=unit)
    if created:
        IndicatorValue.objects.create(
            submission=report, indicator=world["plan"].indicators.get(key="C1"), value=3
        )
    if not report.evidence.exists():
        evidence = Evidence(
            submission=report, name="minutes.txt", content_type="text/plain", size=5, sha256="0"
        )
        evidence.file.save("upload", ContentFile(b"hello"), save=False)
        evidence.save()
    return report


def post_data(name: str, world: dict[str, Any]) -> dict[str, Any]:
    if name == "dhis2_import":  # an empty dataValueSets file: imported, nothing changes
        from django.core.files.uploadedfile import SimpleUploadedFile

        return {"file": SimpleUploadedFile("values.json", b'{"dataValues": []}')}
    return {
        "start_version": {"year": "2021"},
        "plan_periods": {"year": "2023", "kind": "quarter"},
        "activity_progress": {"status": "ongoing", "progress": "30"},
        "activity_funding": {
            "stage": "pledged", "year": "2020", "source": world["sources"]["p1"].pk,
            "amount": "1000", "on": date(2020, 5, 1).isoformat(), "institution": "", "note": "",
        },
        "set_language": {"language": "en", "next": "/en/"},
        "publish": {"year": "2021", "kind": "data"},
        "recommendation_update": {"status": "in_progress", "note": "Started."},
    }.get(name, {})  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name, (rule, _m) in RULES.items() if rule != NOT_A_PAGE])
def test_permission_matrix(world: dict[str, Any], name: str) -> None:
    rule, method = RULES[name]
    path = dict(url_patterns())["report" if name == "report_save" else name]
    url = fill(path, world["values"], world)
    allowed = TMU_ROLES | {
        FUNDING: {"partner"},
        READ_REPORT: {"focal_point", "reader"},
        WRITE_REPORT: {"focal_point"},
    }.get(rule, set())
    done = False
    for role in ROLES:
        if done and role in allowed and method == "POST":
            continue  # the action already happened (an activity removed stays removed)
        client = Client()
        user = user_for(role)
        if user is not None:
            client.force_login(user)
        audits = AuditEntry.objects.count()
        response = client.post(url, post_data(name, world)) if method == "POST" else client.get(url)
        status = response.status_code
        if response.streaming:  # a download holds its file open until read to the end
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if rule in (PUBLIC, ACCOUNT) or (rule == PRIVATE and role != "anonymous"):
            assert status in (200, 302), (url, role, status)
            continue
        if role in allowed:
            assert status in (200, 302), (url, role, status)
            if status == 302:
                assert "/accounts/login/" not in response["Location"], (url, role)
            done = True
            continue
        if role == "anonymous":
            assert status == 302 and "/accounts/login/" in response["Location"], (url, status)
        else:
            assert status == 403, (url, role, status)
        assert AuditEntry.objects.count() == audits, (
            "a refused request changed something",
            url,
            role,
        )
