"""Plain data shared by the stages: articles, units, coverage and results."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

Key = tuple[str | None, str]
"""An entry's identity in a catalogue: ``(msgctxt, msgid)``."""


class UnitKind(enum.Enum):
    """What a translation unit is in its article.

    Each kind carries both of its names, so a new kind cannot be added without them: its
    ``value`` is what translators are told in the extracted comment (``#. list item``), its
    ``selector`` what ``required`` calls it in the configuration (``"list-item"``; empty for
    front matter, which ``required`` names by key).
    """

    _value_: str
    selector: str

    def __new__(cls, comment: str, selector: str) -> UnitKind:
        member = object.__new__(cls)
        member._value_ = comment
        member.selector = selector
        return member

    @property
    def comment(self) -> str:
        """What the extracted comment calls the kind (``list item``)."""
        return self._value_

    FRONT_MATTER = ("front matter", "")
    HEADING = ("heading", "heading")
    PARAGRAPH = ("paragraph", "paragraph")
    LIST_ITEM = ("list item", "list-item")
    BLOCKQUOTE = ("blockquote", "blockquote")
    TABLE_HEADER = ("table header cell", "table-header")
    TABLE_CELL = ("table cell", "table-cell")
    IMAGE_ALT = ("image alt text", "image-alt")
    FOOTNOTE = ("footnote", "footnote")
    LINK_TITLE = ("link title", "link-title")


KIND_SELECTORS: tuple[str, ...] = tuple(kind.selector for kind in UnitKind if kind.selector)
"""The unit kinds ``required`` accepts beside front-matter keys, in the order of the model."""


@dataclass(frozen=True, slots=True)
class Unit:
    """One translatable piece of an article and where its text sits in the source."""

    kind: UnitKind
    msgid: str
    """The text a translator sees: inline Markdown kept, soft line breaks joined."""
    line: int
    """1-based line of the file where the text starts."""
    start: int
    """Byte offset (in the article's text, without BOM) where the replaceable text starts."""
    end: int
    """Byte offset just past the replaceable text."""
    msgctxt: str | None = None
    detail: str = ""
    """A little more for the translator, such as ``h2`` or the front-matter key."""
    prefix: str = ""
    """What starts a continuation line inside this block (``"> "``, list indentation)."""
    hard_break: str = "\\"
    """How the source writes a hard line break (``"\\"`` or two spaces) before the newline."""
    note: str | None = None
    """A note for translators written by the author next to the text."""
    label: str | None = None
    """For image alt text that doubles as a reference label: the label to keep."""
    multiline: bool = True
    """Whether the block can hold a hard line break (not an ATX heading or a table cell)."""

    @property
    def key(self) -> Key:
        return (self.msgctxt, self.msgid)


@dataclass(frozen=True)
class FrontMatter:
    """The article's front matter: where it sits and what it says."""

    start: int
    end: int
    """Byte offsets of the whole block, delimiters included."""
    body_start: int
    body_end: int
    """Byte offsets of the text between the delimiters."""
    data: Mapping[str, object]
    lang_span: tuple[int, int] | None = None
    """Byte offsets of the value of a top-level ``lang`` key, if there is one (YAML)."""
    format: str = "yaml"
    """``yaml`` (between ``---`` lines) or ``toml`` (between ``+++`` lines, as Hugo writes)."""
    template: bool = False
    """Not YAML or TOML but a template (``{{ .Title }}``): kept byte for byte, not read."""


@dataclass(frozen=True)
class Article:
    """A source article cut into units; the text is kept so rendering can splice it."""

    name: str
    """Path below ``content_dir`` without ``.md``, with ``/`` separators."""
    path: str
    """Path of the file as shown to users, relative to the project root."""
    lang: str
    text: str
    """The file's text without a BOM, line endings as they were."""
    units: tuple[Unit, ...]
    front_matter: FrontMatter | None = None
    bom: bool = False
    newline: str = "\n"
    references: frozenset[str] = frozenset()
    """Normalised labels of the link reference definitions, which units may use."""
    notes: tuple[tuple[int, str], ...] = ()
    """What an author should know about how the article was read (line, message):
    ``check`` shows them as warnings."""

    @property
    def title(self) -> str:
        if self.front_matter is not None:
            title = self.front_matter.data.get("title")
            if isinstance(title, str):
                return title
        return self.name


class EntryState(enum.Enum):
    """Where a catalogue entry stands for readers and for coverage."""

    TRANSLATED = "translated"
    FUZZY = "fuzzy"
    UNTRANSLATED = "untranslated"
    OBSOLETE = "obsolete"


@dataclass(frozen=True, slots=True)
class Translation:
    """What a catalogue holds for one entry, as much as rendering needs to decide on it."""

    msgstr: str
    state: EntryState
    previous_msgid: str | None = None
    """The source text the translation was made for, when the source changed since (``#|``)."""
    machine: str | None = None
    """The engine that made it, when a translator comment says it is a machine translation."""


@dataclass(frozen=True, slots=True)
class Counts:
    """How many entries, or source words, are in each state."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0

    @property
    def total(self) -> int:
        """Active entries (obsolete ones are not part of the article any more)."""
        return self.translated + self.fuzzy + self.untranslated

    @property
    def ratio(self) -> Fraction:
        """Exact share translated; an empty catalogue counts as complete."""
        return Fraction(self.translated, self.total) if self.total else Fraction(1)

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.translated + other.translated,
            self.fuzzy + other.fuzzy,
            self.untranslated + other.untranslated,
            self.obsolete + other.obsolete,
        )


@dataclass(frozen=True, slots=True)
class Coverage:
    """Coverage of one catalogue, in entries and in source words."""

    path: str
    article: str
    locale: str
    entries: Counts
    words: Counts


class Severity(enum.Enum):
    """How bad a problem is: errors fail ``check``; warnings fail it only with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found by a check in one catalogue entry."""

    check: str
    severity: Severity
    path: str
    line: int | None
    """1-based line of the entry, or None when the problem is about the whole file."""
    message: str


class FileStatus(enum.Enum):
    """What a command did, or would do, to one file."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REMOVED = "removed"
    FAILED = "failed"
    ORPHANED = "orphaned"
    """A template or catalogue whose article is gone, kept until ``prune --orphans``."""


@dataclass(frozen=True, slots=True)
class FileResult:
    """One file a command wrote or considered, and what happened to it."""

    path: str
    status: FileStatus
    details: Mapping[str, int] = field(default_factory=dict)


class CoverageUnit(enum.Enum):
    """What a coverage threshold counts."""

    ENTRIES = "entries"
    WORDS = "words"


@dataclass(frozen=True, slots=True)
class Message:
    """A catalogue entry as checks and reports see it: plain data, no polib."""

    msgid: str
    msgstr: str
    line: int
    """1-based line of the entry's ``msgid`` in the catalogue."""
    state: EntryState
    msgctxt: str | None = None
    msgid_plural: str = ""
    plural_forms: tuple[str, ...] = ()
    """``msgstr[0]``, ``msgstr[1]``... of a plural entry, in order."""
    flags: tuple[str, ...] = ()
    comment: str = ""
    """The extracted comment (``#.``), which says what the unit is."""
    words: int = 0
    """Source words, as counted for coverage."""


@dataclass(frozen=True)
class Catalogue:
    """One catalogue read for checking and reporting."""

    path: str
    locale: str
    """The target locale (``Language`` header, or the folder it sits in)."""
    messages: tuple[Message, ...]
    metadata: Mapping[str, str] = field(default_factory=dict)
    metadata_lines: Mapping[str, int] = field(default_factory=dict)
    """1-based line of each header field, for messages about the header."""
    definitions: Mapping[str, str] | None = None
    """Reference-link definitions of the source article (normalised label -> URL), if known."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """A publish decision as reports tell it: published or not, why, and how much is in the
    source language (:meth:`locpipe.publish.Decision.verdict`)."""

    article: str
    path: str
    locale: str
    publish: bool
    reasons: tuple[str, ...]
    fallback: int
    """How many distinct units are shown in the source language."""

    @property
    def skipped(self) -> bool:
        return not self.publish


@dataclass(frozen=True, slots=True)
class Summary:
    """An article as its locale's index page lists it."""

    href: str
    title: str
    title_lang: str | None
    description: str | None
    description_lang: str | None
    date: dt.date | None
