"""A credential in a URL's query string is a plain-text secret too (E110), located at the url."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from erpgo_monctl.cli import app
from tests.conftest import ERPGO_SPEC

RECEIVER = "    - name: default\n"


@pytest.mark.parametrize("query", ["?token=abcd1234secret", "?x=1&api_key=k123", "?sig=0a1b2c"])
def test_webhook_url_with_credential_in_query_is_rejected(tmp_path: Path, query: str) -> None:
    text = ERPGO_SPEC.read_text().replace(
        RECEIVER, RECEIVER + f"      webhook:\n        - url: http://hooks.internal:8080/alerts{query}\n", 1
    )
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    result = CliRunner().invoke(app, ["validate", str(spec)])
    assert result.exit_code == 1
    assert "error[E110]: alertmanager.receivers[0].webhook[0].url: plain-text secret" in result.stderr
    assert "credentials_file" in result.stderr


def test_webhook_url_with_harmless_query_is_fine(tmp_path: Path) -> None:
    text = ERPGO_SPEC.read_text().replace(
        RECEIVER, RECEIVER + "      webhook:\n        - url: http://hooks.internal:8080/alerts?team=ops\n", 1
    )
    assert "?team=ops" in text
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    result = CliRunner().invoke(app, ["validate", str(spec)])
    assert result.exit_code == 0, result.stderr
