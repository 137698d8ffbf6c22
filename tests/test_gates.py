"""Gates that mean what they say (issue 15): each problem said once, what ``check`` calls an
error never published, every gap listed, bad input leaving other outputs alone."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from support import Cli

EN = "locales/en/LC_MESSAGES/sample.po"
BROKEN = f"{EN}:31: PO syntax error: string is not terminated"


def _break(project: Path) -> None:
    """An unterminated string on line 31 of the English catalogue."""
    path = project / EN
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[30] == 'msgstr ""', lines[30:36]
    lines[30] = 'msgstr "unterminated'
    path.write_text("\n".join(lines), encoding="utf-8")


def _built(project: Path, cli: Cli) -> None:
    result = cli(project, "build")
    assert result.exit_code == 0, result.output


def test_a_broken_catalogue_is_reported_once_by_every_command(
        project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    _built(project, cli)
    _break(project)
    for args in (["build"], ["check"], ["report"], ["render"], ["update"], ["compile"],
                 ["status"], ["check", EN]):
        result = cli(project, *args)
        assert result.exit_code == 2, (args, result.output)
        assert result.output.count(BROKEN) == 1, (args, result.output)
    text = cli(project, "check").output
    assert text.splitlines()[-1] == "FAILED: 1 error(s), 0 warning(s)"
    alone = cli(project, "check", EN)
    assert alone.output.splitlines()[-1] == "FAILED: 1 error(s), 0 warning(s)"


def test_a_broken_catalogue_is_one_annotation_one_json_error_one_junit_case(
        project: Path, cli: Cli) -> None:
    _built(project, cli)
    _break(project)
    github = cli(project, "check", "--format", "github").output.splitlines()
    assert len([line for line in github if line.startswith("::error")]) == 1, github
    document = json.loads(cli(project, "check", "--format", "json").stdout)
    assert [(e["path"], e["line"]) for e in document["errors"]] == [(EN, 31)]
    suite = ET.fromstring(cli(project, "check", "--format", "junit").stdout)
    assert suite.get("errors") == "1"
    assert len([c for c in suite.iter("testcase") if c.find("error") is not None]) == 1
    cli(project, "report")
    index = (project / "build/report/index.html").read_text(encoding="utf-8")
    assert index.count("PO syntax error: string is not terminated") == 1
    assert "1 error," in index
