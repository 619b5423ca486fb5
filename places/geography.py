"""Dated geography: which places are open on a day, which parent each had
then, and reforms (split, merge, rename) that close places and open new
ones without rewriting history (see places.models).

A reform takes effect on the first day of a quarter, so that every
reporting quarter has one geography. A figure keeps the place of the unit
that reported it; a place moved to another parent by a reform (a cercle of
a split region) rolls up to the parent it had on the last day of the period
read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from actors.permissions import may
from nap1325.models import audit
from places.loading import geometry_problem
from places.models import Move, Place, Reform, ReformKind, Succession


def parents_on(country: str, day: date) -> dict[str, str | None]:
    """Each place's code → its parent's code on `day` (today's parents,
    with the moves of reforms taking effect after `day` undone)."""
    parents: dict[str, str | None] = dict(
        Place.objects.filter(country=country).values_list("code", "parent__code")
    )
    for move in (
        Move.objects.filter(reform__country=country, reform__effective_on__gt=day)
        .select_related("place", "old_parent")
        .order_by("-reform__effective_on", "-pk")
    ):
        parents[move.place.code] = move.old_parent.code if move.old_parent else None
    return parents


def open_between(first: date, last: date, prefix: str = "") -> Q:
    """Places (at `prefix`, e.g. "place__") open at some time from `first`
    to `last`; a unit without a place (prefix given) always is."""
    started = Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": last})
    not_ended = Q(**{f"{prefix}valid_until__isnull": True}) | Q(
        **{f"{prefix}valid_until__gte": first}
    )
    condition = started & not_ended
    if prefix:
        condition |= Q(**{f"{prefix.removesuffix('__')}__isnull": True})
    return condition


def within(place: Place, prefix: str = "") -> Q:
    """The place itself, one of its children (cercles) or one of theirs
    (communes), at `prefix` (e.g. "place__" from reporting units)."""
    return (
        Q(**{f"{prefix}pk": place.pk})
        | Q(**{f"{prefix}parent": place})
        | Q(**{f"{prefix}parent__parent": place})
    )


def region_of(code: str, parents: Mapping[str, str | None]) -> str:
    """The top-level place (region) a place lies in, however deep."""
    seen = {code}
    while (parent := parents.get(code)) and parent not in seen:
        seen.add(parent)
        code = parent
    return code


def quarter_start(day: date) -> bool:
    return day.day == 1 and day.month in (1, 4, 7, 10)


@dataclass
class NewPlace:
    code: str
    name_fr: str
    name_en: str = ""
    parent: str | None = None  # code of a place open on the day
    level: str = ""  # the old place's level when empty
    geometry: dict[str, Any] | None = None


@dataclass
class ReformInput:
    country: str
    kind: str
    effective_on: date
    old: list[str]  # codes of the places closed
    new: list[NewPlace]
    moves: dict[str, str] = field(default_factory=dict)  # child code → new parent code
    description_fr: str = ""
    description_en: str = ""
    source: str = ""


def shapes() -> dict[str, tuple[tuple[int, int | None, str], tuple[int, int | None, str]]]:
    """Per kind: (fewest, most, why) of the places closed, then opened."""
    return {
        ReformKind.SPLIT: ((1, 1, _("A split closes one place.")),
                           (2, None, _("A split opens at least two places."))),
        ReformKind.MERGE: ((2, None, _("A merge closes at least two places.")),
                           (1, 1, _("A merge opens one place."))),
        ReformKind.RENAME: ((1, 1, _("A rename closes one place.")),
                            (1, 1, _("A rename opens one place."))),
    }  # fmt: skip


def _validate(data: ReformInput) -> dict[str, Place]:
    """The places the reform names, by code; ValidationError by field."""
    errors: dict[str, list[str]] = {}
    if data.kind not in ReformKind.values:
        raise ValidationError({"kind": [_("Choose split, merge or rename.")]})
    if not quarter_start(data.effective_on):
        errors.setdefault("effective_on", []).append(
            _("A reform takes effect on the first day of a quarter (1 January, 1 April, 1 July "
              "or 1 October), so that each quarter has one map.")
        )  # fmt: skip
    for name, count, (low, high, why) in zip(
        ("old", "new"), (len(data.old), len(data.new)), shapes()[data.kind], strict=True
    ):
        if count < low or (high is not None and count > high):
            errors.setdefault(name, []).append(why)
    day_before = data.effective_on - timedelta(days=1)
    known = {p.code: p for p in Place.objects.filter(country=data.country)}
    for code in data.old:
        place = known.get(code)
        if place is None:
            errors.setdefault("old", []).append(_("No place “%(code)s”.") % {"code": code})
        elif not place.is_valid_on(day_before) or place.valid_until is not None:
            errors.setdefault("old", []).append(
                _("%(place)s is not open until the reform.") % {"place": f"{code} {place.name}"}
            )
    new_codes = [new.code for new in data.new]
    for index, new in enumerate(data.new, start=1):
        where = _("New place %(number)d") % {"number": index}
        if not new.code.strip() or not (new.name_fr.strip() or new.name_en.strip()):
            errors.setdefault("new", []).append(
                _("%(where)s: a code and a name.") % {"where": where}
            )
        if new.code in known or new_codes.count(new.code) > 1:
            errors.setdefault("new", []).append(
                _("%(where)s: the code “%(code)s” is already used; a code names one place for "
                  "all time.") % {"where": where, "code": new.code}
            )  # fmt: skip
        if new.geometry is not None and (problem := geometry_problem(new.geometry)):
            errors.setdefault("new", []).append(f"{where}: {problem}")
        if new.parent is not None and not (
            new.parent in known and known[new.parent].is_valid_on(data.effective_on)
            and new.parent not in data.old
        ):  # fmt: skip
            errors.setdefault("new", []).append(
                _("%(where)s: no place “%(code)s” open on %(date)s to be its parent.")
                % {"where": where, "code": new.parent, "date": data.effective_on.isoformat()}
            )
    closing = {known[code].pk for code in data.old if code in known}
    children = {
        p.code for p in known.values()
        if p.parent_id in closing and p.is_valid_on(data.effective_on)
    }  # fmt: skip
    for child in sorted(children - set(data.moves)):
        errors.setdefault("moves", []).append(
            _("%(place)s lies in a place the reform closes: give its new parent.")
            % {"place": f"{child} {known[child].name}"}
        )
    for child, parent in sorted(data.moves.items()):
        if child not in children:
            errors.setdefault("moves", []).append(
                _("“%(code)s” is not a place open in a place the reform closes.") % {"code": child}
            )
        if parent not in new_codes and not (
            parent in known and known[parent].is_valid_on(data.effective_on)
            and parent not in data.old
        ):  # fmt: skip
            errors.setdefault("moves", []).append(
                _("“%(code)s”: no new or open place “%(parent)s” to move it to.")
                % {"code": child, "parent": parent}
            )
    if errors:
        raise ValidationError(errors)
    return known


def apply_reform(data: ReformInput, *, by: Any) -> Reform:
    """Close the old places the day before the reform, open the new ones on
    its day, move the children of the closed places, all or nothing, and
    audit it. Figures already reported keep their places."""
    if not may(by, "manage_places"):
        raise PermissionDenied
    with transaction.atomic():
        known = _validate(data)
        day_before = data.effective_on - timedelta(days=1)
        reform = Reform.objects.create(
            country=data.country, kind=data.kind, effective_on=data.effective_on,
            description_fr=data.description_fr, description_en=data.description_en,
            source=data.source,
        )  # fmt: skip
        closed = [known[code] for code in data.old]
        for place in closed:
            place.valid_until = day_before
            place.save(update_fields=["valid_until"])
        opened = {}
        for new in data.new:
            opened[new.code] = Place.objects.create(
                country=data.country, code=new.code, level=new.level or closed[0].level,
                name_fr=new.name_fr or new.name_en, name_en=new.name_en or new.name_fr,
                parent=known[new.parent] if new.parent else closed[0].parent,
                valid_from=data.effective_on, geometry=new.geometry, source=data.source,
            )  # fmt: skip
        Succession.objects.bulk_create(
            Succession(reform=reform, old=old, new=new) for old in closed for new in opened.values()
        )
        for child_code, parent_code in data.moves.items():
            child = known[child_code]
            parent = opened.get(parent_code) or known[parent_code]
            Move.objects.create(
                reform=reform, place=child, old_parent=child.parent, new_parent=parent
            )
            child.parent = parent
            child.save(update_fields=["parent"])
        audit(
            "places.reform", reform, user=by,
            after={
                "kind": data.kind, "effective_on": data.effective_on.isoformat(),
                "closed": data.old, "opened": list(opened), "moves": data.moves,
            },
            summary=str(reform),
        )  # fmt: skip
    return reform
