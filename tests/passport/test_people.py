"""The person's own passport, in the domain: sign-in codes, their own record only, consent, corrections, words."""

from __future__ import annotations

import hashlib
import hmac
import shutil
import sqlite3
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from passport.core.identity import init_identity
from passport.services.deployment import Deployment
from passport.services.drafts import keep_draft, own_draft
from passport.services.people import (
    change_own_consent,
    issue_sign_in_code,
    open_corrections,
    own_audit,
    own_passport,
    redeem_sign_in_code,
    request_correction,
)
from passport.services.plain_words import describe_all
from passport.services.principals import Principal
from passport.services.records import create_passport
from passport.services.storage import PassportRow, SignInCodeRow, transaction
from passport.services.web_sessions import close_session, find_session, open_session
from schemas import parse_content
from schemas.errors import AccessDenied, InvalidContent, InvalidRequest, NotAuthenticated
from tests.conftest import WYMOTT, another_person

ORG = "prison:WYI"
STAFF = Principal("staff-1", ORG, "care_staff")


def _passport(deployment: Deployment, reference: dict[str, Any]) -> str:
    """A passport for the person in ``reference``, or, if one is held already, for another person."""
    with transaction(deployment.engine) as session:
        held = len(session.exec(select(PassportRow.pid)).all())
        stored = create_passport(
            session,
            identity=deployment.identity,
            principal=STAFF,
            content=parse_content(another_person(reference, held) if held else reference),
            now=int(time.time()),
        )
    return stored.pid


def _sign_in(deployment: Deployment, pid: str) -> Principal:
    with transaction(deployment.engine) as session:
        code = issue_sign_in_code(session, principal=STAFF, pid=pid)
    with transaction(deployment.engine) as session:
        return redeem_sign_in_code(session, code=f"{code[:4]} {code[4:]}", org=ORG)


def test_a_code_signs_in_until_sign_out_and_only_to_its_own_passport(
    deployment: Deployment, reference: dict[str, Any]
) -> None:
    """The person reads their own passport. A session that ends by itself leaves the code working (signing in again
    ends the page it opened before); signing out spends it; a wrong or expired code is refused."""
    mine, other = _passport(deployment, reference), _passport(deployment, reference)
    with transaction(deployment.engine) as session:
        code = issue_sign_in_code(session, principal=STAFF, pid=mine)
    with transaction(deployment.engine) as session:
        person = redeem_sign_in_code(session, code=code, org=ORG)
    assert (person.role, person.person_pid) == ("person", mine)
    first, _ = open_session(deployment.engine, person)
    with transaction(deployment.engine) as session:
        again = redeem_sign_in_code(session, code=code, org=ORG)
    assert again.person_pid == mine and again.id != person.id
    assert find_session(deployment.engine, first) is None  # one code opens one page at a time
    second, _ = open_session(deployment.engine, again)
    close_session(deployment.engine, second)
    for wrong in (code, "12345678", "abc", ""):
        with pytest.raises(NotAuthenticated), transaction(deployment.engine) as session:
            redeem_sign_in_code(session, code=wrong, org=ORG)
    with transaction(deployment.engine) as session:
        expired = issue_sign_in_code(session, principal=STAFF, pid=other)
        for row in session.exec(select(SignInCodeRow)).all():
            row.expires_at = row.created_at - timedelta(seconds=1)
            session.add(row)
    with pytest.raises(NotAuthenticated), transaction(deployment.engine) as session:
        redeem_sign_in_code(session, code=expired, org=ORG)
    with transaction(deployment.engine) as session:
        assert own_passport(session, person=person).pid == mine


def test_reception_cannot_print_codes_and_staff_cannot_use_person_functions(
    deployment: Deployment, reference: dict[str, Any]
) -> None:
    """Only care staff and admins print codes; the person's functions refuse anyone but a person."""
    pid = _passport(deployment, reference)
    with pytest.raises(AccessDenied), transaction(deployment.engine) as session:
        issue_sign_in_code(session, principal=Principal("r", ORG, "reception"), pid=pid)
    with pytest.raises(AccessDenied), transaction(deployment.engine) as session:
        own_passport(session, person=STAFF)


def test_the_person_withdraws_and_gives_back_consent(deployment: Deployment, reference: dict[str, Any]) -> None:
    """Stopping councils seeing services is a withdrawal in a new version; allowing it again folds it in."""
    pid = _passport(deployment, reference)
    person = _sign_in(deployment, pid)
    now = int(time.time())
    with transaction(deployment.engine) as session:
        stored = change_own_consent(
            session,
            identity=deployment.identity,
            person=person,
            audience="local_authority",
            section="services",
            allow=False,
            now=now,
        )
    content = parse_content(stored.content)
    assert stored.ver == 2 and "services" not in content.consent.permitted_sections("local_authority")
    assert content.consent.withdrawals[-1].recorded_by.role == "person"
    with transaction(deployment.engine) as session:
        again = change_own_consent(
            session,
            identity=deployment.identity,
            person=person,
            audience="local_authority",
            section="services",
            allow=True,
            now=now,
        )
    restored = parse_content(again.content)
    assert "services" in restored.consent.permitted_sections("local_authority")
    assert restored.consent.how == "self_service" and restored.consent.withdrawals == ()
    with pytest.raises(InvalidRequest), transaction(deployment.engine) as session:
        change_own_consent(
            session,
            identity=deployment.identity,
            person=person,
            audience="health",
            section="consent",
            allow=True,
            now=now,
        )
    with Session(deployment.engine) as session:
        events = describe_all(own_audit(session, person=person), {ORG: "HMP Wymott"})
    assert [e.sentence for e in events[:2]] == ["You changed who can see your passport."] * 2
    assert events[-1].sentence == "HMP Wymott care staff made your passport."


def test_a_correction_request_reaches_care_staff(deployment: Deployment, reference: dict[str, Any]) -> None:
    """What the person says is wrong shows in care staff's list for that passport."""
    pid = _passport(deployment, reference)
    person = _sign_in(deployment, pid)
    with transaction(deployment.engine) as session:
        request_correction(session, person=person, text="I do not use a wheelchair any more.", section="needs")
    with Session(deployment.engine) as session:
        found = open_corrections(session, principal=STAFF, pid=pid)
    assert [(c.section, c.text) for c in found] == [("needs", "I do not use a wheelchair any more.")]
    for bad in ("   ", "abc\x00def", "x" * 2001):
        with pytest.raises(InvalidContent), transaction(deployment.engine) as session:
            request_correction(session, person=person, text=bad)


def test_a_new_code_replaces_one_not_yet_used(deployment: Deployment, reference: dict[str, Any]) -> None:
    """Only the newest printed paper works: an older code stops working when a new one is printed."""
    pid = _passport(deployment, reference)
    with transaction(deployment.engine) as session:
        older = issue_sign_in_code(session, principal=STAFF, pid=pid)
    with transaction(deployment.engine) as session:
        newer = issue_sign_in_code(session, principal=STAFF, pid=pid)
    with pytest.raises(NotAuthenticated), transaction(deployment.engine) as session:
        redeem_sign_in_code(session, code=older, org=ORG)
    with transaction(deployment.engine) as session:
        assert redeem_sign_in_code(session, code=newer, org=ORG).person_pid == pid


def test_a_copy_of_the_database_gives_no_working_code(tmp_path: Path, reference: dict[str, Any]) -> None:
    """The files copied while a code is outstanding: the stored hash is HMAC-SHA256 with the home's code key, the
    plain SHA-256 of the code is nowhere in them, and hashing every candidate code without the key finds nothing.
    The code still works, once, on the service itself."""
    home = tmp_path / "home"
    init_identity(home, WYMOTT, now=int(time.time()))
    deployment = Deployment.open(home=home, database_url=f"sqlite:///{home / 'passport.db'}")
    pid = _passport(deployment, reference)
    with transaction(deployment.engine) as session:
        code = issue_sign_in_code(session, principal=STAFF, pid=pid)
    copy = _copy_of_the_database(home, tmp_path / "stolen")
    with sqlite3.connect(copy) as stolen:
        stored = {code_hash for (code_hash,) in stolen.execute("SELECT code_hash FROM sign_in_code")}
    keyed = hmac.new(deployment.local_keys.code_key, b"sign-in code\x00" + code.encode(), hashlib.sha256).hexdigest()
    assert stored == {keyed}
    assert hashlib.sha256(code.encode()).hexdigest().encode() not in copy.read_bytes()
    start = max(0, int(code) - 5_000)
    candidates = [f"{n:010d}" for n in range(start, start + 10_000)]  # the real code among them
    assert code in candidates
    assert not stored & {hashlib.sha256(c.encode()).hexdigest() for c in candidates}
    with transaction(deployment.engine) as session:
        assert redeem_sign_in_code(session, code=code, org=ORG).person_pid == pid
    deployment.engine.dispose()


def _copy_of_the_database(home: Path, where: Path) -> Path:
    """The SQLite files as someone who can read them would copy them, opened as one database."""
    where.mkdir()
    for name in ("passport.db", "passport.db-wal"):
        if (home / name).exists():
            shutil.copyfile(home / name, where / name)
    with sqlite3.connect(where / "passport.db") as copy:
        copy.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return where / "passport.db"


def test_a_new_code_stops_one_in_use(deployment: Deployment, reference: dict[str, Any]) -> None:
    """A code whose session ended by itself still works, until staff print a new one."""
    pid = _passport(deployment, reference)
    with transaction(deployment.engine) as session:
        older = issue_sign_in_code(session, principal=STAFF, pid=pid)
    with transaction(deployment.engine) as session:
        redeem_sign_in_code(session, code=older, org=ORG)
    with transaction(deployment.engine) as session:
        issue_sign_in_code(session, principal=STAFF, pid=pid)
    with pytest.raises(NotAuthenticated), transaction(deployment.engine) as session:
        redeem_sign_in_code(session, code=older, org=ORG)


def test_a_draft_is_kept_for_the_person_alone_until_it_is_sent(
    deployment: Deployment, reference: dict[str, Any]
) -> None:
    """What the person was writing is kept for them (not for anyone else), an empty box forgets it, sending it
    forgets it, and a part that is not one of the passport's is not kept as a part."""
    arthur, grace = _passport(deployment, reference), _passport(deployment, reference)
    person, other = _sign_in(deployment, arthur), _sign_in(deployment, grace)
    with transaction(deployment.engine) as session:
        keep_draft(session, person=person, text="My hearing aids are", section="equipment")
    with transaction(deployment.engine) as session:
        draft = own_draft(session, person=person)
        assert draft is not None and (draft.section, draft.text) == ("equipment", "My hearing aids are")
        assert own_draft(session, person=other) is None
        keep_draft(session, person=person, text="  ", section="equipment")
        assert own_draft(session, person=person) is None
        keep_draft(session, person=person, text="Not a part", section="the moon")
        kept = own_draft(session, person=person)
        assert kept is not None and kept.section is None
        request_correction(session, person=person, text="My hearing aids are in my cell.")
        assert own_draft(session, person=person) is None
