"""The three side vocabularies and the one mapping between them."""

from __future__ import annotations

import pytest

from acuback.clinical.intake import SIDES
from acuback.clinical.sides import (
    NEEDLE_SIDES,
    PAIN_SIDES,
    POINT_SIDES,
    needle_side,
    needles_at,
    point_side,
)


@pytest.mark.parametrize(
    ("pain", "expected"),
    [("left", "left"), ("right", "right"), ("both", "both"), ("central", "both")],
)
def test_a_paired_point_follows_the_pain(pain: str, expected: str) -> None:
    assert point_side(pain, midline=False) == expected  # type: ignore[arg-type]
    assert point_side(pain, midline=True) == "midline"  # type: ignore[arg-type]


def test_every_planned_side_has_one_charted_side() -> None:
    charted = [needle_side(side) for side in POINT_SIDES]  # type: ignore[arg-type]
    assert charted == ["left", "right", "bilateral", "midline"]
    assert sorted(charted) == sorted(NEEDLE_SIDES)


def test_both_sides_take_two_needles() -> None:
    assert [needles_at(side) for side in POINT_SIDES] == [1, 1, 2, 1]
    assert [needles_at(side) for side in NEEDLE_SIDES] == [1, 1, 2, 1]


def test_the_intake_names_the_pain_side_with_the_same_vocabulary() -> None:
    assert SIDES is PAIN_SIDES
