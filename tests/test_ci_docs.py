"""The pre-commit hooks and the CI examples in the docs run, and the docs list every check."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from support import Cli

from locpipe.checks import REGISTRY


def test_pre_commit_hooks_run_on_an_up_to_date_project(shipped: Path, cli: Cli) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} >= {"locpipe-check", "locpipe-extract-check"}
    catalogues = sorted(str(p) for p in shipped.glob("locales/*/LC_MESSAGES/*.po"))
    for hook in hooks:
        assert {"id", "name", "entry", "language", "files"} <= hook.keys()
        program, *args = shlex.split(hook["entry"])
        assert program == "locpipe" and hook["language"] == "python"
        re.compile(hook["files"])
        files = catalogues if hook.get("pass_filenames", True) else []
        result = cli(shipped, *args, *files)
        assert result.exit_code == 0, (hook["id"], result.output)


def test_extract_check_hook_fails_on_a_stale_template(shipped: Path, cli: Cli) -> None:
    article = shipped / "content" / "mentoring.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nNowy akapit.\n",
                       encoding="utf-8")
    assert cli(shipped, "extract", "--check").exit_code == 1
    assert cli(shipped, "check").exit_code == 1


def test_github_actions_example_commands_run(shipped: Path, cli: Cli,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(shipped)  # the report is written where the workflow runs
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# \.github/workflows/.*?)```", text, re.DOTALL)
    assert block is not None
    workflow = yaml.safe_load(block.group(1))
    steps = workflow["jobs"]["locpipe"]["steps"]
    commands = [s["run"] for s in steps if "run" in s and s["run"].startswith("locpipe ")]
    assert any("--format github" in c for c in commands)
    for command in commands:
        args = shlex.split(command.split(">")[0])[1:]
        result = cli(shipped, *args)
        assert result.exit_code == 0, (command, result.output)
    assert (shipped / "translation-report" / "index.html").is_file()


def test_docs_and_readme_list_every_check() -> None:
    for doc in (REPO / "README.md", REPO / "docs" / "ci.md"):
        text = doc.read_text(encoding="utf-8")
        listed = set(re.findall(r"^\| `([a-z-]+)` \| (?:error|warning)", text, re.MULTILINE))
        assert listed == set(REGISTRY), (doc.name, listed ^ set(REGISTRY))
        for check in REGISTRY.values():
            row = re.search(rf"^\| `{check.name}` \| (\w+)", text, re.MULTILINE)
            assert row is not None and row.group(1) == check.severity.value, check.name
