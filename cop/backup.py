"""Backups of Gilde's PostgreSQL database with PostgreSQL's own tools: `pg_dump` in its custom
format (compressed, restorable table by table) and `pg_restore`. The connection comes from the
running settings, so a backup is of the database Gilde uses; the password goes to the tools in
PGPASSWORD, never on a command line another user could read."""

import os
import subprocess
from pathlib import Path

from django.db import connections


def _connection(alias: str = "default") -> tuple[list[str], dict[str, str]]:
    """The tools' connection flags and environment for a configured database."""
    settings = connections[alias].settings_dict
    if connections[alias].vendor != "postgresql":
        raise ValueError("Backups are for PostgreSQL; the embedded SQLite database is a file in var/: copy it.")
    flags = ["--host", settings["HOST"] or "localhost", "--port", str(settings["PORT"] or 5432)]
    flags += ["--username", settings["USER"] or "postgres", "--dbname", settings["NAME"]]
    env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    return flags, env


def database_dump(path: Path, *, alias: str = "default") -> Path:
    """Writes the whole database (schema and data) to `path`."""
    flags, env = _connection(alias)
    path.parent.mkdir(parents=True, exist_ok=True)
    command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(path), *flags]
    subprocess.run(command, env=env, check=True)  # noqa: S603 (PostgreSQL's tool from PATH, no shell)
    return path


def database_restore(path: Path, *, alias: str = "default") -> None:
    """Loads a dump into the database (meant to be a new, empty one; objects that exist already
    are replaced). Stops at the first error rather than leave half a restore unnoticed."""
    flags, env = _connection(alias)
    command = ["pg_restore", "--no-owner", "--clean", "--if-exists", "--exit-on-error", "--single-transaction"]
    subprocess.run([*command, *flags, str(path)], env=env, check=True)  # noqa: S603 (no shell)
