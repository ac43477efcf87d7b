"""Who may read the home: its owner only.

The home holds the private keys and, by default, the SQLite database with every passport, so the home and
``keys/`` are mode 0700 and the database with its ``-wal`` and ``-shm`` files mode 0600. Directories and files
are made private as they are created (never briefly open to others) and an existing home's modes are put
right when a deployment starts.
"""

from __future__ import annotations

from pathlib import Path

from schemas.errors import ConfigurationError

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
# SQLite's companions of a database in WAL mode (https://sqlite.org/wal.html s.2.2 and s.9).
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """Make ``path`` (and any missing parents) and leave it mode 0700."""
    try:
        path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        path.chmod(PRIVATE_DIR_MODE)
    except OSError as exc:
        raise ConfigurationError(f"cannot make the directory {path.name} private") from exc
    return path


def secure_home(home: Path) -> None:
    """Put an existing home's modes right: the home and ``keys/`` 0700, its SQLite files 0600."""
    private_dir(home)
    if (home / "keys").is_dir():
        private_dir(home / "keys")
    for database in home.glob("*.db"):
        restrict_sqlite_files(database)


def restrict_sqlite_files(database: Path) -> None:
    """Leave a SQLite database and its companion files mode 0600."""
    for suffix in SQLITE_SUFFIXES:
        path = database.with_name(database.name + suffix)
        try:
            if path.exists() and path.stat().st_mode & 0o777 != PRIVATE_FILE_MODE:
                path.chmod(PRIVATE_FILE_MODE)
        except OSError as exc:
            raise ConfigurationError(f"cannot make {path.name} private") from exc
