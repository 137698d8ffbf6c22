"""The build cache: what each step made of which inputs, by content hash.

``.locpipe-cache/build.sqlite3`` remembers, for every step of every article (extract,
update, compile, render, coverage, checks), a key made of the content hashes of everything
the step reads (the article, its template and catalogues, the configuration, locpipe's own
code and the libraries whose output it writes) and what came out: the hashes of the files it
wrote and the numbers its report shows. A step whose key is unchanged, and whose files are
still as it wrote them, does not run again.

The cache never changes a result: a key covers every input, an entry counts only while the
files it wrote are unchanged, and the folder may be deleted at any time (an unreadable cache
is ignored). Inputs are read and hashed on every run; the files locpipe writes itself (pages,
``.mo``) are recognised by inode, size and times as they were right after writing, and
hashed again only when those differ. Nothing is written to the cache unless a step has
something new to remember, so a run that changes nothing leaves it byte for byte as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

FOLDER = ".locpipe-cache"
"""The cache folder in the project (gitignored; also holds translate's answers)."""
FILE = "build.sqlite3"
_SCHEMA = 1
_LIBRARIES = ("polib", "pyromark", "babel", "jinja2", "pyyaml", "tomlkit", "rapidfuzz",
              "markupsafe")
"""Libraries whose behaviour shows in what locpipe writes: a new version invalidates."""

Signature = tuple[int, int, int, int]
"""What ``stat`` says of a file: inode, size, modification and change times (ns)."""


def digest(data: bytes) -> str:
    """The content hash of some bytes."""
    return hashlib.sha256(data).hexdigest()[:40]


def key(*parts: object) -> str:
    """A key for a step: the hash of its inputs, given as JSON-able values."""
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str)
    return digest(text.encode("utf-8"))


def signature(path: Path) -> Signature | None:
    """The file's identity as ``stat`` tells it, or None if it is not a regular file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@cache
def code_version() -> str:
    """A hash of locpipe's own source and templates, and of the libraries' versions."""
    package = Path(__file__).resolve().parent
    parts = []
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".html", ".css", ".j2", ".txt"}:
            parts.append(f"{path.relative_to(package).as_posix()}:{digest(path.read_bytes())}")
    for name in _LIBRARIES:
        try:
            parts.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name}=?")
    return key(_SCHEMA, parts)


def folder_version(folder: Path | None) -> str:
    """A hash of every file below a folder (the user's HTML templates), or '' without one."""
    if folder is None or not folder.is_dir():
        return ""
    return key([(p.relative_to(folder).as_posix(), digest(p.read_bytes()))
                for p in sorted(folder.rglob("*")) if p.is_file()])


@dataclass
class Store:
    """The cache as one run sees it: loaded at the start, written once at the end.

    ``memo`` maps a step's slot (``"render:blog/a"``) to the key it last ran with and what it
    made (JSON text); ``files`` maps a file locpipe wrote to its signature and hash then.
    """

    path: Path | None
    memo: dict[str, tuple[str, str]] = field(default_factory=dict)
    files: dict[str, tuple[Signature, str]] = field(default_factory=dict)
    items_known: set[str] = field(default_factory=set)
    """Hashes of the catalogues whose translation-memory items are stored."""
    _new_memo: dict[str, tuple[str, str]] = field(default_factory=dict)
    _new_files: dict[str, tuple[Signature, str]] = field(default_factory=dict)
    _new_items: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def open(cls, root: Path, *, enabled: bool = True) -> Store:
        """Load the project's cache; a missing, disabled or unreadable one is empty."""
        path = root / FOLDER / FILE
        store = cls(path if enabled else None)
        if not enabled or not path.is_file():
            return store
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                                    timeout=5)) as db:
                if _version(db) != _SCHEMA:
                    return store
                store.memo = {slot: (k, v) for slot, k, v in
                              db.execute("SELECT slot, key, value FROM memo")}
                for name, sig, digest_ in db.execute("SELECT path, sig, hash FROM files"):
                    ino, size, mtime, ctime = json.loads(sig)
                    store.files[name] = ((ino, size, mtime, ctime), digest_)
                store.items_known = {h for (h,) in db.execute("SELECT hash FROM items")}
        except (sqlite3.Error, ValueError, TypeError):
            return cls(path)
        return store

    # -- reading ------------------------------------------------------------------------

    def lookup(self, slot: str) -> tuple[str, str] | None:
        return self.memo.get(slot)

    def items(self, hashes: Iterable[str]) -> dict[str, list[list[object]]]:
        """The translation-memory items stored for these catalogue hashes."""
        wanted = [h for h in hashes if h in self.items_known or h in self._new_items]
        found: dict[str, list[list[object]]] = {}
        for h in wanted:
            if h in self._new_items:
                found[h] = json.loads(zlib.decompress(self._new_items[h]))
        rest = [h for h in wanted if h not in found]
        if not rest or self.path is None:
            return found
        try:
            with contextlib.closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                                    timeout=5)) as db:
                for start in range(0, len(rest), 500):
                    chunk = rest[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    for h, data in db.execute(
                            f"SELECT hash, data FROM items WHERE hash IN ({marks})", chunk):
                        found[h] = json.loads(zlib.decompress(data))
        except (sqlite3.Error, zlib.error, ValueError):
            pass
        return found

    def file_hash(self, path: Path, name: str) -> str | None:
        """The content hash of a file locpipe wrote, from its signature when that is unchanged.

        None if the file does not exist. A file whose signature changed is read and hashed,
        and its new signature remembered.
        """
        sig = signature(path)
        if sig is None:
            return None
        known = self.files.get(name)
        if known is not None and known[0] == sig:
            return known[1]
        try:
            data = path.read_bytes()
        except OSError:
            return None
        found = digest(data)
        if signature(path) == sig:
            self.files[name] = self._new_files[name] = (sig, found)
        return found

    # -- recording ----------------------------------------------------------------------

    def record(self, slot: str, key_: str, value: str) -> None:
        if self.memo.get(slot) != (key_, value):
            self.memo[slot] = self._new_memo[slot] = (key_, value)

    def record_file(self, name: str, sig: Signature, digest_: str) -> None:
        if self.files.get(name) != (sig, digest_):
            self.files[name] = self._new_files[name] = (sig, digest_)

    def record_items(self, digest_: str, items: Sequence[Sequence[object]]) -> None:
        if digest_ not in self.items_known and digest_ not in self._new_items:
            data = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
            self._new_items[digest_] = zlib.compress(data.encode("utf-8"), 1)

    @property
    def dirty(self) -> bool:
        return bool(self._new_memo or self._new_files or self._new_items)

    def save(self, *, live_items: Mapping[str, object] | None = None) -> None:
        """Write what this run learnt, in one transaction; do nothing if it learnt nothing.

        ``live_items``, if given, holds the hashes of the catalogues as they are now: stored
        memory items of other versions are dropped. A cache that cannot be written is left
        alone; the next run simply has less to skip.
        """
        if self.path is None or not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by locpipe\n*\n", encoding="utf-8")
            with contextlib.closing(sqlite3.connect(self.path, timeout=10)) as db:
                _create(db)
                with db:
                    db.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?, ?)",
                                   [(s, k, v) for s, (k, v) in self._new_memo.items()])
                    db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)",
                                   [(n, json.dumps(list(sig)), h)
                                    for n, (sig, h) in self._new_files.items()])
                    db.executemany("INSERT OR REPLACE INTO items VALUES (?, ?)",
                                   list(self._new_items.items()))
                    if live_items is not None:
                        stale = (self.items_known | set(self._new_items)) - set(live_items)
                        db.executemany("DELETE FROM items WHERE hash = ?",
                                       [(h,) for h in stale])
        except (sqlite3.Error, OSError):
            return
        self._new_memo.clear()
        self._new_files.clear()
        self._new_items.clear()


def _version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _create(db: sqlite3.Connection) -> None:
    if _version(db) == _SCHEMA:
        return
    with db:
        for table in ("memo", "files", "items"):
            db.execute(f"DROP TABLE IF EXISTS {table}")
        db.execute("CREATE TABLE memo (slot TEXT PRIMARY KEY, key TEXT, value TEXT)")
        db.execute("CREATE TABLE files (path TEXT PRIMARY KEY, sig TEXT, hash TEXT)")
        db.execute("CREATE TABLE items (hash TEXT PRIMARY KEY, data BLOB)")
        db.execute(f"PRAGMA user_version = {_SCHEMA}")
