"""The prison's release notices kept current with the passport (passport.services.releases.keep_release), on the
database: one open notice per destination, a revision on every change that matters and none on a change that does
not, a cancellation when the release is called off or the passport moves to another prison, closed on release;
and the signed formats refusing what they must (passport.core.notices)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlmodel import Session, col, select

from crypto import SigningKey
from passport.core.notices import read_notice, read_receipt, sign_notice, sign_receipt
from passport.core.versions import Handover, HandoverReason
from passport.services.deployment import Deployment
from passport.services.peers import Peer, save_peer
from passport.services.principals import Principal
from passport.services.records import amend_passport, create_passport, hand_over
from passport.services.storage import ReleaseNoticeRow, transaction
from schemas import NoticeClaims, ReceiptClaims, parse_content
from schemas.errors import NoticeInvalid, WrongTokenType
from tests.conftest import another_person
from tests.crypto.forge import refusal
from tests.passport.histories import RISLEY, WYMOTT

NOW = int(time.time())
TODAY = datetime.now(UTC).date()
STAFF = Principal("staff-1", WYMOTT, "care_staff")
LIVERPOOL, SEFTON = "la:E08000012", "la:E08000014"


def with_plan(reference: dict[str, Any], **plan: Any) -> dict[str, Any]:
    """The reference passport with its release plan changed as ``plan`` says (``None`` removes a field)."""
    merged = {**reference["release_plan"], "expected_date": (TODAY + timedelta(days=30)).isoformat(), **plan}
    return {**reference, "release_plan": {k: v for k, v in merged.items() if v is not None}}


def notices(deployment: Deployment, pid: str) -> dict[str, tuple[int, bool, bool]]:
    """destination -> (seq, cancelled, released) of the passport's notices."""
    with Session(deployment.engine) as session:
        rows = session.exec(select(ReleaseNoticeRow).where(col(ReleaseNoticeRow.pid) == pid))
        return {r.destination: (r.seq, r.cancelled, r.released) for r in rows}


class Record:
    """A passport at Wymott, changed version by version."""

    def __init__(self, deployment: Deployment, content: dict[str, Any]) -> None:
        self.deployment = deployment
        with transaction(deployment.engine) as session:
            stored = create_passport(
                session, identity=deployment.identity, principal=STAFF, content=parse_content(content), now=NOW
            )
        self.pid, self.ver = stored.pid, stored.ver

    def amend(self, content: dict[str, Any]) -> None:
        with transaction(self.deployment.engine) as session:
            self.ver = amend_passport(
                session,
                identity=self.deployment.identity,
                principal=STAFF,
                pid=self.pid,
                expected_ver=self.ver,
                content=parse_content(content),
                now=NOW,
            ).ver

    def hand_over(self, to: str, reason: HandoverReason) -> None:
        peer = Peer(
            to,
            "Receiver",
            "prison" if to.startswith("prison:") else "local_authority",
            "http://127.0.0.1:9",
            (SigningKey.generate().public,),
            {},
        )
        with transaction(self.deployment.engine) as session:
            save_peer(session, peer, identity=self.deployment.identity)
            hand_over(
                session,
                identity=self.deployment.identity,
                principal=STAFF,
                pid=self.pid,
                handover=Handover(to, reason, TODAY.isoformat()),
                expected_ver=self.ver,
                now=NOW,
            )


def test_a_notice_is_revised_only_when_what_it_says_changes(deployment: Deployment, reference: dict[str, Any]) -> None:
    """A plan with a date and a destination opens one notice; a change elsewhere in the passport is no revision;
    a new date, kind of release or contact is."""
    record = Record(deployment, with_plan(reference))
    assert notices(deployment, record.pid) == {LIVERPOOL: (1, False, False)}
    record.amend(with_plan(reference) | {"about_me": {**reference["about_me"], "summary": "Likes the radio."}})
    assert notices(deployment, record.pid) == {LIVERPOOL: (1, False, False)}
    record.amend(with_plan(reference, expected_date=(TODAY + timedelta(days=40)).isoformat()))
    record.amend(with_plan(reference, expected_date=(TODAY + timedelta(days=40)).isoformat(), release_type="parole"))
    assert notices(deployment, record.pid) == {LIVERPOOL: (3, False, False)}


def test_a_new_destination_cancels_the_old_notice_and_a_plan_without_a_date_cancels_all(
    deployment: Deployment, reference: dict[str, Any]
) -> None:
    """Moving the release to Sefton calls Liverpool's notice off (a revision saying so) and opens Sefton's; naming
    Liverpool again reopens its notice; a plan without a date calls everything off."""
    record = Record(deployment, with_plan(reference))
    record.amend(with_plan(reference, destination_authority=SEFTON))
    assert notices(deployment, record.pid) == {LIVERPOOL: (2, True, False), SEFTON: (1, False, False)}
    record.amend(with_plan(reference))
    assert notices(deployment, record.pid) == {LIVERPOOL: (3, False, False), SEFTON: (2, True, False)}
    record.amend(with_plan(reference, expected_date=None))
    assert notices(deployment, record.pid) == {LIVERPOOL: (4, True, False), SEFTON: (2, True, False)}


def test_a_transfer_calls_the_notice_off_and_a_release_to_the_authority_closes_it(
    deployment: Deployment, reference: dict[str, Any]
) -> None:
    """After a transfer the next prison sends its own notice, so Wymott's is called off; a handover on release to
    the destination authority itself closes the notice as released, with nothing more to send."""
    moved = Record(deployment, with_plan(reference))
    moved.hand_over(RISLEY, "transfer")
    assert notices(deployment, moved.pid) == {LIVERPOOL: (2, True, False)}
    released = Record(deployment, another_person(with_plan(reference), 2))
    released.hand_over(LIVERPOOL, "release")
    assert notices(deployment, released.pid) == {LIVERPOOL: (1, False, True)}


def claims(**changes: Any) -> NoticeClaims:
    body: dict[str, Any] = {
        "id": "0b9f2c4e-1d3a-4c5b-9e6f-7a8b9c0d1e2f",
        "seq": 1,
        "pid": "6f1c2b8e-3d4a-4b5c-8d6e-7f8091a2b3c4",
        "expected_date": TODAY.isoformat(),
        "releasing": WYMOTT,
    }
    return NoticeClaims.model_validate(body | changes)


def test_a_notice_reads_back_only_for_its_recipient_and_never_as_a_receipt(deployment: Deployment) -> None:
    """Signed by Wymott for Liverpool: Liverpool reads what was signed; Sefton is refused; a notice is not a
    receipt; a notice naming another releasing prison than its signer is refused."""
    key, trust = deployment.identity.keyring.active, deployment.identity.keyring.trust_store(WYMOTT)
    text = sign_notice(claims(), key=key, sender=WYMOTT, recipient=LIVERPOOL, now=NOW)
    read = read_notice(text, trust=trust, recipient=LIVERPOOL, now=NOW)
    assert (read.sender, read.claims, read.view) == (WYMOTT, claims(), None)
    with refusal(NoticeInvalid, "notice_invalid", "for another organisation"):
        read_notice(text, trust=trust, recipient=SEFTON, now=NOW)
    with pytest.raises(WrongTokenType):
        read_receipt(text, trust=trust, recipient=LIVERPOOL)
    other = sign_notice(claims(releasing=RISLEY), key=key, sender=WYMOTT, recipient=LIVERPOOL, now=NOW)
    with refusal(NoticeInvalid, "notice_invalid", "releasing prison itself"):
        read_notice(other, trust=trust, recipient=LIVERPOOL, now=NOW)
    receipt = ReceiptClaims(notice=claims().id, seq=1, answers=1, step="acknowledged")
    answer = sign_receipt(receipt, key=key, sender=WYMOTT, recipient=LIVERPOOL, now=NOW)
    with pytest.raises(WrongTokenType):
        read_notice(answer, trust=trust, recipient=LIVERPOOL, now=NOW)


@pytest.mark.parametrize(
    "changes",
    [{"expected_date": None}, {"seq": 0}, {"pid": "not-a-uuid"}, {"release_type": "escaped"}, {"releasing": "x"}],
)
def test_a_notice_that_says_what_it_may_not_is_not_well_formed(changes: dict[str, Any]) -> None:
    """A notice due without a date, a revision 0, a pid or kind of release that is not one, are refused by their
    shape before anything is stored."""
    body = claims().model_dump(mode="json") | changes
    with pytest.raises(ValidationError):
        NoticeClaims.model_validate(body)
