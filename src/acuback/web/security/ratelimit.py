"""Login rate limiting: in memory, with growing delays, counted three ways.

Failed logins are counted within `window_seconds` for the pair (address, username), for the
username from any address, and for the address for any username, each with its own allowance
(`max_failures`, twice that, and `address_failures`). Past an allowance each further attempt
waits twice as long after the latest failure as the one before (1 s, 2 s, 4 s ... up to the
window), so a guesser slows to a crawl while a person who mistyped gets back in quickly. The
address allowance is large on purpose: a whole clinic behind one router shares an address, and
one person's typing must not lock the others out. A success clears the username's counts (its
own and its pairs), not the address's. One process only: behind several workers each keeps its
own count (documented limitation). Usernames count case-insensitively.
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
        address_failures: int = 100,
        first_delay: float = 1.0,
    ) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self.first_delay = first_delay
        self._allowance = {"pair": max_failures, "user": 2 * max_failures, "ip": address_failures}
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
        name = username.lower()
        with self._lock:
            for key in [k for k in self._failures if k.endswith(f"|{name}")]:
                del self._failures[key]
            self._failures.pop(f"user:|{name}", None)

    def _keys(self, address: str, username: str) -> tuple[str, str, str]:
        name = username.lower()
        return f"pair:{address}|{name}", f"user:|{name}", f"ip:{address}"

    def _wait(self, key: str, now: float) -> int | None:
        times = self._failures.get(key)
        if not times:
            return None
        while times and now - times[0] >= self.window:
            times.popleft()
        excess = len(times) - self._allowance[key.split(":", 1)[0]]
        if excess < 0:
            return None
        delay = min(self.window, self.first_delay * 2.0**excess)
        remaining = delay - (now - times[-1])
        return max(1, math.ceil(remaining)) if remaining > 0 else None
