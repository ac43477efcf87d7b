"""`make run` on a clean clone: the server answers /healthz and publishes a JWKS whose kid is the key's thumbprint."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from crypto import b64url_encode
from tests.conftest import free_port

REPO = Path(__file__).parents[2]


def rfc7638_thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638 s.3: SHA-256 over the required members in lexicographic order, no whitespace."""
    members = {name: jwk[name] for name in ("crv", "kty", "x", "y")}
    return b64url_encode(hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode()).digest())


@pytest.mark.slow
def test_make_run_on_a_clean_clone(tmp_path: Path) -> None:
    """Clone, `make run` (with this run's virtual environment, `SETUP=`), then ask the server."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASSPORT_")}
    venv = REPO / ".venv"
    process = subprocess.Popen(
        ["make", "run", f"VENV={venv}", "SETUP=", f"PORT={port}"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).json() == {"status": "ok"}:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, "make run did not start the server"
            time.sleep(0.5)
        keys = httpx.get(f"{base}/.well-known/jwks.json").json()["keys"]
        assert len(keys) == 1
        assert keys[0]["kid"] == rfc7638_thumbprint(keys[0])
        assert "d" not in keys[0]
        assert (clone / "var" / "issuer.json").exists()
        key_files = list((clone / "var" / "keys").glob("*.pem"))
        assert [f.stat().st_mode & 0o777 for f in key_files] == [0o600]
        assert _forwarded_for_is_not_believed(base)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in output  # it printed where to open it


def _forwarded_for_is_not_believed(base: str) -> bool:
    """A client on this machine that names a new address in each X-Forwarded-For is still one address to the
    sign-in limit: the served app believes no proxy unless PASSPORT_TRUSTED_PROXIES names it."""
    from passport.services import ADDRESS_FAILURES_ALLOWED

    with httpx.Client(base_url=base) as client:
        form = client.get("/staff/sign-in").text
        csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        statuses = [
            client.post(
                "/staff/sign-in",
                data={"token": "cpt_wrong", "csrf": csrf},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
            ).status_code
            for n in range(ADDRESS_FAILURES_ALLOWED["staff"] + 1)
        ]
    return statuses == [401] * ADDRESS_FAILURES_ALLOWED["staff"] + [429]
