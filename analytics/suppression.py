"""Small-cell suppression for sensitive indicators (gender-based violence).

A count under the threshold (5 by default, setting SUPPRESSION_THRESHOLD)
could point at a survivor, so no public output shows it: the cell reads
"suppressed" instead of a number. That is primary suppression.

A suppressed cell must not be recomputable from what is shown. Wherever
cells add up to a total (the categories of a breakdown and their total,
the regions and the national figure), a total with exactly one hidden
member would give it away by subtraction; so one more member is hidden,
the smallest non-zero one shown, and the search repeats until every sum has
no hidden member or at least two. That is secondary suppression, the rule
statistical offices apply to published tables (e.g. Eurostat's and the
ONS's disclosure control), kept simple: a greedy choice of the smallest
cell, which hides little and never reveals.

Zero is shown: it identifies nobody. Cells of no data stay "no data".
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from typing import TypeVar

from django.conf import settings

K = TypeVar("K", bound=Hashable)


def threshold() -> int:
    return int(getattr(settings, "SUPPRESSION_THRESHOLD", 5))


def suppressed(
    values: Mapping[K, Decimal | int | None],
    sums: Sequence[tuple[K, Sequence[K]]] = (),
    *,
    minimum: int | None = None,
    also: set[K] | frozenset[K] = frozenset(),
    fixed: set[K] | frozenset[K] = frozenset(),
) -> set[K]:
    """The cells to hide: `values` maps each cell to its count; `sums` lists
    (total, parts) where the parts add up to the total; `also` names cells
    hidden for another reason (a percentage's small denominator); `fixed`
    names cells another public output already shows, never chosen to hide
    (hiding them here would protect nothing)."""
    minimum = threshold() if minimum is None else minimum
    hidden = {key for key, value in values.items() if value is not None and 0 < value < minimum}
    hidden |= set(also) & set(values)
    changed = bool(hidden)
    while changed:
        changed = False
        for total, parts in sums:
            members = [key for key in (total, *parts) if values.get(key) is not None]
            if sum(key in hidden for key in members) != 1:
                continue
            candidates = sorted(
                (
                    key
                    for key in parts
                    if key in values and key not in hidden and key not in fixed and values[key]
                ),
                key=lambda key: values[key] or 0,
            )
            if candidates:
                hidden.add(candidates[0])
            elif total not in hidden and total not in fixed and values.get(total) is not None:
                hidden.add(total)
            else:
                continue
            changed = True
    return hidden
