"""This organisation's identity as an issuer, and its signing keys on disk.

A deployment is one organisation. Its identity lives in ``<home>/issuer.json`` and its
keys in ``<home>/keys/``: each private key a PEM file of mode 0600 named by its ``kid``,
and ``keyring.json`` saying which key is active and when others were retired or revoked.
Private keys are never written anywhere else. The home and ``keys/`` are mode 0700.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from crypto import PublicKey, SigningKey, TrustedKey, TrustStore, jwks
from passport.core.private_files import private_dir
from schemas import is_org_id
from schemas.errors import AlreadyExists, ConfigurationError, InvalidRequest, NotFound

OrgKind = Literal["prison", "local_authority", "health", "probation"]
ORG_KINDS: tuple[OrgKind, ...] = ("prison", "local_authority", "health", "probation")
_ORG_PREFIX: dict[str, str] = {
    "prison": "prison",
    "local_authority": "la",
    "health": "health",
    "probation": "probation",
}
# The organisation id forms of DESIGN.md s.7: NOMIS establishment, ONS GSS, ODS and probation region codes.
ISSUER_FILE = "issuer.json"
KEYRING_FILE = "keyring.json"


@dataclass(frozen=True)
class IssuerInfo:
    """Who this deployment is: organisation id, display name, kind and public base URL."""

    org_id: str
    name: str
    kind: OrgKind
    base_url: str

    def __post_init__(self) -> None:
        if not is_org_id(self.org_id):
            raise InvalidRequest("the organisation id must look like prison:WYI, la:E08000012, health:RW4")
        if self.kind not in ORG_KINDS or self.org_id.split(":")[0] != _ORG_PREFIX[self.kind]:
            raise InvalidRequest("the organisation kind does not match its id")
        if not self.name.strip() or len(self.name) > 200:
            raise InvalidRequest("the organisation name must be 1 to 200 characters")
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", self.base_url):
            raise InvalidRequest("the base URL must be an http(s) URL")

    def to_json(self) -> dict[str, str]:
        """The form stored in issuer.json."""
        return {"id": self.org_id, "name": self.name, "kind": self.kind, "base_url": self.base_url}


@dataclass(frozen=True)
class KeyRecord:
    """One key's lifecycle: created, retired (no longer signs), revoked (no longer verifies)."""

    kid: str
    created_at: int
    retired_at: int | None = None
    revoked_at: int | None = None


@dataclass(frozen=True)
class KeyRing:
    """The active signing key and every older key, private parts loaded from 0600 files."""

    home: Path
    active: SigningKey
    records: dict[str, KeyRecord]
    keys: dict[str, SigningKey] = field(repr=False)

    @property
    def public_keys(self) -> list[PublicKey]:
        """Every published key, active first."""
        others = [k.public for kid, k in sorted(self.keys.items()) if kid != self.active.kid]
        return [self.active.public, *others]

    def signing_key_for(self, kid: str) -> SigningKey:
        """A key that may bind views of versions naming it in ``cnf`` (even after rotation)."""
        key = self.keys.get(kid)
        record = self.records.get(kid)
        if key is None or record is None or record.revoked_at is not None:
            raise NotFound("no usable key with that kid")
        return key

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The JWK Set to publish: all keys, revoked ones included so their revocation can be applied."""
        return jwks(self.public_keys)

    def revocations(self) -> dict[str, int]:
        """kid -> revocation time, for the issuer metadata."""
        return {kid: r.revoked_at for kid, r in self.records.items() if r.revoked_at is not None}

    def trust_store(self, org_id: str) -> TrustStore:
        """This organisation's own keys as a trust store."""
        return TrustStore.of(TrustedKey(org_id, key, self.records[key.kid].revoked_at) for key in self.public_keys)


@dataclass(frozen=True)
class Identity:
    """An organisation's identity and key ring, loaded from ``home``."""

    info: IssuerInfo
    keyring: KeyRing

    @property
    def org_id(self) -> str:
        """This organisation's id."""
        return self.info.org_id


def init_identity(home: Path, info: IssuerInfo, *, now: int) -> Identity:
    """Create the identity and a first key; refuses to overwrite an existing one."""
    if (home / ISSUER_FILE).exists():
        raise AlreadyExists("this home already has an organisation identity")
    private_dir(home)
    keys_dir = private_dir(home / "keys")
    key = SigningKey.generate()
    key.save(keys_dir / f"{key.kid}.pem")
    _write_keyring(keys_dir, key.kid, {key.kid: KeyRecord(key.kid, now)})
    _write_json(home / ISSUER_FILE, info.to_json())
    return load_identity(home)


def load_identity(home: Path) -> Identity:
    """Load issuer.json and the key ring, checking every key file's mode and name."""
    try:
        raw = json.loads((home / ISSUER_FILE).read_text("utf-8"))
        info = IssuerInfo(raw["id"], raw["name"], raw["kind"], raw["base_url"])
        ring = json.loads((home / "keys" / KEYRING_FILE).read_text("utf-8"))
        active_kid = ring["active"]
        records = {kid: KeyRecord(kid=kid, **fields) for kid, fields in ring["keys"].items()}
    except FileNotFoundError as exc:
        raise ConfigurationError("no organisation identity here: run 'passport init' first") from exc
    except (ValueError, KeyError, TypeError, InvalidRequest) as exc:
        raise ConfigurationError("the organisation identity files are damaged") from exc
    keys = {kid: SigningKey.load(home / "keys" / f"{kid}.pem") for kid in records}
    for kid, key in keys.items():
        if key.kid != kid:
            raise ConfigurationError("a key file does not hold the key its name says")
    if active_kid not in keys or records[active_kid].revoked_at is not None:
        raise ConfigurationError("the active key is missing or revoked")
    return Identity(info, KeyRing(home=home, active=keys[active_kid], records=records, keys=keys))


def rotate_key(identity: Identity, *, now: int) -> Identity:
    """Make a new active key; the old one is retired (still published, never signs again)."""
    ring = identity.keyring
    key = SigningKey.generate()
    keys_dir = ring.home / "keys"
    key.save(keys_dir / f"{key.kid}.pem")
    records = dict(ring.records)
    old = records[ring.active.kid]
    records[old.kid] = KeyRecord(old.kid, old.created_at, now, old.revoked_at)
    records[key.kid] = KeyRecord(key.kid, now)
    _write_keyring(keys_dir, key.kid, records)
    return load_identity(ring.home)


def revoke_key(identity: Identity, kid: str, *, now: int) -> Identity:
    """Revoke a key from ``now``: what it signs from then on fails verification. Not the active key."""
    ring = identity.keyring
    record = ring.records.get(kid)
    if record is None:
        raise NotFound("no key with that kid")
    if kid == ring.active.kid:
        raise InvalidRequest("rotate first: the active key cannot be revoked")
    records = dict(ring.records)
    records[kid] = KeyRecord(kid, record.created_at, record.retired_at or now, record.revoked_at or now)
    _write_keyring(ring.home / "keys", ring.active.kid, records)
    return load_identity(ring.home)


def _write_keyring(keys_dir: Path, active: str, records: dict[str, KeyRecord]) -> None:
    body = {
        "active": active,
        "keys": {
            kid: {"created_at": r.created_at, "retired_at": r.retired_at, "revoked_at": r.revoked_at}
            for kid, r in records.items()
        },
    }
    _write_json(keys_dir / KEYRING_FILE, body)


def _write_json(path: Path, body: object) -> None:
    """Write atomically (a temporary file renamed over the old one), so a crash leaves the old file."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, indent=2) + "\n", "utf-8")
    os.replace(tmp, path)
