"""ES256 (P-256) keys: generate, load and save as PEM, publish as JWK and JWKS.

The ``kid`` of every key is its RFC 7638 JWK thumbprint (base64url SHA-256), so a
key id is derived from the key itself and can be checked by anyone who has the key.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from joserfc.jwk import ECKey

from schemas.errors import AlreadyExists, ConfigurationError, InsecureKeyFile, MalformedToken, SignatureInvalid

# A thumbprint is base64url(SHA-256): exactly 43 characters of the URL-safe alphabet (RFC 7638 s.3).
KID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_COORDINATE_BYTES = 32  # P-256


@dataclass(frozen=True)
class PublicKey:
    """A P-256 public key with its RFC 7638 thumbprint as ``kid``."""

    kid: str
    jwk_key: ECKey = field(repr=False, compare=False)

    @classmethod
    def from_jwk(cls, jwk: dict[str, Any]) -> PublicKey:
        """Import a public EC P-256 JWK; anything else (private parts, other curves) is refused."""
        if not isinstance(jwk, dict) or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
            raise MalformedToken("key is not an EC P-256 JWK")
        if "d" in jwk:
            raise MalformedToken("a public key set must not carry private key material")
        members = {name: jwk[name] for name in ("kty", "crv", "x", "y") if name in jwk}
        try:
            key = ECKey.import_key(members)  # type: ignore[arg-type]
        except Exception as exc:  # joserfc raises several types for a bad key; all mean the same here
            raise MalformedToken("key is not a valid EC P-256 point") from exc
        return cls(kid=key.thumbprint(), jwk_key=key)

    @classmethod
    def from_cryptography(cls, public: ec.EllipticCurvePublicKey) -> PublicKey:
        """Wrap a ``cryptography`` public key."""
        key = ECKey.import_key(public)
        return cls(kid=key.thumbprint(), jwk_key=key)

    def jwk(self) -> dict[str, str]:
        """The public JWK with ``kid``, ``alg`` and ``use`` (RFC 7517 s.4)."""
        members = self.jwk_key.as_dict(private=False)
        public = {name: str(members[name]) for name in ("kty", "crv", "x", "y")}
        return {**public, "kid": self.kid, "alg": "ES256", "use": "sig"}

    def thumbprint_members(self) -> dict[str, str]:
        """Only the members RFC 7638 s.3.2 hashes; what a ``cnf`` claim carries (RFC 7800)."""
        members = self.jwk_key.as_dict(private=False)
        return {name: str(members[name]) for name in ("crv", "kty", "x", "y")}

    def verify_raw(self, *, signature: bytes, data: bytes) -> None:
        """Check a raw r||s ES256 signature, or raise :class:`SignatureInvalid`, like every other check here; the
        benchmarks' baseline (no JOSE around it)."""
        public = self.jwk_key.public_key
        if len(signature) != 2 * _COORDINATE_BYTES:
            raise SignatureInvalid("an ES256 signature is 64 bytes")
        r = int.from_bytes(signature[:_COORDINATE_BYTES], "big")
        s = int.from_bytes(signature[_COORDINATE_BYTES:], "big")
        try:
            public.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature as exc:
            raise SignatureInvalid("the signature does not verify") from exc


@dataclass(frozen=True)
class SigningKey:
    """A private P-256 key that signs as ES256."""

    public: PublicKey
    jwk_key: ECKey = field(repr=False, compare=False)

    @property
    def kid(self) -> str:
        """The RFC 7638 thumbprint of the public key."""
        return self.public.kid

    @classmethod
    def generate(cls) -> SigningKey:
        """A new random P-256 key."""
        return cls._wrap(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def from_pem(cls, pem: bytes) -> SigningKey:
        """Load an unencrypted PKCS#8 PEM private key; only P-256 is accepted."""
        try:
            private = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError) as exc:
            raise ConfigurationError("the private key is not a readable PEM key") from exc
        if not isinstance(private, ec.EllipticCurvePrivateKey) or not isinstance(private.curve, ec.SECP256R1):
            raise ConfigurationError("the private key is not an EC P-256 key (ES256 only)")
        return cls._wrap(private)

    @classmethod
    def load(cls, path: Path) -> SigningKey:
        """Read a key file, refusing one that group or others may read or write."""
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            raise ConfigurationError(f"cannot read the key file {path.name}") from exc
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise InsecureKeyFile(f"the key file {path.name} must have mode 0600 (it is {mode & 0o777:o})")
        return cls.from_pem(path.read_bytes())

    def save(self, path: Path) -> None:
        """Write the key as PKCS#8 PEM with mode 0600; never overwrites an existing file."""
        pem = self.private_key().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            # O_EXCL: refuse to overwrite; the mode is set at creation so the key is never world-readable.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise AlreadyExists(f"the key file {path.name} exists already") from exc
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)

    def private_key(self) -> ec.EllipticCurvePrivateKey:
        """The ``cryptography`` key object."""
        private = self.jwk_key.private_key
        assert isinstance(private, ec.EllipticCurvePrivateKey)
        return private

    def sign_raw(self, data: bytes) -> bytes:
        """A raw r||s ES256 signature; the benchmark's baseline (no JOSE around it)."""
        der = self.private_key().sign(data, ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return r.to_bytes(_COORDINATE_BYTES, "big") + s.to_bytes(_COORDINATE_BYTES, "big")

    @classmethod
    def _wrap(cls, private: ec.EllipticCurvePrivateKey) -> SigningKey:
        return cls(
            public=PublicKey.from_cryptography(private.public_key()),
            jwk_key=ECKey.import_key(private),
        )


def jwks(keys: list[PublicKey]) -> dict[str, list[dict[str, str]]]:
    """A JWK Set (RFC 7517 s.5) of public keys."""
    return {"keys": [key.jwk() for key in keys]}


def keys_from_jwks(document: object) -> list[PublicKey]:
    """Parse a JWK Set, checking that every ``kid`` is the key's own RFC 7638 thumbprint."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise MalformedToken("not a JWK Set")
    found: list[PublicKey] = []
    for entry in document["keys"]:
        key = PublicKey.from_jwk(entry)
        if entry.get("kid") is not None and entry["kid"] != key.kid:
            raise MalformedToken("a JWK's kid is not its RFC 7638 thumbprint")
        found.append(key)
    return found
