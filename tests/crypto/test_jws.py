"""Compact JWS verification: the RFC 8725 refusals, the size caps, and the trust store's checks.

A verifier that accepts one forged token is worthless, so each way of forging one is tried here
against both doors a token comes through (``TrustStore.verify`` and ``verify_compact``), and each
refusal is checked for its error class and its stable ``code``, which the API and CLI report.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from crypto import (
    MAX_INFLATED_BYTES,
    SigningKey,
    TrustedKey,
    TrustStore,
    VerifiedJws,
    canonical_json,
    jwks,
    sign_compact,
    verify_compact,
)
from crypto.jws import MAX_HEADER_BYTES, MAX_PAYLOAD_BYTES
from schemas.errors import (
    AlgorithmNotAllowed,
    KeyConflict,
    KeyRevoked,
    MalformedToken,
    SignatureInvalid,
    TokenError,
    TokenTooLarge,
    UnknownKey,
    UntrustedIssuer,
    WrongTokenType,
)
from tests.crypto.forge import (
    NOW,
    ORG,
    TYP,
    b64,
    claims,
    flip_bit,
    json_bytes,
    refusal,
    signed,
    unsigned,
)

Verify = Callable[[str], VerifiedJws]


@pytest.fixture(params=["TrustStore.verify", "verify_compact"])
def verify_token(request: pytest.FixtureRequest, trust: TrustStore) -> Verify:
    """Each refusal must hold at both entry points: the trust store, and the bare compact verifier."""
    # Compression allowed, so the zip-bomb and DEFLATE tests below reach the inflater (a card's verifier allows it).
    if request.param == "TrustStore.verify":
        return lambda token: trust.verify(token, typ=TYP, inflate=True)
    return lambda token: verify_compact(token, typ=TYP, resolve_key=lambda kid: trust.lookup(kid).key, inflate=True)


def header(key: SigningKey, **changes: Any) -> dict[str, Any]:
    """A valid ES256 header for ``key``, with members changed (or removed, given ``None``)."""
    base: dict[str, Any] = {"alg": "ES256", "typ": TYP, "kid": key.kid, **changes}
    return {name: value for name, value in base.items() if value is not None}


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


# --- compressed payloads (zip: DEF) -------------------------------------------------------------


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


# --- the trust store: who owns the key, and since when it is revoked ---------------------------


def test_an_issuer_that_does_not_own_the_key_is_refused(issuer_key: SigningKey, trust: TrustStore) -> None:
    """A validly signed token naming another organisation as ``iss`` is refused."""
    token = sign_compact(key=issuer_key, typ=TYP, claims=claims(iss="org-b"))
    with refusal(UntrustedIssuer, "untrusted_issuer", "does not belong to the issuer"):
        trust.verify(token, typ=TYP)


def test_one_organisation_cannot_sign_as_another(issuer_key: SigningKey, stranger_key: SigningKey) -> None:
    """With two trusted organisations, org-b's key cannot sign a token that says org-a issued it."""
    trust = TrustStore.of([TrustedKey(ORG, issuer_key.public), TrustedKey("org-b", stranger_key.public)])
    assert trust.verify(sign_compact(key=stranger_key, typ=TYP, claims=claims(iss="org-b")), typ=TYP)
    with refusal(UntrustedIssuer, "untrusted_issuer", "does not belong to the issuer"):
        trust.verify(sign_compact(key=stranger_key, typ=TYP, claims=claims()), typ=TYP)


@pytest.mark.parametrize(
    "payload",
    [
        {"iat": NOW},
        {"iss": ORG},
        {"iss": 1, "iat": NOW},
        {"iss": ORG, "iat": str(NOW)},
        {"iss": ORG, "iat": float(NOW)},
        {"iss": ORG, "iat": True},
    ],
    ids=["no-iss", "no-iat", "iss-number", "iat-string", "iat-float", "iat-bool"],
)
def test_a_token_without_valid_iss_and_iat_is_refused(
    issuer_key: SigningKey, trust: TrustStore, payload: dict[str, Any]
) -> None:
    """The trust store needs ``iss`` (a string) and ``iat`` (an integer) to check ownership and revocation."""
    token = sign_compact(key=issuer_key, typ=TYP, claims=payload)
    with refusal(MalformedToken, "malformed_token", "no valid iss or iat"):
        trust.verify(token, typ=TYP)


def test_a_revoked_key_verifies_only_what_it_signed_before_revocation(issuer_key: SigningKey) -> None:
    """A token dated before the revocation still verifies; one dated at or after it is refused."""
    trust = TrustStore.of([TrustedKey(ORG, issuer_key.public, revoked_at=NOW)])
    before = sign_compact(key=issuer_key, typ=TYP, claims=claims(iat=NOW - 1))
    assert trust.verify(before, typ=TYP).claims["iat"] == NOW - 1
    for iat in (NOW, NOW + 1):
        token = sign_compact(key=issuer_key, typ=TYP, claims=claims(iat=iat))
        with refusal(KeyRevoked, "key_revoked", "after its key was revoked"):
            trust.verify(token, typ=TYP)


def test_merged_stores_keep_the_earliest_revocation(issuer_key: SigningKey) -> None:
    """Merging two views of one key keeps the earlier revocation time, whichever side has it."""
    unrevoked = TrustStore.of([TrustedKey(ORG, issuer_key.public)])
    late = TrustStore.of([TrustedKey(ORG, issuer_key.public, revoked_at=NOW + 100)])
    early = TrustStore.of([TrustedKey(ORG, issuer_key.public, revoked_at=NOW)])
    token = sign_compact(key=issuer_key, typ=TYP, claims=claims(iat=NOW + 50))
    for merged in (unrevoked.merged(late).merged(early), early.merged(unrevoked).merged(late)):
        assert merged.lookup(issuer_key.kid).revoked_at == NOW
        with refusal(KeyRevoked, "key_revoked", "after its key was revoked"):
            merged.verify(token, typ=TYP)


def test_a_key_claimed_by_two_organisations_is_refused(issuer_key: SigningKey) -> None:
    """One key cannot belong to two organisations, in one store or across a merge."""
    with refusal(KeyConflict, "key_conflict", "claimed by two organisations"):
        TrustStore.of([TrustedKey(ORG, issuer_key.public), TrustedKey("org-b", issuer_key.public)])
    ours = TrustStore.of([TrustedKey(ORG, issuer_key.public)])
    theirs = TrustStore.of([TrustedKey("org-b", issuer_key.public)])
    with refusal(KeyConflict, "key_conflict", "claimed by two organisations"):
        ours.merged(theirs)


def test_a_store_from_a_published_jwks_verifies_and_revokes(issuer_key: SigningKey, stranger_key: SigningKey) -> None:
    """A partner's JWK Set becomes a store of its keys, with revocations applied by kid."""
    document = jwks([issuer_key.public, stranger_key.public])
    trust = TrustStore.from_jwks(ORG, document, revoked={stranger_key.kid: NOW})
    assert len(trust) == 2
    assert trust.organisations() == {ORG}
    assert trust.verify(sign_compact(key=issuer_key, typ=TYP, claims=claims()), typ=TYP).claims == claims()
    with refusal(KeyRevoked, "key_revoked", "after its key was revoked"):
        trust.verify(sign_compact(key=stranger_key, typ=TYP, claims=claims()), typ=TYP)


def test_compression_is_refused_where_the_token_type_does_not_allow_it(
    issuer_key: SigningKey, trust: TrustStore
) -> None:
    """Only a verifier that allows compression (a card's) ever inflates: every other refuses zip: DEF outright."""
    token = sign_compact(key=issuer_key, typ=TYP, claims=claims(), deflate=True)
    with refusal(MalformedToken, "malformed_token", "not compressed"):
        trust.verify(token, typ=TYP)
    assert trust.verify(token, typ=TYP, inflate=True).claims == claims()
