"""The staff list in the domain: each passport's entry follows its newest version, requests are counted for the page
shown, and a listing's memory does not grow with the number of passports (10,000 of them, each with a large
version the list must never read)."""

from __future__ import annotations

import json
import time
import tracemalloc
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from passport.core.versions import Version
from passport.services.deployment import Deployment
from passport.services.list_entries import keep_entry, list_entry
from passport.services.listing import PAGE_SIZE, ListingPage, list_passports
from passport.services.local_keys import LocalKeys, bind
from passport.services.people import change_own_consent, own_card_is_stale, request_correction
from passport.services.principals import Principal, create_person_principal
from passport.services.records import amend_passport, create_passport, current_card
from passport.services.storage import ListEntryRow, PassportRow, VersionRow, make_engine, transaction, utcnow
from schemas import Subject, parse_content
from tests.conftest import another_person, reference_passport

ORG = "prison:WYI"
STAFF = Principal("staff-1", ORG, "care_staff")
RECEPTION = Principal("reception-1", ORG, "reception")


def _listing(engine: Engine, principal: Principal = STAFF, **asked: Any) -> ListingPage:
    with transaction(engine) as session:
        return list_passports(session, principal=principal, **asked)


def test_the_entry_follows_the_newest_version_and_never_goes_back(deployment: Deployment) -> None:
    """An amended name is listed and searched at once; storing an older version (as an import may) changes nothing."""
    reference = reference_passport()
    with transaction(deployment.engine) as session:
        first = create_passport(
            session,
            identity=deployment.identity,
            principal=STAFF,
            content=parse_content(reference),
            now=int(time.time()),
        )
    reference["subject"]["family_name"] = "Whitman"
    with transaction(deployment.engine) as session:
        amend_passport(
            session,
            identity=deployment.identity,
            principal=STAFF,
            pid=first.pid,
            expected_ver=1,
            content=parse_content(reference),
            now=int(time.time()),
        )
    version_1 = Version.verify(first.sd_jwt, trust=deployment.identity.keyring.trust_store(ORG), now=int(time.time()))
    with transaction(deployment.engine) as session:
        keep_entry(session, version_1)
    listed = _listing(deployment.engine).entries
    assert [(e.name, e.noms, e.ver, e.custodian) for e in listed] == [("Whitman, Arthur James", "A4821KD", 2, ORG)]
    assert _listing(deployment.engine, query="whitfield").found == 0
    assert _listing(deployment.engine, query="WHITMAN arthur").found == 1


def test_requests_are_counted_for_the_page_and_only_for_care_staff(deployment: Deployment) -> None:
    """Two passports, one with two requests waiting; reception lists the same passports without the counts."""
    pids = []
    for number, family in enumerate(("Adams", "Brown")):
        content = another_person(reference_passport(), number)
        content["subject"]["family_name"] = family
        with transaction(deployment.engine) as session:
            stored = create_passport(
                session, identity=deployment.identity, principal=STAFF, content=parse_content(content), now=1
            )
            pids.append(stored.pid)
    with transaction(deployment.engine) as session:
        _, person = create_person_principal(session, org=ORG, pid=pids[1])
        for text in ("The pager went back.", "I moved cell."):
            request_correction(session, person=person, text=text)
    assert [e.requests for e in _listing(deployment.engine).entries] == [0, 2]
    assert [e.requests for e in _listing(deployment.engine, principal=RECEPTION).entries] == [0, 0]


def test_a_card_printed_before_a_change_to_what_it_shows_is_a_thing_to_do(deployment: Deployment) -> None:
    """No card printed: nothing to do. A card printed, then the person stops reception seeing their equipment: print
    a new card (for care staff, and only at the custodian). Printing one clears it; a change the card does not show
    adds nothing."""
    with transaction(deployment.engine) as session:
        stored = create_passport(
            session, identity=deployment.identity, principal=STAFF, content=parse_content(reference_passport()), now=1
        )
    pid, now = stored.pid, int(time.time())
    with transaction(deployment.engine) as session:
        _, person = create_person_principal(session, org=ORG, pid=pid)

    def consent(section: str, allow: bool) -> None:
        with transaction(deployment.engine) as session:
            change_own_consent(
                session,
                identity=deployment.identity,
                person=person,
                audience="reception_card",
                section=section,
                allow=allow,
                now=now,
            )

    def print_card() -> None:
        with transaction(deployment.engine) as session:
            current_card(session, identity=deployment.identity, principal=STAFF, pid=pid, now=now)

    def to_do() -> tuple[bool, bool]:
        with transaction(deployment.engine) as session:
            stale = own_card_is_stale(session, person=person)
        return _listing(deployment.engine).entries[0].new_card, stale

    consent("equipment", False)
    assert to_do() == (False, False)
    consent("equipment", True)
    print_card()
    assert to_do() == (False, False)
    consent("equipment", False)
    assert to_do() == (True, True)
    print_card()
    assert to_do() == (False, False)
    consent("release_plan", False)  # the card shows nothing of the release plan
    assert to_do() == (False, False)


def _fill(engine: Engine, start: int, stop: int) -> None:
    """Passports ``start`` to ``stop`` straight into the tables: each with its list entry, made by the domain's own
    rule, and a version of 6 kB standing for a large one (the old list read every one of them)."""
    subject = Subject.model_validate(reference_passport()["subject"])
    stamp = utcnow()
    passports, entries, versions = [], [], []
    for i in range(start, stop):
        pid = str(uuid.UUID(int=i))
        named = subject.model_copy(update={"family_name": f"Family{i:05d}"})
        passports.append(
            {
                "pid": pid,
                "holder_org": ORG,
                "current_ver": 1,
                "custodian": ORG,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
        entries.append(asdict(list_entry(pid=pid, ver=1, subject=named)))
        content = json.dumps({"subject": {"family_name": named.family_name}, "padding": "x" * 3000})
        versions.append(
            {"pid": pid, "ver": 1, "digest": f"{i:043d}", "prev": None, "issuer": ORG, "custody_next": None}
            | {"issued_at": stamp, "sd_jwt": "x" * 3000, "content_json": content}
        )
    with transaction(engine) as session:
        for table, rows in ((PassportRow, passports), (ListEntryRow, entries), (VersionRow, versions)):
            session.execute(insert(table), rows)


def _peaks(engine: Engine) -> list[int]:
    """The peak memory Python allocates for each of four listings: the first page, a middle one, a search and a
    search that finds nothing."""
    asked: list[dict[str, Any]] = [{}, {"page": 10}, {"query": "family0 arthur", "page": 2}, {"query": "nobody"}]
    _listing(engine, **asked[0])  # warm: SQLAlchemy compiles and caches each statement once
    peaks = []
    for ask in asked:
        tracemalloc.start()
        try:
            _listing(engine, **ask)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    return peaks


def test_memory_stays_flat_from_1000_to_10000_passports(tmp_path: Path) -> None:
    """Ten times the passports (and 60 MB of versions) cost a listing no more memory: each peak stays within a
    quarter of what it was with 1,000, and under 1 MB."""
    engine = make_engine(f"sqlite:///{tmp_path / 'many.db'}")
    bind(engine, LocalKeys.open(tmp_path / "keys"))
    try:
        _fill(engine, 0, 1_000)
        assert _listing(engine).found == 1_000
        small = _peaks(engine)
        _fill(engine, 1_000, 10_000)
        page = _listing(engine, page=200)
        assert page.found == 10_000 and page.pages == 10_000 // PAGE_SIZE and page.first == 9_951
        large = _peaks(engine)
    finally:
        engine.dispose()
    print(f"peak bytes per listing, 1,000 passports: {small}; 10,000 passports: {large}")
    assert all(after < before * 1.25 for before, after in zip(small, large, strict=True)), (small, large)
    assert max(large) < 1_000_000, large


def test_odd_searches_find_what_a_person_would_expect() -> None:
    """A name typed on an Arabic keyboard finds it written on a Persian one (and back); a control character or
    a search of spaces alone is no search at all, never "everything matches"."""
    from passport.services.list_entries import search_words

    assert search_words("علي كريمي") == search_words("علی کریمی")
    assert search_words("\x00") == () and search_words("   ") == ()
    assert search_words("smith\tA1234BC") == ("smith", "a1234bc")
