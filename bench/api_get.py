"""GET a passport over HTTP, against a FastAPI hello-world served with the same uvicorn settings, in the same run.

DESIGN.md section 9. Both servers run as their own processes on loopback ports (uvicorn, one worker, no access
log); one client makes sequential requests on a kept-alive connection. A passport GET authenticates the bearer
token, reads the current version, writes an audit row (every read is audited) and returns about 23 kB of JSON;
the hello-world returns 11 bytes. The database is SQLite by default, or ``--database-url``.

Run from the repository root::

    .venv/bin/python bench/api_get.py [--quick] [--database-url postgresql+psycopg://127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from _timing import REFERENCE_PASSPORT, machine_line, measure_all, table

BENCH = Path(__file__).resolve().parent
UVICORN_FLAGS = [
    "--host",
    "127.0.0.1",
    "--log-level",
    "warning",
    "--no-access-log",
    "--no-proxy-headers",
    "--workers",
    "1",
]


def _passport(cli: list[str], env: dict[str, str], *args: str) -> str:
    """Run a `passport` command; its own one-line error if it fails (a database URL that cannot be used, say)."""
    result = subprocess.run([*cli, *args], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"passport {args[0]} failed: {result.stderr.strip()}")
    return result.stdout


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _serving(args: list[str], env: dict[str, str], url: str) -> Iterator[None]:
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    detail = process.stderr.read() if process.stderr else ""
                    raise SystemExit(f"a server did not start: {detail!r}") from None
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PASSPORT_")} | {"PASSPORT_HOME": home}
        if args.database_url:
            env["PASSPORT_DATABASE_URL"] = args.database_url
        cli = [python, "-m", "cli"]
        _passport(cli, env, "init", "--org-id", "prison:WYI", "--name", "HMP Wymott", "--kind", "prison")
        token = _passport(cli, env, "token", "create", "--role", "care_staff").strip()
        ours, hello = _port(), _port()
        service = [python, "-m", "uvicorn", "api.app:app_from_env", "--factory", "--port", str(ours), *UVICORN_FLAGS]
        baseline = [
            python,
            "-m",
            "uvicorn",
            "_hello:app",
            "--app-dir",
            str(BENCH),
            "--port",
            str(hello),
            *UVICORN_FLAGS,
        ]
        with (
            _serving(service, env, f"http://127.0.0.1:{ours}/healthz"),
            _serving(baseline, env, f"http://127.0.0.1:{hello}/hello"),
        ):
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=f"http://127.0.0.1:{ours}", headers=headers) as client, httpx.Client() as plain:
                pid = client.post(
                    "/v1/passports",
                    content=REFERENCE_PASSPORT.read_bytes(),
                    headers={"content-type": "application/json"},
                ).json()["pid"]

                def get_passport() -> None:
                    response = client.get(f"/v1/passports/{pid}")
                    if response.status_code != 200:
                        raise SystemExit(f"GET answered {response.status_code}")

                def get_hello() -> None:
                    plain.get(f"http://127.0.0.1:{hello}/hello").raise_for_status()

                rounds, round_s = (3, 0.3) if args.quick else (7, 1.0)
                limit, ours_t = measure_all(
                    [("GET /hello (FastAPI hello-world)", get_hello), ("GET /v1/passports/{pid}", get_passport)],
                    rounds=rounds,
                    round_s=round_s,
                )
    print("bench/api_get.py: a passport GET against a hello-world on the same uvicorn settings (DESIGN.md section 9)")
    print(f"machine: {machine_line()}; database: {'PostgreSQL' if args.database_url else 'SQLite'}")
    rows = [
        [limit.name, f"{limit.median_us:,.0f}", f"{limit.ops_per_s:,.0f}", "(the limit)", ""],
        [
            ours_t.name,
            f"{ours_t.median_us:,.0f}",
            f"{ours_t.ops_per_s:,.0f}",
            "hello-world",
            f"{ours_t.ratio_to(limit):.2f}x",
        ],
    ]
    print(
        table(
            ["request", "us/request", "requests/s", "measured against", "ratio"],
            rows,
            right=[False, True, True, False, True],
        )
    )
    print("Sequential requests on one kept-alive connection. Figures are printed, not asserted.")
    if "--json" in sys.argv:
        print(json.dumps({"hello_ns": limit.median_ns, "get_ns": ours_t.median_ns}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
