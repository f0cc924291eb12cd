"""Time a REML random-effects fit in acuback beside PyMARE and statsmodels, in one run.

Run: `python bench/bench_reml.py [--repeats N]`. Data are simulated with a fixed seed
(true mu = 0.3, tau^2 = 0.05, v ~ Uniform(0.01, 0.5)) for k = 10, 100, 1,000, 10,000 and
100,000.
For each library the median wall time of `repeats` fits is printed, with the ratio to acuback
and the largest absolute difference of the estimates (mu, se, tau^2) from acuback's; a
second line gives each library's distance from the exact tau^2 optimum (acuback stops where
metafor stops, at a tau^2 change below 1e-5, so it matches metafor rather than the optimum).

First, the estimator against its NumPy limit (target: at most 1.3x at every k):
* acuback: `estimate_tau2(y, v, "REML")`;
* NumPy limit: the same algorithm written plainly with vectorised NumPy (`numpy_reml` below:
  HE start, Fisher scoring with step halving, metafor's stopping rule |change| < 1e-5, the
  standard error at the estimate, metafor's ll0check), each sum a fresh-array expression;
* the scoring loop alone (no standard error, no ll0check), for orientation.
Then the Q-profile tau^2 interval's cost: `pool_arrays` with and without it.

What each library fits:
* acuback: `pool_arrays(y, v, "REML", with_tau2_ci=False)` (Fisher scoring, metafor's defaults;
  the Q-profile tau^2 interval is left out because the others do not compute it).
* PyMARE: `VarianceBasedLikelihoodEstimator(method="REML", small_sample_correction="wald")`
  (Wald, i.e. metafor's default test; PyMARE >= 0.0.11 defaults to Knapp-Hartung).
* statsmodels: `combine_effects` has no REML estimator (method_re is "chi2"/"dl" =
  DerSimonian-Laird or "iterated"/"pm" = Paule-Mandel), so it cannot do this fit. For
  orientation the script also times Paule-Mandel in statsmodels and in acuback.
A library that is not installed is skipped with a note.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from importlib.util import find_spec

import numpy as np

from acuback.evidence import estimate_tau2, pool_arrays
from acuback.evidence.tau2 import FISHER_MAXITER, FISHER_THRESHOLD

SIZES = (10, 100, 1_000, 10_000, 100_000)
Fit = Callable[[np.ndarray, np.ndarray], tuple[float, float, float]]


def simulate(k: int, seed: int = 20260101) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed + k)
    v = rng.uniform(0.01, 0.5, k)
    y = rng.normal(0.3, np.sqrt(v + 0.05))
    return y, v


def acuback_fit(method: str) -> Fit:
    def fit(y: np.ndarray, v: np.ndarray) -> tuple[float, float, float]:
        r = pool_arrays(y, v, method, with_tau2_ci=False)  # type: ignore[arg-type]
        return r.estimate, r.se, r.tau2

    return fit


def pymare_reml() -> Fit | None:
    if find_spec("pymare") is None:
        return None
    from pymare.estimators import VarianceBasedLikelihoodEstimator

    def fit(y: np.ndarray, v: np.ndarray) -> tuple[float, float, float]:
        est = VarianceBasedLikelihoodEstimator(method="REML", small_sample_correction="wald")
        est.fit(y=y[:, None], v=v[:, None], X=np.ones((y.size, 1)))
        mu = float(est.params_["fe_params"][0, 0])
        se = float(np.sqrt(est.params_["inv_cov"][0, 0, 0]))
        return mu, se, float(est.params_["tau2"].ravel()[0])

    return fit


def statsmodels_pm() -> Fit | None:
    if find_spec("statsmodels") is None:
        return None
    from statsmodels.stats.meta_analysis import combine_effects

    def fit(y: np.ndarray, v: np.ndarray) -> tuple[float, float, float]:
        res = combine_effects(y, v, method_re="iterated")
        return float(res.mean_effect_re), float(res.sd_eff_w_re), float(res.tau2)

    return fit


def numpy_reml(y: np.ndarray, v: np.ndarray, full: bool = True) -> tuple[float, float, float]:
    """REML tau^2 by Fisher scoring in plain vectorised NumPy, metafor's rules; (0, se, tau2)."""
    k = y.size
    tau2 = max(0.0, float((np.square(y - y.mean()).sum() - v.sum() * (k - 1) / k) / (k - 1)))

    def sums(t: float) -> tuple[float, float, float, float, float]:
        w = 1.0 / (v + t)
        sw, sw2 = w.sum(), np.square(w).sum()
        r = y - (w * y).sum() / sw
        trpp = sw2 - 2 * (w**3).sum() / sw + sw2**2 / sw**2
        return sw, sw2, trpp, (w * r * r).sum(), np.square(w * r).sum()

    for _ in range(FISHER_MAXITER):
        sw, sw2, trpp, _, ypppy = sums(tau2)
        adj = (ypppy - (sw - sw2 / sw)) / trpp
        while tau2 + adj < 0:
            adj /= 2
        tau2, old = float(tau2 + adj), tau2
        if abs(tau2 - old) <= FISHER_THRESHOLD:
            break
    if not full:
        return 0.0, 0.0, tau2
    sw, _, trpp, q, _ = sums(tau2)
    if tau2 > FISHER_THRESHOLD:
        sw0, _, _, q0, _ = sums(0.0)
        gain = 0.5 * np.log1p(tau2 / v).sum() - 0.5 * (q0 - q) - 0.5 * np.log(sw0 / sw)
        if gain > 1.220703e-4:
            tau2 = 0.0
            _, _, trpp, _, _ = sums(0.0)
    return 0.0, float(np.sqrt(2 / trpp)), tau2


def acuback_tau2(y: np.ndarray, v: np.ndarray) -> tuple[float, float, float]:
    est = estimate_tau2(y, v, "REML")
    return 0.0, est.se or 0.0, est.tau2


def limit_table(repeats: int) -> None:
    print("== REML estimator against its NumPy limit (target ratio <= 1.3) ==")
    print(
        f"{'k':>7} {'acuback ms':>11} {'limit ms':>9} {'ratio':>6} {'loop ms':>8} {'max|diff|':>10}"
    )
    for k in SIZES:
        y, v = simulate(k)
        n = repeats or (300 if k <= 1_000 else 30)
        ours, est = median_time(acuback_tau2, y, v, n)
        limit, ref = median_time(numpy_reml, y, v, n)
        loop, _ = median_time(lambda a, b: numpy_reml(a, b, full=False), y, v, n)
        diff = max(abs(a - b) for a, b in zip(est, ref, strict=True))
        print(
            f"{k:>7} {ours * 1e3:>11.3f} {limit * 1e3:>9.3f} {ours / limit:>5.2f}x "
            f"{loop * 1e3:>8.3f} {diff:>10.1e}"
        )
    print()
    print("== Q-profile tau^2 interval: pool_arrays(REML) with and without it ==")
    print(f"{'k':>7} {'with CI ms':>11} {'without ms':>11} {'ratio':>6}")
    for k in SIZES:
        y, v = simulate(k)
        n = repeats or (300 if k <= 1_000 else 30)
        with_ci, _ = median_time(lambda a, b: _pooled(a, b, True), y, v, n)
        without, _ = median_time(lambda a, b: _pooled(a, b, False), y, v, n)
        print(f"{k:>7} {with_ci * 1e3:>11.3f} {without * 1e3:>11.3f} {with_ci / without:>5.2f}x")
    print()


def _pooled(y: np.ndarray, v: np.ndarray, ci: bool) -> tuple[float, float, float]:
    r = pool_arrays(y, v, "REML", with_tau2_ci=ci)
    return r.estimate, r.se, r.tau2


def exact_tau2(y: np.ndarray, v: np.ndarray, title: str) -> float:
    """The estimator's optimum to ~1e-13 (metafor stops scoring at |change| < 1e-5)."""
    method = "REML" if title == "REML" else "PM"
    return estimate_tau2(y, v, method, threshold=1e-13).tau2


def median_time(
    fit: Fit, y: np.ndarray, v: np.ndarray, repeats: int
) -> tuple[float, tuple[float, float, float]]:
    out = fit(y, v)  # warm-up (imports, caches)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fit(y, v)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def _row(
    name: str, k: int, t: float, base_t: float, est: tuple[float, ...], base: tuple[float, ...]
) -> str:
    diff = max(abs(a - b) for a, b in zip(est, base, strict=True))
    return f"{name:<28} {k:>7} {t * 1e3:>11.3f} {t / base_t:>9.1f}x {diff:>14.2e}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=0, help="fits per timing (0: by k)")
    args = parser.parse_args()
    limit_table(args.repeats)
    libs: list[tuple[str, Fit | None, str]] = [
        ("PyMARE REML (wald)", pymare_reml(), "pymare"),
    ]
    pm_libs: list[tuple[str, Fit | None, str]] = [
        ("statsmodels PM (iterated)", statsmodels_pm(), "statsmodels"),
    ]
    print("REML fit: median wall time per fit; ratio = library time / acuback time;")
    print("max|diff| = largest absolute difference of (mu, se, tau^2) from acuback's.")
    print("statsmodels: combine_effects has no REML estimator; timed below with Paule-Mandel.\n")
    header = f"{'library':<28} {'k':>7} {'median ms':>11} {'ratio':>10} {'max|diff|':>14}"
    for title, ours, others in (
        ("REML", acuback_fit("REML"), libs),
        ("Paule-Mandel", acuback_fit("PM"), pm_libs),
    ):
        print(f"== {title} ==")
        print(header)
        for k in SIZES:
            y, v = simulate(k)
            repeats = args.repeats or (200 if k <= 1_000 else 20)
            base_t, base = median_time(ours, y, v, repeats)
            print(_row(f"acuback {title}", k, base_t, base_t, base, base))
            errors = [f"acuback {abs(base[2] - exact_tau2(y, v, title)):.1e}"]
            for name, fit, module in others:
                if fit is None:
                    print(f"{name:<28} {k:>7}   skipped: {module} is not installed")
                    continue
                t, est = median_time(fit, y, v, repeats)
                print(_row(name, k, t, base_t, est, base))
                errors.append(f"{name.split()[0]} {abs(est[2] - exact_tau2(y, v, title)):.1e}")
            print(f"{'':<28} {'':>7}   |tau^2 - optimum|: {', '.join(errors)}")
        print()


if __name__ == "__main__":
    main()
