"""The audit chain becomes keyed (HMAC-SHA256 under ACUBACK_AUDIT_KEY): check the old chain.

Nothing in the schema changes and no entry is rewritten (the table is append-only): entries
written before this revision keep their plain SHA-256 hashes and are re-keyed by a seal, a keyed
`audit.rekey` entry appended after them (records/audit.py). The key is not part of a
migration's environment, so this step does only what needs no key: it verifies the old,
unkeyed chain and refuses to go on if it is broken, because sealing a tampered log would vouch
for it. `acuback db upgrade` then appends the seal with the key from ACUBACK_AUDIT_KEY; so does
`acuback audit rekey` for a database migrated some other way.

Revision ID: 0003_audit_keyed
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy.orm import Session

from acuback.errors import ConfigurationError
from acuback.records.audit import verify_unkeyed

revision: str = "0003_audit_keyed"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    report = verify_unkeyed(Session(bind=op.get_bind()))
    if not report.ok:
        raise ConfigurationError(
            f"the audit log is BROKEN at entry {report.first_broken_seq} ({report.problem}): "
            "it will not be re-keyed; investigate and restore it from a backup first"
        )


def downgrade() -> None:
    """Nothing to undo in the schema; keyed entries stay (an older acuback cannot verify them)."""
