"""The card: it fits one QR code, holds exactly what the reception_card consent permits, and refuses forgeries."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from crypto import (
    SigningKey,
    TrustStore,
)
from passport.core.card import (
    CARD_TYP,
    DEFAULT_TTL_SECONDS,
    MAX_ALERTS,
    Alert,
    Card,
    issue_card,
)
from passport.core.qr import qr_version
from passport.core.versions import Version
from schemas import PassportContent, parse_content
from schemas.errors import (
    InvalidRequest,
    TokenTooLarge,
)
from tests.crypto.forge import refusal
from tests.passport.cards import NOW, WYMOTT, alerts_of, make_card

MAX_CARD_CHARS = 670  # DESIGN.md section 5: the reference passport's card fits QR version 22 at level Q
MAX_QR_VERSION = 22

# What the reference passport's reception_card consent permits (needs, equipment, communication, less n5):
# communication flags, then the active needs n1-n4 by domain, then the equipment that follows the person.
REFERENCE_ALERTS = (
    Alert("er", "Easy read"),
    Alert("lp", "Large print"),
    Alert("hl", "Hearing loop"),
    Alert("lit", "Literacy support"),
    Alert("hyg", "Help to wash"),
    Alert("mob", "Mobility needs"),
    Alert("com", "Communication needs"),
    Alert("nut", "Help with meals"),
    Alert("eq", "Self-propelled wheelchair"),
    Alert("eq", "Hearing aids (both ears)"),
)


# -- size -------------------------------------------------------------------------------------------------------


def test_reference_card_fits_qr_version_22(key: SigningKey, version: Version, content: PassportContent) -> None:
    jws = make_card(key, version, content)
    qr = qr_version(jws)
    print(f"\nreference card: JWS of {len(jws)} characters, QR version {qr} at level Q")
    assert len(jws) <= MAX_CARD_CHARS
    assert qr <= MAX_QR_VERSION


def test_card_is_a_deflated_es256_jws_of_its_own_type(
    key: SigningKey, trust: TrustStore, version: Version, content: PassportContent
) -> None:
    verified = trust.verify(make_card(key, version, content), typ=CARD_TYP, inflate=True)
    assert verified.header == {"alg": "ES256", "typ": CARD_TYP, "kid": key.kid, "zip": "DEF"}
    # Short claim names only: nothing on the card but what the module docstring lists.
    assert set(verified.claims) == {"iss", "iat", "exp", "pid", "ver", "vd", "nm", "no", "dob", "al"}
    assert len(verified.claims["pid"]) == 22


# -- what the card says -----------------------------------------------------------------------------------------


def test_card_verifies_to_what_it_summarises(
    key: SigningKey, trust: TrustStore, version: Version, content: PassportContent
) -> None:
    jws = make_card(key, version, content)
    card = Card.verify(jws, trust=trust, now=NOW)
    assert (card.issuer, card.kid, card.pid, card.ver, card.digest) == (
        WYMOTT,
        key.kid,
        version.pid,
        1,
        version.digest,
    )
    assert (card.issued_at, card.expires_at) == (NOW, NOW + DEFAULT_TTL_SECONDS)
    assert (card.name, card.noms, card.date_of_birth) == ("Arthur Whitfield", "A4821KD", "1949-04-17")
    assert card.alerts == REFERENCE_ALERTS
    assert card.serialize() == jws
    # Personal data stays out of logs that print a card.
    assert "Arthur" not in repr(card)
    assert "A4821KD" not in repr(card)


def test_card_holds_exactly_the_permittedalerts_of(reference: dict[str, Any]) -> None:
    alerts = alerts_of(reference)
    assert alerts == REFERENCE_ALERTS
    # n5 (cognition) is withheld from the card; nothing comes from about_me, services or any other section.
    assert "cog" not in {alert.code for alert in alerts}
    assert not any("dementia" in alert.text.lower() or "memory" in alert.text.lower() for alert in alerts)
    # Equipment that stays in the prison (the pager, the shower seat) is not on the card.
    assert not any("pager" in alert.text.lower() or "shower" in alert.text.lower() for alert in alerts)


def test_card_without_consent_has_noalerts_of(
    key: SigningKey, trust: TrustStore, version: Version, reference: dict[str, Any]
) -> None:
    nothing = copy.deepcopy(reference)
    nothing["consent"]["audiences"]["reception_card"] = {"permit": []}
    assert alerts_of(nothing) == ()
    absent = copy.deepcopy(reference)
    del absent["consent"]["audiences"]["reception_card"]
    card = Card.verify(make_card(key, version, parse_content(absent)), trust=trust, now=NOW)
    assert card.alerts == ()
    assert card.name == "Arthur Whitfield"  # the display identifiers are on every card


def test_withheld_equipment_is_not_on_themake_card(reference: dict[str, Any]) -> None:
    reference["consent"]["audiences"]["reception_card"]["withhold_items"] = ["n5", "e1"]
    alerts = alerts_of(reference)
    assert Alert("eq", "Self-propelled wheelchair") not in alerts
    assert alerts == tuple(a for a in REFERENCE_ALERTS if a != Alert("eq", "Self-propelled wheelchair"))


def test_only_permitted_sections_givealerts_of(reference: dict[str, Any]) -> None:
    reference["consent"]["audiences"]["reception_card"]["permit"] = ["equipment", "about_me", "services"]
    assert {alert.code for alert in alerts_of(reference)} == {"eq"}
    reference["consent"]["withdrawals"] = [
        {
            "audience": "reception_card",
            "section": "equipment",
            "withdrawn_at": "2025-06-01",
            "recorded_by": {"org": WYMOTT, "role": "care_staff"},
        }
    ]
    assert alerts_of(reference) == ()


def test_only_active_needs_and_one_alert_a_domain(reference: dict[str, Any]) -> None:
    reference["needs"][1]["status"] = "resolved"  # n2, mobility
    reference["needs"][3]["domain"] = "maintaining_personal_hygiene"  # n4 now shares n1's domain
    codes = [alert.code for alert in alerts_of(reference)]
    assert "mob" not in codes
    assert codes.count("hyg") == 1


def test_long_texts_are_cut_short(reference: dict[str, Any]) -> None:
    reference["equipment"][0]["item"] = "Electric wheelchair with tilt-in-space seat and headrest"
    reference["communication"]["interpreter"] = "pa-Arab-PK"
    alerts = alerts_of(reference)
    assert Alert("int", "Interpreter: pa-Arab-PK") in alerts
    assert Alert("eq", "Electric wheelchair with\u2026") in alerts


def test_card_with_too_many_alerts_is_refused(key: SigningKey, version: Version, reference: dict[str, Any]) -> None:
    template = reference["equipment"][0]
    reference["equipment"] = [{**template, "id": f"x{i}", "item": f"Item {i}"} for i in range(MAX_ALERTS + 1)]
    with refusal(TokenTooLarge, "token_too_large", f"more than {MAX_ALERTS} alerts"):
        make_card(key, version, parse_content(reference))


def test_card_whose_alerts_do_not_fit_one_qr_code_is_refused(
    key: SigningKey, version: Version, reference: dict[str, Any]
) -> None:
    # Item names that do not compress (random CJK characters, three bytes each in UTF-8), so that
    # fewer than MAX_ALERTS alerts still overflow a version 40 code: never chunk, refuse.
    rng = random.Random(7)
    template = reference["equipment"][0]
    reference["equipment"] = [
        {**template, "id": f"x{i}", "item": "".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(28))}
        for i in range(30)
    ]
    with refusal(TokenTooLarge, "token_too_large", "too long to fit one QR code"):
        make_card(key, version, parse_content(reference))


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"pid": "not-a-uuid"}, "pid"),
        ({"ver": 0}, "ver"),
        ({"digest": "abc"}, "digest"),
        ({"ttl_seconds": 0}, "ttl_seconds"),
    ],
)
def test_issue_refuses_bad_arguments(
    key: SigningKey, version: Version, content: PassportContent, changes: dict[str, Any], match: str
) -> None:
    arguments: dict[str, Any] = {"pid": version.pid, "ver": 1, "digest": version.digest} | changes
    with refusal(InvalidRequest, "invalid_request", match):
        issue_card(key=key, issuer=WYMOTT, content=content, now=NOW, **arguments)
