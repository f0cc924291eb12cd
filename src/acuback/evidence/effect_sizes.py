"""Effect sizes and their sampling variances, computed as R metafor's `escalc` does by default.

Conventions (metafor 4.x defaults; Viechtbauer 2010, J Stat Softw 36(3)):

* MD:  yi = m1 - m2,  vi = sd1^2/n1 + sd2^2/n2.
* SMD: Hedges' g.  d = (m1 - m2)/s_pooled with s_pooled^2 = ((n1-1) sd1^2 + (n2-1) sd2^2)/(n1+n2-2);
  yi = c(m) d with the exact correction c(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)), m = n1+n2-2;
  vi = 1/n1 + 1/n2 + yi^2 / (2 (n1+n2))  (metafor's large-sample `vtype="LS"`).
* RR:  log risk ratio, yi = log(a/n1) - log(c/n2), vi = 1/a - 1/n1 + 1/c - 1/n2.
* OR:  log odds ratio, yi = log(a d / (b c)), vi = 1/a + 1/b + 1/c + 1/d.
* RD:  risk difference, yi = a/n1 - c/n2, vi = p1(1-p1)/n1 + p2(1-p2)/n2.

For the 2x2 measures 1/2 is added to all four cells of a study only when one of its cells is
zero (metafor `add=1/2, to="only0"`). Group 1 is the treatment arm, so a negative log RR means
fewer events with treatment. `ni` keeps the unadjusted total sample size (used by Egger variants).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln

from acuback.errors import InputError

__all__ = [
    "COLUMN_SETS",
    "EffectSizes",
    "Measure",
    "effect_sizes_from_columns",
    "escalc_2x2",
    "escalc_continuous",
    "from_yi_vi",
]

Measure = Literal["MD", "SMD", "RR", "OR", "RD", "GEN"]
MEASURES: tuple[str, ...] = get_args(Measure)
Array = NDArray[np.float64]

#: The accepted input column sets (metafor argument names), in the order they are tried.
COLUMN_SETS: dict[str, tuple[str, ...]] = {
    "yi_vi": ("yi", "vi"),
    "continuous": ("n1i", "m1i", "sd1i", "n2i", "m2i", "sd2i"),
    "2x2": ("ai", "bi", "ci", "di"),
}
_ACCEPTED = "yi,vi | n1i,m1i,sd1i,n2i,m2i,sd2i | ai,bi,ci,di (plus optional study)"


@dataclass(frozen=True)
class EffectSizes:
    """Study effect sizes `yi` with sampling variances `vi` on the analysis scale.

    `measure` says what yi is (RR and OR are on the log scale); `study` labels the rows;
    `ni` is the total sample size per study when known (None for yi/vi input).
    """

    measure: Measure
    yi: tuple[float, ...]
    vi: tuple[float, ...]
    study: tuple[str, ...]
    ni: tuple[float, ...] | None = None

    @property
    def k(self) -> int:
        return len(self.yi)

    def arrays(self) -> tuple[Array, Array]:
        """yi and vi as float arrays."""
        return np.asarray(self.yi, dtype=float), np.asarray(self.vi, dtype=float)


def _labels(study: Sequence[str] | None, k: int) -> tuple[str, ...]:
    if study is None:
        return tuple(f"Study {i + 1}" for i in range(k))
    if len(study) != k:
        raise InputError("study", f"has {len(study)} labels for {k} rows")
    return tuple(str(s) for s in study)


def _array(name: str, values: Sequence[float] | Array, k: int | None = None) -> Array:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise InputError(name, "must be a one-dimensional list of numbers")
    if k is not None and arr.size != k:
        raise InputError(name, f"has {arr.size} values, expected {k}")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise InputError(name, f"row {bad[0] + 1} is not a finite number")
    return arr


def _first(name: str, values: Sequence[float] | Array) -> Array:
    """The first column, which sets the number of studies: at least one."""
    arr = _array(name, values)
    if arr.size == 0:
        raise InputError(name, "no studies given")
    return arr


def _require(name: str, arr: Array, ok: NDArray[np.bool_], rule: str) -> None:
    bad = np.flatnonzero(~ok)
    if bad.size:
        raise InputError(name, f"row {bad[0] + 1} is {arr[bad[0]]:g}; {rule}")


def from_yi_vi(
    yi: Sequence[float] | Array,
    vi: Sequence[float] | Array,
    study: Sequence[str] | None = None,
    measure: Measure = "GEN",
) -> EffectSizes:
    """Wrap given effect sizes; every vi must be positive."""
    y = _first("yi", yi)
    v = _array("vi", vi, y.size)
    _require("vi", v, v > 0, "sampling variances must be positive")
    return EffectSizes(measure, tuple(y.tolist()), tuple(v.tolist()), _labels(study, y.size))


def _hedges_c(m: Array) -> Array:
    """Exact small-sample correction factor c(m) of Hedges (1981)."""
    return np.asarray(np.exp(gammaln(m / 2) - 0.5 * np.log(m / 2) - gammaln((m - 1) / 2)))


def escalc_continuous(
    measure: Literal["MD", "SMD"],
    n1i: Sequence[float] | Array,
    m1i: Sequence[float] | Array,
    sd1i: Sequence[float] | Array,
    n2i: Sequence[float] | Array,
    m2i: Sequence[float] | Array,
    sd2i: Sequence[float] | Array,
    study: Sequence[str] | None = None,
) -> EffectSizes:
    """MD or SMD (Hedges' g) from arm means, SDs and sizes; group 1 minus group 2."""
    n1 = _first("n1i", n1i)
    k = n1.size
    n2, m1, m2 = _array("n2i", n2i, k), _array("m1i", m1i, k), _array("m2i", m2i, k)
    s1, s2 = _array("sd1i", sd1i, k), _array("sd2i", sd2i, k)
    for name, n in (("n1i", n1), ("n2i", n2)):
        _require(name, n, n >= 2, "each arm needs n >= 2")
    for name, s in (("sd1i", s1), ("sd2i", s2)):
        _require(name, s, s > 0, "standard deviations must be > 0")
    if measure == "MD":
        yi = m1 - m2
        vi = s1**2 / n1 + s2**2 / n2
    elif measure == "SMD":
        m = n1 + n2 - 2
        sp = np.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / m)
        yi = _hedges_c(m) * (m1 - m2) / sp
        vi = 1 / n1 + 1 / n2 + yi**2 / (2 * (n1 + n2))
    else:
        raise InputError("measure", f"{measure!r} needs arm counts, not means", ("MD", "SMD"))
    return EffectSizes(
        measure,
        tuple(yi.tolist()),
        tuple(vi.tolist()),
        _labels(study, k),
        tuple((n1 + n2).tolist()),
    )


def escalc_2x2(
    measure: Literal["RR", "OR", "RD"],
    ai: Sequence[float] | Array,
    bi: Sequence[float] | Array,
    ci: Sequence[float] | Array,
    di: Sequence[float] | Array,
    study: Sequence[str] | None = None,
    add: float = 0.5,
) -> EffectSizes:
    """log RR, log OR or RD from 2x2 counts (a, b: events and non-events with treatment)."""
    a = _first("ai", ai)
    k = a.size
    b, c, d = _array("bi", bi, k), _array("ci", ci, k), _array("di", di, k)
    for name, x in (("ai", a), ("bi", b), ("ci", c), ("di", d)):
        _require(name, x, x >= 0, "counts must be >= 0")
    for name, x in (("ai+bi", a + b), ("ci+di", c + d)):
        _require(name, x, x > 0, "each arm needs at least one participant")
    ni = a + b + c + d
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    a, b, c, d = (np.where(zero, x + add, x) for x in (a, b, c, d))
    n1, n2 = a + b, c + d
    p1, p2 = a / n1, c / n2
    if measure == "RR":
        yi, vi = np.log(p1) - np.log(p2), 1 / a - 1 / n1 + 1 / c - 1 / n2
    elif measure == "OR":
        yi, vi = np.log(a * d / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d
    elif measure == "RD":
        yi, vi = p1 - p2, p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    else:
        raise InputError("measure", f"{measure!r} needs means, not counts", ("RR", "OR", "RD"))
    if not np.all(np.isfinite(yi)) or not np.all(vi > 0):
        row = int(np.flatnonzero(~np.isfinite(yi) | ~(vi > 0))[0]) + 1
        raise InputError("ai,bi,ci,di", f"row {row} gives no usable {measure} (all or no events)")
    return EffectSizes(
        measure, tuple(yi.tolist()), tuple(vi.tolist()), _labels(study, k), tuple(ni.tolist())
    )


def _column(rows: Mapping[str, Sequence[str]], name: str) -> list[float]:
    out = []
    for i, raw in enumerate(rows[name]):
        try:
            out.append(float(raw))
        except (TypeError, ValueError):
            raise InputError(name, f"row {i + 1} is {raw!r}, not a number") from None
    return out


def effect_sizes_from_columns(
    columns: Mapping[str, Sequence[str]], measure: Measure | None = None
) -> EffectSizes:
    """Build effect sizes from named columns (e.g. a parsed CSV) using metafor's argument names.

    Accepted sets: `yi,vi` (measure taken as given, default GEN); `n1i,m1i,sd1i,n2i,m2i,sd2i`
    (MD or SMD); `ai,bi,ci,di` (RR, OR or RD). An optional `study` column labels the rows.
    """
    present = set(columns)
    study = list(columns["study"]) if "study" in present else None
    if measure is not None and measure not in MEASURES:
        raise InputError("measure", f"unknown measure {measure!r}", MEASURES[:-1])
    if set(COLUMN_SETS["yi_vi"]) <= present:
        return from_yi_vi(_column(columns, "yi"), _column(columns, "vi"), study, measure or "GEN")
    if set(COLUMN_SETS["continuous"]) <= present:
        if measure not in ("MD", "SMD"):
            raise InputError("measure", "arm means and SDs give MD or SMD", ("MD", "SMD"))
        n1, m1, s1, n2, m2, s2 = (_column(columns, c) for c in COLUMN_SETS["continuous"])
        return escalc_continuous(measure, n1, m1, s1, n2, m2, s2, study=study)
    if set(COLUMN_SETS["2x2"]) <= present:
        if measure not in ("RR", "OR", "RD"):
            raise InputError("measure", "2x2 counts give RR, OR or RD", ("RR", "OR", "RD"))
        a, b, c, d = (_column(columns, col) for col in COLUMN_SETS["2x2"])
        return escalc_2x2(measure, a, b, c, d, study=study)
    raise InputError("columns", f"found {', '.join(sorted(present)) or 'none'}", _ACCEPTED)
