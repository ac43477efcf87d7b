"""Real `passport serve` processes on loopback, each organisation with its own home, database and keys, and the
`passport` command run against them: what the end-to-end tests share."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


@dataclass
class Organisation:
    """One organisation's home, database and running server (``env``: settings of its own, such as
    ``PASSPORT_DELIVERY_SECONDS``)."""

    org: str
    home: Path
    database_url: str
    url: str
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[str] | None = None

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PASSPORT_")}
        return env | {"PASSPORT_HOME": str(self.home), "PASSPORT_DATABASE_URL": self.database_url} | self.env

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `passport` against this organisation's home and database."""
        result = subprocess.run(
            [sys.executable, "-m", "cli", *args],
            capture_output=True,
            text=True,
            env=self._environment(),
            check=False,
            timeout=120,
        )
        if check:
            assert result.returncode == 0, f"passport {' '.join(args)}: {result.stderr}"
        return result

    def serve(self) -> None:
        """Start `passport serve` and wait until it answers."""
        port = self.url.rsplit(":", 1)[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve", "--port", port],
            env=self._environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert self.process.poll() is None, self.process.stdout.read() if self.process.stdout else ""
            assert time.monotonic() < deadline, f"{self.org} did not start"
            time.sleep(0.2)

    def stop(self) -> None:
        """Stop the server."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.communicate(timeout=30)

    def client(self, role: str) -> httpx.Client:
        """An API client with a new token of this organisation."""
        token = self.cli("token", "create", "--role", role).stdout.strip()
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)

    def verifies(self, history: Path) -> tuple[int, list[str]]:
        """Verify a history file (``{"sd_jwts": [...]}``) over this server's API and offline with `passport verify`;
        both must agree: (versions, issuers)."""
        sd_jwts = json.loads(history.read_text("utf-8"))["sd_jwts"]
        with self.client("reception") as client:
            online = client.post("/v1/verify", json={"history": sd_jwts})
        assert online.status_code == 200, online.text
        offline = json.loads(self.cli("verify", str(history)).stdout)
        assert (online.json()["versions"], online.json()["issuers"]) == (offline["versions"], offline["issuers"])
        return offline["versions"], offline["issuers"]

    def thumbprint(self) -> str:
        """The thumbprint of the key the server publishes (what its operator would read out to a peer)."""
        kid: str = httpx.get(f"{self.url}/.well-known/jwks.json").json()["keys"][0]["kid"]
        return kid

    def trusts(self, other: Organisation) -> None:
        """`passport trust add` the other organisation, pinning its key."""
        self.cli("trust", "add", other.url, "--expect-thumbprint", other.thumbprint())
