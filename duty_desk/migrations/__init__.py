"""Alembic migrations for duty-desk's schema, shipped in the package (run by ``duty-desk upgrade``)."""
