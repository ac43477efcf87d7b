"""Release into the community, the local authority's side: the notices it receives from prisons, and what it
keeps of each person due into its area (DESIGN.md s.5, "Release").

A notice arrives from a trusted prison's deployment (:func:`receive_notice`): it must verify against the trust
store, be for this organisation, come from the prison that calls, and be newer than what is held (an older or
repeated revision changes nothing). The authority acknowledges it, declines it ("not our area", with a reason and
perhaps the authority that is), and moves its status along the steps of :data:`schemas.AUTHORITY_STEPS`; each
change is a new receipt revision that :mod:`passport.services.notice_delivery` signs and sends back to the prison.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import cast

import httpx
from sqlmodel import Session, col, select

from crypto import TrustStore
from passport.core.identity import Identity
from passport.core.notices import ReadNotice, read_notice
from passport.core.verification import Verification, verify_token
from passport.services import audit
from passport.services.access import require
from passport.services.deployment import Deployment
from passport.services.peer_auth import make_client_assertion
from passport.services.peers import base_url_of, get_json, peer_url, trust_store
from passport.services.principals import Principal
from passport.services.storage import ReceivedNoticeRow, as_utc, reading, transaction, utcnow
from schemas import AUTHORITY_STEPS, AuthorityStep, Decline, ReleaseType
from schemas.errors import InvalidRequest, NotFound, NoticeInvalid, PassportError

MAX_VIEW_BYTES = 512 * 1024  # a view is a few kilobytes; a larger answer is refused unread


@dataclass(frozen=True)
class ReceivedNotice:
    """A person due into this authority's area, as the authority keeps them."""

    id: str
    sender: str
    pid: str
    seq: int
    cancelled: bool
    expected_date: date | None
    release_type: ReleaseType | None
    contact: str | None
    transition_assessment: bool
    has_view: bool
    pulled_at: datetime | None  # the newest care details were got from the prison since the notice
    first_received_at: datetime
    received_at: datetime
    days_notice: int | None
    status: AuthorityStep
    acknowledged_on: date | None
    declined_reason: str | None
    declined_suggested: str | None
    answer_delivered: bool  # the prison has this authority's newest answer

    @property
    def declined(self) -> bool:
        """Whether the authority said it is not its area."""
        return self.declined_reason is not None


@dataclass(frozen=True)
class CheckedNotice:
    """A received notice verified again now: what it says, its view verified, or why it no longer verifies."""

    notice: ReceivedNotice
    read: ReadNotice | None
    refusal: str | None  # the error code when it no longer verifies (a key revoked since, a peer removed)
    pulled: Verification | None = None  # the view pulled from the prison since, verified again now

    @property
    def view(self) -> Verification | None:
        """The newest consent-scoped view: the one pulled since the notice, else the one the notice carried."""
        return self.pulled or (self.read.view if self.read else None)


def receive_notice(session: Session, *, identity: Identity, principal: Principal, text: str, now: int) -> bool:
    """Take a notice from the prison that calls; whether it changed what is held (False for an older or repeated
    revision)."""
    require(principal, "notify")
    if identity.info.kind != "local_authority":
        raise NoticeInvalid("release notices are for local authorities; this organisation is not one")
    read = read_notice(text, trust=trust_store(session, identity), recipient=identity.org_id, now=now)
    if read.sender != principal.org:
        raise NoticeInvalid("a notice comes from the prison that sends it")
    claims = read.claims
    row = session.get(ReceivedNoticeRow, claims.id)
    if row is not None and (row.sender != read.sender or row.pid != claims.pid):
        raise NoticeInvalid("that notice id belongs to another notice")
    if row is not None and claims.seq <= row.seq:
        return False
    stamp = utcnow()
    if row is None:
        row = ReceivedNoticeRow(
            id=claims.id,
            sender=read.sender,
            pid=claims.pid,
            seq=0,
            notice="",
            first_received_at=stamp,
            received_at=stamp,
        )
    row.seq, row.notice, row.received_at, row.cancelled = claims.seq, text, stamp, claims.cancelled
    row.expected_date, row.release_type, row.contact = claims.expected_date, claims.release_type, claims.contact
    row.transition_assessment, row.has_view = claims.transition_assessment, read.view is not None
    if claims.expected_date is not None:
        row.days_notice = (claims.expected_date - as_utc(row.first_received_at).date()).days
    session.add(row)
    detail = json.dumps({"notice": claims.id, "seq": claims.seq, "cancelled": claims.cancelled})
    audit.record(session, actor=audit.actor_of(principal, None), action="notice", pid=claims.pid, detail=detail)
    return True


def list_notices(
    session: Session, *, principal: Principal, include_past: bool = False, today: date
) -> list[ReceivedNotice]:
    """The people due into this authority's area, soonest first (cancelled ones last); with ``include_past``,
    those whose date has gone by too."""
    require(principal, "read")
    query = select(ReceivedNoticeRow).order_by(col(ReceivedNoticeRow.cancelled), col(ReceivedNoticeRow.expected_date))
    if not include_past:
        query = query.where(
            (col(ReceivedNoticeRow.expected_date) >= today) | col(ReceivedNoticeRow.expected_date).is_(None)
        )
    return [_received(row) for row in session.exec(query)]


def check_notice(
    session: Session, *, identity: Identity, principal: Principal, notice_id: str, now: int
) -> CheckedNotice:
    """One notice, verified again now against today's trust store (reading it is audited)."""
    require(principal, "read")
    row = _row(session, notice_id)
    try:
        read: ReadNotice | None = read_notice(
            row.notice,
            trust=trust_store(session, identity),
            recipient=identity.org_id,
            now=now,
            received_at=int(as_utc(row.received_at).timestamp()),
        )
        refusal = None
    except PassportError as exc:
        read, refusal = None, exc.code
    pulled = None
    if read is not None and row.latest_view is not None and row.pulled_at is not None:
        try:  # as fresh as it was when it was got; a view that no longer verifies is not shown
            pulled_at = int(as_utc(row.pulled_at).timestamp())
            pulled = _pulled_view(
                row, row.latest_view, trust=trust_store(session, identity), identity=identity, now=pulled_at
            )
        except PassportError:
            pulled = None
    audit.record(session, actor=audit.actor_of(principal, None), action="read_notice", pid=row.pid)
    return CheckedNotice(_received(row), read, refusal, pulled)


def pull_record(
    deployment: Deployment, *, principal: Principal, notice_id: str, now: int, client: httpx.Client
) -> ReceivedNotice:
    """Pull the newest consent-scoped view of the person's passport from the prison that sent the notice (with a
    client assertion, as a peer), verify it, keep it, and record the step "record pulled" (a receipt follows)."""
    identity = deployment.identity
    with reading(deployment.engine) as session:
        require(principal, "amend")
        row = _row(session, notice_id)
        sender, pid, base_url = row.sender, row.pid, base_url_of(session, row.sender)
    assertion = make_client_assertion(key=identity.keyring.active, issuer=identity.org_id, audience=sender, now=now)
    answer = get_json(
        client,
        f"{peer_url(base_url)}/v1/passports/{pid}/views/local_authority",
        cap=MAX_VIEW_BYTES,
        headers={"Authorization": f"Bearer {assertion}"},
    )
    text = answer.get("sd_jwt") if isinstance(answer, dict) else None
    if not isinstance(text, str):
        raise NoticeInvalid("the prison's answer is not a view of the passport")
    with transaction(deployment.engine) as session:
        row = _answerable(session, principal, notice_id)
        _pulled_view(row, text, trust=trust_store(session, identity), identity=identity, now=now)
        row.latest_view, row.pulled_at = text, utcnow()
        if row.declined_reason is None and row.step != _later(row.step, "record_pulled"):
            row.step = _later(row.step, "record_pulled")
            row.acknowledged_on = row.acknowledged_on or datetime.fromtimestamp(now, UTC).date()
            _answered(session, principal, row, "pulled")
        else:
            session.add(row)
        return _received(row)


def _pulled_view(row: ReceivedNoticeRow, text: str, *, trust: TrustStore, identity: Identity, now: int) -> Verification:
    """A view pulled from the notice's prison, verified: of the notice's passport, signed by that prison, bound here."""
    try:
        view = verify_token(text, trust=trust, audience=identity.org_id, now=now)
    except PassportError as exc:
        raise NoticeInvalid(f"the view from the prison does not verify ({exc.code})") from exc
    if view.kind != "view" or view.version.issuer != row.sender or view.version.pid != row.pid:
        raise NoticeInvalid("the prison's answer is not a view of this passport from this prison")
    return view


def acknowledge(session: Session, *, principal: Principal, notice_id: str, today: date) -> ReceivedNotice:
    """This authority knows the person is coming and will act: a receipt to the prison."""
    row = _answerable(session, principal, notice_id)
    if row.acknowledged_on is None or row.declined_reason is not None:
        row.acknowledged_on, row.declined_reason, row.declined_suggested = today, None, None
        row.step = _later(row.step, "acknowledged")
        _answered(session, principal, row, "acknowledge")
    return _received(row)


def decline(session: Session, *, principal: Principal, notice_id: str, decline: Decline) -> ReceivedNotice:
    """Not this authority's area: a receipt to the prison with the reason and, if known, the authority that is."""
    row = _answerable(session, principal, notice_id)
    row.declined_reason, row.declined_suggested, row.acknowledged_on = decline.reason, decline.suggested, None
    _answered(session, principal, row, "decline")
    return _received(row)


def set_step(
    session: Session, *, principal: Principal, notice_id: str, step: AuthorityStep, today: date
) -> ReceivedNotice:
    """Where the authority is with the person now (any step; a later one acknowledges the notice too)."""
    if step not in AUTHORITY_STEPS:
        raise InvalidRequest(f"the status must be one of {', '.join(AUTHORITY_STEPS)}")
    row = _answerable(session, principal, notice_id)
    if row.declined_reason is not None:
        raise InvalidRequest("this notice was declined; acknowledge it before recording progress")
    if step != row.step:
        row.step = step
        if AUTHORITY_STEPS.index(step) >= AUTHORITY_STEPS.index("acknowledged") and row.acknowledged_on is None:
            row.acknowledged_on = today
        _answered(session, principal, row, "status")
    return _received(row)


def notice_origin(session: Session, notice_id: str) -> tuple[str, str]:
    """The prison that sent a notice received here, and the passport it names: where an import on release pulls
    the whole record from (``transfer.import_notice``)."""
    row = _row(session, notice_id)
    return row.sender, row.pid


def _row(session: Session, notice_id: str) -> ReceivedNoticeRow:
    row = session.get(ReceivedNoticeRow, notice_id)
    if row is None:
        raise NotFound("no notice with that id")
    return row


def _answerable(session: Session, principal: Principal, notice_id: str) -> ReceivedNoticeRow:
    require(principal, "amend")
    row = _row(session, notice_id)
    if row.cancelled:
        raise InvalidRequest("the prison has called this release off; there is nothing to answer")
    return row


def _answered(session: Session, principal: Principal, row: ReceivedNoticeRow, what: str) -> None:
    row.receipt_seq += 1
    row.receipt_attempts, row.receipt_failure, row.receipt_retry_at = 0, None, None
    session.add(row)
    detail = json.dumps({"notice": row.id, "answer": what, "step": row.step})
    audit.record(session, actor=audit.actor_of(principal, None), action="notice_answer", pid=row.pid, detail=detail)


def _later(step: str, other: AuthorityStep) -> AuthorityStep:
    current: AuthorityStep = step if step in AUTHORITY_STEPS else "received"
    return max(current, other, key=AUTHORITY_STEPS.index)


def _received(row: ReceivedNoticeRow) -> ReceivedNotice:
    return ReceivedNotice(
        id=row.id,
        sender=row.sender,
        pid=row.pid,
        seq=row.seq,
        cancelled=row.cancelled,
        expected_date=row.expected_date,
        release_type=cast("ReleaseType | None", row.release_type),  # stored from a notice's ReleaseType only
        contact=row.contact,
        transition_assessment=row.transition_assessment,
        has_view=row.has_view,
        pulled_at=as_utc(row.pulled_at) if row.pulled_at else None,
        first_received_at=as_utc(row.first_received_at),
        received_at=as_utc(row.received_at),
        days_notice=row.days_notice,
        status=_later(row.step, "received"),
        acknowledged_on=row.acknowledged_on,
        declined_reason=row.declined_reason,
        declined_suggested=row.declined_suggested,
        answer_delivered=row.receipt_sent_seq == row.receipt_seq,
    )
