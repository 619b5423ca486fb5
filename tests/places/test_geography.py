"""Dated geography: boundaries loaded from any GeoJSON with a mapping, all or
nothing with located errors; figures rolled up cercle → region → country,
never invented downwards; a region split in two keeps earlier figures on
the old region and later ones on the new, national totals unchanged."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal as D
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from actors.models import Institution, ReportingUnit
from analytics.aggregation import BY_PLACE, Span, aggregate, aggregates_by
from nap1325.models import AuditEntry
from places.geography import NewPlace, ReformInput, apply_reform, parents_on
from places.loading import BoundariesInvalid, Mapping, load_boundaries, load_mali_places
from places.models import Move, Place, Succession
from plans.models import Indicator, IndicatorResponsibility, Plan
from publishing.figures import Reading, Scope, figures, regions_of
from publishing.maps import choropleth
from reporting.actions import expected_units
from reporting.models import IndicatorValue, ReportingPeriod, Submission

pytestmark = pytest.mark.django_db
MAPPING = Mapping(level="cercle", code="code", name_fr="nom", name_en="name", parent="parent")
REGIONS = Mapping(level="region", code="code", name_fr="nom", name_en="name")


def square(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code: Any, geometry: Any, parent: Any = None, **props: Any) -> dict[str, Any]:
    properties = {"code": code, "nom": f"Lieu {code}", "name": f"Place {code}", **props}
    if parent is not None:
        properties["parent"] = parent
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def write(tmp_path: Path, features: list[Any], name: str = "places.geojson") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


@pytest.fixture
def xx_places(tmp_path: Path) -> dict[str, Place]:
    """Two regions; R1 has two cercles, R2 one."""
    load_boundaries(
        write(tmp_path, [feature("R1", square(0, 0, 2, 2)), feature("R2", square(2, 0, 4, 2))]),
        "XX", REGIONS,
    )  # fmt: skip
    cercles = [
        feature("C11", square(0, 0, 1, 2), "R1"),
        feature("C12", square(1, 0, 2, 2), "R1"),
        feature("C21", square(2, 0, 4, 2), "R2"),
    ]
    load_boundaries(write(tmp_path, cercles, "cercles.geojson"), "XX", MAPPING)
    return {p.code: p for p in Place.objects.filter(country="XX")}


def test_any_country_loads_from_geojson_with_a_mapping(xx_places: dict[str, Place]) -> None:
    assert set(xx_places) == {"R1", "R2", "C11", "C12", "C21"}
    c11 = xx_places["C11"]
    assert (c11.level, c11.name_fr, c11.name_en, c11.parent) == (
        "cercle", "Lieu C11", "Place C11", xx_places["R1"],
    )  # fmt: skip
    assert c11.geometry is not None and c11.geometry["type"] == "Polygon"


def test_a_parent_may_come_later_in_the_same_file(tmp_path: Path) -> None:
    features = [feature("C1", square(0, 0, 1, 1), "R9"), feature("R9", square(0, 0, 2, 2))]
    load_boundaries(write(tmp_path, features), "XX", MAPPING)
    parent = Place.objects.get(country="XX", code="C1").parent
    assert parent is not None and parent.code == "R9"


def test_loading_twice_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, [feature("R1", square(0, 0, 2, 2))])
    audited = AuditEntry.objects.filter(action="places.load").count()
    first = load_boundaries(path, "XX", REGIONS)
    again = load_boundaries(path, "XX", REGIONS)
    assert (first.created, again.created, again.updated, again.unchanged) == (1, 0, 0, 1)
    assert AuditEntry.objects.filter(action="places.load").count() == audited + 1


def test_mali_loads_its_regions_and_cercles_with_their_outlines() -> None:
    assert load_mali_places() == 63
    assert load_mali_places() == 63
    kayes = Place.objects.get(country="ML", code="ML-1")
    assert kayes.level == "region" and kayes.geometry and "OCHA" in kayes.source
    assert Place.objects.filter(country="ML", level="cercle", parent=kayes).count() == 7


def test_a_bad_file_is_refused_with_located_errors_and_nothing_written(
    xx_places: dict[str, Place], tmp_path: Path
) -> None:
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}
    features = [
        feature("C13", square(0, 0, 1, 1), "R1"),  # fine
        feature(None, square(0, 0, 1, 1), "R1"),  # no code
        feature("C14", square(0, 0, 1, 1), "ZZ"),  # unknown parent
        feature("C15", bow_tie, "R1"),  # self-intersecting
        feature("C16", {"type": "Point", "coordinates": [1, 1]}, "R1"),
        feature("C17", square(0, 0, 1, 200), "R1"),  # latitude 200
    ]
    before = Place.objects.count()
    with pytest.raises(BoundariesInvalid) as caught:
        load_boundaries(write(tmp_path, features, "broken.geojson"), "XX", MAPPING)
    errors = [str(e) for e in caught.value.errors]
    assert errors[0] == "broken.geojson: features[1].properties.code: the code is missing"
    assert errors[1] == (
        "broken.geojson: features[2].properties.parent: no place “ZZ” (loaded or in this file) "
        "to be its parent"
    )
    assert errors[2].startswith("broken.geojson: features[3].geometry: invalid outline: Self-")
    assert errors[3] == (
        "broken.geojson: features[4].geometry: a Polygon or MultiPolygon is required"
    )
    assert errors[4].endswith("features[5].geometry: coordinates out of longitude/latitude range")
    assert len(errors) == 5
    assert Place.objects.count() == before  # not even the good feature


def test_the_command_says_where_in_french(xx_places: dict[str, Place], tmp_path: Path) -> None:
    path = write(tmp_path, [feature("C14", square(0, 0, 1, 1), "ZZ")], "mauvais.geojson")
    stderr = StringIO()
    with pytest.raises(CommandError, match="1 erreur"):
        call_command(
            "loadplaces", str(path), country="XX", level="cercle", code_property="code",
            name_property="nom", parent_property="parent", language="fr", stderr=stderr,
        )  # fmt: skip
    assert "mauvais.geojson: features[0].properties.parent: aucun lieu « ZZ »" in stderr.getvalue()


def test_a_file_that_is_not_json_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text('{"type": "FeatureCollection",\n "features": [\n', "utf-8")
    with pytest.raises(BoundariesInvalid, match=r"bad\.geojson: line 3"):
        load_boundaries(path, "XX", MAPPING)


# --- figures by place ---------------------------------------------------------


@pytest.fixture
def world(xx: Plan, xx_places: dict[str, Place]) -> dict[str, Any]:
    ministry = Institution.objects.get(country="XX", key="mwa")
    cases = Indicator.objects.get(plan=xx, key="A.2.I1")  # a count, summed
    IndicatorResponsibility.objects.get_or_create(indicator=cases, institution=ministry)
    units = {
        code: ReportingUnit.objects.create(country="XX", institution=ministry, place=place)
        for code, place in xx_places.items()
        if code in ("R1", "C11", "C21")
    }
    return {"plan": xx, "units": units, "cases": cases, "ministry": ministry}


def report(world: dict[str, Any], unit: str, year: int, quarter: int, cases: int) -> None:
    period, _new = ReportingPeriod.objects.get_or_create(
        plan=world["plan"], kind="quarter", year=year, quarter=quarter,
        defaults={"opens_on": date(year, 3 * quarter, 1), "deadline": date(year, 3 * quarter, 28)},
    )  # fmt: skip
    submission = Submission.objects.create(
        period=period, unit=world["units"][unit], status="validated"
    )
    IndicatorValue.objects.create(submission=submission, indicator=world["cases"], value=D(cases))


def by_region(world: dict[str, Any], year: int) -> dict[str, Any]:
    [row] = [r for r in figures(Scope(world["plan"]), Reading(year)) if r.indicator.key == "A.2.I1"]
    return {code: shown.value for code, shown in row.places.items()}


def test_cercles_roll_up_to_their_region_and_the_country(world: dict[str, Any]) -> None:
    report(world, "R1", 2023, 4, 10)  # the region's own directorate
    report(world, "C11", 2023, 4, 3)
    report(world, "C21", 2023, 4, 5)
    assert by_region(world, 2023) == {"R1": 13, "R2": 5}  # 10 + 3; 5
    assert aggregate(world["cases"], Span.year(2023)).value == 18  # the country
    # The region's own figure is not invented for its cercles.
    places = aggregates_by([world["cases"]], Span.year(2023), BY_PLACE)[world["cases"].pk]
    assert {code: a.value for code, a in places.items() if a.value is not None} == {
        "R1": 10, "C11": 3, "C21": 5,
    }  # fmt: skip


def split_r1(alice: Any, **change: Any) -> Any:
    data = ReformInput(
        country="XX", kind="split", effective_on=date(2024, 1, 1), old=["R1"],
        new=[NewPlace("R1N", "Nord", "North", geometry=square(0, 1, 2, 2)),
             NewPlace("R1S", "Sud", "South")],
        moves={"C11": "R1N", "C12": "R1S"}, description_en="R1 split in two",
    )  # fmt: skip
    for name, value in change.items():
        setattr(data, name, value)
    return apply_reform(data, by=alice)


def test_a_split_keeps_earlier_figures_on_the_old_region(
    world: dict[str, Any], alice: Any, xx_places: dict[str, Place]
) -> None:
    alice.role_assignments.update(role="tmu_coordinator")
    report(world, "R1", 2023, 4, 10)
    report(world, "C11", 2023, 4, 3)
    report(world, "C21", 2023, 4, 5)
    national_before = aggregate(world["cases"], Span.year(2023)).value
    regions_before = by_region(world, 2023)

    reform = split_r1(alice)

    r1 = Place.objects.get(country="XX", code="R1")
    assert r1.valid_until == date(2023, 12, 31)
    north = Place.objects.get(country="XX", code="R1N")
    assert (north.valid_from, north.parent, north.level) == (date(2024, 1, 1), None, "region")
    assert Succession.objects.filter(reform=reform).count() == 2
    assert Move.objects.filter(reform=reform).count() == 2
    assert AuditEntry.objects.filter(action="places.reform", user=alice).exists()
    assert parents_on("XX", date(2023, 12, 31))["C11"] == "R1"
    assert parents_on("XX", date(2024, 1, 1))["C11"] == "R1N"

    # 2023 reads exactly as before the reform: history is not rewritten.
    assert aggregate(world["cases"], Span.year(2023)).value == national_before == 18
    assert by_region(world, 2023) == regions_before == {"R1": 13, "R2": 5}
    assert list(regions_of(world["plan"], Span.year(2023))) == ["R1", "R2"]

    # From 2024 the new region reports; the cercle counts in its new region.
    world["units"]["R1N"] = ReportingUnit.objects.create(
        country="XX", institution=world["ministry"], place=north
    )
    report(world, "R1N", 2024, 1, 7)
    report(world, "C11", 2024, 1, 4)
    report(world, "C21", 2024, 1, 1)
    assert by_region(world, 2024) == {"R1N": 11, "R2": 1}
    assert list(regions_of(world["plan"], Span.year(2024))) == ["R1N", "R1S", "R2"]
    assert aggregate(world["cases"], Span.year(2024)).value == 12
    assert aggregate(world["cases"], Span.years(2023, 2024)).value == 30  # 18 + 12

    # The closed region is not expected to report after the reform, nor the new one before.
    assert aggregate(world["cases"], Span.year(2024)).expected == 3  # R1N, C11, C21
    assert aggregate(world["cases"], Span.year(2023)).expected == 3  # R1, C11, C21
    period = ReportingPeriod.objects.get(plan=world["plan"], year=2024, quarter=1)
    assert "R1" not in {unit.place.code for unit in expected_units(period) if unit.place}


def test_the_boundaries_file_reloaded_keeps_the_reform_s_moves(
    world: dict[str, Any], alice: Any, tmp_path: Path
) -> None:
    alice.role_assignments.update(role="tmu_coordinator")
    split_r1(alice)
    cercles = [feature("C11", square(0, 0, 1, 2), "R1"), feature("C12", square(1, 0, 2, 2), "R1")]
    load_boundaries(write(tmp_path, cercles, "again.geojson"), "XX", MAPPING)
    parent = Place.objects.get(country="XX", code="C11").parent
    assert parent is not None and parent.code == "R1N"


def map_codes(svg: str | None) -> list[str]:
    assert svg is not None
    return re.findall(r'data-code="([^"]+)"', svg)


def test_the_map_draws_the_places_open_on_its_day(
    world: dict[str, Any], alice: Any, xx_places: dict[str, Place]
) -> None:
    """Any country's stored outlines draw; after a split, the new regions."""
    alice.role_assignments.update(role="tmu_coordinator")
    before = choropleth(
        {"R1": D(1)}, country="XX", on=date(2023, 12, 31), title="t", legend_title="l"
    )
    assert map_codes(before) == ["R1", "R2"]
    split_r1(alice)  # R1S has no outline: it is listed, not drawn
    after = choropleth({}, country="XX", on=date(2024, 1, 1), title="t", legend_title="l")
    assert map_codes(after) == ["R1N", "R2"]
    cercles = choropleth({}, country="XX", on=date(2024, 1, 1), level="cercle", title="t",
                         legend_title="l")  # fmt: skip
    assert map_codes(cercles) == ["C11", "C12", "C21"]
    assert cercles is not None
    borders = cercles[cercles.index('data-outlines="region"') :]
    assert borders.count("<path") == 2  # R1N's and R2's
    assert choropleth({}, country="ZZ", on=date(2024, 1, 1), title="t", legend_title="l") is None


def test_a_reloaded_outline_is_drawn_anew(xx_places: dict[str, Place], tmp_path: Path) -> None:
    first = choropleth({}, country="XX", on=date(2024, 1, 1), title="t", legend_title="l")
    features = [feature("R1", square(0, 0, 3, 2)), feature("R2", square(3, 0, 4, 2))]
    load_boundaries(write(tmp_path, features), "XX", REGIONS)
    again = choropleth({}, country="XX", on=date(2024, 1, 1), title="t", legend_title="l")
    assert map_codes(first) == map_codes(again) and first != again


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"effective_on": date(2024, 2, 1)}, "effective_on", "first day of a quarter"),
        ({"moves": {"C11": "R1N"}}, "moves", "C12 Place C12 lies in a place the reform closes"),
        ({"new": [NewPlace("R2", "Deux")]}, "new", "A split opens at least two places."),
        ({"new": [NewPlace("R2", "Deux"), NewPlace("R9", "Neuf")]}, "new", "already used"),
        ({"old": ["R7"]}, "old", "No place “R7”."),
        ({"moves": {"C11": "R1N", "C12": "R1"}}, "moves", "no new or open place “R1”"),
        (
            {
                "new": [
                    NewPlace(
                        "R1N",
                        "N",
                        geometry={
                            "type": "Polygon",
                            "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]],
                        },
                    ),
                    NewPlace("R1S", "S"),
                ]
            },
            "new",
            "New place 1: invalid outline: Self-intersection",
        ),
    ],
)
def test_a_bad_reform_is_refused_and_changes_nothing(
    world: dict[str, Any], alice: Any, change: dict[str, Any], field: str, message: str
) -> None:
    alice.role_assignments.update(role="tmu_coordinator")
    with pytest.raises(ValidationError) as caught:
        split_r1(alice, **change)
    assert any(message in text for text in caught.value.message_dict[field])
    assert Place.objects.get(country="XX", code="R1").valid_until is None
    assert not Place.objects.filter(country="XX", code="R1N").exists()


def test_only_a_coordinator_or_administrator_records_a_reform(
    world: dict[str, Any], alice: Any, bob: Any
) -> None:
    for user in (alice, bob):  # an M&E officer; a user without a role
        with pytest.raises(PermissionDenied):
            split_r1(user)


REFORM = """\
country: XX
kind: split
effective_on: 2024-01-01
description_fr: R1 coupée en deux
description_en: R1 split in two
source: Decree 12
old: [R1]
new:
  - {code: R1N, name_fr: Nord, name_en: North}
  - {code: R1S, name_fr: Sud, name_en: South}
moves: {C11: R1N, C12: R1S}
outlines: {file: new.geojson, code_property: code}
"""


def reform_files(tmp_path: Path, text: str = REFORM) -> Path:
    write(tmp_path, [feature("R1N", square(0, 1, 2, 2)), feature("R1S", square(0, 0, 2, 1))],
          "new.geojson")  # fmt: skip
    path = tmp_path / "reform.yaml"
    path.write_text(text, "utf-8")
    return path


def test_a_reform_file_is_recorded_by_the_command(
    world: dict[str, Any], alice: Any, tmp_path: Path
) -> None:
    alice.role_assignments.update(role="tmu_coordinator")
    stdout = StringIO()
    call_command("reform", str(reform_files(tmp_path)), user=alice.username, stdout=stdout,
                 language="en")  # fmt: skip
    assert "2 opened" in stdout.getvalue()
    north = Place.objects.get(country="XX", code="R1N")
    assert north.valid_from == date(2024, 1, 1) and north.source == "Decree 12"
    assert north.geometry == square(0, 1, 2, 2)
    assert parents_on("XX", date(2024, 1, 1))["C12"] == "R1S"
    assert AuditEntry.objects.filter(action="places.reform", user=alice).exists()
    svg = choropleth({}, country="XX", on=date(2024, 1, 1), title="t", legend_title="l")
    assert map_codes(svg) == ["R1N", "R1S", "R2"]


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (
            ("effective_on: 2024-01-01", "effective_on: 2024-13-01\ncolour: red"),
            ["reform.yaml: colour: unknown key",
             "reform.yaml: effective_on: a date written YYYY-MM-DD"],
        ),
        (
            ("{code: R1S, name_fr: Sud, name_en: South}", "{code: R1X, name_fr: Sud}"),
            ["reform.yaml: new[1]: no feature with code “R1X” in new.geojson"],
        ),
        (
            ("effective_on: 2024-01-01", "effective_on: 2024-02-01"),
            ["reform.yaml: effective_on: A reform takes effect on the first day of a quarter "
             "(1 January, 1 April, 1 July or 1 October), so that each quarter has one map."],
        ),
        (
            ("moves: {C11: R1N, C12: R1S}", "moves: {C11: R1N}"),
            ["reform.yaml: moves: C12 Place C12 lies in a place the reform closes: give its "
             "new parent."],
        ),
    ],
)  # fmt: skip
def test_a_bad_reform_file_is_refused_with_located_errors(
    world: dict[str, Any], alice: Any, tmp_path: Path, change: tuple[str, str], errors: list[str]
) -> None:
    alice.role_assignments.update(role="tmu_coordinator")
    path = reform_files(tmp_path, REFORM.replace(*change))
    stderr = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("reform", str(path), user=alice.username, stderr=stderr, language="en")
    assert stderr.getvalue().splitlines() == errors
    assert Place.objects.get(country="XX", code="R1").valid_until is None
    assert not Place.objects.filter(country="XX", code__in=["R1N", "R1S", "R1X"]).exists()


def test_a_reform_file_s_errors_in_french_and_its_rights(
    world: dict[str, Any], alice: Any, bob: Any, tmp_path: Path
) -> None:
    path = reform_files(tmp_path)
    with pytest.raises(CommandError, match="ne peut pas enregistrer de réforme"):
        call_command("reform", str(path), user=bob.username, language="fr")
    with pytest.raises(CommandError, match="Aucun utilisateur « nobody »"):
        call_command("reform", str(path), user="nobody", language="fr")
    alice.role_assignments.update(role="tmu_coordinator")
    stderr = StringIO()
    path.write_text(REFORM.replace("old: [R1]", "old: [R1"), "utf-8")
    with pytest.raises(CommandError):
        call_command("reform", str(path), user=alice.username, stderr=stderr, language="fr")
    assert stderr.getvalue().startswith("reform.yaml: ligne ")
    assert "YAML non valide" in stderr.getvalue()
    assert not Place.objects.filter(country="XX", code="R1N").exists()


def test_the_about_data_page_credits_the_boundaries_in_both_languages(
    client: Any, alice: Any
) -> None:
    load_mali_places()
    alice.role_assignments.update(role="tmu_coordinator")
    page = client.get("/en/about/data/").content.decode()
    assert "CC BY-IGO 3.0" in page and "UN OCHA" in page and "DNCT" in page
    assert "Taoudénit" in page and "No reform is recorded." in page
    assert '<td>region</td><td class="num">9</td>' in page  # and the district of Bamako
    french = client.get("/fr/about/data/").content.decode()
    assert "À propos des données" in french and "Aucune réforme n’est enregistrée." in french
    assert 'href="/en/about/data/"' in client.get("/en/").content.decode()
