"""What the CLI tests share: a home with HMP Wymott's identity, made by `passport init`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.command import passport


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home with HMP Wymott's identity (no trusted peers, an empty database)."""
    home = tmp_path / "wymott"
    result = passport("init", "--org-id", "prison:WYI", "--name", "HMP Wymott", "--kind", "prison", home=home)
    assert result.returncode == 0, result.stderr
    return home
