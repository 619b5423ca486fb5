"""A synthetic plan at national scale: N reporting units × M indicators ×
P quarters × C categories of one breakdown, up to tens of millions of
validated figures, for an operator to try the platform at the size of a
country (`manage.py demo --synthetic 1000000`) and for the benchmarks
(`bench/`), which measure on exactly these rows.

The shape (`Shape`): M indicators (seven in ten periodic counts, two in ten
cumulative counts, one in ten percentages), each broken down by one
dimension of C groups (so C + 1 figures an indicator in a report, the total
included), the quarters of the plan's years, I institutions in R regions; as
many reporting units (an institution in a region, each pair once) as the
number of figures asks, every report validated.

The figures are made by the database, set-based: one `INSERT … SELECT` per
thousand reports, each report × each indicator × each cell. Each figure is
a function of the report's, the indicator's and the cell's ordinal numbers
and of the seed, so the same seed gives the same figures on SQLite and
PostgreSQL, whatever ids the rows get; a total is the sum of its cells, a
percentage's parts each a numerator over a larger denominator.

Everything is marked as demonstration: the plan's texts say it is
fictitious, its quarters carry `demonstration`, and one audit entry records
the plan, places, institutions and units made, which `remove_synthetic`
(`manage.py demo --remove`) takes away again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from actors.models import Institution, ReportingUnit
from nap1325.models import AuditEntry, audit
from places.models import Place
from plans.models import Plan
from reporting.demo import FICTITIOUS
from reporting.models import PeriodKind, PeriodStatus, ReportingPeriod, Submission

PLAN_KEY = "synthetic"
COUNTRY = "XS"  # a code ISO 3166 leaves to private use: no real country
AUDIT_ACTION = "demo.synthetic"
MODULUS = 41  # a cell's count is 0 to 40, as the demonstration's
PRIME = 1_000_003
REPORTS_PER_STATEMENT = 1000


@dataclass(frozen=True)
class Shape:
    indicators: int = 100
    categories: int = 9  # groups of the one breakdown, besides the total
    institutions: int = 50
    regions: int = 10
    first_year: int = 2019
    last_year: int = 2023

    @property
    def per_report(self) -> int:
        return self.indicators * (self.categories + 1)

    @property
    def quarters(self) -> list[tuple[int, int]]:
        return [
            (year, quarter)
            for year in range(self.first_year, self.last_year + 1)
            for quarter in (1, 2, 3, 4)
        ]


@dataclass
class Synthetic:
    plan: Plan
    units: int
    reports: int
    figures: int


def kind_of(number: int, shape: Shape) -> tuple[str, str]:
    """Indicator `number`'s type and accumulation: the first 70 % periodic
    counts, the next 20 % cumulative counts, the last 10 % percentages."""
    share = number * 10 // shape.indicators
    if share >= 9:
        return "percentage", "periodic"
    return "count", "cumulative" if share >= 7 else "periodic"


def plan_file(shape: Shape) -> dict[str, Any]:
    """The plan file of the synthetic plan (format 1, as `loadplan` reads)."""
    institutions = [f"u{n}" for n in range(shape.institutions)]

    def indicator(number: int) -> dict[str, Any]:
        kind, accumulation = kind_of(number, shape)
        found: dict[str, Any] = {
            "id": f"S{number + 1}",
            "title": {"fr": f"Indicateur synthétique {number + 1}",
                      "en": f"Synthetic indicator {number + 1}"},
            "type": kind,
            "accumulation": accumulation,
            "responsible": list(institutions),
            "targets": {shape.first_year + 2: 100 if kind == "percentage" else 1000},
        }  # fmt: skip
        if shape.categories:
            found["disaggregations"] = ["group"]
        return found

    data: dict[str, Any] = {
        "format": 1,
        "plan": {
            "id": PLAN_KEY, "country": COUNTRY,
            "title": {"fr": "Plan synthétique (démonstration)",
                      "en": "Synthetic plan (demonstration)"},
            "description": {"fr": FICTITIOUS, "en": FICTITIOUS},
            "period": {"start": shape.first_year, "end": shape.last_year},
            "version": "1", "status": "adopted",
        },
        "sources": [{"id": "synthetic", "title": FICTITIOUS}],
        "level_types": [{"id": "pillar", "name": {"fr": "Pilier", "en": "Pillar"}}],
        "institutions": [
            {"id": key, "name": {"fr": f"Unité {n} (démonstration)",
                                 "en": f"Unit {n} (demonstration)"}, "kind": "ministry"}
            for n, key in enumerate(institutions)
        ],
        "levels": [{"id": "P1", "level": "pillar",
                    "title": {"fr": "Pilier synthétique", "en": "Synthetic pillar"},
                    "indicators": [indicator(n) for n in range(shape.indicators)]}],
    }  # fmt: skip
    if shape.categories:
        data["dimensions"] = [{
            "id": "group", "kind": "custom", "name": {"fr": "Groupe", "en": "Group"},
            "categories": [{"id": f"g{n}", "name": {"fr": f"Groupe {n}", "en": f"Group {n}"}}
                           for n in range(1, shape.categories + 1)],
        }]  # fmt: skip
    return data


def has_synthetic() -> bool:
    return Plan.objects.filter(key=PLAN_KEY).exists()


def make_synthetic(
    figures: int,
    *,
    seed: int = 1325,
    shape: Shape | None = None,
    by: Any = None,
    bulk_load: bool = False,
) -> Synthetic:
    """The synthetic plan with about `figures` validated figures (whole
    reports: at least one). `bulk_load` is for a database of its own (the
    benchmarks): SQLite without its rollback journal, PostgreSQL without the
    figures' foreign keys and secondary indexes while loading, put back
    afterwards, then VACUUM ANALYZE. Never on a site's database."""
    import yaml

    from plans.loading import load_plan
    from plans.planfile import read_plan_text

    shape = shape or Shape()
    if has_synthetic():
        raise ValueError(f"The plan {PLAN_KEY} exists already: remove it first.")
    reports_needed = max(1, figures // shape.per_report)
    quarters = shape.quarters
    unit_count = -(-reports_needed // len(quarters))
    region_count = max(shape.regions, -(-unit_count // shape.institutions))
    with transaction.atomic():
        plan = load_plan(read_plan_text(yaml.safe_dump(plan_file(shape))), user=by).plan
        Place.objects.bulk_create(
            Place(country=COUNTRY, code=f"{COUNTRY}-{n}", level="region",
                  name_fr=f"Région {n} (démonstration)", name_en=f"Region {n} (demonstration)")
            for n in range(1, region_count + 1)
        )  # fmt: skip
        regions = list(Place.objects.filter(country=COUNTRY, level="region").order_by("pk"))
        institutions = list(plan.institutions.order_by("key"))
        institutions.sort(key=lambda institution: int(institution.key[1:]))
        # Unit a·I + b: institution b in region (a + b) mod R, each pair once.
        ReportingUnit.objects.bulk_create(
            ReportingUnit(
                country=COUNTRY,
                institution=institutions[n % shape.institutions],
                place=regions[(n // shape.institutions + n % shape.institutions) % region_count],
            )
            for n in range(unit_count)
        )
        units = list(ReportingUnit.objects.filter(institution__in=institutions).order_by("pk"))
        ReportingPeriod.objects.bulk_create(
            ReportingPeriod(
                plan=plan, kind=PeriodKind.QUARTER, year=year, quarter=quarter,
                status=PeriodStatus.LOCKED, demonstration=True,
                opens_on=date(year, 3 * quarter, 1), deadline=date(year, 3 * quarter, 28),
            )
            for year, quarter in quarters
        )  # fmt: skip
        periods = list(plan.periods.order_by("year", "quarter"))
        now = timezone.now()
        Submission.objects.bulk_create(
            (
                Submission(period=period, unit=unit, status="validated", validated_at=now)
                for period, unit in [(p, u) for p in periods for u in units][:reports_needed]
            ),
            batch_size=500,
        )
        audit(
            AUDIT_ACTION,
            plan,
            user=by,
            after={
                "seed": seed,
                "places": [place.pk for place in regions],
                "institutions": [institution.pk for institution in institutions],
                "units": [unit.pk for unit in units],
            },
        )
        # Report r is the r-th in (quarter, unit) order: its figures do not depend on ids.
        reports = list(
            Submission.objects.filter(period__plan=plan)
            .order_by("period__year", "period__quarter", "unit_id")
            .values_list("pk", flat=True)
        )
        indicators = list(plan.indicators.order_by("position", "pk").values_list("pk", flat=True))
        if not bulk_load:  # all or nothing
            write_figures(reports, indicators, shape, seed)
    if bulk_load:  # SQLite changes its journal outside a transaction only
        write_figures(reports, indicators, shape, seed, bulk_load=True)
    return Synthetic(plan, len(units), len(reports), len(reports) * shape.per_report)


def coefficients(seed: int) -> tuple[int, ...]:
    """The seed's multipliers of the report, indicator and cell numbers, and its offset."""
    rng = random.Random(seed)
    return tuple(rng.randrange(1, PRIME) for _ in range(4))


def amount(report: int, indicator: int, cell: int, seed: int) -> int:
    """In Python, what `amount_sql` has the database compute (cell ≥ 1)."""
    a, b, c, d = coefficients(seed)
    mixed = (report * a + indicator * b + cell * c + d) % PRIME
    return (mixed * mixed + d) % PRIME % MODULUS


def amount_sql(cell: str, seed: int) -> str:
    """A cell's count, 0 to 40, from the report (r.n), the indicator (i.n),
    the cell's number and the seed: an affine mix modulo a prime, squared
    (so that neighbours differ), modulo 41."""
    a, b, c, d = coefficients(seed)
    # 64-bit arithmetic: PostgreSQL's integers from a VALUES list are 32-bit.
    mixed = f"((CAST(r.n AS BIGINT) * {a} + i.n * {b} + {cell} * {c} + {d}) %% {PRIME})"
    return f"(({mixed} * {mixed} + {d}) %% {PRIME} %% {MODULUS})"


def value_rows_sql(vendor: str, shape: Shape, seed: int, reports: str, indicators: str) -> str:
    """One INSERT … SELECT writing every figure of the `reports` (a VALUES
    list of id and number; `indicators` the same): each report × each
    indicator × each cell, in the order a report is saved. A total is the
    sum of its cells; a percentage stores each cell's count as numerator
    over 50 more. UUIDs are the report's, indicator's and cell's numbers,
    not random, so that writing them does not scatter the unique index."""
    if vendor == "postgresql":
        uuid = (
            "(lpad(to_hex(r.id), 16, '0') || lpad(to_hex(i.id), 12, '0')"
            " || lpad(to_hex(c.n), 4, '0'))::uuid"
        )
    else:
        uuid = "printf('%%016x%%012x%%04x', r.id, i.id, c.n)"
    cells = " UNION ALL ".join(
        ["SELECT 0 AS n, '' AS cell"]
        + [f"SELECT {n}, 'group:g{n}'" for n in range(1, shape.categories + 1)]
    )
    if shape.categories:
        total = " + ".join(amount_sql(str(n), seed) for n in range(1, shape.categories + 1))
        amount = f"(CASE WHEN c.n = 0 THEN {total} ELSE {amount_sql('c.n', seed)} END)"
        parts = shape.categories
    else:
        amount, parts = amount_sql("0", seed), 1
    denominator = f"CASE WHEN c.n = 0 THEN {amount} + {50 * parts} ELSE {amount} + 50 END"
    return f"""
        WITH r(id, n) AS (VALUES {reports}), numbered(id, n) AS (VALUES {indicators}),
        i AS (SELECT p.id, numbered.n, p.type FROM numbered
              JOIN plans_indicator p ON p.id = numbered.id)
        INSERT INTO reporting_indicatorvalue
            (uuid, submission_id, indicator_id, cell, value, numerator, denominator,
             text, no_data, comment, updated_at, updated_by_id)
        SELECT {uuid}, r.id, i.id, c.cell,
               CASE WHEN i.type = 'percentage' THEN NULL ELSE {amount} END,
               CASE WHEN i.type = 'percentage' THEN {amount} END,
               CASE WHEN i.type = 'percentage' THEN {denominator} END,
               '', %s, %s, %s, NULL
        FROM r CROSS JOIN i CROSS JOIN ({cells}) c
        ORDER BY r.id, i.id, c.n
    """


def _values(rows: list[tuple[int, int]]) -> str:
    """A VALUES list of numbers made here (never user input)."""
    return ", ".join(f"({int(a)}, {int(b)})" for a, b in rows)


def write_figures(
    reports: list[int],
    indicators: list[int],
    shape: Shape,
    seed: int,
    *,
    bulk_load: bool = False,
) -> None:
    """Every figure of the reports (ids, in their order), set-based: the
    database makes the rows, a thousand reports a statement."""
    sqlite = connection.vendor == "sqlite"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    numbered = _values([(pk, n) for n, pk in enumerate(indicators)])
    with connection.cursor() as cursor:
        put_back: list[str] = []
        if bulk_load and sqlite:
            cursor.execute("PRAGMA journal_mode=OFF")
            cursor.execute("PRAGMA synchronous=OFF")
        elif bulk_load:
            put_back = set_aside_keys_and_indexes(cursor, "reporting_indicatorvalue")
        for first in range(0, len(reports), REPORTS_PER_STATEMENT):
            chunk = reports[first : first + REPORTS_PER_STATEMENT]
            statement = value_rows_sql(
                connection.vendor,
                shape,
                seed,
                _values([(pk, first + n) for n, pk in enumerate(chunk)]),
                numbered,
            )
            with transaction.atomic():
                cursor.execute(statement, [False, FICTITIOUS, now])
        if bulk_load and sqlite:
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA journal_mode=DELETE")
        elif bulk_load:
            for restore in put_back:
                cursor.execute(restore)
            cursor.execute("VACUUM ANALYZE")


def set_aside_keys_and_indexes(cursor: Any, table: str) -> list[str]:
    """PostgreSQL: drop the table's foreign keys, unique constraints and
    other indexes but its primary key; return the statements that put
    them back as they were."""
    cursor.execute(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY conname""",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid
           WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)""",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for name, definition in constraints
    ]


def remove_synthetic() -> bool:
    """Take the synthetic plan away with everything made for it, as the
    audit entry of its making records; False when there is none."""
    from reporting.models import IndicatorValue

    plan = Plan.objects.filter(key=PLAN_KEY).first()
    if plan is None:
        return False
    with transaction.atomic():
        made = AuditEntry.objects.filter(action=AUDIT_ACTION, object_id=str(plan.uuid))
        recorded: dict[str, list[int]] = {"places": [], "institutions": [], "units": []}
        for entry in made:
            for name, ids in recorded.items():
                ids.extend((entry.after or {}).get(name, []))
        IndicatorValue.objects.filter(submission__period__plan=plan).delete()
        Submission.objects.filter(period__plan=plan).delete()
        plan.delete()
        ReportingUnit.objects.filter(pk__in=recorded["units"]).delete()
        Institution.objects.filter(pk__in=recorded["institutions"]).delete()
        Place.objects.filter(pk__in=recorded["places"]).delete()
        made.delete()
    return True
