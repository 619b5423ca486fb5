"""Small-cell suppression: primary (under the threshold) and secondary (no
hidden cell can be recomputed from a shown total)."""

from __future__ import annotations

from decimal import Decimal as D

from django.test import override_settings

from analytics.suppression import suppressed


def test_counts_under_the_threshold_are_hidden_zero_and_no_data_are_not() -> None:
    values = {"a": D(4), "b": D(5), "c": D(0), "d": None, "e": D(1)}
    assert suppressed(values) == {"a", "e"}


def test_a_lone_hidden_part_takes_the_smallest_shown_part_with_it() -> None:
    # female 3, male 40, total 43: hiding 3 alone, 43 - 40 gives it back.
    values = {"total": D(43), "female": D(3), "male": D(40)}
    assert suppressed(values, [("total", ["female", "male"])]) == {"female", "male"}
    three = {"total": D(60), "a": D(3), "b": D(9), "c": D(48)}
    assert suppressed(three, [("total", ["a", "b", "c"])]) == {"a", "b"}  # the smallest


def test_two_hidden_parts_are_enough() -> None:
    values = {"total": D(50), "a": D(2), "b": D(3), "c": D(45)}
    assert suppressed(values, [("total", ["a", "b", "c"])]) == {"a", "b"}


def test_when_only_zeros_are_left_the_total_is_hidden() -> None:
    values = {"total": D(3), "a": D(3), "b": D(0)}
    assert suppressed(values, [("total", ["a", "b"])]) == {"total", "a"}


def test_secondary_suppression_cascades_across_a_two_way_table() -> None:
    # Sex × region with margins. Hiding f·north (2) forces a second cell in
    # its row and its column, which forces more in theirs, until no row or
    # column of the table has a single hidden cell.
    cells = {
        ("f", "n"): 2, ("f", "s"): 30, ("m", "n"): 20, ("m", "s"): 11,
        ("f", "*"): 32, ("m", "*"): 31, ("*", "n"): 22, ("*", "s"): 41, ("*", "*"): 63,
    }  # fmt: skip
    sums = [
        (("f", "*"), [("f", "n"), ("f", "s")]),
        (("m", "*"), [("m", "n"), ("m", "s")]),
        (("*", "n"), [("f", "n"), ("m", "n")]),
        (("*", "s"), [("f", "s"), ("m", "s")]),
        (("*", "*"), [("f", "*"), ("m", "*")]),
        (("*", "*"), [("*", "n"), ("*", "s")]),
    ]
    hidden = suppressed({k: D(v) for k, v in cells.items()}, sums)
    assert hidden == {("f", "n"), ("f", "s"), ("m", "n"), ("m", "s")}
    for total, parts in sums:
        assert sum(k in hidden for k in (total, *parts)) != 1


@override_settings(SUPPRESSION_THRESHOLD=10)
def test_the_threshold_is_a_setting() -> None:
    assert suppressed({"a": D(9), "b": D(10)}) == {"a"}


def test_cells_shown_elsewhere_are_never_the_ones_chosen() -> None:
    # Year 1 is 3 (hidden), year 2 is 10 and shown on the dashboards: hiding
    # year 2 in this table would protect nothing, so the plan to date goes.
    values = {"plan": D(13), "y1": D(3), "y2": D(10)}
    sums = [("plan", ["y1", "y2"])]
    assert suppressed(values, sums) == {"y1", "y2"}
    assert suppressed(values, sums, fixed={"y2"}) == {"y1", "plan"}
