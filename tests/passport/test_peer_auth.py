"""Client assertions: how one organisation's deployment proves who it is to another's (RFC 7523)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlmodel import Session

from crypto import SigningKey, TrustedKey, TrustStore, sign_compact
from passport.services.peer_auth import CLIENT_ASSERTION_TYP, verify_client_assertion
from passport.services.storage import make_engine
from schemas.errors import NotAuthenticated

NOW = int(time.time())
ORG = "prison:WYI"


def test_a_client_assertion_with_boolean_times_is_refused(tmp_path: Path) -> None:
    """``true`` is an int to Python, never a time to us."""
    key = SigningKey.generate()
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    claims = {"iss": ORG, "sub": ORG, "aud": "prison:RSY", "iat": NOW, "exp": True, "jti": "j" * 20}
    token = sign_compact(key=key, typ=CLIENT_ASSERTION_TYP, claims=claims)
    with pytest.raises(NotAuthenticated), Session(engine) as session:
        verify_client_assertion(
            session, token, trust=TrustStore.of([TrustedKey(ORG, key.public)]), audience="prison:RSY", now=NOW
        )
    engine.dispose()
