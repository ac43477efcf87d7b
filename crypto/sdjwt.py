"""Selective Disclosure JWT (RFC 9901): issue, present a subset, verify.

The compact form is ``<issuer-signed JWT>~<disclosure>~...~<disclosure>~[<KB-JWT>]``.

Issuing (:func:`issue_sd_jwt`) conceals every claim of ``concealed`` as an object-property
disclosure and, where a claim's value is a list, every item of it as an
array-element disclosure, so a holder can reveal a section and only some of its items.
Decoy digests hide how many claims and items there are (RFC 9901 s.4.2.5). With ``commit_all`` the
issuer adds one more disclosure listing the digest of every real disclosure, so that a holder of the
whole SD-JWT can prove (:func:`require_complete`) that nothing was cut from it; a presentation leaves
that disclosure out, so a view still does not reveal how many items it withholds. What is issued must
pass the same size caps that verification applies, or it is refused before it exists.

Verifying (:func:`verify_sd_jwt`) does, in order:

1. size caps on the whole, on each disclosure and on their number;
2. the issuer-signed JWT against the trust store (alg, typ, kid, signature, iss, revocation);
3. ``_sd_alg`` must be ``sha-256``;
4. every disclosure must be well formed and its digest unique;
5. the claims are rebuilt from the digests (RFC 9901 s.7.1); every disclosure must be
   referenced exactly once, or it was not signed;
6. the Key Binding JWT, where the caller requires one (RFC 9901 s.7.3; :mod:`crypto.keybinding`).
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from crypto.jws import b64url_decode, b64url_encode, canonical_json, parse_json, sign_compact
from crypto.keybinding import KeyBindingPolicy, sign_key_binding, verify_key_binding
from crypto.keys import PublicKey, SigningKey
from crypto.trust import TrustStore
from schemas.errors import (
    DisclosureInvalid,
    KeyBindingInvalid,
    MalformedToken,
    RecordIncomplete,
    TokenTooLarge,
)

SD_JWT_TYP = "dc+sd-jwt"  # SD-JWT VC (draft-ietf-oauth-sd-jwt-vc) media type
SD_ALG = "sha-256"
SALT_BYTES = 16  # RFC 9901 s.9.3: at least 128 bits of entropy in each salt
MAX_SD_JWT_CHARS = 2 * 1024 * 1024
MAX_DISCLOSURE_CHARS = 96 * 1024
MAX_DISCLOSURES = 4096
MAX_DECOYS = 3
MAX_DEPTH = 32
_RESERVED_NAMES = frozenset({"_sd", "...", "_sd_alg"})
_rng = random.SystemRandom()


def sd_digest(text: str) -> str:
    """base64url(SHA-256(ASCII(text))): the digest of a disclosure, or of a JWT (RFC 9901 s.4.2.3)."""
    return b64url_encode(hashlib.sha256(text.encode("ascii")).digest())


class Disclosure(NamedTuple):
    """One disclosure: ``[salt, name, value]`` for an object property, ``[salt, value]`` for an array item.

    ``digest`` is what stands for it in the signed payload; ``nested`` says whether its value may hold
    digests of further disclosures (when it cannot, verification uses the value as it is). An immutable
    tuple, because verification makes one per disclosure and a tuple is the cheapest immutable record.
    """

    encoded: str
    salt: str
    name: str | None
    value: Any
    digest: str
    nested: bool = True

    @classmethod
    def make(cls, *, value: Any, name: str | None = None) -> Disclosure:
        """A new disclosure with a fresh 128-bit salt."""
        salt = b64url_encode(secrets.token_bytes(SALT_BYTES))
        array = [salt, value] if name is None else [salt, name, value]
        encoded = b64url_encode(canonical_json(array))
        return cls(encoded, salt, name, value, sd_digest(encoded))

    @classmethod
    def parse(cls, encoded: str) -> Disclosure:
        """Decode and check one disclosure (RFC 9901 s.4.2.1 and s.4.2.2)."""
        if len(encoded) > MAX_DISCLOSURE_CHARS:
            raise TokenTooLarge("a disclosure is larger than allowed")
        try:
            raw = b64url_decode(encoded)
            array = parse_json(raw)
        except (ValueError, MalformedToken) as exc:
            raise DisclosureInvalid("a disclosure is not base64url JSON") from exc
        if not isinstance(array, list) or len(array) not in (2, 3) or not isinstance(array[0], str):
            raise DisclosureInvalid("a disclosure is not a [salt, (name,) value] array")
        # Only a value whose text names "_sd" or "..." (or escapes a character, which could spell them)
        # can hold digests; every other value is used as decoded, without walking it again.
        nested = b'"_sd"' in raw or b'"..."' in raw or b"\\u" in raw
        if len(array) == 2:
            return cls(encoded, array[0], None, array[1], sd_digest(encoded), nested)
        name = array[1]
        if not isinstance(name, str) or name in _RESERVED_NAMES:
            raise DisclosureInvalid("a disclosure has an invalid claim name")
        return cls(encoded, array[0], name, array[2], sd_digest(encoded), nested)


@dataclass(frozen=True)
class SdJwt:
    """An SD-JWT in compact form, parsed but not verified."""

    issuer_jwt: str
    disclosures: tuple[Disclosure, ...]
    kb_jwt: str | None = None

    @classmethod
    def parse(cls, text: str) -> SdJwt:
        """Split the compact form; the size and count caps apply before anything is decoded."""
        if not isinstance(text, str) or len(text) > MAX_SD_JWT_CHARS:
            raise TokenTooLarge("the SD-JWT is larger than allowed")
        parts = text.strip().split("~")
        if len(parts) < 2 or not parts[0]:
            raise MalformedToken("not an SD-JWT (no '~' separator)")
        if len(parts) - 2 > MAX_DISCLOSURES:
            raise TokenTooLarge("the SD-JWT has more disclosures than allowed")
        if any(not part for part in parts[1:-1]):
            raise MalformedToken("an SD-JWT has an empty disclosure")
        disclosures = tuple(Disclosure.parse(part) for part in parts[1:-1])
        return cls(issuer_jwt=parts[0], disclosures=disclosures, kb_jwt=parts[-1] or None)

    def serialize(self) -> str:
        """The compact form, ending in ``~`` unless a Key Binding JWT follows."""
        return self.presentation_prefix() + (self.kb_jwt or "")

    def presentation_prefix(self) -> str:
        """Everything up to and including the last ``~``: what ``sd_hash`` covers (RFC 9901 s.4.3.1)."""
        return "".join(f"{part}~" for part in [self.issuer_jwt, *(d.encoded for d in self.disclosures)])

    @property
    def issuer_jwt_digest(self) -> str:
        """base64url(SHA-256) of the issuer-signed JWT: a passport's version digest."""
        return sd_digest(self.issuer_jwt)


@dataclass(frozen=True)
class VerifiedSdJwt:
    """What a verified SD-JWT said: who issued it, the disclosed claims, and the key binding if any."""

    issuer: str
    header: dict[str, Any]
    payload: dict[str, Any]
    claims: dict[str, Any]
    disclosures: tuple[Disclosure, ...]
    sd_jwt: SdJwt = field(repr=False)
    key_binding: dict[str, Any] | None = None


def _decoy_digest() -> str:
    return sd_digest(b64url_encode(secrets.token_bytes(SALT_BYTES)))


def _conceal_list(items: list[Any], disclosures: list[Disclosure]) -> list[dict[str, str]]:
    concealed: list[dict[str, str]] = []
    for item in items:
        disclosure = Disclosure.make(value=item)
        disclosures.append(disclosure)
        concealed.append({"...": disclosure.digest})
    for _ in range(_rng.randint(1, MAX_DECOYS)):
        concealed.insert(_rng.randint(0, len(concealed)), {"...": _decoy_digest()})
    return concealed


def issue_sd_jwt(
    *,
    key: SigningKey,
    visible: dict[str, Any],
    concealed: dict[str, Any],
    holder: PublicKey | None = None,
    typ: str = SD_JWT_TYP,
    commit_all: str | None = None,
) -> SdJwt:
    """Sign an SD-JWT: ``visible`` claims in the clear, each of ``concealed`` (and each item of a list) disclosable.

    ``holder`` is the key that must sign Key Binding JWTs; it is named in ``cnf`` (RFC 7800 s.3.2).
    ``commit_all`` names a further concealed claim whose value is the sorted digests of every other
    disclosure (see :func:`require_complete`). Raises :class:`TokenTooLarge` when the result would break a
    size cap that :func:`verify_sd_jwt` applies.
    """
    clash = set(visible) & (set(concealed) | _RESERVED_NAMES | {"cnf"})
    if clash or commit_all in concealed:
        raise ValueError(f"claims both visible and concealed or reserved: {sorted(clash) or [commit_all]}")
    disclosures: list[Disclosure] = []
    digests: list[str] = []
    for name, value in concealed.items():
        if isinstance(value, list):
            value = _conceal_list(value, disclosures)
        disclosure = Disclosure.make(name=name, value=value)
        disclosures.append(disclosure)
        digests.append(disclosure.digest)
    if commit_all is not None:
        manifest = Disclosure.make(name=commit_all, value=sorted(d.digest for d in disclosures))
        disclosures.append(manifest)
        digests.append(manifest.digest)
    _check_caps(disclosures)
    digests += [_decoy_digest() for _ in range(_rng.randint(1, MAX_DECOYS))]
    payload: dict[str, Any] = dict(visible)
    if holder is not None:
        payload["cnf"] = {"jwk": holder.thumbprint_members()}
    # RFC 9901 s.4.2.4.1: digests are sorted so their order reveals nothing of the claims' order.
    payload["_sd"] = sorted(digests)
    payload["_sd_alg"] = SD_ALG
    jwt = sign_compact(key=key, typ=typ, claims=payload)
    issued = SdJwt(issuer_jwt=jwt, disclosures=tuple(disclosures))
    if len(issued.serialize()) > MAX_SD_JWT_CHARS:
        raise TokenTooLarge(f"the SD-JWT would be longer than the {MAX_SD_JWT_CHARS} characters a verifier accepts")
    return issued


def _check_caps(disclosures: list[Disclosure]) -> None:
    """The caps :meth:`SdJwt.parse` applies, applied before signing: nothing is issued that could not verify."""
    if len(disclosures) > MAX_DISCLOSURES:
        raise TokenTooLarge(f"the SD-JWT would have more than {MAX_DISCLOSURES} disclosures")
    if any(len(d.encoded) > MAX_DISCLOSURE_CHARS for d in disclosures):
        raise TokenTooLarge(f"one part would be longer than the {MAX_DISCLOSURE_CHARS} characters a verifier accepts")


def require_complete(verified: VerifiedSdJwt, *, claim: str) -> None:
    """Check that a verified SD-JWT carries every disclosure its issuer committed to in ``claim``, and no other.

    The commitment is itself a disclosure referenced from the signed payload, so it cannot be changed; without
    it, or with any listed disclosure missing, the SD-JWT was cut down after it was issued.
    """
    listed = verified.claims.get(claim)
    if not isinstance(listed, list) or not all(isinstance(d, str) for d in listed):
        raise RecordIncomplete("the record does not carry the list of its own parts; it is not a whole copy")
    present = {d.digest for d in verified.disclosures if d.name != claim}
    if set(listed) != present or len(listed) != len(present):
        raise RecordIncomplete(f"{len(set(listed) - present)} part(s) of the record were removed after it was signed")


def present_sd_jwt(
    sd_jwt: SdJwt, *, disclosures: Iterable[Disclosure], key: SigningKey, audience: str, nonce: str, iat: int
) -> SdJwt:
    """A presentation revealing only ``disclosures``, bound to ``audience`` by a Key Binding JWT."""
    chosen = tuple(disclosures)
    known = {d.encoded for d in sd_jwt.disclosures}
    if any(d.encoded not in known for d in chosen):
        raise DisclosureInvalid("a presentation may only reveal disclosures of the SD-JWT it presents")
    unbound = SdJwt(issuer_jwt=sd_jwt.issuer_jwt, disclosures=chosen)
    claims = {"iat": iat, "aud": audience, "nonce": nonce, "sd_hash": sd_digest(unbound.presentation_prefix())}
    kb_jwt = sign_key_binding(claims, key=key)
    return SdJwt(issuer_jwt=sd_jwt.issuer_jwt, disclosures=chosen, kb_jwt=kb_jwt)


def verify_sd_jwt(
    text: str | SdJwt,
    *,
    trust: TrustStore,
    typ: str = SD_JWT_TYP,
    key_binding: KeyBindingPolicy | None = None,
    now: int,
) -> VerifiedSdJwt:
    """Verify an SD-JWT (steps 1-6 of the module docstring) or raise a :class:`PassportError`.

    With ``key_binding`` a valid Key Binding JWT for that audience is required; without it,
    a Key Binding JWT is refused, so a view cannot pass as a version.
    """
    sd_jwt = text if isinstance(text, SdJwt) else SdJwt.parse(text)  # 1.
    signed = trust.verify(sd_jwt.issuer_jwt, typ=typ)  # 2.
    payload = signed.claims
    if payload.get("_sd_alg", SD_ALG) != SD_ALG:  # 3. RFC 9901 s.4.1.1: absent means sha-256
        raise DisclosureInvalid("the SD-JWT does not use sha-256 digests")
    by_digest: dict[str, Disclosure] = {}
    for disclosure in sd_jwt.disclosures:  # 4.
        if disclosure.digest in by_digest:
            raise DisclosureInvalid("a disclosure is repeated")
        by_digest[disclosure.digest] = disclosure
    claims = _Rebuilder(by_digest).rebuild(payload)  # 5.
    bound = None
    if key_binding is not None:  # 6.
        if sd_jwt.kb_jwt is None:
            raise KeyBindingInvalid("a Key Binding JWT is required")
        presented = sd_digest(sd_jwt.presentation_prefix())
        bound = verify_key_binding(
            sd_jwt.kb_jwt, cnf=payload.get("cnf"), sd_hash=presented, policy=key_binding, now=now
        )
    elif sd_jwt.kb_jwt is not None:
        raise KeyBindingInvalid("a Key Binding JWT was not expected here")
    return VerifiedSdJwt(
        issuer=payload["iss"],
        header=signed.header,
        payload=payload,
        claims=claims,
        disclosures=sd_jwt.disclosures,
        sd_jwt=sd_jwt,
        key_binding=bound,
    )


class _Rebuilder:
    """RFC 9901 s.7.1 step 3: replace digests by disclosed values, once each, recursively."""

    def __init__(self, by_digest: dict[str, Disclosure]) -> None:
        self._unused = dict(by_digest)
        self._seen: set[str] = set()
        self._depth = 0

    def rebuild(self, payload: dict[str, Any]) -> dict[str, Any]:
        claims = self._object(payload)
        claims.pop("_sd_alg", None)
        if self._unused:
            raise DisclosureInvalid("a disclosure is not referenced by the signed payload")
        return claims

    def _take(self, digest: object) -> Disclosure | None:
        if not isinstance(digest, str):
            raise DisclosureInvalid("a digest is not a string")
        if digest in self._seen:
            raise DisclosureInvalid("a digest appears more than once")
        self._seen.add(digest)
        return self._unused.pop(digest, None)

    def _value(self, value: Any) -> Any:
        if not isinstance(value, dict | list):
            return value
        # A signed value nested deeper than any passport needs is refused, not left to exhaust the stack.
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise DisclosureInvalid("the claims are nested deeper than allowed")
            return self._object(value) if isinstance(value, dict) else self._array(value)
        finally:
            self._depth -= 1

    def _object(self, obj: dict[str, Any]) -> dict[str, Any]:
        out = {name: self._value(value) for name, value in obj.items() if name != "_sd"}
        digests = obj.get("_sd", [])
        if not isinstance(digests, list):
            raise DisclosureInvalid("_sd is not an array")
        for digest in digests:
            disclosure = self._take(digest)
            if disclosure is None:
                continue  # a decoy, or a claim the holder did not reveal
            if disclosure.name is None:
                raise DisclosureInvalid("an array-item disclosure is referenced from an object")
            if disclosure.name in out:
                raise DisclosureInvalid("a disclosed claim name is already present")
            out[disclosure.name] = self._value(disclosure.value) if disclosure.nested else disclosure.value
        return out

    def _array(self, items: list[Any]) -> list[Any]:
        out: list[Any] = []
        for item in items:
            if isinstance(item, dict) and "..." in item:
                if len(item) != 1:
                    raise DisclosureInvalid("an array digest object has other members")
                disclosure = self._take(item["..."])
                if disclosure is None:
                    continue
                if disclosure.name is not None:
                    raise DisclosureInvalid("an object-property disclosure is referenced from an array")
                out.append(self._value(disclosure.value) if disclosure.nested else disclosure.value)
            else:
                out.append(self._value(item))
        return out
