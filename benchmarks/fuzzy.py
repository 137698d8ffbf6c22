"""Fuzzy matching at scale: locpipe's update against GNU msgmerge, on the same entries.

    python benchmarks/fuzzy.py [--articles 2000] [--share 0.05] [--out benchmarks/out]

Generates a corpus (benchmarks/generate.py), extracts it, creates and translates every
catalogue, then makes small, realistic edits to a share of all translation units (a typo,
a word replaced, added or dropped, punctuation changed), chosen at random across the
articles, and extracts again. Then, from the same catalogues and the same templates:

- locpipe: ``locpipe update`` over the project (per-article matching, and the translation
  memory of all catalogues), with all cores and with one, the whole command (reading,
  merging and writing 2,000 catalogues, no build cache); and the matching alone (the
  merges, with the memory of all catalogues, in one process);
- msgmerge: ``msgmerge --previous`` of the concatenated catalogues (``msgcat --use-first``)
  with the concatenated templates, as one would merge a single catalogue.

For each, the time and the share of edited units whose entry came out fuzzy with its old
text as the previous source (``#| msgid``): the old entry found.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import polib  # noqa: E402
from generate import generate, vocabulary  # noqa: E402
from run import FILL, compile_bytecode, machine  # noqa: E402

from locpipe import cache, catalog  # noqa: E402
from locpipe.errors import LocpipeError  # noqa: E402
from locpipe.memory import IndexedMemory, Lookup, Memory, catalogue_items  # noqa: E402
from locpipe.merge import merge  # noqa: E402
from locpipe.model import UnitKind  # noqa: E402
from locpipe.segment import parse_article  # noqa: E402

LOCPIPE = [sys.executable, "-m", "locpipe"]
_WORD = re.compile(r"(?<![\w*`\[(/.])[^\W\d_]{3,}(?![\w*`\])(/])")


@dataclass(frozen=True)
class Edit:
    article: str
    old: str
    new: str
    msgctxt: str | None


def _edit_text(piece: str, rng: random.Random, words: list[str]) -> str:
    """One small edit an author makes to a unit's text: typo, word, or punctuation."""
    found = list(_WORD.finditer(piece))
    # In a text of a few words, replacing or adding a word rewrites it: only typos there.
    kinds = ["typo", "replace", "add", "drop", "punctuation"] if len(piece.split()) >= 4 \
        else ["typo", "punctuation"]
    kind = rng.choice(kinds)
    if kind == "punctuation" or not found:
        if piece.rstrip().endswith((".", "!", "?")):
            end = len(piece.rstrip())
            return piece[: end - 1] + rng.choice("!?;") + piece[end:]
        return piece.rstrip() + "." + piece[len(piece.rstrip()):]
    match = rng.choice(found)
    word, start, end = match.group(), match.start(), match.end()
    if kind == "typo":
        at = rng.randrange(len(word) - 1)
        word = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    elif kind == "replace":
        word = rng.choice(words)
    elif kind == "add":
        word = f"{word} {rng.choice(words)}"
    elif len(found) > 3:  # drop, where the text keeps enough words
        return piece[:start] + piece[end:].lstrip(" ")
    else:
        word = word + rng.choice(words)[:2]
    return piece[:start] + word + piece[end:]


def _units(text: str, name: str) -> list[tuple[int, int, str, str | None]] | None:
    """The body's units (front matter left alone): where each is, its text and context."""
    try:
        article = parse_article(text, name=name, path=f"content/{name}.md", default_lang="pl")
    except LocpipeError:
        return None
    return [(u.start, u.end, u.msgid, u.msgctxt) for u in article.units
            if u.kind is not UnitKind.FRONT_MATTER]


def make_edits(project: Path, share: float, seed: int) -> list[Edit]:
    """Edit ``share`` of all units, at random across the articles; return old and new texts."""
    rng = random.Random(seed)
    words = vocabulary()
    articles = sorted((project / "content").rglob("*.md"))
    everything = []
    for path in articles:
        name = path.relative_to(project / "content").with_suffix("").as_posix()
        for index in range(len(_units(path.read_text(encoding="utf-8"), name) or [])):
            everything.append((path, name, index))
    chosen = rng.sample(everything, int(len(everything) * share))
    texts = set()  # every text of the corpus: an edit that makes one of them is no fuzzy match
    for path in articles:
        name = path.relative_to(project / "content").with_suffix("").as_posix()
        texts.update(u[2] for u in _units(path.read_text(encoding="utf-8"), name) or [])
    by_article: dict[Path, list[int]] = {}
    for path, _, index in chosen:
        by_article.setdefault(path, []).append(index)
    edits = []
    for path, indexes in sorted(by_article.items()):
        name = path.relative_to(project / "content").with_suffix("").as_posix()
        text = path.read_text(encoding="utf-8")
        data = text.encode("utf-8")
        units = _units(text, name)
        assert units is not None
        for index in sorted(indexes, reverse=True):  # from the end: offsets stay valid
            start, end, _, _ = units[index]
            piece = data[start:end].decode("utf-8")
            data = data[:start] + _edit_text(piece, rng, words).encode("utf-8") + data[end:]
        edited = data.decode("utf-8")
        after = _units(edited, name)
        if after is None or len(after) != len(units):
            continue  # the edit changed the article's structure: leave this one out
        path.write_text(edited, encoding="utf-8")
        remaining = {u[2] for u in after}
        for index in indexes:
            old, new = units[index][2], after[index][2]
            # Counted only if the old text left the article (a text written twice that was
            # edited once keeps its entry) and the new one is nowhere (that is no fuzzy match).
            if old != new and new not in texts and old not in remaining:
                edits.append(Edit(name, old, new, units[index][3]))
    return edits


def _found(po: polib.POFile, edit: Edit) -> bool:
    entry = po.find(edit.new, msgctxt=edit.msgctxt) if edit.msgctxt else po.find(edit.new)
    return entry is not None and entry.fuzzy and entry.previous_msgid == edit.old


def _fresh(project: Path, saved: Path) -> Path:
    """A copy of the project with the catalogues as saved before the edits, and no cache."""
    n = 1
    while (target := project.parent / f"run-{n}").exists():
        n += 1
    skip = {project / "locales" / "en", project / ".locpipe-cache"}
    shutil.copytree(project, target,
                    ignore=lambda folder, names: [m for m in names if Path(folder, m) in skip])
    shutil.copytree(saved, target / "locales" / "en")
    return target


def run_locpipe(project: Path, saved: Path, edits: list[Edit], jobs: str | None, *,
                warm: bool = False) -> tuple[float, int]:
    """``locpipe update`` on the edited project; ``warm``: after ``locpipe check`` (not
    timed) left its build cache, as CI or an earlier command would."""
    # A fresh copy, not the catalogues deleted and copied back: ext4 allocates inodes slowly
    # for about 30 s after many files were deleted, which would be charged to locpipe.
    project = _fresh(project, saved)
    locales = project / "locales" / "en"
    env = {**os.environ, "PYTHONPATH": str(HERE.parent), "SOURCE_DATE_EPOCH": "1767225600"}
    if warm:
        subprocess.run([*LOCPIPE, "check"], cwd=project, env=env, stdout=subprocess.DEVNULL)
    start = time.perf_counter()
    subprocess.run([*LOCPIPE, "update", *(["--jobs", jobs] if jobs else [])], cwd=project,
                   env=env, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    catalogues: dict[str, polib.POFile] = {}
    found = 0
    for edit in edits:
        if edit.article not in catalogues:
            catalogues[edit.article] = polib.pofile(
                str(locales / "LC_MESSAGES" / f"{edit.article}.po"))
        found += _found(catalogues[edit.article], edit)
    return seconds, found


def run_msgmerge(project: Path, saved: Path, edits: list[Edit], work: Path
                 ) -> tuple[float, int, int]:
    work.mkdir(parents=True, exist_ok=True)
    catalogues = sorted(str(p) for p in saved.rglob("*.po"))
    templates = sorted(str(p) for p in (project / "locales" / "templates").rglob("*.pot"))
    subprocess.run(["msgcat", "--use-first", "-o", str(work / "old.po"), *catalogues],
                   check=True)
    subprocess.run(["msgcat", "--use-first", "-o", str(work / "new.pot"), *templates],
                   check=True)
    start = time.perf_counter()
    subprocess.run(["msgmerge", "--quiet", "--previous", "-o", str(work / "merged.po"),
                    str(work / "old.po"), str(work / "new.pot")], check=True)
    seconds = time.perf_counter() - start
    merged = polib.pofile(str(work / "merged.po"))
    entries = len([e for e in merged if not e.obsolete])
    return seconds, sum(_found(merged, edit) for edit in edits), entries


def run_matching(project: Path, saved: Path, edits: list[Edit], *, cached: bool
                 ) -> tuple[float, int]:
    """Only the matching of update, in this process: every template merged into its
    catalogue with the translation memory of all catalogues, files read beforehand and
    nothing written. The memory is built whole when first asked, or, ``cached``, queried in
    a build cache that a previous run left (as after any update, check or build)."""
    names = sorted(p.relative_to(saved / "LC_MESSAGES").with_suffix("").as_posix()
                   for p in (saved / "LC_MESSAGES").rglob("*.po"))
    templates = {n: catalog.parse_catalog((project / "locales/templates" / f"{n}.pot")
                                          .read_text(encoding="utf-8"), n) for n in names}
    texts = {n: (saved / "LC_MESSAGES" / f"{n}.po").read_bytes() for n in names}
    old = {n: catalog.parse_catalog(texts[n].decode("utf-8"), n) for n in names}
    lookup: Lookup
    if cached:
        folder = project.parent / "memory-cache"
        shutil.rmtree(folder, ignore_errors=True)
        store = cache.Store.open(folder)
        for name in names:
            store.record_items(cache.digest(texts[name]), catalogue_items(old[name]))
        store.save()
        rows = cache.Store.open(folder).rows(
            [(n, cache.digest(texts[n])) for n in names], extra={})
        assert rows is not None
    start = time.perf_counter()
    lookup = IndexedMemory(rows) if cached else Memory(old.items())
    merged = {}
    for name in names:
        new = polib.POFile(wrapwidth=79)
        new.metadata = dict(old[name].metadata)
        merge(templates[name], old[name], new, memory=lookup, origin=name)
        merged[name] = new
    seconds = time.perf_counter() - start
    return seconds, sum(_found(merged[edit.article], edit) for edit in edits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--share", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    compile_bytecode()
    base = args.out / f"fuzzy-{args.articles}"
    if base.exists():
        shutil.rmtree(base)
        time.sleep(31)  # see run_locpipe: let ext4 forget the deleted inodes
    project = base / "project"
    generate(project, args.articles)
    env = {**os.environ, "PYTHONPATH": str(HERE.parent), "SOURCE_DATE_EPOCH": "1767225600"}
    for command in (["extract"], ["update"]):
        subprocess.run([*LOCPIPE, *command], cwd=project, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-c", FILL], cwd=project, env=env, check=True)
    saved = base / "catalogues"
    shutil.copytree(project / "locales" / "en", saved)
    edits = make_edits(project, args.share, args.seed)
    subprocess.run([*LOCPIPE, "extract"], cwd=project, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    merge_seconds, merge_found, entries = run_msgmerge(project, saved, edits, base / "msgmerge")
    rows = [("GNU msgmerge --previous (one concatenated catalogue)", merge_seconds, merge_found)]
    for jobs, warm in ((None, False), ("1", False), (None, True)):
        seconds, found = run_locpipe(project, saved, edits, jobs, warm=warm)
        label = (f"locpipe update, whole command ({'all cores' if jobs is None else '1 process'}"
                 f", {'cache left by check' if warm else 'no cache'})")
        rows.append((label, seconds, found))
    for cached in (False, True):
        seconds, found = run_matching(project, saved, edits, cached=cached)
        memory = "memory in the build cache" if cached else "memory built from all catalogues"
        rows.append((f"locpipe update, matching only (1 process, {memory})", seconds, found))
    lines = [
        f"### Fuzzy matching: {args.articles} articles, {entries} entries, {len(edits)} "
        f"edited units ({args.share:.0%} of the units)",
        "",
        f"Machine: {machine()}; msgmerge "
        + subprocess.run(["msgmerge", "--version"], capture_output=True,
                         text=True).stdout.split("\n")[0].split()[-1],
        "",
        "| tool | seconds | old entry found | vs msgmerge |",
        "|---|---:|---:|---:|",
    ]
    for label, seconds, found in rows:
        lines.append(f"| {label} | {seconds:.2f} | {found}/{len(edits)} "
                     f"({100 * found / max(1, len(edits)):.1f}%) | "
                     f"{merge_seconds / seconds:.1f}x faster |")
    text = "\n".join(lines) + "\n"
    print(text)
    (args.out / f"fuzzy-{args.articles}.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
