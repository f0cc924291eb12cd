"""Depth ceilings from the safe end of the data (issue 9, point 4).

clinical-standards.md 6.5 gives the GB21 skin-to-pleura depth measured by Chen 2018 only as
group means (17.4 mm in men, 14.6 mm in women). A mean cannot be a ceiling (about half of the
people measured are shallower), and no SD, percentile or minimum is given to compute a safe end
from, so no ceiling that cites the measurement may reach the lower mean, and each says its basis.
"""

from __future__ import annotations

from acuback.knowledge import KnowledgeBase

LOWER_MEASURED_MEAN_MM = 14.6  # women, Chen 2018 (chen2018_gb21)


def test_no_ceiling_citing_the_gb21_measurement_reaches_its_mean(kb: KnowledgeBase) -> None:
    citing = {
        point.code: flag
        for point in kb.points.values()
        for flag in point.flags
        if flag.kind == "thoracic_risk" and "chen2018_gb21" in flag.sources
    }
    assert {"GB21", "LI16"} <= set(citing)
    for code, flag in citing.items():
        assert flag.max_depth_mm is not None
        assert flag.max_depth_mm < LOWER_MEASURED_MEAN_MM, code
        assert flag.depth_basis == "textbook", code  # no spread is known to compute from
        assert flag.note is not None
        assert "mean" in flag.note, code  # the note says why the mean was not used


def test_every_thoracic_ceiling_says_its_basis_and_bounds_the_planned_depth(
    kb: KnowledgeBase,
) -> None:
    for point in kb.points.values():
        for flag in point.flags:
            if flag.kind != "thoracic_risk":
                continue
            assert flag.depth_basis in (
                "textbook",
                "measured_minimum",
                "measured_lower_percentile",
                "measured_mean_minus_2sd",
            )
            assert flag.max_depth_mm is not None
            assert point.depth_mm.max <= flag.max_depth_mm, point.code
    assert kb.points["GB21"].max_safe_depth_mm == 10
