"""Import on transfer or release: verify what the person carries, pull the record from its issuer, store it.

:func:`import_passport` is the one import use case, called by the API, the reception desk and the CLI alike (the
desk through :func:`attempt_import`, which returns a refusal with the card it verified instead of raising it).
From a card (:func:`import_card`, which pulls the history and hands it to :func:`import_history`), or on release
from a notice received here (:func:`import_notice`: the same pull, from the prison that sent it, for its passport,
without steps 1 and 4):

1. the card verifies offline against the trust store (its issuer, signature, expiry);
2. the receiver calls the issuer's API with a client assertion signed by its own key and pulls the whole
   history (served only to the organisation a handover names as next custodian);
3. the whole chain verifies (signatures, links, custody, every version whole, no fork or rollback against what
   is held here), and the newest version hands custody to this organisation;
4. the chain contains the version the card names (``ver`` and ``vd``), made while the card's issuer had custody:
   a card is printed weeks before a move and the handover itself makes a version, so the newest version is
   usually later than the card's, and the result says so (:attr:`ImportResult.card_ver`);
5. no new version is signed by a revoked key unless a later version signed by a key in good standing vouches
   for it (its digest is chained into that one): a key's ``iat`` proves nothing once the key is compromised;
6. it is stored in one transaction; importing the same thing again changes nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import ParamSpec

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from crypto import SdJwt, TrustStore, b64url_decode, parse_json
from passport.core.card import Card
from passport.core.chain import MAX_HISTORY, MAX_HISTORY_CHARS, History, KnownHead, verify_history
from passport.core.identity import Identity
from passport.core.versions import Version
from passport.services import audit
from passport.services.access import require
from passport.services.deployment import Deployment
from passport.services.notices import notice_origin
from passport.services.peer_auth import make_client_assertion
from passport.services.peers import base_url_of, get_json, peer_url
from passport.services.principals import Principal
from passport.services.records import store_version
from passport.services.releases import keep_release
from passport.services.storage import PassportRow, VersionRow, reading, transaction, utcnow
from schemas.errors import (
    CardMismatch,
    ConfigurationError,
    CustodyViolation,
    InvalidRequest,
    KeyRevoked,
    MalformedToken,
    NotFound,
    NoticeInvalid,
    PassportError,
)

P = ParamSpec("P")
# The issuer's answer: every SD-JWT of the longest history allowed, and a short summary of each version.
MAX_RESPONSE_BYTES = MAX_HISTORY_CHARS + MAX_HISTORY * 1024


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the passport, its newest version (number, digest, when it was signed) and issuers, how
    many versions were new here, and the card (and the version it showed), when a card was used."""

    pid: str
    ver: int
    digest: str
    issuers: list[str]
    new_versions: int
    issued_at: int
    card_ver: int | None = None
    card: Card | None = None

    @property
    def moved_on(self) -> bool:
        """Whether the record changed after the card was printed (a new card shows the newest alerts)."""
        return self.card_ver is not None and self.card_ver < self.ver


def pull_history(
    issuer: str, pid: str, *, base_url: str, identity: Identity, client: httpx.Client, now: int
) -> list[str]:
    """Step 2: the whole history of passport ``pid`` from ``issuer`` (the card's issuer, or the prison that sent a
    notice) at ``base_url``, asked for with a client assertion."""
    assertion = make_client_assertion(key=identity.keyring.active, issuer=identity.org_id, audience=issuer, now=now)
    try:
        answer = get_json(
            client,
            f"{peer_url(base_url)}/v1/passports/{pid}/versions",
            cap=MAX_RESPONSE_BYTES,
            headers={"Authorization": f"Bearer {assertion}"},
        )
    except NotFound as exc:
        raise NotFound("the issuer does not hand this passport to this organisation") from exc
    except ConfigurationError as exc:
        raise ConfigurationError(f"{exc.detail}; a card still verifies offline") from exc
    history = answer.get("sd_jwts") if isinstance(answer, dict) else None
    if not isinstance(history, list) or not all(isinstance(t, str) for t in history):
        raise MalformedToken("the issuer's answer is not a passport history")
    return history


def _pull(engine: Engine, *, identity: Identity, issuer: str, pid: str, client: httpx.Client, now: int) -> list[str]:
    """Step 2 from a trusted peer, holding no database transaction across the network call."""
    if issuer == identity.org_id:
        raise InvalidRequest("this passport is held here; there is nothing to import")
    with reading(engine) as session:
        base_url = base_url_of(session, issuer)
    return pull_history(issuer, pid, base_url=base_url, identity=identity, client=client, now=now)


def import_history(
    session: Session,
    *,
    identity: Identity,
    principal: Principal,
    history: Sequence[str],
    trust: TrustStore,
    now: int,
    card: Card | None = None,
    notice_pid: str | None = None,
    source: str | None = None,
) -> ImportResult:
    """Steps 3-5: check against the card (or that it is the passport a notice named), verify the chain and
    custody, store what is new, in this transaction."""
    require(principal, "import")
    row = session.get(PassportRow, _unverified_pid(card or notice_pid, history))
    known = _known_head(session, row)
    verified = verify_history(list(history), trust=trust, now=now, known=known)
    current = verified.current
    if card is not None:
        check_card_in_history(card, verified)
    if notice_pid is not None and verified.pid != notice_pid:
        raise NoticeInvalid("the record the prison sent is not the passport its notice names")
    if current.custody.next != identity.org_id:
        raise CustodyViolation("this history does not hand the passport to this organisation")
    # verify_history compared the newest version held here with the one offered; the digests chain every
    # version before it, so the versions held here are exactly the offered ones up to that number.
    new: list[Version] = [v for v in verified.versions if known is None or v.ver > known.ver]
    check_not_revoked(new, trust)
    if row is None:
        row = PassportRow(
            pid=current.pid,
            holder_org=identity.org_id,
            current_ver=current.ver,
            custodian=identity.org_id,
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        session.add(row)
        session.flush()
    elif new:
        row.current_ver, row.custodian, row.updated_at = current.ver, identity.org_id, utcnow()
        session.add(row)
    for version in new:
        store_version(session, version)
    if new:
        keep_release(session, new[-1], here=identity.org_id)
    origin = "card" if card else "notice" if notice_pid else "history"
    detail = {"issuers": verified.issuers, "new_versions": len(new), "from": origin}
    audit.record(
        session,
        actor=audit.actor_of(principal, source),
        action="import",
        pid=current.pid,
        ver=current.ver,
        detail=json.dumps(detail),
    )
    return ImportResult(
        current.pid,
        current.ver,
        current.digest,
        verified.issuers,
        len(new),
        current.issued_at,
        card.ver if card is not None else None,
        card,
    )


def check_card_in_history(card: Card, history: History) -> None:
    """Step 4: the history holds the version the card shows, and the card's issuer had custody of it then."""
    shown = next((v for v in history.versions if v.ver == card.ver), None)
    if card.pid != history.pid or shown is None or shown.digest != card.digest:
        raise CardMismatch("the record the issuer sent does not contain the version this card shows")
    if card.issuer not in (shown.issuer, shown.custody.custodian_after):
        raise CustodyViolation("the card was not issued by the organisation that had custody of the passport")


def check_not_revoked(new: Sequence[Version], trust: TrustStore) -> None:
    """Step 5: a version new here that a revoked key signed is refused whatever ``iat`` it claims (a stolen key
    can backdate), unless a later version, signed by a key in good standing, chains it in."""
    vouched = False
    for version in reversed(new):
        revoked = trust.lookup(version.kid).revoked_at is not None
        if revoked and not vouched:
            raise KeyRevoked(f"version {version.ver} is signed by a key that has been revoked")
        vouched = vouched or not revoked


def import_card(
    engine: Engine,
    *,
    identity: Identity,
    principal: Principal,
    card: Card,
    trust: TrustStore,
    now: int,
    client: httpx.Client,
    history: Sequence[str] | None = None,
    source: str | None = None,
) -> ImportResult:
    """Steps 2-5 for a card that verified: pull the history from its issuer (unless one was supplied, offline),
    holding no database transaction across the network call, then import it in one transaction."""
    require(principal, "import")
    if history is None:
        if card.issuer == identity.org_id:
            raise InvalidRequest("this card was issued here; there is nothing to import")
        history = _pull(engine, identity=identity, issuer=card.issuer, pid=card.pid, client=client, now=now)
    with transaction(engine) as session:
        return import_history(
            session,
            identity=identity,
            principal=principal,
            history=history,
            trust=trust,
            now=now,
            card=card,
            source=source,
        )


def import_notice(
    engine: Engine,
    *,
    identity: Identity,
    principal: Principal,
    notice_id: str,
    trust: TrustStore,
    now: int,
    client: httpx.Client,
    source: str | None = None,
) -> ImportResult:
    """On release, with no card to hand: steps 2-5 for the passport a notice received here names, pulled from the
    prison that sent it (which serves it only once it has handed the passport over to this organisation)."""
    require(principal, "import")
    with reading(engine) as session:
        sender, pid = notice_origin(session, notice_id)
    history = _pull(engine, identity=identity, issuer=sender, pid=pid, client=client, now=now)
    with transaction(engine) as session:
        return import_history(
            session,
            identity=identity,
            principal=principal,
            history=history,
            trust=trust,
            now=now,
            notice_pid=pid,
            source=source,
        )


@dataclass(frozen=True)
class ImportRefused:
    """An import that was refused (and audited): why, and the card when it had verified before the refusal, so a
    page can say who the card is for without verifying it a second time."""

    error: PassportError
    card: Card | None = None


def attempt_import(
    deployment: Deployment,
    *,
    principal: Principal,
    card: str | None = None,
    history: Sequence[str] | None = None,
    notice: str | None = None,
    source: str | None = None,
    client: httpx.Client | None = None,
) -> ImportResult | ImportRefused:
    """Import a passport from the text of its card (pulling the record from the issuer, unless ``history`` is
    given), from a custody copy's history alone, or from the id of a release notice received here (pulling the
    record from the prison that sent it). A refusal is audited as ``import`` and returned, with the card when it
    had verified; nothing is stored unless everything verified. :data:`import_passport` raises it."""
    now = int(time.time())
    verified: Card | None = None
    try:
        require(principal, "import")
        trust = deployment.trust_store()
        if notice is not None and (card is not None or history is not None):
            raise InvalidRequest("import from a notice alone, or from a card and/or a history")
        if card is None and notice is None:
            with transaction(deployment.engine) as session:
                return import_history(
                    session,
                    identity=deployment.identity,
                    principal=principal,
                    history=list(history or []),
                    trust=trust,
                    now=now,
                    source=source,
                )
        with nullcontext(client) if client is not None else httpx.Client() as http:
            if notice is not None:
                return import_notice(
                    deployment.engine,
                    identity=deployment.identity,
                    principal=principal,
                    notice_id=notice,
                    trust=trust,
                    now=now,
                    client=http,
                    source=source,
                )
            verified = Card.from_scan(card or "", trust=trust, now=now)
            return import_card(
                deployment.engine,
                identity=deployment.identity,
                principal=principal,
                card=verified,
                trust=trust,
                now=now,
                client=http,
                history=history,
                source=source,
            )
    except PassportError as exc:
        audit.record_refusal(deployment.engine, actor=audit.actor_of(principal, source), action="import", code=exc.code)
        return ImportRefused(exc, verified)


def _raising(attempt: Callable[P, ImportResult | ImportRefused]) -> Callable[P, ImportResult]:
    """``attempt`` raising the refusal it would return."""

    def run(*args: P.args, **kwargs: P.kwargs) -> ImportResult:
        outcome = attempt(*args, **kwargs)
        if isinstance(outcome, ImportRefused):
            raise outcome.error
        return outcome

    return run


import_passport = _raising(attempt_import)
"""Import a passport from the text of its card (pulling the record from the issuer, unless ``history`` is given),
from a custody copy's history alone, or from a release notice received here; the arguments of
:func:`attempt_import`. A refusal is audited as ``import``
and raised; nothing is stored unless everything verified."""


def _unverified_pid(named: Card | str | None, history: Sequence[str]) -> str:
    """Which passport an import is about, before anything is verified (as a card or a notice names it, or as the
    history says): only to look up what is held here, which the verification that follows then checks the whole
    history against."""
    if named is not None:
        return named if isinstance(named, str) else named.pid
    if not history:
        raise InvalidRequest("the history is empty")
    try:
        payload = parse_json(b64url_decode(SdJwt.parse(history[-1]).issuer_jwt.split(".")[1]))
        return str(payload["pid"])
    except (PassportError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise MalformedToken("the newest version of the history is not readable") from exc


def _known_head(session: Session, row: PassportRow | None) -> KnownHead | None:
    if row is None:
        return None
    newest = session.exec(
        select(VersionRow).where(VersionRow.pid == row.pid).order_by(col(VersionRow.ver).desc())
    ).first()
    return KnownHead(newest.ver, newest.digest) if newest else None
