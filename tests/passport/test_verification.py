"""Verifying what someone hands over (a version, a view, a history) with public keys alone: what it proved, or a
refusal with its stable code."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from crypto import SdJwt, SigningKey, TrustedKey, TrustStore, b64url_decode, b64url_encode, canonical_json, parse_json
from passport.core.identity import Identity, init_identity
from passport.core.verification import VIEW_MAX_AGE_SECONDS, verify_token, verify_versions
from passport.core.versions import CLOCK_SKEW_SECONDS, EARLIEST_IAT, Handover, Version, issue_version
from passport.core.views import make_view
from schemas import PassportContent, parse_content
from schemas.errors import (
    DisclosureInvalid,
    InvalidRequest,
    IssueTimeInvalid,
    KeyBindingInvalid,
    RecordIncomplete,
    UnknownKey,
    UntrustedIssuer,
)
from tests.conftest import WYMOTT
from tests.crypto.forge import refusal
from tests.passport.histories import RISLEY, without

NOW = int(time.time())
RECIPIENT = "la:E08000012"


@pytest.fixture
def wymott(tmp_path: Path) -> Identity:
    """HMP Wymott's identity and key ring."""
    return init_identity(tmp_path, WYMOTT, now=NOW)


@pytest.fixture
def trust(wymott: Identity) -> TrustStore:
    """A verifier that trusts Wymott's keys."""
    return wymott.keyring.trust_store(wymott.org_id)


@pytest.fixture
def content(reference: dict[str, Any]) -> PassportContent:
    """The reference passport."""
    return parse_content(reference)


def signed(wymott: Identity, content: PassportContent, *, iat: int = NOW, key: SigningKey | None = None) -> Version:
    """Version 1 of a new passport, signed as Wymott (with its own key unless ``key`` is given)."""
    return issue_version(
        key=key or wymott.keyring.active,
        issuer=wymott.org_id,
        pid=str(uuid.uuid4()),
        ver=1,
        prev=None,
        content=content,
        iat=iat,
    )


def view(wymott: Identity, version: Version, *, now: int = NOW) -> str:
    """The local authority's view of ``version``, made at ``now``."""
    assert version.content is not None
    return make_view(
        sd_jwt=version.serialize(),
        content=version.content,
        audience="local_authority",
        recipient=RECIPIENT,
        keyring=wymott.keyring,
        now=now,
    ).serialize()


def renamed(sd_jwt: str) -> str:
    """The subject's disclosure rewritten to name another person (same salt, well-formed): never signed."""
    parts = sd_jwt.split("~")
    for index, part in enumerate(parts[1:-1], start=1):
        salt, name, value = parse_json(b64url_decode(part))
        if name == "subject":
            parts[index] = b64url_encode(canonical_json([salt, name, value | {"family_name": "Someone Else"}]))
            return "~".join(parts)
    raise LookupError("subject")


def test_a_version_as_issued_verifies_to_what_it_says(
    wymott: Identity, trust: TrustStore, content: PassportContent
) -> None:
    """Kind, issuer, number, digest and the whole content, as the API returns and the CLI prints them."""
    version = signed(wymott, content)
    verified = verify_token(version.serialize(), trust=trust, audience=RECIPIENT, now=NOW)
    assert (verified.kind, verified.audience, verified.history) == ("version", None, None)
    assert verified.version.content == content and verified.issuers == [WYMOTT.org_id]
    public = verified.to_public()
    assert (public.pid, public.ver, public.digest, public.issuer, public.versions) == (
        version.pid,
        1,
        version.digest,
        WYMOTT.org_id,
        1,
    )
    assert "consent" in public.disclosed.sections and "n5" in public.disclosed.items


def test_a_view_verifies_for_its_recipient_with_what_it_disclosed(
    wymott: Identity, trust: TrustStore, content: PassportContent, reference: dict[str, Any]
) -> None:
    """A view reports the audience it was checked for and only what it disclosed."""
    verified = verify_token(view(wymott, signed(wymott, content)), trust=trust, audience=RECIPIENT, now=NOW)
    assert (verified.kind, verified.audience) == ("view", RECIPIENT)
    permitted = reference["consent"]["audiences"]["local_authority"]["permit"]
    assert verified.disclosed_sections == sorted({"subject", *permitted})
    assert verified.version.content is None and "consent" not in verified.version.claims


@pytest.mark.parametrize("kind", ["version", "view"])
def test_a_tampered_disclosure_is_refused(
    wymott: Identity, trust: TrustStore, content: PassportContent, kind: str
) -> None:
    """A disclosure changed after signing is one the issuer never signed: disclosure_invalid."""
    version = signed(wymott, content)
    text = version.serialize() if kind == "version" else view(wymott, version)
    with refusal(DisclosureInvalid, "disclosure_invalid", "not referenced"):
        verify_token(renamed(text), trust=trust, audience=RECIPIENT, now=NOW)


def test_a_view_for_another_recipient_is_refused(wymott: Identity, trust: TrustStore, content: PassportContent) -> None:
    """Checked for any audience but the one its Key Binding JWT names: key_binding_invalid."""
    text = view(wymott, signed(wymott, content))
    with refusal(KeyBindingInvalid, "key_binding_invalid", "different recipient"):
        verify_token(text, trust=trust, audience="la:E07000127", now=NOW)


def test_a_view_older_than_thirty_days_is_refused(
    wymott: Identity, trust: TrustStore, content: PassportContent
) -> None:
    """A view was true when given; past its window the recipient must ask for a new one."""
    text = view(wymott, signed(wymott, content), now=NOW - VIEW_MAX_AGE_SECONDS)
    assert verify_token(text, trust=trust, audience=RECIPIENT, now=NOW).kind == "view"
    with refusal(KeyBindingInvalid, "key_binding_invalid", "older than"):
        verify_token(text, trust=trust, audience=RECIPIENT, now=NOW + 1)


def test_a_view_made_in_the_future_is_refused(wymott: Identity, trust: TrustStore, content: PassportContent) -> None:
    """A Key Binding JWT dated ahead of the verifier's clock: key_binding_invalid."""
    text = view(wymott, signed(wymott, content), now=NOW + 3600)
    with refusal(KeyBindingInvalid, "key_binding_invalid", "issue time"):
        verify_token(text, trust=trust, audience=RECIPIENT, now=NOW)


@pytest.mark.parametrize(
    ("iat", "match"),
    [(NOW + CLOCK_SKEW_SECONDS + 60, "in the future"), (EARLIEST_IAT - 1, "before any care passport")],
    ids=["future", "before-2024"],  # not the times themselves: every xdist worker must collect the same ids
)
def test_a_version_dated_in_the_future_or_before_2024_is_refused(
    wymott: Identity, trust: TrustStore, content: PassportContent, iat: int, match: str
) -> None:
    """issue_time_invalid, on its own and inside a history."""
    text = signed(wymott, content, iat=iat).serialize()
    with refusal(IssueTimeInvalid, "issue_time_invalid", match):
        verify_token(text, trust=trust, audience=RECIPIENT, now=NOW)
    with refusal(IssueTimeInvalid, "issue_time_invalid", match):
        verify_versions([text], trust=trust, now=NOW)


def test_a_version_within_the_clock_skew_verifies(
    wymott: Identity, trust: TrustStore, content: PassportContent
) -> None:
    """Two honest clocks a little apart still agree."""
    text = signed(wymott, content, iat=NOW + CLOCK_SKEW_SECONDS).serialize()
    assert verify_token(text, trust=trust, audience=RECIPIENT, now=NOW).version.ver == 1


def test_a_version_signed_by_an_unknown_key_is_refused(
    wymott: Identity, trust: TrustStore, content: PassportContent
) -> None:
    """A key nobody told this verifier about, however well-formed the version: unknown_key."""
    text = signed(wymott, content, key=SigningKey.generate()).serialize()
    with refusal(UnknownKey, "unknown_key", "not trusted"):
        verify_token(text, trust=trust, audience=RECIPIENT, now=NOW)


def test_a_version_whose_key_belongs_to_another_organisation_is_refused(
    wymott: Identity, content: PassportContent
) -> None:
    """Wymott's key, trusted only as Risley's, cannot sign as Wymott: untrusted_issuer."""
    elsewhere = TrustStore.of([TrustedKey(RISLEY, wymott.keyring.active.public)])
    with refusal(UntrustedIssuer, "untrusted_issuer", "does not belong"):
        verify_token(signed(wymott, content).serialize(), trust=elsewhere, audience=RECIPIENT, now=NOW)


def test_a_cut_down_version_is_refused(wymott: Identity, trust: TrustStore, content: PassportContent) -> None:
    """A version without a key binding must be a whole custody copy: one item cut out is record_incomplete."""
    text = without(signed(wymott, content).serialize(), item="n5")
    with refusal(RecordIncomplete, "record_incomplete", "removed"):
        verify_token(text, trust=trust, audience=RECIPIENT, now=NOW)


def test_a_history_verifies_across_a_handover(wymott: Identity, content: PassportContent, tmp_path: Path) -> None:
    """A history reports every issuer, the number of versions, and its newest version; an empty one is refused."""
    risley_key = SigningKey.generate()
    trust = TrustStore.of([*wymott.keyring.trust_store(wymott.org_id), TrustedKey(RISLEY, risley_key.public)])
    v1 = signed(wymott, content)
    v2 = issue_version(
        key=wymott.keyring.active,
        issuer=wymott.org_id,
        pid=v1.pid,
        ver=2,
        prev=v1.digest,
        content=content,
        iat=NOW,
        handover=Handover(RISLEY, "transfer", "2026-12-01"),
        holder=risley_key.public,
    )
    v3 = issue_version(key=risley_key, issuer=RISLEY, pid=v1.pid, ver=3, prev=v2.digest, content=content, iat=NOW)
    verified = verify_versions([v.serialize() for v in (v1, v2, v3)], trust=trust, now=NOW)
    assert (verified.kind, verified.version.ver, verified.version.digest) == ("history", 3, v3.digest)
    assert verified.issuers == [WYMOTT.org_id, RISLEY] and verified.to_public().versions == 3
    with refusal(InvalidRequest, "invalid_request", "empty"):
        verify_versions([], trust=trust, now=NOW)
    assert SdJwt.parse(v3.serialize()).kb_jwt is None
