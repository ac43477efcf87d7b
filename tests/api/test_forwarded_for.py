"""Who a request came from: X-Forwarded-For is believed only from the proxies PASSPORT_TRUSTED_PROXIES names."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from api.settings import parse_trusted_proxies
from passport.services import ADDRESS_FAILURES_ALLOWED
from passport.services.storage import AuditRow, reading
from tests.conftest import LiveServer, start_server

SPOOFED = "203.0.113.9"
MISSING = "/v1/passports/00000000-0000-4000-8000-000000000000"


def _failed_staff_sign_ins(server: LiveServer, count: int) -> list[int]:
    """Wrong tokens, each claiming to come from a new address; the statuses."""
    client = server.client()
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/staff/sign-in").text)
    assert csrf is not None
    return [
        client.post(
            "/staff/sign-in",
            data={"token": "cpt_not-a-token", "csrf": csrf[1]},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        ).status_code
        for n in range(count)
    ]


def _sources(server: LiveServer) -> set[str | None]:
    with reading(server.deployment.engine) as session:
        return set(session.exec(select(AuditRow.source).where(col(AuditRow.source).is_not(None))))


def test_a_client_cannot_name_its_own_address(live_server: LiveServer) -> None:
    """From 127.0.0.1 with no proxy named: the header is ignored by the audit trail and by the sign-in limit."""
    allowed = ADDRESS_FAILURES_ALLOWED["staff"]
    assert _failed_staff_sign_ins(live_server, allowed + 1) == [401] * allowed + [429]
    token = live_server.token("care_staff")
    assert live_server.client(token).get(MISSING, headers={"X-Forwarded-For": SPOOFED}).status_code == 404
    assert _sources(live_server) == {"127.0.0.1"}


@pytest.fixture
def behind_a_proxy(tmp_path: Path, database_url: str) -> Iterator[LiveServer]:
    """A server that believes the proxies on 127.0.0.0/8, named as an administrator might write it."""
    proxies = parse_trusted_proxies("127.0.0.1/8")
    assert proxies == ("127.0.0.0/8",)
    server = start_server(tmp_path / "wymott", database_url, trusted_proxies=proxies)
    yield server
    server.stop()


def test_a_named_proxy_is_believed(behind_a_proxy: LiveServer) -> None:
    """Behind a named proxy, each client is itself: audited as itself, limited as itself."""
    allowed = ADDRESS_FAILURES_ALLOWED["staff"]
    assert _failed_staff_sign_ins(behind_a_proxy, allowed + 1) == [401] * (allowed + 1)
    token = behind_a_proxy.token("care_staff")
    assert behind_a_proxy.client(token).get(MISSING, headers={"X-Forwarded-For": SPOOFED}).status_code == 404
    assert _sources(behind_a_proxy) == {SPOOFED}


def test_a_wrong_proxy_setting_stops_the_server_in_one_line(tmp_path: Path) -> None:
    """A typo in PASSPORT_TRUSTED_PROXIES is a clear error at start, never a server believing the wrong hosts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASSPORT_")}
    home = str(tmp_path / "h")
    init = ["init", "--org-id", "prison:WYI", "--name", "HMP Wymott", "--kind", "prison", "--home", home]
    subprocess.run([sys.executable, "-m", "cli", *init], env=env, check=True, capture_output=True)
    started = subprocess.run(
        [sys.executable, "-m", "cli", "serve", "--home", home, "--port", "9"],
        env=env | {"PASSPORT_TRUSTED_PROXIES": "127.0.0.1, the-load-balancer"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 1
    assert started.stderr.startswith("error: configuration_error: PASSPORT_TRUSTED_PROXIES")
    assert started.stderr.count("\n") == 1 and "Traceback" not in started.stderr
