"""Effect sizes: formulas, the zero-cell rule and input validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from acuback.errors import InputError
from acuback.evidence import effect_sizes_from_columns, escalc_2x2, escalc_continuous, from_yi_vi


def test_md_is_difference_with_summed_variances() -> None:
    es = escalc_continuous("MD", [50], [10.0], [4.0], [40], [7.0], [5.0])
    assert es.yi[0] == pytest.approx(3.0)
    assert es.vi[0] == pytest.approx(16 / 50 + 25 / 40)


def test_smd_uses_exact_hedges_correction() -> None:
    n1, n2, m1, m2, s1, s2 = 20, 25, 12.0, 10.0, 3.0, 4.0
    es = escalc_continuous("SMD", [n1], [m1], [s1], [n2], [m2], [s2])
    m = n1 + n2 - 2
    sp = math.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / m)
    c = math.exp(math.lgamma(m / 2) - 0.5 * math.log(m / 2) - math.lgamma((m - 1) / 2))
    g = c * (m1 - m2) / sp
    assert es.yi[0] == pytest.approx(g, rel=1e-12)
    assert c == pytest.approx(1 - 3 / (4 * m - 1), abs=1e-4)  # the usual approximation
    assert es.vi[0] == pytest.approx(1 / n1 + 1 / n2 + g**2 / (2 * (n1 + n2)), rel=1e-12)


def test_zero_cell_correction_only_in_studies_with_a_zero() -> None:
    es = escalc_2x2("OR", [0, 5], [22, 15], [1, 10], [20, 10])
    assert es.yi[0] == pytest.approx(math.log(0.5 * 20.5 / (22.5 * 1.5)))
    assert es.yi[1] == pytest.approx(math.log(5 * 10 / (15 * 10)))
    assert es.ni == (43.0, 40.0)  # unadjusted totals


def test_rr_and_rd_formulas() -> None:
    rr = escalc_2x2("RR", [10], [90], [20], [80])
    assert rr.yi[0] == pytest.approx(math.log(0.1 / 0.2))
    assert rr.vi[0] == pytest.approx(1 / 10 - 1 / 100 + 1 / 20 - 1 / 100)
    rd = escalc_2x2("RD", [10], [90], [20], [80])
    assert rd.yi[0] == pytest.approx(-0.1)
    assert rd.vi[0] == pytest.approx(0.1 * 0.9 / 100 + 0.2 * 0.8 / 100)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: from_yi_vi([0.1, 0.2], [0.1, -0.2]), "vi"),
        (lambda: from_yi_vi([0.1, 0.2], [0.1, 0.0]), "vi"),
        (lambda: escalc_continuous("MD", [10], [1.0], [0.0], [10], [1.0], [1.0]), "sd1i"),
        (lambda: escalc_continuous("MD", [1], [1.0], [1.0], [10], [1.0], [1.0]), "n1i"),
        (lambda: escalc_2x2("RR", [-1], [5], [1], [5]), "ai"),
        (lambda: from_yi_vi([float("nan")], [0.1]), "yi"),
        (lambda: from_yi_vi([0.1], [0.1, 0.2]), "vi"),
    ],
)
def test_bad_values_name_the_field(call: object, field: str) -> None:
    with pytest.raises(InputError) as err:
        call()  # type: ignore[operator]
    assert err.value.field == field


def test_missing_columns_list_the_accepted_sets() -> None:
    with pytest.raises(InputError) as err:
        effect_sizes_from_columns({"study": ["a"], "yi": ["0.1"]}, "MD")
    assert err.value.field == "columns"
    assert "n1i,m1i,sd1i,n2i,m2i,sd2i" in str(err.value)
    assert "ai,bi,ci,di" in str(err.value)


def test_columns_need_a_matching_measure_and_numbers() -> None:
    cols = {"ai": ["1"], "bi": ["9"], "ci": ["2"], "di": ["8"]}
    with pytest.raises(InputError, match="measure"):
        effect_sizes_from_columns(cols, "SMD")
    with pytest.raises(InputError, match="ai: row 1 is 'x'"):
        effect_sizes_from_columns({**cols, "ai": ["x"]}, "RR")
    es = effect_sizes_from_columns({**cols, "study": ["Trial A"]}, "RR")
    assert es.study == ("Trial A",)
    assert np.isclose(es.yi[0], math.log(0.1 / 0.2))
