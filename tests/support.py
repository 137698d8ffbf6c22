"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import subprocess
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
