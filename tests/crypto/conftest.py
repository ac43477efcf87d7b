"""Fixtures for the crypto tests: keys generated afresh for each test, never read from disk."""

from __future__ import annotations

import pytest

from crypto import SigningKey, TrustedKey, TrustStore
from tests.crypto.forge import ORG


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
