"""Two runs at once, or a run killed midway, never leave a truncated or mixed catalogue."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from conftest import REPO
from support import Cli, snapshot

LOCK = "locales/.locpipe.lock"

HOLDER = """
import fcntl, sys
with open(sys.argv[1], "a") as handle:
    fcntl.flock(handle, fcntl.LOCK_EX)
    print("locked", flush=True)
    sys.stdin.read()
"""


@pytest.fixture
def holder(shipped: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process that holds the project lock until its stdin closes."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(shipped / LOCK)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "locked\n"
    yield process
    process.kill()
    process.wait()


def test_a_second_run_stops_at_once_and_names_the_lock(
    shipped: Path, cli: Cli, holder: subprocess.Popen[str]
) -> None:
    article = shipped / "content" / "mentoring.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nNowy akapit.\n",
                       encoding="utf-8")
    before = snapshot(shipped)
    for command in (["extract"], ["update"], ["compile"], ["prune", "--all"], ["build"]):
        result = cli(shipped, *command)
        assert result.exit_code == 2, command
        assert result.output.startswith(f"{LOCK}: another locpipe run is writing"), command
    assert snapshot(shipped) == before
    # Read-only runs do not need the lock.
    assert cli(shipped, "extract", "--check").exit_code == 1
    assert cli(shipped, "status").exit_code == 0

    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait()
    assert cli(shipped, "extract").exit_code == 0
    assert cli(shipped, "update").exit_code == 0


def test_the_lock_works_between_processes_with_the_real_command(
    shipped: Path, holder: subprocess.Popen[str]
) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "locpipe", "-C", str(shipped), "update"],
        capture_output=True, text=True, cwd=REPO, check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert run.returncode == 2
    assert f"{LOCK}: another locpipe run" in run.stderr


KILLER = """
import os, signal, sys
calls = 0
real_replace = os.replace

def replace(src, dst):
    global calls
    calls += 1
    if calls > int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)  # killed between writing a file and renaming it
    real_replace(src, dst)

os.replace = replace
from locpipe.cli import main
main(["-C", sys.argv[1], "update"])
"""


def _project(tmp_path: Path, name: str, articles: int) -> Path:
    root = tmp_path / name
    (root / "content").mkdir(parents=True)
    (root / "locpipe.toml").write_text('source_locale = "pl"\nlocales = ["pl", "en"]\n')
    for n in range(articles):
        (root / "content" / f"a{n}.md").write_text(f"# Tytuł {n}\n\nAkapit numer {n}.\n")
    return root


def test_a_run_killed_midway_leaves_each_catalogue_old_or_new(tmp_path: Path, cli: Cli) -> None:
    root = _project(tmp_path, "project", 6)
    assert cli(root, "build").exit_code == 0
    for n in range(6):
        article = root / "content" / f"a{n}.md"
        article.write_text(article.read_text() + f"\nDopisany akapit {n}.\n")
    assert cli(root, "extract").exit_code == 0
    old = {p.name: p.read_bytes() for p in root.glob("locales/en/LC_MESSAGES/*.po")}
    reference = tmp_path / "reference"
    shutil.copytree(root, reference)
    assert cli(reference, "update").exit_code == 0
    new = {p.name: p.read_bytes() for p in reference.glob("locales/en/LC_MESSAGES/*.po")}
    assert all(old[name] != new[name] for name in old)

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-c", KILLER, str(root), "3"], cwd=REPO, env=env,
                         capture_output=True, text=True, check=False)
    assert run.returncode == -9, run.stderr
    after = {p.name: p.read_bytes() for p in root.glob("locales/en/LC_MESSAGES/*.po")}
    assert sorted(after) == sorted(old)
    assert [after[n] == new[n] for n in sorted(after)] == [True] * 3 + [False] * 3
    assert all(after[n] in (old[n], new[n]) for n in after)
    for path in root.glob("locales/en/LC_MESSAGES/*.po"):
        polib.pofile(str(path))  # whole, parseable files
    leftovers = list(root.glob("locales/en/LC_MESSAGES/.*.tmp"))
    assert len(leftovers) == 1

    # The next run, holding the lock, cleans up and finishes the job.
    assert cli(root, "update").exit_code == 0
    assert not list(root.glob("locales/**/.*.tmp"))
    assert {p.name: p.read_bytes() for p in root.glob("locales/en/LC_MESSAGES/*.po")} == new


def test_lock_file_is_ignored_by_git() -> None:
    ignored = subprocess.run(["git", "check-ignore", "-q", "locales/.locpipe.lock"], cwd=REPO,
                             check=False)
    assert ignored.returncode == 0
