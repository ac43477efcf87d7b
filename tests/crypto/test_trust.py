"""The trust store: which organisation owns which key, since when a key is revoked, and what a published JWKS
brings in. A token verifies only under the key of the organisation it names, signed before any revocation."""

from __future__ import annotations

from typing import Any

import pytest

from crypto import (
    SigningKey,
    TrustedKey,
    TrustStore,
    jwks,
    sign_compact,
)
from schemas.errors import (
    KeyConflict,
    KeyRevoked,
    MalformedToken,
    UntrustedIssuer,
)
from tests.crypto.forge import NOW, ORG, TYP, claims, refusal


def test_an_issuer_that_does_not_own_the_key_is_refused(issuer_key: SigningKey, trust: TrustStore) -> None:
    """A validly signed token naming another organisation as ``iss`` is refused."""
    token = sign_compact(key=issuer_key, typ=TYP, claims=claims(iss="org-b"))
    with refusal(UntrustedIssuer, "untrusted_issuer", "does not belong to the issuer"):
        trust.verify(token, typ=TYP)


def test_one_organisation_cannot_sign_as_another(issuer_key: SigningKey, stranger_key: SigningKey) -> None:
    """With two trusted organisations, org-b's key cannot sign a token that says org-a issued it."""
    trust = TrustStore.of([TrustedKey(ORG, issuer_key.public), TrustedKey("org-b", stranger_key.public)])
    assert trust.verify(sign_compact(key=stranger_key, typ=TYP, claims=claims(iss="org-b")), typ=TYP)
    with refusal(UntrustedIssuer, "untrusted_issuer", "does not belong to the issuer"):
        trust.verify(sign_compact(key=stranger_key, typ=TYP, claims=claims()), typ=TYP)


@pytest.mark.parametrize(
    "payload",
    [
        {"iat": NOW},
        {"iss": ORG},
        {"iss": 1, "iat": NOW},
        {"iss": ORG, "iat": str(NOW)},
        {"iss": ORG, "iat": float(NOW)},
        {"iss": ORG, "iat": True},
    ],
    ids=["no-iss", "no-iat", "iss-number", "iat-string", "iat-float", "iat-bool"],
)
def test_a_token_without_valid_iss_and_iat_is_refused(
    issuer_key: SigningKey, trust: TrustStore, payload: dict[str, Any]
) -> None:
    """The trust store needs ``iss`` (a string) and ``iat`` (an integer) to check ownership and revocation."""
    token = sign_compact(key=issuer_key, typ=TYP, claims=payload)
    with refusal(MalformedToken, "malformed_token", "no valid iss or iat"):
        trust.verify(token, typ=TYP)


def test_a_revoked_key_verifies_only_what_it_signed_before_revocation(issuer_key: SigningKey) -> None:
    """A token dated before the revocation still verifies; one dated at or after it is refused."""
    trust = TrustStore.of([TrustedKey(ORG, issuer_key.public, revoked_at=NOW)])
    before = sign_compact(key=issuer_key, typ=TYP, claims=claims(iat=NOW - 1))
    assert trust.verify(before, typ=TYP).claims["iat"] == NOW - 1
    for iat in (NOW, NOW + 1):
        token = sign_compact(key=issuer_key, typ=TYP, claims=claims(iat=iat))
        with refusal(KeyRevoked, "key_revoked", "after its key was revoked"):
            trust.verify(token, typ=TYP)


def test_merged_stores_keep_the_earliest_revocation(issuer_key: SigningKey) -> None:
    """Merging two views of one key keeps the earlier revocation time, whichever side has it."""
    unrevoked = TrustStore.of([TrustedKey(ORG, issuer_key.public)])
    late = TrustStore.of([TrustedKey(ORG, issuer_key.public, revoked_at=NOW + 100)])
    early = TrustStore.of([TrustedKey(ORG, issuer_key.public, revoked_at=NOW)])
    token = sign_compact(key=issuer_key, typ=TYP, claims=claims(iat=NOW + 50))
    for merged in (unrevoked.merged(late).merged(early), early.merged(unrevoked).merged(late)):
        assert merged.lookup(issuer_key.kid).revoked_at == NOW
        with refusal(KeyRevoked, "key_revoked", "after its key was revoked"):
            merged.verify(token, typ=TYP)


def test_a_key_claimed_by_two_organisations_is_refused(issuer_key: SigningKey) -> None:
    """One key cannot belong to two organisations, in one store or across a merge."""
    with refusal(KeyConflict, "key_conflict", "claimed by two organisations"):
        TrustStore.of([TrustedKey(ORG, issuer_key.public), TrustedKey("org-b", issuer_key.public)])
    ours = TrustStore.of([TrustedKey(ORG, issuer_key.public)])
    theirs = TrustStore.of([TrustedKey("org-b", issuer_key.public)])
    with refusal(KeyConflict, "key_conflict", "claimed by two organisations"):
        ours.merged(theirs)


def test_a_store_from_a_published_jwks_verifies_and_revokes(issuer_key: SigningKey, stranger_key: SigningKey) -> None:
    """A partner's JWK Set becomes a store of its keys, with revocations applied by kid."""
    document = jwks([issuer_key.public, stranger_key.public])
    trust = TrustStore.from_jwks(ORG, document, revoked={stranger_key.kid: NOW})
    assert len(trust) == 2
    assert trust.organisations() == {ORG}
    assert trust.verify(sign_compact(key=issuer_key, typ=TYP, claims=claims()), typ=TYP).claims == claims()
    with refusal(KeyRevoked, "key_revoked", "after its key was revoked"):
        trust.verify(sign_compact(key=stranger_key, typ=TYP, claims=claims()), typ=TYP)


def test_compression_is_refused_where_the_token_type_does_not_allow_it(
    issuer_key: SigningKey, trust: TrustStore
) -> None:
    """Only a verifier that allows compression (a card's) ever inflates: every other refuses zip: DEF outright."""
    token = sign_compact(key=issuer_key, typ=TYP, claims=claims(), deflate=True)
    with refusal(MalformedToken, "malformed_token", "not compressed"):
        trust.verify(token, typ=TYP)
    assert trust.verify(token, typ=TYP, inflate=True).claims == claims()
