"""Cross-file integrity: meridians, aliases, sources, conditions and methods resolve."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from acuback.errors import KnowledgeError
from acuback.knowledge import KnowledgeBase
from acuback.knowledge.loader import DATA, build_knowledge

CONFLUENT = {
    "GV": ("SI3", "BL62"),
    "CV": ("LU7", "KI6"),
    "CHONG": ("SP4", "PC6"),
    "DAI": ("GB41", "TE5"),
}


def test_twenty_pathways(kb: KnowledgeBase) -> None:
    kinds = [m.kind for m in kb.meridians.values()]
    assert kinds.count("regular") == 12
    assert kinds.count("extraordinary") == 8


def test_circulation_order_and_pairs(kb: KnowledgeBase) -> None:
    regular = sorted(
        (m for m in kb.meridians.values() if m.kind == "regular"),
        key=lambda m: m.circulation_order or 0,
    )
    codes = [m.code for m in regular]
    assert codes == ["LU", "LI", "ST", "SP", "HT", "SI", "BL", "KI", "PC", "TE", "GB", "LR"]
    for m in regular:
        partner = kb.meridians[m.paired or ""]
        assert partner.paired == m.code
        assert partner.polarity != m.polarity
        assert partner.limb == m.limb


@pytest.mark.parametrize(("vessel", "pair"), CONFLUENT.items())
def test_confluent_points(kb: KnowledgeBase, vessel: str, pair: tuple[str, str]) -> None:
    confluent = kb.meridians[vessel].confluent
    assert confluent is not None
    assert (confluent.opening_point, confluent.coupled_point) == pair
    coupled = kb.meridians[confluent.coupled_vessel].confluent
    assert coupled is not None
    assert coupled.opening_point == pair[1]


def test_only_gv_and_cv_have_points_of_their_own(kb: KnowledgeBase) -> None:
    vessels = [m for m in kb.meridians.values() if m.kind == "extraordinary"]
    assert {m.code for m in vessels if m.has_own_points} == {"GV", "CV"}
    for m in vessels:
        if not m.has_own_points:
            assert m.shared_points


def test_every_alias_and_source_key_resolves(kb: KnowledgeBase) -> None:
    for alias in kb.aliases:
        assert set(alias.codes) <= set(kb.points), alias.text
        assert set(alias.sources) <= set(kb.sources), alias.text
    for point in kb.points.values():
        assert set(point.sources) <= set(kb.sources), point.code
        for flag in point.flags:
            assert set(flag.sources) <= set(kb.sources), point.code


def test_required_popular_aliases(kb: KnowledgeBase) -> None:
    wanted = {
        "Sea of Vitality": {"BL23", "BL52"},
        "Sea of Energy": {"CV6"},
        "Commanding Middle": {"BL40"},
        "Gates of Consciousness": {"GB20"},
        "Shoulder Well": {"GB21"},
        "Womb and Vitals": {"BL53"},
        "Bigger Stream": {"KI3"},
        "Kunlun Mountains": {"BL60"},
    }
    found = {a.text: set(a.codes) for a in kb.aliases}
    for text, codes in wanted.items():
        assert found[text] == codes


def test_old_bladder_numbering(kb: KnowledgeBase) -> None:
    old = {a.text: a.codes for a in kb.aliases if a.system == "old_numbering"}
    assert old["Bl-54"] == ("BL40",)
    assert old["Bl-47"] == ("BL52",)
    assert len(old) == 19  # BL36-BL54


def test_conditions_have_icd10cm_codes(kb: KnowledgeBase) -> None:
    wanted = {"non_specific", "sciatica", "spinal_stenosis", "herniated_disc"}
    assert wanted <= set(kb.conditions)
    for condition in kb.conditions.values():
        for code in condition.icd10cm:
            assert code[0].isalpha(), code
            assert code[1:3].isdigit(), code


def test_methods(kb: KnowledgeBase) -> None:
    assert {"manual_needling", "electroacupuncture", "tui_na", "acupressure"} <= set(kb.methods)


# --- the loader refuses a broken knowledge base, naming file, record and field ---------------


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(Path(str(DATA)), target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_copy_loads(data_copy: Path) -> None:
    assert len(build_knowledge(data_copy).points) == len(build_knowledge(DATA).points)


def test_unknown_source_key_is_named(data_copy: Path) -> None:
    _edit(
        data_copy / "aliases.yaml",
        "sources: [gach1990, acupressure_names_web]",
        "sources: [gach1990, no_such_book]",
    )
    with pytest.raises(KnowledgeError) as err:
        build_knowledge(data_copy)
    assert (err.value.file, err.value.field) == ("aliases.yaml", "sources")
    assert "no_such_book" in str(err.value)


def test_bad_field_is_named(data_copy: Path) -> None:
    _edit(data_copy / "meridians.yaml", "circulation_order: 7", "circulation_order: 13")
    with pytest.raises(KnowledgeError) as err:
        build_knowledge(data_copy)
    assert (err.value.file, err.value.record, err.value.field) == (
        "meridians.yaml",
        "BL",
        "circulation_order",
    )


def test_duplicate_point_is_refused(data_copy: Path) -> None:
    bl = (data_copy / "points" / "BL.yaml").read_text(encoding="utf-8")
    first = bl[bl.index("- code: BL1\n") : bl.index("- code: BL2\n")]
    (data_copy / "points" / "BL.yaml").write_text(bl + "\n" + first, encoding="utf-8")
    with pytest.raises(KnowledgeError, match="duplicate"):
        build_knowledge(data_copy)


def test_missing_point_breaks_the_count(data_copy: Path) -> None:
    bl = (data_copy / "points" / "BL.yaml").read_text(encoding="utf-8")
    cut = bl[: bl.index("- code: BL67\n")]
    (data_copy / "points" / "BL.yaml").write_text(cut, encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        build_knowledge(data_copy)
    assert err.value.field == "point_count"
