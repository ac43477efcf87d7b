"""Importing a passport handed over to this deployment, without a server: every version stored, once; a cut-down,
forked or rolled-back history refused with its code and nothing stored; a card checked against the history."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from crypto import SigningKey, TrustedKey, TrustStore
from passport.core.card import Card, issue_card
from passport.core.versions import Handover, Version, issue_version
from passport.services.deployment import Deployment
from passport.services.principals import Principal
from passport.services.storage import AuditRow, PassportRow, VersionRow, transaction
from passport.services.transfer import (
    ImportRefused,
    ImportResult,
    attempt_import,
    import_card,
    import_history,
    import_passport,
)
from schemas import PassportContent, parse_content
from schemas.errors import (
    AccessDenied,
    CardMismatch,
    CustodyViolation,
    ForkDetected,
    InvalidRequest,
    KeyRevoked,
    PassportError,
    RecordIncomplete,
    RollbackDetected,
)
from tests.crypto.forge import refusal
from tests.passport.histories import RISLEY, WYMOTT, without

NOW = int(time.time())
RECEPTION = Principal("reception-1", WYMOTT, "reception")


@pytest.fixture
def risley() -> SigningKey:
    """HMP Risley's key: Risley hands the passport over to Wymott, the deployment under test."""
    return SigningKey.generate()


@pytest.fixture
def trust(deployment: Deployment, risley: SigningKey) -> TrustStore:
    """Wymott's own keys and Risley's."""
    own = deployment.identity.keyring.trust_store(WYMOTT)
    return TrustStore.of([*own, TrustedKey(RISLEY, risley.public)])


@pytest.fixture
def content(reference: dict[str, Any]) -> PassportContent:
    """The reference passport."""
    return parse_content(reference)


def chain(risley: SigningKey, deployment: Deployment, content: PassportContent, *, last: int = 3) -> list[Version]:
    """Versions 1 and 2 at Risley, then version 3 handing the passport over to Wymott."""
    pid = str(uuid.uuid4())
    versions: list[Version] = []
    for ver in range(1, last + 1):
        handing = ver == 3
        versions.append(
            issue_version(
                key=risley,
                issuer=RISLEY,
                pid=pid,
                ver=ver,
                prev=versions[-1].digest if versions else None,
                content=content,
                iat=NOW - 3600 + ver,
                handover=Handover(WYMOTT, "transfer", "2026-12-01") if handing else None,
                holder=deployment.identity.keyring.active.public if handing else None,
            )
        )
    return versions


def imported(
    deployment: Deployment, history: list[str], trust: TrustStore, principal: Principal = RECEPTION
) -> ImportResult:
    """Import ``history`` in one transaction, as the API does."""
    with transaction(deployment.engine) as session:
        return import_history(
            session, identity=deployment.identity, principal=principal, history=history, trust=trust, now=NOW
        )


def held(deployment: Deployment) -> tuple[int, int, int]:
    """How many passports, versions and audit rows Wymott holds."""
    with Session(deployment.engine) as session:
        return (
            session.exec(select(func.count()).select_from(PassportRow)).one(),
            session.exec(select(func.count()).select_from(VersionRow)).one(),
            session.exec(select(func.count()).select_from(AuditRow)).one(),
        )


def refused(
    deployment: Deployment, history: list[str], trust: TrustStore, error: type[PassportError], code: str, match: str
) -> None:
    """The import fails with ``error`` (its message matching ``match``) and changes nothing at all."""
    before = held(deployment)
    with refusal(error, code, match):
        imported(deployment, history, trust)
    assert held(deployment) == before


def test_a_handed_over_history_is_stored_whole(
    deployment: Deployment, risley: SigningKey, trust: TrustStore, content: PassportContent
) -> None:
    """Every version, exactly as signed, in order; Wymott holds the passport and has custody; one audit row."""
    versions = chain(risley, deployment, content)
    result = imported(deployment, [v.serialize() for v in versions], trust)
    assert (result.pid, result.ver, result.digest, result.issuers) == (versions[0].pid, 3, versions[2].digest, [RISLEY])
    assert (result.new_versions, result.card_ver, result.moved_on) == (3, None, False)
    with Session(deployment.engine) as session:
        rows = session.exec(select(VersionRow).order_by(col(VersionRow.ver))).all()
        assert [(r.ver, r.digest, r.sd_jwt) for r in rows] == [(v.ver, v.digest, v.serialize()) for v in versions]
        passport = session.get(PassportRow, result.pid)
        assert passport is not None
        assert (passport.holder_org, passport.custodian, passport.current_ver) == (WYMOTT, WYMOTT, 3)
        actions = [(a.action, a.org, a.role) for a in session.exec(select(AuditRow)).all()]
    assert actions == [("import", WYMOTT, "reception")]


def test_importing_the_same_history_again_changes_nothing(
    deployment: Deployment, risley: SigningKey, trust: TrustStore, content: PassportContent
) -> None:
    """A second import (a retry, a second scan) stores no version twice and says nothing was new."""
    history = [v.serialize() for v in chain(risley, deployment, content)]
    first = imported(deployment, history, trust)
    again = imported(deployment, history, trust)
    assert (again.ver, again.digest, again.new_versions) == (first.ver, first.digest, 0)
    assert held(deployment)[:2] == (1, 3)


@pytest.mark.parametrize("cut", [{"item": "e1"}, {"section": "equipment"}, {"section": "needs"}])
@pytest.mark.parametrize("where", [0, -1])
def test_a_cut_down_custody_copy_stores_nothing(
    deployment: Deployment,
    risley: SigningKey,
    trust: TrustStore,
    content: PassportContent,
    cut: dict[str, str],
    where: int,
) -> None:
    """A section or item cut out of the first or the newest version: record_incomplete, nothing stored, and the
    genuine history still imports afterwards."""
    history = [v.serialize() for v in chain(risley, deployment, content)]
    cut_down = list(history)
    cut_down[where] = without(history[where], **cut)
    refused(deployment, cut_down, trust, RecordIncomplete, "record_incomplete", "removed")
    assert held(deployment) == (0, 0, 0)
    assert imported(deployment, history, trust).new_versions == 3


def test_a_history_not_handed_to_this_organisation_stores_nothing(
    deployment: Deployment, risley: SigningKey, trust: TrustStore, content: PassportContent
) -> None:
    """Risley's record before its handover is Risley's: custody_violation."""
    history = [v.serialize() for v in chain(risley, deployment, content, last=2)]
    refused(deployment, history, trust, CustodyViolation, "custody_violation", "does not hand")


def test_a_second_version_with_a_number_already_held_is_a_fork(
    deployment: Deployment, risley: SigningKey, trust: TrustStore, content: PassportContent
) -> None:
    """After importing v1-v3, a history whose v3 differs (Risley signed two): fork_detected, nothing changes."""
    versions = chain(risley, deployment, content)
    imported(deployment, [v.serialize() for v in versions], trust)
    other = issue_version(
        key=risley,
        issuer=RISLEY,
        pid=versions[0].pid,
        ver=3,
        prev=versions[1].digest,
        content=content,
        iat=NOW - 10,
        handover=Handover(WYMOTT, "release", "2026-12-02"),
        holder=deployment.identity.keyring.active.public,
    )
    assert other.digest != versions[2].digest
    forked = [*(v.serialize() for v in versions[:2]), other.serialize()]
    refused(deployment, forked, trust, ForkDetected, "fork_detected", "version 3 differs")


def test_an_older_history_than_the_one_held_is_a_rollback(
    deployment: Deployment, risley: SigningKey, trust: TrustStore, content: PassportContent
) -> None:
    """Wymott holds v1-v3; a history ending at v2 is offered as current: rollback_detected, nothing changes."""
    versions = [v.serialize() for v in chain(risley, deployment, content)]
    imported(deployment, versions, trust)
    refused(deployment, versions[:2], trust, RollbackDetected, "rollback_detected", "offered as current")


def test_only_roles_that_import_may_import(
    deployment: Deployment, risley: SigningKey, trust: TrustStore, content: PassportContent
) -> None:
    """An auditor (or an authority) cannot import: access_denied, nothing stored."""
    history = [v.serialize() for v in chain(risley, deployment, content)]
    for role in ("auditor", "authority"):
        with refusal(AccessDenied, "access_denied", "may not import"):
            imported(deployment, history, trust, Principal("p", WYMOTT, role))
    assert held(deployment) == (0, 0, 0)


def test_a_history_a_revoked_key_signed_is_refused_unless_a_good_key_vouches_for_it(
    deployment: Deployment, content: PassportContent
) -> None:
    """A stolen key, revoked, backdates a whole history: key_revoked, nothing stored; a history whose newest
    version a key in good standing signed vouches for the older ones."""
    stolen, current = SigningKey.generate(), SigningKey.generate()
    own = deployment.identity.keyring.trust_store(WYMOTT)
    trust = TrustStore.of(
        [*own, TrustedKey(RISLEY, current.public), TrustedKey(RISLEY, stolen.public, revoked_at=NOW - 5)]
    )
    receiver = deployment.identity.keyring.active

    forged = [v.serialize() for v in as_risley(stolen, receiver, content, later=None)]
    refused(deployment, forged, trust, KeyRevoked, "key_revoked", "revoked")
    vouched = [v.serialize() for v in as_risley(stolen, receiver, content, later=current)]
    assert imported(deployment, vouched, trust).new_versions == 2


def as_risley(
    signer: SigningKey, receiver: SigningKey, content: PassportContent, *, later: SigningKey | None
) -> list[Version]:
    """Version 1 signed by ``signer`` a day ago as Risley, then a handover to Wymott signed by ``later`` if given."""
    pid = str(uuid.uuid4())
    v1 = issue_version(key=signer, issuer=RISLEY, pid=pid, ver=1, prev=None, content=content, iat=NOW - 86_400)
    v2 = issue_version(
        key=later or signer,
        issuer=RISLEY,
        pid=pid,
        ver=2,
        prev=v1.digest,
        content=content,
        iat=NOW - 86_340,
        handover=Handover(WYMOTT, "transfer", "2026-12-01"),
        holder=receiver.public,
    )
    return [v1, v2]


def test_a_card_printed_before_the_handover_imports_the_whole_record(
    deployment: Deployment, risley: SigningKey, trust: TrustStore, content: PassportContent
) -> None:
    """A card for v1, offline with the history supplied: the whole record, and it says the record moved on. A
    card naming a digest the history does not hold, or signed by an organisation that never had custody, is
    refused and nothing is stored."""
    versions = chain(risley, deployment, content)
    history = [v.serialize() for v in versions]

    def card(key: SigningKey, issuer: str, digest: str) -> Card:
        jws = issue_card(key=key, issuer=issuer, pid=versions[0].pid, ver=1, digest=digest, content=content, now=NOW)
        return Card.verify(jws, trust=trust.merged(TrustStore.of([TrustedKey(issuer, key.public)])), now=NOW)

    def from_card(shown: Card) -> ImportResult:
        with httpx.Client() as client:  # never used: the history is supplied, as at a desk with no network
            return import_card(
                deployment.engine,
                identity=deployment.identity,
                principal=RECEPTION,
                card=shown,
                trust=trust,
                now=NOW,
                client=client,
                history=history,
            )

    with refusal(CardMismatch, "card_mismatch", "does not contain"):
        from_card(card(risley, RISLEY, versions[1].digest))
    with refusal(CustodyViolation, "custody_violation", "card was not issued"):
        from_card(card(SigningKey.generate(), "prison:LEI", versions[0].digest))
    assert held(deployment) == (0, 0, 0)
    result = from_card(card(risley, RISLEY, versions[0].digest))
    assert (result.ver, result.card_ver, result.moved_on, result.new_versions) == (3, 1, True, 3)


def test_a_refused_import_says_what_it_had_verified_of_the_card(
    deployment: Deployment, content: PassportContent
) -> None:
    """attempt_import returns the refusal, audited, with the card when the card had verified (so that the desk
    shows who it is for without verifying it again), and without one when the card itself was refused."""
    own = issue_card(
        key=deployment.identity.keyring.active,
        issuer=WYMOTT,
        pid=str(uuid.uuid4()),
        ver=1,
        digest="A" * 43,
        content=content,
        now=NOW,
    )
    issued_here = attempt_import(deployment, principal=RECEPTION, card=own)
    assert isinstance(issued_here, ImportRefused) and issued_here.error.code == "invalid_request"
    assert issued_here.card is not None and issued_here.card.serialize() == own
    damaged = attempt_import(deployment, principal=RECEPTION, card=own[:-3] + ("AAA" if own[-3:] != "AAA" else "BBB"))
    assert isinstance(damaged, ImportRefused) and damaged.card is None
    with Session(deployment.engine) as session:
        outcomes = [row.outcome for row in session.exec(select(AuditRow).where(AuditRow.action == "import"))]
    assert outcomes == ["invalid_request", damaged.error.code]
    with refusal(InvalidRequest, "invalid_request", "issued here"):
        import_passport(deployment, principal=RECEPTION, card=own)
