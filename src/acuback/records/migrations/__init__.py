"""Alembic migration scripts for the acuback database (run through `acuback.records.migrate`)."""
