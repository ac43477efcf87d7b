"""Delivering release notices and receipts between deployments, in time and until they arrive.

:func:`deliver_due` is the one job: the server runs it on a schedule of its own, and ``passport releases send-due``
runs it at once (for a cron job). It sends, with a client assertion signed by this organisation's key:

- as custodian prison, every notice revision not yet delivered whose release is within the notice period (a
  release nearer than that at once; a cancellation at once, if the authority was ever told), to
  ``POST /v1/notices`` on the authority's deployment;
- as local authority, every answer not yet delivered, to ``POST /v1/notices/{id}/receipts`` on the prison's.

Each message is built and recorded in a transaction of its own, and sent between them, so that no database lock
is held while a peer is called. A failed delivery is kept with its reason and tried again later, backing off
(``RETRY_AFTER``); sending the same revision twice is harmless, because the receiver keeps only newer revisions.

A notice carries the consent-scoped local-authority view only where the person's consent lets local authorities
see something; otherwise it says no more than that someone with assessed care needs is due into the area (README,
"Release into the community", says why that is lawful and what a notice never contains).
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import cast

import httpx
from sqlmodel import Session, col, select

from passport.core.notices import sign_notice, sign_receipt
from passport.core.views import View
from passport.services import audit
from passport.services.deployment import Deployment
from passport.services.peer_auth import make_client_assertion
from passport.services.peers import base_url_of, post_json
from passport.services.records import current_version
from passport.services.sharing import prepare_view, record_view
from passport.services.storage import PassportRow, ReceivedNoticeRow, ReleaseNoticeRow, reading, transaction
from schemas import NOTICE_PERIOD_DAYS, Decline, NoticeClaims, ReceiptClaims, ReleaseType
from schemas.errors import PassportError, PeerRefused

RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
"""How long to wait after the first, second, ... failed delivery before trying again (then the last, each time)."""


@dataclass(frozen=True)
class Delivered:
    """What one run did: messages delivered, and those that failed (kept to try again) with why, as error codes
    (never anything about a person)."""

    sent: int = 0
    failed: int = 0
    failures: tuple[str, ...] = ()

    def __add__(self, other: Delivered) -> Delivered:
        return Delivered(self.sent + other.sent, self.failed + other.failed, self.failures + other.failures)


def deliver_due(
    deployment: Deployment, *, now: int, period_days: int = NOTICE_PERIOD_DAYS, client: httpx.Client | None = None
) -> Delivered:
    """Send every notice and receipt that is due (see the module's docstring)."""
    moment = datetime.fromtimestamp(now, UTC)
    with nullcontext(client) if client is not None else httpx.Client() as http:
        done = Delivered()
        for notice_id in _due_notices(deployment, moment, moment.date() + timedelta(days=period_days)):
            done += _deliver_notice(deployment, notice_id, now=now, client=http)
        for notice_id in _due_receipts(deployment, moment):
            done += _deliver_receipt(deployment, notice_id, now=now, client=http)
    return done


def _due_notices(deployment: Deployment, moment: datetime, horizon: date) -> list[str]:
    with reading(deployment.engine) as session:
        rows = session.exec(
            select(ReleaseNoticeRow.id).where(
                col(ReleaseNoticeRow.sent_seq) < col(ReleaseNoticeRow.seq),
                col(ReleaseNoticeRow.released).is_(False),
                col(ReleaseNoticeRow.retry_at).is_(None) | (col(ReleaseNoticeRow.retry_at) <= moment),
                col(ReleaseNoticeRow.cancelled) | (col(ReleaseNoticeRow.expected_date) <= horizon),
            )
        )
        return list(rows)


def _due_receipts(deployment: Deployment, moment: datetime) -> list[str]:
    with reading(deployment.engine) as session:
        rows = session.exec(
            select(ReceivedNoticeRow.id).where(
                col(ReceivedNoticeRow.receipt_sent_seq) < col(ReceivedNoticeRow.receipt_seq),
                col(ReceivedNoticeRow.receipt_retry_at).is_(None) | (col(ReceivedNoticeRow.receipt_retry_at) <= moment),
            )
        )
        return list(rows)


def _deliver_notice(deployment: Deployment, notice_id: str, *, now: int, client: httpx.Client) -> Delivered:
    identity = deployment.identity
    with transaction(deployment.engine) as session:
        row = session.get(ReleaseNoticeRow, notice_id)
        if row is None or row.sent_seq >= row.seq:
            return Delivered()  # another worker got there first
        if row.cancelled and row.sent_seq == 0:
            row.sent_seq = row.seq  # the authority was never told: there is nothing to call off
            session.add(row)
            return Delivered()
        seq, destination, base_url = row.seq, row.destination, _base_url(session, row.destination)
        claims, view = _notice_claims(session, deployment, row, now=now) if base_url else (None, None)
    try:
        if base_url is None or claims is None:
            raise PeerRefused("not_a_trusted_peer")
        text = sign_notice(claims, key=identity.keyring.active, sender=identity.org_id, recipient=destination, now=now)
        _post(deployment, client, base_url, "/v1/notices", {"notice": text}, audience=destination, now=now)
    except PassportError as exc:
        return _failed(deployment, notice_id, exc, receipt=False, now=now)
    with transaction(deployment.engine) as session:
        row = session.get(ReleaseNoticeRow, notice_id)
        if row is not None and row.sent_seq < seq:
            stamp = datetime.fromtimestamp(now, UTC)
            row.sent_seq, row.sent_at, row.attempts, row.failure, row.retry_at = seq, stamp, 0, None, None
            row.first_sent_at = row.first_sent_at or stamp
            session.add(row)
        if view is not None:  # the person sees that the authority was shown this, once it was
            record_view(session, view, actor=audit.Actor(principal_id=None, org=identity.org_id, role="system"))
    return Delivered(sent=1)


def _notice_claims(
    session: Session, deployment: Deployment, row: ReleaseNoticeRow, *, now: int
) -> tuple[NoticeClaims, View | None]:
    """What the notice says; with the consent-scoped view, where consent lets local authorities see anything."""
    identity = deployment.identity
    view = None
    if not row.cancelled:
        passport = session.get(PassportRow, row.pid)
        assert passport is not None  # a notice row is only made for a passport held here
        stored = current_version(session, row.pid, passport.current_ver)
        if stored.parsed.consent.permitted_sections("local_authority"):
            view = prepare_view(
                session,
                identity=identity,
                stored=stored,
                audience="local_authority",
                recipient=row.destination,
                now=now,
            )
    claims = NoticeClaims(
        id=row.id,
        seq=row.seq,
        pid=row.pid,
        cancelled=row.cancelled,
        expected_date=None if row.cancelled else row.expected_date,
        release_type=None if row.cancelled else cast("ReleaseType | None", row.release_type),
        releasing=identity.org_id,
        contact=row.contact,
        transition_assessment=row.transition_assessment,
        view=view.serialize() if view else None,
    )
    return claims, view


def _deliver_receipt(deployment: Deployment, notice_id: str, *, now: int, client: httpx.Client) -> Delivered:
    identity = deployment.identity
    with reading(deployment.engine) as session:
        row = session.get(ReceivedNoticeRow, notice_id)
        if row is None or row.receipt_sent_seq >= row.receipt_seq:
            return Delivered()
        seq, sender, base_url = row.receipt_seq, row.sender, _base_url(session, row.sender)
        declined = (
            Decline(reason=row.declined_reason, suggested=row.declined_suggested) if row.declined_reason else None
        )
        claims = ReceiptClaims(
            notice=row.id,
            seq=seq,
            answers=row.seq,
            step=row.step,
            acknowledged_on=row.acknowledged_on,
            declined=declined,
        )
    text = sign_receipt(claims, key=identity.keyring.active, sender=identity.org_id, recipient=sender, now=now)
    try:
        _post(
            deployment,
            client,
            base_url,
            f"/v1/notices/{notice_id}/receipts",
            {"receipt": text},
            audience=sender,
            now=now,
        )
    except PassportError as exc:
        return _failed(deployment, notice_id, exc, receipt=True, now=now)
    with transaction(deployment.engine) as session:
        row = session.get(ReceivedNoticeRow, notice_id)
        if row is not None and row.receipt_sent_seq < seq:
            row.receipt_sent_seq, row.receipt_attempts, row.receipt_failure, row.receipt_retry_at = seq, 0, None, None
            session.add(row)
    return Delivered(sent=1)


def _base_url(session: Session, org: str) -> str | None:
    try:
        return base_url_of(session, org)
    except PassportError:
        return None  # not (or no longer) a trusted peer: the delivery fails, and says why


def _post(
    deployment: Deployment,
    client: httpx.Client,
    base_url: str | None,
    path: str,
    body: dict[str, str],
    *,
    audience: str,
    now: int,
) -> None:
    if not base_url:
        raise PeerRefused("not_a_trusted_peer")
    identity = deployment.identity
    assertion = make_client_assertion(key=identity.keyring.active, issuer=identity.org_id, audience=audience, now=now)
    post_json(client, base_url.rstrip("/") + path, body, headers={"Authorization": f"Bearer {assertion}"})


def _failed(deployment: Deployment, notice_id: str, exc: PassportError, *, receipt: bool, now: int) -> Delivered:
    """Keep why a delivery failed, and when to try again."""
    reason = exc.refused_code if isinstance(exc, PeerRefused) else exc.code
    with transaction(deployment.engine) as session:
        if receipt:
            answer = session.get(ReceivedNoticeRow, notice_id)
            if answer is not None:
                answer.receipt_attempts += 1
                answer.receipt_failure, answer.receipt_retry_at = reason, _retry_at(answer.receipt_attempts, now)
                session.add(answer)
        else:
            notice = session.get(ReleaseNoticeRow, notice_id)
            if notice is not None:
                notice.attempts += 1
                notice.failure, notice.retry_at = reason, _retry_at(notice.attempts, now)
                session.add(notice)
    return Delivered(failed=1, failures=(reason,))


def _retry_at(attempts: int, now: int) -> datetime:
    return datetime.fromtimestamp(now, UTC) + RETRY_AFTER[min(attempts, len(RETRY_AFTER)) - 1]
