"""What every command shares: where the home is, which database, and opening the deployment they name."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from passport.services import Deployment, Principal, database_url_for
from schemas.errors import InvalidRequest

DEFAULT_HOME = Path("./var")
HomeOption = Annotated[
    Path, typer.Option("--home", envvar="PASSPORT_HOME", help="Where the identity, keys and database live.")
]
DatabaseOption = Annotated[
    str | None,
    typer.Option("--database-url", envvar="PASSPORT_DATABASE_URL", help="Default: SQLite in the home."),
]


def resolve_database_url(home: Path, url: str | None) -> str:
    """The database a command uses: the one named, or SQLite in the home."""
    return url or database_url_for(home.resolve())


def open_deployment(home: Path, url: str | None) -> Deployment:
    """The deployment in ``home``, with its database."""
    return Deployment.open(home=home.resolve(), database_url=resolve_database_url(home, url))


def operator(deployment: Deployment) -> Principal:
    """Who a command acts as: this organisation's administrator, at the command line (so it is audited as such)."""
    return Principal(id="cli", org=deployment.identity.org_id, role="admin", name="command line")


def write_file(path: Path, data: bytes) -> None:
    """Write a file the user named, or a one-line error saying which."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InvalidRequest(f"cannot write {path.name}") from exc


def read_file(path: Path) -> str:
    """Read a UTF-8 file the user named, or a one-line error saying which."""
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidRequest(f"cannot read {path.name}") from exc
