"""Passports as this deployment keeps them: create, read, amend, hand over, list versions.

Every function takes an open session (one transaction) and the acting principal, checks
access per object, writes its audit row in the same transaction, and signs with this
organisation's active key. Nothing here knows about HTTP.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from crypto import PublicKey, canonical_json
from passport.core.card import issue_card
from passport.core.chain import check_history_size
from passport.core.identity import Identity
from passport.core.versions import Custody, Handover, Version, issue_version
from passport.services import audit, peers
from passport.services.access import OTHER_ORGANISATIONS, Action, require, require_on
from passport.services.duplicates import refuse_duplicate
from passport.services.list_entries import card_printed, keep_entry
from passport.services.principals import Principal
from passport.services.releases import keep_release
from passport.services.storage import PassportRow, VersionRow, as_utc, utcnow
from schemas import PassportContent, parse_content
from schemas.errors import AccessDenied, CustodyViolation, InvalidRequest, NotFound, StaleVersion, UntrustedIssuer


@dataclass(frozen=True)
class StoredVersion:
    """A version as stored: its place in the chain, the SD-JWT as issued and the content it carries (``content``
    as the claims it disclosed, ``parsed`` as the schema reads them, parsed once and only when asked for)."""

    pid: str
    ver: int
    digest: str
    prev: str | None
    issuer: str
    issued_at: datetime
    custody_next: str | None
    sd_jwt: str
    content: dict[str, Any]

    @classmethod
    def from_row(cls, row: VersionRow) -> StoredVersion:
        """Read a version row."""
        return cls(
            pid=row.pid,
            ver=row.ver,
            digest=row.digest,
            prev=row.prev,
            issuer=row.issuer,
            issued_at=as_utc(row.issued_at),
            custody_next=row.custody_next,
            sd_jwt=row.sd_jwt,
            content=json.loads(row.content_json),
        )

    @cached_property
    def parsed(self) -> PassportContent:
        """The content, as the schema reads it."""
        return parse_content(self.content)

    @property
    def custodian(self) -> str:
        """Who keeps the passport after this version: the organisation it hands over to, else its issuer."""
        return Custody(self.issuer, self.custody_next).custodian_after


def store_version(session: Session, version: Version) -> StoredVersion:
    """Append a verified version (issued here or imported) as a row, and bring the passport's list entry up to it."""
    row = VersionRow(
        pid=version.pid,
        ver=version.ver,
        digest=version.digest,
        prev=version.prev,
        issuer=version.issuer,
        custody_next=version.custody.next,
        issued_at=datetime.fromtimestamp(version.issued_at, UTC),
        sd_jwt=version.serialize(),
        content_json=canonical_json(version.claims).decode("utf-8"),
    )
    session.add(row)
    keep_entry(session, version)
    return StoredVersion.from_row(row)


def create_passport(
    session: Session,
    *,
    identity: Identity,
    principal: Principal,
    content: PassportContent,
    now: int,
    source: str | None = None,
    duplicate_reason: str | None = None,
) -> StoredVersion:
    """Issue version 1 of a new passport, held and in the custody of this organisation.

    A passport for a person already held here (a prison, NHS, CHI or PNC number matches) is refused
    (``duplicate_person``) unless ``duplicate_reason`` says why a second one is wanted; the reason, and the
    passports it duplicates, go into the new passport's audit trail.
    """
    require(principal, "create")
    if principal.org != identity.org_id:
        raise AccessDenied("only this organisation's own staff can create its passports")
    duplicates = refuse_duplicate(session, org=identity.org_id, subject=content.subject, reason=duplicate_reason)
    pid = str(uuid.uuid4())
    version = issue_version(
        key=identity.keyring.active,
        issuer=identity.org_id,
        pid=pid,
        ver=1,
        prev=None,
        content=content,
        iat=now,
    )
    stamp = utcnow()
    session.add(
        PassportRow(
            pid=pid,
            holder_org=identity.org_id,
            current_ver=1,
            custodian=identity.org_id,
            created_at=stamp,
            updated_at=stamp,
        )
    )
    session.flush()
    stored = store_version(session, version)
    keep_release(session, version, here=identity.org_id)
    detail = None
    if duplicates:
        assert duplicate_reason is not None  # refuse_duplicate refused it otherwise
        detail = json.dumps({"duplicate_of": [d.pid for d in duplicates], "reason": duplicate_reason.strip()})
    audit.record(session, actor=audit.actor_of(principal, source), action="create", pid=pid, ver=1, detail=detail)
    return stored


def get_current(
    session: Session, *, principal: Principal, pid: str, source: str | None = None, action: str = "read"
) -> StoredVersion:
    """The current version, audited as a read."""
    row = require_on(principal, "read", session.get(PassportRow, pid))
    stored = current_version(session, pid, row.current_ver)
    audit.record(session, actor=audit.actor_of(principal, source), action=action, pid=pid, ver=stored.ver)
    return stored


def current_card(
    session: Session, *, identity: Identity, principal: Principal, pid: str, now: int, source: str | None = None
) -> str:
    """The card of the current version, signed now by this organisation; audited as a card render."""
    stored = get_current(session, principal=principal, pid=pid, source=source, action="card_render")
    card_printed(session, pid, stored.parsed)
    return issue_card(
        key=identity.keyring.active,
        issuer=identity.org_id,
        pid=stored.pid,
        ver=stored.ver,
        digest=stored.digest,
        content=stored.parsed,
        now=now,
    )


def list_versions(
    session: Session, *, principal: Principal, pid: str, source: str | None = None
) -> list[StoredVersion]:
    """Every version, oldest first, audited as one read of the history."""
    row = session.get(PassportRow, pid)
    if principal.role in OTHER_ORGANISATIONS:
        current = current_version(session, pid, row.current_ver) if row is not None else None
        require_on(principal, "pull_record", row, current)
    else:
        require_on(principal, "read", row)
    rows = session.exec(select(VersionRow).where(VersionRow.pid == pid).order_by(col(VersionRow.ver)))
    found = [StoredVersion.from_row(r) for r in rows]
    audit.record(session, actor=audit.actor_of(principal, source), action="read_history", pid=pid)
    return found


def get_version(
    session: Session, *, principal: Principal, pid: str, ver: int, source: str | None = None
) -> StoredVersion:
    """One version by number, audited as a read."""
    require_on(principal, "read", session.get(PassportRow, pid))
    stored = current_version(session, pid, ver)
    audit.record(session, actor=audit.actor_of(principal, source), action="read_version", pid=pid, ver=ver)
    return stored


def amend_passport(
    session: Session,
    *,
    identity: Identity,
    principal: Principal,
    pid: str,
    expected_ver: int,
    content: PassportContent,
    now: int,
    source: str | None = None,
) -> StoredVersion:
    """Issue the next version with new content, if ``expected_ver`` is still current (optimistic concurrency)."""
    return next_version(
        session,
        identity=identity,
        principal=principal,
        pid=pid,
        expected_ver=expected_ver,
        action="amend",
        now=now,
        source=source,
        content=content,
    )


def hand_over(
    session: Session,
    *,
    identity: Identity,
    principal: Principal,
    pid: str,
    handover: Handover,
    expected_ver: int | None,
    now: int,
    source: str | None = None,
) -> StoredVersion:
    """Issue a version that hands custody to another organisation (a transfer or a release).

    The receiver must be a trusted peer: it will sign the next version and serve views, so it must have keys
    this organisation knows. The version's ``cnf`` names the receiver's active key, which binds those views.
    """
    require_on(principal, "handover", session.get(PassportRow, pid))  # before saying anything about the receiver
    if handover.to == identity.org_id:
        raise InvalidRequest("a passport cannot be handed over to its own custodian")
    try:
        receiver = peers.get_peer(session, handover.to)
    except UntrustedIssuer as exc:
        raise InvalidRequest(
            "hand over only to an organisation this one trusts (add it with 'passport trust add')"
        ) from exc
    return next_version(
        session,
        identity=identity,
        principal=principal,
        pid=pid,
        expected_ver=expected_ver,
        action="handover",
        now=now,
        source=source,
        handover=handover,
        holder=receiver.signing_key(),
    )


def next_version(
    session: Session,
    *,
    identity: Identity,
    principal: Principal,
    pid: str,
    expected_ver: int | None,
    action: str,
    now: int,
    source: str | None,
    content: PassportContent | None = None,
    handover: Handover | None = None,
    holder: PublicKey | None = None,
    permission: Action | None = None,
) -> StoredVersion:
    """Sign and store the version after the current one (new content, or a handover), if ``expected_ver`` is current.

    Checks the principal may (``permission``, by default amend or handover), that this organisation has custody,
    and moves the passport's current version with an optimistic lock, so a lost race is ``stale_version``.
    """
    row = require_on(principal, permission or ("handover" if handover else "amend"), session.get(PassportRow, pid))
    if expected_ver is not None and expected_ver != row.current_ver:
        raise StaleVersion(f"version {expected_ver} is not current; the current version is {row.current_ver}")
    current = current_version(session, pid, row.current_ver)
    if current.custodian != identity.org_id:
        raise CustodyViolation("this organisation no longer has custody of the passport")
    if content is None:
        content = current.parsed
    ver = row.current_ver + 1
    version = issue_version(
        key=identity.keyring.active,
        issuer=identity.org_id,
        pid=pid,
        ver=ver,
        prev=current.digest,
        content=content,
        iat=now,
        handover=handover,
        holder=holder,
    )
    # What could not be handed over is not stored: the history, with this version, must fit what a receiver takes.
    stored_chars = session.exec(select(func.sum(func.length(VersionRow.sd_jwt))).where(VersionRow.pid == pid)).one()
    check_history_size(int(stored_chars or 0) + len(version.serialize()), versions=ver)
    # The optimistic lock: only one writer moves current_ver from the version it read.
    moved = session.execute(
        update(PassportRow)
        .where(col(PassportRow.pid) == pid, col(PassportRow.current_ver) == row.current_ver)
        .values(current_ver=ver, custodian=version.custody.custodian_after, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleVersion("another change was saved first; read the passport again")
    stored = store_version(session, version)
    keep_release(session, version, here=identity.org_id)
    detail: dict[str, object]
    if handover is not None:
        detail = dict(handover.to_claim())
    else:
        changed = sorted(
            s for s in set(current.content) | set(stored.content) if current.content.get(s) != stored.content.get(s)
        )
        # A change to consent alone is what the person's audit trail calls "changed who can see what".
        action = "consent_change" if changed == ["consent"] else action
        detail = {"changed": changed}
    audit.record(
        session, actor=audit.actor_of(principal, source), action=action, pid=pid, ver=ver, detail=json.dumps(detail)
    )
    return stored


def version_to_amend(session: Session, *, principal: Principal, pid: str, ver: int) -> StoredVersion:
    """Version ``ver`` of a passport the principal may amend: what a form posted against it was based on."""
    require_on(principal, "amend", session.get(PassportRow, pid))
    return current_version(session, pid, ver)


def current_version(session: Session, pid: str, ver: int) -> StoredVersion:
    """A stored version by number (no access check: callers check first)."""
    row = session.exec(select(VersionRow).where(VersionRow.pid == pid, VersionRow.ver == ver)).first()
    if row is None:
        raise NotFound("no such version")
    return StoredVersion.from_row(row)
