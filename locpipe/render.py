"""Splice translations into an article's source: Markdown that keeps every other byte.

HTML pages are made from this Markdown by :mod:`locpipe.site`.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pyromark
import yaml

from .config import bcp47
from .model import Article, Key, Unit, UnitKind

# Text at the start of a line that would turn a paragraph line into another block.
_BLOCK_START = re.compile(
    r"^(?P<indent>[ ]{0,3})(?:(?P<mark>#{1,6}|[-+*]|>)(?=[ \t\v\f]|$)"
    r"|(?P<num>\d{1,9})(?P<delim>[.)])(?=[ \t\v\f]|$)"
    r"|(?P<fence>```(?!.*`)|~~~)|(?P<rule>[=]+[ \t\v\f]*$|(?:[-*_][ \t\v\f]*){3,}$))"
)
_MAY_START_BLOCK = frozenset(" #-+*>`~=_")
"""The first characters `_BLOCK_START` can match, but for digits (``\\d``: ``isdecimal()``)."""
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_LINE_ENDING = re.compile(r"\r\n?")
_SPACE = " \t\v\f"
"""What pulldown-cmark skips before a block's content (a vertical tab after ``#`` or after a
footnote's label still starts a heading), beside the spaces and tabs of CommonMark."""
# What else, at the start of a line of a translation, could start a block: a block quote
# (no space needed), a fence of any length, a setext underline, a footnote definition, a
# table's delimiter row, an HTML block (kinds 1 to 6 of CommonMark, which can interrupt a
# paragraph).
_BLOCK_START_MORE = re.compile(
    r"(?:>|`{3}|~{3}|-+[ \t\v\f]*$|\[\^(?:[^\]\\]|\\.)*\]:"
    r"|\|?[ \t\v\f]*:?-+:?[ \t\v\f]*(?:\|[ \t\v\f]*:?-+:?[ \t\v\f]*)*\|?[ \t\v\f]*$"
    r"|<(?:(?:script|pre|style|textarea)(?:[ \t\v\f>]|$)|!--|\?|![A-Za-z]|!\[CDATA\["
    r"|/?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup"
    r"|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset"
    r"|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol"
    r"|optgroup|option|p|param|search|section|source|summary|table|tbody|td|tfoot|th|thead"
    r"|title|tr|track|ul)(?:[ \t\v\f>]|/>|$)))",
    re.IGNORECASE,
)
# A line that is one HTML tag and nothing else (kind 7): a block only where a paragraph
# would start, so only the first line of a translation; or a task-list box.
_FIRST_LINE_START = re.compile(
    r"</?[A-Za-z][A-Za-z0-9-]*(?:[ \t\v\f][^<>]*)?/?>[ \t\v\f]*$|\[[ xX]\](?:[ \t\v\f]|$)"
)
_CLOSING_HASHES = re.compile(r"(?:^|(?<=[ \t\v\f]))#+[ \t\v\f]*$")
_ESCAPERS: dict[str, re.Pattern[str]] = {}
_MAY_START_LINE = frozenset(" #-+*>`~=_<[|:")
"""The first characters the patterns above can match, but for digits."""
_UNESCAPED_QUOTE = re.compile(r"(?<!\\)([\"'()])")


def render_markdown(
    article: Article,
    translations: Mapping[Key, str],
    *,
    locale: str,
    mark_fallback: bool = False,
    wrap: Callable[[Unit, str], str] | None = None,
    extra_front_matter: Sequence[tuple[str, str]] = (),
) -> str:
    """Return the article in ``locale``: translated units replaced, every other byte kept.

    ``translations`` holds only text fit to publish (no fuzzy entries). With
    ``mark_fallback``, source text left in a foreign page is wrapped in a ``<span lang>``
    so HTML tells browsers and screen readers which language it is in. ``wrap`` may
    dress a translated unit's text (for HTML markers); ``extra_front_matter`` adds
    ``key: value`` fields after ``lang``.
    """
    data = article.text.encode()
    edits: list[tuple[int, int, str]] = []
    front = article.front_matter
    template = front is not None and front.template  # kept byte for byte: nothing to add
    toml = front is not None and front.format == "toml" and not template
    for unit in article.units:
        translated = translations.get(unit.key)
        if toml and unit.kind is UnitKind.FRONT_MATTER:
            continue  # rewritten as a whole below, with tomlkit
        if translated is not None:
            source = data[unit.start : unit.end].decode()
            text = source if translated == unit.msgid else _format(
                unit, translated, article.newline)
            text = wrap(unit, text) if wrap else text
            if text != source:
                edits.append((unit.start, unit.end, text))
        elif mark_fallback and locale != article.lang and unit.kind not in _ATTRIBUTES:
            source = data[unit.start : unit.end].decode()
            edits.append((unit.start, unit.end, _lang_span(source, bcp47(article.lang))))
    if toml:  # lang as HTML and Hugo write it (en-GB); the locale is en_GB for gettext
        edits.append(_toml_edit(article, translations, bcp47(locale), extra_front_matter))
    elif not template:
        edits.extend(_lang_edit(article, bcp47(locale), extra_front_matter))
    out = []
    cursor = 0
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1])):
        out.append(data[cursor:start].decode())
        out.append(text)
        cursor = end
    out.append(data[cursor:].decode())
    prefix = "" if not article.bom else "\ufeff"
    return prefix + "".join(out)


_ATTRIBUTES = frozenset({UnitKind.IMAGE_ALT, UnitKind.LINK_TITLE, UnitKind.FRONT_MATTER})
"""Units whose text becomes an attribute's value or page data, never HTML: no ``<span>``."""


def _lang_span(text: str, lang: str) -> str:
    return f'<span lang="{html.escape(lang)}">{text}</span>'


def _format(unit: Unit, text: str, newline: str) -> str:
    if unit.kind is UnitKind.FRONT_MATTER:
        return yaml_scalar(text)
    if "\n" not in text:  # the usual case: one line
        lines = [escape_line_start(text if unit.multiline else text.strip())]
    elif unit.multiline:
        lines = [escape_line_start(line) for line in text.split("\n")]
    else:
        lines = [escape_line_start(" ".join(line.strip() for line in text.split("\n")))]
    if unit.kind is UnitKind.LINK_TITLE:
        lines = [_UNESCAPED_QUOTE.sub(r"\\\1", line) for line in lines]
    if unit.kind in (UnitKind.TABLE_HEADER, UnitKind.TABLE_CELL):
        lines = [_UNESCAPED_PIPE.sub(r"\\|", line) for line in lines]
    text = (unit.hard_break + newline + unit.prefix).join(lines)
    if unit.label is not None:
        return f"{text}][{unit.label}]"
    return text


def confine(text: str, kind: UnitKind, *, multiline: bool = True) -> str:
    r"""A translation made into inline content of its unit and nothing else.

    Whatever would start or end a block (on any line), define a reference or a footnote,
    or close the construct the unit sits in (a table cell's ``|``, alt text's ``]``, a
    title's quote, a trailing backslash that would escape what follows the unit) is
    backslash-escaped, so it reads as the text typed. Leading spaces and tabs (indented
    code), blank lines (a new paragraph) and carriage returns (line endings to Markdown)
    are dropped; a one-line unit has its lines joined. Idempotent.

    >>> confine("    <img src=x>", UnitKind.HEADING, multiline=False)
    '\\<img src=x>'
    >>> confine("a\n```\nb", UnitKind.PARAGRAPH)
    'a\n\\```\nb'
    >>> confine("x] y", UnitKind.IMAGE_ALT, multiline=False)
    'x\\] y'
    """
    if "\r" in text:
        text = _LINE_ENDING.sub("\n", text)
    # A one-line unit is stripped of all white space, as `_format` strips it: a backslash
    # must not end up last after that.
    if "\n" not in text:  # the usual case: one line
        lines = [text.lstrip(_SPACE) if multiline else text.strip()]
    elif multiline:
        lines = [line.lstrip(_SPACE) for line in text.split("\n") if line.strip(_SPACE)]
    else:
        lines = [" ".join(line.strip() for line in text.split("\n") if line.strip())]
    for number, line in enumerate(lines):
        if not line or (line[0] not in _MAY_START_LINE and not line[0].isdecimal()):
            continue  # a letter, most often: nothing can start there
        escaped = escape_line_start(line)
        if escaped == line and (
            _BLOCK_START_MORE.match(line) or (number == 0 and _FIRST_LINE_START.match(line))
        ):
            escaped = "\\" + line
        lines[number] = escaped
    text = "\n".join(lines)
    if text.startswith("[") and "]:" in text and pyromark.reference_definitions(text):
        text = "\\" + text  # a link reference definition: a paragraph may start with one
    if kind is UnitKind.HEADING and not multiline:
        text = _CLOSING_HASHES.sub(lambda m: "\\" + m.group(), text)
    closing = _CLOSERS.get(kind, "")
    return _escape(text, closing)


_CLOSERS = {
    UnitKind.TABLE_HEADER: "|", UnitKind.TABLE_CELL: "|", UnitKind.IMAGE_ALT: "[]",
    UnitKind.LINK_TITLE: "\"'()",
}
"""What would close the construct a unit of each kind sits in."""


def _escape(text: str, chars: str) -> str:
    r"""Backslash-escape ``chars`` where not escaped already, and a backslash at the end.

    >>> _escape("a\\|b|c\\", "|")
    'a\\|b\\|c\\\\'
    """
    if "\\" not in text:
        if not chars:
            return text
        for char in chars:
            if char in text:
                break
        else:
            return text
    pattern = _ESCAPERS.get(chars)
    if pattern is None:
        target = f"|([{re.escape(chars)}])" if chars else ""
        pattern = _ESCAPERS[chars] = re.compile(rf"\\(?:[\s\S]|\Z){target}")

    def fix(match: re.Match[str]) -> str:
        found = match.group()
        if found == "\\":
            return "\\\\"  # a lone backslash at the end would escape what follows
        return found if found[0] == "\\" else "\\" + found

    return pattern.sub(fix, text)


def escape_line_start(line: str) -> str:
    r"""Escape what would start a new block if a translated line began with it.

    >>> escape_line_start("# not a heading")
    '\\# not a heading'
    >>> escape_line_start("2026. rok")
    '2026\\. rok'
    """
    if not line or (line[0] not in _MAY_START_BLOCK and not line[0].isdecimal()):
        return line  # the usual case, told without the regular expression
    match = _BLOCK_START.match(line)
    if match is None:
        return line
    at = len(match.group("indent"))
    if match.group("num") is not None:
        at += len(match.group("num"))
    return line[:at] + "\\" + line[at:]


_SURELY_PLAIN = re.compile(r"[^\W\d_][\w .!'\u2019()/-]*")
"""Text that YAML reads back as itself, plain, in block and flow context: it starts with a
letter and holds no indicator (``: # , ? [ ] { }``), so it is neither a number nor a date."""
_KEYWORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null", "y", "n"})
_FLOW_INDICATOR = re.compile(r"[,?\[\]{}]")


def yaml_scalar(text: str) -> str:
    """Write a string as a one-line YAML scalar: plain when that reads back the same.

    Plain only if it reads back in block and in flow context (``[a, b]``) alike.

    >>> yaml_scalar("Cztery korzyści z mentoringu"), yaml_scalar("Tak: albo nie")
    ('Cztery korzyści z mentoringu', '"Tak: albo nie"')
    """
    if (_SURELY_PLAIN.fullmatch(text) and not text.endswith(" ")
            and text.lower() not in _KEYWORDS):
        return text
    if _FLOW_INDICATOR.search(text):
        return json.dumps(text, ensure_ascii=False)  # ends a plain scalar in flow context
    return _yaml_scalar(text)


@functools.lru_cache(maxsize=4096)
def _yaml_scalar(text: str) -> str:
    if "\n" not in text and text == text.strip() and text:
        try:
            if yaml.safe_load(f"k: {text}") == {"k": text} and yaml.safe_load(
                f"k: [{text}]"
            ) == {"k": [text]}:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def _toml_edit(
    article: Article, translations: Mapping[Key, str], locale: str,
    extra: Sequence[tuple[str, str]] = (),
) -> tuple[int, int, str]:
    """Rewrite TOML front matter with its translated values and ``lang``, keeping the rest."""
    front = article.front_matter
    assert front is not None
    data = article.text.encode()
    import tomlkit  # slow to import, and only Hugo's TOML front matter needs it

    document = tomlkit.parse(data[front.body_start : front.body_end].decode())
    for unit in article.units:
        translated = translations.get(unit.key)
        if unit.kind is UnitKind.FRONT_MATTER and translated is not None:
            _toml_set(document, unit.detail.split("."), unit.msgid, translated)
    document["lang"] = locale
    for key, value in extra:
        if key not in document:
            document[key] = value
    return front.body_start, front.body_end, tomlkit.dumps(document)


def _toml_set(table: Any, path: Sequence[str], old: str, new: str) -> None:
    for part in path[:-1]:
        table = table.get(part)
        if table is None:
            return
    value = table.get(path[-1])
    if isinstance(value, list):
        for i, item in enumerate(value):
            if item == old:
                value[i] = _toml_string(item, new)
    elif value == old:
        table[path[-1]] = _toml_string(value, new)


def _toml_string(old: Any, new: str) -> Any:
    """A TOML string item for ``new`` in the quoting style of the value it replaces.

    Built here, not left to tomlkit, whose choice changed between versions (0.15 keeps
    literal strings, earlier ones wrote basic strings): output bytes must not depend on
    which version a user has. A literal string stays literal when ``new`` can be one.
    """
    import tomlkit
    from tomlkit.items import StringType

    kind = getattr(old, "_t", None)  # the public `type` came with tomlkit 0.13
    multiline = kind in (StringType.MLB, StringType.MLL)
    literal = kind in (StringType.SLL, StringType.MLL) and _fits_literal(new, multiline)
    return tomlkit.string(new, literal=literal, multiline=multiline)


def _fits_literal(text: str, multiline: bool) -> bool:
    """Whether ``text`` can be a TOML literal string, which has no escapes."""
    if "'''" in text or (not multiline and ("'" in text or "\n" in text)):
        return False
    return not any((ord(c) < 0x20 and c not in "\t\n") or ord(c) == 0x7F for c in text)


def _lang_edit(
    article: Article, locale: str, extra: Sequence[tuple[str, str]] = ()
) -> list[tuple[int, int, str]]:
    front = article.front_matter
    nl = article.newline
    lines = "".join(f"{key}: {yaml_scalar(value)}{nl}" for key, value in extra)
    if front is None:
        return [(0, 0, f"---{nl}lang: {locale}{nl}{lines}---{nl}")]
    if front.lang_span is not None:
        edits = [(front.lang_span[0], front.lang_span[1], locale)]
        return [*edits, (front.body_end, front.body_end, lines)] if lines else edits
    return [(front.body_end, front.body_end, f"lang: {locale}{nl}{lines}")]


def strip_front_matter(markdown: str) -> str:
    """The Markdown body of a rendered article, without its front matter (YAML or TOML)."""
    match = re.match(
        r"\ufeff?(?:---[ \t]*\r?\n.*?^(?:---|\.\.\.)|\+\+\+[ \t]*\r?\n.*?^\+\+\+)"
        r"[ \t]*(?:\r?\n|\Z)",
        markdown, re.DOTALL | re.MULTILINE,
    )
    return markdown[match.end():] if match else markdown
