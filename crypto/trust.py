"""The trust store: which organisation owns which public key, and since when a key is revoked.

Organisations trust each other through their keys alone, so every signature check
ends here: the ``kid`` must name a known key, the key must belong to the organisation
the token says issued it, and the token must not be signed at or after the key's
revocation time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crypto.jws import VerifiedJws, verify_compact
from crypto.keys import PublicKey, keys_from_jwks
from schemas.errors import KeyConflict, KeyRevoked, MalformedToken, UnknownKey, UntrustedIssuer


@dataclass(frozen=True)
class TrustedKey:
    """A public key, the organisation it belongs to, and when (if ever) it was revoked (Unix seconds)."""

    org: str
    key: PublicKey
    revoked_at: int | None = None

    @property
    def kid(self) -> str:
        """The key's RFC 7638 thumbprint."""
        return self.key.kid


@dataclass(frozen=True)
class TrustStore:
    """An immutable map from ``kid`` to :class:`TrustedKey`; build one with the factory methods."""

    _keys: Mapping[str, TrustedKey] = field(default_factory=dict)

    @classmethod
    def of(cls, keys: Iterable[TrustedKey]) -> TrustStore:
        """A store of exactly these keys; a kid claimed by two organisations is refused."""
        found: dict[str, TrustedKey] = {}
        for entry in keys:
            known = found.get(entry.kid)
            if known is not None and known.org != entry.org:
                raise KeyConflict("one key is claimed by two organisations")
            found[entry.kid] = entry
        return cls(found)

    @classmethod
    def from_jwks(cls, org: str, document: object, *, revoked: Mapping[str, int] | None = None) -> TrustStore:
        """A store holding one organisation's published JWK Set."""
        revoked = revoked or {}
        return cls.of(TrustedKey(org, key, revoked.get(key.kid)) for key in keys_from_jwks(document))

    def merged(self, other: TrustStore) -> TrustStore:
        """This store with another's keys added (revocations from either side stand)."""
        entries = dict(self._keys)
        for kid, entry in other._keys.items():
            known = entries.get(kid)
            if known is None:
                entries[kid] = entry
                continue
            if known.org != entry.org:
                raise KeyConflict("one key is claimed by two organisations")
            times = [t for t in (known.revoked_at, entry.revoked_at) if t is not None]
            entries[kid] = TrustedKey(known.org, known.key, min(times) if times else None)
        return TrustStore(entries)

    def __iter__(self) -> Any:
        return iter(sorted(self._keys.values(), key=lambda e: (e.org, e.kid)))

    def __len__(self) -> int:
        return len(self._keys)

    def organisations(self) -> set[str]:
        """Every organisation with at least one key here."""
        return {entry.org for entry in self._keys.values()}

    def lookup(self, kid: str) -> TrustedKey:
        """The trusted key for ``kid``; a plain map look-up, never a path or a query."""
        entry = self._keys.get(kid)
        if entry is None:
            raise UnknownKey("the token is signed by a key that is not trusted here")
        return entry

    def verify(self, token: str, *, typ: str, inflate: bool = False) -> VerifiedJws:
        """Verify a compact JWS whose payload names its ``iss`` and ``iat``, against this store.

        1. caps, alg, typ, kid format and signature (:func:`crypto.jws.verify_compact`);
        2. ``iss`` must be the organisation that owns the key;
        3. ``iat`` must be before the key's revocation time.

        ``inflate`` allows a ``zip: DEF`` payload (for a card), inflated under a cap.
        """
        verified = verify_compact(token, typ=typ, resolve_key=lambda kid: self.lookup(kid).key, inflate=inflate)
        entry = self.lookup(verified.key.kid)
        iss, iat = verified.claims.get("iss"), verified.claims.get("iat")
        if not isinstance(iss, str) or not isinstance(iat, int) or isinstance(iat, bool):
            raise MalformedToken("the token has no valid iss or iat")
        if iss != entry.org:
            raise UntrustedIssuer("the signing key does not belong to the issuer the token names")
        if entry.revoked_at is not None and iat >= entry.revoked_at:
            raise KeyRevoked("the token was signed after its key was revoked")
        return verified
