"""The one loader of the clinical data files: errors name the file, the record and the field."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field

from acuback.clinical.data_files import load_data_file
from acuback.clinical.medication_vocabulary import Vocabulary, load_vocabulary
from acuback.clinical.screening_rules import RuleTable, load_rule_table
from acuback.errors import KnowledgeError


def _raw(name: str) -> Any:
    return yaml.safe_load(files("acuback.clinical").joinpath("data", name).read_text("utf-8"))


class _NeedsMore(BaseModel):
    model_config = ConfigDict(extra="allow")
    required_here: str


class _Rules(BaseModel):
    model_config = ConfigDict(extra="allow")
    rules: list[_NeedsMore]


class _Classes(BaseModel):
    model_config = ConfigDict(extra="allow")
    classes: list[_NeedsMore] = Field(min_length=1)


def test_both_files_load_through_it() -> None:
    assert isinstance(load_rule_table(), RuleTable)
    assert isinstance(load_vocabulary(), Vocabulary)


def test_an_error_in_a_rule_names_the_rule_by_its_id() -> None:
    with pytest.raises(KnowledgeError) as err:
        load_data_file("screening_rules.yaml", _Rules, records="rules", id_key="id")
    assert err.value.file == "clinical/data/screening_rules.yaml"
    assert err.value.record == _raw("screening_rules.yaml")["rules"][0]["id"]
    assert err.value.field == "rules[0].required_here"


def test_an_error_in_a_drug_class_names_the_class() -> None:
    with pytest.raises(KnowledgeError) as err:
        load_data_file("medications.yaml", _Classes, records="classes", id_key="class")
    assert err.value.file == "clinical/data/medications.yaml"
    assert err.value.record == _raw("medications.yaml")["classes"][0]["class"]
    assert err.value.field == "classes[0].required_here"


def test_an_error_outside_the_records_names_no_record() -> None:
    with pytest.raises(KnowledgeError) as err:
        load_data_file("medications.yaml", _Rules, records="rules", id_key="id")
    assert (err.value.record, err.value.field) == ("-", "rules")
