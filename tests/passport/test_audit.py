"""The audit trail's hash chain: any change, removal or reordering is detected."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from passport.services import audit
from passport.services.local_keys import LocalKeys, bind
from passport.services.storage import AuditHead, AuditRow, PassportRow, make_engine, transaction, utcnow
from schemas.errors import AuditTampered, ConfigurationError
from tests.tamper import drop_audit_triggers, raw_connection, rewrite_audit_trail, run, unkeyed, unkeyed_seal, with_key

ACTOR = audit.Actor(principal_id="p1", org="prison:WYI", role="care_staff", source="127.0.0.1")


@pytest.fixture
def keys(tmp_path: Path) -> LocalKeys:
    """A home's local keys."""
    return LocalKeys.open(tmp_path / "keys")


@pytest.fixture
def engine(database_url: str, keys: LocalKeys) -> Iterator[Engine]:
    """A database with five audit rows, keyed with the home's audit key."""
    engine = make_engine(database_url)
    bind(engine, keys)
    for n in range(5):
        with transaction(engine) as session:
            audit.record(session, actor=ACTOR, action="read", pid=f"pid-{n}", ver=1)
    yield engine
    engine.dispose()


def _check(engine: Engine) -> audit.AuditCheck:
    with Session(engine) as session:
        return audit.check_audit_trail(session)


def test_an_untouched_chain_verifies(engine: Engine) -> None:
    """Five rows, each hashing the one before."""
    assert _check(engine).rows == 5


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE audit SET action = 'create' WHERE seq = 3",
        "UPDATE audit SET org = 'prison:RSY' WHERE seq = 1",
        "DELETE FROM audit WHERE seq = 2",
        "DELETE FROM audit WHERE seq = 5",
        "UPDATE audit SET seq = CASE seq WHEN 2 THEN 102 WHEN 3 THEN 2 END WHERE seq IN (2, 3);"
        " UPDATE audit SET seq = 3 WHERE seq = 102",
    ],
    ids=["changed-action", "changed-org", "removed-middle", "removed-last", "reordered"],
)
def test_tampering_is_detected(engine: Engine, tamper: str) -> None:
    """A changed, removed or reordered row breaks the chain, even by someone who can drop the triggers."""
    with engine.begin() as connection:
        _drop_triggers(connection)
        for statement in tamper.split(";"):
            connection.execute(text(statement))
    with pytest.raises(AuditTampered):
        _check(engine)


def _drop_triggers(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text("DROP TRIGGER audit_no_update"))
        connection.execute(text("DROP TRIGGER audit_no_delete"))
    else:
        connection.execute(text("DROP TRIGGER audit_append_only ON audit"))


@pytest.mark.parametrize("statement", ["UPDATE audit SET action = 'create' WHERE seq = 3", "DELETE FROM audit"])
def test_the_database_refuses_to_change_or_delete_audit_rows(engine: Engine, statement: str) -> None:
    """Append-only in the database itself: an UPDATE or DELETE of audit rows fails and changes nothing."""
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    assert _check(engine).rows == 5


def _state(engine: Engine) -> tuple[list[tuple[int, str, str]], tuple[int, str, str]]:
    """Every row's number and hashes, and the head: to show that nothing changed."""
    with Session(engine) as session:
        rows, head = session.exec(select(AuditRow).order_by(col(AuditRow.seq))).all(), session.get(AuditHead, 1)
        assert head is not None
        return [(r.seq, r.prev_hash, r.row_hash) for r in rows], (head.seq, head.row_hash, head.seal)


@pytest.mark.parametrize("attacker", ["unkeyed", "guessed-key"])
def test_a_trail_rewritten_without_the_key_is_detected_and_never_extended(
    engine: Engine, database_url: str, attacker: str
) -> None:
    """Drop the triggers, delete row 2, renumber, re-hash every row and move the head, with the driver alone: the
    check fails, and the service refuses to write another row onto the forged head (nothing is written)."""
    rehash, reseal = (unkeyed, unkeyed_seal) if attacker == "unkeyed" else with_key(secrets.token_bytes(32))
    assert rewrite_audit_trail(database_url, remove=2, rehash=rehash, reseal=reseal) == 4
    with pytest.raises(AuditTampered, match="audit row 1 was changed") as caught:
        _check(engine)
    assert caught.value.code == "audit_tampered"
    forged = _state(engine)
    with pytest.raises(AuditTampered, match="head of the audit trail is not sealed"), transaction(engine) as session:
        audit.record(session, actor=ACTOR, action="read", pid="pid-9", ver=1)
    assert _state(engine) == forged


def test_with_the_home_s_audit_key_the_same_rewrite_passes(engine: Engine, database_url: str, keys: LocalKeys) -> None:
    """The limit of the promise: whoever can read keys/ as well as write the database can rewrite the trail."""
    rehash, reseal = with_key(keys.audit_key)
    rewrite_audit_trail(database_url, remove=2, rehash=rehash, reseal=reseal)
    assert _check(engine).rows == 4


def test_emptying_the_trail_of_a_database_that_holds_passports_is_detected(engine: Engine, database_url: str) -> None:
    """Every row deleted and the head put back as a new database has it: passports without a trail."""
    now = utcnow()
    with transaction(engine) as session:
        session.add(
            PassportRow(
                pid="p" * 36,
                holder_org="prison:WYI",
                current_ver=1,
                custodian="prison:WYI",
                created_at=now,
                updated_at=now,
            )
        )
    with raw_connection(database_url) as connection:
        drop_audit_triggers(connection)
        run(connection, "DELETE FROM audit")
        run(connection, "UPDATE audit_head SET seq = 0, row_hash = ?, seal = ''", audit.GENESIS_HASH)
    with pytest.raises(AuditTampered, match="the audit trail is empty, but this database holds passports"):
        _check(engine)


def test_an_engine_without_the_home_s_keys_writes_no_audit_row(database_url: str) -> None:
    """No keys bound: refused, never an unkeyed hash."""
    bare = make_engine(database_url)
    try:
        with pytest.raises(ConfigurationError, match="without the home's keys"), transaction(bare) as session:
            audit.record(session, actor=ACTOR, action="read")
    finally:
        bare.dispose()
