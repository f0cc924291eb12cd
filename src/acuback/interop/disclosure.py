"""The one small-cell rule of everything that leaves the clinic as figures about patients.

A count of people from 1 to `MIN_CELL - 1` is never published: a cell that small can point at
one person. `suppress_counts` applies it to a table of counts and then suppresses the next
smallest cell too when only one was hidden, since the published total minus the shown cells
would otherwise give the hidden one away (complementary suppression). The research
aggregates (`acuback.services.research`) use these alone, and the analytics report
(`analytics/data/factors.yaml`, `small_cell`) hides the figures of a level under the same
threshold (a test holds the two equal). The research export is row-level, so it has no
counts to suppress: its dictionary's `disclosure` says what that means.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["MIN_CELL", "is_small", "suppress_counts"]

MIN_CELL = 3


def is_small(count: int, min_cell: int = MIN_CELL) -> bool:
    """True for a count of people that must not be published (0 is safe: it names nobody)."""
    return 0 < count < min_cell


def suppress_counts(counts: Mapping[str, int], min_cell: int = MIN_CELL) -> dict[str, int | None]:
    """`counts` with every small cell (and, when needed, one complementary cell) as None."""
    shown: dict[str, int | None] = dict(counts)
    hidden = [key for key, count in counts.items() if is_small(count, min_cell)]
    for key in hidden:
        shown[key] = None
    if len(hidden) == 1:
        rest = sorted((count, key) for key, count in counts.items() if key not in hidden)
        if rest:
            shown[rest[0][1]] = None
    return shown
