"""Compressed payloads (``zip: DEF``, RFC 7516 s.4.1.3 as a card uses it): what inflates within the cap verifies,
and a zip bomb, a garbage or truncated stream or an unknown ``zip`` is refused before anything is parsed."""

from __future__ import annotations

import zlib

import pytest

from crypto import (
    MAX_INFLATED_BYTES,
    SigningKey,
    sign_compact,
)
from schemas.errors import (
    MalformedToken,
    TokenError,
    TokenTooLarge,
)
from tests.crypto.forge import (
    TYP,
    Verify,
    claims,
    header,
    json_bytes,
    refusal,
    signed,
)


def deflate(data: bytes) -> bytes:
    """Raw DEFLATE (RFC 1951), as ``zip: DEF`` means."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def test_a_deflated_token_round_trips(issuer_key: SigningKey, verify_token: Verify) -> None:
    """``sign_compact(deflate=True)`` makes a smaller token that verifies to the same claims."""
    payload = claims(notes="the same words again " * 40)
    plain = sign_compact(key=issuer_key, typ=TYP, claims=payload)
    packed = sign_compact(key=issuer_key, typ=TYP, claims=payload, deflate=True)
    assert len(packed) < len(plain)
    verified = verify_token(packed)
    assert verified.claims == payload
    assert verified.header["zip"] == "DEF"


def test_a_hand_deflated_payload_at_the_inflate_cap_verifies(issuer_key: SigningKey, verify_token: Verify) -> None:
    """A payload that inflates to exactly MAX_INFLATED_BYTES is accepted."""
    filler = MAX_INFLATED_BYTES - len(json_bytes(claims(pad="")))
    payload = claims(pad="x" * filler)
    assert len(json_bytes(payload)) == MAX_INFLATED_BYTES
    token = signed(issuer_key, header(issuer_key, zip="DEF"), deflate(json_bytes(payload)))
    assert verify_token(token).claims == payload


def test_a_payload_inflating_one_byte_past_the_cap_is_refused(issuer_key: SigningKey, verify_token: Verify) -> None:
    """One byte over MAX_INFLATED_BYTES is refused."""
    filler = MAX_INFLATED_BYTES + 1 - len(json_bytes(claims(pad="")))
    token = signed(issuer_key, header(issuer_key, zip="DEF"), deflate(json_bytes(claims(pad="x" * filler))))
    with refusal(TokenTooLarge, "token_too_large", "inflates past the size cap"):
        verify_token(token)


def test_a_zip_bomb_is_refused(issuer_key: SigningKey, verify_token: Verify) -> None:
    """10 MB of zeros deflated into a small, validly signed token is refused without inflating it all."""
    bomb = b'{"iss":"org-a","iat":1800000000,"pad":"' + b"0" * 10_000_000 + b'"}'
    token = signed(issuer_key, header(issuer_key, zip="DEF"), deflate(bomb))
    assert len(token) < 20_000  # small on the wire: only the inflate cap can stop it
    with refusal(TokenTooLarge, "token_too_large", "inflates past the size cap"):
        verify_token(token)


def test_a_zip_bomb_made_by_sign_compact_is_refused(issuer_key: SigningKey, verify_token: Verify) -> None:
    """Our own signer will compress anything; the verifier still refuses what inflates too far."""
    token = sign_compact(key=issuer_key, typ=TYP, claims=claims(pad="0" * 10_000_000), deflate=True)
    with refusal(TokenTooLarge, "token_too_large", "inflates past the size cap"):
        verify_token(token)


def test_a_garbage_deflate_stream_is_refused(issuer_key: SigningKey, verify_token: Verify) -> None:
    """A signed payload marked ``zip: DEF`` that is not a DEFLATE stream is malformed."""
    token = signed(issuer_key, header(issuer_key, zip="DEF"), b"\xff" * 32)
    with refusal(MalformedToken, "malformed_token", "does not inflate"):
        verify_token(token)


def test_a_truncated_deflate_stream_is_refused(issuer_key: SigningKey, verify_token: Verify) -> None:
    """A DEFLATE stream cut short never verifies."""
    stream = deflate(json_bytes(claims(notes="some words " * 50)))
    token = signed(issuer_key, header(issuer_key, zip="DEF"), stream[: len(stream) // 2])
    with pytest.raises(TokenError):
        verify_token(token)


@pytest.mark.parametrize("zip_value", ["GZIP", "def", "", 1])
def test_an_unknown_zip_is_refused(issuer_key: SigningKey, verify_token: Verify, zip_value: object) -> None:
    """Only ``zip: DEF`` is understood; any other value is refused, not ignored."""
    token = signed(issuer_key, header(issuer_key, zip=zip_value), claims())
    with pytest.raises(MalformedToken, match=r"not compressed|not a valid JWS"):
        verify_token(token)


def test_a_deflated_payload_that_is_not_json_is_refused(issuer_key: SigningKey, verify_token: Verify) -> None:
    """What inflates must still be a JSON object."""
    token = signed(issuer_key, header(issuer_key, zip="DEF"), deflate(b"[1,2,3]"))
    with refusal(MalformedToken, "malformed_token", "not a JSON object"):
        verify_token(token)
