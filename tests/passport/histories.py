"""Passport histories made with the domain's own signing code, and cut down as an attacker would cut them: what
the domain tests (tests/passport) and the API tests share."""

from __future__ import annotations

from crypto import SdJwt, SigningKey
from passport.core.versions import Handover, issue_version
from schemas import PassportContent

WYMOTT, RISLEY = "prison:WYI", "prison:RSY"


def without(sd_jwt: str, *, item: str | None = None, section: str | None = None) -> str:
    """The SD-JWT less one item's disclosure, or less one section's disclosure and all its items'."""
    parsed = SdJwt.parse(sd_jwt)
    by_digest = {d.digest: d for d in parsed.disclosures}
    dropped: set[str] = set()
    for d in parsed.disclosures:
        if item is not None and isinstance(d.value, dict) and d.value.get("id") == item and d.name is None:
            dropped.add(d.digest)
        if section is not None and d.name == section:
            dropped.add(d.digest)
            for entry in d.value if isinstance(d.value, list) else []:
                if isinstance(entry, dict) and entry.get("...") in by_digest:
                    dropped.add(entry["..."])
    assert dropped, "nothing to cut"
    kept = tuple(d for d in parsed.disclosures if d.digest not in dropped)
    return SdJwt(parsed.issuer_jwt, kept).serialize()


def backdated_history(
    signer: SigningKey,
    *,
    pid: str,
    content: PassportContent,
    iat: int,
    receiver: SigningKey,
    later: SigningKey | None = None,
) -> list[str]:
    """Version 1 signed by ``signer`` as Wymott at ``iat``, then a handover to Risley (whose key is ``receiver``),
    signed by ``later`` if given."""
    v1 = issue_version(key=signer, issuer=WYMOTT, pid=pid, ver=1, prev=None, content=content, iat=iat)
    v2 = issue_version(
        key=later or signer,
        issuer=WYMOTT,
        pid=pid,
        ver=2,
        prev=v1.digest,
        content=content,
        iat=iat + 60,
        handover=Handover(to=RISLEY, reason="transfer", date="2026-12-01"),
        holder=receiver.public,
    )
    return [v1.serialize(), v2.serialize()]
