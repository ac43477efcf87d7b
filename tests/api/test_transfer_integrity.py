"""A transferred record arrives whole, or not at all: the attacks of the integrity review, performed against two
real servers (HMP Wymott and HMP Risley), each refused with its own code and leaving Risley's database unchanged.

Also the normal case the review found broken: a card printed before later versions (and before the handover)
still imports the whole current record, and says that the record moved on.
"""

from __future__ import annotations

import copy
import html
import time
from dataclasses import replace
from typing import Any

import pytest

from crypto import SdJwt, SigningKey, b64url_decode, b64url_encode
from passport.core.card import Card, issue_card
from passport.core.qr import decode_image
from schemas import parse_content
from tests.api.twoprisons import counts, fetch, handed_over, trust
from tests.conftest import LiveServer
from tests.passport.histories import backdated_history, without

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
Pair = tuple[LiveServer, LiveServer]


def high_s(token: str) -> str:
    """The same signature re-encoded as (r, n - s): it still verifies over the same bytes (ECDSA malleability)."""
    head, _, rest = token.partition("~")
    signing_input, _, signature = head.rpartition(".")
    raw = b64url_decode(signature)
    s = P256_ORDER - int.from_bytes(raw[32:], "big")
    jwt = f"{signing_input}.{b64url_encode(raw[:32] + s.to_bytes(32, 'big'))}"
    return f"{jwt}~{rest}" if rest or token.endswith("~") else jwt


def stray_bits(token: str) -> str:
    """The same signature bytes with the unused low bits of the last base64url character set."""
    head, _, rest = token.partition("~")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(head[-1])
    jwt = head[:-1] + alphabet[last | 0b11]  # 64 bytes = 86 characters: the last one carries 4 unused bits
    assert jwt != head and b64url_decode(jwt.rpartition(".")[2]) == b64url_decode(head.rpartition(".")[2])
    return f"{jwt}~{rest}" if rest or token.endswith("~") else jwt


def history_of(server: LiveServer, pid: str) -> list[str]:
    staff = server.client(server.token("care_staff"))
    answer = staff.get(f"/v1/passports/{pid}/versions")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["sd_jwts"])


def refused(server: LiveServer, body: dict[str, Any], code: str, status: int = 422) -> None:
    response = server.client(server.token("reception")).post("/v1/imports", json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code, response.text


def test_a_card_printed_before_two_amendments_and_the_handover_imports_the_whole_record(
    pair: Pair, reference: dict[str, Any]
) -> None:
    """The normal case: the card is printed weeks before the move; the record moves on; the card still imports."""
    wymott, risley = pair
    staff = wymott.client(wymott.token("care_staff"))
    created = staff.post("/v1/passports", json=reference).json()
    pid = created["pid"]
    early_card = staff.get(f"/v1/passports/{pid}/card", params={"format": "jws"}).text
    for ver in (1, 2):
        amended = staff.put(f"/v1/passports/{pid}", json=reference, headers={"If-Match": f'W/"{ver}"'})
        assert amended.status_code == 200, amended.text
    handover = {"to": "prison:RSY", "reason": "transfer", "date": "2026-12-01"}
    assert staff.post(f"/v1/passports/{pid}/handover", json=handover).status_code == 201
    imported = risley.client(risley.token("reception")).post("/v1/imports", json={"card": early_card})
    assert imported.status_code == 200, imported.text
    body = imported.json()
    assert (body["ver"], body["card_ver"], body["moved_on"], body["new_versions"]) == (4, 1, True, 4)
    assert counts(risley) == (1, 4)


def test_a_card_for_a_version_the_history_does_not_contain_imports_nothing(
    pair: Pair, reference: dict[str, Any]
) -> None:
    """A card from another passport's chain (same pid, a digest the chain does not hold) is refused."""
    wymott, risley = pair
    v2 = handed_over(wymott, reference)
    key = wymott.deployment.identity.keyring.active
    card = issue_card(
        key=key,
        issuer="prison:WYI",
        pid=v2["pid"],
        ver=1,
        digest=b64url_encode(b"\x01" * 32),
        content=parse_content(reference),
        now=int(time.time()),
    )
    refused(risley, {"card": card}, "card_mismatch")
    assert counts(risley) == (0, 0)


@pytest.mark.parametrize("cut", [{"item": "e1"}, {"section": "equipment"}, {"section": "needs"}])
def test_a_cut_down_custody_copy_is_refused_and_the_genuine_one_then_imports(
    pair: Pair, reference: dict[str, Any], cut: dict[str, str]
) -> None:
    """Disclosures removed from the newest (or an older) version: record_incomplete, nothing stored; the whole
    record then imports as if nothing had happened."""
    wymott, risley = pair
    v2 = handed_over(wymott, reference)
    history = history_of(wymott, v2["pid"])
    refused(risley, {"history": [*history[:-1], without(history[-1], **cut)]}, "record_incomplete")
    refused(risley, {"history": [without(history[0], **cut), *history[1:]]}, "record_incomplete")
    assert counts(risley) == (0, 0)
    genuine = risley.client(risley.token("reception")).post("/v1/imports", json={"history": history})
    assert genuine.status_code == 200 and genuine.json()["new_versions"] == 2
    equipment = risley.client(risley.token("care_staff")).get(f"/v1/passports/{v2['pid']}").json()["content"]
    assert [e["id"] for e in equipment["equipment"]] == [e["id"] for e in reference["equipment"]]


def test_a_view_never_carries_the_list_of_parts(pair: Pair, reference: dict[str, Any]) -> None:
    """The manifest proves a custody copy whole; a view must not reveal how many items it withholds."""
    wymott, _ = pair
    staff = wymott.client(wymott.token("care_staff"))
    pid = staff.post("/v1/passports", json=reference).json()["pid"]
    council = wymott.client(wymott.token("authority", org="la:E08000012", audience="local_authority"))
    view = council.get(f"/v1/passports/{pid}/views/local_authority")
    assert view.status_code == 200, view.text
    names = {d.name for d in SdJwt.parse(view.json()["sd_jwt"]).disclosures}
    assert "manifest" not in names and "subject" in names


# A high-s signature verifies (ECDSA allows both s and n - s) and only our canonical check refuses it; stray low
# bits are refused by the JOSE library's strict decoding already, and by our check were it ever to relax.
@pytest.mark.parametrize(("reencode", "code"), [(high_s, "signature_not_canonical"), (stray_bits, "signature_invalid")])
def test_a_re_encoded_signature_is_not_a_second_version(
    pair: Pair, reference: dict[str, Any], reencode: Any, code: str
) -> None:
    """(r, n - s) or stray low bits over the same bytes would give another digest: refused on the history path
    and on the card path, nothing stored, and the genuine transfer is not blocked by a 'fork'."""
    wymott, risley = pair
    v2 = handed_over(wymott, reference)
    history = history_of(wymott, v2["pid"])
    forged = reencode(history[-1])
    assert SdJwt.parse(forged).issuer_jwt_digest != SdJwt.parse(history[-1]).issuer_jwt_digest
    refused(risley, {"history": [*history[:-1], forged]}, code)
    card = wymott.client(wymott.token("care_staff")).get(f"/v1/passports/{v2['pid']}/card", params={"format": "jws"})
    refused(risley, {"card": card.text, "history": [*history[:-1], forged]}, code)
    refused(risley, {"card": reencode(card.text)}, code)
    assert counts(risley) == (0, 0)
    genuine = risley.client(risley.token("reception")).post("/v1/imports", json={"card": card.text})
    assert genuine.status_code == 200, genuine.text
    assert counts(risley) == (1, 2)


def test_a_passport_too_large_to_hand_over_is_refused_before_it_is_stored(
    live_server: LiveServer, reference: dict[str, Any]
) -> None:
    """A body under the request cap whose SD-JWT would be over the verify cap: 413 content_too_large, nothing
    stored, on create and on amend."""
    big = copy.deepcopy(reference)
    template = big["needs"][0]
    big["needs"] += [{**template, "id": f"big{i}", "summary": "x" * 1999, "how_met": "y" * 1999} for i in range(450)]
    staff = live_server.client(live_server.token("care_staff"))
    created = staff.post("/v1/passports", json=big)
    assert created.status_code == 413, created.text
    assert created.json()["code"] == "content_too_large"
    assert counts(live_server) == (0, 0)
    pid = staff.post("/v1/passports", json=reference).json()["pid"]
    amended = staff.put(f"/v1/passports/{pid}", json=big, headers={"If-Match": 'W/"1"'})
    assert amended.status_code == 413 and amended.json()["code"] == "content_too_large"
    assert counts(live_server) == (1, 1)


def test_a_history_that_would_outgrow_a_transfer_is_not_amended(
    live_server: LiveServer, reference: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The history cap is checked when a version is added: the passport is never stranded past it."""
    staff = live_server.client(live_server.token("care_staff"))
    created = staff.post("/v1/passports", json=reference).json()
    one = len(history_of(live_server, created["pid"])[0])
    monkeypatch.setattr("passport.core.chain.MAX_HISTORY_CHARS", int(one * 2.5))
    assert (
        staff.put(f"/v1/passports/{created['pid']}", json=reference, headers={"If-Match": 'W/"1"'}).status_code == 200
    )
    third = staff.put(f"/v1/passports/{created['pid']}", json=reference, headers={"If-Match": 'W/"2"'})
    assert third.status_code == 413 and third.json()["code"] == "content_too_large"
    assert counts(live_server) == (1, 2)


def test_a_revoked_key_cannot_sign_a_new_history_whatever_iat_it_claims(pair: Pair, reference: dict[str, Any]) -> None:
    """A stolen key, revoked, backdates a whole history to before its revocation: key_revoked, nothing stored.
    A history whose newest version is signed by a key in good standing vouches for older ones a revoked key signed."""
    wymott, risley = pair
    now, content = int(time.time()), parse_content(reference)
    stolen, current = SigningKey.generate(), SigningKey.generate()
    peer = replace(fetch(wymott), keys=(current.public, stolen.public), revoked={stolen.kid: now - 5})
    trust(risley, peer)
    receiver = risley.deployment.identity.keyring.active
    forged = backdated_history(
        stolen, pid="6f1c2b8e-3d4a-4b5c-8d6e-7f8091a2b3c4", content=content, iat=now - 86_400, receiver=receiver
    )
    refused(risley, {"history": forged}, "key_revoked")
    assert counts(risley) == (0, 0)
    vouched = backdated_history(
        stolen,
        pid="7a2d3c9f-4e5b-4c6d-9e7f-8091a2b3c4d5",
        content=content,
        iat=now - 86_400,
        receiver=receiver,
        later=current,
    )
    accepted = risley.client(risley.token("reception")).post("/v1/imports", json={"history": vouched})
    assert accepted.status_code == 200, accepted.text
    assert counts(risley) == (1, 2)


@pytest.mark.parametrize("iat", [10**12, 2**53, 1_000_000_000])
def test_a_version_dated_far_away_gets_a_clear_code(pair: Pair, reference: dict[str, Any], iat: int) -> None:
    """iat far in the future or before any passport existed: issue_time_invalid on verify and import, never a 500."""
    wymott, risley = pair
    key = wymott.deployment.identity.keyring.active
    receiver = risley.deployment.identity.keyring.active
    history = backdated_history(
        key, pid="8b3e4d0a-5f6c-4d7e-8f80-91a2b3c4d5e6", content=parse_content(reference), iat=iat, receiver=receiver
    )
    refused(risley, {"history": history}, "issue_time_invalid")
    verified = risley.client(risley.token("reception")).post("/v1/verify", json={"sd_jwt": history[0]})
    assert verified.status_code == 422 and verified.json()["code"] == "issue_time_invalid"
    assert counts(risley) == (0, 0)


NAMES = [
    ("\u0631\u0636\u0627\u06cc\u06cc\u200c\u0646\u0698\u0627\u062f", ["\u200f\u0645\u0631\u06cc\u0645"]),  # ZWNJ, RLM
    ("Ma\u00adrie-Claire", ["Anne"]),  # a soft hyphen
    ("\u05db\u05d4\u05df\u200e", ["\u05e9\u05e8\u05d4"]),  # Hebrew with a left-to-right mark
]


@pytest.mark.parametrize(("family", "given"), NAMES)
def test_real_names_work_on_the_card(
    live_server: LiveServer, reference: dict[str, Any], family: str, given: list[str]
) -> None:
    """Names with joiners, marks and soft hyphens: the card issues, verifies, and decodes from its PNG."""
    content = copy.deepcopy(reference)
    content["subject"] |= {"family_name": family, "given_names": given, "preferred_name": None}
    staff = live_server.client(live_server.token("care_staff"))
    created = staff.post("/v1/passports", json=content)
    assert created.status_code == 201, created.text
    pid = created.json()["pid"]
    png = staff.get(f"/v1/passports/{pid}/card", params={"format": "png"})
    assert png.status_code == 200, png.text
    card = Card.from_scan(decode_image(png.content), trust=live_server.deployment.trust_store(), now=int(time.time()))
    assert card.name == f"{given[0]} {family}"
    verified = staff.post("/v1/verify", json={"card": card.serialize()})
    assert verified.status_code == 200, verified.text
    web = live_server.signed_in()
    for page in (f"/staff/passports/{pid}", f"/staff/passports/{pid}/print", f"/staff/passports/{pid}/card/print"):
        shown = web.get(page)
        assert shown.status_code == 200, (page, shown.text)
        assert html.escape(family) in shown.text and html.escape(given[0]) in shown.text, page
