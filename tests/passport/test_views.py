"""Consent-scoped views, made by the core alone: exactly the consented sections and items, nothing of what is
withheld (not even how much), an override's targets and no more, bound to one recipient by the custodian's key."""

from __future__ import annotations

import copy
import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from crypto import SdJwt, TrustStore, b64url_decode
from passport.core.identity import Identity, IssuerInfo, init_identity
from passport.core.verification import verify_token
from passport.core.versions import Handover, Version, issue_version
from passport.core.views import Override, View, check_override_targets, make_view
from schemas import AUDIENCES, LIST_SECTIONS, Audience, PassportContent, parse_content
from schemas.errors import InvalidRequest, KeyBindingInvalid, NotFound
from tests.conftest import WYMOTT
from tests.crypto.forge import refusal

NOW = int(time.time())
RECIPIENT = "la:E08000012"
RISLEY = IssuerInfo("prison:RSY", "HMP Risley", "prison", "http://127.0.0.1:2")


@pytest.fixture
def wymott(tmp_path: Path) -> Identity:
    """HMP Wymott's identity and key ring."""
    return init_identity(tmp_path / "wymott", WYMOTT, now=NOW)


@pytest.fixture
def content(reference: dict[str, Any]) -> PassportContent:
    """The reference passport."""
    return parse_content(reference)


@pytest.fixture
def version(wymott: Identity, content: PassportContent) -> Version:
    """Version 1 of the reference passport, signed by Wymott."""
    return issue_version(
        key=wymott.keyring.active,
        issuer=wymott.org_id,
        pid=str(uuid.uuid4()),
        ver=1,
        prev=None,
        content=content,
        iat=NOW,
    )


def view_of(
    version: Version,
    identity: Identity,
    audience: Audience,
    *,
    content: PassportContent | None = None,
    recipient: str = RECIPIENT,
    overrides: tuple[Override, ...] = (),
) -> View:
    """The view of ``version`` that ``identity`` makes for ``recipient``."""
    return make_view(
        sd_jwt=version.serialize(),
        content=content or version.content or parse_content(version.claims),
        audience=audience,
        recipient=recipient,
        keyring=identity.keyring,
        overrides=overrides,
        now=NOW,
    )


def decoded(view: View) -> tuple[dict[str, Any], list[str], list[bytes]]:
    """What a recipient can read: named disclosures, item ids, and every disclosure's raw bytes."""
    parsed = SdJwt.parse(view.serialize())
    names = {d.name: d.value for d in parsed.disclosures if d.name is not None}
    items = [
        d.value["id"] for d in parsed.disclosures if d.name is None and isinstance(d.value, dict) and "id" in d.value
    ]
    return names, items, [b64url_decode(d.encoded) for d in parsed.disclosures]


def words(value: object) -> list[str]:
    """Every string of ten characters or more in ``value``, however deep."""
    if isinstance(value, str):
        return [value] if len(value) >= 10 else []
    if isinstance(value, dict):
        return [w for v in value.values() for w in words(v)]
    if isinstance(value, list):
        return [w for v in value for w in words(v)]
    return []


def item(reference: dict[str, Any], item_id: str) -> dict[str, Any]:
    """The list item with id ``item_id``."""
    return next(i for s in reference.values() if isinstance(s, list) for i in s if i.get("id") == item_id)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_a_view_discloses_exactly_the_consented_sections_and_items(
    version: Version, wymott: Identity, reference: dict[str, Any], audience: Audience
) -> None:
    """subject and the permitted sections, every item of them but the withheld; nothing else is in the view, and
    the recipient verifies exactly that with public keys alone."""
    consent = reference["consent"]["audiences"][audience]
    withheld = set(consent.get("withhold_items", []))
    view = view_of(version, wymott, audience)
    names, items, _ = decoded(view)
    assert set(names) == set(view.sections) == {"subject", *consent["permit"]}
    expected_items = {
        i["id"]
        for section in consent["permit"]
        if section in LIST_SECTIONS
        for i in reference[section]
        if "id" in i and i["id"] not in withheld
    }
    assert set(items) == set(view.items) == expected_items
    assert (view.pid, view.ver, view.audience, view.recipient, view.overridden) == (
        version.pid,
        1,
        audience,
        RECIPIENT,
        (),
    )
    verified = verify_token(
        view.serialize(), trust=wymott.keyring.trust_store(wymott.org_id), audience=RECIPIENT, now=NOW
    )
    assert verified.kind == "view" and set(verified.disclosed_sections) == set(names)
    assert set(verified.disclosed_items) == expected_items


@pytest.mark.parametrize("audience", AUDIENCES)
def test_nothing_of_a_withheld_section_or_item_is_in_the_view(
    version: Version, wymott: Identity, reference: dict[str, Any], audience: Audience
) -> None:
    """Not consent, not custody's own claims, and no withheld item's words, not even base64url-encoded."""
    consent = reference["consent"]["audiences"][audience]
    view = view_of(version, wymott, audience)
    names, items, raw = decoded(view)
    assert not {"consent", "manifest", "handover"} & set(names)
    for withheld in consent.get("withhold_items", []):
        assert withheld not in items
        for text in (item(reference, withheld)["summary"], item(reference, withheld)["how_met"]):
            assert all(text.encode() not in part for part in raw)
    shown = json.dumps([reference[s] for s in ("subject", *consent["permit"])], ensure_ascii=False)
    for section in (s for s in reference if s not in consent["permit"] and s not in ("subject", "consent")):
        assert section not in names
        for text in words(reference[section]):
            if text not in shown:  # words a shown section also holds prove nothing
                assert all(text.encode() not in part for part in raw), (section, text)


def test_a_view_does_not_say_how_much_it_withholds(
    wymott: Identity, content: PassportContent, reference: dict[str, Any]
) -> None:
    """Two passports that differ only in what the audience may not see give views of the same shape: the same
    disclosures, no list of the record's parts, and nothing that counts the rest."""
    fuller = copy.deepcopy(reference)
    fuller["needs"] += [{**reference["needs"][4], "id": f"n{i}"} for i in range(6, 12)]
    fuller["consent"]["audiences"]["reception_card"]["withhold_items"] += [f"n{i}" for i in range(6, 12)]
    shapes = []
    for body in (reference, fuller):
        passport = parse_content(body)
        version = issue_version(
            key=wymott.keyring.active,
            issuer=wymott.org_id,
            pid=str(uuid.uuid4()),
            ver=1,
            prev=None,
            content=passport,
            iat=NOW,
        )
        assert "manifest" in {d.name for d in version.sd_jwt.disclosures}  # the custody copy lists its parts
        view = view_of(version, wymott, "reception_card")
        names, items, _ = decoded(view)
        shapes.append((sorted(names), sorted(items), len(SdJwt.parse(view.serialize()).disclosures)))
    assert shapes[0] == shapes[1]
    assert "manifest" not in shapes[0][0]


def test_a_view_verifies_for_its_recipient_and_for_no_one_else(version: Version, wymott: Identity) -> None:
    """The Key Binding JWT names the recipient: replayed to another organisation, the view is refused."""
    view = view_of(version, wymott, "local_authority")
    trust = wymott.keyring.trust_store(wymott.org_id)
    assert verify_token(view.serialize(), trust=trust, audience=RECIPIENT, now=NOW).audience == RECIPIENT
    with refusal(KeyBindingInvalid, "key_binding_invalid", "different recipient"):
        verify_token(view.serialize(), trust=trust, audience="la:E07000127", now=NOW)


def test_a_withdrawn_section_leaves_the_view(version: Version, wymott: Identity, reference: dict[str, Any]) -> None:
    """A withdrawal of consent for one section and audience removes that section and its items."""
    changed = copy.deepcopy(reference)
    changed["consent"]["withdrawals"] = [
        {
            "audience": "local_authority",
            "section": "services",
            "withdrawn_at": "2025-09-01",
            "recorded_by": {"org": "prison:WYI", "role": "care_staff"},
        }
    ]
    view = view_of(version, wymott, "local_authority", content=parse_content(changed))
    names, items, _ = decoded(view)
    assert "services" not in names and not {"s1", "s2", "s3", "s4"} & set(items)
    assert "needs" in names


def test_an_override_discloses_its_targets_and_nothing_more(
    version: Version, wymott: Identity, reference: dict[str, Any]
) -> None:
    """n5, withheld from the reception card, is shown when an override names it; an override of a section the
    audience may not see shows that section whole; nothing else changes, and the view says what was overridden."""
    plain = view_of(version, wymott, "reception_card")
    item_override = Override(RECIPIENT, "reception_card", ("n5",), "vital_interests", "dementia")
    forced = view_of(version, wymott, "reception_card", overrides=(item_override,))
    names, items, _ = decoded(forced)
    assert set(items) == {*plain.items, "n5"} and set(names) == set(plain.sections)
    assert forced.overridden == ("n5",)
    section_override = Override(RECIPIENT, "probation", ("social_work",), "safeguarding", "a s.42 enquiry")
    probation = view_of(version, wymott, "probation", overrides=(section_override,))
    names, items, _ = decoded(probation)
    assert set(names) == {"subject", "release_plan", "social_work"}
    assert set(items) == {"w1"} and probation.overridden == ("social_work",)


def test_after_a_handover_only_the_receiver_can_make_views(
    wymott: Identity, content: PassportContent, version: Version, tmp_path: Path
) -> None:
    """A handover version names the receiver's key in cnf: the sender can no longer bind a view of it, the
    receiver can, and the view verifies against the sender's signature."""
    risley = init_identity(tmp_path / "risley", RISLEY, now=NOW)
    handed = issue_version(
        key=wymott.keyring.active,
        issuer=wymott.org_id,
        pid=version.pid,
        ver=2,
        prev=version.digest,
        content=content,
        iat=NOW,
        handover=Handover(risley.org_id, "transfer", "2026-12-01"),
        holder=risley.keyring.active.public,
    )
    with refusal(NotFound, "not_found", "no usable key"):
        view_of(handed, wymott, "prison")
    view = view_of(handed, risley, "prison")
    trust = TrustStore.of([*wymott.keyring.trust_store(wymott.org_id), *risley.keyring.trust_store(risley.org_id)])
    verified = verify_token(view.serialize(), trust=trust, audience=RECIPIENT, now=NOW)
    assert (verified.version.issuer, verified.version.ver) == (wymott.org_id, 2)
    assert "handover" not in decoded(view)[0]


def test_override_targets_must_be_this_passports_items_or_sections(content: PassportContent) -> None:
    """Item ids and disclosable sections are accepted (repeats once); the subject, consent, unknown ids and
    an empty list are refused with invalid_request, without naming what was unknown."""
    assert check_override_targets(content, ["n5", "social_work", "n5"]) == ("n5", "social_work")
    for targets in ([], ["n99"], ["subject"], ["consent"], ["n5", "dementia"]):
        with refusal(InvalidRequest, "invalid_request", "override"):
            check_override_targets(content, targets)
