"""The staff list, a page at a time, on SQLite and PostgreSQL: sorted by name across pages, searched in the database
(case-folded, Persian names too, % and _ only themselves), the searched words never in a URL, and nothing of
another organisation's."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx

from passport.identity import Identity, IssuerInfo, init_identity
from passport.principals import Principal
from passport.records import create_passport
from passport.storage import transaction
from schemas import parse_content
from tests.conftest import LiveServer, reference_passport

MANY = 61  # a page of 50, and 11 on the second


def _content(family: str, given: list[str], noms: str) -> Any:
    content = reference_passport()
    content["subject"] |= {"family_name": family, "given_names": given, "preferred_name": None}
    content["subject"]["identifiers"] = [{"system": "noms", "value": noms}]
    return parse_content(content)


def _create(server: LiveServer, identity: Identity, people: list[tuple[str, list[str], str]]) -> None:
    """Passports for ``people`` (family name, given names, prison number), held by ``identity``'s organisation."""
    staff = Principal("staff-1", identity.org_id, "care_staff")
    with transaction(server.deployment.engine) as session:
        for family, given, noms in people:
            content = _content(family, given, noms)
            create_passport(session, identity=identity, principal=staff, content=content, now=int(time.time()))


def _names(page: str) -> list[str]:
    return re.findall(r'<td><a href="/staff/passports/[^"]+">([^<]+)</a></td>', page)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found[1]


def _search(client: httpx.Client, csrf: str, q: str, page: int | None = None) -> str:
    data = {"q": q, "csrf": csrf} | ({"page": str(page)} if page else {})
    response = client.post("/staff", data=data)
    assert response.status_code == 200, response.text
    return response.text


def test_the_list_pages_and_searches_in_the_database(live_server: LiveServer, tmp_path: Path) -> None:
    """61 passports: 50 then 11, in name order; a search's second page is posted; a Persian name is found
    however it is joined; another organisation's passport in the same database is never shown or counted."""
    people = [(f"Family{i:02d}", ["Given"], f"A{i:04d}BC") for i in range(MANY - 1)]
    people.append(("نیک‌نام", ["محمد", "رضا"], "A9999ZZ"))  # Persian, with a zero-width non-joiner
    _create(live_server, live_server.deployment.identity, people)
    risley = init_identity(tmp_path / "risley", IssuerInfo("prison:RSY", "HMP Risley", "prison", "http://x"), now=0)
    _create(live_server, risley, [("Family00", ["Elsewhere"], "A0000ZZ")])
    client = live_server.signed_in()

    first = client.get("/staff").text
    assert "Showing 1 to 50 of 61 passports (page 1 of 2)." in first
    assert _names(first) == [f"Family{i:02d}, Given" for i in range(50)]
    assert 'href="/staff?page=2"' in first and "Elsewhere" not in first
    second = client.get("/staff?page=2").text
    assert "Showing 51 to 61 of 61 passports (page 2 of 2)." in second
    assert _names(second) == [*(f"Family{i:02d}, Given" for i in range(50, 60)), "نیک‌نام, محمد رضا"]
    assert _names(client.get("/staff?page=99").text) == _names(second)  # past the end: the last page
    assert _names(client.get("/staff?page=x").text) == _names(first)

    csrf = _csrf(first)
    found = _search(client, csrf, "FAMILY given", page=2)
    assert "60 passports match your search." in found and "Showing 51 to 60 of 60" in found
    assert _names(found) == [f"Family{i:02d}, Given" for i in range(50, 60)]
    assert '<input type="hidden" name="q" value="FAMILY given">' in found and "?page=" not in found
    assert _names(_search(client, csrf, "a0007bc")) == ["Family07, Given"]
    for persian in ("نیک‌نام", "نیکنام", "رضا"):
        assert _names(_search(client, csrf, persian)) == ["نیک‌نام, محمد رضا"], persian
    for wildcard in ("%", "_", "family_0"):
        assert "0 passports match your search." in _search(client, csrf, wildcard), wildcard
    assert "Elsewhere" not in _search(client, csrf, "elsewhere")
