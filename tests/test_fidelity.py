"""Fidelity at scale: every CommonMark spec example and a real-world corpus.

Identity: with every msgstr equal to its msgid, the rendered Markdown is the source,
byte for byte (but for the ``lang`` that rendering adds to the front matter).
Pseudo-locale: with every unit pseudo-translated (accented, lengthened, markup kept), the
CommonMark HTML has the same tag structure as the source's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from fidelity import Document, corpus, spec_examples

from locpipe.checks import _PLAIN, markup
from locpipe.errors import LocpipeError
from locpipe.model import Article
from locpipe.pseudo import pseudo_text
from locpipe.render import render_markdown
from locpipe.segment import decode, inline_markup, markdown_to_html, parse_article

DATA = Path(__file__).parent / "data"
RESULTS: dict[str, str] = {}
"""Counts per suite, printed at the end of the run by conftest's terminal summary."""

# Documented exceptions, each with the reason. They must stay below 1% of a suite.
PSEUDO_EXCEPTIONS = {
    "example 491": (
        "`[link](<foo\\nbar>)` is inline HTML `<foo bar>` spanning a line; a msgid holds "
        "no raw newline, so the joined `<foo bar>` reads back as a link destination"
    ),
}
_TAG = re.compile(r"<(/?[a-zA-Z][a-zA-Z0-9]*)")


def _article(doc: Document, *, front_matter: bool) -> Article:
    text, bom = decode(doc.data, doc.name)
    return parse_article(text, name="doc", path=doc.name, default_lang="en", bom=bom,
                         front_matter=front_matter)


def _without_lang(rendered: str, article: Article) -> str:
    """Undo the one change rendering makes outside translations: the ``lang`` key."""
    nl = article.newline
    bom = "\ufeff" if article.bom else ""
    added = f"{bom}---{nl}lang: pl{nl}---{nl}"
    if article.front_matter is None:
        assert rendered.startswith(added)
        return bom + rendered[len(added):]
    front = article.front_matter
    data = (bom.encode() if bom else b"") + rendered.encode()
    offset = len(bom.encode())
    if front.lang_span is not None:
        start, _ = front.lang_span
        original = article.text.encode()[slice(*front.lang_span)]
        data = data[: offset + start] + original + data[offset + start + len(b"pl"):]
    else:
        insert = offset + front.body_end
        data = data[:insert] + data[insert + len(f"lang: pl{nl}".encode()):]
    return data.decode()


def _structure(markdown: str, article: Article) -> list[str]:
    """The sequence of HTML tags the Markdown body renders to (front matter left out)."""
    text = markdown.removeprefix("\ufeff")
    nl = article.newline
    if article.front_matter is None:
        text = text.removeprefix(f"---{nl}lang: pl{nl}---{nl}")
    else:
        text = re.sub(r"\A---.*?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", "", text, count=1,
                      flags=re.S | re.M)
    return _TAG.findall(markdown_to_html(text))


def _check(docs: list[Document], *, front_matter: bool) -> Iterator[tuple[str, str]]:
    """Yield (document, failure) for every document that is not rendered faithfully."""
    for doc in docs:
        try:
            article = _article(doc, front_matter=front_matter)
        except LocpipeError as e:
            yield doc.name, f"input error: {e}"
            continue
        source = ("\ufeff" if article.bom else "") + article.text
        same = render_markdown(article, {u.key: u.msgid for u in article.units}, locale="pl")
        if _without_lang(same, article) != source:
            yield doc.name, "identity"
        pseudo = {u.key: pseudo_text(u.msgid, article.references) for u in article.units}
        rendered = render_markdown(article, pseudo, locale="pl")
        if _structure(rendered, article) != _structure(source, article):
            yield doc.name, "pseudo"


def _suite(name: str, docs: list[Document], *, front_matter: bool) -> None:
    failures = list(_check(docs, front_matter=front_matter))
    identity = [d for d, kind in failures if kind == "identity"]
    pseudo = [d for d, kind in failures if kind == "pseudo" and d not in PSEUDO_EXCEPTIONS]
    other = [f"{d}: {kind}" for d, kind in failures if kind not in ("identity", "pseudo")]
    excused = [d for d, kind in failures if kind == "pseudo" and d in PSEUDO_EXCEPTIONS]
    total = len(docs)
    RESULTS[name] = (
        f"{total} documents; identity {total - len(identity)}/{total}; "
        f"pseudo-locale structure {total - len(pseudo) - len(excused)}/{total} "
        f"({len(excused)} documented exception(s)); errors {len(other)}"
    )
    assert not identity, f"identity broken: {identity[:20]}"
    assert not pseudo, f"structure broken by pseudo-translation: {pseudo[:20]}"
    assert not other, other[:20]
    assert len(excused) < total / 100


def test_commonmark_spec_examples(registry_cache: Path) -> None:
    docs = spec_examples(registry_cache)
    assert len(docs) == 652
    # The spec's examples are bare CommonMark: a leading `---` there is a thematic break.
    _suite("CommonMark 0.31.2 spec examples", docs, front_matter=False)


def test_real_world_corpus(registry_cache: Path) -> None:
    docs = corpus(registry_cache, DATA / "corpus.txt")
    assert len(docs) >= 100
    _suite("real-world corpus (npm READMEs and docs)", docs, front_matter=True)


def test_checks_skip_parsing_only_text_without_markup(registry_cache: Path) -> None:
    """The checks' shortcut for plain text finds what the parser finds, line by line."""
    docs = spec_examples(registry_cache) + corpus(registry_cache, DATA / "corpus.txt")
    lines = {line.strip(" ") for doc in docs
             for line in doc.data.decode("utf-8", "replace").splitlines()}
    lines |= {" ".join(line.split()[:6]) for line in lines}  # short units too
    shortcut = [line for line in lines if _PLAIN.fullmatch(line)]
    differ = [line for line in shortcut if markup(line) != inline_markup(line)]
    assert len(shortcut) > 1000
    assert not differ, differ[:10]
    assert all(markup(line) == inline_markup(line) for line in sorted(lines)[:3000])
