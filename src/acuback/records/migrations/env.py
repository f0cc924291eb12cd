"""Alembic environment: runs migrations on the connection `acuback.records.migrate` hands over.

No alembic.ini is needed: the Config is built in code, and the connection arrives in
`config.attributes["connection"]`, so SQLite gets the same PRAGMAs as the application.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from acuback.records.tables import Base


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite alters a table by copying it; batch mode lets later revisions do that.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through acuback.records.migrate (no connection given)")
run_migrations(connection)
