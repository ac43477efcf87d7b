"""Shared fixtures: the reference passport, databases (SQLite and a real PostgreSQL), identities, live servers."""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn

from api.app import SERVER_OPTIONS, create_app
from api.settings import Settings
from crypto import SigningKey
from passport.core.identity import Identity, IssuerInfo, init_identity
from passport.services.peers import Peer, save_peer
from passport.services.principals import Principal, create_principal
from passport.services.records import create_passport
from passport.services.storage import transaction
from passport.services.web_sessions import PERSON_IDLE
from schemas import parse_content

ASSETS = Path(__file__).parent / "assets"
POSTGRES_ADMIN_URL = "postgresql://127.0.0.1:5432/test"
WYMOTT = IssuerInfo("prison:WYI", "HMP Wymott", "prison", "http://127.0.0.1:1")


def reference_passport() -> dict[str, Any]:
    """The reference passport, as a fresh dict each time."""
    loaded: dict[str, Any] = json.loads((ASSETS / "reference-passport.json").read_text("utf-8"))
    return loaded


def another_person(content: dict[str, Any], number: int) -> dict[str, Any]:
    """``content`` for someone else: known only by the prison number A<number>ZZ, so it is no duplicate of the
    reference passport's person (a second passport for one person is refused without a reason)."""
    subject = content["subject"] | {"identifiers": [{"system": "noms", "value": f"A{number:04d}ZZ"}]}
    return content | {"subject": subject}


@pytest.fixture
def reference() -> dict[str, Any]:
    """The reference passport content."""
    return reference_passport()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema on the real PostgreSQL server, dropped afterwards. Never skipped: it must be there."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not answering on 127.0.0.1:5432 ({exc}); run `make postgres`")
    yield f"postgresql+psycopg://127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage and API test runs against SQLite and against PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'passport.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """A real uvicorn server on a loopback port, in a thread of the test process."""

    url: str
    settings: Settings
    server: uvicorn.Server
    thread: threading.Thread
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def deployment(self) -> Any:
        """The deployment the app serves (for looking into its database)."""
        app: Any = self.server.config.app  # the FastAPI app create_app made; uvicorn types it loosely
        return app.state.deployment

    def token(self, role: str, *, org: str | None = None, audience: str | None = None) -> str:
        """A new bearer token for a principal of this server's organisation (or ``org``)."""
        deployment = self.deployment
        with transaction(deployment.engine) as session:
            token, _ = create_principal(session, org=org or deployment.identity.org_id, role=role, audience=audience)
        return token

    def trust(self, org: str, name: str = "A peer") -> SigningKey:
        """Trust another organisation (a key made here stands for its deployment); its key, to sign as it."""
        key = SigningKey.generate()
        kind = {"prison": "prison", "la": "local_authority", "health": "health", "probation": "probation"}
        peer = Peer(org, name, kind[org.split(":")[0]], "http://127.0.0.1:9", (key.public,), {})
        with transaction(self.deployment.engine) as session:
            save_peer(session, peer, identity=self.deployment.identity)
        return key

    def client(self, token: str | None = None) -> httpx.Client:
        """An HTTP client for this server, with a bearer token if given."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = httpx.Client(base_url=self.url, headers=headers, timeout=30)
        self.clients.append(client)
        return client

    def signed_in(self, role: str = "care_staff") -> httpx.Client:
        """A client signed in to the staff pages with a new token of ``role`` (its session cookie kept)."""
        client = self.client()
        form = client.get("/staff/sign-in").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf is not None
        response = client.post("/staff/sign-in", data={"token": self.token(role), "csrf": csrf[1], "next": "/staff"})
        assert response.status_code == 303, response.text
        return client

    def stop(self) -> None:
        """Stop serving and release the database."""
        for client in self.clients:
            client.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.deployment.engine.dispose()


Person = tuple[str, list[str], str]
"""Who a test passport is for: family name, given names, prison number."""


def create_people(server: LiveServer, people: list[Person], identity: Identity | None = None) -> None:
    """Passports for ``people`` (family name, given names, prison number) made through the domain in one
    transaction, held by the server's organisation (or by ``identity``'s, in the same database)."""
    identity = identity or server.deployment.identity
    staff = Principal("tests", identity.org_id, "care_staff")
    with transaction(server.deployment.engine) as session:
        for family, given, noms in people:
            content = reference_passport()
            content["subject"] |= {"family_name": family, "given_names": given, "preferred_name": None}
            content["subject"]["identifiers"] = [{"system": "noms", "value": noms}]
            create_passport(
                session, identity=identity, principal=staff, content=parse_content(content), now=int(time.time())
            )


def start_server(
    home: Path,
    database_url: str,
    info: IssuerInfo = WYMOTT,
    *,
    trusted_proxies: tuple[str, ...] = (),
    delivery_seconds: float = 0,
    person_idle: timedelta = PERSON_IDLE,
) -> LiveServer:
    """Create an identity in ``home`` and serve it on a free loopback port (sending release notices on a schedule
    only when ``delivery_seconds`` says how often: the tests send them when they choose)."""
    port = free_port()
    info = IssuerInfo(info.org_id, info.name, info.kind, f"http://127.0.0.1:{port}")
    init_identity(home, info, now=int(time.time()))
    settings = Settings(
        home=home,
        database_url=database_url,
        trusted_proxies=trusted_proxies,
        person_idle=person_idle,
        delivery_seconds=delivery_seconds,
    )
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, **SERVER_OPTIONS)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    return LiveServer(f"http://127.0.0.1:{port}", settings, server, thread)


@pytest.fixture
def live_server(tmp_path: Path, database_url: str) -> Iterator[LiveServer]:
    """A real server for HMP Wymott, on SQLite or PostgreSQL."""
    server = start_server(tmp_path / "wymott", database_url)
    yield server
    server.stop()


SCREENSHOTS = Path(__file__).parents[1] / "test-artifacts" / "screenshots"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start each run with no screenshots from an earlier one (once, in the controlling process)."""
    if not hasattr(session.config, "workerinput"):
        shutil.rmtree(SCREENSHOTS, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Name the page screenshots the browser tests saved, so a reviewer of a CI run can find them."""
    shots = sorted(SCREENSHOTS.glob("*.png")) if SCREENSHOTS.is_dir() else []
    if shots:
        terminalreporter.write_sep("-", f"{len(shots)} page screenshots in test-artifacts/screenshots")
        for shot in shots:
            terminalreporter.write_line(f"  {shot.name}")
