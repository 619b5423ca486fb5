"""The reporting cast: the small plan's two reporting units (the ministry of
women, the women's network), a first-quarter period, and bob, focal point of
the ministry; plus a browser-like reader of the report form."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User

from actors.models import Institution, ReportingUnit, Role, RoleAssignment
from plans.models import Plan
from reporting.models import ReportingPeriod


@pytest.fixture
def units(xx: Plan) -> dict[str, ReportingUnit]:
    return {
        key: ReportingUnit.objects.create(
            country="XX", institution=Institution.objects.get(country="XX", key=key)
        )
        for key in ("mwa", "ngo")
    }


@pytest.fixture
def period(xx: Plan) -> ReportingPeriod:
    return ReportingPeriod.objects.create(
        plan=xx,
        kind="quarter",
        year=2021,
        quarter=1,
        opens_on=date(2021, 3, 15),
        deadline=date(2021, 4, 15),
    )


def focal_point(name: str, unit: ReportingUnit) -> User:
    user = User.objects.create_user(name, email=f"{name}@example.org")
    RoleAssignment.objects.create(user=user, role=Role.FOCAL_POINT, unit=unit)
    return user


class FormReader(HTMLParser):
    """What a browser would send for the report form: every input, select and
    textarea with its current value (checked boxes only, no buttons)."""

    def __init__(self, form_class: str) -> None:
        super().__init__()
        self.form_class = form_class
        self.inside = False
        self.data: dict[str, str] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = self.form_class in a.get("class", "").split()
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data[name] = "on"
            else:
                self.data[name] = a.get("value", "")
        elif tag == "select" and name:
            self.select = name
            self.data[name] = ""
        elif tag == "option" and self.select and "selected" in a:
            self.data[self.select] = a.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.data[self.textarea] += (
                data.removeprefix("\n") if not self.data[self.textarea] else data
            )


def form_data(html: str, form_class: str = "report-form") -> dict[str, str]:
    reader = FormReader(form_class)
    reader.feed(html)
    return reader.data
