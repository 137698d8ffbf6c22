"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

Cli = Callable[..., Result]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` with its bytes, to prove what a command did not touch."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def msgfmt_check(path: Path) -> subprocess.CompletedProcess[str]:
    """Run GNU ``msgfmt -c`` on a catalogue, as translators' tools and CI would."""
    return subprocess.run(
        ["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False
    )


def on_a_terminal(root: Path, *args: str) -> str:
    """Run ``python -m locpipe`` with stderr on a pseudo-terminal; return what it showed."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
           "COLUMNS": "100"}
    process = subprocess.Popen(
        [sys.executable, "-m", "locpipe", "-C", str(root), *args],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower, env=env,
    )  # fmt: skip
    os.close(follower)
    shown = b""
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 30)
            if not ready:
                break
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
        assert process.wait(timeout=30) == 0, shown.decode(errors="replace")
    return shown.decode(errors="replace")
