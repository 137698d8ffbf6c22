"""The project's files: atomic writes, paths as users see them, and what a command did.

The pipeline and its per-article stages (:mod:`locpipe.stages`) read and write through
these; nothing else in locpipe touches the project's files.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .errors import ContentError, LocpipeError
from .model import Article, FileResult, FileStatus


@dataclass
class Report:
    """What a command did: one row per file, and every error met on the way."""

    files: list[FileResult] = field(default_factory=list)
    errors: list[LocpipeError] = field(default_factory=list)
    notices: list[LocpipeError] = field(default_factory=list)
    """Things the command fixed by itself that a person should know about."""

    @property
    def changed(self) -> list[FileResult]:
        return [f for f in self.files if f.status in (FileStatus.CREATED, FileStatus.UPDATED)]

    def extend(self, other: Report) -> None:
        self.files.extend(other.files)
        self.errors.extend(other.errors)
        self.notices.extend(other.notices)


# -- files --------------------------------------------------------------------------------


def display(config: Config, path: Path) -> str:
    """A path as users see it: relative to the project, with ``/``."""
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return path.as_posix()


def write_file(path: Path, content: str | bytes, *, dry_run: bool = False) -> FileStatus:
    """Write ``content`` atomically (temp file + rename), only if it differs from the file."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        old: bytes | None = path.read_bytes()
    except FileNotFoundError:
        old = None
    if old == data:
        return FileStatus.UNCHANGED
    status = FileStatus.CREATED if old is None else FileStatus.UPDATED
    if dry_run:
        return status
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # No fsync: the rename is atomic, so a killed run leaves the old file or the new one;
        # syncing every file would triple the time of a large build for power-loss safety
        # that git, which holds these files, gives anyway.
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if old is not None:
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return status


def read_text(path: Path) -> str | None:
    """A file's text, or None when it is missing or unreadable."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def templates_on_disk(config: Config) -> list[tuple[str, Path]]:
    """Every template as (article name, path), sorted."""
    base = config.locales_path / "templates"
    if not base.is_dir():
        return []
    return sorted(named_below(base, ".pot"))


def named_below(base: Path, suffix: str) -> list[tuple[str, Path]]:
    """What ``base.rglob("*" + suffix)`` finds, in the order of the sorted paths, each with
    its name (the path below ``base``, ``/``-separated, without the suffix).

    Walked with :func:`os.scandir`, as rglob does (links to folders are not followed), but
    without a Path object for every entry: a large project has tens of thousands.
    """
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(folder: str, parts: tuple[str, ...]) -> None:
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except PermissionError:
            return
        for entry in listed:
            if entry.name.endswith(suffix):
                found.append(((*parts, entry.name), entry.path))
            try:
                below = entry.is_dir(follow_symlinks=False)
            except OSError:
                below = False
            if below:
                walk(entry.path, (*parts, entry.name))

    walk(str(base), ())
    found.sort()
    return [("/".join(parts)[: -len(suffix)], Path(path)) for parts, path in found]


def confined(config: Config, relative: str, article: Article | None = None, *,
             folders: dict[Path, Path] | None = None) -> Path:
    """The output file, refused when it (or a link on its way) leads outside ``output_dir``.

    ``folders`` keeps the folders resolved so far in this run: a run writes thousands of
    pages into a few folders.
    """
    folders = {} if folders is None else folders
    path = config.output_path / relative
    base = _resolved(config.output_path, folders)
    inside = (_resolved(path.parent, folders) / path.name if not path.is_symlink()
              else path.resolve()).is_relative_to(base)
    if not inside:
        raise ContentError(
            f"refusing to write {config.output_dir}/{relative}: it leads outside "
            f"{config.output_dir}/ (a symbolic link?); remove the link"
            + (" or rename the article" if article else ""),
            article.path if article else config.output_dir, 1 if article else None)
    return path


def _resolved(folder: Path, known: dict[Path, Path]) -> Path:
    """A folder with every link on its way followed, remembered for the rest of the run."""
    found = known.get(folder)
    if found is None:
        found = known[folder] = folder.resolve()
    return found


def remove(config: Config, report: Report, path: Path) -> None:
    """Remove an output file that should not be there any more, and say so."""
    if not path.is_file():
        return
    shown = display(config, path)
    try:
        path.unlink()
    except OSError as e:
        report.errors.append(LocpipeError(f"cannot remove: {e.strerror}", shown))
        report.files.append(FileResult(shown, FileStatus.FAILED))
        return
    report.files.append(FileResult(shown, FileStatus.REMOVED))
