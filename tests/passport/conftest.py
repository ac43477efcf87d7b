"""The domain's fixtures: a deployment of HMP Wymott, on SQLite and on PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from passport.core.identity import init_identity
from passport.services.deployment import Deployment
from tests.conftest import WYMOTT


@pytest.fixture
def deployment(tmp_path: Path, database_url: str) -> Iterator[Deployment]:
    """HMP Wymott with an empty database."""
    init_identity(tmp_path, WYMOTT, now=int(time.time()))
    opened = Deployment.open(home=tmp_path, database_url=database_url)
    yield opened
    opened.engine.dispose()
