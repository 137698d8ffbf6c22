"""The faster segmenter, renderer and .mo writer of issue #8 (speed) change no byte.

Each is compared with the implementation it replaced (kept in ``tests/legacy_*.py``, or
polib's ``to_binary``) on the CommonMark spec examples, the real-world corpus, the fixture
constructs, generated benchmark articles and the shipped articles and catalogues.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import legacy_render
import legacy_segment
import polib
import pytest
from fidelity import Document, corpus, spec_examples

from locpipe import catalog, render, segment
from locpipe.errors import LocpipeError
from locpipe.model import Article, Key
from locpipe.pseudo import pseudo_text

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402


@pytest.fixture(scope="module")
def documents(pytestconfig: pytest.Config) -> list[tuple[Document, bool]]:
    """Every document to compare on, with whether front matter is read in it."""
    folder = os.environ.get("LOCPIPE_TEST_CACHE")
    cache = Path(folder) if folder else Path(pytestconfig.cache.mkdir("registry"))
    cache.mkdir(parents=True, exist_ok=True)
    docs = [(doc, False) for doc in spec_examples(cache)]
    docs += [(doc, True) for doc in corpus(cache, HERE / "data" / "corpus.txt")]
    fixtures = (HERE / "fixtures" / "constructs.txt").read_text(encoding="utf-8")
    for number, block in enumerate(fixtures.split("%%% case ")[1:]):
        source = block.split("\n", 1)[1].split("%%% units")[0]
        docs.append((Document(f"construct {number}", source.encode()), True))
    writer = generate.Writer(random.Random(8), generate.vocabulary())
    docs += [(Document(f"generated {n}", writer.article(n).encode()), True) for n in range(20)]
    docs += [(Document(path.name, path.read_bytes()), True)
             for path in sorted((ROOT / "content").glob("*.md"))]
    return docs


def _parse(doc: Document, front_matter: bool) -> Article | None:
    try:
        text, bom = segment.decode(doc.data, doc.name)
        return segment.parse_article(text, name="doc", path=doc.name, default_lang="en",
                                     bom=bom, front_matter=front_matter)
    except LocpipeError:
        return None


def test_segmenter_cuts_as_before(
    documents: list[tuple[Document, bool]], monkeypatch: pytest.MonkeyPatch
) -> None:
    new = [_parse(doc, fm) for doc, fm in documents]
    monkeypatch.setattr(segment, "_body_units", legacy_segment.body_units)
    old = [_parse(doc, fm) for doc, fm in documents]
    differ = [doc.name for (doc, _), a, b in zip(documents, new, old, strict=True) if a != b]
    assert not differ, differ[:20]
    units = sum(len(a.units) for a in new if a is not None)
    assert units > 10_000  # the comparison saw real work


_HOSTILE = ("# ", "- ", "+", "* * *", "> ", "1. ", "2026) ", "\u0663. ", "   ## ", "\t# ", "```",
            "~~~ ", "===", "___", "", " ", "\n", "a\n# b\n  c  \n", "x | y", "'q' (p)")


def _translations(article: Article) -> dict[Key, str]:
    """Translations that take every path of the formatter: block starts, breaks, spaces."""
    found = {}
    for number, unit in enumerate(article.units):
        hostile = _HOSTILE[number % len(_HOSTILE)]
        text = pseudo_text(unit.msgid) if number % 3 else unit.msgid
        found[unit.key] = hostile + text if number % 2 else text + hostile
    return found


def test_renderer_writes_as_before(
    documents: list[tuple[Document, bool]], monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = [a for a in (_parse(doc, fm) for doc, fm in documents) if a is not None]
    texts = [_translations(a) for a in articles]

    def outputs() -> list[str]:
        return [render.render_markdown(a, t, locale="pl", mark_fallback=mark)
                for a, t in zip(articles, texts, strict=True) for mark in (False, True)]

    new = outputs()
    monkeypatch.setattr(render, "_format", legacy_render._format)
    old = outputs()
    assert new == old
    assert sum(a != b for a, b in zip(new, [a.text for a in articles for _ in (0, 1)],
                                      strict=True)) > 500


MO_SOURCE = r'''# Polish translation.
msgid ""
msgstr ""
"Project-Id-Version: demo\n"
"Language: pl\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
"(n%100<10 || n%100>=20) ? 1 : 2);\n"
"X-Zeta: last\n"
"X-Alpha: first\n"

msgid "Zażółć gęślą jaźń"
msgstr "Żółta gęś"

msgctxt "menu"
msgid "Open"
msgstr "Otwórz"

msgid "Open"
msgstr "Otwórz plik"

#, fuzzy
msgid "Fuzzy"
msgstr "Niepewne"

msgid "Empty"
msgstr ""

msgid "%d file"
msgid_plural "%d files"
msgstr[0] "%d plik"
msgstr[1] "%d pliki"
msgstr[2] "%d plików"

msgid "%d half"
msgid_plural "%d halves"
msgstr[0] "%d połowa"
msgstr[1] ""
msgstr[2] ""

msgid "Line\nbreak \"quoted\""
msgstr "Wiersz\nłamany \"w cudzysłowie\""

#~ msgid "Gone"
#~ msgstr "Nie ma"
'''


def test_mo_bytes_are_polibs_and_msgunfmt_reads_them(tmp_path: Path) -> None:
    po = catalog.parse_catalog(MO_SOURCE, "demo.po")
    data = catalog.mo_bytes(po)
    assert data == po.to_binary()
    mo = tmp_path / "demo.mo"
    mo.write_bytes(data)
    out = subprocess.run(["msgunfmt", str(mo)], capture_output=True, text=True, check=True)
    back = catalog.parse_catalog(out.stdout, "back.po")
    assert {(e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural) for e in back} == {
        (None, "Zażółć gęślą jaźń"): "Żółta gęś",
        ("menu", "Open"): "Otwórz",
        (None, "Open"): "Otwórz plik",
        (None, "%d file"): {0: "%d plik", 1: "%d pliki", 2: "%d plików"},
        (None, "Line\nbreak \"quoted\""): "Wiersz\nłamany \"w cudzysłowie\"",
    }
    assert back.metadata["X-Alpha"] == "first"
    checked = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", "-"], input=out.stdout,
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr


def test_mo_bytes_of_real_catalogues_are_polibs() -> None:
    paths = sorted(ROOT.glob("locales/**/*.po")) + sorted(HERE.glob("**/*.po"))
    assert len(paths) > 10
    for path in paths:
        po = polib.pofile(str(path))
        assert catalog.mo_bytes(po) == po.to_binary(), path
