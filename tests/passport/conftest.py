"""The domain's fixtures: a deployment of HMP Wymott, on SQLite and on PostgreSQL; Wymott's key and trust store, and
the reference passport's content and version 1, for the card and QR tests."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crypto import SigningKey, TrustedKey, TrustStore
from passport.core.identity import init_identity
from passport.core.versions import Version, issue_version
from passport.services.deployment import Deployment
from schemas import PassportContent, parse_content
from tests.conftest import WYMOTT
from tests.passport.cards import NOW


@pytest.fixture
def deployment(tmp_path: Path, database_url: str) -> Iterator[Deployment]:
    """HMP Wymott with an empty database."""
    init_identity(tmp_path, WYMOTT, now=int(time.time()))
    opened = Deployment.open(home=tmp_path, database_url=database_url)
    yield opened
    opened.engine.dispose()


@pytest.fixture(scope="module")
def key() -> SigningKey:
    """Wymott's signing key."""
    return SigningKey.generate()


@pytest.fixture(scope="module")
def trust(key: SigningKey) -> TrustStore:
    """A trust store that knows Wymott's key."""
    return TrustStore.of([TrustedKey(WYMOTT.org_id, key.public)])


@pytest.fixture
def content(reference: dict[str, Any]) -> PassportContent:
    """The reference passport content."""
    return parse_content(reference)


@pytest.fixture
def version(key: SigningKey, content: PassportContent) -> Version:
    """Version 1 of the reference passport, at the cards' fixed clock: a card summarises it."""
    return issue_version(
        key=key, issuer=WYMOTT.org_id, pid=str(uuid.uuid4()), ver=1, prev=None, content=content, iat=NOW
    )
