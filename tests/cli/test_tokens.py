"""Tokens end: `passport token list` and `revoke`, expiry, and page sessions that end with their token."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, update
from sqlmodel import col, select

from passport.services.storage import AuditRow, PrincipalRow, WebSessionRow, reading, transaction, utcnow
from tests.cli.command import one_line_error, passport
from tests.conftest import LiveServer


def _cli(server: LiveServer, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI run against the live server's own home and database, as its administrator would."""
    return passport(*args, "--database-url", server.settings.database_url, home=server.settings.home)


def _signed_in(server: LiveServer, token: str) -> httpx.Client:
    client = server.client()
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/staff/sign-in").text)
    assert csrf is not None
    response = client.post("/staff/sign-in", data={"token": token, "csrf": csrf[1], "next": "/staff"})
    assert response.status_code == 303, response.text
    return client


def _counts(server: LiveServer) -> tuple[int, int, int]:
    """Principals, revoked principals and audit rows: what a refused command must leave as it was."""
    with reading(server.deployment.engine) as session:
        principals = session.exec(select(func.count()).select_from(PrincipalRow)).one()
        revoked = session.exec(
            select(func.count()).select_from(PrincipalRow).where(col(PrincipalRow.revoked_at).is_not(None))
        ).one()
        audits = session.exec(select(func.count()).select_from(AuditRow)).one()
    return principals, revoked, audits


def test_tokens_are_listed_without_the_token_and_show_their_use(live_server: LiveServer) -> None:
    """One line each: id first, then name, role, organisation, audience, created, expires, last used."""
    made = _cli(
        live_server, "token", "create", "--role", "reception", "--name", "Reception desk 2", "--expires-in", "2w"
    )
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert re.fullmatch(r"token \S+ expires \d{4}-\d\d-\d\dT\d\d:\d\dZ\n", made.stderr)
    authority = _cli(live_server, "token", "create", "--role", "authority", "--audience", "local_authority")
    assert authority.returncode == 0, authority.stderr
    listed = _cli(live_server, "token", "list")
    assert listed.returncode == 0, listed.stderr
    assert token not in listed.stdout and authority.stdout.strip() not in listed.stdout
    lines = [line.split("\t") for line in listed.stdout.splitlines()]
    desk = next(line for line in lines if line[1] == "Reception desk 2")
    assert desk[0] == made.stderr.split()[1]
    assert desk[2:5] == ["reception", "prison:WYI", "-"] and desk[7] == "never"
    created, expires = (utcnow().strptime(v, "%Y-%m-%dT%H:%MZ") for v in desk[5:7])
    assert expires - created == timedelta(weeks=2)
    system = next(line for line in lines if line[2] == "authority")
    assert system[4] == "local_authority"
    assert live_server.client(token).get("/v1/passports/00000000-0000-4000-8000-000000000000").status_code == 404
    used = next(line for line in _cli(live_server, "token", "list").stdout.splitlines() if "Reception desk 2" in line)
    assert used.split("\t")[7] != "never"


def test_a_revoked_token_stops_at_once_on_the_api_and_the_pages(live_server: LiveServer) -> None:
    """Revoked: the API refuses it, and the page session it opened ends on its very next request."""
    made = _cli(live_server, "token", "create", "--role", "care_staff", "--name", "Leaver")
    token, token_id = made.stdout.strip(), made.stderr.split()[1]
    api, pages = live_server.client(token), _signed_in(live_server, token)
    assert api.get("/v1/passports/00000000-0000-4000-8000-000000000000").status_code == 404
    assert pages.get("/staff").status_code == 200
    revoked = _cli(live_server, "token", "revoke", token_id)
    assert revoked.returncode == 0 and revoked.stdout.strip() == f"revoked {token_id}"
    refused = api.get("/v1/passports/00000000-0000-4000-8000-000000000000")
    assert refused.status_code == 401 and refused.json()["code"] == "not_authenticated"
    ended = pages.get("/staff", follow_redirects=False)
    assert ended.status_code == 303 and ended.headers["location"].startswith("/staff/sign-in")
    assert token_id not in _cli(live_server, "token", "list").stdout
    one_line_error(_cli(live_server, "token", "revoke", token_id), "already_exists")
    with reading(live_server.deployment.engine) as session:
        assert session.exec(select(WebSessionRow).where(WebSessionRow.principal_id == token_id)).first() is None
        row = session.exec(select(AuditRow).where(AuditRow.action == "token_revoke")).one()  # once, not twice
        assert token_id in (row.detail or "")


def test_an_expired_token_is_refused_and_ends_its_sessions(live_server: LiveServer) -> None:
    """The day a token expires, it stops: for the API and for the pages it is signed in to."""
    made = _cli(live_server, "token", "create", "--role", "care_staff", "--expires-in", "1h")
    token, token_id = made.stdout.strip(), made.stderr.split()[1]
    pages = _signed_in(live_server, token)
    assert pages.get("/staff").status_code == 200
    with transaction(live_server.deployment.engine) as session:  # an hour passes
        session.execute(
            update(PrincipalRow).where(col(PrincipalRow.id) == token_id).values(expires_at=utcnow() - timedelta(1))
        )
    assert live_server.client(token).get("/v1/passports/x").status_code == 401
    assert pages.get("/staff", follow_redirects=False).status_code == 303
    line = next(line for line in _cli(live_server, "token", "list").stdout.splitlines() if line.startswith(token_id))
    assert line.split("\t")[6].startswith("expired ")
    again = live_server.client()
    csrf = re.search(r'name="csrf" value="([^"]+)"', again.get("/staff/sign-in").text)
    assert csrf is not None
    assert again.post("/staff/sign-in", data={"token": token, "csrf": csrf[1]}).status_code == 401


def test_bad_token_commands_change_nothing(live_server: LiveServer) -> None:
    """An unknown id, a lifetime that is not one, or one past two years: one line, exit 1, nothing stored."""
    before = _counts(live_server)
    one_line_error(_cli(live_server, "token", "revoke", "no-such-token"), "not_found")
    for lifetime in ("forever", "0d", "731d", "-5d", "1y"):
        made = _cli(live_server, "token", "create", "--role", "care_staff", "--expires-in", lifetime)
        one_line_error(made, "invalid_request")
        assert made.stdout == ""
    # A name that would forge a line of `token list`, or send escapes to the administrator's terminal.
    forged = "evil\nffffffff-0000-4000-8000-000000000000\tAdmin\tadmin\tprison:WYI\t-\t2025-01-01T00:00Z"
    for name in (forged, "tab\there", "\x1b[31mred\x1b[0m"):
        one_line_error(_cli(live_server, "token", "create", "--role", "care_staff", "--name", name), "invalid_request")
    assert _counts(live_server) == before


def test_staff_tokens_expire_by_default(tmp_path: Path) -> None:
    """Without --expires-in a staff token lives 90 days; an authority's system's, a year."""
    home = tmp_path / "h"
    assert (
        passport("init", "--org-id", "prison:WYI", "--name", "HMP Wymott", "--kind", "prison", home=home).returncode
        == 0
    )
    staff = passport("token", "create", "--role", "care_staff", home=home)
    system = passport("token", "create", "--role", "authority", "--audience", "health", home=home)
    lines = {line.split("\t")[2]: line.split("\t") for line in passport("token", "list", home=home).stdout.splitlines()}
    for role, days in (("care_staff", 90), ("authority", 365)):
        created, expires = (utcnow().strptime(v, "%Y-%m-%dT%H:%MZ") for v in lines[role][5:7])
        assert expires - created == timedelta(days=days)
    assert staff.returncode == system.returncode == 0
