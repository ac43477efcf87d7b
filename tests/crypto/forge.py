"""Hand-built tokens for the crypto tests, made without ``crypto.jws``, and the refusal check.

An attacker does not use our signing code, so the refusal tests build their tokens here from
``base64``, ``json`` and ``cryptography`` alone: any header, any payload, any signature bytes.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from crypto import SigningKey, VerifiedJws
from schemas.errors import PassportError

NOW = 1_800_000_000  # a fixed "now" (2027-01-15) so tests never depend on the clock
ORG = "org-a"
TYP = "test+jwt"
Verify = Callable[[str], VerifiedJws]
"""A door a compact token comes through (see the ``verify_token`` fixture)."""


def header(key: SigningKey, **changes: Any) -> dict[str, Any]:
    """A valid ES256 header for ``key``, with members changed (or removed, given ``None``)."""
    base: dict[str, Any] = {"alg": "ES256", "typ": TYP, "kid": key.kid, **changes}
    return {name: value for name, value in base.items() if value is not None}


def b64(data: bytes) -> str:
    """Base64url without padding (RFC 7515 s.2), written out independently of ``crypto.jws``."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    """The inverse of :func:`b64`."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def json_bytes(value: object) -> bytes:
    """Minified JSON."""
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def es256(key: SigningKey, signing_input: str) -> bytes:
    """A raw r||s ES256 signature (RFC 7518 s.3.4) made with ``cryptography`` directly."""
    der = key.private_key().sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def signed(key: SigningKey, header: dict[str, Any], payload: bytes | dict[str, Any]) -> str:
    """A compact JWS with any header and payload, validly signed with ``key`` over exactly those bytes."""
    body = payload if isinstance(payload, bytes) else json_bytes(payload)
    signing_input = f"{b64(json_bytes(header))}.{b64(body)}"
    return f"{signing_input}.{b64(es256(key, signing_input))}"


def unsigned(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"") -> str:
    """A compact JWS with an arbitrary (possibly empty) signature part."""
    return f"{b64(json_bytes(header))}.{b64(json_bytes(payload))}.{b64(signature)}"


def flip_bit(part: str, *, byte: int, bit: int = 0) -> str:
    """Decode one base64url part, flip one bit, re-encode: the result is still valid base64url."""
    data = bytearray(unb64(part))
    data[byte] ^= 1 << bit
    return b64(bytes(data))


def claims(**extra: Any) -> dict[str, Any]:
    """A minimal valid payload for :meth:`crypto.TrustStore.verify`: ``iss`` and ``iat``."""
    return {"iss": ORG, "iat": NOW, **extra}


@contextmanager
def refusal(error: type[PassportError], code: str, match: str) -> Iterator[None]:
    """Expect exactly ``error`` (not a subclass), with the stable ``code`` and a message matching ``match``."""
    with pytest.raises(error, match=match) as caught:
        yield
    assert type(caught.value) is error
    # The literal code, not ``error.code``: the codes are a public contract and must not drift.
    assert caught.value.code == code
