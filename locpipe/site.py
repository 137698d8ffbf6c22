"""The published site: output paths, safe translations, typography and HTML pages.

Pure functions: the pipeline reads and writes the files. Translations are text, not
code: :func:`neutralise` turns raw HTML and script links that a translation adds into
visible text and keeps the markup of the source. Pages are Jinja2 templates (a user's
``template_dir`` overrides the built-in ones) over small frozen page models.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from html import unescape
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import babel
import babel.dates
import babel.numbers
import jinja2
import pyromark
from markupsafe import Markup, escape

from . import links, pagehtml
from .config import Config, OutputLayout, bcp47
from .dates import as_date
from .errors import ContentError
from .model import Article, Key, Summary, Unit, UnitKind
from .publish import Decision, Shown
from .render import confine, strip_front_matter
from .segment import (
    OPTIONS,
    MarkupSpan,
    SpanKind,
    markdown_to_html,
    markup_spans,
    reference_urls,
)

# -- output paths -------------------------------------------------------------------------


def check_name(name: str, path: str) -> None:
    """Refuse an article name that would put a file outside the output folder."""
    pure = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or pure.is_absolute()
        or any(part in ("", ".", "..") for part in name.split("/"))
    ):
        raise ContentError(
            f"article name {name!r} would write outside the output folder; rename the file",
            path, 1,
        )


def output_file(name: str, locale: str, suffix: str, layout: OutputLayout) -> str:
    """Where one article in one locale goes, relative to ``output_dir``.

    >>> output_file("blog/a", "en", ".md", OutputLayout.LOCALE_DIR)
    'en/blog/a.md'
    >>> output_file("blog/a", "en", ".md", OutputLayout.SUFFIX)
    'blog/a.en.md'
    """
    if layout is OutputLayout.SUFFIX:
        return f"{name}.{locale}{suffix}"
    return f"{locale}/{name}{suffix}"


def index_file(locale: str, layout: OutputLayout) -> str:
    """The index page of one locale, relative to ``output_dir``."""
    return output_file("index", locale, ".html", layout)


ROOT_INDEX = "index.html"


def relative_href(from_file: str, to_file: str) -> str:
    """A link from one output file to another, both relative to ``output_dir``.

    >>> relative_href("en/blog/a.html", "pl/blog/a.html")
    '../../pl/blog/a.html'
    """
    here_parts, target_parts = _parts(from_file, parent=True), _parts(to_file)
    up = len(here_parts)
    common = 0
    for a, b in zip(here_parts, target_parts[:-1], strict=False):
        if a != b:
            break
        common += 1
    parts = [".."] * (up - common) + list(target_parts[common:])
    return "/".join(parts)


def _parts(file: str, *, parent: bool = False) -> tuple[str, ...]:
    """A path's (or its folder's) parts as :class:`PurePosixPath` reads them, but quicker."""
    parts = tuple(file.split("/"))
    if "" in parts or "." in parts:  # "a//b", "./a", "a/", "/a": let pathlib tidy them
        path = PurePosixPath(file)
        return (path.parent if parent else path).parts
    return parts[:-1] if parent else parts


# -- translations are text ----------------------------------------------------------------

_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp", "ftps"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_TEXT_ATTRIBUTES = frozenset({"title", "alt", "aria-label", "aria-description", "summary"})
"""Attributes a translator may translate in an HTML tag that the source has."""
_MAX_PASSES = 8


def safe_url(url: str) -> bool:
    """Tell whether a link destination cannot run script: relative, or a known safe scheme.

    >>> safe_url("https://example.org"), safe_url("#notes"), safe_url(" JavaScript:alert(1)")
    (True, True, False)
    """
    match = _SCHEME.match(_INVISIBLE.sub("", url).lower())
    return match is None or match.group(1) in _SAFE_SCHEMES


class _TagReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[tuple[str, str | None], ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(("/" + tag, ()))


@lru_cache(maxsize=4096)  # a document repeats its tags: each is parsed once
def _tag_of(fragment: str) -> tuple[str, tuple[tuple[str, str | None], ...]] | None:
    """The one tag a fragment of HTML is, as a browser reads it; None if it is not one tag."""
    if not _ONE_TAG.fullmatch(fragment):
        return None
    reader = _TagReader()
    reader.feed(fragment)
    reader.close()
    return reader.tags[0] if len(reader.tags) == 1 else None


_ONE_TAG = re.compile(r"<[^<>]*>")
_TagKey = tuple[str, tuple[tuple[str, str | None], ...]]


def _tag_key(tag: str, attrs: tuple[tuple[str, str | None], ...]) -> _TagKey | None:
    """What must be equal for a translation's tag to pass as one the source has: the name,
    and every attribute but the text ones (whose values a translator translates)."""
    names = [name for name, _ in attrs]
    if len(set(names)) != len(names):
        return None  # a repeated attribute: browsers read the first, checks may read another
    return tag, tuple(sorted((name, None if name in _TEXT_ATTRIBUTES else value)
                             for name, value in attrs))


@dataclass(frozen=True)
class _SourceMarkup:
    """What a source unit vouches for: its HTML fragments, its tags and its URLs."""

    html: frozenset[str]
    tags: frozenset[_TagKey]
    urls: frozenset[str]

    @classmethod
    def of(cls, source: str, definitions: Mapping[str, str] | None) -> _SourceMarkup:
        spans = markup_spans(source, definitions)
        html = frozenset(s.value for s in spans if s.kind is SpanKind.HTML)
        tags = set()
        for fragment in html:
            parsed = _tag_of(fragment)
            key = _tag_key(*parsed) if parsed is not None else None
            if key is not None:
                tags.add(key)
        urls = frozenset(s.value for s in spans if s.kind is not SpanKind.HTML)
        return cls(html, frozenset(tags), urls)


def _same_tag(fragment: str, source: _SourceMarkup) -> str | None:
    """A translation's tag rewritten as the source unit has it, text attributes aside.

    Allowed only when the source has the same tag with the same attributes, of which
    only ``title``, ``alt`` and the like (text a translator translates) may differ. The
    tag is written anew from what was parsed, so what a browser reads is what was checked.
    One parse and one look-up a tag, whatever the number of the source's tags.
    """
    parsed = _tag_of(fragment)
    if parsed is None:
        return None
    tag, attrs = parsed
    if tag.startswith("/"):
        return f"<{tag}>" if f"<{tag}>" in source.html else None
    if _tag_key(tag, attrs) not in source.tags:
        return None
    written = "".join(
        f" {name}" if value is None else f' {name}="{escape(value)}"' for name, value in attrs
    )
    return f"<{tag}{written}>"


def _rewrites(
    source: _SourceMarkup, translation: str, spans: Sequence[MarkupSpan]
) -> list[tuple[int, int, str]]:
    """What to replace in a translation (whose markup is ``spans``) so it adds no markup to
    its source's."""
    found = []
    for span in spans:
        if span.kind is SpanKind.HTML:
            if span.value in source.html:
                continue
            raw = translation[span.start : span.end]
            rewritten = _same_tag(span.value, source)
            if rewritten is None:
                found.append((span.start, span.end, raw.replace("<", "&lt;")))
            elif rewritten != raw:
                found.append((span.start, span.end, rewritten))
        elif not safe_url(span.value) and span.value not in source.urls:
            # "[" (after the "!" of an image, "<" of an autolink) escaped: plain text.
            raw = translation[span.start : span.end]
            at = 1 if span.kind is SpanKind.IMAGE else 0
            found.append((span.start, span.end, raw[:at] + "\\" + raw[at:]))
    return found


def _apply(text: str, rewrites: list[tuple[int, int, str]]) -> str:
    """Replace spans of a text in one pass; a span inside one replaced already is left."""
    out = []
    cursor = 0
    for start, end, replacement in sorted(rewrites):
        if start < cursor:
            continue  # inside an element rewritten as a whole (HTML within a link)
        out.append(text[cursor:start])
        out.append(replacement)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _inline_only(text: str) -> bool:
    """Whether a piece of Markdown is one paragraph of inline content: no other block, no
    reference or footnote definition, no HTML block, no rule.

    >>> _inline_only("a *b* <br> [c](d)"), _inline_only("a\\n- b"), _inline_only("[a]: b")
    (True, False, False)
    """
    paragraphs = 0
    for event in pyromark.events(text, options=OPTIONS):
        if event == "Rule":
            return False
        if not isinstance(event, dict):
            continue
        if "Start" in event:
            tag = _block_tag(event["Start"])
            if tag is not None and (tag != "Paragraph" or paragraphs):
                return False
            paragraphs += tag == "Paragraph"
        elif "Html" in event:
            return False
    return "]:" not in text or not pyromark.reference_definitions(text)


def _block_tag(value: object) -> str | None:
    tag = value if isinstance(value, str) else next(iter(value))  # type: ignore[call-overload]
    return tag if tag in _BLOCKS else None


_BLOCKS = frozenset({
    "Paragraph", "Heading", "BlockQuote", "CodeBlock", "HtmlBlock", "List", "Item",
    "FootnoteDefinition", "Table", "TableHead", "TableRow", "TableCell", "MetadataBlock",
    "DefinitionList", "DefinitionListTitle", "DefinitionListDefinition",
})
_PUNCTUATION = re.compile(r"""([!-/:-@\[-`{-~])""")


def _all_text(translation: str, kind: UnitKind | None, multiline: bool) -> str:
    """A translation shown exactly as typed, every ASCII punctuation mark escaped: nothing in
    it is Markdown or HTML any more."""
    return confine(_PUNCTUATION.sub(r"\\\1", translation), kind or UnitKind.PARAGRAPH,
                   multiline=multiline)


def neutralise(
    source: str,
    translation: str,
    *,
    kind: UnitKind | None = None,
    multiline: bool = True,
    definitions: Mapping[str, str] | None = None,
) -> str:
    r"""Make a translation the inline content of its unit, adding no markup to its source's.

    First what would change the page's structure is escaped (:func:`render.confine`: block
    starts on any line, reference and footnote definitions, what would close the unit's
    construct). Then raw HTML the source unit does not have is escaped, and links and
    images to a ``javascript:`` (or any other non-web) address the source unit does not
    have become plain text; reference links are read with the article's ``definitions``
    (normalised label -> URL), as the page will resolve them. The source's own markup,
    and ordinary links, are kept. Should the result still not parse as one paragraph of
    inline content, the whole translation is shown as typed, every mark escaped.

    >>> neutralise("Tekst", "Text <script>alert(1)</script>")
    'Text &lt;script>alert(1)&lt;/script>'
    >>> neutralise("Tekst", "[Text](javascript:alert(1))")
    '\\[Text](javascript:alert(1))'
    >>> neutralise("A <br> b", "A <br> b")
    'A <br> b'
    >>> neutralise("Tekst", "[x]: javascript:alert(1)")
    '\\[x]: javascript:alert(1)'
    """
    if translation == source:
        return translation  # the source's own markup: nothing added
    if not translation.strip():
        return source  # nothing to show: the source stays, as for an empty translation
    unit_kind = kind or UnitKind.PARAGRAPH
    text = confine(translation, unit_kind, multiline=multiline)
    if kind is UnitKind.LINK_TITLE:
        return text  # a title is an attribute's text, not Markdown: quotes are all it has
    if "<" in text or "[" in text:
        markup: _SourceMarkup | None = None
        for _ in range(_MAX_PASSES):
            spans = markup_spans(text, definitions)
            if all(s.kind is not SpanKind.HTML and safe_url(s.value) for s in spans):
                break  # no HTML and only safe links: nothing the source needs to vouch for
            if markup is None:
                markup = _SourceMarkup.of(source, definitions)
            rewrites = _rewrites(markup, text, spans)
            if not rewrites:
                break
            text = _apply(text, rewrites)
        else:
            return _all_text(translation, kind, multiline)  # nested deeper than the passes
    if _may_be_block(text) and not _inline_only(text):
        return _all_text(translation, kind, multiline)
    return text


def _may_be_block(text: str) -> bool:
    """Whether a confined text needs the full parse that proves it is inline content only:
    HTML, a possible definition, or a line that starts with a mark (not a letter, a digit, a
    space or an escape). Told by string tests: this is asked of every translation."""
    if "<" in text or "]:" in text or "[^" in text:
        return True
    if "\n" not in text:
        first = text[:1]
        return bool(first) and not (first.isalnum() or first in " \t\\_")
    return any(line and not (line[0].isalnum() or line[0] in " \t\\_")
               for line in text.split("\n"))


def neutralised(article: Article, texts: Mapping[Key, str]) -> dict[Key, str]:
    """Neutralise every translation of an article against its source unit."""
    units = {unit.key: unit for unit in article.units}
    definitions: dict[str, str] | None = None
    out = {}
    for key, text in texts.items():
        unit = units.get(key)
        if unit is not None and unit.kind is UnitKind.FRONT_MATTER:
            out[key] = text
            continue
        if definitions is None:
            definitions = reference_urls(strip_front_matter(article.text))
        out[key] = neutralise(key[1], text, kind=unit.kind if unit else None,
                              multiline=unit.multiline if unit else True,
                              definitions=definitions)
    return out


# -- the last guard: the page itself ------------------------------------------------------

_ACTIVE_ELEMENTS = frozenset({"script", "meta", "base", "form", "object", "embed", "iframe",
                              "frame", "frameset", "applet", "link", "style", "svg", "math",
                              "template", "portal"})
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "srcset", "poster",
                             "background", "xlink:href", "codebase", "ping"})
_ELEMENT = re.compile(
    r"<(?:script|meta|base|form|object|embed|i?frame|frameset|applet|link|style|svg|math"
    r"|template|portal)\b", re.IGNORECASE,
)
_HANDLER = re.compile(r"[oO][nN][a-zA-Z]+[ \t\r\n\f]*=")
_ATTRIBUTE_VALUE = re.compile(r"""=[ \t\r\n\f]*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")


def _may_be_active(html: str) -> bool:
    """Whether a page body can hold anything :func:`active_content` finds; most have nothing,
    told by plain string searches (a page is parsed only when this says yes): an element it
    looks for, ``on...=`` after a space, a slash or a quote, an attribute value that is not a
    safe URL once entities are decoded (a title with a colon says yes too: it is parsed)."""
    if _ELEMENT.search(html):
        return True
    for match in _HANDLER.finditer(html):
        if match.start() and html[match.start() - 1] in " \t\r\n\f/\"'":
            return True
    for match in _ATTRIBUTE_VALUE.finditer(html):
        value = match.group(1) or match.group(2) or match.group(3) or ""
        if (":" in value or "&" in value) and not safe_url(unescape(value)):
            return True
    return False


class _ActiveReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _ACTIVE_ELEMENTS:
            self.found.add(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.add(f"<{tag} {name}>")
            elif name in _URL_ATTRIBUTES and value is not None and not safe_url(value):
                self.found.add(f"<{tag} {name}={value}>")

    handle_startendtag = handle_starttag


def active_content(html: str) -> frozenset[str]:
    """What in HTML can run script or send the reader elsewhere unasked, as a browser parses
    it: script-like elements (``script``, ``meta``, ``base``, ``form``, ``iframe``...), event
    handler attributes, and URLs to anything but relative, web, mail and phone addresses.

    >>> sorted(active_content('<p>a <img src=x onerror=alert(1)> &lt;script></p>'))
    ['<img onerror>']
    """
    if not _may_be_active(html):
        return frozenset()
    reader = _ActiveReader()
    reader.feed(html)
    reader.close()
    return frozenset(reader.found)


@lru_cache(maxsize=64)  # asked once for every locale of an article
def _source_active(markdown: str) -> frozenset[str]:
    return active_content(markdown_to_html(markdown))


def check_page(article: Article, body: str, locale: str) -> None:
    """Refuse a page whose body can do what its source article cannot.

    Translations are made safe before they reach the page (:func:`neutralise`); this reads
    the final HTML once more, as a browser would, so that a way round that nobody has
    thought of yet is an error that names the article, never a published page.
    """
    if locale == article.lang:
        return
    added = active_content(body)
    if added:
        added -= _source_active(strip_front_matter(article.text))
    if added:
        raise ContentError(
            f"the {locale} page would get {', '.join(sorted(added))} from a translation, "
            "which its source does not have; it is not published: fix the translation "
            "(locpipe check shows it) and report this to locpipe's maintainers",
            article.path, 1,
        )


# -- typography ---------------------------------------------------------------------------

_ONE_LETTER_WORDS = {"pl": "aiouwzAIOUWZ"}
"""Languages whose one-letter words must not end a line, and those words."""
_BOUNDARY = "\\s(\\[{\u201e\u201c\"'\u2018\u00ab\u00bb\u2014\u2013/"
"""What may come before a one-letter word: space, an opening bracket or quote, a dash."""
_SKIP_TAGS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea", "var",
                        "svg", "math"})
_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                        "meta", "source", "track", "wbr"})
_INLINE_TAGS = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn",
                          "em", "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span",
                          "strong", "sub", "sup", "time", "u", "var"})


@dataclass(frozen=True)
class Typography:
    """Typographic rules of one language for HTML text."""

    one_letter: str = ""
    """One-letter words followed by a no-break space (Polish: a, i, o, u, w, z)."""
    quotes: str = ""
    """Opening and closing marks for straight double quotes, or nothing to keep them."""

    @property
    def active(self) -> bool:
        return bool(self.one_letter or self.quotes)

    def text(self, text: str, before: str = " ") -> str:
        """Apply the rules to plain text; ``before`` is the text just before it."""
        context = before[-2:].rjust(2)
        if self.quotes:
            text = self._quotes(text, context[-1])
        if self.one_letter:
            space = _space_after_one_letter(self.one_letter)
            text = space.sub("\u00a0", context + text)[len(context):]
        return text

    def _quotes(self, text: str, previous: str) -> str:
        """Each straight quote opens after a space, bracket or dash and closes elsewhere."""
        if '"' not in text:
            return text
        pieces = text.split('"')
        out = [pieces[0]]
        previous = pieces[0][-1:] or previous
        for piece in pieces[1:]:
            opening = previous.isspace() or previous in "([{\u2014\u2013-/"
            mark = self.quotes[0] if opening else self.quotes[1]
            out += (mark, piece)
            previous = piece[-1:] or mark
        return "".join(out)

    def markup(self, text: str) -> Markup:
        """Plain text as HTML, with the rules applied and no-break spaces made visible."""
        return Markup(str(escape(self.text(text))).replace("\u00a0", "&nbsp;"))


@cache
def _space_after_one_letter(letters: str) -> re.Pattern[str]:
    """The white space after a one-letter word, which a no-break space replaces."""
    return re.compile(rf"(?<=(?<![^{_BOUNDARY}])[{letters}])"
                      r"(?:[ \t]+|[ \t]*\r?\n[ \t]*)(?=\S|$)")


def typography_for(locale: str, config: Config) -> Typography:
    """The typography of a locale, as the project configures it."""
    if not config.typography:
        return Typography()
    locale = locale.replace("-", "_")  # a lang attribute is BCP 47 (en-GB)
    try:
        language = babel.Locale.parse(locale).language
    except (ValueError, babel.UnknownLocaleError):
        return Typography()  # an author's lang="..." that Babel does not know: no rules
    return Typography(one_letter=_ONE_LETTER_WORDS.get(language, ""),
                      quotes=config.quotes.get(locale) or config.quotes.get(language, ""))


class _Typesetter(HTMLParser):
    """Apply typography to the text of an HTML fragment, outside code and foreign text."""

    def __init__(self, source: str, lang: str, rules: Callable[[str], Typography]) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.rules = rules
        self.stack: list[tuple[str, str]] = [("", lang)]
        self.skip = 0
        self.previous = " "
        self.edits: list[tuple[int, int, str]] = []
        starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._line_starts = starts

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._boundary(tag)
        if tag in _VOID_TAGS:
            return
        lang = next((v for k, v in attrs if k == "lang" and v), self.stack[-1][1])
        self.stack.append((tag, lang))
        self.skip += tag in _SKIP_TAGS

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._boundary(tag)

    def handle_endtag(self, tag: str) -> None:
        self._boundary(tag)
        if not any(open_tag == tag for open_tag, _ in self.stack[1:]):
            return
        while len(self.stack) > 1:
            open_tag, _ = self.stack.pop()
            self.skip -= open_tag in _SKIP_TAGS
            if open_tag == tag:
                break

    def _boundary(self, tag: str) -> None:
        if tag not in _INLINE_TAGS:
            self.previous = " "

    def handle_data(self, data: str) -> None:
        rules = self.rules(self.stack[-1][1])
        if not self.skip and rules.active:
            new = rules.text(data, self.previous).replace("\u00a0", "&nbsp;")
            if new != data:
                start = self._offset()
                self.edits.append((start, start + len(data), new))
        self.previous = (self.previous + data)[-2:]

    def handle_entityref(self, name: str) -> None:
        rules = self.rules(self.stack[-1][1])
        start = self._offset()
        raw = f"&{name};" if self.source.startswith(f"&{name};", start) else f"&{name}"
        if name == "quot" and not self.skip and rules.quotes:
            mark = rules.text('"', self.previous)
            self.edits.append((start, start + len(raw), mark))
            self.previous = (self.previous + mark)[-2:]
            return
        self.previous = (self.previous + ("\u00a0" if name == "nbsp" else "x"))[-2:]

    def handle_charref(self, name: str) -> None:
        self.previous = (self.previous + "x")[-2:]


_LANG_ATTRIBUTE = re.compile(r"""\blang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)
_LANG_ANYWHERE = re.compile(r"lang\s*=", re.I)


def _no_rules_apply(html: str, lang: str, rules: Callable[[str], Typography]) -> bool:
    """Whether no language of the fragment has typography rules, so it stays as it is.

    The languages are ``lang`` and every ``lang`` attribute's value; anything unclear (an
    attribute this cannot read, a value with an entity, a locale that does not parse) means
    the fragment must be parsed.
    """
    try:
        if "&" in lang or rules(lang).active:
            return False  # the fragment's own language has rules: no need to look further
    except Exception:  # a locale that does not parse: the parser meets it too
        return False
    found = []
    if _LANG_ANYWHERE.search(html):  # one quick look first: most fragments have no lang
        found = _LANG_ATTRIBUTE.findall(html)
        if len(found) != len(_LANG_ANYWHERE.findall(html)):
            return False
    values = {lang, *("".join(groups) for groups in found)}
    try:
        return not any("&" in value or rules(value).active for value in values)
    except Exception:  # a locale that does not parse: the parser meets it too
        return False


_WS = "[ \t\n\r\f]"
"""HTML's white space: what every version of ``html.parser`` reads as white space."""
_ATTRIBUTE = (rf"{_WS}+[a-zA-Z_:][-a-zA-Z0-9_:.]*"
              rf"(?:{_WS}*={_WS}*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`/]+(?=[ \t\n\r\f>])))?")
_TAG = (rf"<(?P<start>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>(?:{_ATTRIBUTE})*){_WS}*(?P<empty>/?)>"
        rf"|</(?P<end>[a-zA-Z][-.a-zA-Z0-9:_]*){_WS}*>"
        r"|<!--(?!-?>)(?:[^-]|-(?!-))*-->")
"""A start tag, end tag or comment as every version of ``html.parser`` reads it."""
_TAGS = re.compile("(" + re.sub(r"\(\?P<\w+>", "(?:", _TAG) + ")")
"""Splits a fragment into text, tag, text, ..., text."""
_ONE_TAG = re.compile(_TAG)
_REFERENCES = re.compile(r"(&(?:[a-zA-Z][-.a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);)")
"""Splits text into text, reference, text, ..., text."""
_ATTRIBUTES = re.compile(
    rf"{_WS}+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:{_WS}*={_WS}*(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`/]+))?")
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                       "noframes", "noscript", "plaintext"})
"""Elements whose content some version of ``html.parser`` reads as raw text."""


_TagInfo = tuple[bool, bool, str, bool, str | None, bool]
"""What a tag does: opens, closes, its name, resets the text before, own ``lang``, skips."""


@lru_cache(maxsize=4096)
def _tag(text: str) -> _TagInfo | None:
    """What a tag does, or None when the parser must read the fragment."""
    match = _ONE_TAG.fullmatch(text)
    if match is None:
        return None
    if match.group("end"):
        name = match.group("end").lower()
        return False, True, name, name not in _INLINE_TAGS, None, False
    name = match.group("start")
    if name is None:
        return False, False, "", False, None, False  # a comment
    name = name.lower()
    if name in _RAW_TEXT:
        return None
    resets = name not in _INLINE_TAGS
    if match.group("empty") or name in _VOID_TAGS:
        return False, False, name, resets, None, False  # nothing opens
    attrs = match.group("attrs")
    own = _element_lang(attrs) if "lang" in attrs.lower() else None
    if own is not None and "&" in own:
        return None  # html.parser unescapes it: leave that to the parser
    return True, False, name, resets, own, name in _SKIP_TAGS


def _element_lang(attrs: str) -> str | None:
    """The first non-empty ``lang`` of a start tag's attributes, quotes taken off."""
    for match in _ATTRIBUTES.finditer(attrs):
        if match.group(1).lower() != "lang" or not match.group(2):
            continue
        value = match.group(2)
        if value[0] in "\"'":
            value = value[1:-1]
        if value:
            return value
    return None


class _FastSetter:
    """What :class:`_Typesetter` does, over text and tags that expressions cut."""

    __slots__ = ("active", "cursor", "html", "open", "out", "previous", "rules", "skip",
                 "stack", "trigger", "typo", "typo_lang")

    def __init__(self, html: str, lang: str, rules: Callable[[str], Typography]) -> None:
        self.html, self.rules = html, rules
        self.stack: list[tuple[str, str]] = [("", lang)]
        self.open: dict[str, int] = {}
        self.skip = 0
        self.previous = " "
        self.out: list[str] = []
        self.cursor = 0
        self.typo_lang: str | None = None  # the language whose rules are at hand
        self.typo = Typography()
        self.active = False
        self.trigger: re.Pattern[str] | None = None

    def run(self, parts: list[str]) -> bool:
        """Typeset text, tag, text, ..., text; False where the parser must read them."""
        start = 0
        for i in range(0, len(parts) - 1, 2):
            text, tag = parts[i], parts[i + 1]
            if text and not self.text(start, text):
                return False
            info = _tag(tag)
            if info is None:
                return False
            opens, closes, name, resets, own, skips = info
            if resets:
                self.previous = " "
            if opens:
                self.stack.append((name, own or self.stack[-1][1]))
                self.open[name] = self.open.get(name, 0) + 1
                self.skip += skips
            elif closes and self.stack[-1][0] == name:  # the usual case: the last one opened
                self.stack.pop()
                self.open[name] -= 1
                self.skip -= name in _SKIP_TAGS
            elif closes and self.open.get(name):
                self.close(name)
            start += len(text) + len(tag)
        return not parts[-1] or self.text(start, parts[-1])

    def close(self, name: str) -> None:
        while len(self.stack) > 1:
            open_tag, _ = self.stack.pop()
            self.open[open_tag] -= 1
            self.skip -= open_tag in _SKIP_TAGS
            if open_tag == name:
                break

    def text(self, start: int, text: str) -> bool:
        """Typeset a run of text; False when it holds a stray ``<`` or ``&``."""
        if "<" in text:
            return False
        if "&" in text:
            return self.references(start, text)
        lang = self.stack[-1][1]
        if lang != self.typo_lang:
            self.typo_lang, self.typo = lang, self.rules(lang)
            self.active = self.typo.active
            self.trigger = _trigger(self.typo.one_letter)
        previous = self.previous
        self.previous = (previous + text[-2:])[-2:]
        if self.skip or not self.active:
            return True
        typo, letters = self.typo, self.typo.one_letter
        # Only text the rules could change goes to them: white space after a one-letter
        # word, here or just before, a straight quote to replace, a no-break space.
        if "\u00a0" in text or (typo.quotes and '"' in text) or (letters and (
                self.trigger is None or self.trigger.search(text) is not None
                or (text[0] in " \t\r\n"
                    and (previous[0] in letters or previous[-1] in letters)))):
            new = typo.text(text, previous).replace("\u00a0", "&nbsp;")
            if new != text:
                self.edit(start, start + len(text), new)
        return True

    def references(self, start: int, text: str) -> bool:
        """Typeset text with character references: each one is the parser's own event."""
        for i, piece in enumerate(_REFERENCES.split(text)):
            if i % 2:
                self.reference(start, piece)
            elif "&" in piece:
                return False
            elif piece:
                self.text(start, piece)
            start += len(piece)
        return True

    def reference(self, start: int, raw: str) -> None:
        if raw[1] == "#":
            self.previous = (self.previous + "x")[-2:]
            return
        found = self.rules(self.stack[-1][1])
        name = raw[1:-1]
        if name == "quot" and not self.skip and found.quotes:
            mark = found.text('"', self.previous)
            self.edit(start, start + len(raw), mark)
            self.previous = (self.previous + mark)[-2:]
        else:
            self.previous = (self.previous + ("\u00a0" if name == "nbsp" else "x"))[-2:]

    def edit(self, start: int, end: int, new: str) -> None:
        self.out.append(self.html[self.cursor:start])
        self.out.append(new)
        self.cursor = end


def _typeset_fast(html: str, lang: str, rules: Callable[[str], Typography]) -> str | None:
    """:func:`_typeset_parsed` by regular expressions, or None where they cannot say.

    The fragment is cut into the same text runs, tags and references ``html.parser``
    reports and the same rules are applied to them; a text run is given to
    :meth:`Typography.text` only when the rules could change it. Anything this does not
    read exactly as the parser (a declaration, a stray ``<`` or ``&``, an unusual tag or
    comment, raw text elements, an entity in a ``lang`` value) gives None: the parser
    decides.
    """
    setter = _FastSetter(html, lang, rules)
    if not setter.run(_TAGS.split(html)):
        return None
    setter.out.append(html[setter.cursor:])
    return "".join(setter.out)


@cache
def _trigger(letters: str) -> re.Pattern[str] | None:
    """White space after one of ``letters`` as a one-letter word, or None: cannot tell.

    It starts with the white space, which ``re`` looks for quickly; the start of the text
    counts as a word boundary, since the text before it is tested apart.
    """
    if not letters.isalpha():
        return None  # the rules' own character class may read them otherwise
    return re.compile(rf"[ \t\r\n](?<=(?<![^{_BOUNDARY}])[{letters}][ \t\r\n])")


def typeset(html: str, *, lang: str, rules: Callable[[str], Typography]) -> str:
    """Apply each language's typography to the text of an HTML fragment.

    ``lang`` is the fragment's language; elements with their own ``lang`` use theirs.
    Code, preformatted text, scripts and styles are never touched.
    """
    if _no_rules_apply(html, lang, rules):
        return html
    fast = _typeset_fast(html, lang, rules)
    return _typeset_parsed(html, lang, rules) if fast is None else fast


def _typeset_parsed(html: str, lang: str, rules: Callable[[str], Typography]) -> str:
    """:func:`typeset` by ``html.parser``: the reference the fast path must equal."""
    setter = _Typesetter(html, lang, rules)
    setter.feed(html)
    setter.close()
    out = []
    cursor = 0
    for start, end, text in sorted(setter.edits):
        out.append(html[cursor:start])
        out.append(text)
        cursor = end
    out.append(html[cursor:])
    return "".join(out)


# -- front matter -------------------------------------------------------------------------


def localized_value(value: object, locale: str, *, date_format: str) -> str | None:
    """A date or a number as readers of ``locale`` write it, or None for other values.

    A date may be written in any form Hugo reads (see :mod:`locpipe.dates`).

    >>> localized_value(dt.date(2026, 3, 5), "pl", date_format="long")
    '5 marca 2026'
    >>> localized_value("2026-03-05T10:00:00+01:00", "en", date_format="long")
    'March 5, 2026'
    >>> localized_value(1234.5, "en", date_format="long")
    '1,234.5'
    """
    day = as_date(value)
    if day is not None:
        return _format_date(day, date_format, locale)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return str(babel.numbers.format_decimal(value, locale=locale))
        except (ArithmeticError, ValueError):  # more digits than a decimal can round
            return None
    return None


@lru_cache(maxsize=4096)  # asked for every page and index entry
def _format_date(value: dt.date, date_format: str, locale: str) -> str:
    return str(babel.dates.format_date(value, format=date_format, locale=locale))


def front_matter_extras(
    article: Article, locale: str, config: Config
) -> list[tuple[str, str]]:
    """Front-matter fields a localised Markdown file gains: translation key and display values.

    Keys the source sets itself are left as the source has them.
    """
    data = article.front_matter.data if article.front_matter else {}
    extras = []
    if "translationKey" not in data:
        extras.append(("translationKey", article.name))
    for key in config.localized_fields:
        if key not in data or f"{key}_display" in data:
            continue
        text = localized_value(data[key], locale, date_format=config.date_format)
        if text is not None:  # anything else keeps its value, and `check` says so
            extras.append((f"{key}_display", text))
    return extras


def localized_notes(article: Article, config: Config) -> list[tuple[int, str]]:
    """The ``localized_fields`` of an article that hold no date or number: (line, message)."""
    data = article.front_matter.data if article.front_matter else {}
    notes = []
    for key in config.localized_fields:
        if key not in data or f"{key}_display" in data:
            continue
        if localized_value(data[key], config.source_locale,
                           date_format=config.date_format) is None:
            shown = repr(data[key]) if not isinstance(data[key], str) else f"'{data[key]}'"
            shown = shown if len(shown) <= 40 else shown[:36] + " ..."
            notes.append((_front_matter_line(article, key), (
                f"front-matter '{key}' is listed in localized_fields but {shown} is not a "
                f"date or a number: it is kept as it is and gets no '{key}_display'; write a "
                "date as 2026-03-05 (or another form Hugo reads)")))
    return notes


def _front_matter_line(article: Article, key: str) -> int:
    """The line that sets a top-level key (``key:`` or ``key =``), unindented if it can be."""
    front = article.front_matter
    end = len(article.text.encode()[: front.end].decode()) if front else 0
    for indent in ("", "[ \t]*"):
        pattern = rf"^{indent}[\"']?{re.escape(key)}[\"']?[ \t]*[:=]"
        match = re.compile(pattern, re.MULTILINE).search(article.text, 0, end)
        if match:
            return article.text.count("\n", 0, match.start()) + 1
    return 1


# -- HTML pages ---------------------------------------------------------------------------

_UI = {
    "en": {
        "articles": "Articles",
        "languages": "Languages",
        "choose": "Choose a language",
        "empty": "No articles yet.",
        "fallback": "Parts of this page are not translated yet and are shown in the "
                    "original language ({language}).",
        "outdated": "Marked passages translate an earlier version of the original.",
        "outdated_title": "Outdated translation: the original has changed since",
        "machine": "Marked passages are machine translations that nobody has reviewed yet.",
        "machine_title": "Machine translation, not reviewed",
    },
    "pl": {
        "articles": "Artykuły",
        "languages": "Języki",
        "choose": "Wybierz język",
        "empty": "Nie ma jeszcze artykułów.",
        "fallback": "Część tej strony nie jest jeszcze przetłumaczona i jest pokazana "
                    "w oryginale ({language}).",
        "outdated": "Oznaczone fragmenty tłumaczą wcześniejszą wersję oryginału.",
        "outdated_title": "Nieaktualne tłumaczenie: oryginał od tego czasu się zmienił",
        "machine": "Oznaczone fragmenty to tłumaczenie maszynowe, jeszcze niesprawdzone.",
        "machine_title": "Tłumaczenie maszynowe, niesprawdzone",
    },
}


@cache  # asked for every page: babel parses the locale once
def ui_text(locale: str) -> Mapping[str, str]:
    """The page's own words (navigation, notices) in ``locale``, English when unknown."""
    return _UI.get(babel.Locale.parse(locale).language, _UI["en"])


@cache  # asked for every page: babel parses the locale once
def language_name(locale: str, in_locale: str | None = None) -> str:
    """A language's name, by default in itself ('polski', 'English'), capitalised as it writes."""
    name = babel.Locale.parse(locale).get_display_name(in_locale or locale) or locale
    return name[:1].upper() + name[1:] if (in_locale or locale).startswith("en") else name


@cache  # asked for every page: babel parses the locale once
def _direction(locale: str) -> str:
    return "rtl" if babel.Locale.parse(locale).character_order == "right-to-left" else "ltr"


@dataclass(frozen=True)
class Alternate:
    """One language version of a page, for hreflang links and the language switcher."""

    locale: str
    href: str
    name: str
    current: bool = False

    @property
    def hreflang(self) -> str:
        return bcp47(self.locale)


@dataclass(frozen=True)
class Site:
    """What every page of the site shares: the project's HTML options."""

    default_locale: str
    layout: OutputLayout
    date_format: str
    base_url: str | None
    template_dir: Path | None
    config: Config = field(repr=False)
    _rules: dict[str, Typography] = field(default_factory=dict, init=False, repr=False,
                                          compare=False)

    @classmethod
    def from_config(cls, config: Config) -> Site:
        template_dir = config.root / config.template_dir if config.template_dir else None
        return cls(config.source_locale, config.output_layout, config.date_format,
                   config.base_url, template_dir, config)

    def absolute(self, file: str) -> str | None:
        return self.base_url + file if self.base_url else None

    def typography(self, locale: str) -> Typography:
        found = self._rules.get(locale)
        if found is None:  # asked for every run of text: parse the locale once
            found = self._rules[locale] = typography_for(locale, self.config)
        return found


@cache
def _environment(template_dir: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader("locpipe", "templates")]
    if template_dir is not None:
        loaders.insert(0, jinja2.FileSystemLoader(template_dir))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def _template(site: Site, name: str) -> jinja2.Template:
    try:
        return _environment(site.template_dir).get_template(name)
    except jinja2.TemplateSyntaxError as e:
        raise ContentError(f"template error: {e.message}; fix the template",
                           e.filename or name, e.lineno) from e


def _render(site: Site, name: str, **context: object) -> str:
    try:
        return _template(site, name).render(**context)
    except jinja2.TemplateError as e:
        where = site.template_dir / name if site.template_dir else name
        raise ContentError(f"template {name} failed: {e}; fix the template", where) from e


def _alternates(here: str, files: Mapping[str, str], locale: str) -> list[Alternate]:
    return [Alternate(loc, relative_href(here, file), language_name(loc), loc == locale)
            for loc, file in files.items()]


def _hreflang(
    site: Site, here: str, files: Mapping[str, str], default: str
) -> list[tuple[str, str]]:
    """``(hreflang, href)`` for every version and ``x-default``: absolute with a base URL."""
    def href(file: str) -> str:
        return site.absolute(file) or relative_href(here, file)

    links = [(bcp47(loc), href(file)) for loc, file in files.items()]
    return [*links, ("x-default", href(default))]


def _untranslated(data: Mapping[str, object], key: str, texts: Mapping[Key, str]) -> bool:
    """Whether a text field is shown in the source language (one that is no text is not)."""
    value = data.get(key)
    return isinstance(value, str) and (key, value) not in texts


def _text_field(data: Mapping[str, object], key: str, texts: Mapping[Key, str]) -> str | None:
    value = data.get(key)
    if not isinstance(value, str):
        return None
    return texts.get((key, value), value)


_LEADING_H1 = re.compile(r"\A\s*<h1>(?P<inner>.*?)</h1>\s*", re.DOTALL)


def _marker(unit: Unit, text: str, *, css: str, title: str) -> str:
    if unit.kind in (UnitKind.FRONT_MATTER, UnitKind.IMAGE_ALT, UnitKind.LINK_TITLE):
        return text  # an attribute's value or page data: a <span> would be text, or break it
    return f'<span class="{css}" title="{escape(title)}">{text}</span>'


def marker(decision: Decision) -> Callable[[Unit, str], str]:
    """Wrap outdated and machine translations in a marked ``<span>`` for HTML."""
    ui = ui_text(decision.locale)

    def wrap(unit: Unit, text: str) -> str:
        shown = decision.shown.get(unit.key)
        if shown is Shown.OUTDATED:
            return _marker(unit, text, css="outdated", title=ui["outdated_title"])
        if shown is Shown.MACHINE:
            return _marker(unit, text, css="machine", title=ui["machine_title"])
        return text

    return wrap


def article_page(
    site: Site,
    article: Article,
    markdown_body: str,
    *,
    decision: Decision,
    texts: Mapping[Key, str],
    files: Mapping[str, str],
    index: str,
) -> str:
    """A complete, readable HTML page for one article in one locale.

    ``markdown_body`` is the localised Markdown without front matter, fallback passages
    marked with their ``lang``; ``files`` maps every rendered locale to its page, and
    ``index`` is this locale's index page (all relative to ``output_dir``).
    """
    locale = decision.locale
    here = files[locale]
    rules = site.typography
    data = article.front_matter.data if article.front_matter else {}
    body = typeset(pagehtml.finish(markdown_to_html(markdown_body)), lang=locale, rules=rules)
    if any("<" in text or "[" in text for text in texts.values()):
        check_page(article, body, locale)  # only HTML, autolinks and links can do anything
    body = links.page_links(body, article.name, lambda other: relative_href(
        here, output_file(other, locale, ".html", site.layout)))
    heading = None
    lifted = _LEADING_H1.match(body)
    if lifted is not None:
        heading = Markup(lifted.group("inner"))
        body = body[lifted.end():]
    anchors = [anchor for _, _, anchor in links.headings(article)]
    body = links.heading_ids(body, anchors[1:] if lifted is not None else anchors)
    title = _text_field(data, "title", texts) or article.name
    title_lang = (article.lang if locale != article.lang
                  and _untranslated(data, "title", texts) else None)
    title_rules = rules(title_lang or locale)
    description = _text_field(data, "description", texts)
    description_lang = (article.lang if description is not None and locale != article.lang
                        and _untranslated(data, "description", texts) else None)
    ui = ui_text(locale)
    notices = []
    if decision.fallback and locale != article.lang:
        notices.append(ui["fallback"].format(language=language_name(article.lang, locale)))
    if decision.count(Shown.OUTDATED):
        notices.append(ui["outdated"])
    if decision.count(Shown.MACHINE):
        notices.append(ui["machine"])
    date = as_date(data.get("date"))
    return _render(
        site, "article.html",
        lang=bcp47(locale), dir=_direction(locale), ui=ui,
        title=title_rules.text(title), heading=heading or title_rules.markup(title),
        title_lang=bcp47(title_lang) if title_lang else None,
        description=description,
        description_lang=bcp47(description_lang) if description_lang else None,
        date_iso=date.isoformat() if date is not None else None,
        date_text=localized_value(date, locale, date_format=site.date_format)
        if date is not None else None,
        notices=[rules(locale).markup(n) for n in notices],
        body=Markup(body),
        alternates=_alternates(here, files, locale),
        hreflang=_hreflang(site, here, files, files[article.lang]),
        canonical=site.absolute(here),
        home=relative_href(here, index),
        article=article.name,
    )


def summary(
    site: Site, article: Article, *, locale: str, texts: Mapping[Key, str], href: str
) -> Summary:
    """How an article is listed in its locale's index page."""
    data = article.front_matter.data if article.front_matter else {}
    title = _text_field(data, "title", texts) or article.name
    description = _text_field(data, "description", texts)
    foreign = locale != article.lang
    return Summary(
        href=href,
        title=title,
        title_lang=bcp47(article.lang) if foreign
        and _untranslated(data, "title", texts) else None,
        description=description,
        description_lang=bcp47(article.lang) if foreign and description is not None
        and _untranslated(data, "description", texts) else None,
        date=as_date(data.get("date")),
    )


def index_page(
    site: Site, summaries: Iterable[Summary], *, locale: str, files: Mapping[str, str]
) -> str:
    """The page of one locale that lists its articles, newest first."""
    here = files[locale]
    ordered = sorted(summaries, key=lambda s: (-(s.date or dt.date.min).toordinal(), s.href))
    rules = site.typography
    items = [
        {
            "href": s.href,
            "title": rules(s.title_lang or locale).markup(s.title),
            "title_lang": s.title_lang,
            "description": rules(s.description_lang or locale).markup(s.description)
            if s.description else None,
            "description_lang": s.description_lang,
            "date_iso": s.date.isoformat() if s.date else None,
            "date_text": localized_value(s.date, locale, date_format=site.date_format)
            if s.date else None,
        }
        for s in ordered
    ]
    ui = ui_text(locale)
    return _render(
        site, "index.html",
        lang=bcp47(locale), dir=_direction(locale), ui=ui,
        title=ui["articles"], items=items,
        alternates=_alternates(here, files, locale),
        hreflang=_hreflang(site, here, files, ROOT_INDEX),
        canonical=site.absolute(here),
        home=relative_href(here, here),
    )


def root_page(site: Site, *, files: Mapping[str, str]) -> str:
    """The site's front door: every language's index, each named in its own language."""
    locale = site.default_locale
    return _render(
        site, "root.html",
        lang=bcp47(locale), dir=_direction(locale), ui=ui_text(locale),
        title=" · ".join(dict.fromkeys(ui_text(loc)["articles"] for loc in files)),
        choices=[{"locale": bcp47(loc), "href": file, "name": language_name(loc),
                  "label": ui_text(loc)["choose"]} for loc, file in files.items()],
        alternates=[],
        hreflang=_hreflang(site, ROOT_INDEX, files, ROOT_INDEX),
        canonical=site.absolute(ROOT_INDEX),
        home=ROOT_INDEX,
    )
