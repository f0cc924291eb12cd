"""Every screening rule has a label a person can read, and codes never reach a page bare."""

from __future__ import annotations

from typing import get_args

from acuback.clinical.labels import (
    load_labels,
    method_label,
    response_label,
    rule_label,
    stance_label,
)
from acuback.clinical.protocols import GuidelineStatement
from acuback.clinical.screening_rules import load_rule_table


def test_every_packaged_rule_has_a_label() -> None:
    rules = {rule.id for rule in load_rule_table().rules}
    labels = load_labels().rules
    assert sorted(rules - set(labels)) == []
    assert sorted(set(labels) - rules) == []  # no label for a rule that does not exist
    assert all(label.strip() and "_" not in label for label in labels.values())


def test_codes_read_as_words() -> None:
    assert rule_label("infection_fever") == "Fever (possible infection)"
    assert rule_label("cauda_equina") == "Cauda equina signs"
    assert rule_label("night_pain_age") != "Night pain age"
    assert rule_label("clinic_own_rule") == "Clinic own rule"  # a policy's rule, in words
    assert response_label("de_qi") == "De qi (the needle sensation)"
    assert response_label("propagated sensation") == "propagated sensation"  # typed text


def test_every_guideline_stance_has_a_label() -> None:
    stances = set(get_args(GuidelineStatement.model_fields["stance"].annotation))
    assert set(load_labels().stances) == stances
    assert stance_label("may_use") == "May be used"


def test_methods_read_as_their_names_in_the_knowledge_base() -> None:
    assert method_label("tui_na") == "Tui na (Chinese therapeutic massage)"
    assert method_label("moxibustion_indirect") == "Indirect moxibustion (moxa stick)"
    assert method_label("clinic_cupping") == "Clinic cupping"  # not in methods.yaml: in words
