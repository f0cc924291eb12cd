"""One vocabulary (issue 10 point 5): the records layer names what the core names with the core's
own Literals, its CHECK constraints list exactly those values, and the sides map in one place."""

from __future__ import annotations

from typing import get_args

import pytest
from sqlalchemy import CheckConstraint

from acuback.clinical import intake, screening_rules, sides
from acuback.knowledge import models as knowledge_models
from acuback.records import vocabulary
from acuback.records.tables import Base

CORE = [
    ("Disposition", "DISPOSITIONS", screening_rules.Disposition),
    ("Sex", "SEXES", intake.Sex),
    ("Angle", "ANGLES", knowledge_models.Angle),
    ("NeedleSide", "NEEDLE_SIDES", sides.NeedleSide),
]


@pytest.mark.parametrize(("literal", "values", "core"), CORE, ids=[c[0] for c in CORE])
def test_records_use_the_core_literal(literal: str, values: str, core: object) -> None:
    assert getattr(vocabulary, literal) is core  # imported, not redefined
    assert getattr(vocabulary, values) == get_args(core)


def _allowed(table: str, column: str) -> set[str]:
    for constraint in Base.metadata.tables[table].constraints:
        if isinstance(constraint, CheckConstraint) and constraint.name == f"ck_{table}_{column}":
            text = str(constraint.sqltext)
            assert text.startswith(f"{column} IN (")
            return {v.strip().strip("'") for v in text.split("(", 1)[1].rstrip(")").split(",")}
    raise AssertionError(f"no CHECK constraint on {table}.{column}")


@pytest.mark.parametrize(
    ("table", "column", "core"),
    [
        ("intakes", "disposition", screening_rules.Disposition),
        ("patients", "sex", intake.Sex),
        ("needle_insertions", "angle", knowledge_models.Angle),
        ("needle_insertions", "side", sides.NeedleSide),
    ],
)
def test_check_constraints_list_the_core_values(table: str, column: str, core: object) -> None:
    assert _allowed(table, column) == set(get_args(core))


def test_every_side_maps_once_to_the_next() -> None:
    """Pain side -> point side -> chart side, through `clinical.sides` alone."""
    for pain in get_args(sides.PainSide):
        for midline in (False, True):
            point = sides.point_side(pain, midline=midline)
            assert point in get_args(sides.PointSide)
            assert sides.needle_side(point) in get_args(sides.NeedleSide)
            assert sides.needles_at(point) == sides.needles_at(sides.needle_side(point))
    charted = {sides.needle_side(p) for p in get_args(sides.PointSide)}
    assert charted == set(get_args(sides.NeedleSide))
