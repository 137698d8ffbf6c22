"""Faults from outside: a read-only locales folder, a full disk.

Both use real file systems: a read-only bind mount and a tiny tmpfs. Mounting needs root,
which CI has (it runs as root on a clean machine); elsewhere these tests are skipped, and
the injected-error tests below still run. (Killed runs and concurrent runs: test_lock.py.)
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from support import Cli, snapshot

from locpipe import pipeline
from locpipe.model import FileStatus


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


@pytest.fixture
def mounts() -> Iterator[list[Path]]:
    if os.geteuid() != 0:
        pytest.skip("mounting a read-only or a tiny file system needs root (CI runs as root)")
    mounted: list[Path] = []
    yield mounted
    for path in reversed(mounted):
        subprocess.run(["umount", str(path)], check=False)


def _prepared(project: Path, cli: Cli) -> Path:
    assert cli(project, "extract").exit_code == 0
    assert cli(project, "update").exit_code == 0
    article = project / "content" / "sample.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nNowy akapit.\n", "utf-8")
    return project


def test_read_only_locales_gives_a_clear_error(project: Path, cli: Cli, mounts: list[Path]
                                               ) -> None:
    _prepared(project, cli)
    locales = project / "locales"
    if not (_mount("--bind", str(locales), str(locales))):
        pytest.skip("bind mounts are not allowed here")
    mounts.append(locales)
    assert _mount("-o", "remount,ro,bind", str(locales))
    before = snapshot(project)
    result = cli(project, "build")
    assert result.exit_code == 2
    assert "locales/.locpipe.lock: cannot create the lock file: Read-only file system" in (
        result.output)
    assert "Traceback" not in result.output
    assert snapshot(project) == before


def test_full_disk_loses_nothing(project: Path, cli: Cli, mounts: list[Path]) -> None:
    _prepared(project, cli)
    locales = project / "locales"
    saved = project / "locales-saved"
    shutil.copytree(locales, saved)
    shutil.rmtree(locales)
    locales.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=256k", "tmpfs", str(locales)):
        pytest.skip("tmpfs mounts are not allowed here")
    mounts.append(locales)
    shutil.copytree(saved, locales, dirs_exist_ok=True)
    assert cli(project, "extract").exit_code == 0  # the lock file exists from now on
    catalogue = locales / "en/LC_MESSAGES/sample.po"
    before = catalogue.read_bytes()
    filler = locales / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:  # fill the file system to the last byte
        while os.write(fd, b"x" * 512):
            pass
    except OSError as e:
        assert e.errno == errno.ENOSPC
    finally:
        os.close(fd)
    result = cli(project, "update")
    assert result.exit_code == 2
    assert "locales/en/LC_MESSAGES/sample.po: cannot write: No space left on device" in (
        result.output)
    assert catalogue.read_bytes() == before  # the old catalogue, whole
    assert not [p for p in catalogue.parent.iterdir() if p.name.startswith(".")]
    filler.unlink()
    result = cli(project, "update")
    assert result.exit_code == 0, result.output
    assert polib.pofile(str(catalogue)).find("Nowy akapit.") is not None


def test_failed_write_keeps_the_old_file_and_removes_the_temp(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    target = tmp_path / "a.po"
    target.write_text("old\n", encoding="utf-8")

    def full(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError):
        pipeline.write_file(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.po"]
    monkeypatch.undo()
    assert pipeline.write_file(target, "new\n") is FileStatus.UPDATED
