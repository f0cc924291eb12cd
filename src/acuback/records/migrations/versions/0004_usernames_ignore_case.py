"""Usernames are unique ignoring case: `MEI` and `mei` are one account.

Before this revision they were two accounts, while the login limit already counted them as
one. Two accounts that differ only in case cannot be merged by a machine (each has its own
role, password and history), so the migration checks first and refuses, naming them, when any
exist; an administrator renames or deactivates one and runs the upgrade again. Then a unique
index on lower(username) keeps it so; logins look the username up ignoring case.

Revision ID: 0004_usernames_ignore_case
Revises: 0003_audit_keyed
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from acuback.errors import ConfigurationError

revision: str = "0004_usernames_ignore_case"
down_revision: str | None = "0003_audit_keyed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_users_username_lower"


def upgrade() -> None:
    clashes = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT lower(username) AS name, COUNT(*) AS n FROM users "
                "GROUP BY lower(username) HAVING COUNT(*) > 1 ORDER BY 1"
            )
        )
        .all()
    )
    if clashes:
        names = ", ".join(row.name for row in clashes)
        raise ConfigurationError(
            f"usernames that differ only in case: {names}; rename or remove all but one of "
            "each, then run `acuback db upgrade` again"
        )
    op.create_index(INDEX, "users", [sa.text("lower(username)")], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="users")
