"""Page sessions over plain HTTP: a new sign-in ends the old session, auditors have no pages, metrics stay bounded,
the person's idle time is a setting and their "still here" keeps only their own session."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from api.settings import parse_person_idle
from schemas.errors import ConfigurationError
from tests.conftest import LiveServer


def _sign_in(server: LiveServer, client: httpx.Client, role: str) -> httpx.Response:
    form = client.get("/staff/sign-in").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf is not None
    return client.post("/staff/sign-in", data={"token": server.token(role), "csrf": csrf[1], "next": "/staff"})


def test_signing_in_again_ends_the_session_the_browser_had(live_server: LiveServer) -> None:
    """The old session id stops working the moment a new one is issued (no session lingers for 12 hours)."""
    client = live_server.client()
    assert _sign_in(live_server, client, "care_staff").status_code == 303
    old = client.cookies["cp_session"]
    assert _sign_in(live_server, client, "care_staff").status_code == 303
    assert client.cookies["cp_session"] != old
    replay = httpx.get(f"{live_server.url}/staff", cookies={"cp_session": old}, follow_redirects=False)
    assert replay.status_code == 303 and "/staff/sign-in" in replay.headers["location"]
    assert client.get("/staff").status_code == 200


def test_an_auditor_has_no_pages(live_server: LiveServer) -> None:
    """Auditors use the audit API; the staff sign-in refuses their token plainly."""
    response = _sign_in(live_server, live_server.client(), "auditor")
    assert response.status_code == 401 and "That access token is not right" in response.text


def test_made_up_methods_do_not_grow_the_metrics(live_server: LiveServer) -> None:
    """Each unknown method would be a new series: they all count as "other"."""
    for method in ("FOO1", "FOO2"):
        httpx.request(method, f"{live_server.url}/healthz")
    text = httpx.get(f"{live_server.url}/metrics").text
    assert "FOO1" not in text and 'method="other"' in text


def test_failed_sign_ins_are_counted_in_the_database_for_every_worker(database_url: str, tmp_path: Path) -> None:
    """Two engines stand for two worker processes: failures counted by one stop the other too. A target is held
    back after five; its address, shared by a wing, only after many more; the staff form counts on its own."""
    from passport.services.local_keys import LocalKeys, bind
    from passport.services.storage import make_engine
    from passport.services.web_sessions import (
        ADDRESS_FAILURES_ALLOWED,
        TARGET_FAILURES_ALLOWED,
        sign_in_attempt,
        sign_in_succeeded,
    )

    first, second = make_engine(database_url), make_engine(database_url)
    keys = LocalKeys.open(tmp_path / "keys")  # one home, two workers
    bind(first, keys)
    bind(second, keys)
    try:
        engines = [first, second] * TARGET_FAILURES_ALLOWED
        tickets = [sign_in_attempt(e, "person", "10.0.0.7", "1234") for e in engines[:TARGET_FAILURES_ALLOWED]]
        assert None not in tickets
        assert sign_in_attempt(second, "person", "10.0.0.7", "1234") is None  # that person's code is held back
        assert sign_in_attempt(first, "person", "10.0.0.8", "1234") is None  # from any address
        assert sign_in_attempt(first, "person", "10.0.0.7", "5678") is not None  # another person's is not
        assert sign_in_attempt(first, "staff", "10.0.0.7") is not None  # nor the staff form
        ticket = tickets[-1]
        assert ticket is not None
        sign_in_succeeded(first, ticket)  # that one was a success after all
        assert sign_in_attempt(second, "person", "10.0.0.7", "1234") is not None
        # The address itself: a whole wing's mistakes, on codes of many people.
        for n in range(ADDRESS_FAILURES_ALLOWED["person"]):
            sign_in_attempt(first, "person", "10.0.0.9", f"{n:04d}")
        assert sign_in_attempt(second, "person", "10.0.0.9", "9999") is None
        assert sign_in_attempt(second, "staff", "10.0.0.9") is not None
    finally:
        first.dispose()
        second.dispose()


def test_the_persons_idle_time_is_a_setting_with_room_to_answer_the_warning() -> None:
    """PASSPORT_PERSON_IDLE_SECONDS: empty is 10 minutes; whole seconds from 20 (WCAG 2.2 SC 2.2.1) to a day."""
    assert parse_person_idle("") == timedelta(minutes=10)
    assert parse_person_idle(" 30 ") == timedelta(seconds=30)
    for bad in ("5", "19", "86401", "ten", "1e3", "-30"):
        with pytest.raises(ConfigurationError, match="PASSPORT_PERSON_IDLE_SECONDS"):
            parse_person_idle(bad)


def test_still_here_keeps_only_a_persons_live_session_and_needs_its_token(live_server: LiveServer) -> None:
    """The person's 'still here' answers 204 only with the session's CSRF token; staff, strangers and a wrong token
    get 401, and nothing is kept for them."""
    client = live_server.client()
    assert _sign_in(live_server, client, "care_staff").status_code == 303
    assert client.post("/me/still-here", data={"csrf": "x"}).status_code == 401
    assert httpx.post(f"{live_server.url}/me/still-here", data={"csrf": "x"}).status_code == 401
    ended = httpx.post(f"{live_server.url}/me/timed-out", data={"text": "words"}, follow_redirects=False)
    assert ended.status_code == 303 and ended.headers["location"] == "/me/sign-in"
