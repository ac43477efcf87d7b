"""The staff list, a page at a time, on SQLite and PostgreSQL: sorted by name across pages, searched in the database
(case-folded, Persian names too, % and _ only themselves), the searched words never in a URL, and nothing of
another organisation's."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from api.pages.staff.listing import page_links
from passport.core.identity import IssuerInfo, init_identity
from tests.conftest import LiveServer, create_people

MANY = 61  # a page of 50, and 11 on the second


def _names(page: str) -> list[str]:
    return re.findall(r'<td[^>]*><a href="/staff/passports/[^"]+">([^<]+)</a></td>', page)


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
    create_people(live_server, people)
    risley = init_identity(tmp_path / "risley", IssuerInfo("prison:RSY", "HMP Risley", "prison", "http://x"), now=0)
    create_people(live_server, [("Family00", ["Elsewhere"], "A0000ZZ")], identity=risley)
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


def test_page_links_name_the_ends_and_the_pages_near_this_one() -> None:
    """First, last, two either side of the current page, and a gap where pages are left out."""
    assert page_links(1, 1) == [1]
    assert page_links(1, 2) == [1, 2]
    assert page_links(10, 200) == [1, None, 8, 9, 10, 11, 12, None, 200]
    assert page_links(4, 6) == [1, 2, 3, 4, 5, 6]
