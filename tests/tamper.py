"""Someone who can write the database, attacking it with the database driver alone (sqlite3 or psycopg), not with
our code: the helpers the audit and at-rest tests share."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg

from passport.services.audit import GENESIS_HASH, head_seal, row_hash, row_message
from passport.services.storage import AuditRow

# How the attacker re-hashes a row: from the row (with its new number) and the hash before it.
Rehash = Callable[[AuditRow, str], str]
Reseal = Callable[[int, str], str]
_SELECT_ROWS = (
    "SELECT seq, at, principal_id, org, role, action, outcome, pid, ver, source, detail FROM audit ORDER BY seq"
)


def unkeyed(row: AuditRow, prev_hash: str) -> str:
    """The plain SHA-256 the trail used before it was keyed: what our code did, recomputed by anyone."""
    return hashlib.sha256(row_message(row, prev_hash)).hexdigest()


def with_key(key: bytes) -> tuple[Rehash, Reseal]:
    """Our own keyed hash and seal with ``key``: the home's real key, or a guessed one."""
    return (lambda row, prev: row_hash(row, prev, key=key)), (lambda seq, newest: head_seal(seq, newest, key=key))


def unkeyed_seal(seq: int, newest_hash: str) -> str:
    """A seal made without the key: plain SHA-256 of what the real one covers."""
    return hashlib.sha256(f"{seq}:{newest_hash}".encode()).hexdigest()


@contextmanager
def raw_connection(database_url: str) -> Iterator[Any]:
    """A DB-API connection of the driver itself, in autocommit, to the database ``database_url`` names."""
    if database_url.startswith("sqlite"):
        connection: Any = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    else:
        connection = psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    try:
        yield connection
    finally:
        connection.close()


def rewrite_audit_trail(database_url: str, *, remove: int, rehash: Rehash, reseal: Reseal) -> int:
    """Drop the append-only triggers, delete audit row ``remove``, renumber the rows after it, recompute every
    hash with ``rehash`` and move the head (sealed with ``reseal``) to the new last row. The rows left."""
    with raw_connection(database_url) as connection:
        drop_audit_triggers(connection)
        run(connection, "DELETE FROM audit WHERE seq = ?", remove)
        seqs = [seq for (seq,) in run(connection, "SELECT seq FROM audit ORDER BY seq").fetchall()]
        for new, old in enumerate(seqs, start=1):
            run(connection, "UPDATE audit SET seq = ? WHERE seq = ?", new, old)
        prev = GENESIS_HASH
        for fields in run(connection, _SELECT_ROWS).fetchall():
            row = _row(fields)
            new_hash = rehash(row, prev)
            run(connection, "UPDATE audit SET prev_hash = ?, row_hash = ? WHERE seq = ?", prev, new_hash, row.seq)
            prev = new_hash
        seal = reseal(len(seqs), prev)
        run(connection, "UPDATE audit_head SET seq = ?, row_hash = ?, seal = ? WHERE id = 1", len(seqs), prev, seal)
    return len(seqs)


def drop_audit_triggers(connection: Any) -> None:
    """What the database does to keep rows append-only, gone."""
    if isinstance(connection, sqlite3.Connection):
        connection.execute("DROP TRIGGER audit_no_update")
        connection.execute("DROP TRIGGER audit_no_delete")
    else:
        connection.execute("DROP TRIGGER audit_append_only ON audit")


def run(connection: Any, statement: str, *params: Any) -> Any:
    """One statement with ``?`` parameters, in either driver's style."""
    if not isinstance(connection, sqlite3.Connection):
        statement = statement.replace("?", "%s")
    return connection.execute(statement, params)


def _row(fields: tuple[Any, ...]) -> AuditRow:
    seq, at, principal_id, org, role, action, outcome, pid, ver, source, detail = fields
    moment = at if isinstance(at, datetime) else datetime.fromisoformat(at)
    return AuditRow(
        seq=seq,
        at=moment,
        principal_id=principal_id,
        org=org,
        role=role,
        action=action,
        outcome=outcome,
        pid=pid,
        ver=ver,
        source=source,
        detail=detail,
        prev_hash="",
        row_hash="",
    )
