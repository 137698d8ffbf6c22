"""Which files are articles: every ``*.md`` below the content folder, in a stable order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Config


@dataclass(frozen=True)
class SourceFile:
    """An article file on disk and the name its templates and catalogues are filed under."""

    name: str
    path: Path
    display: str
    """The path as shown to users and written into references (relative, ``/``-separated)."""


def find_articles(config: Config) -> list[SourceFile]:
    """List the articles sorted by name, so every command walks them in the same order."""
    base = config.content_path
    if not base.is_dir():
        return []
    found = []
    for path in base.rglob("*.md"):
        if not path.is_file():
            continue
        rel = path.relative_to(base)
        name = rel.with_suffix("").as_posix()
        display = path.relative_to(config.root).as_posix()
        found.append(SourceFile(name=name, path=path, display=display))
    return sorted(found, key=lambda f: f.name)


def find_assets(config: Config) -> list[tuple[str, Path]]:
    """Every other file below the content folder (images and the like), as (name, path).

    Hidden files and folders are left out; the name is the path below the content folder.
    """
    base = config.content_path
    if not base.is_dir():
        return []
    found = []
    for path in base.rglob("*"):
        rel = path.relative_to(base)
        if not path.is_file() or path.suffix == ".md":
            continue
        if any(part.startswith(".") for part in rel.parts):
            continue
        found.append((rel.as_posix(), path))
    return sorted(found)
