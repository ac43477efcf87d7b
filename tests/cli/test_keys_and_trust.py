"""Key rotation and revocation, and the trust list, through the `passport` command."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx

from crypto import SigningKey
from passport.core.card import issue_card
from passport.core.identity import load_identity
from passport.core.versions import issue_version
from schemas import parse_content
from tests.cli.command import one_line_error, passport
from tests.conftest import LiveServer

PID = "0b7d2f64-1c1e-4f7a-9b0a-3d6c2f9e8a11"


def _init(home: Path, org: str = "prison:WYI", name: str = "HMP Wymott") -> None:
    assert passport("init", "--org-id", org, "--name", name, "--kind", "prison", home=home).returncode == 0


def _version(key: SigningKey, reference: dict[str, Any], *, iat: int) -> str:
    content = parse_content(reference)
    return issue_version(key=key, issuer="prison:WYI", pid=PID, ver=1, prev=None, content=content, iat=iat).serialize()


def test_rotation_keeps_old_signatures_valid_and_revocation_fails_later_ones(
    tmp_path: Path, reference: dict[str, Any]
) -> None:
    """After a rotation the old key still verifies what it signed; once revoked, what it signs after fails."""
    home = tmp_path / "wymott"
    _init(home)
    old = load_identity(home).keyring.active
    before = _version(old, reference, iat=int(time.time()) - 60)
    rotated = passport("key", "rotate", home=home)
    assert rotated.returncode == 0, rotated.stderr
    identity = load_identity(home)
    assert identity.keyring.active.kid != old.kid
    assert {k["kid"] for k in identity.keyring.jwks()["keys"]} == {old.kid, identity.keyring.active.kid}
    assert passport("verify", "-", home=home, stdin=before).returncode == 0
    one_line_error(passport("key", "revoke", identity.keyring.active.kid, home=home), "invalid_request")
    assert passport("key", "revoke", old.kid, home=home).returncode == 0
    assert passport("verify", "-", home=home, stdin=before).returncode == 0
    after = _version(old, reference, iat=int(time.time()) + 5)
    one_line_error(passport("verify", "-", home=home, stdin=after), "key_revoked")
    one_line_error(passport("key", "revoke", "no-such-key", home=home), "not_found")


def test_a_trust_list_moves_to_a_desk_with_no_network(tmp_path: Path, reference: dict[str, Any]) -> None:
    """Export at Wymott, import at Risley's reception desk: Wymott's cards verify there offline."""
    wymott, desk = tmp_path / "wymott", tmp_path / "desk"
    _init(wymott)
    _init(desk, "prison:RSY", "HMP Risley reception")
    exported = passport("trust", "export", str(tmp_path / "trust.json"), home=wymott)
    assert exported.returncode == 0, exported.stderr
    assert json.loads((tmp_path / "trust.json").read_text())["format"] == "care-passport-trust-list/1"
    key = load_identity(wymott).keyring.active
    card = issue_card(
        key=key,
        issuer="prison:WYI",
        pid=PID,
        ver=1,
        digest="A" * 43,
        content=parse_content(reference),
        now=int(time.time()),
    )
    one_line_error(passport("verify", "-", home=desk, stdin=card), "unknown_key")
    imported = passport("trust", "import", str(tmp_path / "trust.json"), home=desk)
    assert imported.returncode == 0 and "trusted 1 organisations" in imported.stdout
    verified = passport("verify", "-", home=desk, stdin=card)
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["issuer"] == "prison:WYI"
    assert "prison:WYI" in passport("trust", "list", home=desk).stdout
    one_line_error(passport("trust", "import", str(tmp_path / "missing.json"), home=desk), "invalid_request")


def test_trust_add_pins_only_what_a_person_checked(live_server: LiveServer, tmp_path: Path) -> None:
    """No --expect-thumbprint and no one to ask: refused. A wrong thumbprint: refused. The right one: trusted."""
    desk = tmp_path / "desk"
    _init(desk, "prison:RSY", "HMP Risley")
    kid = httpx.get(f"{live_server.url}/.well-known/jwks.json").json()["keys"][0]["kid"]
    unasked = passport("trust", "add", live_server.url, home=desk)
    one_line_error(unasked, "untrusted_issuer")
    assert kid in unasked.stdout  # the thumbprints were shown
    one_line_error(
        passport("trust", "add", live_server.url, "--expect-thumbprint", "B" * 43, home=desk), "untrusted_issuer"
    )
    assert passport("trust", "list", home=desk).stdout == ""
    added = passport("trust", "add", live_server.url, "--expect-thumbprint", kid, home=desk)
    assert added.returncode == 0, added.stderr
    assert passport("trust", "list", home=desk).stdout.startswith("prison:WYI\tHMP Wymott")
    one_line_error(passport("trust", "add", "http://127.0.0.1:1", home=desk), "configuration_error")


def test_a_kid_that_begins_with_a_dash_is_taken_as_the_key(tmp_path: Path) -> None:
    """A thumbprint is base64url: one in 64 begins with "-", and must not be read as an option."""
    home = tmp_path / "wymott"
    _init(home)
    one_line_error(passport("key", "revoke", "-" + "A" * 42, home=home), "not_found")


def test_a_peer_listing_a_key_another_organisation_holds_is_refused_and_breaks_nothing(
    tmp_path: Path, reference: dict[str, Any]
) -> None:
    """A trust list naming Wymott's key (or the desk's own) under another organisation is refused at import with a
    clear line, nothing of it is kept, and Wymott's versions still verify. An entry stored before this rule
    existed is left out of the trust store without breaking the others."""
    wymott, desk = tmp_path / "wymott", tmp_path / "desk"
    _init(wymott)
    _init(desk, "prison:RSY", "HMP Risley reception")
    good = tmp_path / "trust.json"
    assert passport("trust", "export", str(good), home=wymott).returncode == 0
    assert passport("trust", "import", str(good), home=desk).returncode == 0
    version = _version(load_identity(wymott).keyring.active, reference, iat=int(time.time()) - 60)
    wymott_entry = json.loads(good.read_text())["peers"][0]
    desk_jwks = load_identity(desk).keyring.jwks()
    for stolen in (wymott_entry["jwks"], desk_jwks):
        impostor = {**wymott_entry, "id": "prison:EVL", "name": "Not a prison", "jwks": stolen}
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({"format": "care-passport-trust-list/1", "peers": [impostor]}))
        one_line_error(passport("trust", "import", str(bad), home=desk), "key_conflict")
        assert "prison:EVL" not in passport("trust", "list", home=desk).stdout
        assert passport("verify", "-", home=desk, stdin=version).returncode == 0

    from passport.services.deployment import Deployment
    from passport.services.peers import Peer, trust_store
    from passport.services.storage import TrustedPeerRow, transaction, utcnow

    deployment = Deployment.open(home=desk, database_url=f"sqlite:///{desk / 'passport.db'}")
    impostor_peer = Peer.from_json({**wymott_entry, "id": "prison:EVL"})
    with transaction(deployment.engine) as session:  # as an older release could have stored it
        session.add(
            TrustedPeerRow(
                org_id="prison:EVL",
                base_url="http://127.0.0.1:9",
                document=json.dumps(impostor_peer.to_json()),
                added_at=utcnow(),
            )
        )
    with transaction(deployment.engine) as session:
        store = trust_store(session, deployment.identity)
    assert store.organisations() == {"prison:WYI", "prison:RSY"}
    assert passport("verify", "-", home=desk, stdin=version).returncode == 0
