"""Evidence synthesis: effect sizes, pooling, heterogeneity, bias tests, plots and trial data.

Numerical conventions follow R metafor's defaults (Viechtbauer 2010); each module's docstring
states its formulas. The packaged trial data (`data/`) carry a source address on every row.
Plots are built on demand with matplotlib (imported inside the plotting functions).
"""

from acuback.evidence.bias import (
    EggerTest,
    RankTest,
    TrimFill,
    egger_test,
    rank_test,
    trim_and_fill,
)
from acuback.evidence.effect_sizes import (
    COLUMN_SETS,
    EffectSizes,
    Measure,
    effect_sizes_from_columns,
    escalc_2x2,
    escalc_continuous,
    from_yi_vi,
)
from acuback.evidence.heterogeneity import Heterogeneity, heterogeneity, q_profile_ci
from acuback.evidence.pooling import PooledResult, back_transform, pool, pool_arrays
from acuback.evidence.regression import MetaRegression, meta_regression
from acuback.evidence.subgroups import (
    LeaveOneOut,
    SubgroupAnalysis,
    leave_one_out,
    subgroup_analysis,
)
from acuback.evidence.tau2 import Method, Tau2Estimate, estimate_tau2

__all__ = [
    "COLUMN_SETS",
    "EffectSizes",
    "EggerTest",
    "Heterogeneity",
    "LeaveOneOut",
    "Measure",
    "MetaRegression",
    "Method",
    "PooledResult",
    "RankTest",
    "SubgroupAnalysis",
    "Tau2Estimate",
    "TrimFill",
    "back_transform",
    "effect_sizes_from_columns",
    "egger_test",
    "escalc_2x2",
    "escalc_continuous",
    "estimate_tau2",
    "from_yi_vi",
    "heterogeneity",
    "leave_one_out",
    "meta_regression",
    "pool",
    "pool_arrays",
    "q_profile_ci",
    "rank_test",
    "subgroup_analysis",
    "trim_and_fill",
]
