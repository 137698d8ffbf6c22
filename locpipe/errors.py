"""One family of errors, each able to say where the problem is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath


@dataclass
class LocpipeError(Exception):
    """A problem the user can fix; printed once by the CLI as ``path:line: message``."""

    message: str
    path: str | PurePath | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{PurePath(self.path).as_posix()}:"
            if self.line is not None:
                where += f"{self.line}:"
            where += " "
        return f"{where}{self.message}"

    def __reduce__(self) -> tuple[type[LocpipeError], tuple[object, ...]]:
        # Exceptions pickle their ``args``, which a dataclass leaves empty; errors travel
        # back from worker processes.
        return (type(self), (self.message, self.path, self.line))


class ConfigError(LocpipeError):
    """The configuration file or a command-line option is wrong."""


class ContentError(LocpipeError):
    """An article cannot be read or parsed."""


class CatalogError(LocpipeError):
    """A template or catalogue cannot be read or written."""


class EngineError(LocpipeError):
    """A machine-translation engine failed or answered nonsense."""


class QuotaError(EngineError):
    """The engine's quota is used up: the run must stop."""


class LockError(LocpipeError):
    """Another locpipe run holds the project lock."""
