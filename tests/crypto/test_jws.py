"""Compact JWS verification: the RFC 8725 refusals and the size caps (compression: test_compression.py; the trust
store's own checks: test_trust.py).

A verifier that accepts one forged token is worthless, so each way of forging one is tried here
against both doors a token comes through (``TrustStore.verify`` and ``verify_compact``), and each
refusal is checked for its error class and its stable ``code``, which the API and CLI report.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from crypto import (
    SigningKey,
    canonical_json,
    sign_compact,
)
from crypto.jws import MAX_HEADER_BYTES, MAX_PAYLOAD_BYTES
from schemas.errors import (
    AlgorithmNotAllowed,
    MalformedToken,
    SignatureInvalid,
    TokenTooLarge,
    UnknownKey,
    WrongTokenType,
)
from tests.crypto.forge import (
    TYP,
    Verify,
    b64,
    claims,
    flip_bit,
    header,
    json_bytes,
    refusal,
    signed,
    unsigned,
)


def test_a_valid_token_verifies(issuer_key: SigningKey, verify_token: Verify) -> None:
    """The baseline the refusals are measured against: our own token verifies and says what we signed."""
    token = sign_compact(key=issuer_key, typ=TYP, claims=claims(sub="p-1"))
    verified = verify_token(token)
    assert verified.claims == claims(sub="p-1")
    assert verified.header == {"alg": "ES256", "typ": TYP, "kid": issuer_key.kid}
    assert verified.key.kid == issuer_key.kid
    assert verified.compact == token


def test_a_hand_built_token_verifies(issuer_key: SigningKey, verify_token: Verify) -> None:
    """A token built by hand (as any other ES256 implementation would) verifies: the forge is sound."""
    assert verify_token(signed(issuer_key, header(issuer_key), claims())).claims == claims()


# --- RFC 8725 s.3.1: an allow-list of one algorithm -----------------------------------------


def hs256_with_public_pem(key: SigningKey) -> str:
    """The key-confusion attack: HMAC keyed with the verifier's own public key PEM (RFC 8725 s.2.1)."""
    pem = (
        key.private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    signing_input = f"{b64(json_bytes(header(key, alg='HS256')))}.{b64(json_bytes(claims()))}"
    mac = hmac.new(pem, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


ALGORITHM_ATTACKS: dict[str, Callable[[SigningKey], str]] = {
    # "none" with the original signature kept in place, so the token is structurally complete.
    "none": lambda key: signed(key, header(key, alg="none"), claims()),
    "None": lambda key: signed(key, header(key, alg="None"), claims()),
    "HS256-public-pem": hs256_with_public_pem,
    "RS256": lambda key: unsigned(header(key, alg="RS256"), claims(), os.urandom(256)),
    "ES384": lambda key: unsigned(header(key, alg="ES384"), claims(), os.urandom(96)),
    "ES256K": lambda key: unsigned(header(key, alg="ES256K"), claims(), os.urandom(64)),
    "EdDSA": lambda key: unsigned(header(key, alg="EdDSA"), claims(), os.urandom(64)),
    "lower-case-es256": lambda key: signed(key, header(key, alg="es256"), claims()),
    "no-alg": lambda key: signed(key, header(key, alg=None), claims()),
    "alg-list": lambda key: signed(key, header(key, alg=["ES256"]), claims()),
}


@pytest.mark.parametrize("forge", ALGORITHM_ATTACKS.values(), ids=ALGORITHM_ATTACKS.keys())
def test_only_es256_is_accepted(
    issuer_key: SigningKey, verify_token: Verify, forge: Callable[[SigningKey], str]
) -> None:
    """Every alg but ES256 is refused before any key is used (RFC 8725 s.2.1, s.3.1)."""
    with refusal(AlgorithmNotAllowed, "algorithm_not_allowed", "only ES256"):
        verify_token(forge(issuer_key))


def test_an_unsecured_jws_is_refused_for_its_algorithm(issuer_key: SigningKey, verify_token: Verify) -> None:
    """An RFC 7515 Unsecured JWS (``alg: none``, empty signature part) is refused for its alg."""
    token = unsigned(header(issuer_key, alg="none"), claims())
    assert token.endswith(".")
    with refusal(AlgorithmNotAllowed, "algorithm_not_allowed", "only ES256"):
        verify_token(token)


# --- RFC 8725 s.3.11: explicit typing ----------------------------------------------------------


@pytest.mark.parametrize("typ", ["other+jwt", "JWT", "jwt", "", None, "TEST+JWT", ["test+jwt"]])
def test_the_wrong_typ_is_refused(issuer_key: SigningKey, verify_token: Verify, typ: object) -> None:
    """A token of another type (or none) cannot stand in for this one, even when validly signed."""
    with refusal(WrongTokenType, "wrong_token_type", f"expected a token of type {re.escape(TYP)}"):
        verify_token(signed(issuer_key, header(issuer_key, typ=typ), claims()))


# --- RFC 8725 s.3.10: keys come from the trust store only ---------------------------------------


@pytest.mark.parametrize(
    "member",
    [
        {"jku": "https://attacker.example/jwks.json"},
        {"x5u": "https://attacker.example/cert.pem"},
        {"jwk": {"kty": "EC", "crv": "P-256", "x": "x", "y": "y"}},
        {"crit": ["exp"]},
    ],
    ids=["jku", "x5u", "jwk", "crit"],
)
def test_a_header_naming_a_key_source_is_refused(
    issuer_key: SigningKey, verify_token: Verify, member: dict[str, Any]
) -> None:
    """A header that points at a key (or demands extensions) is refused, even with a valid signature."""
    with refusal(MalformedToken, "malformed_token", "names a key source"):
        verify_token(signed(issuer_key, header(issuer_key, **member), claims()))


def test_an_embedded_jwk_of_the_attackers_key_does_not_help(stranger_key: SigningKey, verify_token: Verify) -> None:
    """Signing with your own key and embedding it as ``jwk`` is refused (RFC 8725 s.3.10)."""
    token = signed(stranger_key, header(stranger_key, jwk=stranger_key.public.jwk()), claims())
    with refusal(MalformedToken, "malformed_token", "names a key source"):
        verify_token(token)


# --- kid is a hint looked up in a map, never a path or a query ----------------------------------


def test_an_unknown_key_is_refused(stranger_key: SigningKey, verify_token: Verify) -> None:
    """A well-formed token signed by a key the store does not know is refused as unknown_key."""
    with refusal(UnknownKey, "unknown_key", "not trusted here"):
        verify_token(sign_compact(key=stranger_key, typ=TYP, claims=claims()))


def test_an_unknown_thumbprint_shaped_kid_is_refused(issuer_key: SigningKey, verify_token: Verify) -> None:
    """A kid with the shape of a thumbprint but naming no trusted key is refused as unknown_key."""
    kid = b64(hashlib.sha256(b"no such key").digest())
    with refusal(UnknownKey, "unknown_key", "not trusted here"):
        verify_token(signed(issuer_key, header(issuer_key, kid=kid), claims()))


@pytest.mark.parametrize(
    "kid",
    [
        "../../keys/x.pem",
        "/etc/passwd",
        "' OR 1=1 --",
        "1; DROP TABLE keys",
        "",
        "A" * 42,
        "A" * 44,
        "A" * 42 + "=",
        "A" * 42 + "/",
        "A" * 43 + "\n",
        42,
        None,
        ["A" * 43],
    ],
    ids=[
        "path",
        "absolute-path",
        "sql",
        "sql-stacked",
        "empty",
        "short",
        "long",
        "padded",
        "slash",
        "trailing-newline",
        "number",
        "missing",
        "list",
    ],
)
def test_a_kid_that_is_not_a_thumbprint_is_refused(issuer_key: SigningKey, verify_token: Verify, kid: object) -> None:
    """A kid that is not 43 base64url characters never reaches a look-up (RFC 8725 s.3.10)."""
    with refusal(UnknownKey, "unknown_key", "not a key thumbprint"):
        verify_token(signed(issuer_key, header(issuer_key, kid=kid), claims()))


def test_a_trusted_kid_on_a_strangers_signature_is_refused(
    issuer_key: SigningKey, stranger_key: SigningKey, verify_token: Verify
) -> None:
    """Naming a trusted kid does not help: the signature is checked with the trusted key."""
    with refusal(SignatureInvalid, "signature_invalid", "does not verify"):
        verify_token(signed(stranger_key, header(issuer_key), claims()))


def test_a_trailing_newline_after_a_trusted_kid_is_refused(issuer_key: SigningKey, verify_token: Verify) -> None:
    """``kid + "\\n"`` is not the kid (a ``$``-anchored pattern would let it through)."""
    with refusal(UnknownKey, "unknown_key", "not a key thumbprint"):
        verify_token(signed(issuer_key, header(issuer_key, kid=issuer_key.kid + "\n"), claims()))


# --- the signature covers header and payload ---------------------------------------------------


@pytest.mark.parametrize(("byte", "bit"), [(0, 0), (0, 7), (31, 3), (32, 0), (63, 7)])
def test_a_flipped_bit_in_the_signature_is_refused(
    issuer_key: SigningKey, verify_token: Verify, byte: int, bit: int
) -> None:
    """One flipped bit of r or s (the part still valid base64url) fails the signature check."""
    head, body, signature = sign_compact(key=issuer_key, typ=TYP, claims=claims()).split(".")
    with refusal(SignatureInvalid, "signature_invalid", "does not verify"):
        verify_token(f"{head}.{body}.{flip_bit(signature, byte=byte, bit=bit)}")


def test_a_flipped_bit_in_the_payload_is_refused(issuer_key: SigningKey, verify_token: Verify) -> None:
    """Changing the signed claims by one bit (still valid base64url and JSON) fails the signature."""
    head, body, signature = sign_compact(key=issuer_key, typ=TYP, claims=claims(sub="p-1")).split(".")
    # Byte 2 is the "i" of "iss": flipping bit 0 makes it "h", leaving well-formed JSON.
    tampered = flip_bit(body, byte=2, bit=0)
    assert tampered != body
    with refusal(SignatureInvalid, "signature_invalid", "does not verify"):
        verify_token(f"{head}.{tampered}.{signature}")


def test_a_rewritten_header_is_refused(issuer_key: SigningKey, verify_token: Verify) -> None:
    """A token signed as another type and relabelled with our ``typ`` fails the signature check."""
    _, body, signature = sign_compact(key=issuer_key, typ="other+jwt", claims=claims()).split(".")
    head = b64(canonical_json(header(issuer_key)))
    with refusal(SignatureInvalid, "signature_invalid", "does not verify"):
        verify_token(f"{head}.{body}.{signature}")


def test_a_der_encoded_signature_is_refused(issuer_key: SigningKey, verify_token: Verify) -> None:
    """JWS ES256 signatures are raw r||s (RFC 7518 s.3.4); a DER signature over the same bytes fails."""
    signing_input = f"{b64(json_bytes(header(issuer_key)))}.{b64(json_bytes(claims()))}"
    der = issuer_key.private_key().sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    with refusal(SignatureInvalid, "signature_invalid", "does not verify"):
        verify_token(f"{signing_input}.{b64(der)}")


STRUCTURES: dict[str, Callable[[str, str, str], str]] = {
    "empty": lambda head, body, sig: "",
    "one-part": lambda head, body, sig: head,
    "two-parts": lambda head, body, sig: f"{head}.{body}",
    "four-parts": lambda head, body, sig: f"{head}.{body}.{sig}.{sig}",
    "no-header": lambda head, body, sig: f".{body}.{sig}",
    "no-payload": lambda head, body, sig: f"{head}..{sig}",
    "no-signature": lambda head, body, sig: f"{head}.{body}.",
}


@pytest.mark.parametrize("cut", STRUCTURES.values(), ids=STRUCTURES.keys())
def test_a_token_that_is_not_three_parts_is_refused(
    issuer_key: SigningKey, verify_token: Verify, cut: Callable[[str, str, str], str]
) -> None:
    """Anything but three non-empty dot-separated parts is malformed, whatever the header says."""
    head, body, sig = sign_compact(key=issuer_key, typ=TYP, claims=claims()).split(".")
    with refusal(MalformedToken, "malformed_token", "three base64url parts|needs a payload and a signature"):
        verify_token(cut(head, body, sig))


@pytest.mark.parametrize("head", ["e30!", "eyJhbGciOiJFUzI1NiJ9=", "e+0", "bm90IGpzb24"], ids=str)
def test_a_header_that_is_not_base64url_json_is_refused(verify_token: Verify, head: str) -> None:
    """A header that is not strict base64url of a JSON object is malformed."""
    with pytest.raises(MalformedToken, match=r"not base64url|not JSON|not a JSON object"):
        verify_token(f"{head}.e30.AAAA")


@pytest.mark.parametrize(
    "payload",
    [b"not json", b"[1,2]", b'"a string"', b"\xff\xfe"],
    ids=["not-json", "array", "string", "not-utf8"],
)
def test_a_payload_that_is_not_a_json_object_is_refused(
    issuer_key: SigningKey, verify_token: Verify, payload: bytes
) -> None:
    """A validly signed payload that is not a JSON object is malformed."""
    with refusal(MalformedToken, "malformed_token", "payload is not"):
        verify_token(signed(issuer_key, header(issuer_key), payload))


# --- size caps, before any parsing --------------------------------------------------------------


def test_an_oversize_header_is_refused(issuer_key: SigningKey, verify_token: Verify) -> None:
    """A header over its cap is refused before it is decoded."""
    token = signed(issuer_key, header(issuer_key, pad="x" * MAX_HEADER_BYTES), claims())
    assert len(token.split(".")[0]) > MAX_HEADER_BYTES
    with refusal(TokenTooLarge, "token_too_large", "header is larger"):
        verify_token(token)


def test_an_oversize_payload_is_refused(issuer_key: SigningKey, verify_token: Verify) -> None:
    """A payload over its cap is refused before it is decoded."""
    token = signed(issuer_key, header(issuer_key), claims(pad="x" * MAX_PAYLOAD_BYTES))
    with refusal(TokenTooLarge, "token_too_large", "payload is larger"):
        verify_token(token)


def test_a_payload_at_the_cap_verifies(issuer_key: SigningKey, verify_token: Verify) -> None:
    """The payload cap is a cap, not an off-by-one: exactly MAX_PAYLOAD_BYTES still verifies."""
    filler = MAX_PAYLOAD_BYTES - len(json_bytes(claims(pad="")))
    payload = claims(pad="x" * filler)
    assert len(json_bytes(payload)) == MAX_PAYLOAD_BYTES
    assert verify_token(signed(issuer_key, header(issuer_key), payload)).claims == payload


def test_an_oversize_token_is_refused(issuer_key: SigningKey, verify_token: Verify) -> None:
    """A token over the whole-token cap is refused even when each part is within its own cap."""
    head = b64(json_bytes(header(issuer_key, pad="x" * 600)))
    body = b64(json_bytes(claims(pad="x" * (MAX_PAYLOAD_BYTES - 100))))
    signature = "A" * (MAX_PAYLOAD_BYTES - 50_000)
    assert len(head) <= MAX_HEADER_BYTES
    assert len(body) <= MAX_PAYLOAD_BYTES * 4 // 3
    with refusal(TokenTooLarge, "token_too_large", "token is larger"):
        verify_token(f"{head}.{body}.{signature}")
