"""Trusted peers: other organisations' issuer metadata and keys, pinned here so their signatures verify offline.

A peer is added by fetching its ``/.well-known/care-passport-issuer`` and JWK Set and pinning the key
thumbprints a person has checked (or that were given in advance). The list can be exported to a file and
imported on a machine with no network, such as a reception desk.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from sqlmodel import Session, col, select

from crypto import PublicKey, TrustedKey, TrustStore, keys_from_jwks
from passport.core.identity import Identity
from passport.services.storage import TrustedPeerRow, utcnow
from schemas import is_org_id
from schemas.errors import (
    ConfigurationError,
    InvalidRequest,
    KeyConflict,
    MalformedToken,
    NotFound,
    PeerRefused,
    UntrustedIssuer,
)

log = logging.getLogger("care_passport")

METADATA_PATH = "/.well-known/care-passport-issuer"
MAX_DOCUMENT_BYTES = 256 * 1024
EXPORT_FORMAT = "care-passport-trust-list/1"
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class Peer:
    """Another organisation: its id, name, kind, base URL, public keys and revoked key times."""

    org_id: str
    name: str
    kind: str
    base_url: str
    keys: tuple[PublicKey, ...]
    revoked: dict[str, int]

    @property
    def thumbprints(self) -> list[str]:
        """The RFC 7638 thumbprints of its keys: what a person compares before trusting them."""
        return [key.kid for key in self.keys]

    def signing_key(self) -> PublicKey:
        """Its active key: the first it publishes that is not revoked (a JWK Set lists the active key first)."""
        for key in self.keys:
            if key.kid not in self.revoked:
                return key
        raise UntrustedIssuer("every key of that organisation is revoked")

    def trust_store(self) -> TrustStore:
        """Its keys, as trusted keys of its organisation."""
        return TrustStore.of(TrustedKey(self.org_id, key, self.revoked.get(key.kid)) for key in self.keys)

    def to_json(self) -> dict[str, Any]:
        """The form in an exported trust list."""
        return {
            "id": self.org_id,
            "name": self.name,
            "kind": self.kind,
            "base_url": self.base_url,
            "jwks": {"keys": [key.jwk() for key in self.keys]},
            "revoked_keys": self.revoked,
        }

    @classmethod
    def from_json(cls, body: object) -> Peer:
        """Parse and check one peer of a trust list or of fetched metadata plus JWKS."""
        if not isinstance(body, dict):
            raise MalformedToken("a peer entry is not an object")
        org_id, name, kind, base_url = (body.get(k) for k in ("id", "name", "kind", "base_url"))
        if not isinstance(org_id, str) or not is_org_id(org_id):
            raise MalformedToken("a peer has no valid organisation id")
        if not all(isinstance(v, str) and 0 < len(v) <= 300 for v in (name, kind, base_url)):
            raise MalformedToken("a peer needs a name, kind and base URL")
        revoked = body.get("revoked_keys") or {}
        if not isinstance(revoked, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in revoked.items()
        ):
            raise MalformedToken("a peer's revoked keys are not kid -> time")
        keys = tuple(keys_from_jwks(body.get("jwks")))
        if not keys:
            raise MalformedToken("a peer publishes no keys")
        return cls(org_id, str(name), str(kind), str(base_url).rstrip("/"), keys, dict(revoked))


def peer_url(url: str) -> str:
    """A peer's address, which must be https (bearer assertions and whole records cross it), except on this machine."""
    parsed = httpx.URL(url.rstrip("/")) if url.startswith(("http://", "https://")) else None
    if parsed is None or not parsed.host:
        raise InvalidRequest("the peer's address must be an https URL")
    if parsed.scheme != "https" and parsed.host not in _LOOPBACK:
        raise InvalidRequest("the peer's address must be https (plain http only to this machine)")
    return str(parsed).rstrip("/")


def fetch_peer(url: str, *, client: httpx.Client) -> Peer:
    """Fetch a peer's issuer metadata and JWK Set from its base URL."""
    base = peer_url(url)
    metadata = get_json(client, base + METADATA_PATH, cap=MAX_DOCUMENT_BYTES)
    jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
    if not isinstance(jwks_uri, str):
        raise MalformedToken("the peer's metadata names no JWK Set")
    return Peer.from_json({**metadata, "jwks": get_json(client, peer_url(jwks_uri), cap=MAX_DOCUMENT_BYTES)})


def get_json(client: httpx.Client, url: str, *, cap: int, headers: dict[str, str] | None = None) -> Any:
    """GET a JSON document from a peer, reading at most ``cap`` bytes of it (a bigger one is refused unread)."""
    try:
        with client.stream("GET", url, headers=headers, timeout=30, follow_redirects=False) as response:
            if response.status_code == 404:
                raise NotFound("the peer has nothing for this organisation there")
            if response.status_code != 200:
                raise ConfigurationError(f"the peer answered {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > cap:
                    raise ConfigurationError("the peer's answer is larger than allowed")
    except httpx.HTTPError as exc:
        raise ConfigurationError("the peer cannot be reached") from exc
    try:
        return json.loads(body)
    except ValueError as exc:
        raise MalformedToken("the peer's answer is not JSON") from exc


def post_json(client: httpx.Client, url: str, body: dict[str, Any], *, headers: dict[str, str]) -> None:
    """POST a JSON body to a peer; anything but a 2xx answer is refused with the peer's problem code, if it
    gave one (so the sender can say why a delivery failed without reading more than a problem document)."""
    try:
        response = client.post(url, json=body, headers=headers, timeout=30, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise ConfigurationError("the peer cannot be reached") from exc
    if 200 <= response.status_code < 300:
        return
    code = "http_" + str(response.status_code)
    if response.headers.get("content-type", "").startswith("application/problem+json") and len(response.content) < 8192:
        try:
            said = json.loads(response.content).get("code")
        except (ValueError, AttributeError):
            said = None
        if isinstance(said, str) and said.isascii() and said.replace("_", "").isalnum() and len(said) <= 40:
            code = said
    raise PeerRefused(code)


def check_pinned(peer: Peer, expected: Iterable[str]) -> None:
    """Refuse a peer unless every thumbprint a person expects is one of its keys."""
    missing = [t for t in expected if t not in peer.thumbprints]
    if missing:
        raise UntrustedIssuer("the peer's keys do not match the expected thumbprint")


def save_peer(session: Session, peer: Peer, *, identity: Identity) -> None:
    """Trust a peer (or update its keys and revocations); never this organisation itself."""
    if peer.org_id == identity.org_id:
        raise InvalidRequest("an organisation does not add itself as a peer")
    # A key is one organisation's: a peer naming a key another organisation (or this one) holds would make every
    # signature by that key ambiguous, so it is refused here rather than left to break verification later.
    held = {key.kid: identity.org_id for key in identity.keyring.public_keys}
    for other in list_peers(session):
        if other.org_id != peer.org_id:
            held.update({kid: other.org_id for kid in other.thumbprints})
    for kid in peer.thumbprints:
        if kid in held:
            raise KeyConflict(f"{peer.org_id} lists key {kid} that {held[kid]} already holds; it is not trusted")
    row = session.get(TrustedPeerRow, peer.org_id) or TrustedPeerRow(org_id=peer.org_id, added_at=utcnow())
    row.name, row.kind, row.base_url = peer.name, peer.kind, peer.base_url
    row.document = json.dumps(peer.to_json())
    row.updated_at = utcnow()
    session.add(row)


def list_peers(session: Session, *, oldest_first: bool = False) -> list[Peer]:
    """Every trusted peer, by organisation id (or in the order they were first trusted)."""
    order = (
        (col(TrustedPeerRow.added_at), col(TrustedPeerRow.org_id)) if oldest_first else (col(TrustedPeerRow.org_id),)
    )
    rows = session.exec(select(TrustedPeerRow).order_by(*order))
    return [Peer.from_json(json.loads(row.document)) for row in rows]


def get_peer(session: Session, org_id: str) -> Peer:
    """One trusted peer."""
    row = session.get(TrustedPeerRow, org_id)
    if row is None:
        raise UntrustedIssuer("that organisation is not a trusted peer here")
    return Peer.from_json(json.loads(row.document))


def export_trust_list(peers: Iterable[Peer], *, own: Peer | None = None) -> dict[str, Any]:
    """A trust list for a file: the peers, and this organisation too so that a desk trusts its own cards."""
    entries = [p.to_json() for p in peers] + ([own.to_json()] if own else [])
    return {"format": EXPORT_FORMAT, "peers": entries}


def parse_trust_list(document: object) -> list[Peer]:
    """Read an exported trust list."""
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise MalformedToken(f"not a trust list ({EXPORT_FORMAT})")
    peers = document.get("peers")
    if not isinstance(peers, list):
        raise MalformedToken("the trust list has no peers")
    return [Peer.from_json(entry) for entry in peers]


def own_peer(identity: Identity) -> Peer:
    """This organisation as a peer entry (for exports)."""
    info = identity.info
    ring = identity.keyring
    return Peer(info.org_id, info.name, info.kind, info.base_url, tuple(ring.public_keys), ring.revocations())


def trust_store(session: Session, identity: Identity) -> TrustStore:
    """What this deployment trusts: its own keys and every peer's."""
    store = identity.keyring.trust_store(identity.org_id)
    for peer in list_peers(session, oldest_first=True):
        try:
            store = store.merged(peer.trust_store())
        except KeyConflict:
            # Stored before save_peer refused such entries: the later claimant of a key is left out, and every
            # other peer still verifies.
            log.warning("trusted peer %s is left out: it lists a key another organisation holds", peer.org_id)
    return store


def base_url_of(session: Session, org_id: str) -> str:
    """Where a trusted peer's API is."""
    row = session.get(TrustedPeerRow, org_id)
    if row is None:
        raise NotFound("that organisation is not a trusted peer here")
    return row.base_url
