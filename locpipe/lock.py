"""The project lock: one locpipe run at a time writes under ``locales/``.

Every command that writes templates or catalogues holds an exclusive, non-blocking
``flock`` on ``locales/.locpipe.lock`` while it runs. A second run fails at once with a
:class:`~locpipe.errors.LockError` naming the file, instead of interleaving its writes.
The kernel releases the lock when the process ends, however it ends, so a killed run never
leaves a stale lock behind; the file itself stays (removing it would let two runs lock two
different files) and is ignored by git.

Holding the lock is re-entrant within a process, so ``build`` can hold it across its steps.
While it holds the lock, a run also removes temporary files that a killed run left behind
(``.<name>.<random>.tmp`` beside a ``.po``, ``.pot`` or ``.mo``): nobody else can be writing
them.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import LockError

LOCK_NAME = ".locpipe.lock"
_STALE = re.compile(r"\..+\.(?:po|pot|mo)\.[A-Za-z0-9_]{8}\.tmp")
_held: dict[Path, int] = {}


@contextmanager
def project_lock(folder: Path, *, display: str) -> Iterator[None]:
    """Hold the lock of the ``folder`` (the project's locales folder) for the block.

    ``display`` is the lock file's path as users see it, for the error message.
    """
    path = (folder / LOCK_NAME).resolve()
    if path in _held:
        yield
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise LockError(
            f"cannot create the lock file: {e.strerror}; locpipe needs to write in this "
            "folder (is it read-only?)",
            display,
        ) from e
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise LockError(
            "another locpipe run is writing this project's catalogues and holds this lock; "
            "wait for it to finish and run the command again",
            display,
        ) from None
    _held[path] = fd
    try:
        _remove_stale(folder)
        yield
    finally:
        del _held[path]
        os.close(fd)  # closing the only descriptor releases the lock


def _remove_stale(folder: Path) -> None:
    for path in folder.rglob(".*.tmp"):
        if _STALE.fullmatch(path.name) and path.is_file():
            path.unlink(missing_ok=True)
