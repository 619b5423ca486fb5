"""The observatory feeds the plan's participation indicators: a share of
women computed from the counts of the bodies named in the observatory file,
hand-computed here from seed 002's own numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from analytics.aggregation import Span, aggregate, aggregates
from governance.indicators import observation_end
from governance.models import SeatBody
from governance.observatory import add_observation
from plans.models import Plan

D = Decimal
AT_ALL_LEVELS = "P1.R3.O1.I1"  # % of women at all levels (Law 2015-052)
MECHANISMS = "P1.R1.O1.I1"  # % of women in the peace agreement's mechanisms


@pytest.fixture
def seeded(db: Any) -> None:
    call_command("loadobservatory", stdout=StringIO())


def share(plan: Plan, key: str, span: Span) -> Any:
    return aggregate(plan.indicators.get(key=key), span)


def test_the_seed_maps_its_bodies_to_two_indicators(seeded: None) -> None:
    fed = {body.key: body.indicators for body in SeatBody.objects.exclude(indicators=[]).order_by()}
    assert {key for key, names in fed.items() if names == [f"ml-2019-2023:{MECHANISMS}"]} == {
        "cnddr", "cnrss", "csa-subcommittees", "cvjr", "reconciliation-committees",
    }  # fmt: skip
    assert len([names for names in fed.values() if names == [f"ml-2019-2023:{AT_ALL_LEVELS}"]]) == 7


def test_women_at_all_levels_in_2020_from_the_seed_counts(seeded: None, mali: Plan) -> None:
    result = share(mali, AT_ALL_LEVELS, Span.year(2020))
    # Prefectoral corps 16/301, mayors 9/703, regional interim authorities
    # 1/69, district interim authorities 14/288. The National Assembly and the
    # municipal councils have published shares only; the cabinet's latest
    # count is from 2019.
    assert (result.numerator, result.denominator) == (40, 1361)
    assert result.value == D("2.9390")  # 40 × 100 / 1361
    assert (result.reported, result.expected, result.missing) == (4, 7, 3)


def test_each_year_takes_its_own_observations(seeded: None, mali: Plan) -> None:
    cabinet_2019 = share(mali, AT_ALL_LEVELS, Span.year(2019))
    assert (cabinet_2019.numerator, cabinet_2019.denominator) == (9, 38)
    cabinet_2018 = share(mali, AT_ALL_LEVELS, Span.year(2018))
    assert (cabinet_2018.numerator, cabinet_2018.denominator) == (11, 32)
    # Over 2018-2020 each body's latest count: the cabinet's is May 2019.
    plan_to_date = share(mali, AT_ALL_LEVELS, Span.years(2018, 2020))
    assert (plan_to_date.numerator, plan_to_date.denominator) == (49, 1399)


def test_a_year_dated_figure_counts_in_every_quarter_of_its_year(seeded: None, mali: Plan) -> None:
    for quarter in (1, 4):
        assert share(mali, AT_ALL_LEVELS, Span.quarter(2020, quarter)).numerator == 40
    # May 2019 is in the second quarter only.
    assert share(mali, AT_ALL_LEVELS, Span.quarter(2019, 2)).denominator == 38
    assert share(mali, AT_ALL_LEVELS, Span.quarter(2019, 3)).value is None


def test_published_shares_alone_leave_the_reported_figures(seeded: None, mali: Plan) -> None:
    # Seed 002 gives the CNDDR, CNRSS, CSA and CVJR as shares only (3, 6, 4, 20%).
    result = share(mali, MECHANISMS, Span.year(2020))
    assert result.value is None and result.numerator is None and result.reported == 0


def test_a_counted_figure_entered_later_feeds_the_indicator(
    seeded: None, mali: Plan, alice: Any
) -> None:
    bodies = {body.key: body for body in SeatBody.objects.all()}
    source = {"source_title": "Decree of appointment", "quote": "Article 1"}
    add_observation(
        bodies["cvjr"], by=alice, observed_on=date(2021, 7, 15), women=5, total=25, **source
    )
    add_observation(
        bodies["cnddr"], by=alice, observed_on=date(2021, 3, 1), precision="month",
        women=2, men=48, **source,
    )  # fmt: skip
    year = share(mali, MECHANISMS, Span.year(2021))
    assert (year.numerator, year.denominator, year.value) == (7, 75, D("9.3333"))
    assert (year.reported, year.expected) == (2, 5)
    assert share(mali, MECHANISMS, Span.quarter(2021, 1)).value == D("4.0000")
    assert share(mali, MECHANISMS, Span.quarter(2021, 2)).value is None
    assert share(mali, MECHANISMS, Span.quarter(2021, 3)).value == D("20.0000")


def test_the_dashboard_reads_the_observatory(
    seeded: None, mali: Plan, client: Client, alice: Any
) -> None:
    from publishing.actions import publish

    publish(mali, 2020, "data", by=alice)
    tables = Client().get("/en/plans/ml-2019-2023/dashboard/?year=2020&format=json").json()
    progress = next(t for t in tables["tables"] if t["key"] == "progress")
    line = next(row for row in progress["rows"] if row[0] == AT_ALL_LEVELS)
    assert line[4] == 2.939
    assert line[7:] == [4, 0, 3]  # bodies counted, none "no data", three without counts


def test_many_indicators_cost_two_queries_more(
    seeded: None, mali: Plan, django_assert_max_num_queries: Any
) -> None:
    indicators = list(mali.indicators.all())
    with django_assert_max_num_queries(20):
        results = aggregates(indicators, Span.year(2020))
    assert results[mali.indicators.get(key=AT_ALL_LEVELS).pk].numerator == 40


@pytest.mark.parametrize(
    ("on", "precision", "end"),
    [
        (date(2020, 1, 1), "year", date(2020, 12, 31)),
        (date(2020, 2, 1), "month", date(2020, 2, 29)),
        (date(2020, 12, 1), "month", date(2020, 12, 31)),
        (date(2020, 5, 17), "day", date(2020, 5, 17)),
    ],
)
def test_the_end_of_a_dated_observation(on: date, precision: str, end: date) -> None:
    assert observation_end(on, precision) == end
