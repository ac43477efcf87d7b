"""The names of the organisations this service knows, for every page: its own and its trusted peers' (a peer with
no name is left out, so a page falls back to the organisation directory rather than show nothing)."""

from __future__ import annotations

from sqlmodel import Session

from passport.core import Identity
from passport.services import list_peers


def organisation_names(session: Session, identity: Identity) -> dict[str, str]:
    """org id -> name: this organisation's own, and every trusted peer's that has one."""
    names = {peer.org_id: peer.name for peer in list_peers(session) if peer.name}
    names[identity.org_id] = identity.info.name
    return names
