"""The framework check: lints a plan as an M&E officer would.

It works on the plan-file mapping, so the same code checks a file before it is
loaded and a loaded plan (through `export_plan`). Each finding has a stable
code, a severity, a location in the plan file and a message in the active
language. The codes are listed in docs/framework-check.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nap1325.i18n import current_language
from plans.planfile import Location, PlanFileError, format_location, line_of, validate


class Severity(TextChoices):
    ERROR = "error", gettext_lazy("error")
    WARNING = "warning", gettext_lazy("warning")
    INFO = "info", gettext_lazy("info")


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    location: str
    message: str
    line: int | None = None

    def as_json(self) -> dict[str, str]:
        data = asdict(self)
        del data["line"]
        return data


@dataclass
class CheckResult:
    plan: str | None
    counts: dict[str, int]
    findings: list[Finding]

    @property
    def has_errors(self) -> bool:
        return any(f.severity == Severity.ERROR for f in self.findings)

    def counts_by_code(self) -> Counter[tuple[str, str]]:
        return Counter((f.severity, f.code) for f in self.findings)

    def as_json(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "counts": self.counts,
            "findings": [f.as_json() for f in self.findings],
        }


def findings_from_errors(errors: list[PlanFileError]) -> list[Finding]:
    return [Finding(e.code, Severity.ERROR, e.where, e.message, e.line) for e in errors]


def check_plan_data(data: Any) -> CheckResult:
    """Check a parsed plan file (valid or not)."""
    errors = validate(data)
    plan_id = None
    if isinstance(data, dict) and isinstance(data.get("plan"), dict):
        plan_id = data["plan"].get("id")
    if errors:
        return CheckResult(plan_id, {}, findings_from_errors(errors))
    return _Checker(data).run()


class _Checker:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.findings: list[Finding] = []
        self.level_names = {level["id"]: _pick(level["name"]) for level in data["level_types"]}
        self.start = data["plan"]["period"]["start"]
        self.end = data["plan"]["period"]["end"]

    def add(self, code: str, severity: str, location: Location, message: str) -> None:
        self.findings.append(
            Finding(
                code, severity, format_location(location), message, line_of(self.data, location)
            )
        )

    def run(self) -> CheckResult:
        counts: Counter[str] = Counter({level["id"]: 0 for level in self.data["level_types"]})
        elements = list(_walk(self.data["levels"], ("levels",), None, None))
        for element, _where, _parent, _coded in elements:
            counts[element["level"]] += 1
        self.check_codes(elements)
        for element, where, _parent, _coded in elements:
            self.check_element_indicators(element, where)
        indicators = 0
        for element, where, _parent, _coded in elements:
            for index, indicator in enumerate(element.get("indicators", [])):
                self.check_indicator(indicator, (*where, "indicators", index))
                indicators += 1
        for position, anchor in enumerate(self.data.get("anchors", [])):
            for index, indicator in enumerate(anchor.get("indicators", [])):
                self.check_indicator(indicator, ("anchors", position, "indicators", index))
                indicators += 1
        self.check_translations(self.data, ())
        findings = sorted(
            self.findings,
            key=lambda f: (SEVERITY_ORDER[Severity(f.severity)], f.code),
        )
        return CheckResult(
            self.data["plan"]["id"], {**dict(counts), "indicators": indicators}, findings
        )

    def describe(self, element: dict[str, Any]) -> str:
        name = self.level_names.get(element["level"], element["level"])
        if element.get("code"):
            return f"{name} {element['code']}"
        return f"{name} «{_shorten(_pick(element['title']))}»"

    def check_codes(self, elements: list[tuple[dict[str, Any], Location, Any, Any]]) -> None:
        first_use: dict[tuple[str, str], Location] = {}
        groups: dict[tuple[str, str, int], list[tuple[int, dict[str, Any], Location]]] = {}
        for element, where, _parent, coded in elements:
            code = element.get("code")
            if not code:
                continue
            key = (element["level"], code)
            if key in first_use:
                self.add(
                    "duplicate-code",
                    Severity.ERROR,
                    (*where, "code"),
                    _("%(element)s: the code is also used at %(other)s")
                    % {"element": self.describe(element), "other": format_location(first_use[key])},
                )
            else:
                first_use[key] = where
            if coded is None:
                continue
            ancestor, ancestor_where = coded
            prefix = ancestor["code"] + "."
            rest = code[len(prefix) :] if code.startswith(prefix) else None
            if rest is None or not rest or "." in rest:
                self.add(
                    "code-not-under-parent",
                    Severity.WARNING,
                    (*where, "code"),
                    _("%(element)s does not sit under the code of %(parent)s")
                    % {"element": self.describe(element), "parent": self.describe(ancestor)},
                )
            elif rest.isascii() and rest.isdecimal():
                group = (element["level"], ancestor["code"], id(ancestor))
                groups.setdefault(group, []).append((int(rest), element, ancestor_where))
        top = [(e, w) for e, w, _p, coded in elements if coded is None and e.get("code")]
        for element, _where in top:
            code = element["code"]
            if code.isascii() and code.isdecimal():
                groups.setdefault((element["level"], "", 0), []).append(
                    (int(code), element, ("levels",))
                )
        for (level, parent_code, _ident), members in groups.items():
            numbers = {number for number, _element, _where in members}
            if max(numbers) > 10 * len(numbers) + 100:
                continue  # numbers that far apart are not a sequence with gaps
            missing = [n for n in range(1, max(numbers) + 1) if n not in numbers]
            if missing:
                name = self.level_names.get(level, level)
                self.add(
                    "numbering-gap",
                    Severity.WARNING,
                    members[0][2],
                    _("numbering gap: no %(level)s %(codes)s")
                    % {
                        "level": name,
                        "codes": ", ".join(
                            f"{parent_code}.{n}" if parent_code else str(n) for n in missing
                        ),
                    },
                )

    def check_element_indicators(self, element: dict[str, Any], where: Location) -> None:
        if element.get("indicators"):
            return
        if _subtree_has_indicators(element):
            self.add(
                "level-without-indicators",
                Severity.INFO,
                where,
                _("%(element)s has no indicator of its own (its sub-levels have)")
                % {"element": self.describe(element)},
            )
        else:
            self.add(
                "level-without-indicators",
                Severity.WARNING,
                where,
                _("%(element)s has no indicator, nor has any level under it")
                % {"element": self.describe(element)},
            )

    def check_indicator(self, indicator: dict[str, Any], where: Location) -> None:
        label = indicator.get("code") or indicator["id"]
        name = f"{label} «{_shorten(_pick(indicator['title']))}»"
        missing = [
            ("baseline", "indicator-no-baseline", _("%(indicator)s has no baseline")),
            ("data_source", "indicator-no-data-source", _("%(indicator)s has no data source")),
            ("frequency", "indicator-no-frequency", _("%(indicator)s has no collection frequency")),
            (
                "responsible",
                "indicator-no-responsible",
                _("%(indicator)s has no responsible institution"),
            ),
        ]
        for key, code, message in missing:
            if not indicator.get(key):
                self.add(code, Severity.WARNING, where, message % {"indicator": name})
        if not indicator.get("targets") and "end_target" not in indicator:
            self.add(
                "indicator-no-targets",
                Severity.WARNING,
                where,
                _("%(indicator)s has no target") % {"indicator": name},
            )
        elif "end_target" not in indicator:
            self.add(
                "indicator-no-end-target",
                Severity.INFO,
                where,
                _("%(indicator)s has yearly targets but no end-of-plan target")
                % {"indicator": name},
            )
        if indicator["type"] == "percentage":
            for key, code, message in (
                (
                    "numerator",
                    "percentage-no-numerator",
                    _("%(indicator)s is a percentage without a numerator definition"),
                ),
                (
                    "denominator",
                    "percentage-no-denominator",
                    _("%(indicator)s is a percentage without a denominator definition"),
                ),
            ):
                if key not in indicator:
                    self.add(code, Severity.WARNING, where, message % {"indicator": name})
        if indicator["type"] == "ordinal" and not indicator.get("scale"):
            self.add(
                "ordinal-no-scale",
                Severity.WARNING,
                where,
                _("%(indicator)s is an ordinal scale whose levels are not defined")
                % {"indicator": name},
            )

    def check_translations(self, node: Any, where: Location) -> None:
        if isinstance(node, dict):
            if _is_text(node):
                for language in ("fr", "en"):
                    if language not in node:
                        self.add(
                            "missing-translation",
                            Severity.WARNING,
                            where,
                            _("no %(language)s text") % {"language": _language_name(language)},
                        )
                return
            for key, value in node.items():
                self.check_translations(value, (*where, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                self.check_translations(value, (*where, index))


def _walk(
    elements: list[dict[str, Any]],
    where: Location,
    parent: dict[str, Any] | None,
    coded: tuple[dict[str, Any], Location] | None,
) -> Iterator[tuple[dict[str, Any], Location, dict[str, Any] | None, Any]]:
    """Each element with its location, parent and nearest ancestor that has a code."""
    for index, element in enumerate(elements):
        here = (*where, index)
        yield element, here, parent, coded
        below = (element, here) if element.get("code") else coded
        yield from _walk(element.get("children", []), (*here, "children"), element, below)


def _subtree_has_indicators(element: dict[str, Any]) -> bool:
    return bool(element.get("indicators")) or any(
        _subtree_has_indicators(child) for child in element.get("children", [])
    )


def _is_text(node: dict[str, Any]) -> bool:
    return (
        bool(node) and set(node) <= {"fr", "en"} and all(isinstance(v, str) for v in node.values())
    )


def _pick(text: dict[str, str]) -> str:
    return text.get(current_language()) or next(iter(text.values()), "")


def _shorten(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _language_name(code: str) -> str:
    return {"fr": _("French"), "en": _("English")}[code]
