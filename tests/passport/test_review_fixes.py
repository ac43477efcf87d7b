"""Refusals added after a security review: each closes a way to misuse the service that was found by probing it."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from crypto import (
    KeyBindingPolicy,
    SigningKey,
    TrustedKey,
    TrustStore,
    b64url_decode,
    issue,
    parse_json,
    present,
    sign_compact,
    verify,
)
from crypto.jws import inflate_deflated
from passport.core.card import CARD_TYP, MAX_TTL_SECONDS, Card, issue_card
from passport.services.peer_auth import CLIENT_ASSERTION_TYP, verify_client_assertion
from passport.services.peers import peer_url
from passport.services.storage import make_engine
from schemas import parse_content
from schemas.errors import InvalidRequest, KeyBindingInvalid, MalformedToken, NotAuthenticated

NOW = int(time.time())
ORG = "prison:WYI"


@pytest.fixture
def key() -> SigningKey:
    """Wymott's key."""
    return SigningKey.generate()


@pytest.fixture
def trust(key: SigningKey) -> TrustStore:
    """Trusting Wymott."""
    return TrustStore.of([TrustedKey(ORG, key.public)])


def test_a_card_that_claims_to_live_longer_than_any_card_is_refused(
    key: SigningKey, trust: TrustStore, reference: dict[str, Any]
) -> None:
    """A key later revoked could otherwise mint backdated cards that never expire."""
    jws = issue_card(
        key=key, issuer=ORG, pid=str(uuid.uuid4()), ver=1, digest="A" * 43, content=parse_content(reference), now=NOW
    )
    claims = parse_json(inflate_deflated(b64url_decode(jws.split(".")[1])))
    assert Card.verify(jws, trust=trust, now=NOW).ver == 1
    forever = sign_compact(key=key, typ=CARD_TYP, claims=claims | {"exp": NOW + MAX_TTL_SECONDS + 10}, deflate=True)
    with pytest.raises(MalformedToken, match="longer life"):
        Card.verify(forever, trust=trust, now=NOW)


def test_a_view_older_than_its_window_is_refused(key: SigningKey, trust: TrustStore) -> None:
    """RFC 9901 s.7.3: the Key Binding JWT's iat must be within an acceptable window."""
    sd = issue(key=key, visible={"iss": ORG, "iat": NOW}, concealed={"needs": [{"id": "n1"}]}, holder=key.public)
    old = present(sd, disclosures=sd.disclosures, key=key, audience="la:E08000012", nonce="n", iat=NOW - 3600)
    policy = KeyBindingPolicy(audience="la:E08000012", max_age=600)
    with pytest.raises(KeyBindingInvalid, match="older than"):
        verify(old, trust=trust, key_binding=policy, now=NOW)
    assert verify(old, trust=trust, key_binding=KeyBindingPolicy(audience="la:E08000012"), now=NOW).claims


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://risley.example.org", True),
        ("http://127.0.0.1:8002", True),
        ("http://localhost:8002/", True),
        ("http://risley.example.org", False),
        ("ftp://risley.example.org", False),
        ("risley", False),
    ],
)
def test_peers_are_reached_over_https_except_on_this_machine(url: str, allowed: bool) -> None:
    """Bearer assertions and whole records cross this connection: never in clear over a network."""
    if allowed:
        assert peer_url(url).startswith(("https://", "http://127.0.0.1", "http://localhost"))
    else:
        with pytest.raises(InvalidRequest):
            peer_url(url)


def test_a_client_assertion_with_boolean_times_is_refused(key: SigningKey, tmp_path: Path) -> None:
    """``true`` is an int to Python, never a time to us."""
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    claims = {"iss": ORG, "sub": ORG, "aud": "prison:RSY", "iat": NOW, "exp": True, "jti": "j" * 20}
    token = sign_compact(key=key, typ=CLIENT_ASSERTION_TYP, claims=claims)
    with pytest.raises(NotAuthenticated), Session(engine) as session:
        verify_client_assertion(
            session, token, trust=TrustStore.of([TrustedKey(ORG, key.public)]), audience="prison:RSY", now=NOW
        )
    engine.dispose()
