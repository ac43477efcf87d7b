"""A card to test with: Wymott's fixed clock, and cards and card claims made as the tests need them (the key,
trust store, content and version fixtures they use are in conftest.py)."""

from __future__ import annotations

import uuid
from typing import Any

from crypto import SigningKey, b64url_encode
from passport.core.card import Alert, card_alerts, issue_card
from passport.core.versions import Version
from schemas import PassportContent, parse_content

NOW = 1_800_000_000  # 2027-01-15: a fixed "now", so no test depends on the clock
WYMOTT = "prison:WYI"


def make_card(key: SigningKey, version: Version, content: PassportContent, **extra: Any) -> str:
    return issue_card(
        key=key,
        issuer=WYMOTT,
        pid=version.pid,
        ver=version.ver,
        digest=version.digest,
        content=content,
        now=extra.pop("now", NOW),
        **extra,
    )


def alerts_of(reference: dict[str, Any]) -> tuple[Alert, ...]:
    return card_alerts(parse_content(reference))


def card_claims(**changes: Any) -> dict[str, Any]:
    """Valid card claims, with ``changes`` (a value of None drops the claim)."""
    claims: dict[str, Any] = {
        "iss": WYMOTT,
        "iat": NOW,
        "exp": NOW + 3600,
        "pid": b64url_encode(uuid.uuid4().bytes),
        "ver": 1,
        "vd": b64url_encode(bytes(32)),
        "nm": "Arthur Whitfield",
        "no": "A4821KD",
        "dob": "1949-04-17",
        "al": ["er:Easy read"],
    }
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not None}
