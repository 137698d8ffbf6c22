"""Golden files: one template, one catalogue before/after update, one rendered article.

The expected files in tests/golden/ were reviewed by hand. When a change is intended, run
``LOCPIPE_UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden.py`` and review the diff
with ``git diff tests/golden`` before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import GOLDEN
from support import Cli, msgfmt_check


def _compare(actual: Path, expected_name: str) -> None:
    expected = GOLDEN / expected_name
    text = actual.read_text(encoding="utf-8")
    if os.environ.get("LOCPIPE_UPDATE_GOLDEN"):
        expected.write_text(text, encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8"), f"{actual} differs from {expected}"


@pytest.fixture
def merged(project: Path, cli: Cli) -> Path:
    assert cli(project, "extract").exit_code == 0
    target = project / "locales/en/LC_MESSAGES/sample.po"
    target.parent.mkdir(parents=True)
    shutil.copy(GOLDEN / "sample.en.before.po", target)
    result = cli(project, "update")
    assert result.exit_code == 0, result.output
    assert "fuzzy 1, obsolete 1, kept 16" in result.output
    return project


def test_template(merged: Path) -> None:
    _compare(merged / "locales/templates/sample.pot", "sample.pot")


def test_catalogue_after_update(merged: Path) -> None:
    catalogue = merged / "locales/en/LC_MESSAGES/sample.po"
    _compare(catalogue, "sample.en.po")
    assert msgfmt_check(catalogue).returncode == 0


def test_rendered_markdown_and_html(merged: Path, cli: Cli) -> None:
    assert cli(merged, "render").exit_code == 0
    _compare(merged / "build/en/sample.md", "sample.en.md")
    _compare(merged / "build/en/sample.html", "sample.en.html")
