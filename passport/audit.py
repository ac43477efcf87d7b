"""The audit trail: an append-only, hash-chained record of who did what with which passport.

Each row's hash is SHA-256 over its own fields and the previous row's hash, so removing,
changing or reordering any row breaks every hash after it (:func:`verify_audit_chain`).
Rows are written in the same transaction as what they record; a refused attempt is
written in a transaction of its own, since the attempt itself is rolled back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from passport.storage import AuditHead, AuditRow, as_utc, transaction, utcnow
from schemas.errors import ChainBroken

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who acts: a principal of an organisation in a role, seen from a network address."""

    principal_id: str | None
    org: str | None
    role: str | None
    source: str | None = None


SYSTEM = Actor(principal_id=None, org=None, role="system")


def _row_hash(row: AuditRow, prev_hash: str) -> str:
    fields = {
        "seq": row.seq,
        "at": as_utc(row.at).isoformat(),
        "principal_id": row.principal_id,
        "org": row.org,
        "role": row.role,
        "action": row.action,
        "outcome": row.outcome,
        "pid": row.pid,
        "ver": row.ver,
        "source": row.source,
        "detail": row.detail,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    outcome: str = "ok",
    pid: str | None = None,
    ver: int | None = None,
    detail: str | None = None,
    at: datetime | None = None,
) -> AuditRow:
    """Append one row inside the caller's transaction (locking the chain's head until it commits)."""
    head = session.exec(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()
    row = AuditRow(
        seq=head.seq + 1,
        at=at or utcnow(),
        principal_id=actor.principal_id,
        org=actor.org,
        role=actor.role,
        action=action,
        outcome=outcome,
        pid=pid,
        ver=ver,
        source=actor.source,
        detail=detail,
        prev_hash=head.row_hash,
        row_hash="",
    )
    row.row_hash = _row_hash(row, head.row_hash)
    head.seq, head.row_hash = row.seq, row.row_hash
    session.add(row)
    session.add(head)
    return row


def record_refusal(engine: Engine, *, actor: Actor, action: str, code: str, pid: str | None = None) -> None:
    """Audit a refused attempt in its own transaction (the attempt's own was rolled back)."""
    with transaction(engine) as session:
        record(session, actor=actor, action=action, outcome=code, pid=pid)


def rows_for(session: Session, pid: str) -> list[AuditRow]:
    """A passport's audit rows, oldest first."""
    return list(session.exec(select(AuditRow).where(AuditRow.pid == pid).order_by(col(AuditRow.seq))))


@dataclass(frozen=True)
class AuditCheck:
    """The result of checking the whole chain: how many rows, and the newest hash."""

    rows: int
    head_hash: str


def verify_audit_chain(rows: Iterable[AuditRow], *, head: AuditHead | None = None) -> AuditCheck:
    """Recompute every hash in order; a removed, changed or reordered row raises :class:`ChainBroken`."""
    prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
    for row in rows:
        if row.seq != expected_seq:
            raise ChainBroken(f"audit row {expected_seq} is missing or out of order (found {row.seq})")
        if row.prev_hash != prev_hash or _row_hash(row, prev_hash) != row.row_hash:
            raise ChainBroken(f"audit row {row.seq} was changed or does not follow the row before")
        prev_hash, expected_seq, count = row.row_hash, expected_seq + 1, count + 1
    if head is not None and (head.seq != count or head.row_hash != prev_hash):
        raise ChainBroken("rows at the end of the audit trail were removed")
    return AuditCheck(rows=count, head_hash=prev_hash)


def load_chain(session: Session) -> tuple[list[AuditRow], AuditHead | None]:
    """Every audit row in order, and the head."""
    rows = list(session.exec(select(AuditRow).order_by(col(AuditRow.seq))))
    return rows, session.get(AuditHead, 1)
