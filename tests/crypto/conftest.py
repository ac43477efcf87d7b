"""Fixtures for the crypto tests: keys generated afresh for each test, never read from disk."""

from __future__ import annotations

import pytest

from crypto import SdJwt, SigningKey, TrustedKey, TrustStore, issue_sd_jwt, verify_compact
from tests.crypto.forge import ORG, TYP, Verify
from tests.crypto.sdjwts import CONCEALED, DISCLOSURE_COUNT, VISIBLE


@pytest.fixture
def issuer_key() -> SigningKey:
    """The key of the issuing organisation, ``ORG``."""
    return SigningKey.generate()


@pytest.fixture
def holder_key() -> SigningKey:
    """The key a holder signs Key Binding JWTs with."""
    return SigningKey.generate()


@pytest.fixture
def stranger_key() -> SigningKey:
    """A well-formed P-256 key that nobody trusts."""
    return SigningKey.generate()


@pytest.fixture
def trust(issuer_key: SigningKey) -> TrustStore:
    """A trust store that knows ``issuer_key`` as belonging to ``ORG``, unrevoked."""
    return TrustStore.of([TrustedKey(ORG, issuer_key.public)])


@pytest.fixture
def issued(issuer_key: SigningKey, holder_key: SigningKey) -> SdJwt:
    """A version as issued: every claim of CONCEALED disclosable, bound to ``holder_key``."""
    sd_jwt = issue_sd_jwt(key=issuer_key, visible=VISIBLE, concealed=CONCEALED, holder=holder_key.public)
    assert len(sd_jwt.disclosures) == DISCLOSURE_COUNT
    return sd_jwt


@pytest.fixture(params=["TrustStore.verify", "verify_compact"])
def verify_token(request: pytest.FixtureRequest, trust: TrustStore) -> Verify:
    """Each refusal must hold at both entry points: the trust store, and the bare compact verifier."""
    # Compression allowed, so the zip-bomb and DEFLATE tests reach the inflater (a card's verifier allows it).
    if request.param == "TrustStore.verify":
        return lambda token: trust.verify(token, typ=TYP, inflate=True)
    return lambda token: verify_compact(token, typ=TYP, resolve_key=lambda kid: trust.lookup(kid).key, inflate=True)
