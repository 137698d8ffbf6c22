"""The build cache: what each step made of which inputs, by content hash.

``.locpipe-cache/build.sqlite3`` remembers, for every step of every article (extract,
update, compile, render, coverage, checks), a key made of the content hashes of everything
the step reads (the article, its template and catalogues, the configuration, locpipe's own
code and the libraries whose output it writes) and what came out: the hashes of the files it
wrote and the numbers its report shows. A step whose key is unchanged, and whose files are
still as it wrote them, does not run again.

The cache never changes a result: a key covers every input, an entry counts only while the
files it wrote are unchanged, and the folder may be deleted at any time (an unreadable cache
is ignored). Files (the inputs, and the pages and ``.mo`` files locpipe writes) are
recognised by inode, size and times as they were when last hashed (after writing, or
reading), and read and hashed again only when those differ: ``ctime`` changes with every
write and cannot be set back. Nothing is written to the cache unless a step has
something new to remember, so a run that changes nothing leaves it byte for byte as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import pickle
import re
import sqlite3
import sys
import tempfile
import zlib
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

FOLDER = ".locpipe-cache"
"""The cache folder in the project (gitignored; also holds translate's answers)."""
FILE = "build.sqlite3"
_SCHEMA = 7
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


def signature(path: str | Path) -> Signature | None:
    """The file's identity as ``stat`` tells it, or None if it is not a regular file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    # Kept to 63 bits: SQLite stores signed 64-bit integers (times in ns fit until 2262).
    return (st.st_ino & _INT63, st.st_size, st.st_mtime_ns & _INT63, st.st_ctime_ns & _INT63)


_INT63 = (1 << 63) - 1


@cache
def code_version() -> str:
    """A hash of locpipe's own source and templates, and of the libraries' versions."""
    package = Path(__file__).resolve().parent
    parts = []
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".html", ".css", ".j2", ".txt"}:
            parts.append(f"{path.relative_to(package).as_posix()}:{digest(path.read_bytes())}")
    return key(_SCHEMA, parts, _installed(_LIBRARIES))


def _installed(projects: Iterable[str]) -> list[str]:
    """The installed distributions of these projects, by their metadata folders' names
    (``PyYAML-6.0.1.dist-info``): reading them is much faster than importlib.metadata."""
    wanted = {p.lower().replace("-", "_") for p in projects}
    found: set[str] = set()
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        found.update(name for name in names if name.endswith((".dist-info", ".egg-info"))
                     and name.split("-", 1)[0].lower().replace("-", "_") in wanted)
    return sorted(found)


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
    made (JSON text, compressed when long: see :func:`pack`); ``files`` maps a file locpipe
    wrote to its signature and hash then.
    """

    path: Path | None
    memo: dict[str, tuple[str, Packed]] = field(default_factory=dict)
    files: dict[str, tuple[Signature, str]] = field(default_factory=dict)
    items_known: set[str] = field(default_factory=set)
    """Hashes of the catalogues whose translation-memory items are stored."""
    indexed: bool = False
    """Whether the items are indexed for lookups (SQLite has full-text search)."""
    _new_memo: dict[str, tuple[str, Packed]] = field(default_factory=dict)
    _new_files: dict[str, tuple[Signature, str]] = field(default_factory=dict)
    _new_items: dict[str, Sequence[Item]] = field(default_factory=dict)
    _spool: Spool | None = None

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
                store.files = {name: ((ino, size, mtime, ctime), digest_)
                               for name, ino, size, mtime, ctime, digest_ in
                               db.execute("SELECT * FROM files")}
                store.items_known = {h for (h,) in db.execute("SELECT hash FROM catalogues")}
                store.indexed = _has_words(db)
        except (sqlite3.Error, ValueError, TypeError):
            return cls(path)
        return store

    # -- reading ------------------------------------------------------------------------

    def lookup(self, slot: str) -> tuple[str, str] | None:
        found = self.memo.get(slot)
        return None if found is None else (found[0], unpack(found[1]))

    def items(self, hashes: Iterable[str]) -> dict[str, list[Item]]:
        """The translation-memory items stored for these catalogue hashes."""
        wanted = set(hashes)
        found = {h: list(self._new_items[h]) for h in wanted if h in self._new_items}
        rest = [h for h in wanted - set(found) if h in self.items_known]
        if not rest or self.path is None:
            return found
        try:
            with contextlib.closing(self._connect()) as db:
                for start in range(0, len(rest), 500):
                    chunk = rest[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    for h, msgid, msgctxt, msgstr, obsolete in db.execute(
                            "SELECT c.hash, i.msgid, i.msgctxt, i.msgstr, i.obsolete FROM items i "
                            f"JOIN catalogues c ON c.id = i.cat WHERE c.hash IN ({marks}) "
                            "ORDER BY i.cat, i.n", chunk):
                        found.setdefault(h, []).append((msgid, msgctxt, msgstr, bool(obsolete)))
        except sqlite3.Error:
            pass
        return found

    def rows(self, catalogues: Sequence[tuple[str, str]], *,
             extra: Mapping[int, tuple[str, Sequence[Item]]]) -> MemoryRows | None:
        """The items of these catalogues (origin, hash), in that order, for lookups.

        ``extra`` holds, by rank, the catalogues the cache does not hold yet. None when
        there is no cache, or too little of the memory is in it: it is then built whole.
        """
        if self.path is None or not self.path.is_file() or len(extra) > EXTRA:
            return None
        known = [(rank, origin, h) for rank, (origin, h) in enumerate(catalogues)
                 if rank not in extra]
        if any(h not in self.items_known for _, _, h in known):
            return None
        try:
            db = self._connect()
            if not _has_words(db):
                db.close()
                return None
            return MemoryRows(db, known, extra)
        except sqlite3.Error:
            return None

    def _connect(self) -> sqlite3.Connection:
        # Autocommit: a reader must not hold a transaction (its temporary tables would start
        # one) that keeps this run's own writes waiting.
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5,
                               isolation_level=None)

    def file_hash(self, path: str | Path, name: str) -> str | None:
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
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        found = digest(data)
        if signature(path) == sig:
            self.files[name] = self._new_files[name] = (sig, found)
        return found

    # -- recording ----------------------------------------------------------------------

    def record(self, slot: str, key_: str, value: Packed) -> None:
        """Remember what a step made (JSON text, or already packed by a worker)."""
        packed = pack(value) if isinstance(value, str) else value
        if self.memo.get(slot) != (key_, packed):
            self.memo[slot] = self._new_memo[slot] = (key_, packed)

    def record_file(self, name: str, sig: Signature, digest_: str) -> None:
        if self.files.get(name) != (sig, digest_):
            self.files[name] = self._new_files[name] = (sig, digest_)

    def record_items(self, digest_: str, items: Sequence[Item]) -> None:
        """Keep a catalogue's memory items, indexed for lookups (see :class:`MemoryRows`)."""
        if digest_ not in self.items_known and digest_ not in self._new_items:
            self._new_items[digest_] = items

    def record_indexed(self, digest_: str, packed: bytes) -> None:
        """Keep a catalogue's memory items as a job indexed and packed them
        (:func:`pack_indexed`), on disk until the cache is written."""
        if self.path is None or digest_ in self.items_known or digest_ in self._new_items:
            return
        if self._spool is None:
            self._spool = Spool()
        self._spool.add(digest_, packed)

    def has_items(self, digest_: str) -> bool:
        """Whether the cache holds, or this run will store, the items of this version."""
        return (digest_ in self.items_known or digest_ in self._new_items
                or (self._spool is not None and digest_ in self._spool))

    @property
    def has_index(self) -> bool:
        """Whether the cache holds a translation-memory index to query."""
        return self.indexed

    @property
    def has_new_items(self) -> bool:
        return bool(self._new_items)

    @property
    def dirty(self) -> bool:
        return bool(self._new_memo or self._new_files or self._new_items or self._spool)

    def save(self, *, live_items: Collection[str] | None = None,
             more_items: Iterable[tuple[str, Sequence[Item] | Indexed]] = ()) -> None:
        """Write what this run learnt, in one transaction; do nothing if it learnt nothing.

        ``live_items``, if given, holds the hashes of the catalogues as they are now: stored
        memory items of other versions are dropped, and ``more_items`` (read as they are
        written, so they need not all be in memory at once) are added. A cache that cannot
        be written is left alone; the next run simply has less to skip.
        """
        more_items = iter(more_items)
        first = next(more_items, None)
        if first is not None:
            more_items = itertools.chain([first], more_items)
        if self.path is None or not (self.dirty or first is not None):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by locpipe\n*\n", encoding="utf-8")
            try:
                self._write(live_items, more_items)
            except sqlite3.DatabaseError as e:
                if isinstance(e, sqlite3.OperationalError):
                    raise  # locked, full disk...: leave it be
                # Not a database (any more): start a new one.
                for stale in (self.path, self.path.with_name(self.path.name + "-journal")):
                    stale.unlink(missing_ok=True)
                self._write(live_items, more_items)
        except (sqlite3.Error, OSError):
            return
        self._new_memo.clear()
        self._new_files.clear()
        self._new_items.clear()
        if self._spool is not None:
            self._spool.close()
            self._spool = None


    def _write(self, live_items: Collection[str] | None,
               more_items: Iterable[tuple[str, Sequence[Item] | Indexed]]) -> None:
        with contextlib.closing(sqlite3.connect(self.path or "", timeout=10)) as db:
            _create(db)
            with db:
                db.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?, ?)",
                               [(s, k, v) for s, (k, v) in self._new_memo.items()])
                db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                               [(n, *sig, h) for n, (sig, h) in self._new_files.items()])
                live = None if live_items is None else set(live_items)
                if live is not None:  # first, so that a rebuilt word index is smaller
                    _drop_items(db, live)
                spooled: Iterable[tuple[str, Sequence[Item] | Indexed]] = (
                    self._spool if self._spool is not None else ())
                for digest_, items in itertools.chain(self._new_items.items(), spooled,
                                                      more_items):
                    if live is None or digest_ in live:
                        _store_items(db, digest_, items)


Packed = str | bytes
"""A step's record: JSON text, or that text compressed (see :func:`pack`)."""
_PACK_FROM = 512


def pack(value: str) -> Packed:
    """Long records compressed: an update remembers the text of every question it asked the
    memory, which for a large untranslated project is most of its text (at 10,000 articles,
    hundreds of megabytes held until the run ends)."""
    if len(value) < _PACK_FROM:
        return value
    return zlib.compress(value.encode("utf-8"), 1)


def unpack(value: Packed) -> str:
    return zlib.decompress(value).decode("utf-8") if isinstance(value, bytes) else value


EXTRA = 32
"""Catalogues the cache does not hold that a lookup in it may add, filtered one by one."""
Item = tuple[str, str | None, str, bool]
"""A memory item: msgid, msgctxt, msgstr, obsolete (see :func:`locpipe.memory.catalogue_items`)."""
Row = tuple[tuple[bool, int, int], str, str | None, str, str]
"""An item as a lookup reads it (see :data:`locpipe.memory.Row`)."""


_ENTRY_BITS = 20
"""A memory item's row in the word index is its catalogue's id shifted by this, plus its
number: catalogues of more entries than this allows are not indexed."""
_USABLE = re.compile(
    "[0-9A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u05d0-\u05ea\u0620-\u064a"
    "\u3041-\u3096\u30a1-\u30fa\u4e00-\u9fcb\uac00-\ud7a3]")
"""Letters that SQLite's full-text tokenizer (Unicode 6.1) surely keeps in words: a word
with one of them can be looked up in the index; any other word is looked for in all texts."""


def _text_key(msgid: str) -> int:
    """A short key of a text, for looking it up (the text itself is compared after)."""
    return zlib.crc32(msgid.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Indexed:
    """A catalogue's memory items as the index stores them, without its id (given when
    stored): rows (entry, msgid, msgctxt, msgstr, obsolete, width, long, key) and the
    words of the long texts by entry. Made where the catalogue is read, a worker process
    for many, so that the process writing the cache only writes."""

    rows: list[tuple[int, str, str | None, str, int, int, int, int]]
    words: list[tuple[int, str]]


def index_items(items: Sequence[Item]) -> Indexed:
    from .similarity import MIN_WORDS, tokens

    rows, words = [], []
    for n, (msgid, msgctxt, msgstr, obsolete) in enumerate(items):
        found = tokens(msgid)
        long = len(found) >= MIN_WORDS
        rows.append((n, msgid, msgctxt, msgstr, int(obsolete), len(msgid.lower()), int(long),
                     _text_key(msgid)))
        if long:
            words.append((n, " ".join(found)))
    return Indexed(rows, words)


def pack_indexed(indexed: Indexed) -> bytes:
    """A catalogue's indexed items as a job sends them to the process writing the cache."""
    return zlib.compress(pickle.dumps((indexed.rows, indexed.words), protocol=5), 1)


def unpack_indexed(packed: bytes) -> Indexed:
    rows, words = pickle.loads(zlib.decompress(packed))
    return Indexed(rows, words)


class Spool:
    """Packed memory items in a temporary file until the cache is written: those of every
    catalogue of a cold 10,000-article build would take hundreds of megabytes of memory."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self._where: dict[str, tuple[int, int]] = {}
        self._end = 0

    def add(self, digest_: str, packed: bytes) -> None:
        if digest_ in self._where:
            return
        self._file.seek(self._end)
        self._file.write(packed)
        self._where[digest_] = (self._end, len(packed))
        self._end += len(packed)

    def __contains__(self, digest_: object) -> bool:
        return digest_ in self._where

    def __len__(self) -> int:
        return len(self._where)

    def __iter__(self) -> Iterator[tuple[str, Indexed]]:
        for digest_, (start, size) in self._where.items():
            self._file.seek(start)
            yield digest_, unpack_indexed(self._file.read(size))

    def close(self) -> None:
        self._file.close()


def _store_items(db: sqlite3.Connection, digest_: str, items: Sequence[Item] | Indexed
                 ) -> None:
    indexed = items if isinstance(items, Indexed) else index_items(items)
    if len(indexed.rows) >= 1 << _ENTRY_BITS:
        return
    cursor = db.execute("INSERT OR IGNORE INTO catalogues (hash) VALUES (?)", (digest_,))
    if not cursor.rowcount:
        return
    cat = int(cursor.lastrowid or 0)
    db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [(cat, *row) for row in indexed.rows])
    if _has_words(db):
        db.executemany("INSERT INTO words (rowid, text) VALUES (?, ?)",
                       [((cat << _ENTRY_BITS) | n, text) for n, text in indexed.words])


def _has_words(db: sqlite3.Connection) -> bool:
    found = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'words'").fetchone()
    return found is not None


def _drop_items(db: sqlite3.Connection, live: set[str]) -> None:
    """Forget the items of catalogue versions that are gone, once they are many."""
    stored = dict(db.execute("SELECT hash, id FROM catalogues").fetchall())
    stale = [stored[h] for h in stored.keys() - live]
    if len(stale) * 4 < len(stored):
        return
    words = _has_words(db)
    # The word index keeps no texts: an entry leaves it only when given its words again.
    # When most versions are stale (an update that touched most catalogues), emptying the
    # index and indexing the few live texts again is far cheaper than that.
    rebuild = words and len(stale) * 2 >= len(stored)
    if words and not rebuild:
        _unindex(db, stale)
    db.execute("CREATE TEMP TABLE IF NOT EXISTS stale (cat INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM temp.stale")
    db.executemany("INSERT INTO temp.stale VALUES (?)", [(cat,) for cat in stale])
    db.execute("DELETE FROM items WHERE cat IN (SELECT cat FROM temp.stale)")
    db.execute("DELETE FROM catalogues WHERE id IN (SELECT cat FROM temp.stale)")
    db.execute("DROP TABLE temp.stale")
    if rebuild:
        _reindex(db)


def _unindex(db: sqlite3.Connection, cats: Iterable[int]) -> None:
    from .similarity import tokens

    for cat in cats:
        texts = db.execute("SELECT n, msgid FROM items WHERE cat = ? AND long = 1",
                           (cat,)).fetchall()
        db.executemany("INSERT INTO words (words, rowid, text) VALUES ('delete', ?, ?)",
                       [((cat << _ENTRY_BITS) | n, " ".join(tokens(msgid)))
                        for n, msgid in texts])


def _reindex(db: sqlite3.Connection) -> None:
    """The word index made anew from the items kept."""
    from .similarity import tokens

    db.execute("INSERT INTO words (words) VALUES ('delete-all')")
    texts = db.execute("SELECT cat, n, msgid FROM items WHERE long = 1").fetchall()
    db.executemany("INSERT INTO words (rowid, text) VALUES (?, ?)",
                   (((cat << _ENTRY_BITS) | n, " ".join(tokens(msgid)))
                    for cat, n, msgid in texts))


def _phrase(element: str) -> str | None:
    """The full-text query for a word element (``word\x01k``), or None if it has no
    letters the index surely keeps."""
    word = element.split("\x01", 1)[0]
    if not _USABLE.search(word):
        return None
    return '"' + word.replace('"', '""') + '"'


class MemoryRows:
    """The translation memory of some catalogues, read from the cache query by query.

    Implements :class:`locpipe.memory.Rows`: each row carries the item's place in the
    memory (obsolete last, then the catalogue's rank, then the entry), which decides ties.
    Words are found in SQLite's full-text index of the texts, by phrase: a text holding a
    word holds the phrase the tokenizer makes of it, so no candidate is missed.
    """

    _COLUMNS = ("SELECT i.obsolete, l.rank, i.n, i.msgid, i.msgctxt, i.msgstr, l.origin "
                "FROM items i JOIN live l ON l.cat = i.cat ")
    _UNKNOWN = 1 << 62
    """The count given to a word the index cannot look up: it is chosen last."""

    def __init__(self, db: sqlite3.Connection, known: Sequence[tuple[int, str, str]],
                 extra: Mapping[int, tuple[str, Sequence[Item]]]) -> None:
        from .memory import element_keys

        self.db = db
        ids = dict(db.execute("SELECT hash, id FROM catalogues").fetchall())
        db.execute("CREATE TEMP TABLE live (rank INTEGER PRIMARY KEY, cat INTEGER, "
                   "origin TEXT)")
        db.execute("CREATE INDEX live_cat ON live (cat)")
        db.execute("CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, words, 'row')")
        db.executemany("INSERT INTO live VALUES (?, ?, ?)",
                       [(rank, ids[h], origin) for rank, origin, h in known])
        self.extra = [(((bool(obsolete), rank, n), msgid, msgctxt, msgstr, origin),
                       frozenset(element_keys(msgid)))
                      for rank, (origin, items) in extra.items()
                      for n, (msgid, msgctxt, msgstr, obsolete) in enumerate(items)]

    def close(self) -> None:
        self.db.close()

    def _rows(self, sql: str, parameters: Sequence[object]) -> list[Row]:
        return [((bool(obsolete), rank, n), msgid, msgctxt, msgstr, origin)
                for obsolete, rank, n, msgid, msgctxt, msgstr, origin
                in self.db.execute(sql, parameters)]

    def exact(self, msgid: str) -> list[Row]:
        return self._rows(self._COLUMNS + "WHERE i.key = ? AND i.msgid = ?",
                          (_text_key(msgid), msgid)) + [
            row for row, _ in self.extra if row[1] == msgid]

    def counts(self, elements: Sequence[str]) -> dict[str, int]:
        """Roughly how common each word is (only the order of the words depends on it)."""
        words = {e: e.split("\x01", 1)[0].lower() for e in elements}
        terms = sorted(set(words.values()))
        marks = ",".join("?" * len(terms))
        known: dict[str, int] = dict(self.db.execute(
            f"SELECT term, doc FROM vocabulary WHERE term IN ({marks})", terms).fetchall())
        return {e: known.get(w, 0) if _phrase(e) is not None else self._UNKNOWN
                for e, w in words.items()}

    def containing(self, elements: Sequence[str]) -> list[Row]:
        phrases = [_phrase(e) for e in elements]
        extra = [row for row, held in self.extra if not held.isdisjoint(elements)]
        if any(p is None for p in phrases):
            return self._rows(self._COLUMNS + "WHERE i.long = 1", ()) + extra
        if not phrases:
            return extra
        query = " OR ".join(dict.fromkeys(p for p in phrases if p is not None))
        return self._rows(
            self._COLUMNS + f"WHERE (i.cat, i.n) IN (SELECT rowid >> {_ENTRY_BITS}, "
            f"rowid & {(1 << _ENTRY_BITS) - 1} FROM words WHERE words MATCH ?)",
            (query,)) + extra

    def widths(self, low: int, high: int, *, short_only: bool) -> list[Row]:
        # By (long, width): the short texts of a length are found without reading the rest.
        kinds = "i.long = 0" if short_only else "i.long IN (0, 1)"
        return self._rows(self._COLUMNS + f"WHERE {kinds} AND i.width BETWEEN ? AND ?",
                          (low, high)) + [
            row for row, held in self.extra
            if low <= len(row[1].lower()) <= high and not (short_only and held)]


def _version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _create(db: sqlite3.Connection) -> None:
    if _version(db) == _SCHEMA:
        return
    with db:
        for table in ("memo", "files", "items", "catalogues", "words"):
            db.execute(f"DROP TABLE IF EXISTS {table}")
        db.execute("CREATE TABLE memo (slot TEXT PRIMARY KEY, key TEXT, value TEXT)")
        db.execute("CREATE TABLE files (path TEXT PRIMARY KEY, ino INTEGER, size INTEGER, "
                   "mtime INTEGER, ctime INTEGER, hash TEXT)")
        # Translation-memory items of every catalogue version seen, indexed for lookups.
        db.execute("CREATE TABLE catalogues (id INTEGER PRIMARY KEY, hash TEXT UNIQUE)")
        db.execute("CREATE TABLE items (cat INTEGER, n INTEGER, msgid TEXT, msgctxt TEXT, "
                   "msgstr TEXT, obsolete INTEGER, width INTEGER, long INTEGER, key INTEGER, "
                   "PRIMARY KEY (cat, n)) WITHOUT ROWID")
        db.execute("CREATE INDEX items_key ON items (key)")
        db.execute("CREATE INDEX items_width ON items (long, width)")
        # The words of the long texts, for near matches (rowid: catalogue id and entry).
        # An SQLite without full-text search has no such table: the memory is then built
        # whole when asked.
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute("CREATE VIRTUAL TABLE words USING fts5(text, content='', "
                       "tokenize='unicode61 remove_diacritics 0')")
        db.execute(f"PRAGMA user_version = {_SCHEMA}")
