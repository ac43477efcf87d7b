"""Compact JWS, ES256 only, with the hygiene of RFC 8725.

Signing and signature checks go through ``joserfc``; this module adds what RFC 8725
asks of an application around it, in this order on every verify:

1. size caps on the whole token, the header and the payload, before any parsing;
2. ``alg`` must be ES256 (an allow-list of one), so ``none``, HS* and RS* are refused
   before any key is looked up (RFC 8725 s.2.1, s.3.1);
3. ``typ`` must be the one this verifier expects (RFC 8725 s.3.11);
4. ``kid`` is only a hint, looked up in a map of trusted keys, never a path or a query;
5. the signature, then the payload must be a JSON object.

A signature is always made in its one canonical form (low ``s``, as BIP 62 and RFC 6979 practice have it), and
:func:`require_canonical` refuses any other, so that a token whose digest is an identity (a passport version,
whose digest the next version names) cannot be re-encoded into a second valid token with another digest.

Foreign errors from joserfc are translated to ours in one place, :func:`_translate`.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from joserfc import errors as jose_errors
from joserfc import jws
from joserfc.registry import JWS_HEADER_REGISTRY, HeaderParameter

from crypto.keys import KID_PATTERN, PublicKey, SigningKey
from schemas.errors import (
    AlgorithmNotAllowed,
    MalformedToken,
    PassportError,
    SignatureInvalid,
    SignatureNotCanonical,
    TokenTooLarge,
    UnknownKey,
    WrongTokenType,
)

ALGORITHM = "ES256"
MAX_HEADER_BYTES = 1024
MAX_PAYLOAD_BYTES = 256 * 1024
# A deflated payload (``zip: DEF``) may not inflate past this: a zip bomb stops here.
MAX_INFLATED_BYTES = 16 * 1024

# ``zip`` is a JWE header (RFC 7516 s.4.1.3) that SMART Health Cards also use in JWS; allow it.
_HEADERS = {**JWS_HEADER_REGISTRY, "zip": HeaderParameter("Compression", "str")}
_REGISTRY = jws.JWSRegistry(header_registry=_HEADERS, algorithms=[ALGORITHM])
_REGISTRY.max_header_length = MAX_HEADER_BYTES
_REGISTRY.max_payload_length = MAX_PAYLOAD_BYTES * 4 // 3 + 4

KeyResolver = Callable[[str], PublicKey]
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")
# Header members that would let a token choose its own key or extend the rules; keys come from our trust store.
_KEY_SOURCES = frozenset({"crit", "jku", "jwk", "x5u", "x5c"})
# The order of the P-256 group (FIPS 186-4 D.1.2.3, SEC 2 s.2.4.2): (r, s) and (r, n - s) both verify.
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_SCALAR_BYTES = 32


@dataclass(frozen=True)
class VerifiedJws:
    """A compact JWS whose signature verified: its header, its payload and the key that signed it."""

    header: dict[str, Any]
    claims: dict[str, Any]
    key: PublicKey = field(repr=False)
    compact: str = field(repr=False)


def b64url_encode(data: bytes) -> str:
    """Base64url without padding (RFC 7515 s.2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding (RFC 7515 s.2); anything else is a malformed token."""
    # The standard alphabet's "+" and "/" and any padding are refused here; binascii's strict mode
    # refuses every other character outside the alphabet once "-" and "_" are translated.
    if "+" in text or "/" in text or "=" in text:
        raise MalformedToken("not base64url")
    try:
        data = text.encode("ascii").translate(_FROM_URLSAFE)
        return binascii.a2b_base64(data + b"=" * (-len(data) % 4), strict_mode=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise MalformedToken("not base64url") from exc


def canonical_json(value: object) -> bytes:
    """Minified JSON, keys in the order given, UTF-8 (RFC 8259): the bytes we sign."""
    try:
        return orjson.dumps(value)
    except TypeError as exc:  # orjson's JSONEncodeError: a value JSON cannot carry
        raise MalformedToken("the value cannot be written as JSON") from exc


def parse_json(data: bytes | str) -> Any:
    """Parse JSON (RFC 8259); refuses NaN and infinities, which JSON does not have."""
    return orjson.loads(data)


def sign_compact(
    *, key: SigningKey, typ: str, claims: dict[str, Any], deflate: bool = False, with_kid: bool = True
) -> str:
    """Sign ``claims`` as a compact JWS with ES256 and an explicit ``typ``.

    With ``deflate`` the payload is raw DEFLATE (RFC 1951) and the header says ``zip: DEF``.
    """
    header: dict[str, Any] = {"alg": ALGORITHM, "typ": typ}
    if with_kid:
        header["kid"] = key.kid
    payload = canonical_json(claims)
    if deflate:
        header["zip"] = "DEF"
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        payload = compressor.compress(payload) + compressor.flush()
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise TokenTooLarge("the JWS payload would be larger than a verifier accepts")
    token = jws.serialize_compact(header, payload, key.jwk_key, registry=_REGISTRY)
    signing_input, _, signature = token.rpartition(".")
    return f"{signing_input}.{b64url_encode(_low_s(b64url_decode(signature)))}"


def _low_s(signature: bytes) -> bytes:
    """The canonical form of an ES256 ``r || s`` signature (RFC 7518 s.3.4): ``s`` in the lower half of the order."""
    r, s = signature[:_SCALAR_BYTES], int.from_bytes(signature[_SCALAR_BYTES:], "big")
    if s > _P256_ORDER // 2:
        s = _P256_ORDER - s
    return r + s.to_bytes(_SCALAR_BYTES, "big")


def require_canonical(token: str) -> None:
    """Refuse a compact JWS that is not in the one form we sign: every part canonical base64url (no stray low
    bits in the last character) and a low-``s`` ES256 signature. Either of the others would give the same signed
    bytes a second encoding, and so a second digest."""
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedToken("not a compact JWS (three base64url parts)")
    decoded = [b64url_decode(part) for part in parts]
    if any(b64url_encode(raw) != part for raw, part in zip(decoded, parts, strict=True)):
        raise SignatureNotCanonical("the token is not in its canonical encoding")
    signature = decoded[2]
    if len(signature) != 2 * _SCALAR_BYTES or _low_s(signature) != signature:
        raise SignatureNotCanonical("the signature is not in its canonical (low-s) form")


def read_header(token: str, *, typ: str) -> dict[str, Any]:
    """Steps 1-3: caps, alg and typ, from the header alone (no key, no signature yet)."""
    if len(token) > MAX_HEADER_BYTES * 2 + MAX_PAYLOAD_BYTES * 2:
        raise TokenTooLarge("the token is larger than allowed")
    parts = token.split(".")
    if len(parts) != 3 or not parts[0]:
        raise MalformedToken("not a compact JWS (three base64url parts)")
    if len(parts[0]) > MAX_HEADER_BYTES:
        raise TokenTooLarge("the JWS header is larger than allowed")
    if len(parts[1]) > MAX_PAYLOAD_BYTES * 4 // 3 + 4:
        raise TokenTooLarge("the JWS payload is larger than allowed")
    header = _json_object(b64url_decode(parts[0]), what="header")
    alg = header.get("alg")
    if alg != ALGORITHM:
        # RFC 8725 s.3.1: refuse before any key lookup, whatever the token claims to be.
        raise AlgorithmNotAllowed("only ES256 is accepted")
    if not parts[1] or not parts[2]:
        raise MalformedToken("a compact JWS needs a payload and a signature")
    if header.get("typ") != typ:
        raise WrongTokenType(f"expected a token of type {typ}")
    if not _KEY_SOURCES.isdisjoint(header):
        # Keys come from our trust store only, never from the token (RFC 8725 s.3.10).
        raise MalformedToken("the header names a key source that is not accepted")
    return header


def verify_compact(token: str, *, typ: str, resolve_key: KeyResolver, inflate: bool = False) -> VerifiedJws:
    """Verify a compact JWS (steps 1-5 of the module docstring) and return what it says.

    ``resolve_key`` maps a ``kid`` to a trusted key or raises :class:`UnknownKey`.
    """
    header = read_header(token, typ=typ)
    kid = header.get("kid")
    if not isinstance(kid, str) or not KID_PATTERN.fullmatch(kid):
        raise UnknownKey("the kid is not a key thumbprint")
    key = resolve_key(kid)
    return verify_with_key(token, typ=typ, key=key, header=header, inflate=inflate)


def verify_with_key(
    token: str, *, typ: str, key: PublicKey, header: dict[str, Any] | None = None, inflate: bool = False
) -> VerifiedJws:
    """Verify a compact JWS against one known key (a Key Binding JWT names its key in ``cnf``)."""
    if header is None:
        header = read_header(token, typ=typ)
    try:
        signed = jws.deserialize_compact(token, key.jwk_key, algorithms=[ALGORITHM], registry=_REGISTRY)
    except jose_errors.JoseError as exc:
        raise _translate(exc) from exc
    payload = signed.payload
    if "zip" in header:
        # Only a token type that is meant to be compressed (the card) is ever inflated: for any other, a
        # zip header is refused rather than given a decompressor to exhaust.
        if not inflate or header["zip"] != "DEF":
            raise MalformedToken("this kind of token is not compressed")
        payload = inflate_deflated(payload)
    return VerifiedJws(header=header, claims=_json_object(payload, what="payload"), key=key, compact=token)


def inflate_deflated(data: bytes) -> bytes:
    """Raw DEFLATE, refusing output past :data:`MAX_INFLATED_BYTES` (a zip bomb)."""
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(data, MAX_INFLATED_BYTES)
    except zlib.error as exc:
        raise MalformedToken("the payload does not inflate") from exc
    if inflater.unconsumed_tail:
        raise TokenTooLarge("the payload inflates past the size cap")
    if not inflater.eof or inflater.unused_data:
        raise MalformedToken("the deflated payload is truncated or has trailing data")
    return out


def _json_object(data: bytes, *, what: str) -> dict[str, Any]:
    try:
        value = parse_json(data)
    except ValueError as exc:
        raise MalformedToken(f"the JWS {what} is not JSON") from exc
    if not isinstance(value, dict):
        raise MalformedToken(f"the JWS {what} is not a JSON object")
    return value


def _translate(exc: jose_errors.JoseError) -> PassportError:
    """The one place where joserfc's errors become ours."""
    if isinstance(exc, jose_errors.BadSignatureError):
        return SignatureInvalid("the signature does not verify")
    if isinstance(exc, jose_errors.ExceededSizeError):
        return TokenTooLarge("the token is larger than allowed")
    if isinstance(exc, jose_errors.UnsupportedAlgorithmError | jose_errors.MissingAlgorithmError):
        return AlgorithmNotAllowed("only ES256 is accepted")
    return MalformedToken("the token is not a valid JWS")
