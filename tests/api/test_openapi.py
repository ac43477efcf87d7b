"""openapi/openapi.json is what the app generates: regenerate it with `make openapi` when this fails."""

from __future__ import annotations

import json
from pathlib import Path

from api.app import build_app

SPEC = Path(__file__).parents[2] / "openapi" / "openapi.json"


def test_openapi_document_has_not_drifted() -> None:
    """The committed document equals the generated one."""
    committed = json.loads(SPEC.read_text("utf-8"))
    assert committed == build_app().openapi(), "openapi/openapi.json is stale: run `make openapi`"


def test_every_operation_has_a_stable_id_and_summary() -> None:
    """Clients generate code from operation ids; they must be explicit, not derived from function names."""
    spec = build_app().openapi()
    operations = [op for path in spec["paths"].values() for op in path.values()]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    assert all("_" not in i or not i.endswith(("_get", "_post", "_put")) for i in ids)
    assert all(op.get("summary") for op in operations)


def test_every_operation_has_an_audit_action() -> None:
    """A refusal before a handler runs is audited under the same action as one inside it."""
    from api.auditing import AUDIT_ACTIONS

    spec = build_app().openapi()
    audited = {
        op["operationId"] for path, ops in spec["paths"].items() if path.startswith("/v1/") for op in ops.values()
    }
    assert audited == set(AUDIT_ACTIONS)
