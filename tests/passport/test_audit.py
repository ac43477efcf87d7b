"""The audit trail's hash chain: any change, removal or reordering is detected."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from passport import audit
from passport.storage import make_engine, transaction
from schemas.errors import ChainBroken

ACTOR = audit.Actor(principal_id="p1", org="prison:WYI", role="care_staff", source="127.0.0.1")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A database with five audit rows."""
    engine = make_engine(database_url)
    for n in range(5):
        with transaction(engine) as session:
            audit.record(session, actor=ACTOR, action="read", pid=f"pid-{n}", ver=1)
    yield engine
    engine.dispose()


def _check(engine: Engine) -> audit.AuditCheck:
    with Session(engine) as session:
        rows, head = audit.load_chain(session)
        return audit.verify_audit_chain(rows, head=head)


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
    """A changed, removed or reordered row breaks the chain."""
    with engine.begin() as connection:
        for statement in tamper.split(";"):
            connection.execute(text(statement))
    with pytest.raises(ChainBroken):
        _check(engine)
