"""The audit trail: an append-only, hash-chained record of who did what with which passport.

Each row's hash is HMAC-SHA256, keyed with the home's audit key (``keys/audit.key``, never in the
database), over its own fields and the previous row's hash; the head (newest number and hash) carries
a seal made with the same key. So removing, changing or reordering any row breaks every hash after it,
and someone who can write the database but not read the key cannot recompute the hashes or the seal
to hide it (:func:`verify_audit_chain`). Every audited write checks the head's seal first (one HMAC) and
refuses to extend a head it did not seal; the whole chain is checked by ``passport audit verify``.

Rows are written in the same transaction as what they record; a refused attempt is
written in a transaction of its own, since the attempt itself is rolled back.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from passport.services.local_keys import bound_to, keyed_digest
from passport.services.storage import AuditHead, AuditRow, PassportRow, as_utc, transaction, utcnow
from schemas.errors import AuditTampered

if TYPE_CHECKING:  # the principals record their own revocations here: no import at run time
    from passport.services.principals import Principal

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who acts: a principal of an organisation in a role, seen from a network address."""

    principal_id: str | None
    org: str | None
    role: str | None
    source: str | None = None


SYSTEM = Actor(principal_id=None, org=None, role="system")


def actor_of(principal: Principal, source: str | None) -> Actor:
    """The audit actor for a principal seen from ``source`` (a network address, or None)."""
    return Actor(principal.id, principal.org, principal.role, source)


def row_message(row: AuditRow, prev_hash: str) -> bytes:
    """What a row's hash covers: its fields and the previous row's hash, as canonical JSON."""
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
    return json.dumps(fields, sort_keys=True).encode("utf-8")


def row_hash(row: AuditRow, prev_hash: str, *, key: bytes) -> str:
    """A row's hash: HMAC-SHA256 with the audit key over :func:`row_message`."""
    return keyed_digest(key=key, purpose="audit row", data=row_message(row, prev_hash))


def head_seal(seq: int, newest_hash: str, *, key: bytes) -> str:
    """The head's seal: HMAC-SHA256 with the audit key over the newest row's number and hash."""
    return keyed_digest(key=key, purpose="audit head", data=f"{seq}:{newest_hash}".encode("ascii"))


def _check_head_seal(head: AuditHead, *, key: bytes) -> None:
    """The head is the empty trail's, or sealed with this key; otherwise someone else moved it."""
    if head.seq == 0 and head.row_hash == GENESIS_HASH and head.seal == "":
        return
    if not hmac.compare_digest(head.seal, head_seal(head.seq, head.row_hash, key=key)):
        raise AuditTampered("the head of the audit trail is not sealed with this deployment's audit key")


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
) -> None:
    """Append one row inside the caller's transaction (locking the chain's head until it commits).

    Refuses (:class:`AuditTampered`) to extend a head that this deployment's audit key did not seal.
    """
    key = bound_to(session).audit_key
    head = session.exec(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()
    _check_head_seal(head, key=key)
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
    row.row_hash = row_hash(row, head.row_hash, key=key)
    head.seq, head.row_hash = row.seq, row.row_hash
    head.seal = head_seal(head.seq, head.row_hash, key=key)
    session.add(row)
    session.add(head)


def record_refusal(engine: Engine, *, actor: Actor, action: str, code: str, pid: str | None = None) -> None:
    """Audit a refused attempt in its own transaction (the attempt's own was rolled back)."""
    with transaction(engine) as session:
        record(session, actor=actor, action=action, outcome=code, pid=pid)


@dataclass(frozen=True)
class AuditEntry:
    """One event of a passport's audit trail, as it is read back (not the row, nor its hashes)."""

    seq: int
    at: datetime
    principal_id: str | None
    org: str | None
    role: str | None
    action: str
    outcome: str
    ver: int | None
    source: str | None
    detail: str | None


def entries_for(session: Session, pid: str, *, newest_first: bool = False) -> list[AuditEntry]:
    """A passport's audit trail: the one query for it, oldest first unless ``newest_first``."""
    order = col(AuditRow.seq).desc() if newest_first else col(AuditRow.seq)
    rows = session.exec(select(AuditRow).where(AuditRow.pid == pid).order_by(order))
    return [
        AuditEntry(r.seq, as_utc(r.at), r.principal_id, r.org, r.role, r.action, r.outcome, r.ver, r.source, r.detail)
        for r in rows
    ]


@dataclass(frozen=True)
class AuditCheck:
    """The result of checking the whole chain: how many rows, and the newest hash."""

    rows: int
    head_hash: str


def verify_audit_chain(rows: Iterable[AuditRow], *, head: AuditHead | None, key: bytes) -> AuditCheck:
    """Recompute every keyed hash in order and check the head's seal; a removed, changed, reordered or re-hashed
    row, or a moved head, raises :class:`AuditTampered`."""
    # 1. Each row in turn: the next number, naming the hash before it, its own hash made with this key.
    prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
    for row in rows:
        if row.seq != expected_seq:
            raise AuditTampered(f"audit row {expected_seq} is missing or out of order (found {row.seq})")
        if row.prev_hash != prev_hash or not hmac.compare_digest(row_hash(row, prev_hash, key=key), row.row_hash):
            raise AuditTampered(f"audit row {row.seq} was changed or does not follow the row before")
        prev_hash, expected_seq, count = row.row_hash, expected_seq + 1, count + 1
    # 2. The head: there, sealed with this key, and naming the last row (else rows at the end were removed).
    if head is None:
        raise AuditTampered("the head of the audit trail was removed")
    _check_head_seal(head, key=key)
    if head.seq != count or head.row_hash != prev_hash:
        raise AuditTampered("rows at the end of the audit trail were removed")
    return AuditCheck(rows=count, head_hash=prev_hash)


def check_audit_trail(session: Session) -> AuditCheck:
    """Verify the whole trail with the audit key bound to the session's engine; an empty trail in a database
    that holds passports was emptied (creating or importing a passport is audited)."""
    rows = list(session.exec(select(AuditRow).order_by(col(AuditRow.seq))))
    checked = verify_audit_chain(rows, head=session.get(AuditHead, 1), key=bound_to(session).audit_key)
    if checked.rows == 0 and session.exec(select(PassportRow.pid).limit(1)).first() is not None:
        raise AuditTampered("the audit trail is empty, but this database holds passports")
    return checked
