"""The Key Binding JWT of an SD-JWT presentation (RFC 9901 s.4.3 and s.7.3): the holder signs, with the key the
issuer put in ``cnf``, that this presentation (``sd_hash``) is for this audience, with this nonce, now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crypto.jws import sign_compact, verify_with_key
from crypto.keys import PublicKey, SigningKey
from schemas.errors import KeyBindingInvalid, PassportError

KB_JWT_TYP = "kb+jwt"  # RFC 9901 s.4.3
# A Key Binding JWT dated this far in the future was not made by an honest clock.
KB_CLOCK_SKEW_SECONDS = 300


@dataclass(frozen=True)
class KeyBindingPolicy:
    """What a verifier requires of a Key Binding JWT: the audience it must be for, maybe a nonce, and how old
    it may be (RFC 9901 s.7.3: an acceptable window for ``iat``)."""

    audience: str
    nonce: str | None = None
    max_age: int | None = None


def sign_key_binding(claims: dict[str, Any], *, key: SigningKey) -> str:
    """A Key Binding JWT of ``claims`` (``iat``, ``aud``, ``nonce``, ``sd_hash``), signed by the holder's key."""
    return sign_compact(key=key, typ=KB_JWT_TYP, claims=claims, with_kid=False)


def verify_key_binding(kb_jwt: str, *, cnf: object, sd_hash: str, policy: KeyBindingPolicy, now: int) -> dict[str, Any]:
    """RFC 9901 s.7.3: the KB-JWT is signed by the ``cnf`` key, for this audience and this presentation (whose
    digest is ``sd_hash``); its claims, or :class:`KeyBindingInvalid`."""
    if not isinstance(cnf, dict) or not isinstance(cnf.get("jwk"), dict):
        raise KeyBindingInvalid("the SD-JWT names no key to bind it")
    try:
        holder = PublicKey.from_jwk(cnf["jwk"])
        kb = verify_with_key(kb_jwt, typ=KB_JWT_TYP, key=holder).claims
    except PassportError as exc:
        raise KeyBindingInvalid(f"the Key Binding JWT does not verify ({exc.code})") from exc
    if kb.get("sd_hash") != sd_hash:
        raise KeyBindingInvalid("the Key Binding JWT was made for a different set of disclosures")
    if kb.get("aud") != policy.audience:
        raise KeyBindingInvalid("the view was made for a different recipient")
    if not isinstance(kb.get("nonce"), str) or (policy.nonce is not None and kb["nonce"] != policy.nonce):
        raise KeyBindingInvalid("the Key Binding JWT has the wrong nonce")
    iat = kb.get("iat")
    if not isinstance(iat, int) or isinstance(iat, bool) or iat > now + KB_CLOCK_SKEW_SECONDS:
        raise KeyBindingInvalid("the Key Binding JWT has no valid issue time")
    if policy.max_age is not None and iat < now - policy.max_age:
        raise KeyBindingInvalid("the view is older than a view may be; ask for a new one")
    return kb
