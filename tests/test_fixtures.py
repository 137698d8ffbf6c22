"""Fixture-file tests: for each construct, the input, the units it gives, and its rendering.

``tests/fixtures/constructs.txt`` holds cases as blocks::

    %%% case <name>
    <Markdown input>
    %%% units
    <kind> | <msgctxt or -> | <msgid as JSON>
      note: <a note for translators, if the author wrote one>
    %%% rendered
    <the input rendered in English, every unit "translated" by upper-casing its prose>
    %%% end

``→`` stands for a tab. Upper-casing only the prose (not code, URLs or labels) changes
every unit while keeping its markup, so the rendering shows exactly what was replaced.
Regenerate deliberately with ``LOCPIPE_UPDATE_FIXTURES=1`` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from locpipe.render import render_markdown
from locpipe.segment import literal_text_spans, parse_article

FIXTURES = Path(__file__).parent / "fixtures" / "constructs.txt"
KEYS = ("title", "description", "summary", "seo.description", "tags", "params.summary")
_CASE = re.compile(
    r"^%%% case (?P<name>[^\n]*)\n(?P<input>.*?)^%%% units\n(?P<units>.*?)"
    r"^%%% rendered\n(?P<rendered>.*?)^%%% end\n",
    re.S | re.M,
)


@dataclass
class Case:
    name: str
    input: str
    units: str
    rendered: str


def _read() -> list[Case]:
    text = FIXTURES.read_text(encoding="utf-8")
    return [
        Case(m["name"], m["input"].replace("→", "\t"), m["units"],
             m["rendered"].replace("→", "\t"))
        for m in _CASE.finditer(text)
    ]


def shout(text: str, labels: frozenset[str]) -> str:
    """A stand-in translation: the prose upper-cased, every piece of markup kept."""
    out, cursor = [], 0
    for start, end in literal_text_spans(text, labels):
        out += [text[cursor:start], text[start:end].upper()]
        cursor = end
    return "".join(out) + text[cursor:]


def run(source: str) -> tuple[str, str]:
    article = parse_article(source, name="a", path="a.md", default_lang="pl",
                            front_matter_keys=KEYS)
    units = "".join(
        f"{u.kind.value} | {u.msgctxt or '-'} | {json.dumps(u.msgid, ensure_ascii=False)}\n"
        + (f"  note: {u.note}\n" if u.note else "")
        for u in article.units
    )
    translations = {
        u.key: (u.msgid.upper() if u.msgctxt and u.kind.value == "front matter"
                else shout(u.msgid, article.references))
        for u in article.units
    }
    return units, render_markdown(article, translations, locale="en")


CASES = _read()


def test_fixture_file_has_every_case() -> None:
    assert len(CASES) >= 18
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_construct(case: Case) -> None:
    units, rendered = run(case.input)
    assert units == case.units
    assert rendered == case.rendered


def regenerate(cases_source: str) -> str:
    """Write the fixture file from ``## name`` sections (used once, then reviewed by hand)."""
    out = []
    for block in re.split(r"^## ", cases_source, flags=re.M)[1:]:
        name, _, body = block.partition("\n")
        body = body.rstrip("\n") + "\n"
        units, rendered = run(body.replace("→", "\t"))
        out.append(f"%%% case {name}\n{body}%%% units\n{units}%%% rendered\n"
                   f"{rendered.replace(chr(9), '→')}%%% end\n")
    return "\n".join(out)


if os.environ.get("LOCPIPE_UPDATE_FIXTURES") and os.environ.get("LOCPIPE_CASES"):
    FIXTURES.write_text(regenerate(Path(os.environ["LOCPIPE_CASES"]).read_text("utf-8")),
                        encoding="utf-8")
