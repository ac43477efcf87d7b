"""Bulk import: N passports handed over from one prison and imported by another, with time and peak memory.

DESIGN.md section 9 ("bulk import of N passports, N up to the national estate, ~100,000"). Each passport is the
reference passport as version 1 and a handover to the importer as version 2; each import verifies the whole
chain and stores it in one transaction, in a fresh SQLite database (or ``--database-url``). The limit it is
measured against is the signatures alone: a raw ES256 verify of each version's signing input.

Run from the repository root::

    .venv/bin/python bench/bulk_import.py                 # 1,000 passports
    .venv/bin/python bench/bulk_import.py --count 100000  # the national estate: about ten minutes on 2 cores
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _timing import IAT, REFERENCE_PASSPORT, machine_line, table

from crypto import SdJwt, SigningKey, TrustedKey, TrustStore, b64url_decode
from passport.core.identity import IssuerInfo, init_identity
from passport.core.versions import Handover, issue_version
from passport.services.deployment import Deployment
from passport.services.principals import Principal
from passport.services.storage import transaction
from passport.services.transfer import import_history
from schemas import parse_content


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    content = parse_content(json.loads(REFERENCE_PASSPORT.read_text("utf-8")))
    sender, receiver = SigningKey.generate(), SigningKey.generate()
    trust = TrustStore.of([TrustedKey("prison:WYI", sender.public), TrustedKey("prison:RSY", receiver.public)])
    print(f"issuing {args.count} passports of two versions...", file=sys.stderr)
    histories: list[list[str]] = []
    for _ in range(args.count):
        pid = str(uuid.uuid4())
        v1 = issue_version(key=sender, issuer="prison:WYI", pid=pid, ver=1, prev=None, content=content, iat=IAT)
        v2 = issue_version(
            key=sender,
            issuer="prison:WYI",
            pid=pid,
            ver=2,
            prev=v1.digest,
            content=content,
            iat=IAT,
            handover=Handover("prison:RSY", "transfer", "2026-12-01"),
            holder=receiver.public,
        )
        histories.append([v1.serialize(), v2.serialize()])
    before = _peak_mib()

    signed: list[tuple[bytes, bytes]] = []
    for history in histories:
        for text in history:
            head, payload, encoded = SdJwt.parse(text).issuer_jwt.split(".")
            signed.append((f"{head}.{payload}".encode(), b64url_decode(encoded)))
    started = time.perf_counter()
    for data, signature in signed:
        sender.public.verify_raw(signature=signature, data=data)  # raises if the benchmark is broken
    raw_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as home:
        init_identity(Path(home), IssuerInfo("prison:RSY", "HMP Risley", "prison", "http://127.0.0.1:1"), now=IAT)
        deployment = Deployment.open(home=Path(home), database_url=args.database_url or f"sqlite:///{home}/passport.db")
        identity, engine = deployment.identity, deployment.engine
        reception = Principal("bench", "prison:RSY", "reception")
        started = time.perf_counter()
        for history in histories:
            with transaction(engine) as session:
                import_history(session, identity=identity, principal=reception, history=history, trust=trust, now=IAT)
        import_s = time.perf_counter() - started
        engine.dispose()
    after = _peak_mib()

    print(f"bench/bulk_import.py: {args.count:,} passports of two versions imported one by one (DESIGN.md section 9)")
    print(f"machine: {machine_line()}; database: {'given' if args.database_url else 'SQLite'}")
    per = args.count
    rows = [
        ["raw ES256 verify of each version", f"{raw_s:,.2f}", f"{raw_s / per * 1e6:,.0f}", "(the limit)", ""],
        [
            "verify chain + store, one transaction each",
            f"{import_s:,.2f}",
            f"{import_s / per * 1e6:,.0f}",
            "raw ES256 verify",
            f"{import_s / raw_s:.1f}x",
        ],
    ]
    print(
        table(
            ["operation", "s in all", "us/passport", "measured against", "ratio"],
            rows,
            right=[False, True, True, False, True],
        )
    )
    print(f"peak memory: {after:,.0f} MiB ({before:,.0f} MiB before importing, with every history issued in memory)")
    print("Figures are printed, not asserted: a machine's speed is not a test result.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
