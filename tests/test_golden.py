"""Golden files: a template, a catalogue before/after update, rendered articles and pages.

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
from support import Cli, msgfmt_check, snapshot


def _compare(actual: Path, expected_name: str) -> None:
    _compare_text(actual.read_text(encoding="utf-8"), expected_name, str(actual))


def _compare_text(text: str, expected_name: str, actual: str = "output") -> None:
    expected = GOLDEN / expected_name
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


def _tree(root: Path) -> str:
    return "".join(f"{name}\n" for name in sorted(snapshot(root)))


def test_rendered_markdown_and_html(merged: Path, cli: Cli) -> None:
    assert cli(merged, "render").exit_code == 0
    _compare_text(_tree(merged / "build"), "layout-locale-dir.txt")
    _compare(merged / "build/en/sample.md", "sample.en.md")
    _compare(merged / "build/pl/sample.md", "sample.pl.md")
    _compare(merged / "build/en/sample.html", "sample.en.html")
    _compare(merged / "build/pl/index.html", "index.pl.html")


def test_rendered_markdown_with_file_name_suffixes(merged: Path, cli: Cli) -> None:
    config = merged / "locpipe.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'output_layout = "suffix"\n',
                      encoding="utf-8")
    assert cli(merged, "render").exit_code == 0
    _compare_text(_tree(merged / "build"), "layout-suffix.txt")
    # The same files as by locale folder: only where they go differs.
    _compare(merged / "build/sample.en.md", "sample.en.md")
    _compare(merged / "build/sample.pl.md", "sample.pl.md")
    page = (merged / "build/sample.en.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" hreflang="pl" href="sample.pl.html">' in page
    assert '<a class="home" href="index.en.html">' in page
