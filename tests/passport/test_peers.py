"""Peers: another organisation's deployment is reached only over a connection that keeps what crosses it private."""

from __future__ import annotations

import pytest

from passport.services.peers import peer_url
from schemas.errors import InvalidRequest


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
