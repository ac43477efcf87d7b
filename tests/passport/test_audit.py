"""The audit trail's hash chain: any change, removal or reordering is detected."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from passport import audit
from passport.local_keys import LocalKeys, bind
from passport.storage import make_engine, transaction
from schemas.errors import ChainBroken

ACTOR = audit.Actor(principal_id="p1", org="prison:WYI", role="care_staff", source="127.0.0.1")


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """A database with five audit rows, keyed with a home's audit key."""
    engine = make_engine(database_url)
    bind(engine, LocalKeys.open(tmp_path / "keys"))
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
    with pytest.raises(ChainBroken):
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
