"""Cut an article (front matter + Markdown) into translation units, with exact source spans.

This is the only module that knows the Markdown parser. pyromark (pulldown-cmark) gives
a UTF-8 byte range for every block and inline event, which is what lets rendering
replace exactly the translated text and keep every other byte of the source.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyromark
import yaml

from .config import validate_locale
from .errors import ConfigError, ContentError
from .model import Article, FrontMatter, Unit, UnitKind

OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
)

BOM = "\ufeff"
_BLOCK_TAGS = frozenset(
    {
        "Paragraph", "Heading", "BlockQuote", "CodeBlock", "HtmlBlock", "List", "Item",
        "FootnoteDefinition", "Table", "TableHead", "TableRow", "TableCell", "MetadataBlock",
        "DefinitionList", "DefinitionListTitle", "DefinitionListDefinition",
    }
)
_VERBATIM_TAGS = frozenset({"CodeBlock", "HtmlBlock", "MetadataBlock"})
_FM_OPEN = re.compile(r"---[ \t]*\r?\n")
_YAML_KEY = re.compile(r"[\w-]+:(?:[ \t]|\r?\n)")
_FM_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)


def decode(data: bytes, path: str) -> tuple[str, bool]:
    """Decode an article's bytes as UTF-8; return the text without BOM and whether it had one."""
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise ContentError("contains a NUL byte: this is not a text file; remove it", path, line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ContentError(
            f"not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8", path, line
        ) from e
    if text.startswith(BOM):
        return text[1:], True
    return text, False


class _Lines:
    """Map byte offsets to 1-based line numbers."""

    def __init__(self, data: bytes) -> None:
        self._starts = [0] + [m.end() for m in re.finditer(b"\n", data)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)

    def start_of(self, offset: int) -> int:
        return self._starts[self.line(offset) - 1]


def parse_article(
    text: str,
    *,
    name: str,
    path: str,
    default_lang: str,
    front_matter_keys: Sequence[str] = ("title", "description", "summary"),
    bom: bool = False,
) -> Article:
    """Cut an article's text into units; raise ContentError that names the line on bad input."""
    data = text.encode("utf-8")
    lines = _Lines(data)
    front = _front_matter(text, data, path)
    units: list[Unit] = []
    lang = default_lang
    body_start = 0
    if front is not None:
        units.extend(_front_matter_units(text, data, front, front_matter_keys, lines))
        lang = _article_lang(front, default_lang, path, lines)
        body_start = front.end
    units.extend(_body_units(data, body_start, lines))
    newline = "\r\n" if "\r\n" in text else "\n"
    return Article(
        name=name, path=path, lang=lang, text=text, units=tuple(units),
        front_matter=front, bom=bom, newline=newline,
    )


# -- front matter -------------------------------------------------------------------------


def _front_matter(text: str, data: bytes, path: str) -> FrontMatter | None:
    opening = _FM_OPEN.match(text)
    if opening is None:
        return None
    closing = _FM_CLOSE.search(text, opening.end())
    if closing is None:
        if not _YAML_KEY.match(text, opening.end()):
            return None  # a thematic break, not front matter
        raise ContentError(
            "front matter opened with '---' is never closed; add a line '---' after it", path, 1
        )
    yaml_text = text[opening.end() : closing.start()]
    body_start = len(opening.group().encode())
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
        value = yaml.safe_load(yaml_text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = 2 + mark.line if mark is not None else 1
        problem = getattr(e, "problem", None) or str(e)
        raise ContentError(f"invalid YAML front matter: {problem}; fix the YAML", path, line) from e
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise ContentError(
            "front matter must be a mapping of keys to values (such as 'title: ...')", path, 2
        )
    lang_span = None
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == "lang" and isinstance(value_node, yaml.ScalarNode):
                lang_span = _node_span(yaml_text, value_node, body_start)
    return FrontMatter(
        start=0,
        end=len(text[: closing.end()].encode()),
        body_start=body_start,
        body_end=body_start + len(yaml_text.encode()),
        data={str(k): v for k, v in value.items()},
        lang_span=lang_span,
    )


def _node_span(yaml_text: str, node: yaml.Node, base: int) -> tuple[int, int]:
    start = base + len(yaml_text[: node.start_mark.index].encode())
    end = base + len(yaml_text[: node.end_mark.index].encode())
    return start, end


def _front_matter_units(
    text: str, data: bytes, front: FrontMatter, keys: Sequence[str], lines: _Lines
) -> Iterator[Unit]:
    yaml_text = data[front.body_start : front.body_end].decode()
    root = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        return
    for key_node, value_node in root.value:
        key = key_node.value
        if key not in keys or not isinstance(value_node, yaml.ScalarNode):
            continue
        value = front.data.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        start, end = _node_span(yaml_text, value_node, front.body_start)
        yield Unit(
            kind=UnitKind.FRONT_MATTER, msgid=value, msgctxt=key, detail=key,
            line=lines.line(start), start=start, end=end,
        )


def _article_lang(front: FrontMatter, default: str, path: str, lines: _Lines) -> str:
    lang = front.data.get("lang", default)
    line = lines.line(front.lang_span[0]) if front.lang_span else 2
    if not isinstance(lang, str):
        raise ContentError("'lang' in front matter must be a locale code such as 'pl'", path, line)
    try:
        return validate_locale(lang)
    except ConfigError as e:
        raise ContentError(e.message, path, line) from e


# -- Markdown body ------------------------------------------------------------------------


def _tag(value: Any) -> str:
    return value if isinstance(value, str) else next(iter(value))


@dataclass
class _Element:
    """A top-level inline element of a run, with the span of its inner content."""

    tag: str
    inner_start: int | None = None
    inner_end: int | None = None


@dataclass
class _Run:
    """Consecutive inline events: the text of one unit being collected."""

    start: int
    end: int
    breaks: list[tuple[str, int, int, int]] = field(default_factory=list)
    """(kind, break start, break end, start of the next inline event)."""
    pending: tuple[str, int, int] | None = None
    depth: int = 0
    elements: list[_Element] = field(default_factory=list)
    has_words: bool = False
    autolink_depth: int = 0


class _Walker:
    """Walk pyromark events, keeping the block stack and collecting runs into units."""

    def __init__(self, data: bytes, base: int, lines: _Lines) -> None:
        self.data = data
        self.base = base
        self.lines = lines
        self.stack: list[tuple[str, Any]] = []
        self.verbatim = 0
        self.run: _Run | None = None
        self.units: list[Unit] = []

    def feed(self, event: Any, start: int, end: int) -> None:
        start += self.base
        end += self.base
        if isinstance(event, dict) and ("Start" in event or "End" in event):
            self._container(event, start, end)
        elif not self.verbatim:
            self._inline(event, start, end)

    def _container(self, event: dict[str, Any], start: int, end: int) -> None:
        opening = "Start" in event
        value = event["Start"] if opening else event["End"]
        tag = _tag(value)
        if tag in _BLOCK_TAGS:
            self.flush()
            if opening:
                self.stack.append((tag, value))
                self.verbatim += tag in _VERBATIM_TAGS
            else:
                self.stack.pop()
                self.verbatim -= tag in _VERBATIM_TAGS
            return
        if self.verbatim:
            return
        run = self._touch(start)
        if opening:
            self._place(run, tag, start, end)
            run.depth += 1
            if tag == "Link" and value["Link"]["link_type"] in ("Autolink", "Email"):
                run.autolink_depth += 1
        else:
            run.depth -= 1
            if run.depth:
                self._place(run, tag, start, end)
            if tag == "Link" and run.autolink_depth:
                run.autolink_depth -= 1
        run.end = max(run.end, end)

    @staticmethod
    def _place(run: _Run, tag: str, start: int, end: int) -> None:
        """Start a new top-level element, or widen the inner span of the current one."""
        if run.depth == 0:
            run.elements.append(_Element(tag))
        elif run.elements:
            element = run.elements[-1]
            element.inner_start = start if element.inner_start is None else element.inner_start
            element.inner_end = end

    def _inline(self, event: Any, start: int, end: int) -> None:
        if event in ("SoftBreak", "HardBreak"):
            if self.run is not None:
                self.run.pending = (event, start, end)
            return
        if isinstance(event, dict) and "TaskListMarker" in event and self.run is None:
            return
        run = self._touch(start)
        run.end = max(run.end, end)
        self._place(run, _tag(event), start, end)
        if isinstance(event, dict) and "Text" in event and not run.autolink_depth:
            run.has_words = run.has_words or any(ch.isalpha() for ch in event["Text"])

    def _touch(self, start: int) -> _Run:
        """Return the open run, opening one at ``start`` or closing a pending line break."""
        if self.run is None:
            self.run = _Run(start=start, end=start)
        elif self.run.pending is not None:
            kind, b_start, b_end = self.run.pending
            self.run.breaks.append((kind, b_start, b_end, start))
            self.run.pending = None
        return self.run

    def flush(self) -> None:
        run, self.run = self.run, None
        if run is None or not run.has_words:
            return
        start, end = run.start, run.end
        kind = self._kind()
        only = run.elements[0] if len(run.elements) == 1 else None
        if only is not None and only.tag == "Image" and only.inner_start is not None:
            start, end = only.inner_start, only.inner_end or only.inner_start
            kind = UnitKind.IMAGE_ALT
        breaks = [b for b in run.breaks if start <= b[1] and b[3] <= end]
        self.units.append(self._unit(kind, start, end, breaks))

    def _kind(self) -> UnitKind:
        tags = [tag for tag, _ in self.stack]
        for tag in reversed(tags):
            if tag == "Heading":
                return UnitKind.HEADING
            if tag == "TableCell":
                return UnitKind.TABLE_HEADER if "TableHead" in tags else UnitKind.TABLE_CELL
            if tag == "Item":
                return UnitKind.LIST_ITEM
            if tag == "BlockQuote":
                return UnitKind.BLOCKQUOTE
            if tag == "FootnoteDefinition":
                return UnitKind.FOOTNOTE
        return UnitKind.PARAGRAPH

    def _detail(self, kind: UnitKind) -> str:
        if kind is UnitKind.HEADING:
            for tag, value in reversed(self.stack):
                if tag == "Heading":
                    return str(value["Heading"]["level"]).lower()
        return ""

    def _unit(
        self, kind: UnitKind, start: int, end: int, breaks: list[tuple[str, int, int, int]]
    ) -> Unit:
        data = self.data
        pieces: list[str] = []
        cursor = start
        hard_style = "\\"
        for brk, b_start, b_end, nxt in breaks:
            piece = data[cursor:b_start].decode()
            if brk == "SoftBreak":
                pieces.append(piece.rstrip(" \t") + " ")
            else:
                hard_style = data[b_start:b_end].decode().rstrip("\r\n") or "\\"
                pieces.append(piece + "\n")
            cursor = nxt
        pieces.append(data[cursor:end].decode())
        line_start = self.lines.start_of(start)
        prefix = re.sub(r"[^\s>]", " ", data[line_start:start].decode())
        return Unit(
            kind=kind, msgid="".join(pieces), line=self.lines.line(start), start=start, end=end,
            detail=self._detail(kind), prefix=prefix, hard_break=hard_style,
        )


def _body_units(data: bytes, base: int, lines: _Lines) -> list[Unit]:
    body = data[base:].decode()
    walker = _Walker(data, base, lines)
    for event, span in pyromark.events_with_range(body, options=OPTIONS):
        walker.feed(event, span["start"], span["end"])
    walker.flush()
    return walker.units


def markdown_to_html(text: str) -> str:
    """Render Markdown to HTML with the same extensions the segmenter parses."""
    return str(pyromark.html(text, options=OPTIONS))


# -- inline markup, for the checks ----------------------------------------------------------

_FULL_REFERENCE = re.compile(r"\]\[([^\[\]]+)\]")
_COLLAPSED_REFERENCE = re.compile(r"\[([^\[\]^][^\[\]]*)\]\[\]")
_SHORTCUT = re.compile(r"(?<!\])\[([^\[\]^][^\[\]]*)\](?![\[(:])")
_FOOTNOTE = re.compile(r"\[\^([^\[\]\s]+)\]")
_DEFINITION = re.compile(r"^ {0,3}\[([^\[\]^][^\[\]]*)\]:[ \t]*(?:<([^>\n]*)>|(\S+))", re.MULTILINE)
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)|<!--")
_REFERENCE_TYPES = frozenset({"Reference", "Collapsed", "Shortcut"})


def normalise_label(label: str) -> str:
    """Match reference labels as CommonMark does: case-insensitive, whitespace collapsed."""
    return " ".join(label.split()).casefold()


def reference_definitions(text: str) -> dict[str, str]:
    """The reference-link definitions of an article, by normalised label.

    >>> reference_definitions("Text.\\n\\n[Docs]: https://example.org/docs\\n")
    {'docs': 'https://example.org/docs'}
    """
    found: dict[str, str] = {}
    for match in _DEFINITION.finditer(text):
        found.setdefault(normalise_label(match.group(1)), match.group(2) or match.group(3))
    return found


@dataclass(frozen=True)
class InlineMarkup:
    """What a translator must carry over from a unit's inline Markdown, and its plain text."""

    links: tuple[str, ...]
    """Destinations of links, autolinks and e-mail links."""
    images: tuple[str, ...]
    code: tuple[str, ...]
    html: tuple[str, ...]
    """Inline HTML tags by name (``<abbr>``, ``</abbr>``, ``<!-->`` for a comment)."""
    footnotes: tuple[str, ...]
    emphasis: int
    strong: int = 0
    strikethrough: int = 0
    references: tuple[str, ...] = ()
    """Normalised labels of links and images written in full or collapsed reference form."""
    prose: str = ""
    """The text a reader sees, without code spans, autolinks or markup."""
    text: str = ""
    """Like ``prose``, with the code spans' text kept."""


def inline_markup(text: str, definitions: dict[str, str] | None = None) -> InlineMarkup:
    """List the destinations, code spans and other markup of a piece of inline Markdown.

    A unit's text is parsed alone, so reference links (``[text][label]``) and footnote
    references (``[^1]``) would not resolve: definitions are appended for the labels the text
    uses. ``definitions`` gives the article's own (label -> URL), when known; a bare
    ``[label]`` counts as a link only if the article defines it.
    """
    defs = dict(definitions or {})
    labels = {normalise_label(m) for m in _FULL_REFERENCE.findall(text)}
    labels |= {normalise_label(m) for m in _COLLAPSED_REFERENCE.findall(text)}
    labels |= {normalise_label(m) for m in _SHORTCUT.findall(text)} & defs.keys()
    lines = [f"[{label}]: <{defs.get(label, f'[{label}]')}>" for label in sorted(labels)]
    lines += [f"[^{label}]: ." for label in sorted(set(_FOOTNOTE.findall(text)))]
    source = text + ("\n\n" + "\n".join(lines) if lines else "")
    return _collect(pyromark.events(source, options=OPTIONS))


class _Collector:
    def __init__(self) -> None:
        self.links: list[str] = []
        self.images: list[str] = []
        self.code: list[str] = []
        self.html: list[str] = []
        self.notes: list[str] = []
        self.references: list[str] = []
        self.counts = {"Emphasis": 0, "Strong": 0, "Strikethrough": 0}
        self.prose: list[str] = []
        self.text: list[str] = []
        self.autolink = 0
        self.in_note = 0

    def start(self, value: Any) -> None:
        tag = _tag(value)
        if tag == "FootnoteDefinition":
            self.in_note += 1
        elif tag in ("Link", "Image"):
            info = value[tag]
            (self.links if tag == "Link" else self.images).append(info["dest_url"])
            if info["link_type"] in ("Autolink", "Email"):
                self.autolink += 1
            if info["link_type"] in _REFERENCE_TYPES and info["link_type"] != "Shortcut":
                self.references.append(normalise_label(info["id"]))
        elif tag in self.counts:
            self.counts[tag] += 1

    def end(self, value: Any) -> None:
        tag = _tag(value)
        if tag == "FootnoteDefinition":
            self.in_note -= 1
        elif tag == "Link" and self.autolink:
            self.autolink -= 1
        elif tag in _BLOCK_TAGS:
            self.prose.append(" ")
            self.text.append(" ")

    def leaf(self, event: Any) -> None:
        if event in ("SoftBreak", "HardBreak"):
            self.prose.append(" ")
            self.text.append(" ")
        elif not isinstance(event, dict):
            return
        elif "Text" in event:
            if not self.autolink:
                self.prose.append(event["Text"])
            self.text.append(event["Text"])
        elif "Code" in event:
            self.code.append(event["Code"])
            self.prose.append(" ")
            self.text.append(event["Code"])
        elif "InlineHtml" in event or "Html" in event:
            raw = event.get("InlineHtml") or event.get("Html") or ""
            self.html.extend(
                "<!-->" if m.group() == "<!--" else f"<{m.group(1)}{m.group(2).lower()}>"
                for m in _HTML_TAG.finditer(raw)
            )
        elif "FootnoteReference" in event:
            self.notes.append(event["FootnoteReference"])


def _collect(events: Any) -> InlineMarkup:
    c = _Collector()
    for event in events:
        if isinstance(event, dict) and "Start" in event:
            c.start(event["Start"])
        elif isinstance(event, dict) and "End" in event:
            c.end(event["End"])
        elif not c.in_note:
            c.leaf(event)
    return InlineMarkup(
        links=tuple(c.links),
        images=tuple(c.images),
        code=tuple(c.code),
        html=tuple(c.html),
        footnotes=tuple(c.notes),
        emphasis=c.counts["Emphasis"],
        strong=c.counts["Strong"],
        strikethrough=c.counts["Strikethrough"],
        references=tuple(c.references),
        prose=re.sub(r" {2,}", " ", "".join(c.prose)).strip(),
        text=re.sub(r" {2,}", " ", "".join(c.text)).strip(),
    )
