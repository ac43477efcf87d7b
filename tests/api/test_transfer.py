"""Transfer between two real servers in this process: client assertions, the whole record only to the named
custodian, import from a card, and every refusal leaving nothing imported."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import httpx
import pytest

from crypto import SigningKey, sign_compact
from passport.core.card import CARD_TYP, issue_card
from passport.core.qr import qr_text
from passport.services.peer_auth import make_client_assertion
from passport.services.peers import Peer
from schemas import parse_content
from tests.api.twoprisons import counts, fetch, handed_over, trust
from tests.conftest import LiveServer


def test_a_card_imports_the_whole_chain_once_and_the_receiver_continues_it(
    pair: tuple[LiveServer, LiveServer], reference: dict[str, Any]
) -> None:
    """Scan text -> pull with a client assertion -> vd checked -> chain verified -> stored; again: no change."""
    wymott, risley = pair
    v2 = handed_over(wymott, reference)
    staff = wymott.client(wymott.token("care_staff"))
    jws = staff.get(f"/v1/passports/{v2['pid']}/card", params={"format": "jws"}).text
    reception = risley.client(risley.token("reception"))
    imported = reception.post("/v1/imports", json={"card": qr_text(jws) + "\n"})
    assert imported.status_code == 200, imported.text
    assert imported.json() | {"digest": None, "issued_at": None} == {
        "pid": v2["pid"],
        "ver": 2,
        "digest": None,
        "issuers": ["prison:WYI"],
        "new_versions": 2,
        "issued_at": None,
        "card_ver": 2,
        "moved_on": False,
    }
    again = reception.post("/v1/imports", json={"card": qr_text(jws)})
    assert again.status_code == 200 and again.json()["new_versions"] == 0
    assert counts(risley) == (1, 2)
    risley_staff = risley.client(risley.token("care_staff"))
    v3 = risley_staff.put(f"/v1/passports/{v2['pid']}", json=reference, headers={"If-Match": 'W/"2"'})
    assert v3.status_code == 200, v3.text
    assert (v3.json()["issuer"], v3.json()["prev"]) == ("prison:RSY", v2["digest"])
    history = risley_staff.get(f"/v1/passports/{v2['pid']}/versions").json()["sd_jwts"]
    for server in (risley, wymott):
        verified = server.client(server.token("reception")).post("/v1/verify", json={"history": history})
        assert verified.status_code == 200, verified.text
        assert verified.json()["issuers"] == ["prison:WYI", "prison:RSY"] and verified.json()["versions"] == 3


def test_only_the_named_custodian_gets_the_whole_record(
    pair: tuple[LiveServer, LiveServer], reference: dict[str, Any]
) -> None:
    """The release destination (never named as custodian) gets 404 for the record but its consented view;
    after the handover only Risley, which it names, gets the whole history."""
    wymott, risley = pair
    staff = wymott.client(wymott.token("care_staff"))
    pid = staff.post("/v1/passports", json=reference).json()["pid"]
    third_key = SigningKey.generate()
    destination = Peer("la:E08000012", "Bradford", "local_authority", "http://127.0.0.1:9", (third_key.public,), {})
    trust(wymott, destination)
    now = int(time.time())

    def call(key: SigningKey, issuer: str, path: str) -> httpx.Response:
        assertion = make_client_assertion(key=key, issuer=issuer, audience="prison:WYI", now=now)
        return httpx.get(f"{wymott.url}{path}", headers={"Authorization": f"Bearer {assertion}"})

    for path in (f"/v1/passports/{pid}/versions", f"/v1/passports/{pid}"):
        refused = call(third_key, "la:E08000012", path)
        assert refused.status_code == 404 and "Whitfield" not in refused.text
    view = call(third_key, "la:E08000012", f"/v1/passports/{pid}/views/local_authority")
    assert view.status_code == 200, view.text
    assert "consent" not in view.json()["disclosed"]["sections"] and "subject" in view.json()["disclosed"]["sections"]
    staff.post(f"/v1/passports/{pid}/handover", json={"to": "prison:RSY", "reason": "transfer", "date": "2026-12-01"})
    assert call(third_key, "la:E08000012", f"/v1/passports/{pid}/versions").status_code == 404
    risley_key = risley.deployment.identity.keyring.active
    whole = call(risley_key, "prison:RSY", f"/v1/passports/{pid}/versions")
    assert whole.status_code == 200 and len(whole.json()["sd_jwts"]) == 2


def test_bad_client_assertions_are_refused(pair: tuple[LiveServer, LiveServer], reference: dict[str, Any]) -> None:
    """An untrusted key, an expired assertion, one for another audience, and a replayed jti: 401 each."""
    wymott, risley = pair
    pid = handed_over(wymott, reference)["pid"]
    key, now, path = (
        risley.deployment.identity.keyring.active,
        int(time.time()),
        f"{wymott.url}/v1/passports/{pid}/versions",
    )

    def get(assertion: str) -> httpx.Response:
        return httpx.get(path, headers={"Authorization": f"Bearer {assertion}"})

    untrusted = make_client_assertion(key=SigningKey.generate(), issuer="prison:RSY", audience="prison:WYI", now=now)
    expired = make_client_assertion(key=key, issuer="prison:RSY", audience="prison:WYI", now=now - 3600)
    elsewhere = make_client_assertion(key=key, issuer="prison:RSY", audience="prison:LEI", now=now)
    lying = make_client_assertion(key=key, issuer="prison:WYI", audience="prison:WYI", now=now)
    for assertion in (untrusted, expired, elsewhere, lying):
        response = get(assertion)
        assert response.status_code == 401, response.text
        assert response.json()["code"] == "not_authenticated"
    once = make_client_assertion(key=key, issuer="prison:RSY", audience="prison:WYI", now=now)
    assert get(once).status_code == 200
    replayed = get(once)
    assert replayed.status_code == 401 and "replay" in replayed.json()["detail"]


def _flip_one_digit(text: str) -> str:
    """Change one digit of a cp:/ text so that it still spells base64url: a character of the signature."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    position = len(text) - 2 * 40  # the pair of a character in the middle of the signature
    while True:
        pair = int(text[position : position + 2])
        if pair % 10 < 9 and chr(pair + 46) in alphabet:
            return text[: position + 1] + str(pair % 10 + 1) + text[position + 2 :]
        position -= 2


def _bomb(key: SigningKey, now: int) -> str:
    claims = {"iss": "prison:WYI", "iat": now, "exp": now + 60, "nm": "A" * 200_000}
    return sign_compact(key=key, typ=CARD_TYP, claims=claims, deflate=True)


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("expired", "token_expired"),
        ("untrusted", "unknown_key"),
        ("revoked", "key_revoked"),
        ("other-version", "card_mismatch"),
        ("flipped-digit", "signature_invalid"),
        ("zip-bomb", "token_too_large"),
        ("wrong-issuer", "custody_violation"),
    ],
)
def test_bad_cards_import_nothing(
    pair: tuple[LiveServer, LiveServer], reference: dict[str, Any], case: str, code: str
) -> None:
    """Each refusal has its own code, and Risley holds no passport afterwards."""
    wymott, risley = pair
    staff = wymott.client(wymott.token("care_staff"))
    pid = staff.post("/v1/passports", json=reference).json()["pid"]
    v1 = staff.get(f"/v1/passports/{pid}").json()
    v2 = staff.post(
        f"/v1/passports/{pid}/handover", json={"to": "prison:RSY", "reason": "transfer", "date": "2026-12-01"}
    ).json()
    key, now = wymott.deployment.identity.keyring.active, int(time.time())
    content = parse_content(reference)

    def card(
        *, signer: SigningKey = key, issuer: str = "prison:WYI", ver: int = 2, digest: str = v2["digest"], at: int = now
    ) -> str:
        return issue_card(key=signer, issuer=issuer, pid=pid, ver=ver, digest=digest, content=content, now=at)

    body: dict[str, Any]
    if case == "expired":
        body = {"card": card(at=now - 40 * 24 * 3600)}
    elif case == "untrusted":
        body = {"card": card(signer=SigningKey.generate())}
    elif case == "revoked":
        peer = fetch(wymott)
        trust(risley, replace(peer, revoked={key.kid: now - 5}))
        body = {"card": card()}
    elif case == "other-version":
        body = {"card": card(digest=v1["digest"])}
    elif case == "flipped-digit":
        body = {"card": _flip_one_digit(qr_text(card()))}
    elif case == "zip-bomb":
        body = {"card": _bomb(key, now)}
    else:  # a card from Risley of version 1, which only Wymott ever held, with the real history
        history = staff.get(f"/v1/passports/{pid}/versions").json()["sd_jwts"]
        risley_key = risley.deployment.identity.keyring.active
        body = {"card": card(signer=risley_key, issuer="prison:RSY", ver=1, digest=v1["digest"]), "history": history}
    response = risley.client(risley.token("reception")).post("/v1/imports", json=body)
    assert response.status_code in (409, 422), response.text
    assert response.json()["code"] == code
    assert counts(risley) == (0, 0)


def test_after_import_the_receiver_serves_consented_views(
    pair: tuple[LiveServer, LiveServer], reference: dict[str, Any]
) -> None:
    """The handover version binds views to Risley's key, so Risley, now custodian, serves them; they verify."""
    wymott, risley = pair
    v2 = handed_over(wymott, reference)
    jws = (
        wymott.client(wymott.token("care_staff")).get(f"/v1/passports/{v2['pid']}/card", params={"format": "jws"}).text
    )
    assert risley.client(risley.token("reception")).post("/v1/imports", json={"card": jws}).status_code == 200
    council = risley.client(risley.token("authority", org="la:E08000012", audience="local_authority"))
    view = council.get(f"/v1/passports/{v2['pid']}/views/local_authority")
    assert view.status_code == 200, view.text
    verified = council.post("/v1/verify", json={"sd_jwt": view.json()["sd_jwt"]})
    assert verified.status_code == 200, verified.text
    assert verified.json()["issuer"] == "prison:WYI"
    stale = wymott.client(wymott.token("care_staff"))
    handed_away = stale.get(f"/v1/passports/{v2['pid']}/views/local_authority", params={"for": "la:E08000012"})
    assert handed_away.status_code == 409 and handed_away.json()["code"] == "custody_violation"


def test_a_card_issued_here_imports_nothing_and_says_why(live_server: LiveServer, reference: dict[str, Any]) -> None:
    """Scanning this prison's own card at its own desk: 400 with the reason, one audited refusal, nothing new."""
    staff = live_server.client(live_server.token("care_staff"))
    pid = staff.post("/v1/passports", json=reference).json()["pid"]
    jws = staff.get(f"/v1/passports/{pid}/card", params={"format": "jws"}).text
    before = counts(live_server)
    response = live_server.client(live_server.token("reception")).post("/v1/imports", json={"card": jws})
    assert response.status_code == 400 and response.json()["code"] == "invalid_request"
    assert "issued here" in response.json()["detail"]
    assert counts(live_server) == before
