"""The representation observatory: women's share of decision-making bodies,
read from observatory files (nap1325/data/observatory, docs/observatory.md)
or entered by the TMU, and measured against each body's quota.

`load_observatory()` and `add_observation()` are the only code that writes
observations; both check a figure with `observation_problems()`, so a file
and the form refuse the same things. Status and trend are plain functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.permissions import may
from governance.models import Observation, Quota, SeatBody, SeatKind
from nap1325.datafiles import DataFileError, DataFileInvalid, LoadReport, read_yaml
from nap1325.models import audit

DATA = Path(settings.BASE_DIR) / "nap1325" / "data" / "observatory"
DEFAULT_FILE = DATA / "mali-2020-seed002.yaml"
FORMAT_VERSION = 1
HALF_POINT = Decimal("0.5")
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
COUNTS = ("women", "men", "total")
FED = re.compile(r"^[-a-z0-9_]+:\S+$")  # "plan:indicator"


# --- checking one figure -------------------------------------------------------


def observation_problems(values: dict[str, Any], *, today: date | None = None) -> dict[str, str]:
    """What is wrong with an observation's values, by field ({} when nothing).

    `values` holds observed_on (a date), women, men, total (int or None),
    published_share (Decimal or None), source_title, source_document, quote."""
    problems: dict[str, str] = {}
    today = today or timezone.localdate()
    observed_on = values.get("observed_on")
    if observed_on is None:
        problems["observed_on"] = _("a date is required")
    elif observed_on > today:
        problems["observed_on"] = _("the date %(date)s is in the future") % {
            "date": date_format(observed_on, "SHORT_DATE_FORMAT")
        }
    women, men, total = (values.get(name) for name in COUNTS)
    for name in COUNTS:
        count = values.get(name)
        if count is not None and count < 0:
            problems[name] = _("a number of people cannot be negative")
    share = values.get("published_share")
    if share is not None and not Decimal(0) <= share <= Decimal(100):
        problems["published_share"] = _("a share is between 0 and 100 %")
    if problems:
        return problems
    if women is not None and total is not None and women > total:
        problems["women"] = _("%(women)d women is more than the total of %(total)d") % {
            "women": women,
            "total": total,
        }
    elif women is not None and men is not None and total is not None and women + men != total:
        problems["total"] = _(
            "%(women)d women and %(men)d men make %(sum)d, not the total of %(total)d"
        ) % {"women": women, "men": men, "sum": women + men, "total": total}
    elif men is not None and total is not None and men > total:
        problems["men"] = _("%(men)d men is more than the total of %(total)d") % {
            "men": men,
            "total": total,
        }
    if women is None and share is None:
        problems["women"] = _("give the number of women or the share as published")
    if not (values.get("source_title") or values.get("source_document")):
        problems["source_title"] = _("name the source of the figure")
    if not (values.get("quote") or values.get("location")):
        problems["quote"] = _("quote the source, or say where in it the figure is")
    return problems


# --- adding one figure through the site ----------------------------------------


OBSERVATION_FIELDS = (
    "observed_on",
    "precision",
    "election",
    "women",
    "men",
    "total",
    "published_share",
    "source_document",
    "source_title",
    "quote",
    "location",
    "note",
)


def snapshot(observation: Observation) -> dict[str, Any]:
    values = {name: getattr(observation, name) for name in OBSERVATION_FIELDS}
    values["observed_on"] = observation.observed_on.isoformat()
    share = observation.published_share
    values["published_share"] = None if share is None else str(share)
    values["body"] = observation.body.key
    return values


def add_observation(body: SeatBody, *, by: Any, **values: Any) -> Observation:
    """Record a figure for `body`; refused (ValidationError by field) when
    the figure does not hold together, and unless `by` records observations."""
    if not may(by, "record_observations"):
        raise PermissionDenied
    values = {name: values.get(name) for name in OBSERVATION_FIELDS}
    for name in ("precision",):
        values[name] = values[name] or "day"
    for name in ("election", "source_document", "source_title", "quote", "location", "note"):
        values[name] = (values[name] or "").strip()
    problems = observation_problems(values)
    if problems:
        raise ValidationError({name: [message] for name, message in problems.items()})
    with transaction.atomic():
        observation = Observation.objects.create(body=body, entered_by=by, **values)
        audit(
            "observation.add",
            observation,
            user=by,
            after=snapshot(observation),
            summary=f"{body.key} {observation.observed_on}",
        )
    return observation


# --- loading an observatory file ------------------------------------------------


ObservatoryFileInvalid = DataFileInvalid

KIND_LABELS = {
    "quota": gettext_lazy("quotas"),
    "body": gettext_lazy("observed bodies"),
    "observation": gettext_lazy("observations"),
}


def parse_date(text: Any) -> tuple[date, str] | None:
    """ "2020", "2019-05" or "2019-05-14" → the first day it can mean, and its precision."""
    match = DATE_PATTERN.match(str(text or "").strip())
    if not match:
        return None
    year, month, day = match.groups()
    try:
        observed_on = date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return observed_on, "day" if day else "month" if month else "year"


def _count(value: Any) -> int | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        raise ValueError
    return value


class _Reader:
    """Checks a parsed file whole, collecting every error, and turns it into
    plain values to write."""

    def __init__(self, data: Any, file_name: str) -> None:
        self.data = data
        self.file = file_name
        self.errors: list[DataFileError] = []

    def error(self, section: str, index: int | None, name: str, message: str) -> None:
        where = section if index is None else f"{section}[{index}]"
        self.errors.append(DataFileError(self.file, where, message, field=name))

    def items(self, section: str) -> list[dict[str, Any]]:
        items = self.data.get(section)
        if not isinstance(items, list):
            self.error(section, None, "", _("a list is required"))
            return []
        good = []
        for index, item in enumerate(items):
            if isinstance(item, dict):
                good.append(item)
            else:
                self.error(section, index, "", _("each item is a mapping of fields"))
                good.append({})
        return good

    def read(self) -> dict[str, Any]:
        data = self.data
        if not isinstance(data, dict):
            self.error("", None, "", _("the file does not hold a mapping of sections"))
            raise ObservatoryFileInvalid(self.errors)
        if data.get("format") != FORMAT_VERSION:
            self.error("", None, "format", _("format %(version)d is expected") % {"version": 1})
        country = data.get("country")
        if not (isinstance(country, str) and re.fullmatch(r"[A-Z]{2}", country)):
            self.error("", None, "country", _("a two-letter country code is expected"))
        source: dict[str, Any] = data["source"] if isinstance(data.get("source"), dict) else {}
        if not source.get("id") or not source.get("title"):
            self.error("source", None, "", _("the source needs an id and a title"))
        quotas = self.read_quotas()
        bodies = self.read_bodies(set(quotas))
        observations = self.read_observations(bodies, source)
        if self.errors:
            raise ObservatoryFileInvalid(self.errors)
        return {
            "country": country,
            "quotas": quotas,
            "bodies": bodies,
            "observations": observations,
        }

    def read_quotas(self) -> dict[str, dict[str, Any]]:
        quotas: dict[str, dict[str, Any]] = {}
        for index, item in enumerate(self.items("quotas")):
            key = item.get("id")
            if not isinstance(key, str) or not re.fullmatch(r"[-a-z0-9_]+", key):
                self.error(
                    "quotas", index, "id", _("an identifier (letters, digits, -) is required")
                )
                continue
            if key in quotas:
                self.error("quotas", index, "id", _("“%(id)s” is listed twice") % {"id": key})
            share = _share(item.get("minimum_share"))
            if share is None or not Decimal(0) < share <= Decimal(100):
                self.error("quotas", index, "minimum_share", _("a share is between 0 and 100 %"))
            basis: dict[str, Any] = (
                item["legal_basis"] if isinstance(item.get("legal_basis"), dict) else {}
            )
            quotas[key] = {
                "minimum_share": share,
                # The file's quotation is in the source's language (English for seed 002).
                "legal_basis_fr": str(basis.get("fr") or ""),
                "legal_basis_en": str(basis.get("en") or item.get("quote") or ""),
            }
        return quotas

    def read_bodies(self, quotas: set[str]) -> dict[str, dict[str, Any]]:
        bodies: dict[str, dict[str, Any]] = {}
        for index, item in enumerate(self.items("bodies")):
            key = item.get("id")
            if not isinstance(key, str) or not re.fullmatch(r"[-a-z0-9_]+", key):
                self.error(
                    "bodies", index, "id", _("an identifier (letters, digits, -) is required")
                )
                continue
            if key in bodies:
                self.error("bodies", index, "id", _("“%(id)s” is listed twice") % {"id": key})
            name: dict[str, Any] = item["name"] if isinstance(item.get("name"), dict) else {}
            if not (name.get("fr") or name.get("en")):
                self.error("bodies", index, "name", _("a name in French or English is required"))
            kind = item.get("kind")
            if kind not in SeatKind.values:
                self.error(
                    "bodies", index, "kind",
                    _("“%(kind)s” is not a kind of body (%(kinds)s)")
                    % {"kind": kind, "kinds": ", ".join(SeatKind.values)},
                )  # fmt: skip
            quota = item.get("quota")
            if quota is not None and quota not in quotas:
                self.error(
                    "bodies", index, "quota", _("no quota “%(id)s” in this file") % {"id": quota}
                )
            indicators = item.get("indicators") or []
            if not isinstance(indicators, list) or not all(
                isinstance(key, str) and FED.fullmatch(key) for key in indicators
            ):
                self.error(
                    "bodies", index, "indicators",
                    _("a list of “plan:indicator” identifiers is expected"),
                )  # fmt: skip
                indicators = []
            bodies[key] = {
                "name_fr": str(name.get("fr") or name.get("en") or ""),
                "name_en": str(name.get("en") or name.get("fr") or ""),
                "kind": kind,
                "quota": quota,
                "indicators": indicators,
            }
        return bodies

    def read_observations(
        self, bodies: dict[str, dict[str, Any]], source: dict[str, Any]
    ) -> list[dict[str, Any]]:
        observations = []
        seen: dict[tuple[Any, ...], int] = {}
        for index, item in enumerate(self.items("observations")):
            body = item.get("body")
            if body not in bodies:
                self.error(
                    "observations", index, "body", _("no body “%(id)s” in this file") % {"id": body}
                )
            parsed = parse_date(item.get("date"))
            if parsed is None:
                self.error(
                    "observations", index, "date",
                    _("“%(value)s” is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
                    % {"value": item.get("date")},
                )  # fmt: skip
            counts: dict[str, int | None] = {}
            for name in COUNTS:
                try:
                    counts[name] = _count(item.get(name)) if item.get(name) is not None else None
                except ValueError:
                    self.error("observations", index, name, _("a whole number is expected"))
                    counts[name] = None
            share = None
            if item.get("published_share") is not None:
                share = _share(item["published_share"])
                if share is None:
                    self.error("observations", index, "published_share", _("a number is expected"))
            share_only = item.get("share_only", False)
            if share_only and any(counts.values()):
                self.error(
                    "observations", index, "share_only",
                    _("a figure marked as a share only cannot also give counts"),
                )  # fmt: skip
            if not share_only and counts["women"] is None:
                self.error(
                    "observations", index, "share_only",
                    _("a figure without the number of women is a share only (share_only: true)"),
                )  # fmt: skip
            values: dict[str, Any] = {
                "observed_on": parsed[0] if parsed else None,
                "precision": parsed[1] if parsed else "day",
                "election": str(item.get("election") or ""),
                **counts,
                "published_share": share,
                "source_document": str(item.get("source") or source.get("id") or ""),
                "source_title": str(source.get("title") or ""),
                "quote": str(item.get("quote") or "").strip(),
                "location": str(item.get("location") or ""),
                "note": str(item.get("note") or ""),
            }
            if not values["quote"]:
                self.error("observations", index, "quote", _("every figure needs its quotation"))
            if parsed:
                for name, message in observation_problems(values).items():
                    name = {"observed_on": "date", "source_title": "source"}.get(name, name)
                    if name != "quote":  # reported above, in the file's words
                        self.error("observations", index, name, message)
                key = (str(body), values["observed_on"], values["election"], values["quote"])
                if key in seen:
                    self.error(
                        "observations", index, "",
                        _("the same figure as observations[%(index)d] (body, date, election and "
                          "quote)") % {"index": seen[key]},
                    )  # fmt: skip
                seen[key] = index
            observations.append({"body": body, **values})
        return observations


def _share(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        share = Decimal(str(value))
    except InvalidOperation:
        return None
    return share if share.is_finite() else None


def read_observatory_file(path: Path | str) -> Any:
    """The file's data; a file that cannot be read as YAML is refused, located."""
    return read_yaml(path, name=str(path))


def load_observatory(path: Path | str = DEFAULT_FILE, *, by: Any = None) -> LoadReport:
    """Create or update the quotas, bodies and observations of a file, all or
    nothing. An observation is the same one when its body, date, election
    and quote are: loading a file twice updates, never duplicates."""
    name = Path(path).name
    content = _Reader(read_observatory_file(path), name).read()
    country = content["country"]
    report = LoadReport()
    with transaction.atomic():
        quotas = {}
        for key, values in content["quotas"].items():
            quotas[key] = _upsert(report, "quota", Quota, {"country": country, "key": key}, values)
        bodies = {}
        for key, values in content["bodies"].items():
            values = {**values, "quota": quotas.get(values["quota"])}
            bodies[key] = _upsert(
                report, "body", SeatBody, {"country": country, "key": key}, values
            )
        for item in content["observations"]:
            values = dict(item)
            body = bodies[values.pop("body")]
            match = {
                "body": body,
                "observed_on": values.pop("observed_on"),
                "election": values.pop("election"),
                "quote": values.pop("quote"),
            }
            _upsert(report, "observation", Observation, match, values)
        audit(
            "observatory.load",
            bodies[next(iter(bodies))] if bodies else Quota(country=country, key=name),
            user=by,
            after={
                "file": name,
                "created": dict(report.created),
                "updated": dict(report.updated),
            },
            summary=_("Observatory file %(file)s loaded") % {"file": name},
        )
    return report


def _upsert(
    report: LoadReport, kind: str, model: Any, match: dict[str, Any], values: dict[str, Any]
) -> Any:
    obj = model.objects.filter(**match).order_by("pk").first()
    if obj is None:
        obj = model.objects.create(**match, **values)
        report.created[kind] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        before = {name: str(getattr(obj, name)) for name in changed}
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        audit(
            f"observatory.update_{kind}", obj, before=before,
            after={name: str(values[name]) for name in changed},
        )  # fmt: skip
        report.updated[kind] += 1
    else:
        report.unchanged[kind] += 1
    return obj


# --- reading the observatory --------------------------------------------------


class QuotaStatus(StrEnum):
    MEETS = "meets"
    BELOW = "below"
    NO_QUOTA = "no_quota"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {
            QuotaStatus.MEETS: _("meets the quota"),
            QuotaStatus.BELOW: _("below the quota"),
            QuotaStatus.NO_QUOTA: _("no quota"),
            QuotaStatus.UNKNOWN: _("share unknown"),
        }[self]


def quota_status(share: Decimal | None, minimum: Decimal | None) -> QuotaStatus:
    """A share (in %) against a quota's minimum (in %, None: no quota)."""
    if minimum is None:
        return QuotaStatus.NO_QUOTA
    if share is None:
        return QuotaStatus.UNKNOWN
    return QuotaStatus.MEETS if share >= minimum else QuotaStatus.BELOW


def when(observation: Observation) -> str:
    """The observation's date as precise as its source: "2020", "May 2019", a day."""
    if observation.precision == "year":
        return str(observation.observed_on.year)
    if observation.precision == "month":
        return date_format(observation.observed_on, "YEAR_MONTH_FORMAT")
    return date_format(observation.observed_on, "SHORT_DATE_FORMAT")


def men_count(observation: Observation) -> int | None:
    """Men as stated, else the total less the women."""
    if observation.men is not None:
        return observation.men
    if observation.total is not None and observation.women is not None:
        return observation.total - observation.women
    return None


@dataclass
class BodySummary:
    body: SeatBody
    observations: list[Observation]  # oldest first

    @property
    def latest(self) -> Observation | None:
        return self.observations[-1] if self.observations else None

    @property
    def share(self) -> Decimal | None:
        return self.latest.share if self.latest else None

    @property
    def minimum(self) -> Decimal | None:
        return self.body.quota.minimum_share if self.body.quota else None

    @property
    def status(self) -> QuotaStatus:
        return quota_status(self.share, self.minimum)

    @property
    def trend(self) -> list[tuple[str, Decimal | None]]:
        """(when, share) from the oldest figure to the latest."""
        return [(trend_label(o), o.share) for o in self.observations]

    @property
    def change(self) -> Decimal | None:
        """Points gained (or lost) from the first known share to the latest."""
        shares = [share for _label, share in self.trend if share is not None]
        return shares[-1] - shares[0] if len(shares) > 1 else None


def trend_label(observation: Observation) -> str:
    if observation.election:
        return f"{when(observation)} ({observation.election})"
    return when(observation)


def summaries(country: str | None = None) -> list[BodySummary]:
    """Every observed body with its observations, oldest first. Figures of
    the same date keep the order they were entered in (a file's order)."""
    bodies = SeatBody.objects.select_related("quota", "place")
    if country:
        bodies = bodies.filter(country=country)
    by_body: dict[int, list[Observation]] = {}
    observations = Observation.objects.filter(body__in=bodies).select_related("entered_by")
    for observation in observations.order_by("observed_on", "pk"):
        by_body.setdefault(observation.body_id, []).append(observation)
    return [BodySummary(body, by_body.get(body.pk, [])) for body in bodies]
