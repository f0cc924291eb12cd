"""The bundled trial data: sources on every row, analyses that never impute."""

from __future__ import annotations

import pytest

from acuback.errors import InputError, NotFound
from acuback.evidence.trials import (
    analysis_specs,
    arm_variance,
    contrasts,
    find_spec,
    pair_effect,
    run_analysis,
    trial_arms,
)


def test_every_row_has_a_source_address() -> None:
    arms = trial_arms()
    assert len(arms) == 67
    assert all(a.source.startswith(("http", "github")) for a in arms)
    assert all(c.source.startswith(("http", "github")) for c in contrasts())


def test_gerac_table6_cells() -> None:
    row = next(
        a
        for a in trial_arms()
        if a.trial == "GERAC"
        and a.arm == "conventional therapy"
        and a.outcome.startswith("pain")
        and a.timepoint == "6 weeks"
    )
    assert (row.n, row.mean, row.sd) == (361, 57.1, 16.5)


@pytest.mark.parametrize(
    "spec", analysis_specs(), ids=lambda s: f"{s.comparator}-{s.outcome}-{s.timepoint}"
)
def test_every_analysis_runs_or_says_why_not(spec: object) -> None:
    s = spec  # type: ignore[assignment]
    res = run_analysis(s.comparator, s.outcome, s.timepoint)  # type: ignore[attr-defined]
    if res.pooled is None:
        assert "cannot support" in res.message
        assert s.excluded  # type: ignore[attr-defined]
    else:
        assert res.pooled.k == len(s.pairs)  # type: ignore[attr-defined]
        assert res.pooled.ci_lb < res.pooled.estimate < res.pooled.ci_ub


def test_sham_pain_pools_gerac_and_art_in_favour_direction() -> None:
    res = run_analysis("sham", "pain")
    assert res.effects is not None
    assert res.effects.yi == pytest.approx((51.0 - 48.6, 28.7 - 23.6))
    gerac_var = 18.5**2 / 370 + 18.7**2 / 375
    assert res.effects.vi[0] == pytest.approx(gerac_var)


def test_arc_uses_reported_standard_errors() -> None:
    res = run_analysis("usual", "function")
    assert res.effects is not None
    i = res.effects.study.index("ARC (3 months)")
    assert res.effects.yi[i] == pytest.approx(9.4)
    assert res.effects.vi[i] == pytest.approx(0.4**2 + 0.4**2)


def test_arm_without_sd_is_refused_not_imputed() -> None:
    row = next(a for a in trial_arms() if a.trial == "Cherkin2009" and a.sd is None)
    with pytest.raises(InputError, match="not imputed"):
        arm_variance(row)
    with pytest.raises(InputError):
        pair_effect(row, row)


def test_unknown_analysis_is_not_found() -> None:
    with pytest.raises(NotFound):
        find_spec("sham", "sleep")
