"""What a copy of the home's database gives away, and what writing to it can hide, run as a person runs the command."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from passport.services import audit
from passport.services.deployment import Deployment
from passport.services.principals import Principal
from passport.services.records import create_passport
from passport.services.storage import transaction
from schemas import parse_content
from tests.cli.command import one_line_error, passport
from tests.conftest import free_port
from tests.tamper import rewrite_audit_trail, unkeyed, unkeyed_seal

STAFF = Principal("staff", "prison:WYI", "care_staff")
INIT = ("init", "--org-id", "prison:WYI", "--name", "HMP Wymott", "--kind", "prison")


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """``passport init``, the home's modes loosened as an older version left them, then ``passport serve``."""
    home = tmp_path / "wymott"
    assert passport(*INIT, home=home).returncode == 0
    home.chmod(0o755)
    (home / "passport.db").chmod(0o644)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASSPORT_")} | {"PASSPORT_HOME": str(home)}
    server = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url)
        yield home, url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_ready(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("passport serve did not start")


def test_init_makes_the_home_and_everything_in_it_private(tmp_path: Path) -> None:
    """Home and keys/ 0700; the database and every key file 0600, from the moment they exist."""
    home = tmp_path / "wymott"
    assert passport(*INIT, home=home).returncode == 0
    assert _mode(home) == 0o700 and _mode(home / "keys") == 0o700
    assert _mode(home / "passport.db") == 0o600
    assert all(_mode(key) == 0o600 for key in (home / "keys").glob("*.pem"))


def test_serve_puts_an_open_home_right_and_its_wal_and_shm_are_private(served: tuple[Path, str]) -> None:
    """A home left 0755 with its database 0644 is made private on start; SQLite's -wal and -shm, made while
    serving, are 0600 and so are the local key files."""
    home, url = served
    token = passport("token", "create", "--role", "care_staff", home=home).stdout.strip()
    missing = httpx.get(f"{url}/v1/passports/{uuid.uuid4()}", headers={"Authorization": f"Bearer {token}"})
    assert missing.status_code == 404  # a refused read: an audit row written while serving
    assert _mode(home) == 0o700 and _mode(home / "keys") == 0o700
    for name in ("passport.db", "passport.db-wal", "passport.db-shm"):
        assert _mode(home / name) == 0o600, name
    for name in ("audit.key", "sign-in-codes.key"):
        assert _mode(home / "keys" / name) == 0o600, name
        assert len((home / "keys" / name).read_bytes()) == 32


def _trail_of_five(home: Path, database_url: str, reference: dict[str, Any]) -> None:
    """A passport made here and four reads of it: five audit rows."""
    deployment = Deployment.open(home=home, database_url=database_url)
    with transaction(deployment.engine) as session:
        stored = create_passport(
            session, identity=deployment.identity, principal=STAFF, content=parse_content(reference), now=1_790_000_000
        )
    for _ in range(4):
        with transaction(deployment.engine) as session:
            audit.record(session, actor=audit.Actor("staff", "prison:WYI", "care_staff"), action="read", pid=stored.pid)
    deployment.engine.dispose()


def test_audit_verify_reports_a_trail_rewritten_without_the_key(
    tmp_path: Path, database_url: str, reference: dict[str, Any]
) -> None:
    """With the driver alone: triggers dropped, row 2 deleted, the rest renumbered and re-hashed, the head moved.
    ``passport audit verify`` says so in one line and exits 1, on SQLite and on PostgreSQL."""
    home = tmp_path / "wymott"
    assert passport(*INIT, "--database-url", database_url, home=home).returncode == 0
    _trail_of_five(home, database_url, reference)
    intact = passport("audit", "verify", "--database-url", database_url, home=home)
    assert intact.returncode == 0 and intact.stdout.startswith("audit trail intact: 5 rows"), intact.stderr
    rewrite_audit_trail(database_url, remove=2, rehash=unkeyed, reseal=unkeyed_seal)
    tampered = passport("audit", "verify", "--database-url", database_url, home=home)
    one_line_error(tampered, "audit_tampered")
    assert tampered.returncode == 1
