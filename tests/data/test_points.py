"""Integrity of the packaged point data (issue 2, item 6)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from acuback.knowledge import KnowledgeBase
from acuback.knowledge.loader import DATA
from acuback.knowledge.models import ANGLES, REGIONS

WHO_COUNTS = {
    "LU": 11,
    "LI": 20,
    "ST": 45,
    "SP": 21,
    "HT": 9,
    "SI": 19,
    "BL": 67,
    "KI": 27,
    "PC": 9,
    "TE": 23,
    "GB": 44,
    "LR": 14,
    "GV": 28,
    "CV": 24,
}
BACK_PAIN_EXTRAS = ("EX-B2", "EX-B7", "EX-UE7", "EX-HN3", "EX-UE8", "EX-HN15")


@pytest.mark.parametrize(("meridian", "count"), WHO_COUNTS.items())
def test_point_count_per_meridian(kb: KnowledgeBase, meridian: str, count: int) -> None:
    points = kb.points_of(meridian)
    assert len(points) == count
    assert [p.number for p in points] == list(range(1, count + 1))


def test_all_361_standard_points_and_back_pain_extras(kb: KnowledgeBase) -> None:
    standard = [c for c in kb.points if not c.startswith("EX-")]
    assert len(standard) == len(set(standard)) == 361
    for code in BACK_PAIN_EXTRAS:
        assert code in kb.points


def test_codes_are_meridian_plus_number(kb: KnowledgeBase) -> None:
    for point in kb.points.values():
        assert point.code == f"{point.meridian}{point.number}"


def _csv_rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


@pytest.mark.parametrize("name", ["point_names.csv", "extra_point_names.csv"])
def test_packaged_names_equal_the_reference(reference_dir: Path, name: str) -> None:
    reference = {"point_names.csv": "acupoints_names.csv"}.get(name, "extra_points_names.csv")
    packaged = _csv_rows(Path(str(DATA / name)))
    assert packaged == _csv_rows(reference_dir / reference)


def test_point_names_agree_with_reference(kb: KnowledgeBase, reference_dir: Path) -> None:
    rows = _csv_rows(reference_dir / "acupoints_names.csv")
    rows |= _csv_rows(reference_dir / "extra_points_names.csv")
    for point in kb.points.values():
        row = rows[point.code]
        assert (point.pinyin, point.pinyin_ascii, point.hanzi, point.english) == (
            row["pinyin"],
            row["pinyin_ascii"],
            row["hanzi"],
            row["english"],
        )
        assert point.meridian == row["meridian"]
        assert point.number == int(row["number"])


def test_every_point_has_region_location_angle_depth_and_sources(kb: KnowledgeBase) -> None:
    for point in kb.points.values():
        assert point.region in REGIONS, point.code
        assert len(point.location) >= 20, point.code
        assert point.angle in ANGLES, point.code
        assert 0 < point.depth_mm.min <= point.depth_mm.max <= 80, point.code
        assert point.sources, point.code


def test_every_thoracic_risk_point_has_a_safe_depth_and_angle(kb: KnowledgeBase) -> None:
    risky = [p for p in kb.points.values() if p.has_flag("thoracic_risk")]
    assert {"GB21", "BL13", "BL43", "LU1", "ST12"} <= {p.code for p in risky}
    for point in risky:
        limit = point.max_safe_depth_mm
        assert limit is not None, point.code
        assert point.depth_mm.max <= limit, point.code
        assert point.angle in ("oblique", "transverse"), point.code


def test_gb21_safe_depth_is_below_the_measured_pleura_depth(kb: KnowledgeBase) -> None:
    # Chen 2018: mean skin-to-pleura depth 14.6 mm in women, 17.4 mm in men.
    limit = kb.points["GB21"].max_safe_depth_mm
    assert limit is not None
    assert limit < 14.6


@pytest.mark.parametrize("code", ["LI4", "SP6", "BL60", "BL67", "BL31", "BL32", "BL33", "BL34"])
def test_classically_forbidden_pregnancy_points_are_flagged(kb: KnowledgeBase, code: str) -> None:
    assert kb.points[code].has_flag("pregnancy_forbidden")


def test_position_flags_follow_regions(kb: KnowledgeBase) -> None:
    expected = {
        "lower_abdomen": "lower_abdominal",
        "upper_abdomen": "upper_abdominal",
        "lower_back": "lumbosacral",
        "sacrum": "lumbosacral",
    }
    for point in kb.points.values():
        if point.region in expected:
            assert point.has_flag(expected[point.region]), point.code


def test_foramen_flags(kb: KnowledgeBase) -> None:
    assert kb.points["CV17"].has_flag("sternal_foramen")
    assert kb.points["SI11"].has_flag("scapular_foramen")


def test_jiaji_has_its_vertebral_levels(kb: KnowledgeBase) -> None:
    levels = kb.points["EX-B2"].levels
    assert levels[0] == "T1"
    assert levels[-1] == "L5"
    assert len(levels) == 17


@pytest.mark.parametrize("code", ["CV8", "ST17"])
def test_never_needled_points_are_flagged(kb: KnowledgeBase, code: str) -> None:
    assert kb.points[code].has_flag("needling_forbidden")
