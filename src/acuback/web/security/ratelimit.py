"""Login rate limiting: in memory, per client address and per username.

After `max_failures` failed logins within `window_seconds` from one address, or for one
username, further attempts are refused (HTTP 429 with Retry-After) until the oldest failure
leaves the window. A success clears the username's failures, not the address's. One process
only: behind several workers each keeps its own count (documented limitation).
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

__all__ = ["LoginRateLimiter"]


class LoginRateLimiter:
    def __init__(
        self,
        max_failures: int = 5,
        window_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._clock = clock
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def retry_after(self, address: str, username: str) -> int | None:
        """Seconds to wait before trying again, or None when a login may be attempted."""
        with self._lock:
            now = self._clock()
            waits = [self._wait(key, now) for key in self._keys(address, username)]
        blocked = [wait for wait in waits if wait is not None]
        return max(blocked) if blocked else None

    def failed(self, address: str, username: str) -> None:
        with self._lock:
            now = self._clock()
            for key in self._keys(address, username):
                self._failures[key].append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{username.lower()}", None)

    def _keys(self, address: str, username: str) -> tuple[str, str]:
        return f"ip:{address}", f"user:{username.lower()}"

    def _wait(self, key: str, now: float) -> int | None:
        times = self._failures.get(key)
        if not times:
            return None
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) < self.max_failures:
            return None
        # blocked until enough failures age out that fewer than max_failures remain
        oldest_that_counts = times[len(times) - self.max_failures]
        return max(1, math.ceil(self.window - (now - oldest_that_counts)))
