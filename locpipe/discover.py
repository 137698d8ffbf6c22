"""Which files are articles: every ``*.md`` below the content folder, in a stable order; and
which templates and catalogues have lost theirs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import ContentError
from .files import named_below, templates_on_disk


@dataclass(frozen=True)
class SourceFile:
    """An article file on disk and the name its templates and catalogues are filed under."""

    name: str
    path: Path
    display: str
    """The path as shown to users and written into references (relative, ``/``-separated)."""


def find_articles(config: Config) -> tuple[list[SourceFile], list[ContentError]]:
    """List the articles sorted by name, and the files that cannot be articles and why.

    A link that leads outside the project is refused (content must not pull in files from
    elsewhere), and so are two files whose names differ only in case: on macOS and Windows
    they would share one catalogue.
    """
    base = config.content_path
    if not base.is_dir():
        return [], []
    root = config.root.resolve()
    found: list[SourceFile] = []
    errors: list[ContentError] = []
    folders: dict[Path, bool] = {}
    for path in base.rglob("*.md"):
        display = path.relative_to(config.root).as_posix()
        if not _inside(path, root, folders):
            errors.append(ContentError(
                "a link to a file outside the project; copy the article into "
                f"{config.content_dir}/ instead", display))
            continue
        if not path.is_file():
            continue
        name = path.relative_to(base).with_suffix("").as_posix()
        found.append(SourceFile(name=name, path=path, display=display))
    by_folded: dict[str, list[SourceFile]] = defaultdict(list)
    for source in found:
        by_folded[source.name.casefold()].append(source)
    clashing = {s.name for group in by_folded.values() if len(group) > 1 for s in group}
    for source in found:
        if source.name in clashing:
            others = [s.display for s in by_folded[source.name.casefold()] if s is not source]
            errors.append(ContentError(
                f"its name differs only in case from {', '.join(others)}; both would share "
                "one catalogue on case-insensitive systems: rename one of them",
                source.display))
    kept = sorted((s for s in found if s.name not in clashing), key=lambda s: s.name)
    return kept, sorted(errors, key=lambda e: str(e.path))


def find_assets(config: Config) -> list[tuple[str, Path]]:
    """Every other file below the content folder (images and the like), as (name, path).

    Hidden files and folders are left out; the name is the path below the content folder.
    """
    base = config.content_path
    if not base.is_dir():
        return []
    root = config.root.resolve()
    found = []
    folders: dict[Path, bool] = {}
    for path in base.rglob("*"):
        rel = path.relative_to(base)
        if not path.is_file() or path.suffix == ".md":
            continue
        if not _inside(path, root, folders):
            continue  # a link out of the project: never copied into the output
        if any(part.startswith(".") for part in rel.parts):
            continue
        found.append((rel.as_posix(), path))
    return sorted(found)


def _inside(path: Path, root: Path, folders: dict[Path, bool]) -> bool:
    """Whether the file, links followed, is inside ``root``; each folder resolved once."""
    if path.is_symlink():
        return path.resolve().is_relative_to(root)
    inside = folders.get(path.parent)
    if inside is None:
        inside = folders[path.parent] = path.parent.resolve().is_relative_to(root)
    return inside


def find_orphans(
    config: Config, catalogues: Mapping[str, Sequence[tuple[str, Path]]] | None = None
) -> dict[str, list[Path]]:
    """The templates and catalogues (with their ``.mo`` files) whose article is gone, by the
    missing article's name, each list sorted; ``catalogues`` as found already, by locale.

    They hold translators' work, so nothing removes them but ``prune --orphans``.
    """
    gone: dict[str, bool] = {}

    def missing(name: str) -> bool:
        found = gone.get(name)
        if found is None:
            found = gone[name] = not (config.content_path / f"{name}.md").is_file()
        return found

    orphans: dict[str, list[Path]] = defaultdict(list)
    for name, path in templates_on_disk(config):
        if missing(name):
            orphans[name].append(path)
    for locale in config.locales:
        if catalogues is not None:
            listed = catalogues.get(locale, [])
        else:
            folder = config.locales_path / locale / "LC_MESSAGES"
            listed = named_below(folder, ".po") if folder.is_dir() else []
        for name, path in listed:
            if missing(name):
                orphans[name].append(path)
                compiled = path.with_suffix(".mo")
                if compiled.is_file():
                    orphans[name].append(compiled)
    return {name: orphans[name] for name in sorted(orphans)}
