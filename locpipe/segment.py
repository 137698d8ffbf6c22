"""Cut an article (front matter + Markdown) into translation units, with exact source spans.

This is the only module that knows the Markdown parser. pyromark (pulldown-cmark) gives
a UTF-8 byte range for every block and inline event, which is what lets rendering
replace exactly the translated text and keep every other byte of the source.
"""

from __future__ import annotations

import bisect
import enum
import functools
import re
import tomllib
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pyromark
import yaml

from .config import FrontMatterMode, unreadable_toml, validate_locale
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
_MARKER = re.compile(r"<!--\s*locpipe:\s*(off|on|note|context)\b:?(.*?)-->", re.I | re.S)
_FM_OPEN = re.compile(r"(---|\+\+\+)[ \t]*\r?\n")
_YAML_KEY = re.compile(r"""(?:[\w-]+|"[^"\n]*"|'[^'\n]*'):(?:[ \t]|\r?\n|\Z)""")


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

    def locate(self, offset: int) -> tuple[int, int]:
        """The line of an offset and the offset where that line starts."""
        line = bisect.bisect_right(self._starts, offset)
        return line, self._starts[line - 1]


def parse_article(
    text: str,
    *,
    name: str,
    path: str,
    default_lang: str,
    front_matter_keys: Sequence[str] = ("title", "description", "summary"),
    bom: bool = False,
    front_matter: FrontMatterMode | bool = FrontMatterMode.AUTO,
) -> Article:
    """Cut an article's text into units; raise ContentError that names the line on bad input.

    ``front_matter`` says how the first lines are read (True: ``auto``, False: ``none``).
    """
    data = text.encode("utf-8")
    lines = _Lines(data)
    if isinstance(front_matter, bool):
        front_matter = FrontMatterMode.AUTO if front_matter else FrontMatterMode.NONE
    front, root = _front_matter(text, data, path, front_matter)
    units: list[Unit] = []
    notes: list[tuple[int, str]] = []
    lang = default_lang
    body_start = 0
    if front is not None and front.template:
        body_start = front.end
        notes.append(_template_note(text, front))
    elif front is not None:
        fm_units = _front_matter_units(data, front, root, front_matter_keys, lines)
        units.extend(sorted(fm_units, key=lambda u: u.start))
        lang = _article_lang(front, default_lang, path, lines)
        body_start = front.end
    body_units, labels = _body_units(data, body_start, lines)
    units.extend(body_units)
    newline = "\r\n" if "\r\n" in text else "\n"
    return Article(
        name=name, path=path, lang=lang, text=text, units=tuple(units),
        front_matter=front, bom=bom, newline=newline,
        references=frozenset(labels) | reference_labels(data[body_start:].decode()),
        notes=tuple(notes),
    )


def _template_note(text: str, front: FrontMatter) -> tuple[int, str]:
    """Where a template front matter's first placeholder is, and what locpipe did with it."""
    found = _PLACEHOLDER.search(text, 4, len(text.encode()[: front.body_end].decode()))
    line = text.count("\n", 0, found.start()) + 1 if found else 2
    shown = " ".join(found.group().split()) if found else "{{ }}"
    shown = shown if len(shown) <= 40 else shown[:36] + " ..."
    kind = "YAML" if front.format == "yaml" else "TOML"
    return line, (
        f"front matter is a template ({shown}), not {kind}: it is kept as it is in every "
        "language and none of its values is offered for translation"
    )


# -- front matter -------------------------------------------------------------------------
# YAML (``---``) as most generators write it, TOML (``+++``) as Hugo does. Translatable
# keys are dotted paths (``title``, ``seo.description``); a list of strings under such a key
# (``tags``) gives one unit per item. ``front_matter`` in the configuration says how the
# first lines are read (see :class:`FrontMatterMode`): under ``auto`` they are front matter
# only when they read as a mapping of keys, so a document may start with a thematic break.

_FORMATS = {
    "---": ("yaml", re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)),
    "+++": ("toml", re.compile(r"^\+\+\+[ \t]*(?:\r?\n|\Z)", re.MULTILINE)),
}
_KEY_LINE = {
    "yaml": _YAML_KEY,
    "toml": re.compile(r"(?:[\w-]+|\"[^\"\n]*\"|'[^'\n]*')(?:\.[\w\"'-]+)*[ \t]*=|\["),
}
"""How the first line of a front matter that means to be one starts: ``key:``, ``key =``."""
_SIGNIFICANT = re.compile(r"^[ \t]*(?=[^\s#])", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
"""A template's placeholder or tag: ``{{ .Title }}`` (Go, Hugo), ``{% if x %}`` (Jinja)."""
_MAX_DEPTH = 50
"""TOML front matter nested deeper is refused: rendering rewrites it with tomlkit, which
reads no more than 100 levels; no real front matter comes near."""


def _means_front_matter(fmt: str, source: str) -> bool:
    """Whether the first line that is not blank or a comment sets a key, as front matter does."""
    line = _SIGNIFICANT.search(source)
    return line is not None and _KEY_LINE[fmt].match(source, line.end()) is not None


def _front_matter(
    text: str, data: bytes, path: str, mode: FrontMatterMode
) -> tuple[FrontMatter | None, yaml.Node | None]:
    """Find and load the front matter; also return YAML's node tree, which has positions.

    Front matter that is not YAML or TOML but holds template placeholders comes back
    marked as a template, without data; None means the first lines are Markdown.
    """
    opening = _FM_OPEN.match(text)
    if opening is None or mode is FrontMatterMode.NONE:
        return None, None
    delimiter = opening.group(1)
    fmt, close_re = _FORMATS[delimiter]
    if mode is not FrontMatterMode.AUTO and mode.value != fmt:
        return None, None
    strict = mode is not FrontMatterMode.AUTO
    closing = close_re.search(text, opening.end())
    if closing is None:
        if not strict and not _KEY_LINE[fmt].match(text, opening.end()):
            return None, None  # a thematic break, not front matter
        raise ContentError(
            f"front matter opened with '{delimiter}' is never closed; add a line "
            f"'{delimiter}' after it",
            path,
            1,
        )
    source = text[opening.end() : closing.start()]
    body_start = len(opening.group().encode())
    front = FrontMatter(
        start=0, end=len(text[: closing.end()].encode()), body_start=body_start,
        body_end=body_start + len(source.encode()), data={}, format=fmt,
    )
    try:
        node, value = _load_yaml(source, path) if fmt == "yaml" else _load_toml(source, path)
    except ContentError:
        if _PLACEHOLDER.search(source):
            return replace(front, template=True), None
        if strict or _means_front_matter(fmt, source):
            raise
        return None, None  # a thematic break and Markdown that YAML cannot read
    if node is not None and _placeholder_read_as_mapping(node, source):
        return replace(front, template=True), None
    if not isinstance(value, dict):
        if not strict:
            return None, None  # a thematic break and Markdown that YAML reads as text
        raise ContentError(
            "front matter must be a mapping of keys to values (such as 'title: ...')", path, 2
        )
    front = replace(front, data={str(k): v for k, v in value.items()})
    lang = _yaml_node(node, ("lang",))
    if isinstance(lang, yaml.ScalarNode):
        front = replace(front, lang_span=_node_span(source, lang, body_start))
    return front, node


def _placeholder_read_as_mapping(root: yaml.Node, source: str) -> bool:
    """Whether YAML read a template placeholder (``title: {{ .Title }}``) as a mapping."""
    if "{{" not in source:
        return False
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            if node.flow_style and source.startswith("{{", node.start_mark.index):
                return True
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return False


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML was built with it: same results, many times faster."""


class _Loader(_YAML_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader, but what it cannot make a value of stays text, as authors wrote it.

    ``date: 2026-02-30`` is no date and a number of 100,000 digits no ``int``: both are
    kept as strings (rendering keeps their bytes anyway). A key that is itself a list or a
    mapping (``? [a, b]``) is left out of the data, which only names keys by text.
    """

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[object, object]:
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]
        self.flatten_mapping(node)
        mapping: dict[object, object] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                continue
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _as_text_on_failure(tag: str) -> None:
    construct = yaml.SafeLoader.yaml_constructors[tag]

    def lenient(loader: Any, node: yaml.Node) -> object:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError, ArithmeticError, LookupError, AttributeError):
            return loader.construct_scalar(node)

    _Loader.add_constructor(tag, lenient)


for _scalar in ("timestamp", "int", "float", "bool"):
    _as_text_on_failure(f"tag:yaml.org,2002:{_scalar}")


def _load_yaml(source: str, path: str) -> tuple[yaml.Node | None, object]:
    """Compose the YAML once: the node tree gives positions, its construction the values."""
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = 2 + mark.line if mark is not None else 1
        problem = getattr(e, "problem", None) or str(e)
        raise ContentError(f"invalid YAML front matter: {problem}; fix the YAML", path, line) from e
    except RecursionError as e:
        raise ContentError("invalid YAML front matter: nested too deeply; fix the YAML",
                           path, 2) from e
    finally:
        loader.dispose()
    if _deeper_than(value, _MAX_DEPTH):  # libyaml's own limit (1,000) came with PyYAML 6.0.4
        raise ContentError(
            f"YAML front matter nested more than {_MAX_DEPTH} levels deep; flatten it", path, 2
        )
    return node, value


def _load_toml(source: str, path: str) -> tuple[None, object]:
    """Load TOML front matter (there is no node tree: rendering rewrites it with tomlkit)."""
    try:
        value = tomllib.loads(source)
    except tomllib.TOMLDecodeError as e:
        match = re.search(r"line (\d+)", str(e))
        line = 1 + int(match.group(1)) if match else 1
        from .config import explain_toml

        problem = explain_toml(source, e, offset=1).replace("; fix the syntax", "; fix the TOML")
        raise ContentError(f"invalid TOML front matter: {problem}", path, line) from e
    except (RecursionError, ValueError) as e:  # arrays thousands deep; a 5,000-digit number
        line, problem = unreadable_toml(source, e)
        raise ContentError(f"invalid TOML front matter: {problem}; fix the TOML", path,
                           1 + line) from e
    if _deeper_than(value, _MAX_DEPTH):
        raise ContentError(
            f"TOML front matter nested more than {_MAX_DEPTH} levels deep; flatten it", path, 2
        )
    return None, value


def _deeper_than(value: object, limit: int) -> bool:
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _node_span(yaml_text: str, node: yaml.Node, base: int) -> tuple[int, int]:
    start = base + len(yaml_text[: node.start_mark.index].encode())
    end = base + len(yaml_text[: node.end_mark.index].encode())
    return start, end


def _yaml_node(node: yaml.Node | None, path: Sequence[str]) -> yaml.Node | None:
    for key in path:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next((v for k, v in node.value if k.value == key), None)
    return node


def _front_matter_units(
    data: bytes, front: FrontMatter, root: yaml.Node | None, keys: Sequence[str], lines: _Lines
) -> Iterator[Unit]:
    source = data[front.body_start : front.body_end].decode()
    if front.format == "toml":
        yield from _toml_units(source, front, keys, lines)
        return
    for key in keys:
        node = _yaml_node(root, key.split("."))
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for item in items:
            if not isinstance(item, yaml.ScalarNode) or item.tag != "tag:yaml.org,2002:str":
                continue
            value = item.value
            if not isinstance(value, str) or not _has_text(value):
                continue
            start, end = _node_span(source, item, front.body_start)
            yield Unit(
                kind=UnitKind.FRONT_MATTER, msgid=value, msgctxt=key, detail=key,
                line=lines.line(start), start=start, end=end,
            )


def _toml_units(
    source: str, front: FrontMatter, keys: Sequence[str], lines: _Lines
) -> Iterator[Unit]:
    """Units of TOML front matter; rendering rewrites its values with tomlkit, not by span."""
    for key in keys:
        value: object = front.data
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        items = value if isinstance(value, list) else [value]
        at = front.body_start + _toml_key_offset(source, key)
        for item in items:
            if isinstance(item, str) and _has_text(item):
                yield Unit(
                    kind=UnitKind.FRONT_MATTER, msgid=item, msgctxt=key, detail=key,
                    line=lines.line(at), start=at, end=at,
                )


def _has_text(value: str) -> bool:
    """Whether a front-matter string holds words, not only template placeholders."""
    return bool(_PLACEHOLDER.sub("", value).strip()) if "{" in value else bool(value.strip())


def _toml_key_offset(source: str, key: str) -> int:
    """Byte offset of the line that sets ``key`` (for references; tables are followed)."""
    *tables, name = key.split(".")
    pattern = re.compile(rf"^[ \t]*[\"']?{re.escape(name)}[\"']?[ \t]*=", re.MULTILINE)
    table = re.compile(rf"^[ \t]*\[[ \t]*{re.escape('.'.join(tables))}[ \t]*\]", re.MULTILINE)
    begin = 0
    if tables:
        found = table.search(source)
        if found is None:
            return 0
        begin = found.end()
    match = pattern.search(source, begin)
    return len(source[: match.start()].encode()) if match else 0


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


@dataclass(slots=True)
class _Image:
    """An image that is the first top-level element of a run, with the span of its alt text.

    Only such an image can make the run an alt-text unit; other elements are just counted.
    """

    inner_start: int | None = None
    inner_end: int | None = None
    end: int = 0
    label: str | None = None
    """For an image whose alt text is also its reference label: the label."""


@dataclass(slots=True)
class _Run:
    """Consecutive inline events: the text of one unit being collected."""

    start: int
    end: int
    breaks: list[tuple[str, int, int, int]] = field(default_factory=list)
    """(kind, break start, break end, start of the next inline event)."""
    pending: tuple[str, int, int] | None = None
    depth: int = 0
    elements: int = 0
    """How many top-level inline elements (text, code, links...) the run has."""
    image: _Image | None = None
    """The first top-level element, when it is an image."""
    has_words: bool = False
    autolink_depth: int = 0

    def place(self, tag: str, start: int, end: int) -> None:
        """Start a new top-level element, or widen the inner span of the current one."""
        if self.depth == 0:
            self.elements += 1
            if tag == "Image" and self.elements == 1:
                self.image = _Image()
        elif self.elements == 1 and self.image is not None:
            image = self.image
            if image.inner_start is None:
                image.inner_start = start
            image.inner_end = end


def _has_alpha(text: str) -> bool:
    return any(map(str.isalpha, text))


class _Walker:
    """Walk pyromark events, keeping the block stack and collecting runs into units.

    :meth:`walk` takes the common events (text, block and inline containers) inline, in one
    loop over local names: a call per event was most of the cost of segmenting.
    """

    def __init__(self, data: bytes, base: int, lines: _Lines) -> None:
        self.data = data
        self.base = base
        self.lines = lines
        self.stack: list[tuple[str, Any]] = []
        self.verbatim = 0
        self.run: _Run | None = None
        self.units: list[Unit] = []
        self.setext = False
        self.labels: set[str] = set()
        """Reference labels the document's links resolve (definitions may sit anywhere)."""
        self.enabled = True
        self.off_since: int | None = None
        self.off_regions: list[tuple[int, int]] = []
        self.note: str | None = None
        self.context: str | None = None

    def walk(self, events: Iterable[tuple[Any, Any]]) -> None:
        """Feed every event in order, then close the last run."""
        base = self.base
        for event, span in events:
            start = span["start"] + base
            end = span["end"] + base
            key = next(iter(event)) if event.__class__ is dict else event
            if key == "Text":
                if not self.verbatim:
                    self._text(event[key], start, end)
            elif key == "Start" or key == "End":
                value = event[key]
                tag = value if value.__class__ is str else next(iter(value))
                if tag in _BLOCK_TAGS:
                    self._block(tag, value, key == "Start", start)
                elif not self.verbatim:
                    self._container(tag, value, key == "Start", start, end)
            elif key == "SoftBreak" or key == "HardBreak":
                if self.run is not None:  # there is none in verbatim blocks
                    self.run.pending = (key, start, end)
            elif not self.verbatim:
                self._inline(event, start, end)
            elif key == "Html":
                self._markers(event[key], start)
        self.finish()

    def _text(self, text: str, start: int, end: int) -> None:
        """Text, the most common event: :meth:`_inline` on its shortest path."""
        run = self.run
        if run is None or run.pending is not None:
            run = self._touch(start)
        if end > run.end:
            run.end = end
        if run.depth == 0 or run.elements == 1:
            run.place("Text", start, end)
        if not run.has_words and not run.autolink_depth:
            run.has_words = _has_alpha(text)

    def _block(self, tag: str, value: Any, opening: bool, start: int) -> None:
        if self.run is not None:
            self.flush()
        if opening:
            self.stack.append((tag, value))
            if tag == "Heading":
                self.setext = not _ATX.match(self.data, start)
            self.verbatim += tag in _VERBATIM_TAGS
        else:
            self.stack.pop()
            self.verbatim -= tag in _VERBATIM_TAGS

    def _markers(self, html: str, at: int) -> None:
        """Obey authors' comments: extraction off/on, a note or a context for the next unit."""
        for match in _MARKER.finditer(html):
            command, argument = match.group(1).lower(), (match.group(2) or "").strip()
            if command == "off" and self.enabled:
                self.enabled, self.off_since = False, at
            elif command == "on" and not self.enabled:
                self.enabled = True
                self.off_regions.append((self.off_since or 0, at))
            elif command == "note" and argument:
                self.note = argument
            elif command == "context" and argument:
                self.context = argument

    def finish(self) -> None:
        self.flush()
        if not self.enabled:
            self.off_regions.append((self.off_since or 0, len(self.data)))

    def _container(self, tag: str, value: Any, opening: bool, start: int, end: int) -> None:
        """An inline container (emphasis, link, image...) opens or closes."""
        # A closing event's range starts where its element did: it cannot end a line break.
        run = self._touch(start) if opening or self.run is None else self.run
        if opening:
            if tag in ("Link", "Image"):
                info = value[tag]
                if info["link_type"] in _REFERENCES:
                    self.labels.add(normalize_label(info["id"]))
            run.place(tag, start, end)
            if tag == "Image" and run.depth == 0 and run.elements == 1 and run.image:
                run.image.end = end
                if info["link_type"].startswith(("Shortcut", "Collapsed")):
                    run.image.label = info["id"]
            run.depth += 1
            if tag == "Link" and info["link_type"] in ("Autolink", "Email"):
                run.autolink_depth += 1
        else:
            run.depth -= 1
            if run.depth:
                run.place(tag, start, end)
            if tag == "Link" and run.autolink_depth:
                run.autolink_depth -= 1
        if end > run.end:
            run.end = end

    def _inline(self, event: Any, start: int, end: int) -> None:
        """A leaf other than text and line breaks: code, inline HTML, a rule..."""
        if isinstance(event, dict) and "TaskListMarker" in event and self.run is None:
            return
        run = self._touch(start)
        run.end = max(run.end, end)
        run.place(_tag(event), start, end)
        if isinstance(event, dict) and "Text" in event and not run.autolink_depth:
            run.has_words = run.has_words or _has_alpha(event["Text"])

    def _touch(self, start: int) -> _Run:
        """Return the open run, opening one at ``start`` or closing a pending line break."""
        if self.run is None:
            self.run = _Run(start=self._escape_start(start), end=start)
        elif self.run.pending is not None:
            kind, b_start, b_end = self.run.pending
            self.run.breaks.append((kind, b_start, b_end, max(b_end, self._escape_start(start))))
            self.run.pending = None
        return self.run

    def _escape_start(self, start: int) -> int:
        """Include a backslash escape that the parser left out of the first text event."""
        return start - 1 if start and self.data[start - 1] == 0x5C else start

    def flush(self) -> None:
        run, self.run = self.run, None
        if run is None or not run.has_words or not self.enabled:
            return
        start, end = run.start, run.end
        kind = self._kind()
        only = run.image if run.elements == 1 else None
        if only is not None and only.inner_start is not None:
            start, end = only.inner_start, only.inner_end or only.inner_start
            start = self._escape_start(start)
            kind = UnitKind.IMAGE_ALT
        breaks = [b for b in run.breaks if start <= b[1] and b[3] <= end] if run.breaks else []
        unit = self._unit(kind, start, end, breaks)
        if kind is UnitKind.IMAGE_ALT and only is not None and only.label is not None:
            # The alt text is the reference label too: a translation must keep the label.
            unit = replace(unit, end=only.end, label=only.label)
        if self.note is not None or self.context is not None:
            unit = replace(unit, note=self.note, msgctxt=self.context)
            self.note = self.context = None
        self.units.append(unit)

    def _kind(self) -> UnitKind:
        stack = self.stack
        for tag, _ in reversed(stack):
            kind = _KIND_OF.get(tag)
            if kind is UnitKind.TABLE_CELL and any(other == "TableHead" for other, _ in stack):
                return UnitKind.TABLE_HEADER
            if kind is not None:
                return kind
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
        if breaks:
            msgid, hard_style = _with_breaks(data, start, end, breaks)
        else:
            msgid, hard_style = _join_lines(data[start:end].decode()), "\\"
        line, line_start = self.lines.locate(start)
        one_line = kind in _ONE_LINE or (kind is UnitKind.HEADING and not self.setext)
        return Unit(
            kind=kind, msgid=msgid, line=line, start=start, end=end,
            detail=self._detail(kind) if kind is UnitKind.HEADING else "",
            prefix=_blank_prefix(data[line_start:start]) if line_start < start else "",
            hard_break=hard_style, multiline=not one_line,
        )


def _with_breaks(
    data: bytes, start: int, end: int, breaks: list[tuple[str, int, int, int]]
) -> tuple[str, str]:
    """A unit's text with its line breaks: soft ones as spaces, hard ones as newlines.

    Also return how the source writes a hard break (the last one's style wins).
    """
    pieces: list[str] = []
    cursor = start
    hard_style = "\\"
    for brk, b_start, b_end, nxt in breaks:
        piece = _join_lines(data[cursor:b_start].decode())
        if brk == "SoftBreak":
            pieces.append(piece.rstrip(" \t") + " ")
        else:
            hard_style = data[b_start:b_end].decode().rstrip("\r\n") or "\\"
            pieces.append(piece + "\n")
        cursor = nxt
    pieces.append(_join_lines(data[cursor:end].decode()))
    return "".join(pieces), hard_style


_NOT_BLANK = re.compile(r"[^\s>]")


@functools.lru_cache(maxsize=1024)
def _blank_prefix(before: bytes) -> str:
    """What a continuation line starts with: the line before a unit, blanked but for ``>``.

    Cached: a document repeats a few prefixes (list indentation, quote marks) many times.
    """
    return _NOT_BLANK.sub(" ", before.decode())


_ATX = re.compile(rb" {0,3}#{1,6}(?:[ \t]|\r?\n|$)")
_REFERENCES = frozenset({"Reference", "Collapsed", "Shortcut"})
_KIND_OF = {
    "Heading": UnitKind.HEADING, "TableCell": UnitKind.TABLE_CELL, "Item": UnitKind.LIST_ITEM,
    "BlockQuote": UnitKind.BLOCKQUOTE, "FootnoteDefinition": UnitKind.FOOTNOTE,
}
"""The kind of unit the innermost of these blocks makes (a cell in a table head: a header)."""
_ONE_LINE = frozenset({UnitKind.TABLE_HEADER, UnitKind.TABLE_CELL, UnitKind.IMAGE_ALT})
_LINE_JOIN = re.compile(r"\r?\n[ \t]*(?:>[ \t]?)*[ \t]*")


def _join_lines(piece: str) -> str:
    """Join lines that an inline element spans (a code span, a tag) as HTML would: a space.

    The continuation line's container prefix (indentation, ``>``) goes with the newline.
    """
    return _LINE_JOIN.sub(" ", piece) if "\n" in piece else piece


def _body_units(data: bytes, base: int, lines: _Lines) -> tuple[list[Unit], set[str]]:
    body = data[base:].decode()
    walker = _Walker(data, base, lines)
    walker.walk(pyromark.events_with_range(body, options=OPTIONS))
    titles = [
        unit
        for unit in _link_titles(body, data, base, lines)
        if not any(a <= unit.start < b for a, b in walker.off_regions)
    ]
    return sorted([*walker.units, *titles], key=lambda u: u.start), walker.labels


_TITLE_AT_END = re.compile(
    r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|\(((?:[^()\\]|\\.)*)\))[ \t]*(?:\r?\n)?\Z""",
    re.DOTALL,
)


def _link_titles(body: str, data: bytes, base: int, lines: _Lines) -> Iterator[Unit]:
    """Titles of link reference definitions: translatable, while label and URL are not."""
    for definition in pyromark.reference_definitions(body).values():
        title = definition["title"]
        if not title or not any(ch.isalpha() for ch in title):
            continue
        span = definition["span"]
        start, end = base + span["start"], base + span["end"]
        source = data[start:end].decode()
        match = _TITLE_AT_END.search(source)
        if match is None:
            continue
        group = next(g for g in (1, 2, 3) if match.group(g) is not None)
        t_start = start + len(source[: match.start(group)].encode())
        t_end = start + len(source[: match.end(group)].encode())
        line_start = lines.start_of(t_start)
        yield Unit(
            kind=UnitKind.LINK_TITLE, msgid=_join_lines(data[t_start:t_end].decode()),
            line=lines.line(t_start), start=t_start, end=t_end, multiline=False,
            prefix=re.sub(r"[^\s>]", " ", data[line_start:t_start].decode()),
        )


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


def normalize_label(label: str) -> str:
    """Match reference labels as CommonMark does: case-folded, inner whitespace collapsed."""
    return " ".join(label.split()).casefold()


def reference_labels(text: str) -> frozenset[str]:
    """The normalised labels of the link reference definitions in a Markdown text."""
    return frozenset(normalize_label(k) for k in pyromark.reference_definitions(text))


def _resolver(labels: Collection[str]) -> Any:
    """Resolve references to the article's definitions when a unit is parsed on its own."""

    def resolve(link: Any) -> tuple[str, str] | None:
        return ("", "") if normalize_label(link["reference"]) in labels else None

    return resolve


_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")
_LABEL_LINKS = frozenset(
    {"Autolink", "Email", "Shortcut", "Collapsed", "ShortcutUnknown", "CollapsedUnknown"}
)


def literal_text_spans(text: str, labels: Collection[str] = ()) -> list[tuple[int, int]]:
    """Character spans of plain prose in inline Markdown: what a translator's words replace.

    Code, URLs, HTML, escapes, entities and the labels of shortcut references (which must
    match their definitions) are left out.
    """
    data = text.encode()
    spans: list[tuple[int, int]] = []
    stack: list[bool] = []
    events = pyromark.events_with_range(
        text, options=OPTIONS, broken_link_callback=_resolver(labels)
    )
    for event, span in events:
        if isinstance(event, dict) and ("Start" in event or "End" in event):
            value: Any = event.get("Start", event.get("End"))
            tag = _tag(value)
            if tag in ("Link", "Image") and "Start" in event:
                stack.append(value[tag]["link_type"] in _LABEL_LINKS)
            elif tag in ("Link", "Image") and stack:
                stack.pop()
            continue
        protect = any(stack)
        if protect or not (isinstance(event, dict) and "Text" in event):
            continue
        start, end = span["start"], span["end"]
        if data[start:end].decode() == event["Text"]:
            spans.append((len(data[:start].decode()), len(data[:end].decode())))
    # A footnote reference reads as plain text when its unit is parsed without the note.
    notes = [m.span() for m in _FOOTNOTE_REF.finditer(text)]
    return [s for s in spans if not any(a < s[1] and s[0] < b for a, b in notes)]


class SpanKind(enum.Enum):
    """Markup in a piece of inline Markdown that can make a page do something."""

    HTML = "html"
    LINK = "link"
    IMAGE = "image"
    AUTOLINK = "autolink"


@dataclass(frozen=True)
class MarkupSpan:
    """Where raw HTML or a link sits in a piece of Markdown, in characters."""

    kind: SpanKind
    start: int
    end: int
    value: str
    """The raw HTML, or the destination as the parser read it (entities decoded)."""


def markup_spans(
    text: str, definitions: Mapping[str, str] | None = None
) -> list[MarkupSpan]:
    """List the raw HTML, links and images of a piece of Markdown with their positions.

    ``definitions`` (normalised label -> URL) resolves reference links whose definition is
    elsewhere in the article, as they will resolve on the page.
    """
    data = text.encode("utf-8")
    ascii_only = len(data) == len(text)
    # Byte offsets to character offsets, counted on from the last one (events come in
    # order but for a container's end): linear in the text, not in text x spans.
    at_byte, at_char = 0, 0

    def chars(offset: int) -> int:
        nonlocal at_byte, at_char
        if ascii_only:
            return offset
        if offset < at_byte:
            at_byte, at_char = 0, 0
        at_char += len(data[at_byte:offset].decode("utf-8", errors="ignore"))
        at_byte = offset
        return at_char

    callback = None
    if definitions:
        def callback(link: Any) -> tuple[str, str] | None:
            url = definitions.get(normalize_label(link["reference"]))
            return None if url is None else (url, "")

    spans = []
    for found, span in pyromark.events_with_range(text, options=OPTIONS,
                                                  broken_link_callback=callback):
        event: Any = found
        if not isinstance(event, dict):
            continue
        if "Start" in event and _tag(event["Start"]) in ("Link", "Image"):
            start, end = chars(span["start"]), chars(span["end"])
            tag = _tag(event["Start"])
            value = event["Start"][tag]
            kind = SpanKind.IMAGE if tag == "Image" else SpanKind.LINK
            if tag == "Link" and value["link_type"] in ("Autolink", "Email"):
                kind = SpanKind.AUTOLINK
            spans.append(MarkupSpan(kind, start, end, value["dest_url"]))
        elif "InlineHtml" in event or "Html" in event:
            start, end = chars(span["start"]), chars(span["end"])
            spans.append(MarkupSpan(SpanKind.HTML, start, end, text[start:end]))
    return spans


def reference_urls(text: str) -> dict[str, str]:
    """The destinations of a Markdown text's link reference definitions, by normalised label
    (the first definition of a label wins, as on the page)."""
    found: dict[str, str] = {}
    for label, definition in pyromark.reference_definitions(text).items():
        found.setdefault(normalize_label(label), definition["dest"])
    return found
