"""The clinic's safety policy: the one reader of the file `Settings.policy` names.

The web app reads it from the settings it was created with, the CLI from the environment's;
the use cases that screen or plan take the result as an argument, never from global settings.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from acuback.clinical.screening_rules import Policy, parse_policy
from acuback.errors import InputError
from acuback.settings import Settings

__all__ = ["clinic_policy"]


def clinic_policy(settings: Settings) -> Policy | None:
    """The safety policy named by `settings.policy` (ACUBACK_POLICY), or None when none is."""
    return None if settings.policy is None else _read_policy(str(settings.policy))


@lru_cache(maxsize=4)
def _read_policy(path: str) -> Policy:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except IsADirectoryError:
        raise InputError("ACUBACK_POLICY", f"{path!r} is a folder, not a file") from None
    except FileNotFoundError:
        raise InputError("ACUBACK_POLICY", f"no such file: {path!r}") from None
    except OSError as exc:
        raise InputError("ACUBACK_POLICY", f"cannot read {path!r}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        problem = f"{path!r} is not UTF-8 text (undecodable byte at position {exc.start})"
        raise InputError("ACUBACK_POLICY", problem) from None
    if not text.strip():
        raise InputError("ACUBACK_POLICY", f"{path!r} is empty")
    return parse_policy(text, name=f"ACUBACK_POLICY {path}")
