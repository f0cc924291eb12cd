"""The medication recogniser: medicines written as people write them (issue 9, point 1).

Each row is one free-text entry and what the screening must read in it. The classes are those
of clinical-standards.md 6.4 (anticoagulants, antiplatelets) and 5.1 (long-term corticosteroids:
fracture and infection risk); the names are members of the WHO ATC groups (who_atc).
"""

from __future__ import annotations

import re

import pytest

from acuback.clinical import match_medications, read_medications
from acuback.clinical.intake import FINDINGS
from acuback.clinical.medication_vocabulary import load_drug_classes
from acuback.clinical.medications import NOT_RECOGNISED, edit_distance
from acuback.knowledge import KnowledgeBase

ANTICOAGULANT, ANTIPLATELET, STEROID = (
    "anticoagulant_therapy",
    "antiplatelet_therapy",
    "long_term_corticosteroids",
)


@pytest.mark.parametrize(
    ("text", "finding", "drug"),
    [
        # the examples
        ("blood thinner", ANTICOAGULANT, None),
        ("takes blood thinners (not sure of the name)", ANTICOAGULANT, None),
        ("anticoagulant tablets (name unknown)", ANTICOAGULANT, None),
        ("on anticoagulation", ANTICOAGULANT, None),
        ("DOAC", ANTICOAGULANT, None),
        ("NOAC", ANTICOAGULANT, None),
        ("Xarelto20mg", ANTICOAGULANT, "rivaroxaban"),
        ("eliquis5mg", ANTICOAGULANT, "apixaban"),
        ("Warfarin-5mg", ANTICOAGULANT, "warfarin"),
        ("warfrin 3mg", ANTICOAGULANT, "warfarin"),
        ("apixiban 5 mg", ANTICOAGULANT, "apixaban"),
        ("Coumadine", ANTICOAGULANT, "warfarin"),
        ("Marcoumar", ANTICOAGULANT, "phenprocoumon"),
        ("prednisolone 20mg daily (for a skin rash)", STEROID, "prednisolone"),
        ("prednisolone 5mg + nasal spray", STEROID, "prednisolone"),
        ("Deltacortril 5mg", STEROID, "prednisolone"),
        # doses, marks, case, hyphens, punctuation
        ("Warfarin 3 mg daily", ANTICOAGULANT, "warfarin"),
        ("ELIQUIS 5mg bd", ANTICOAGULANT, "apixaban"),
        ("Xarelto® 20 mg", ANTICOAGULANT, "rivaroxaban"),
        ("Pradaxa™150", ANTICOAGULANT, "dabigatran"),
        ("anti-coagulant", ANTICOAGULANT, None),
        ("enoxaparin injection", ANTICOAGULANT, "enoxaparin"),
        ("Clexane 40 mg", ANTICOAGULANT, "enoxaparin"),
        ("Sintrom 4mg", ANTICOAGULANT, "acenocoumarol"),
        ("Fragmin", ANTICOAGULANT, "dalteparin"),
        ("Arixtra 2.5mg", ANTICOAGULANT, "fondaparinux"),
        ("LMWH injections", ANTICOAGULANT, None),
        ("rivaroxiban", ANTICOAGULANT, "rivaroxaban"),
        ("clopidogrel 75 mg", ANTIPLATELET, "clopidogrel"),
        ("Plavix", ANTIPLATELET, "clopidogrel"),
        ("Brilique 90mg", ANTIPLATELET, "ticagrelor"),
        ("aspirin 75 mg", ANTIPLATELET, "aspirin"),
        ("low-dose aspirin", ANTIPLATELET, "aspirin"),
        ("aspirin", ANTIPLATELET, "aspirin"),  # no dose: counted
        ("ASS 100", ANTIPLATELET, "aspirin"),
        ("antiplatelet", ANTIPLATELET, None),
        ("Prednisolone 5 mg", STEROID, "prednisolone"),
        ("medrol", STEROID, "methylprednisolone"),
        ("Solu-Medrol", STEROID, "methylprednisolone"),
        ("steroid tablets", STEROID, None),
        ("predisolone 10mg", STEROID, "prednisolone"),
        ("prednisolone for eye inflammation", STEROID, "prednisolone"),  # why, not how
        ("dexamethasone 4 mg tablets and eye drops", STEROID, "dexamethasone"),
        ("fluticasone nasal spray; prednisolone tablets", STEROID, "prednisolone"),
        ("pred 5mg", STEROID, "prednisolone"),
        ("INR checks at the clinic", ANTICOAGULANT, None),  # an INR means a vitamin K antagonist
        ("Duoplavin", ANTIPLATELET, "clopidogrel"),
    ],
)
def test_entries_count_as_their_class(text: str, finding: str, drug: str | None) -> None:
    matches = match_medications([text])
    assert [m.finding for m in matches] == [finding]
    assert matches[0].text == text
    if drug is None:
        assert matches[0].via == "class_word"
        assert matches[0].read_as
        assert "confirm which drug" in matches[0].read_as
    else:
        assert matches[0].drug == drug


def test_a_looser_near_miss_with_the_same_first_letter_says_may_be() -> None:
    (match,) = match_medications(["Xeralto 20mg"])
    assert match.finding == ANTICOAGULANT
    assert match.read_as == "'xeralto' may be xarelto (rivaroxaban): confirm"


@pytest.mark.parametrize(
    ("text", "written", "drug"),
    [
        ("warfrin 3mg", "warfrin", "warfarin"),
        ("apixiban 5 mg", "apixiban", "apixaban"),
        ("Coumadine", "coumadine", "coumadin (warfarin)"),
        ("clopidogral", "clopidogral", "clopidogrel"),
    ],
)
def test_near_misses_say_what_was_read(text: str, written: str, drug: str) -> None:
    (match,) = match_medications([text])
    assert match.via == "near_miss"
    assert match.read_as == f"{written!r} read as {drug}: confirm"


@pytest.mark.parametrize(
    "text",
    [
        "hydrocortisone cream",  # topical
        "prednisolone eye drops",
        "steroid inhaler",
        "aspirin 600 mg for headache",  # analgesic dose, not antiplatelet
        "aspirin 1 g",
    ],
)
def test_read_but_not_counted_is_said(text: str) -> None:
    reading = read_medications([text])
    assert reading.matches == ()
    assert reading.unrecognised == ()
    assert len(reading.notes) == 1
    assert "not counted" in reading.notes[0]


@pytest.mark.parametrize(
    "text", ["paracetamol", "ramipril 5mg", "warfarinase", "beclometasone inhaler", "vitamin D"]
)
def test_unread_entries_are_reported_never_dropped(text: str) -> None:
    reading = read_medications([text])
    assert reading.matches == ()
    assert [(u.text, u.message) for u in reading.unrecognised] == [(text, NOT_RECOGNISED)]


@pytest.mark.parametrize("text", ["", "none", "None.", "n/a", "no medication"])
def test_no_medicines_is_not_an_unread_entry(text: str) -> None:
    assert read_medications([text]).unrecognised == ()


@pytest.mark.parametrize("text", ["asa", "ass", "doac"])
def test_short_words_are_never_stretched(text: str) -> None:
    """A near miss of a short word is too often another word; short names must be exact."""
    neighbours = {"asa": "asx", "ass": "asp", "doac": "doax"}
    assert match_medications([neighbours[text]]) == ()
    assert match_medications([text]) != ()


def test_one_entry_naming_two_classes_counts_both() -> None:
    findings = {m.finding for m in match_medications(["warfarin and aspirin 75mg"])}
    assert findings == {ANTICOAGULANT, ANTIPLATELET}


def test_edit_distance_counts_a_swap_as_one() -> None:
    assert edit_distance("warfarin", "warfrain", 2) == 1
    assert edit_distance("warfarin", "warfrin", 2) == 1
    assert edit_distance("warfarin", "heparin", 1) == 2  # over the limit: limit + 1


def test_every_group_is_keyed_to_an_atc_code_and_a_known_source(kb: KnowledgeBase) -> None:
    codes = set()
    for cls in load_drug_classes():
        assert cls.finding in FINDINGS
        assert set(cls.sources) <= set(kb.sources), cls.key
        for group in cls.groups:
            assert re.fullmatch(r"[A-Z]\d\d[A-Z]{2}", group.atc)
            assert set(group.sources) <= set(kb.sources), group.atc
            codes.add(group.atc)
    assert {"B01AA", "B01AB", "B01AE", "B01AF", "B01AC", "H02AB"} <= codes


def test_an_unread_entry_is_screened_with_a_blood_thinners_care(kb: KnowledgeBase) -> None:
    """When in doubt, count it: until the practitioner knows what it is."""
    from acuback.clinical import parse_intake, screen

    data = {
        "age": 72,
        "sex": "male",
        "medications": ["Zyloric 100"],
        "pain": {"regions": ["lower_back"], "onset_weeks": 30, "nrs": 5},
    }
    result = screen(parse_intake(data), kb)
    assert result.disposition == "caution"
    assert [r.rule for r in result.reasons][:1] == ["unrecognised_medication"]
    assert result.constraints.max_depth_mm == {"*": 5}
    assert "BL40" in {a.code for a in result.constraints.avoid_points}
    assert [u.text for u in result.unrecognised_medications] == ["Zyloric 100"]
