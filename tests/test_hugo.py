"""A multilingual Hugo site built from locpipe's Markdown output, in both of Hugo's
translation layouts, with the render hooks of docs/hugo/: every page, image, link between
articles (and to their headings) and link between translations resolves, in every language.

Hugo comes from Debian (``apt-get install hugo``, as ``.ci/run`` does).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import polib
import pytest
from conftest import REPO
from support import Cli

HUGO = shutil.which("hugo")
pytestmark = pytest.mark.skipif(
    HUGO is None, reason="needs Hugo: apt-get install hugo (.ci/run installs it)")

ARTICLES = {
    "a": """\
---
title: Pierwszy
date: 2026-03-05
---

Zobacz [drugi](blog/b.md) i [jego część](./blog/b.md#ważna-nowa-rzecz).

![Logo](images/logo.svg)

## Część pierwsza

Tekst.
""",
    "blog/b": """\
---
title: Drugi
date: 2026-03-06
---

Wróć do [pierwszego](../a.md#część-pierwsza).

![Logo](../images/logo.svg)

## Ważna, nowa rzecz

Tekst drugi.
""",
}

ENGLISH = {
    "Pierwszy": "First", "Drugi": "Second", "Część pierwsza": "Part one",
    "Ważna, nowa rzecz": "An important new thing", "Tekst.": "Text.",
    "Tekst drugi.": "More text.", "Logo": "Logo",
    "Zobacz [drugi](blog/b.md) i [jego część](./blog/b.md#ważna-nowa-rzecz).":
    "See [the second](blog/b.md) and [its part](./blog/b.md#ważna-nowa-rzecz).",
    "Wróć do [pierwszego](../a.md#część-pierwsza).":
    "Back to [the first](../a.md#część-pierwsza).",
}

SINGLE = """\
<!doctype html><html lang="{{ .Language.Lang }}"><body><h1>{{ .Title }}</h1>
{{ .Content }}
<nav>{{ range .Translations }}<a class="translation" hreflang="{{ .Language.Lang }}"
href="{{ .RelPermalink }}">{{ .Language.Lang }}</a>{{ end }}</nav></body></html>
"""
LIST = """\
<!doctype html><html lang="{{ .Language.Lang }}"><body>
{{ range .RegularPages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</body></html>
"""


def hugo_site(tmp_path: Path, cli: Cli, layout: str) -> Path:
    """Build the articles with locpipe into a Hugo site's content folder, then the site."""
    project, site = tmp_path / "project", tmp_path / "site"
    (project / "content/images").mkdir(parents=True)
    (project / "locpipe.toml").write_text(
        'source_locale = "pl"\nlocales = ["pl", "en"]\noutput_dir = "../site/content"\n'
        f'output_formats = ["markdown"]\noutput_layout = "{layout}"\n')
    for name, text in ARTICLES.items():
        path = project / "content" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (project / "content/images/logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>\n')
    assert cli(project, "build").exit_code == 0
    for name in ARTICLES:
        po_path = project / f"locales/en/LC_MESSAGES/{name}.po"
        po = polib.pofile(str(po_path))
        for entry in po:
            entry.msgstr = ENGLISH[entry.msgid]
        po.save()
    result = cli(project, "build")
    assert result.exit_code == 0, result.output

    languages = ('[languages.pl]\nweight = 1\ncontentDir = "content/pl"\n'
                 '[languages.en]\nweight = 2\ncontentDir = "content/en"\n'
                 if layout == "locale-dir" else
                 "[languages.pl]\nweight = 1\n[languages.en]\nweight = 2\n")
    (site / "config.toml").write_text(
        'baseURL = "https://example.org/"\ndefaultContentLanguage = "pl"\n'
        "defaultContentLanguageInSubdir = true\n"
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
        + languages)
    layouts = site / "layouts/_default"
    shutil.copytree(REPO / "docs/hugo/layouts", site / "layouts")
    (layouts / "single.html").write_text(SINGLE)
    (layouts / "list.html").write_text(LIST)
    built = subprocess.run([HUGO or "hugo", "--source", str(site), "--quiet"],
                           capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stdout + built.stderr
    return site / "public"


def target_of(public: Path, page: Path, url: str) -> tuple[Path, str]:
    """The file a link of a page leads to, and its fragment."""
    parts = urlsplit(url)
    assert not parts.scheme and not parts.netloc, url
    path = unquote(parts.path)
    folder = public / path.lstrip("/") if path.startswith("/") else page.parent / path
    return (folder / "index.html" if path.endswith("/") else folder), unquote(parts.fragment)


@pytest.mark.parametrize("layout", ["locale-dir", "suffix"])
def test_a_hugo_site_from_the_markdown_output_resolves_everything(
    tmp_path: Path, cli: Cli, layout: str
) -> None:
    public = hugo_site(tmp_path, cli, layout)
    pages = {f"{loc}/{name}": public / loc / name / "index.html"
             for loc in ("pl", "en") for name in ARTICLES}
    assert all(page.is_file() for page in pages.values()), sorted(
        p.relative_to(public).as_posix() for p in public.rglob("*"))
    checked = {"image": 0, "article": 0, "heading": 0, "translation": 0}
    for key, page in pages.items():
        locale = key.split("/")[0]
        text = page.read_text(encoding="utf-8")
        assert f'<html lang="{locale}">' in text
        assert ("Second" if locale == "en" else "Drugi") in pages[f"{locale}/blog/b"].read_text(
            encoding="utf-8")
        for src in re.findall(r'<img src="([^"]*)"', text):
            found, _ = target_of(public, page, html.unescape(src))
            assert found.is_file(), (key, src)
            assert found.read_text().startswith("<svg")
            checked["image"] += 1
        for href in re.findall(r'<a href="([^"]*)"', text):
            found, fragment = target_of(public, page, html.unescape(href))
            assert found.is_file(), (key, href)
            assert found.parent.relative_to(public).parts[0] == locale, (key, href)
            if fragment:
                assert f'id="{fragment}"' in found.read_text(encoding="utf-8"), (key, href)
                checked["heading"] += 1
            checked["article"] += 1
        for lang, href in re.findall(r'class="translation" hreflang="(\w+)"\s+href="([^"]*)"',
                                     text):
            found, _ = target_of(public, page, href)
            assert lang != locale and found == pages[f"{lang}/{key.split('/', 1)[1]}"]
            checked["translation"] += 1
    assert checked == {"image": 4, "article": 6, "heading": 4, "translation": 4}
    english = pages["en/blog/b"].read_text(encoding="utf-8")
    assert '<h2 id="ważna-nowa-rzecz">An important new thing</h2>' in english
