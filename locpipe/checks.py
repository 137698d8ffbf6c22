"""Quality checks: a registry of named, pure functions that report every problem they find.

A check looks at one of three things, its *scope*: each translated text beside its source
(``TRANSLATION``), each entry whatever its state (``ENTRY``), or the catalogue as a whole
(``CATALOGUE``). Each has a name users select in the configuration (``[checks]``) and on the
command line, a default severity they may change, and a docstring that the documentation and
``locpipe check --list-checks`` show. An entry silences a check with the flag
``#, locpipe-ignore: <check>`` (several names separated by ``|`` or spaces).
"""

from __future__ import annotations

import enum
import functools
import gettext
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from babel import Locale
from babel.messages.plurals import PLURALS

from .config import CheckSettings
from .errors import ConfigError
from .model import Catalogue, EntryState, Issue, Message, Severity
from .segment import InlineMarkup, inline_markup

IGNORE_FLAG = "locpipe-ignore"


class Scope(enum.Enum):
    """What a check looks at."""

    TRANSLATION = "translation"
    ENTRY = "entry"
    CATALOGUE = "catalogue"
    ARTICLE = "article"
    """The source article: run by the stages, which read it (see :data:`FRONT_MATTER`)."""


@dataclass(frozen=True)
class Pair:
    """One translated text beside its source, with what checks need to know about both."""

    source: str
    target: str
    locale: str
    """The target locale, such as ``pl`` or ``en_GB``."""
    flags: frozenset[str] = frozenset()
    definitions: Mapping[str, str] | None = None

    @property
    def language(self) -> str:
        return self.locale.replace("-", "_").split("_")[0].lower()

    @cached_property
    def source_markup(self) -> InlineMarkup:
        return markup(self.source, self.definitions)

    @cached_property
    def target_markup(self) -> InlineMarkup:
        return markup(self.target, self.definitions)


_PLAIN = re.compile(r"[^\W\d_]"
                    r"(?:[^\W_]|[ ,.;:?!'\"()%/\u00a0\u2013\u2014\u201c\u201d\u201e\u2019-])*")
"""Text that cannot hold Markdown: a letter first (no block can start), then letters,
digits, spaces and punctuation that never starts inline markup. Most units are like this."""


def markup(text: str, definitions: Mapping[str, str] | None = None) -> InlineMarkup:
    """What :func:`inline_markup` finds in ``text``, without parsing text that has no markup."""
    if _PLAIN.fullmatch(text):
        prose = re.sub(r" {2,}", " ", text).strip()
        return InlineMarkup((), (), (), (), (), 0, prose=prose, text=prose)
    return inline_markup(text, dict(definitions or {}))


@dataclass(frozen=True)
class Finding:
    """A problem a check found, and the entry it is in (None for the header or file)."""

    message: str
    line: int | None
    entry: Message | None = None


CatalogueFinder = Callable[["Context"], Iterator[Finding]]


@dataclass(frozen=True)
class Check:
    """A named check in the registry."""

    name: str
    severity: Severity
    scope: Scope
    doc: str
    run: CatalogueFinder
    default: bool = True
    """Whether it runs unless the configuration disables it."""
    languages: frozenset[str] | None = None
    """Target languages it applies to (None: all)."""

    def applies_to(self, locale: str) -> bool:
        language = locale.replace("-", "_").split("_")[0].lower()
        return self.languages is None or language in self.languages


REGISTRY: dict[str, Check] = {}


@dataclass
class Context:
    """A catalogue being checked, with each translated text paired with its source once."""

    catalogue: Catalogue

    @cached_property
    def pairs(self) -> list[tuple[Message, Pair]]:
        cat = self.catalogue
        nplurals = _header_nplurals(cat.metadata.get("Plural-Forms", "")) or 2
        found = []
        for message in cat.messages:
            if message.state is not EntryState.TRANSLATED:
                continue
            for source, target in _texts(message, nplurals):
                found.append(
                    (message, Pair(source, target, cat.locale, frozenset(message.flags),
                                   cat.definitions))
                )
        return found


def _texts(message: Message, nplurals: int) -> Iterator[tuple[str, str]]:
    """Each translated text with the source it translates (msgid, or msgid_plural)."""
    if not message.msgid_plural:
        yield message.msgid, message.msgstr
        return
    for index, form in enumerate(message.plural_forms):
        singular = index == 0 and nplurals > 1
        yield (message.msgid if singular else message.msgid_plural), form


def _register(
    name: str, severity: Severity, scope: Scope, doc: str | None, run: CatalogueFinder,
    *, default: bool, languages: Iterable[str] | None,
) -> None:
    if name in REGISTRY:
        raise ValueError(f"check {name!r} is registered twice")
    REGISTRY[name] = Check(
        name, severity, scope, " ".join((doc or "").split()), run, default,
        frozenset(languages) if languages is not None else None,
    )


PairFinder = Callable[[Pair], Iterable[str]]
EntryFinder = Callable[[Message], Iterable[str]]
HeaderFinder = Callable[[Catalogue], Iterable[tuple[int | None, str]]]


def translation_check(
    name: str, severity: Severity, *, default: bool = True,
    languages: Iterable[str] | None = None,
) -> Callable[[PairFinder], PairFinder]:
    """Register a check of each translated text against its source."""

    def register(find: PairFinder) -> PairFinder:
        def run(context: Context) -> Iterator[Finding]:
            for message, pair in context.pairs:
                for text in find(pair):
                    yield Finding(text, message.line, message)

        _register(name, severity, Scope.TRANSLATION, find.__doc__, run, default=default,
                  languages=languages)
        return find

    return register


def entry_check(
    name: str, severity: Severity, *, default: bool = True
) -> Callable[[EntryFinder], EntryFinder]:
    """Register a check of each entry, whatever its state."""

    def register(find: EntryFinder) -> EntryFinder:
        def run(context: Context) -> Iterator[Finding]:
            for message in context.catalogue.messages:
                for text in find(message):
                    yield Finding(text, message.line, message)

        _register(name, severity, Scope.ENTRY, find.__doc__, run, default=default,
                  languages=None)
        return find

    return register


def catalogue_check(
    name: str, severity: Severity, *, default: bool = True
) -> Callable[[HeaderFinder], HeaderFinder]:
    """Register a check of the catalogue as a whole."""

    def register(find: HeaderFinder) -> HeaderFinder:
        def run(context: Context) -> Iterator[Finding]:
            by_line = {m.line: m for m in context.catalogue.messages}
            for line, text in find(context.catalogue):
                yield Finding(text, line, by_line.get(line) if line is not None else None)

        _register(name, severity, Scope.CATALOGUE, find.__doc__, run, default=default,
                  languages=None)
        return find

    return register


# -- helpers ------------------------------------------------------------------------------


def _diff(label: str, source: Iterable[str], target: Iterable[str]) -> Iterator[str]:
    """Say what the translation lost and what it added, item by item."""
    source, target = list(source), list(target)
    if source == target:
        return  # the usual case, and a cheap one
    want, got = Counter(source), Counter(target)
    for item, n in sorted((want - got).items()):
        yield f"{label} {item!r} from the source is missing" + (f" ({n} times)" if n > 1 else "")
    for item, n in sorted((got - want).items()):
        yield f"{label} {item!r} is not in the source" + (f" ({n} times)" if n > 1 else "")


def _count(label: str, source: int, target: int) -> Iterator[str]:
    if source != target:
        yield f"{source} {label} in the source, {target} in the translation"


_URL_CHARS = r"""[^\s<>"'`\[\]()“”‘’«»„]"""  # noqa: RUF001
_URL = re.compile(rf"\b(?:https?|ftp)://\w{_URL_CHARS}*(?:\([^\s()]*\){_URL_CHARS}*)*"
                  rf"|\bwww\.[\w-]+(?:\.[\w-]+)+{_URL_CHARS}*")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_TRAILING = ".,;:!?'\"”’»)"  # noqa: RUF001


def _urls(text: str) -> list[str]:
    if "://" not in text and "www." not in text and "@" not in text:
        return []  # what both patterns need: most text has none
    found = [m.group().rstrip(_TRAILING) for m in _URL.finditer(text)]
    return found + _EMAIL.findall(_URL.sub(" ", text))


# -- Markdown inline structure -------------------------------------------------------------


@translation_check("markdown-links", Severity.ERROR)
def _links(pair: Pair) -> Iterator[str]:
    """Link and image destinations (and so the number of links and images) must be those of
    the source."""
    a, b = pair.source_markup, pair.target_markup
    yield from _diff("link to", a.links, b.links)
    yield from _diff("image", a.images, b.images)


@translation_check("code-spans", Severity.ERROR)
def _code(pair: Pair) -> Iterator[str]:
    """Code spans are not translated: each must appear verbatim."""
    yield from _diff("code span", pair.source_markup.code, pair.target_markup.code)


@translation_check("markdown-emphasis", Severity.ERROR)
def _emphasis(pair: Pair) -> Iterator[str]:
    """The same number of emphasised, strong and struck-through spans as the source."""
    a, b = pair.source_markup, pair.target_markup
    yield from _count("emphasis (*...*)", a.emphasis, b.emphasis)
    yield from _count("strong (**...**)", a.strong, b.strong)
    yield from _count("strikethrough (~~...~~)", a.strikethrough, b.strikethrough)


@translation_check("markdown-footnotes", Severity.ERROR)
def _footnotes(pair: Pair) -> Iterator[str]:
    """The same footnote references (``[^1]``) as the source."""
    yield from _diff("footnote reference", [f"[^{n}]" for n in pair.source_markup.footnotes],
                     [f"[^{n}]" for n in pair.target_markup.footnotes])


@translation_check("markdown-html", Severity.ERROR)
def _html(pair: Pair) -> Iterator[str]:
    """The same inline HTML tags as the source (attributes may be translated)."""
    yield from _diff("inline HTML", pair.source_markup.html, pair.target_markup.html)


@translation_check("markdown-references", Severity.ERROR)
def _references(pair: Pair) -> Iterator[str]:
    """Reference links (``[text][label]``) must use labels that exist: defined in the article
    when locpipe knows it, otherwise used by the source."""
    if pair.definitions is not None:
        known, where = set(pair.definitions), "defined in the article"
    else:
        known, where = set(pair.source_markup.references), "used in the source"
    for label in sorted(set(pair.target_markup.references) - known):
        yield f"reference label [{label}] is not {where}: the link would not work"


# -- text ---------------------------------------------------------------------------------


@translation_check("urls", Severity.ERROR)
def _url_check(pair: Pair) -> Iterator[str]:
    """URLs and e-mail addresses written in the text must be kept unchanged."""
    yield from _diff("URL or e-mail address", _urls(pair.source_markup.prose),
                     _urls(pair.target_markup.prose))


_NUMBER = re.compile(
    r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d])"  # 10 000 (Polish thousands)
    r"|\d+(?:[.,]\d+)*"
)

_DIGIT = re.compile(r"\d")
_NOT_DIGIT = re.compile(r"\D")


def _numbers(text: str) -> list[str]:
    """Numbers as digit strings: '1,000', '1 000' and '1000' are equal; '3,5' and '3.5' too."""
    if not _DIGIT.search(text):
        return []
    without_urls = _URL.sub(" ", _EMAIL.sub(" ", text))
    return [_NOT_DIGIT.sub("", m.group()) for m in _NUMBER.finditer(without_urls)]


@translation_check("numbers", Severity.WARNING)
def _number_check(pair: Pair) -> Iterator[str]:
    """Numbers must be kept (thousands separators and decimal commas may change)."""
    yield from _diff("number", _numbers(pair.source), _numbers(pair.target))


@translation_check("whitespace", Severity.ERROR)
def _whitespace(pair: Pair) -> Iterator[str]:
    """Leading and trailing whitespace (including no-break spaces) must be kept."""
    for side, pattern in (("leading", r"^\s*"), ("trailing", r"\s*$")):
        want = re.search(pattern, pair.source)
        got = re.search(pattern, pair.target)
        if want and got and want.group() != got.group():
            yield f"{side} whitespace {want.group()!r} in the source but {got.group()!r} here"


@translation_check("line-breaks", Severity.WARNING)
def _line_breaks(pair: Pair) -> Iterator[str]:
    """Hard line breaks (a ``\\n`` in the text) must be kept: the same number as the source."""
    want, got = pair.source.count("\n"), pair.target.count("\n")
    if want != got:
        yield f"hard line breaks: {want} in the source, {got} in the translation"


# Full-width and other scripts' marks end a sentence as their ASCII forms do.
_ENDINGS = {
    ".": ".", "。": ".", "।": ".", "…": "…", "!": "!", "?": "?", "؟": "?", ":": ":", ";": ";",
    "\uff01": "!", "\uff1f": "?", "\uff1a": ":", "\uff1b": ";",
}
_CLOSERS = "\"'”’»)]*_~ \u00a0"  # noqa: RUF001


def _ending(text: str) -> str:
    text = text.rstrip(_CLOSERS)
    if text.endswith("..."):
        return "…"
    return _ENDINGS.get(text[-1:], "") if text else ""


@translation_check("end-punctuation", Severity.WARNING)
def _end_punctuation(pair: Pair) -> Iterator[str]:
    """The translation should end with the same punctuation as the source (. ! ? : ; …)."""
    want, got = _ending(pair.source_markup.prose), _ending(pair.target_markup.prose)
    if pair.language == "el" and got == ";":
        got = "?"  # the Greek question mark
    if want != got:
        describe = {"": "no punctuation"}
        yield (f"the source ends with {describe.get(want, repr(want))}, the translation with "
               f"{describe.get(got, repr(got))}")


_DOUBLED = re.compile(r"\b(\w+)(?:\s+\1\b)+", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def _doubled(text: str) -> set[str]:
    words = [word.casefold() for word in _WORD.findall(text)]
    if len(set(words)) == len(words) and "\u0130" not in text and "\u0131" not in text:
        # No word twice at all, so the slower pattern cannot match (casefold() equates what
        # the pattern's IGNORECASE does, except the Turkish dotted and dotless i).
        return set()
    return {m.group(1).casefold() for m in _DOUBLED.finditer(text)
            if not m.group(1).isdigit()}


@translation_check("doubled-words", Severity.WARNING)
def _doubled_words(pair: Pair) -> Iterator[str]:
    """A word written twice in a row (``the the``), unless the source does it too."""
    for word in sorted(_doubled(pair.target_markup.prose) - _doubled(pair.source_markup.prose)):
        yield f"doubled word {word!r}"


def _double_spaces(text: str) -> int:
    return len(re.findall(r"(?<=\S) {2,}(?=\S)", text))


@translation_check("double-spaces", Severity.WARNING)
def _double_space_check(pair: Pair) -> Iterator[str]:
    """Two or more spaces between words, where the source has none."""
    want, got = _double_spaces(pair.source), _double_spaces(pair.target)
    if got > want:
        yield f"{got} runs of several spaces between words ({want} in the source)"


@translation_check("unchanged", Severity.WARNING)
def _unchanged(pair: Pair) -> Iterator[str]:
    """The translation is the source, unchanged, although the source has words."""
    if pair.source == pair.target and re.search(r"[^\W\d_]{2,}", pair.source_markup.prose):
        yield ("the translation is the same as the source; translate it, or add the flag "
               f"'{IGNORE_FLAG}: unchanged' if it is meant to stay")


LENGTH_RATIO = (0.4, 2.5)
"""A translation shorter than 0.4 or longer than 2.5 times its source is suspicious."""
LENGTH_MINIMUM = 20
"""...when the longer of the two has at least this many characters."""


@translation_check("length", Severity.WARNING)
def _length(pair: Pair) -> Iterator[str]:
    """The translation is much shorter or longer than the source (less than 0.4 or more
    than 2.5 times its length in characters, for texts of 20 characters or more)."""
    want, got = len(pair.source_markup.text), len(pair.target_markup.text)
    if max(want, got) < LENGTH_MINIMUM or want == 0:
        return
    low, high = LENGTH_RATIO
    if got < want * low:
        yield f"translation too short: {got} characters against {want} in the source"
    elif got > want * high:
        yield f"translation too long: {got} characters against {want} in the source"


_PAIRS = {"(": ")", "[": "]", "{": "}"}
_BRACKETS = re.compile(r"[^()\[\]{}]+")
_QUOTES = re.compile("[^\u201e\u00ab\u201c\u201d\u00bb]+")


def _bracket_problems(text: str) -> list[str]:
    problems: list[str] = []
    stack: list[str] = []
    for ch in _BRACKETS.sub("", text):
        if ch in _PAIRS:
            stack.append(ch)
        elif ch in _PAIRS.values():
            if stack and _PAIRS[stack[-1]] == ch:
                stack.pop()
            else:
                problems.append(f"{ch!r} without an opening bracket")
    problems += [f"{ch!r} is never closed" for ch in stack]
    return problems + _quote_problems(text)


def _quote_problems(text: str) -> list[str]:
    problems: list[str] = []
    stack: list[str] = []
    for ch in _QUOTES.sub("", text):
        if ch in "„«":
            stack.append(ch)
        elif ch == "“":
            if stack and stack[-1] == "„":
                stack.pop()  # „…“ as German and Czech write it
            else:
                stack.append(ch)
        elif ch in "”»":
            if stack and stack[-1] in ("„“" if ch == "”" else "«"):
                stack.pop()
            else:
                problems.append(f"{ch!r} without an opening quotation mark")
    problems += [f"{ch!r} is never closed" for ch in stack]
    if text.count('"') % 2:
        problems.append("an odd number of '\"'")
    return problems


@translation_check("brackets", Severity.WARNING)
def _brackets(pair: Pair) -> Iterator[str]:
    """Brackets and quotation marks must be balanced (unless the source is unbalanced too)."""
    extra = Counter(_bracket_problems(pair.target_markup.prose))
    extra -= Counter(_bracket_problems(pair.source_markup.prose))
    for problem in sorted(extra.elements()):
        yield f"unbalanced: {problem}"


_PLACEHOLDER = re.compile(
    r"\{\{\s*[\w.]+\s*\}\}"  # {{ name }}
    r"|\{[\w.]*(?:![rsa])?(?::[^{}\s]*)?\}"  # {name}, {0}, {}, {name:>10}
    r"|%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"  # %(name)s
)
_PRINTF = re.compile(r"%%|%(?:\d+\$)?[-#0 +']*\d*(?:\.\d+)?(?:hh|h|ll|l|L|q|j|z|t)?"
                     r"[diouxXeEfFgGcrsa]")
_FORMAT_FLAGS = frozenset({"python-format", "c-format", "php-format", "perl-format"})


def _placeholders(text: str, flags: frozenset[str]) -> list[str]:
    found = _PLACEHOLDER.findall(text)
    if flags & _FORMAT_FLAGS:
        found += [m for m in _PRINTF.findall(_PLACEHOLDER.sub("", text)) if m != "%%"]
    return found


@translation_check("placeholders", Severity.ERROR)
def _placeholder_check(pair: Pair) -> Iterator[str]:
    """Placeholders such as ``{name}``, ``{{ name }}`` and ``%(name)s`` (and ``%s``, ``%d``
    in entries flagged ``python-format`` or ``c-format``) must be kept."""
    yield from _diff("placeholder", _placeholders(pair.source, pair.flags),
                     _placeholders(pair.target, pair.flags))


# -- Polish typography --------------------------------------------------------------------


@translation_check("pl-quotes", Severity.WARNING, languages=["pl"])
def _polish_quotes(pair: Pair) -> Iterator[str]:
    """Polish quotation marks are „…” (and «…» inside them), not "…" or “…”."""
    prose = pair.target_markup.prose
    if '"' in prose:
        yield 'straight quotation marks "…": Polish uses „…”'
    if "“" in prose:
        yield "quotation mark “: Polish opens with „ and closes with ”"


_SINGLE_LETTER = re.compile(r"\S[*_~]*\s+[(„«]?([wziaouWZIAOU])[*_~]*[ \t]*$")


@translation_check("pl-single-letter", Severity.WARNING, languages=["pl"])
def _polish_single_letter(pair: Pair) -> Iterator[str]:
    """A one-letter word (w, z, i, a, o, u) must not end a line of the rendered Markdown: at
    a hard line break or at the end of the text. Join it to the next word with a no-break
    space (U+00A0)."""
    lines = pair.target.split("\n")
    for number, line in enumerate(lines, 1):
        match = _SINGLE_LETTER.search(line)
        if match is not None:
            where = "the end of the text" if number == len(lines) else f"the end of line {number}"
            yield f"one-letter word {match.group(1)!r} at {where}"


# -- entries and the catalogue ------------------------------------------------------------


@entry_check("fuzzy", Severity.WARNING)
def _fuzzy(message: Message) -> Iterator[str]:
    """A fuzzy entry waits for review: its translation is not published."""
    if message.state is EntryState.FUZZY:
        yield "fuzzy translation: review it, then remove the fuzzy flag"


@entry_check("obsolete", Severity.WARNING, default=False)
def _obsolete(message: Message) -> Iterator[str]:
    """An obsolete entry (``#~``) is present. Off by default: ``update`` keeps obsolete
    entries on purpose, so that a translation comes back when its text does."""
    if message.state is EntryState.OBSOLETE:
        yield "obsolete entry: its text left the article; delete it if it will not come back"


def _header_nplurals(header: str) -> int | None:
    match = re.search(r"nplurals\s*=\s*(\d+)", header)
    return int(match.group(1)) if match else None


_SAMPLES = range(0, 1001)


def _plural_function(expression: str) -> Callable[[int], int] | None:
    try:
        return gettext.c2py(expression)
    except (ValueError, SyntaxError, RecursionError):
        return None


@functools.lru_cache(maxsize=64)
def _plural_samples(expression: str) -> tuple[int, ...] | None:
    """The form of each sample n, or None if the expression does not parse.

    Remembered: a project's catalogues share a handful of Plural-Forms headers, and each
    evaluation over a thousand numbers costs as much as checking a small catalogue.
    """
    function = _plural_function(expression)
    return None if function is None else tuple(function(n) for n in _SAMPLES)


def _language_name(code: str) -> str:
    try:
        return str(Locale.parse(code).get_display_name("en"))
    except (ValueError, TypeError):
        return code


@catalogue_check("header", Severity.ERROR)
def _header(cat: Catalogue) -> Iterator[tuple[int | None, str]]:
    """The catalogue must have a header that declares its charset and language, or gettext
    cannot convert it (msgfmt rejects a catalogue without one); ``locpipe update`` writes it."""
    if not cat.metadata:
        yield 1, "no header entry (msgid \"\"); run 'locpipe update' or add one"
        return
    for name in ("Content-Type", "Language"):
        if not cat.metadata.get(name):
            yield 1, f"the header has no {name}; run 'locpipe update' or add it"


@catalogue_check("plural-forms", Severity.ERROR)
def _plural_forms(cat: Catalogue) -> Iterator[tuple[int | None, str]]:
    """The Plural-Forms header must be valid and fit the language (the same forms for every
    n as CLDR's rule), and each plural entry must have that many forms."""
    header = cat.metadata.get("Plural-Forms")
    line = cat.metadata_lines.get("Plural-Forms", 1)
    plurals = [m for m in cat.messages if m.msgid_plural and m.state is not EntryState.OBSOLETE]
    if header is None:
        if plurals:
            yield plurals[0].line, "plural entries but no Plural-Forms header"
        return
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", header)
    forms = _plural_samples(match.group(2)) if match else None
    if match is None or forms is None:
        yield line, f"Plural-Forms {header!r} is not 'nplurals=N; plural=EXPRESSION;'"
        return
    nplurals = int(match.group(1))
    if any(not 0 <= f < nplurals for f in forms):
        bad = next(n for n, f in zip(_SAMPLES, forms, strict=True) if not 0 <= f < nplurals)
        yield line, f"Plural-Forms gives form {forms[bad]} for n={bad}, but nplurals={nplurals}"
        return
    misfit = _plural_fit(cat.locale, forms)
    if misfit is not None:
        yield line, misfit
    for message in plurals:
        have = len(message.plural_forms)
        if have != nplurals and message.state is not EntryState.UNTRANSLATED:
            yield message.line, f"{have} plural forms, but Plural-Forms says nplurals={nplurals}"


@functools.lru_cache(maxsize=64)
def _plural_fit(locale: str, forms: tuple[int, ...]) -> str | None:
    """Compare the header's partition of 0..1000 into forms with CLDR's for the language."""
    code = locale.replace("-", "_")
    reference = PLURALS.get(code) or PLURALS.get(code.split("_")[0])
    if not locale or reference is None:
        return None
    want = _plural_samples(reference[1])
    if want is None:  # pragma: no cover - Babel's own rules parse
        return None
    ours_to_cldr: dict[int, int] = {}
    cldr_to_ours: dict[int, int] = {}
    for n, (f, g) in enumerate(zip(forms, want, strict=True)):
        if ours_to_cldr.setdefault(f, g) != g or cldr_to_ours.setdefault(g, f) != f:
            other = next(m for m in _SAMPLES if (forms[m] == f) != (want[m] == g))
            low, high = sorted((n, other))
            how = "share a form" if forms[other] == f else "have different forms"
            rule = f"nplurals={reference[0]}; plural=({reference[1]});"
            return (f"Plural-Forms does not fit {_language_name(locale)}: n={low} and "
                    f"n={high} {how}, unlike in CLDR's rule; use '{rule}'")
    return None


FRONT_MATTER = "front-matter"


def _article_scope(context: Context) -> Iterator[Finding]:
    return iter(())  # the stages look at the article itself: a catalogue has nothing to say


_register(
    FRONT_MATTER, Severity.WARNING, Scope.ARTICLE,
    """Front matter that locpipe keeps as it is without reading all of it: a template
    (``{{ .Title }}``) that is not YAML or TOML, whose values are not offered for
    translation, or a key of ``localized_fields`` that holds no date or number and so gets
    no ``<key>_display``. Reported on the article's line.""",
    _article_scope, default=True, languages=None,
)


def article_issues(notes: Iterable[tuple[int, str]], path: str,
                   selection: Selection | None) -> list[Issue]:
    """The ``front-matter`` check's findings in an article, if the selection runs it."""
    chosen = next((c for c in (selection.checks if selection else ())
                   if c.name == FRONT_MATTER), None)
    if chosen is None or selection is None:
        return []
    severity = selection.severity_of(chosen)
    return [Issue(FRONT_MATTER, severity, path, line, message) for line, message in notes]


# -- running ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The checks to run and the severity of each, after the configuration."""

    checks: tuple[Check, ...]
    severity: Mapping[str, Severity] = field(default_factory=dict)

    def severity_of(self, check: Check) -> Severity:
        return self.severity.get(check.name, check.severity)


def select(
    settings: CheckSettings | None = None,
    *,
    enable: Iterable[str] = (),
    disable: Iterable[str] = (),
) -> Selection:
    """Choose checks from the configuration and the command line; unknown names are errors."""
    settings = settings or CheckSettings()
    option_names = [*enable, *disable]
    for name in [*settings.enable, *settings.disable, *settings.severity, *option_names]:
        if name not in REGISTRY:
            from_config = name not in option_names
            raise ConfigError(
                f"unknown check '{name}'; known checks: {', '.join(sorted(REGISTRY))}",
                settings.source if from_config else None,
                settings.lines.get(name) if from_config else None,
            )
    on = {n for n, c in REGISTRY.items() if c.default} | set(settings.enable) | set(enable)
    off = (set(settings.disable) - set(enable)) | set(disable)
    chosen = tuple(c for n, c in REGISTRY.items() if n in on - off)
    return Selection(chosen, dict(settings.severity))


def silenced(message: Message) -> set[str]:
    """Names of the checks an entry silences with ``#, locpipe-ignore: name``."""
    names: set[str] = set()
    for flag in message.flags:
        if flag.startswith(IGNORE_FLAG):
            rest = flag[len(IGNORE_FLAG):].lstrip()
            if rest.startswith(":"):
                names.update(n for n in re.split(r"[|\s]+", rest[1:]) if n)
    return names


def run_checks(catalogue: Catalogue, selection: Selection | None = None) -> list[Issue]:
    """Run the selected checks over a catalogue and report every problem, sorted by line."""
    selection = selection or select()
    context = Context(catalogue)
    issues: list[Issue] = []
    for check in selection.checks:
        if not check.applies_to(catalogue.locale):
            continue
        severity = selection.severity_of(check)
        for finding in check.run(context):
            if finding.entry is not None and check.name in silenced(finding.entry):
                continue
            issues.append(Issue(check.name, severity, catalogue.path, finding.line,
                                finding.message))
    for message in catalogue.messages:
        for name in sorted(silenced(message) - REGISTRY.keys()):
            issues.append(Issue(IGNORE_FLAG, Severity.WARNING, catalogue.path, message.line,
                                f"unknown check {name!r} in the {IGNORE_FLAG} flag"))
    return sorted(issues, key=lambda i: i.line or 0)


def blocking(catalogue: Catalogue, selection: Selection | None = None
             ) -> list[tuple[Message, Issue]]:
    """Every error-level problem of a translation, with the entry it is in, by line.

    Rendering holds such translations back (readers see what they see for a fuzzy entry):
    a broken link or a lost code span must not reach them while ``check`` fails on it.
    """
    selection = selection or select()
    # A translation equal to its source shows readers the source's own bytes: nothing to
    # hold back, and most of the time saved where many entries are names or numbers.
    changed = tuple(m for m in catalogue.messages if m.msgid_plural or m.msgstr != m.msgid)
    context = Context(replace(catalogue, messages=changed))
    found: list[tuple[Message, Issue]] = []
    for check in selection.checks:
        if (check.scope is not Scope.TRANSLATION or not check.applies_to(catalogue.locale)
                or selection.severity_of(check) is not Severity.ERROR):
            continue
        for finding in check.run(context):
            entry = finding.entry
            if entry is None or check.name in silenced(entry):
                continue
            found.append((entry, Issue(check.name, Severity.ERROR, catalogue.path,
                                       finding.line, finding.message)))
    return sorted(found, key=lambda pair: pair[1].line or 0)
