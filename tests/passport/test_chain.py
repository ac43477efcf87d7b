"""The chain of versions: links, custody, forks and rollbacks, verified from public keys alone."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from crypto import SigningKey, TrustedKey, TrustStore
from passport.core.chain import KnownHead, verify_history
from passport.core.versions import Handover, Version, issue_version
from schemas import PassportContent, parse_content
from schemas.errors import ChainBroken, CustodyViolation, ForkDetected, RollbackDetected, UntrustedIssuer

NOW = int(time.time())
WYMOTT, RISLEY, ROGUE = "prison:WYI", "prison:RSY", "prison:XXX"


@pytest.fixture(scope="module")
def keys() -> dict[str, SigningKey]:
    """One key per organisation."""
    return {org: SigningKey.generate() for org in (WYMOTT, RISLEY, ROGUE)}


@pytest.fixture(scope="module")
def trust(keys: dict[str, SigningKey]) -> TrustStore:
    """Every organisation's key trusted (custody, not trust, is what the chain tests exercise)."""
    return TrustStore.of(TrustedKey(org, key.public) for org, key in keys.items())


@pytest.fixture
def content(reference: dict[str, Any]) -> PassportContent:
    """The reference passport content."""
    return parse_content(reference)


def _next(
    keys: dict[str, SigningKey],
    content: PassportContent,
    before: Version,
    *,
    issuer: str,
    prev: str | None = None,
    handover: Handover | None = None,
) -> Version:
    return issue_version(
        key=keys[issuer],
        issuer=issuer,
        pid=before.pid,
        ver=before.ver + 1,
        prev=prev if prev is not None else before.digest,
        content=content,
        iat=NOW,
        handover=handover,
        holder=keys[handover.to].public if handover else None,
    )


def _chain(keys: dict[str, SigningKey], content: PassportContent) -> list[Version]:
    """v1, v2 at Wymott; v3 hands over to Risley; v4 at Risley."""
    v1 = issue_version(
        key=keys[WYMOTT], issuer=WYMOTT, pid=str(uuid.uuid4()), ver=1, prev=None, content=content, iat=NOW
    )
    v2 = _next(keys, content, v1, issuer=WYMOTT)
    v3 = _next(keys, content, v2, issuer=WYMOTT, handover=Handover(RISLEY, "transfer", "2026-12-01"))
    v4 = _next(keys, content, v3, issuer=RISLEY)
    return [v1, v2, v3, v4]


def test_a_history_across_a_handover_verifies(
    keys: dict[str, SigningKey], trust: TrustStore, content: PassportContent
) -> None:
    """Two issuers, linked by digest, custody passed by the handover: it verifies, in any order given."""
    chain = _chain(keys, content)
    history = verify_history([v.serialize() for v in reversed(chain)], trust=trust, now=NOW)
    assert [v.ver for v in history.versions] == [1, 2, 3, 4]
    assert history.issuers == [WYMOTT, RISLEY]
    assert history.current.content == content
    assert history.versions[2].handover == Handover(RISLEY, "transfer", "2026-12-01")


def test_prev_that_does_not_match_breaks_the_chain(
    keys: dict[str, SigningKey], trust: TrustStore, content: PassportContent
) -> None:
    """A version whose prev names something other than the version before: chain_broken."""
    v1, v2, *_ = _chain(keys, content)
    wrong = _next(keys, content, v2, issuer=WYMOTT, prev=v1.digest)
    with pytest.raises(ChainBroken, match="does not follow") as caught:
        verify_history([v1.serialize(), v2.serialize(), wrong.serialize()], trust=trust, now=NOW)
    assert caught.value.code == "chain_broken"


def test_a_gap_in_the_numbering_breaks_the_chain(
    keys: dict[str, SigningKey], trust: TrustStore, content: PassportContent
) -> None:
    """Version 2 missing from the history: chain_broken."""
    v1, _, v3, _ = _chain(keys, content)
    with pytest.raises(ChainBroken, match="without a gap"):
        verify_history([v1.serialize(), v3.serialize()], trust=trust, now=NOW)


def test_a_version_signed_without_custody_is_refused(
    keys: dict[str, SigningKey], trust: TrustStore, content: PassportContent
) -> None:
    """An organisation that never had custody signs the next version: custody_violation."""
    v1, v2, *_ = _chain(keys, content)
    rogue = _next(keys, content, v2, issuer=ROGUE)
    with pytest.raises(CustodyViolation) as caught:
        verify_history([v1, v2, rogue], trust=trust, now=NOW)
    assert caught.value.code == "custody_violation"


def test_the_sender_cannot_sign_after_handing_over(
    keys: dict[str, SigningKey], trust: TrustStore, content: PassportContent
) -> None:
    """After v3 hands custody to Risley, a v4 signed by Wymott is a custody violation."""
    v1, v2, v3, _ = _chain(keys, content)
    late = _next(keys, content, v3, issuer=WYMOTT)
    with pytest.raises(CustodyViolation):
        verify_history([v1, v2, v3, late], trust=trust, now=NOW)


def test_two_different_versions_with_one_number_are_a_fork(
    keys: dict[str, SigningKey], trust: TrustStore, content: PassportContent
) -> None:
    """Two different v2s for one passport: fork_detected."""
    v1, v2, *_ = _chain(keys, content)
    other = _next(keys, content, v1, issuer=WYMOTT)
    assert other.digest != v2.digest
    with pytest.raises(ForkDetected) as caught:
        verify_history([v1, v2, other], trust=trust, now=NOW)
    assert caught.value.code == "fork_detected"


def test_an_older_version_offered_as_current_is_a_rollback(
    keys: dict[str, SigningKey], trust: TrustStore, content: PassportContent
) -> None:
    """A verifier that already knows v4 is offered a history ending at v2: rollback_detected."""
    chain = _chain(keys, content)
    known = KnownHead(ver=4, digest=chain[3].digest)
    with pytest.raises(RollbackDetected):
        verify_history(chain[:2], trust=trust, now=NOW, known=known)
    with pytest.raises(ForkDetected):
        verify_history([*chain[:3], _next(keys, content, chain[2], issuer=RISLEY)], trust=trust, now=NOW, known=known)
    assert verify_history(chain, trust=trust, now=NOW, known=known).current.ver == 4


def test_versions_of_two_passports_do_not_make_one_history(
    keys: dict[str, SigningKey], trust: TrustStore, content: PassportContent
) -> None:
    """Mixing passports: chain_broken."""
    first, second = _chain(keys, content), _chain(keys, content)
    with pytest.raises(ChainBroken, match="different passports"):
        verify_history([first[0], second[1]], trust=trust, now=NOW)


def test_a_version_from_an_untrusted_issuer_is_refused(keys: dict[str, SigningKey], content: PassportContent) -> None:
    """Only Wymott trusted: Risley's version fails before any chain rule is looked at."""
    only_wymott = TrustStore.of([TrustedKey(WYMOTT, keys[WYMOTT].public)])
    chain = _chain(keys, content)
    with pytest.raises(Exception, match="not trusted") as caught:
        verify_history([v.serialize() for v in chain], trust=only_wymott, now=NOW)
    assert caught.value.code == "unknown_key"  # type: ignore[attr-defined]
    forged_iss = TrustStore.of([TrustedKey(RISLEY, keys[WYMOTT].public)])
    with pytest.raises(UntrustedIssuer):
        verify_history([chain[0].serialize()], trust=forged_iss, now=NOW)
