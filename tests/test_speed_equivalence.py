"""The faster segmenter, template writer, renderer and .mo writer of issue #8 change no byte.

Each is compared with the implementation it replaced (kept in ``tests/legacy_*.py`` or
still used elsewhere) on the CommonMark spec examples, the real-world corpus, the fixture
constructs and generated benchmark articles.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import legacy_segment
import pytest
from fidelity import Document, corpus, spec_examples

from locpipe import segment
from locpipe.errors import LocpipeError
from locpipe.model import Article

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
