"""The synthetic plan at national scale (reporting.synthetic, `manage.py demo
--synthetic`): the asked number of validated figures, made by the database
as a function of the seed, consistent, readable by the dashboards, marked
and removable. At a small size; the benchmarks load millions."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from actors.models import Institution, ReportingUnit
from analytics.aggregation import Span, aggregates
from nap1325.models import AuditEntry
from places.models import Place
from plans.models import Plan
from reporting.demo import has_demo_reports
from reporting.models import IndicatorValue, ReportingPeriod, Submission
from reporting.synthetic import (
    COUNTRY,
    PLAN_KEY,
    Shape,
    amount,
    make_synthetic,
    remove_synthetic,
)

pytestmark = pytest.mark.django_db

SMALL = Shape(indicators=10, categories=3, institutions=4, regions=2)  # 40 figures a report


def snapshot(plan: Plan) -> list[tuple[Any, ...]]:
    """Every figure by report number, indicator number and cell: what the
    seed decides, without the ids."""
    reports = {
        pk: n
        for n, pk in enumerate(
            Submission.objects.filter(period__plan=plan)
            .order_by("period__year", "period__quarter", "unit_id")
            .values_list("pk", flat=True)
        )
    }
    indicators = {pk: n for n, pk in enumerate(plan.indicators.values_list("pk", flat=True))}
    return sorted(
        (reports[s], indicators[i], cell, value, numerator, denominator)
        for s, i, cell, value, numerator, denominator in IndicatorValue.objects.filter(
            submission__period__plan=plan
        ).values_list("submission", "indicator", "cell", "value", "numerator", "denominator")
    )


def test_the_asked_figures_validated_and_marked() -> None:
    made = make_synthetic(4000, seed=7, shape=SMALL)
    plan = made.plan
    assert (made.reports, made.figures, made.units) == (100, 4000, 5)
    assert IndicatorValue.objects.filter(submission__period__plan=plan).count() == 4000
    assert plan.indicators.count() == 10
    periods = ReportingPeriod.objects.filter(plan=plan)
    assert periods.count() == 20 and not periods.filter(demonstration=False).exists()
    assert set(Submission.objects.filter(period__plan=plan).values_list("status", flat=True)) == {
        "validated"
    }
    # Five units, each an institution in a region, each pair once.
    units = ReportingUnit.objects.filter(country=COUNTRY)
    pairs = set(units.values_list("institution__key", "place__code"))
    assert len(pairs) == units.count() == 5
    assert "demonstration" in plan.title_en and "Fictitious" in plan.description_en
    assert AuditEntry.objects.filter(action="demo.synthetic", object_id=str(plan.uuid)).count() == 1


def test_each_figure_is_the_seed_s_and_totals_add_up() -> None:
    plan = make_synthetic(4000, seed=7, shape=SMALL).plan
    rows = snapshot(plan)
    cells: dict[tuple[int, int], list[tuple[Any, ...]]] = {}
    for row in rows:
        cells.setdefault(row[:2], []).append(row)
    kinds = {n: i.type for n, i in enumerate(plan.indicators.order_by("position", "pk"))}
    assert sorted(set(kinds.values())) == ["count", "percentage"]
    for (report, indicator), figures in cells.items():
        total, *parts = figures  # the total's cell "" sorts first
        assert [p[2] for p in parts] == ["group:g1", "group:g2", "group:g3"]
        expected = [amount(report, indicator, n, 7) for n in (1, 2, 3)]
        if kinds[indicator] == "percentage":
            assert [p[4] for p in parts] == expected
            assert [p[5] for p in parts] == [e + 50 for e in expected]
            assert (total[4], total[5]) == (sum(expected), sum(expected) + 150)
            assert total[3] is None
        else:
            assert [p[3] for p in parts] == expected
            assert total[3] == sum(expected)
    assert len({row[3] for row in rows if row[2]}) > 30  # counts spread over 0 to 40


def test_the_same_seed_gives_the_same_figures_another_seed_others() -> None:
    first = snapshot(make_synthetic(4000, seed=7, shape=SMALL).plan)
    assert remove_synthetic()
    again = snapshot(make_synthetic(4000, seed=7, shape=SMALL).plan)
    assert again == first
    remove_synthetic()
    other = snapshot(make_synthetic(4000, seed=8, shape=SMALL).plan)
    assert [row[:3] for row in other] == [row[:3] for row in first]
    assert other != first


def test_the_aggregation_reads_the_figures() -> None:
    plan = make_synthetic(4000, seed=3, shape=SMALL).plan
    first = plan.indicators.order_by("position", "pk").first()
    assert first is not None and first.accumulation == "periodic"
    by_hand = sum(
        value or 0
        for value in IndicatorValue.objects.filter(
            indicator=first, cell="", submission__period__year=2021
        ).values_list("value", flat=True)
    )
    result = aggregates([first], Span.year(2021))[first.pk]
    assert by_hand > 0 and result.value == by_hand
    assert (result.reported, result.expected) == (5, 5)


def test_the_demo_command_loads_and_removes_it(mali: Plan, alice: Any) -> None:
    out = io.StringIO()
    call_command("demo", "--synthetic", "4000", "--seed", "3", stdout=out)
    assert "Synthetic plan synthetic: 4,000 validated figures, 4 reports of 1 units (seed 3)" in (
        out.getvalue()
    )
    plan = Plan.objects.get(key=PLAN_KEY)
    assert IndicatorValue.objects.filter(submission__period__plan=plan).count() == 4000
    # Its quarters are its own: Mali's demonstration may still be added.
    assert has_demo_reports() and has_demo_reports(plan) and not has_demo_reports(mali)
    assert (AuditEntry.objects.get(action="demo.synthetic").after or {})["seed"] == 3
    again = io.StringIO()
    call_command("demo", "--synthetic", "4000", stdout=again)
    assert "exists already" in again.getvalue()
    assert IndicatorValue.objects.filter(submission__period__plan=plan).count() == 4000

    # Its dashboard shows its figures to the TMU.
    client = Client()
    client.force_login(alice)
    page = client.get(
        reverse("dashboard", args=[PLAN_KEY]) + "?year=2019", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    assert "Synthetic indicator 1" in page.content.decode()

    figures_before = IndicatorValue.objects.exclude(submission__period__plan=plan).count()
    removed = io.StringIO()
    call_command("demo", "--remove", stdout=removed)
    assert "Synthetic plan removed." in removed.getvalue()
    assert not Plan.objects.filter(key=PLAN_KEY).exists()
    assert not Place.objects.filter(country=COUNTRY).exists()
    assert not Institution.objects.filter(country=COUNTRY).exists()
    assert not ReportingUnit.objects.filter(country=COUNTRY).exists()
    assert not AuditEntry.objects.filter(action="demo.synthetic").exists()
    assert IndicatorValue.objects.count() == figures_before
    assert Plan.objects.filter(pk=mali.pk).exists()


def test_no_figures_asked_is_refused() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="above 0"):
        call_command("demo", "--synthetic", "0")
