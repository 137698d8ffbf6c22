"""Machine translation: engines over HTTP, markup protection, batching, retries and a cache.

The only module of locpipe that imports ``requests``. Engines sit behind the small
:class:`Engine` protocol; :func:`translate_texts` is the one call the pipeline needs:
protect markup -> look up the cache -> batch -> send -> restore markup -> cache.
API keys are read from the environment variable a config names, sent only in the
place the API wants them, and never logged, repr'd or put in an error message.

An engine's answer is untrusted input: :func:`restore` accepts a translation only if its
markup reads exactly as the source's and it adds no odd character; :class:`Secret` finds
the key in anything the engine sends back, however encoded; an answer is read within
``timeout`` as a whole and :data:`ANSWER_LIMIT` bytes, and redirects are not followed.
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import email.utils
import html
import html.entities
import json
import logging
import os
import random
import re
import sqlite3
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path, PurePath
from typing import Any, ClassVar, Protocol

import requests

from .errors import ConfigError, EngineError, QuotaError

__all__ = [
    "ENGINES",
    "Backoff",
    "BatchTooLarge",
    "DeepL",
    "Engine",
    "EngineConfig",
    "Estimate",
    "HttpEngine",
    "LibreTranslate",
    "Outcome",
    "Protected",
    "Result",
    "Secret",
    "TranslationCache",
    "Usage",
    "batches",
    "deepl_source",
    "deepl_target",
    "engine_config",
    "estimate",
    "libre_language",
    "make_engine",
    "protect",
    "restore",
    "translate_texts",
]

log = logging.getLogger("locpipe.mt")


# --- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EngineConfig:
    """One ``[mt.<engine>]`` table; it names the key's environment variable, never the key."""

    name: str
    """Engine name, a key of :data:`ENGINES`: ``deepl`` or ``libretranslate``."""
    url: str | None = None
    """Base URL (scheme and host); ``None`` means the engine's official endpoint."""
    api_key_env: str | None = None
    """Environment variable that holds the API key; ``None`` for a keyless server."""
    timeout: float = 30.0
    """Seconds allowed to connect, and again for the whole answer to arrive."""
    max_retries: int = 5
    """Retries after a connection error, a timeout, HTTP 429 or 5xx."""
    max_wait: float = 60.0
    """Longest pause between two attempts, whatever ``Retry-After`` asks for."""
    max_texts: int | None = None
    """Lower the engine's texts-per-request limit (a self-hosted server's batch limit)."""
    max_bytes: int | None = None
    """Lower the engine's request size limit, in bytes of JSON-encoded texts."""
    formality: str | None = None
    """DeepL ``formality``: default, more, less, prefer_more or prefer_less."""
    target_variants: tuple[tuple[str, str], ...] = ()
    """DeepL target for a bare language, e.g. ``(("en", "EN-US"),)``; defaults EN-GB, PT-PT."""
    price_per_million: float | None = None
    """What a million characters cost, for a dry run's estimate (any currency)."""

    @property
    def cache_key(self) -> str:
        """Name the engine and every option that changes its output, to key the cache."""
        parts = [self.name]
        if self.formality:
            parts.append(f"formality={self.formality}")
        parts.extend(f"{lang}={code}" for lang, code in self.target_variants)
        return ";".join(parts)


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_FORMALITIES = ("default", "more", "less", "prefer_more", "prefer_less")
_DEEPL_VARIANTS = frozenset({"EN-GB", "EN-US", "PT-BR", "PT-PT", "ZH-HANS", "ZH-HANT", "ES-419"})
_DEFAULT_VARIANTS = {"en": "EN-GB", "pt": "PT-PT"}


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"expected a positive number, got {value!r}")
    return float(value)


def _price(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"expected a number of at least 0, got {value!r}")
    return float(value)


def _count(minimum: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"expected a whole number of at least {minimum}, got {value!r}")
        return value

    return check


def _url(value: object) -> str:
    if not isinstance(value, str) or not re.match(r"https?://[^\s/]+", value):
        raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
    return value.rstrip("/")


def _env_name(value: object) -> str:
    # The value is never echoed: a user who pasted the key itself here must not see it printed.
    if not isinstance(value, str) or not _ENV_NAME.match(value):
        raise ValueError(
            "expected the name of an environment variable (letters, digits, '_'), "
            "not a key; put the key itself in that variable"
        )
    return value


def _formality(value: object) -> str:
    if value not in _FORMALITIES:
        raise ValueError(f"expected one of {', '.join(_FORMALITIES)}, got {value!r}")
    return str(value)


def _variants(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping):
        raise ValueError('expected a table such as { en = "EN-US" }')
    pairs = []
    for lang, code in value.items():
        wanted = str(code).replace("_", "-").upper()
        if wanted not in _DEEPL_VARIANTS or not wanted.startswith(f"{str(lang).upper()}-"):
            known = ", ".join(sorted(_DEEPL_VARIANTS))
            raise ValueError(f"{lang} = {code!r} is not a DeepL target variant ({known})")
        pairs.append((str(lang).lower(), wanted))
    return tuple(sorted(pairs))


_CHECKS: dict[str, Callable[[object], object]] = {
    "url": _url,
    "api_key_env": _env_name,
    "timeout": _number,
    "max_retries": _count(0),
    "max_wait": _number,
    "max_texts": _count(1),
    "max_bytes": _count(1024),
    "formality": _formality,
    "target_variants": _variants,
    "price_per_million": _price,
}
_COMMON_KEYS = frozenset(_CHECKS) - {"formality", "target_variants"}


def engine_config(
    name: str, table: Mapping[str, object], *, path: str | PurePath | None = None
) -> EngineConfig:
    """Validate one ``[mt.<name>]`` table; unknown engines, keys and bad values are errors."""
    engine = _engine_class(name, path)
    allowed = _COMMON_KEYS | engine.options
    changes: dict[str, Any] = {}  # each value checked and converted by _CHECKS
    for key, value in table.items():
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise ConfigError(f"[mt.{name}]: unknown key '{key}'; known keys: {known}", path)
        try:
            changes[key] = _CHECKS[key](value)
        except ValueError as e:
            raise ConfigError(f"[mt.{name}] {key}: {e}", path) from e
    return replace(EngineConfig(name=name, api_key_env=engine.default_key_env), **changes)


def _engine_class(name: str, path: str | PurePath | None = None) -> type[HttpEngine]:
    try:
        return ENGINES[name]
    except KeyError:
        known = ", ".join(sorted(ENGINES))
        raise ConfigError(f"unknown engine [mt.{name}]; known engines: {known}", path) from None


# --- locale codes ----------------------------------------------------------------------------


def _locale_parts(locale: str) -> tuple[str, str | None, str | None]:
    """Split a Babel-style code (``pt_BR``, ``zh_Hant_TW``) into language, script, region."""
    parts = re.split(r"[_-]", locale)
    if not re.fullmatch(r"[A-Za-z]{2,3}", parts[0]):
        raise ConfigError(f"'{locale}' is not a locale code such as 'pl', 'en' or 'pt_BR'")
    script = next((p for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    region = next((p for p in parts[1:] if len(p) == 2 or (len(p) == 3 and p.isdigit())), None)
    return parts[0].lower(), script, region


def deepl_source(locale: str) -> str:
    """DeepL source language: the bare language, upper case (``pt_BR`` -> ``PT``)."""
    return _locale_parts(locale)[0].upper()


def deepl_target(locale: str, variants: Iterable[tuple[str, str]] = ()) -> str:
    """DeepL target language: ``en_US`` -> ``EN-US``; bare ``en`` -> ``EN-GB`` unless configured.

    >>> deepl_target("pt_BR"), deepl_target("en"), deepl_target("en", [("en", "EN-US")])
    ('PT-BR', 'EN-GB', 'EN-US')
    """
    lang, script, region = _locale_parts(locale)
    if lang == "zh" and region and region.upper() in {"TW", "HK", "MO"}:
        script = script or "Hant"
    for sub in (script, region):
        code = f"{lang}-{sub}".upper()
        if sub and code in _DEEPL_VARIANTS:
            return code
    return {**_DEFAULT_VARIANTS, **dict(variants)}.get(lang, lang.upper())


def libre_language(locale: str) -> str:
    """LibreTranslate language: the bare language, lower case (``en_GB`` -> ``en``)."""
    return _locale_parts(locale)[0]


# --- markup protection -----------------------------------------------------------------------

TAG_NAME = "x"
"""Element name of the placeholder tags; DeepL is told to ignore it (``ignore_tags``)."""

_ATTRIBUTE = r"""(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)"""
_TITLE = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\))"""
_DEST_PART = r"(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))"
# a backtick ends a bare URL, as a code span binds tighter (``https://a.org``b` `` is
# code), and so does a backslash, which escapes what follows (``https://a.org\<b>``)
_URL_PART = r"(?:[^\s<>()`\\]|\([^\s<>()`\\]*\))"
_MARKUP = re.compile(
    "|".join(
        (
            # a backslash escape is text, but must not open a code span or close a link
            r"(?P<escape>\\[!-/:-@\[-`{-~])",
            r"(?P<code>(?<!`)(?P<ticks>`+)(?!`)(?s:.+?)(?<!`)(?P=ticks)(?!`))",
            r"(?P<autolink><[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>|<[\w.+-]+@[\w.-]+>)",
            r"(?P<html><[A-Za-z][A-Za-z0-9-]*" + _ATTRIBUTE + r"*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>"
            r"|(?s:<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>)|<![A-Za-z][^>]*>)",
            r"(?P<entity>&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});)",
            r"(?P<footnote>\[\^[^\]\s]+\])",
            r"(?P<dest>\]\(\s*(?:<[^<>\n]*>|" + _DEST_PART + r"*)(?:\s+" + _TITLE + r")?\s*\))",
            # not before "(": then CommonMark reads "][" + "text](dest)", an inline link
            r"(?P<label>\]\[[^\[\]]*\](?!\())",
            r"(?P<url>(?<![\w/])(?:https?://|ftp://|www\.)" + _URL_PART + r"*"
            r"(?:[^\s<>().,:;!?\"'*_~\]`\\]|\([^\s<>()`\\]*\)))",
            r"(?P<email>(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?<![-.]))",
            r"(?P<brace>\{\{.*?\}\}|\{%.*?%\}|\{[^\s{}]*\}|\{[#.][^{}\n]*\})",
            r"(?P<printf>%(?:\(\w+\))?[-#0+]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa]"
            r"(?![A-Za-z]))",
        )
    )
)
_TAG = re.compile(
    rf"<{TAG_NAME}\s+id\s*=\s*(?P<quote>[\"']?)(?P<id>\d+)(?P=quote)\s*/?\s*>(?:</{TAG_NAME}\s*>)?",
    re.IGNORECASE,
)
# An HTML serialiser (LibreTranslate's) may write <x id="1"></x>; a stray end tag is noise.
_END_TAG = re.compile(rf"</{TAG_NAME}\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Protected:
    """A text made safe to send: markup replaced by numbered tags, the rest XML-escaped."""

    text: str
    """What the engine sees, e.g. ``'Run <x id="1"/> now'``."""
    originals: tuple[str, ...]
    """Tag ``n`` stands for ``originals[n - 1]``."""
    pairs: tuple[tuple[int, int], ...] = ()
    """Tags that must keep their order: a link's ``[`` and its ``](dest)``."""
    translatable: bool = True
    """Whether any letter is left outside the tags (else there is nothing to send)."""
    inner: tuple[tuple[tuple[int, int], ...], ...] = ()
    """Tag ``n``'s markup as :func:`protect` found it in ``originals[n - 1]``: (start, end)
    of each piece, relative to the original; an answer must leave it reading the same."""
    plain: tuple[str, ...] = ()
    """The source's text between the markup, what the engine may rewrite."""


def _tag(number: int) -> str:
    return f'<{TAG_NAME} id="{number}"/>'


def protect(text: str) -> Protected:
    """Replace code, URLs, link destinations, HTML and placeholders with numbered tags.

    >>> protect("Run `make` [now](https://x.y)!").text
    'Run <x id="1"/> <x id="2"/>now<x id="3"/>!'
    """
    spans, pairs = _spans(text)
    ranges = _merge(spans)
    pieces: list[str] = []
    plain: list[str] = []
    position = 0
    for number, (start, end) in enumerate(ranges, 1):
        plain.append(text[position:start])
        pieces += [html.escape(text[position:start], quote=False), _tag(number)]
        position = end
    plain.append(text[position:])
    pieces.append(html.escape(text[position:], quote=False))
    return Protected(
        text="".join(pieces),
        originals=tuple(text[start:end] for start, end in ranges),
        pairs=_pair_numbers(ranges, pairs),
        translatable=any(char.isalpha() for part in plain for char in part),
        inner=tuple(
            tuple((s - start, e - start) for s, e in spans if start <= s and e <= end)
            for start, end in ranges
        ),
        plain=tuple(plain),
    )


def _spans(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Find the markup spans to protect, and (opener, closer) starts of link brackets."""
    covered = bytearray(len(text))
    spans: list[tuple[int, int]] = []
    closers: list[int] = []
    for match in _MARKUP.finditer(text):
        covered[match.start() : match.end()] = b"\1" * (match.end() - match.start())
        if match.lastgroup != "escape":
            spans.append(match.span())
        if match.lastgroup in {"dest", "label"}:
            closers.append(match.start())
    pairs = []
    for closer in closers:
        opener = _opener(text, covered, closer)
        if opener is not None:
            covered[opener[0] : opener[1]] = b"\1" * (opener[1] - opener[0])
            spans.append(opener)
            pairs.append((opener[0], closer))
    return sorted(spans), pairs


def _opener(text: str, covered: bytearray, closer: int) -> tuple[int, int] | None:
    """Find the ``[`` (or ``![``) that a link's ``](`` or ``][`` closes, skipping markup."""
    depth = 0
    for position in range(closer - 1, -1, -1):
        if covered[position] or text[position] not in "[]":
            continue
        if text[position] == "]":
            depth += 1
        elif depth:
            depth -= 1
        else:
            bang = position > 0 and text[position - 1] == "!" and not covered[position - 1]
            return (position - 1 if bang else position), position + 1
    return None


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join touching spans: one tag for ``](url)`` followed directly by ``{x}``."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _pair_numbers(
    ranges: list[tuple[int, int]], pairs: list[tuple[int, int]]
) -> tuple[tuple[int, int], ...]:
    def number(position: int) -> int:
        return next(n for n, (start, end) in enumerate(ranges, 1) if start <= position < end)

    numbered = ((number(opener), number(closer)) for opener, closer in pairs)
    return tuple(sorted({pair for pair in numbered if pair[0] != pair[1]}))


def restore(translated: str, protected: Protected) -> str:
    """Put the markup back; raise :class:`EngineError` unless the markup is exactly the source's.

    An answer is refused if a tag was lost, repeated or invented, if its own text adds
    markup (HTML, a link, an image, an entity, a reference, a line break), if the text
    around a tag changes how that markup reads (``https://a.org`` + ``.evil.org``), or if
    it holds a character no catalogue should (a control character, a lone surrogate).
    Only a space is ever added: around a bare URL or e-mail address glued to the words of
    a language written without spaces (``詳細は https://a.org を参照``).
    """
    texts: list[str] = []
    seen: list[int] = []
    position = 0
    for match in _TAG.finditer(translated):
        texts.append(_unescape(translated[position : match.start()]))
        seen.append(int(match["id"]))
        position = match.end()
    texts.append(_unescape(translated[position:]))
    _check_tags(seen, protected)  # from here on, each tag once and only those sent
    _space_bare_links(texts, seen, protected)
    _check_text(texts, protected)
    pieces: list[str] = []
    regions: list[tuple[int, int, int]] = []  # (start, end, tag number) in the result
    length = 0
    for text, number in zip(texts, seen, strict=False):
        original = protected.originals[number - 1]
        pieces += [text, original]
        regions.append((length + len(text), length + len(text) + len(original), number))
        length += len(text) + len(original)
    pieces.append(texts[-1])
    restored = "".join(pieces)
    _check_markup(restored, regions, protected)
    return restored


_BARE_LINK = re.compile(r"(?:https?://|ftp://|www\.|[\w.+-]+@)")


def _space_bare_links(texts: list[str], numbers: list[int], protected: Protected) -> None:
    """Part a bare URL or address from words glued to it, which would hide or extend it."""
    for at, number in enumerate(numbers):
        original = protected.originals[number - 1]
        if protected.inner[number - 1] != ((0, len(original)),) or not _BARE_LINK.match(
            original
        ):
            continue
        before, after = texts[at], texts[at + 1]
        if before and re.match(r"[\w/.+-]", before[-1]):
            texts[at] = before + " "
        glued = _MARKUP.match(original + after[:64])
        if after and glued is not None and glued.end() > len(original):
            texts[at + 1] = " " + after


def _unescape(fragment: str) -> str:
    fragment = _END_TAG.sub("", fragment)
    if "<" in fragment:
        markup = fragment[fragment.index("<") :][:40]
        raise EngineError(f"the translation has markup that was not in the source: {markup!r}")
    return html.unescape(fragment)


def _check_tags(seen: list[int], protected: Protected) -> None:
    counts = Counter(seen)
    expected = range(1, len(protected.originals) + 1)
    invented = sorted(set(counts) - set(expected))
    if invented:
        raise EngineError(f"the translation has placeholder tags that were not sent: {invented}")
    for number in expected:
        if counts[number] != 1:
            problem = "lost" if counts[number] == 0 else "repeated"
            raise EngineError(f"the translation {problem} {_shown(number, protected)}")
    for opener, closer in protected.pairs:
        if seen.index(opener) > seen.index(closer):
            raise EngineError(
                f"the translation put {_shown(closer, protected)} "
                f"before {_shown(opener, protected)}"
            )


UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
"""What no translation may hold: control characters but tab and line feed (C0, DEL, C1
with U+0085), the Unicode line and paragraph separators, and lone surrogates (no UTF-8)."""

# Text an engine writes may not bring more of these than the source's own text has: the
# start of an HTML tag or block (``<script`` needs no ``>`` to open an HTML block), the
# brackets of a link, an image, a reference or a reference definition, and line breaks,
# after which a heading, a list, a fence or an HTML block could begin.
_COUNTED = (
    (re.compile(r"<[A-Za-z/!?]"), "the start of an HTML tag"),
    (re.compile(r"\["), "a '['"),
    (re.compile(r"\]"), "a ']'"),
    (re.compile(r"\n"), "a line break"),
)


def _check_text(texts: list[str], protected: Protected) -> None:
    """Refuse characters no catalogue should hold, and markup the engine's text adds."""
    unsafe = Counter(c for text in texts for c in UNSAFE_CHARACTERS.findall(text))
    if unsafe:
        known = Counter(c for text in protected.plain for c in UNSAFE_CHARACTERS.findall(text))
        for char, count in unsafe.items():
            if count > known[char]:  # the source's own are the catalogue reader's business
                raise EngineError(
                    f"the translation has the character U+{ord(char):04X}, "
                    "which has no place in a catalogue"
                )
    for pattern, what in _COUNTED:
        added = sum(len(pattern.findall(t)) for t in texts)
        if added > sum(len(pattern.findall(p)) for p in protected.plain):
            raise EngineError(f"the translation adds {what} that the source does not have")


def _check_markup(
    restored: str, regions: list[tuple[int, int, int]], protected: Protected
) -> None:
    """Refuse a result whose markup, read again, is not exactly the source's.

    Each piece of markup found in the result must lie inside one restored tag and be
    the piece found there in the source; links must pair their brackets as in the source.
    """
    spans, links = _spans(restored)
    starts = [start for start, _, _ in regions]

    def region(position: int, end: int) -> tuple[int, int, int] | None:
        at = bisect.bisect_right(starts, position) - 1
        if at >= 0 and regions[at][0] <= position and end <= regions[at][1]:
            return regions[at]
        return None

    found: dict[int, list[tuple[int, int]]] = {}
    for start, end in spans:
        inside = region(start, end)
        if inside is None:
            touched = [n for s, e, n in regions if s < end and start < e]
            piece = restored[start:end]
            piece = piece[:60] + ("..." if len(piece) > 60 else "")
            if touched:
                raise EngineError(
                    f"the translation changed {_shown(touched[0], protected)}: "
                    f"it now reads {piece!r}"
                )
            raise EngineError(f"the translation has markup that was not in the source: {piece!r}")
        found.setdefault(inside[2], []).append((start - inside[0], end - inside[0]))
    for _, _, number in regions:
        if tuple(found.get(number, ())) != protected.inner[number - 1]:
            raise EngineError(
                f"the translation broke {_shown(number, protected)}: "
                "the text around it changes how it reads"
            )
    numbered = set()
    for opener, closer in links:
        first, second = region(opener, opener + 1), region(closer, closer + 1)
        if first is not None and second is not None and first[2] != second[2]:
            numbered.add((first[2], second[2]))
    if tuple(sorted(numbered)) != protected.pairs:
        raise EngineError("the translation changed which link text goes with which destination")


def _shown(number: int, protected: Protected) -> str:
    original = protected.originals[number - 1]
    return f"the markup {original[:40] + ('...' if len(original) > 40 else '')!r}"


# --- secrets -------------------------------------------------------------------------------


_ESCAPED = re.compile(
    r"%25(?P<twice>[0-9a-f]{2})|%(?P<percent>[0-9a-f]{2})|\\u(?P<unicode>[0-9a-f]{4})"
    r"|\\x(?P<byte>[0-9a-f]{2})|\\(?P<escaped>[^ux])|&#(?P<decimal>[0-9]{1,7});?"
    r"|&#x(?P<hex>[0-9a-f]{1,6});?|(?P<entity>&[A-Za-z][A-Za-z0-9]{1,31};?)",
    re.IGNORECASE,
)
"""One character as an engine may have escaped it: URL-encoded (once or twice), a JSON or
backslash escape, an HTML character reference."""


def _decoded(token: re.Match[str]) -> str:
    kind = token.lastgroup or "plain"
    value = token[kind]
    if kind in {"twice", "percent", "byte", "unicode", "hex"}:
        return chr(int(value, 16))
    if kind == "decimal":
        return chr(min(int(value), 0x10FFFF))
    if kind == "entity":
        found = html.unescape(value)
        return found if len(found) == 1 else "\0"
    return value


def _unescaped(text: str) -> tuple[str, list[int], list[int]]:
    """The text with every escaped character decoded, and where each character came from."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for token in _ESCAPED.finditer(text):
        chars.append(text[position : token.start()])
        starts.extend(range(position, token.start()))
        ends.extend(range(position + 1, token.start() + 1))
        chars.append(_decoded(token))
        starts.append(token.start())
        ends.append(token.end())
        position = token.end()
    chars.append(text[position:])
    starts.extend(range(position, len(text)))
    ends.extend(range(position + 1, len(text) + 1))
    return "".join(chars), starts, ends


def _windows(text: str, stretch: re.Pattern[str], size: int, runs: frozenset[str]) -> Iterator[int]:
    """Where a run of ``size`` characters, lower-cased, is one of ``runs``."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare character lower-cases to two
        lowered = "".join(char.lower()[0] for char in text)
    for match in stretch.finditer(lowered):
        for i in range(match.start(), match.end() - size + 1):
            if lowered[i : i + size] in runs:
                yield i


class Secret:
    """An API key, found in what an engine sends back however it was encoded.

    The rule: any run of :attr:`RUN` consecutive characters of the key (the whole key if it
    is shorter) counts as the key, whether each character comes raw, URL-encoded (also
    twice), JSON- or backslash-escaped (``\\/``, ``\\u002F``, ``\\x2f``) or as an HTML
    character reference, in any mix and any letter case; so does any run of 8 characters of
    its base64 (standard or URL-safe, at each of the three byte alignments) or 12 of its
    hex. Six characters of a random key give nothing away; a key cut off at the end of an
    excerpt is caught as long as six of its characters are left, and excerpts are cut only
    after the whole text was searched. The text is read once, in time linear in its length.
    """

    RUN = 6

    def __init__(self, key: str | None) -> None:
        self._runs: frozenset[str] = frozenset()
        self._plain: list[tuple[re.Pattern[str], int, frozenset[str]]] = []
        if not key:
            return
        run = min(self.RUN, len(key))
        data = key.encode("utf-8", "surrogatepass")
        forms = (
            key,
            data.decode("latin-1"),  # escaped byte by byte: %C3%A9 reads as two characters
            "".join(chr(unit) for char in key for unit in _utf16(char)),  # \ud83d\ude00
        )
        self._run = run
        self._runs = frozenset(
            form[i : i + run].lower() for form in forms for i in range(len(form) - run + 1)
        )
        # a run of the key lies within a stretch of the key's own characters: look only there
        letters = {c for run_ in self._runs for c in run_}
        self._stretch = re.compile(f"[{re.escape(''.join(sorted(letters)))}]{{{run},}}")
        # base64 and hex cannot be read a character at a time: their runs are looked up as
        # they are; a key too short for a whole window is caught in its own characters
        plain: dict[int, set[str]] = {}
        for encoded, size in [*self._base64(data), (data.hex(), 12)]:
            runs = {encoded[i : i + size].lower() for i in range(len(encoded) - size + 1)}
            plain.setdefault(size, set()).update(runs)
        self._plain = [
            (re.compile(f"[0-9a-z+/_=-]{{{size},}}"), size, frozenset(runs))
            for size, runs in plain.items() if runs
        ]  # fmt: skip

    @staticmethod
    def _base64(data: bytes) -> Iterator[tuple[str, int]]:
        """The key's base64 at each alignment, without the characters its neighbours share."""
        for shift in range(3):
            bits = 8 * (shift + len(data))
            whole = base64.b64encode(b"\0" * shift + data).decode().rstrip("=")
            core = whole[-(-8 * shift // 6) : bits // 6]
            if core:
                yield core, 8
                yield core.replace("+", "-").replace("/", "_"), 8

    def _found(self, text: str) -> list[tuple[int, int]]:
        """Where the key shows, as (start, end) ranges of ``text`` in order, merged."""
        if not self._runs:
            return []
        found = [(i, i + size) for stretch, size, runs in self._plain
                 for i in _windows(text, stretch, size, runs)]  # fmt: skip
        decoded, starts, ends = _unescaped(text)
        run = self._run
        found += [(starts[i], ends[i + run - 1])
                  for i in _windows(decoded, self._stretch, run, self._runs)]  # fmt: skip
        merged: list[tuple[int, int]] = []
        for start, end in sorted(found):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def found_in(self, text: str) -> bool:
        """Whether the text holds the key or a recognisable part of it."""
        return bool(self._found(text))

    def redact(self, text: str) -> str:
        """The text with the key, and every recognisable part of it, replaced by ``***``."""
        pieces, position = [], 0
        for start, end in self._found(text):
            pieces += [text[position:start], "***"]
            position = end
        return "".join(pieces) + text[position:]

    def excerpt(self, text: str, size: int) -> str:
        """At most ``size`` characters of an engine's text, key-free and printable."""
        shown = _printable(self.redact(text[: size + 4096]))  # the key's longest encoding fits
        return shown if len(shown) <= size else shown[:size] + "..."


def _utf16(char: str) -> list[int]:
    data = char.encode("utf-16-be", "surrogatepass")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def _printable(text: str) -> str:
    """Escape what must not reach a terminal or a log: control characters, surrogates."""
    return UNSAFE_CHARACTERS.sub(
        lambda m: m[0].encode("unicode_escape", "surrogatepass").decode("ascii"), text
    )


# --- batching --------------------------------------------------------------------------------


def _json_size(text: str) -> int:
    """Bytes a text adds to a JSON list: the quoted, escaped string and a separator."""
    return len(json.dumps(text, ensure_ascii=False).encode("utf-8")) + 2


def batches(texts: Sequence[str], *, max_texts: int, max_bytes: int) -> Iterator[list[int]]:
    """Group text indices into requests within both limits; a text too big alone goes alone.

    >>> list(batches(["a", "b", "c"], max_texts=2, max_bytes=1000))
    [[0, 1], [2]]
    """
    batch: list[int] = []
    size = 0
    for index, text in enumerate(texts):
        cost = _json_size(text)
        if batch and (len(batch) >= max_texts or size + cost > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(index)
        size += cost
    if batch:
        yield batch


# --- HTTP with timeouts and retries ----------------------------------------------------------


class BatchTooLarge(EngineError):
    """The engine refused a request as too large (HTTP 413): send smaller batches."""


@dataclass(frozen=True)
class Backoff:
    """How to wait between attempts: exponential, with full jitter; injectable for tests."""

    base: float = 0.5
    """Seconds for the first retry's ceiling; it doubles with each attempt."""
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random
    """Returns a number in [0, 1) that scales the ceiling."""


@dataclass(frozen=True)
class _Retry:
    problem: str
    wait: float | None  # what Retry-After asked for, if anything


def _retry_after(value: str | None) -> float | None:
    """Read ``Retry-After``: delay seconds or an HTTP date; ``None`` if absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


ANSWER_LIMIT = 32 * 1024 * 1024
"""Most bytes of one answer locpipe reads; DeepL's answer to 128 KiB of text is far less."""


class _Client:
    """Send JSON requests with a timeout; retry what may pass, map the rest to errors.

    Everything an engine sends back is untrusted: an answer is read piece by piece, within
    ``timeout`` seconds for the whole of it and :data:`ANSWER_LIMIT` bytes; redirects are
    not followed (the key would travel with them); every text of the engine's that reaches
    an error or a log line goes through :meth:`Secret.excerpt`.
    """

    def __init__(
        self,
        session: requests.Session,
        *,
        label: str,
        config: EngineConfig,
        backoff: Backoff,
        secret: Secret,
        answer_limit: int = ANSWER_LIMIT,
    ) -> None:
        self.session = session
        self.label = label
        self.config = config
        self.backoff = backoff
        self.secret = secret
        self.answer_limit = answer_limit

    def call(
        self,
        method: str,
        url: str,
        *,
        payload: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> object:
        body = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        all_headers = {"Accept": "application/json", **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        attempts = self.config.max_retries + 1
        problem = ""
        for attempt in range(attempts):
            outcome = self._once(method, url, body, all_headers)
            if not isinstance(outcome, _Retry):
                return outcome
            problem = outcome.problem
            if attempt + 1 < attempts:
                wait = self._wait(attempt, outcome.wait)
                log.warning(
                    "%s: %s; retry %d of %d in %.1f s",
                    self.label, problem, attempt + 1, self.config.max_retries, wait,
                )  # fmt: skip
                self.backoff.sleep(wait)
        raise EngineError(f"{self.label}: gave up after {attempts} attempts: {problem}")

    def _wait(self, attempt: int, asked: float | None) -> float:
        if asked is not None:
            return min(asked, self.config.max_wait)
        ceiling = min(self.config.max_wait, self.backoff.base * 2.0**attempt)
        return self.backoff.jitter() * ceiling

    def _once(
        self, method: str, url: str, body: bytes | None, headers: Mapping[str, str]
    ) -> object | _Retry:
        started = time.monotonic()
        timeout = self.config.timeout
        try:
            response = self.session.request(
                method, url, data=body, headers=headers, timeout=(timeout, timeout),
                stream=True, allow_redirects=False,
            )  # fmt: skip
            try:
                content = self._read(response, url, started)
            finally:
                response.close()
        except requests.Timeout:
            log.info("%s %s: no answer within %g s", method, url, timeout)
            return _Retry(f"no answer from {url} within {timeout:g} s", None)
        except requests.ConnectionError as e:
            log.info("%s %s: connection failed", method, url)
            return _Retry(f"cannot connect to {url}: {self.secret.excerpt(str(e), 300)}", None)
        except requests.RequestException as e:
            # not chained: requests' exception holds the prepared request, key header and all
            message = self.secret.excerpt(str(e), 300)
            raise EngineError(f"{self.label}: request failed: {message}") from None
        if isinstance(content, _Retry):
            log.info("%s %s: %s", method, url, content.problem)
            return content
        log.info(
            "%s %s (%d bytes) -> HTTP %d in %.2f s",
            method, url, len(body or b""), response.status_code, time.monotonic() - started,
        )  # fmt: skip
        return self._interpret(response, content)

    def _read(self, response: requests.Response, url: str, started: float) -> bytes | _Retry:
        """The whole answer, unless it takes longer than ``timeout`` or is too large."""
        limit = self.answer_limit
        declared = response.headers.get("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > limit:
            raise EngineError(
                f"{self.label}: the answer from {url} would be {int(declared):,} bytes, "
                f"more than the {limit:,} locpipe reads; nothing of it was used"
            )
        raw = response.raw
        # read1 returns what one read of the socket brings, so a server that trickles its
        # answer a byte at a time meets the deadline (read would wait for a full chunk)
        read = getattr(raw, "read1", None) or raw.read
        deadline = started + self.config.timeout
        data = bytearray()
        while chunk := read(64 * 1024, decode_content=True):
            data += chunk
            if len(data) > limit:
                raise EngineError(
                    f"{self.label}: the answer from {url} is more than the {limit:,} bytes "
                    "locpipe reads; nothing of it was used"
                )
            if time.monotonic() > deadline:
                timeout = self.config.timeout
                return _Retry(f"no complete answer from {url} within {timeout:g} s", None)
        return bytes(data)

    def _interpret(self, response: requests.Response, content: bytes) -> object | _Retry:
        status = response.status_code
        if 200 <= status < 300:
            return self._json(content)
        message = self._message(response, content)
        if 300 <= status < 400:
            where = self.secret.excerpt(response.headers.get("Location") or "elsewhere", 200)
            raise EngineError(
                f"{self.label}: {response.url} redirects (HTTP {status}) to {where}; locpipe "
                "does not follow redirects, so the key goes nowhere else: set url to the "
                "engine's own address"
            )
        if status == 413:
            raise BatchTooLarge(f"{self.label}: request too large (HTTP 413): {message}")
        if status == 456:
            raise QuotaError(
                f"{self.label} quota exceeded: {message}; the run stops; "
                "translations already saved are kept"
            )
        if status == 429 or status >= 500:
            return _Retry(
                f"HTTP {status}: {message}", _retry_after(response.headers.get("Retry-After"))
            )
        if status in {401, 403} and self.config.api_key_env:
            message += f" (check the key in ${self.config.api_key_env})"
        raise EngineError(f"{self.label} refused the request (HTTP {status}): {message}")

    def _json(self, content: bytes) -> object:
        try:
            return json.loads(content)
        except (ValueError, RecursionError) as e:
            snippet = self.secret.excerpt(content.decode("utf-8", "replace"), 100)
            raise EngineError(f"{self.label} answered with malformed JSON: {snippet!r}") from e

    def _message(self, response: requests.Response, content: bytes) -> str:
        """The server's own explanation: DeepL's ``message``, LibreTranslate's ``error``."""
        try:
            data = json.loads(content)
        except (ValueError, RecursionError):
            data = None
        text = content.decode("utf-8", "replace").strip() or response.reason or "no explanation"
        if isinstance(data, dict):
            found = (data.get(k) for k in ("message", "error", "detail"))
            text = next((str(v) for v in found if v), text)
        return self.secret.excerpt(text, 200)


# --- engines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """Characters used in the billing period, and the limit if there is one."""

    characters: int
    limit: int | None

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.characters)


class Engine(Protocol):
    """What :func:`translate_texts` needs from an engine; add one by implementing this."""

    name: str
    """Config name, also written in translator comments (``deepl``)."""
    cache_key: str
    """Engine name plus the options that change its output."""
    max_texts: int
    max_bytes: int

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        """Translate protected texts, in order; raise :class:`EngineError` on failure."""
        ...

    def usage(self) -> Usage | None:
        """The quota, where the engine reports one."""
        ...

    def redact(self, text: str) -> str:
        """The text with the engine's key, and any recognisable part of it, as ``***``."""
        ...


class HttpEngine(ABC):
    """Base of engines over HTTP: the key from the environment, a session, timeouts, retries."""

    name: str = ""
    label: ClassVar[str] = ""
    default_key_env: ClassVar[str | None] = None
    key_required: ClassVar[bool] = False
    options: ClassVar[frozenset[str]] = frozenset()
    """Config keys this engine accepts beyond the common ones."""
    limit_texts: ClassVar[int] = 50
    limit_bytes: ClassVar[int] = 64 * 1024

    def __init__(
        self,
        config: EngineConfig,
        *,
        session: requests.Session | None = None,
        backoff: Backoff | None = None,
        environ: Mapping[str, str] | None = None,
        answer_limit: int = ANSWER_LIMIT,
    ) -> None:
        self.config = config
        key = self._read_key(os.environ if environ is None else environ)
        self._key = key
        self._secret = Secret(key)
        self.url = config.url or self.default_url(key)
        self.cache_key = config.cache_key
        self.max_texts = min(self.limit_texts, config.max_texts or self.limit_texts)
        self.max_bytes = min(self.limit_bytes, config.max_bytes or self.limit_bytes)
        self._client = _Client(
            session or requests.Session(),
            label=self.label,
            config=config,
            backoff=backoff or Backoff(),
            secret=self._secret,
            answer_limit=answer_limit,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.url!r}, api_key_env={self.config.api_key_env!r})"

    def _read_key(self, environ: Mapping[str, str]) -> str | None:
        variable = self.config.api_key_env
        if variable is None:
            if self.key_required:
                raise ConfigError(f"[mt.{self.name}]: api_key_env must name the key's variable")
            return None
        key = environ.get(variable, "").strip()
        if not key:
            raise ConfigError(
                f"[mt.{self.name}]: the environment variable {variable} that should hold "
                f"the {self.label} API key is not set"
            )
        return key

    def default_url(self, key: str | None) -> str:
        """The official endpoint, used when the config has no ``url``."""
        raise ConfigError(f"[mt.{self.name}] needs a url")

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        """Translate protected texts, in order; raise :class:`EngineError` on failure."""
        with self._redacting():
            return self._translate(texts, source=source, target=target)

    def usage(self) -> Usage | None:
        with self._redacting():
            return self._usage()

    def redact(self, text: str) -> str:
        return self._secret.redact(text)

    @contextlib.contextmanager
    def _redacting(self) -> Iterator[None]:
        """A last guard: no error leaves an engine with its key in the message."""
        try:
            yield
        except EngineError as e:
            raise replace(e, message=_printable(self._secret.redact(e.message))) from None

    @abstractmethod
    def _translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        """Send protected texts and return the engine's answers, in order."""

    def _usage(self) -> Usage | None:
        return None

    def _excerpt(self, data: object) -> str:
        return repr(self._secret.excerpt(str(data), 100))

    def _answer_list(self, data: object, key: str, count: int) -> list[object]:
        """The answer's list of translations, exactly one per text sent (no misalignment)."""
        items = data.get(key) if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise EngineError(f"{self.label} answered without a '{key}' list: "
                              f"{self._excerpt(data)}")  # fmt: skip
        if len(items) != count:
            raise EngineError(f"{self.label} returned {len(items)} translations for {count} texts")
        return items

    def close(self) -> None:
        """Release the connection pool."""
        self._client.session.close()


class DeepL(HttpEngine):
    """DeepL API v2: ``POST /v2/translate`` with XML tag handling, ``GET /v2/usage``."""

    name = "deepl"
    label = "DeepL"
    default_key_env = "DEEPL_AUTH_KEY"
    key_required = True
    options = frozenset({"formality", "target_variants"})
    limit_texts = 50
    limit_bytes = 128 * 1024 - 4096  # the margin covers the other fields of the body

    def default_url(self, key: str | None) -> str:
        free = key is not None and key.endswith(":fx")  # keys of the free plan end in ":fx"
        return "https://api-free.deepl.com" if free else "https://api.deepl.com"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"DeepL-Auth-Key {self._key}"} if self._key else {}

    def _translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        payload: dict[str, object] = {
            "text": list(texts),
            "source_lang": deepl_source(source),
            "target_lang": deepl_target(target, self.config.target_variants),
            "tag_handling": "xml",
            "ignore_tags": [TAG_NAME],
        }
        if self.config.formality:
            payload["formality"] = self.config.formality
        data = self._client.call(
            "POST", f"{self.url}/v2/translate", payload=payload, headers=self._headers()
        )
        items = self._answer_list(data, "translations", len(texts))
        return [_text_of(item, "text", self.label) for item in items]

    def _usage(self) -> Usage | None:
        data = self._client.call("GET", f"{self.url}/v2/usage", headers=self._headers())
        if not isinstance(data, dict) or not isinstance(data.get("character_count"), int):
            raise EngineError(f"DeepL usage answer is not understood: {self._excerpt(data)}")
        limit = data.get("character_limit")
        return Usage(data["character_count"], limit if isinstance(limit, int) else None)


class LibreTranslate(HttpEngine):
    """LibreTranslate: ``POST /translate`` with a list ``q`` and ``format=html``."""

    name = "libretranslate"
    label = "LibreTranslate"
    limit_texts = 20  # servers set their own limits; lower them with max_texts / max_bytes
    limit_bytes = 32 * 1024

    def default_url(self, key: str | None) -> str:
        return "https://libretranslate.com"

    def _translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        payload: dict[str, object] = {
            "q": list(texts),
            "source": libre_language(source),
            "target": libre_language(target),
            "format": "html",
        }
        if self._key:
            payload["api_key"] = self._key
        data = self._client.call("POST", f"{self.url}/translate", payload=payload)
        if isinstance(data, dict) and isinstance(data.get("translatedText"), str):
            data = {"translatedText": [data["translatedText"]]}  # older servers, single q
        items = self._answer_list(data, "translatedText", len(texts))
        if not all(isinstance(item, str) for item in items):
            raise EngineError(f"{self.label} answered with a translation that is not a string")
        return [str(item) for item in items]




def _text_of(item: object, key: str, label: str) -> str:
    value = item.get(key) if isinstance(item, dict) else None
    if not isinstance(value, str):
        raise EngineError(f"{label} answered with a translation without '{key}'")
    return value


ENGINES: dict[str, type[HttpEngine]] = {cls.name: cls for cls in (DeepL, LibreTranslate)}
"""Engines by config name; register a third here."""


def make_engine(
    config: EngineConfig,
    *,
    session: requests.Session | None = None,
    backoff: Backoff | None = None,
    environ: Mapping[str, str] | None = None,
    answer_limit: int = ANSWER_LIMIT,
) -> HttpEngine:
    """Build the engine a config names; reads its key from the environment."""
    engine = _engine_class(config.name)
    return engine(
        config, session=session, backoff=backoff, environ=environ, answer_limit=answer_limit
    )


# --- cache -----------------------------------------------------------------------------------


class TranslationCache:
    """Answers already paid for, by (engine, source, target, protected text); one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = path
        try:
            if str(path) != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path))
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS translations (engine TEXT NOT NULL, "
                "source TEXT NOT NULL, target TEXT NOT NULL, text TEXT NOT NULL, "
                "translation TEXT NOT NULL, PRIMARY KEY (engine, source, target, text))"
            )
        except (OSError, sqlite3.Error) as e:
            raise EngineError(f"cannot open the translation cache: {e}", path) from e

    def lookup(self, engine: str, source: str, target: str, texts: Iterable[str]) -> dict[str, str]:
        """The cached answers for those texts that have one."""
        found: dict[str, str] = {}
        query = (
            "SELECT translation FROM translations "
            "WHERE engine = ? AND source = ? AND target = ? AND text = ?"
        )
        for text in texts:
            row = self._db.execute(query, (engine, source, target, text)).fetchone()
            if row is not None:
                found[text] = row[0]
        return found

    def store(self, engine: str, source: str, target: str, answers: Mapping[str, str]) -> None:
        """Keep answers at once, so an interrupted run keeps what it paid for."""
        rows = [(engine, source, target, text, answer) for text, answer in answers.items()]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?)", rows)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# --- orchestration ---------------------------------------------------------------------------


class Outcome(Enum):
    """What became of one text."""

    TRANSLATED = "translated"
    """The engine answered in this run."""
    CACHED = "cached"
    """An earlier run paid for it."""
    UNCHANGED = "unchanged"
    """Nothing to translate (only code, URLs or placeholders): the translation is the text."""
    REJECTED = "rejected"
    """The answer broke the markup, or the text is too large for the engine; not to be written."""


@dataclass(frozen=True)
class Result:
    """One text's machine translation, or why there is none."""

    index: int
    """Position in the texts passed to :func:`translate_texts`."""
    text: str
    translation: str | None
    outcome: Outcome
    reason: str | None = None
    """Why a text was rejected."""

    @property
    def ok(self) -> bool:
        return self.translation is not None


@dataclass(frozen=True)
class _Job:
    """The texts to translate, protected, with what is already known."""

    engine: Engine
    source: str
    target: str
    texts: Sequence[str]
    protected: list[Protected]
    cache: TranslationCache | None


def translate_texts(
    engine: Engine,
    texts: Sequence[str],
    *,
    source: str,
    target: str,
    cache: TranslationCache | None = None,
    on_batch: Callable[[list[Result]], None] | None = None,
) -> list[Result]:
    """Translate texts through an engine, keeping markup and paying only once per text.

    Results come in the order of ``texts``. ``on_batch`` gets, before any request, the
    results known without one (cached, nothing to translate), then each request's results
    as soon as they are in; every result goes to it exactly once. A :class:`QuotaError` or
    a final :class:`EngineError` stops the run; what earlier requests returned is in the
    cache and was given to ``on_batch``.
    """
    job = _Job(engine, source, target, texts, [protect(t) for t in texts], cache)
    results: dict[int, Result] = {}
    pending: dict[str, list[int]] = {}
    known = _cached(job)
    for index, (text, protected) in enumerate(zip(texts, job.protected, strict=True)):
        if not protected.translatable:
            results[index] = Result(index, text, text, Outcome.UNCHANGED)
        elif protected.text in known and (
            cached := _result(job, index, known[protected.text], Outcome.CACHED)
        ).ok:
            results[index] = cached
        else:  # an answer cached before today's checks refuse it is asked for again
            pending.setdefault(protected.text, []).append(index)
    if on_batch is not None and results:
        on_batch([results[index] for index in sorted(results)])
    unsent = list(pending)
    for batch in batches(unsent, max_texts=engine.max_texts, max_bytes=engine.max_bytes):
        for sent, answers in _requests(job, [unsent[i] for i in batch]):
            done = _accept(job, sent, answers, pending)
            results.update((result.index, result) for result in done)
            if on_batch is not None:
                on_batch(done)
    return [results[index] for index in range(len(texts))]


def _cached(job: _Job) -> dict[str, str]:
    if job.cache is None:
        return {}
    wanted = {p.text for p in job.protected if p.translatable}
    return job.cache.lookup(job.engine.cache_key, job.source, job.target, wanted)


def _requests(job: _Job, texts: list[str]) -> Iterator[tuple[list[str], list[str] | EngineError]]:
    """Send one batch; on HTTP 413 split it in half and send each half."""
    try:
        answers = job.engine.translate(texts, source=job.source, target=job.target)
    except BatchTooLarge as e:
        if len(texts) == 1:
            yield texts, e
            return
        log.info("%s: batch of %d texts too large, splitting", job.engine.name, len(texts))
        half = len(texts) // 2
        yield from _requests(job, texts[:half])
        yield from _requests(job, texts[half:])
        return
    yield texts, answers


def _accept(
    job: _Job, sent: list[str], answers: list[str] | EngineError, pending: Mapping[str, list[int]]
) -> list[Result]:
    """Restore each answer for every text that shares it, and cache the good answers."""
    done: list[Result] = []
    good: dict[str, str] = {}
    for position, text in enumerate(sent):
        answer = answers if isinstance(answers, EngineError) else answers[position]
        results = [_result(job, index, answer, Outcome.TRANSLATED) for index in pending[text]]
        if isinstance(answer, str) and all(result.ok for result in results):
            good[text] = answer
        done += results
    if job.cache is not None and good:
        job.cache.store(job.engine.cache_key, job.source, job.target, good)
    return done


def _result(job: _Job, index: int, answer: str | EngineError, outcome: Outcome) -> Result:
    text = job.texts[index]
    if isinstance(answer, EngineError):
        return Result(index, text, None, Outcome.REJECTED, job.engine.redact(answer.message))
    if job.engine.redact(answer) != answer:
        reason = "the translation quotes the API key (not shown, not written, not cached)"
        return Result(index, text, None, Outcome.REJECTED, reason)
    try:
        return Result(index, text, restore(answer, job.protected[index]), outcome)
    except EngineError as e:
        return Result(index, text, None, Outcome.REJECTED, job.engine.redact(e.message))


@dataclass(frozen=True)
class Estimate:
    """What a run would send: for a dry run, before any key is needed."""

    texts: int
    """Distinct texts that would be sent."""
    characters: int
    """Characters they hold, as sent (tags included): what engines bill."""
    cached: int = 0
    """Texts the cache already answers."""


def estimate(
    texts: Iterable[str],
    *,
    source: str = "",
    target: str = "",
    cache: TranslationCache | None = None,
    cache_key: str = "",
) -> Estimate:
    """Count the distinct texts a run would send and their characters, minus cached ones."""
    wanted = {p.text for p in map(protect, texts) if p.translatable}
    known = cache.lookup(cache_key, source, target, wanted) if cache else {}
    sent = wanted - known.keys()
    return Estimate(len(sent), sum(len(text) for text in sent), len(wanted) - len(sent))
