"""A code the old Bladder numbering also used is ambiguous; the WHO code itself is not."""

from __future__ import annotations

import pytest

from acuback.errors import AmbiguousCode
from acuback.knowledge import load_knowledge


@pytest.mark.parametrize("spelling", ["Bl-54", "BL-54", "bl 54", "UB54"])
def test_an_old_style_spelling_names_both_readings(spelling: str) -> None:
    with pytest.raises(AmbiguousCode) as error:
        load_knowledge().point(spelling)
    assert error.value.allowed == ("BL54", "BL40")
    message = str(error.value)
    assert "is ambiguous" in message
    assert "today's WHO code" in message
    assert "Bl-54 in the old Bladder numbering" in message


@pytest.mark.parametrize("spelling", ["BL54", "bl54", " BL40 "])
def test_the_who_code_as_written_means_todays_point(spelling: str) -> None:
    assert load_knowledge().point(spelling).code == spelling.strip().upper()


def test_numbers_the_old_numbering_never_used_are_plain() -> None:
    kb = load_knowledge()
    assert kb.point("Bl-23").code == "BL23"
    assert kb.old_readings("BL-23") == ()
    assert kb.old_readings("Bl-40") == ("BL45",)
