"""CPT acupuncture lines: a table of cases written from clinical-standards 2.5.

The rules (paraphrased there): time is face-to-face contact, not retention; one initial code
(97810/97813) per day; add-ons (97811/97814) need re-insertion; an increment with electrical
stimulation is billed with 97813 or 97814.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from acuback.clinical.billing import (
    VisitContact,
    bill_day,
    bill_visit,
    load_billing_rules,
    priced,
)


def _codes(result: object) -> dict[str, int]:
    return {line.code: line.units for line in result.lines}  # type: ignore[attr-defined]


# (case, minutes, electro increments, re-insertion increments, electro needles, lines, note?)
CASES = [
    ("15 min manual", 15, (), (), False, {"97810": 1}, None),
    ("e-stim in the first increment", 15, (1,), (), True, {"97813": 1}, None),
    ("e-stim in the only increment, not said which", 15, (), (), True, {"97813": 1}, None),
    (
        "e-stim in the first of two, re-inserted",
        30,
        (1, 2),
        (2,),
        True,
        {"97813": 1, "97814": 1},
        None,
    ),
    ("e-stim in a later increment only", 30, (2,), (2,), True, {"97810": 1, "97814": 1}, None),
    ("manual, second increment re-inserted", 30, (), (2,), False, {"97810": 1, "97811": 1}, None),
    ("no add-on without re-insertion", 30, (), (), False, {"97810": 1}, "no re-insertion"),
    (
        "e-stim later but no re-insertion: the add-on goes",
        30,
        (2,),
        (),
        True,
        {"97810": 1},
        "no re-insertion",
    ),
    (
        "three increments, one re-inserted",
        45,
        (),
        (3,),
        False,
        {"97810": 1, "97811": 1},
        "Increment 2",
    ),
    (
        "minutes that do not fill an increment",
        40,
        (),
        (2,),
        False,
        {"97810": 1, "97811": 1},
        "The last 10 of 40",
    ),
    ("fewer minutes than the first increment", 10, (), (), False, {}, "do not fill the first"),
    ("e-stim charted on needles, increments not said", 30, (), (2,), True, {}, "not by increment"),
]


@pytest.mark.parametrize(
    ("minutes", "electro", "reinserted", "electro_needles", "lines", "note"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_one_visit(
    minutes: int,
    electro: tuple[int, ...],
    reinserted: tuple[int, ...],
    electro_needles: bool,
    lines: dict[str, int],
    note: str | None,
) -> None:
    visit = VisitContact(
        session_id=1,
        face_to_face_minutes=minutes,
        electro_increments=electro,
        reinsertion_increments=reinserted,
        electro_needles=electro_needles,
    )
    result = bill_visit(visit)
    assert _codes(result) == lines
    if note is None:
        assert result.to_confirm == ()
    else:
        assert any(note in text for text in result.to_confirm), result.to_confirm


def test_minutes_not_charted_makes_no_line_and_says_so() -> None:
    result = bill_visit(VisitContact(session_id=3))
    assert result.lines == ()
    assert "not charted" in result.to_confirm[0]


def test_two_sessions_on_one_day_report_one_initial_code() -> None:
    morning = VisitContact(session_id=1, face_to_face_minutes=15)
    evening = VisitContact(session_id=2, face_to_face_minutes=30, reinsertion_increments=(1, 2))
    first, second = bill_day([morning, evening])
    assert _codes(first) == {"97810": 1}
    assert _codes(second) == {"97811": 2}
    assert any("Session 1 already reported the initial code" in t for t in second.to_confirm)


def test_second_session_without_reinsertion_bills_nothing() -> None:
    first, second = bill_day(
        [
            VisitContact(
                session_id=1, face_to_face_minutes=15, electro_increments=(1,), electro_needles=True
            ),
            VisitContact(
                session_id=2, face_to_face_minutes=15, electro_increments=(1,), electro_needles=True
            ),
        ]
    )
    assert _codes(first) == {"97813": 1}
    assert _codes(second) == {}
    assert any("Increment 1: no re-insertion" in t for t in second.to_confirm)


def test_fees_multiply_units_and_a_missing_fee_is_stated() -> None:
    result = bill_visit(
        VisitContact(session_id=1, face_to_face_minutes=45, reinsertion_increments=(2, 3))
    )
    full = priced(result, {"97810": Decimal("60.00"), "97811": Decimal("35.50")})
    assert [(line.code, line.amount) for line in full.lines] == [
        ("97810", Decimal("60.00")),
        ("97811", Decimal("71.00")),
    ]
    assert full.total == Decimal("131.00")
    partial = priced(result, {"97810": Decimal("60.00")})
    assert partial.total is None
    assert any("no fee for 97811" in t for t in partial.to_confirm)


def test_rules_carry_their_source_and_paraphrase_only() -> None:
    rules = load_billing_rules()
    assert rules.sources == ("codingahead_cpt_acupuncture",)
    assert rules.verified is False
    assert {c.code for c in rules.codes} == {"97810", "97811", "97813", "97814"}
    assert any("not the time the needles are left in" in r for r in rules.rules)
