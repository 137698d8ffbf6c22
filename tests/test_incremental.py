"""Speed never costs fidelity: the build cache and the worker processes change no output.

A generated project of about fifty articles, some translated, some not, with edits that
exercise every stage (fuzzy matches, translation memory, obsolete entries, skipped
articles), is built with one worker and with several, with the cache and without it: every
file and every line printed must be the same. Then the cache must skip exactly what did
not change, and notice everything that did.
"""

from __future__ import annotations

import importlib.util
import os
import pickle
import random
import re
import shutil
import sqlite3
import tempfile
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import Cli, on_a_terminal, snapshot

from locpipe import cache, pipeline, render, stages
from locpipe.cli import main
from locpipe.config import load_config
from locpipe.errors import CatalogError
from locpipe.memory import IndexedMemory, Memory, may_match

REPO = Path(__file__).resolve().parent.parent
CACHE = ".locpipe-cache"
PLAN = stages.Plan(extract=True, update=True, compile=True, render=True, coverage=True)


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks/generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def _project(root: Path, articles: int = 48) -> Path:
    """Generated articles in three locales, built once, then partly translated and edited."""
    _generator()(root, articles, seed=11)
    (root / "locpipe.toml").write_text(
        'source_locale = "pl"\nlocales = ["pl", "en", "de"]\n'
        '[publish]\npolicy = "skip"\nmin_coverage = 40\n', encoding="utf-8")
    assert _cli(root, "build", "--jobs", "1").exit_code == 0
    for po_path in sorted(root.glob("locales/*/LC_MESSAGES/**/*.po")):
        rng = random.Random(po_path.name)
        po = polib.pofile(str(po_path))
        for entry in po:
            if entry.msgid and not entry.obsolete and rng.random() < 0.7:
                entry.msgstr = _shout(entry.msgid)
                if rng.random() < 0.1:
                    entry.flags = ["fuzzy"]
        po.save()
    articles_found = sorted(root.glob("content/**/*.md"))
    first = articles_found[1].read_text(encoding="utf-8").split("\n\n")
    first[3] += " Dodane zdanie."
    articles_found[1].write_text("\n\n".join(first), encoding="utf-8")
    moved = articles_found[5].read_text(encoding="utf-8").split("\n\n")
    (root / "content/nowy.md").write_text(
        f"# Nowy\n\n{moved[2]}\n\n{moved[3]} Zmienione.\n\nCałkiem nowy akapit tutaj.\n",
        encoding="utf-8")
    articles_found[7].unlink()
    return root


_KEPT = re.compile(r"(`[^`]*`|\]\([^)]*\)|\]\[[^\]]*\]|<[^<>]*>|https?://\S+|\{[^}]*\})")


def _shout(text: str) -> str:
    """A translation: the text upper-cased, its code, link targets and tags kept, as a
    translator keeps them (one that changed them would be held back, unpublished)."""
    return "".join(p if _KEPT.fullmatch(p) else p.upper() for p in _KEPT.split(text))


def _cli(root: Path, *args: str) -> object:
    return CliRunner().invoke(main, ["-C", str(root), *args], catch_exceptions=False)


def _outputs(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(root).items()
            if not k.startswith(CACHE) and not k.endswith(".lock")}


COMMANDS = (["build"], ["build"], ["check", "--format", "json"], ["update", "--dry-run"],
            ["render", "--policy", "fallback"])


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory.mktemp("generated") / "project")


def test_output_is_the_same_with_one_worker_or_several_and_without_cache(
    generated: Path, tmp_path: Path
) -> None:
    runs = {}
    for jobs, keep_cache in (("1", True), ("2", True), ("3", False)):
        root = tmp_path / f"jobs-{jobs}"
        shutil.copytree(generated, root)
        trail = []
        for command in COMMANDS:
            if not keep_cache:
                shutil.rmtree(root / CACHE, ignore_errors=True)
            result = CliRunner().invoke(
                main, ["-C", str(root), *command, "--jobs", jobs], catch_exceptions=False)
            trail.append((command, result.exit_code, result.stdout, result.stderr,
                          _outputs(root)))
        runs[(jobs, keep_cache)] = trail
    one, two, uncached = runs.values()
    assert len({len(one), len(two), len(uncached)}) == 1
    for a, b, c in zip(one, two, uncached, strict=True):
        assert a[:4] == b[:4] == c[:4], a[0]
        assert a[4] == b[4] == c[4], a[0]
    # The scenario did exercise the translation memory and the publish gate.
    build = one[0][2]
    assert "reused" in build and "fuzzy" in build and "skipped" in build


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_memory_index_holds_every_catalogue_as_it_reads_from_disk(
    generated: Path, tmp_path: Path, jobs: str
) -> None:
    """The jobs index the catalogues they leave (read or written) for the memory, and the
    run's end reads only the others: either way, the cache holds each catalogue on disk
    exactly as parsing the file gives it, and no other version."""
    from locpipe.memory import catalogue_items

    root = tmp_path / "project"
    shutil.copytree(generated, root)
    for command in (["build"], ["update"]):
        assert _cli(root, *command, "--jobs", jobs).exit_code in (0, 1)
        on_disk = {cache.digest(p.read_bytes()): catalogue_items(polib.pofile(str(p)))
                   for p in root.glob("locales/*/LC_MESSAGES/**/*.po")}
        store = cache.Store.open(root)
        assert store.items_known == set(on_disk)
        assert store.items(on_disk) == {h: items for h, items in on_disk.items() if items}
    # The update wrote catalogues (the scenario's edits), so both paths were taken.
    assert any(p.stat().st_mtime_ns > (generated / p.relative_to(root)).stat().st_mtime_ns
               for p in root.glob("locales/*/LC_MESSAGES/**/*.po")
               if (generated / p.relative_to(root)).exists())


def test_a_rerun_does_nothing_and_writes_nothing(generated: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(generated, root)
    assert _cli(root, "build").exit_code == 0  # type: ignore[attr-defined]
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in root.rglob("*")
              if p.is_file()}
    outcome = stages.run(load_config(root), PLAN)
    assert outcome.ran == []
    second = _cli(root, "build")
    assert second.exit_code == 0  # type: ignore[attr-defined]
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in root.rglob("*")
            if p.is_file()} == before  # not even the cache


def test_a_project_moved_or_cloned_elsewhere_keeps_its_cache(
    generated: Path, tmp_path: Path
) -> None:
    """Every file is new to the cache there (other inodes and times), so each is read and
    hashed once; no step runs again, and nothing the cache skipped differs."""
    root = tmp_path / "project"
    shutil.copytree(generated, root)
    assert _cli(root, "build").exit_code == 0  # type: ignore[attr-defined]
    moved = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(root, moved)  # new inodes and times, as a fresh clone has
    outcome = stages.run(load_config(moved), PLAN)
    assert outcome.ran == []
    outcome.save(PLAN)
    assert _cli(moved, "build").exit_code == 0  # type: ignore[attr-defined]
    assert _outputs(moved) == _outputs(root) == _reference(moved, tmp_path)


def test_an_edit_reruns_only_its_article(generated: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(generated, root)
    assert _cli(root, "build").exit_code == 0  # type: ignore[attr-defined]
    article = sorted(root.glob("content/**/*.md"))[3]
    article.write_text(article.read_text(encoding="utf-8") + "\nJeszcze jeden akapit.\n",
                       encoding="utf-8")
    config = load_config(root)
    with pipeline._writing(config):
        outcome = stages.run(config, PLAN)
    name = article.relative_to(root / "content").with_suffix("").as_posix()
    assert outcome.ran == [name]


def _reference(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """What a build without any cache makes of the same project."""
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns(CACHE))
    assert _cli(clean, "build").exit_code == 0  # type: ignore[attr-defined]
    return _outputs(clean)


def test_the_cache_notices_every_change(generated: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(generated, root)
    assert _cli(root, "build").exit_code == 0  # type: ignore[attr-defined]
    name = "section-2/article-00012"
    # A translator translates an entry: the page in that language changes.
    po_path = root / f"locales/en/LC_MESSAGES/{name}.po"
    po = polib.pofile(str(po_path))
    entry = next(e for e in po if e.msgid and not e.obsolete and not e.msgstr)
    entry.msgstr = "FRESHLY TRANSLATED"
    po.save()
    assert _cli(root, "build").exit_code == 0  # type: ignore[attr-defined]
    assert "FRESHLY TRANSLATED" in (root / f"build/en/{name}.md").read_text(encoding="utf-8")
    # A page deleted or changed by hand is written again.
    (root / f"build/de/{name}.html").unlink(missing_ok=True)
    (root / f"build/en/{name}.html").write_text("spoilt", encoding="utf-8")
    # The configuration and the HTML templates count too.
    config = root / "locpipe.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("min_coverage = 40",
                                                                 "min_coverage = 10"))
    templates = root / "templates"
    templates.mkdir()
    (templates / "base.html").write_text(
        (REPO / "locpipe/templates/base.html").read_text(encoding="utf-8").replace(
            "<body>", "<body><!-- custom -->"), encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[publish]", 'template_dir = "templates"\n[publish]'))
    assert _cli(root, "build").exit_code == 0  # type: ignore[attr-defined]
    assert "<!-- custom -->" in (root / f"build/en/{name}.html").read_text(encoding="utf-8")
    assert _outputs(root) == _reference(root, tmp_path)


def test_an_edit_that_keeps_size_and_modification_time_is_noticed(
    generated: Path, tmp_path: Path
) -> None:
    """Unchanged files are known by signature, not read: a same-size edit whose mtime was
    set back must still be seen (any write changes the inode's change time)."""
    root = tmp_path / "project"
    shutil.copytree(generated, root)
    assert _cli(root, "build").exit_code == 0  # type: ignore[attr-defined]
    article = sorted((root / "content").rglob("*.md"))[2]
    text = article.read_text(encoding="utf-8")
    word = next(w for w in text.split() if len(w) > 6 and w.isalpha() and w.islower())
    before = article.stat()
    article.write_text(text.replace(word, word.upper(), 1), encoding="utf-8")
    os.utime(article, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert article.stat().st_size == before.st_size
    assert _cli(root, "build").exit_code == 0  # type: ignore[attr-defined]
    name = article.relative_to(root / "content").with_suffix("").as_posix()
    built = (root / f"build/pl/{name}.md").read_text(encoding="utf-8")
    assert word.upper() in built
    assert _outputs(root) == _reference(root, tmp_path)


def test_memory_changes_reach_catalogues_whose_inputs_did_not(tmp_path: Path) -> None:
    """An untranslated text is filled once another catalogue has its translation, though
    neither its article nor its template nor its catalogue changed."""
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    (root / "locpipe.toml").write_text('source_locale = "pl"\nlocales = ["pl", "en"]\n')
    shared = "To jest akapit, który oba artykuły mają w tej samej postaci."
    (root / "content/a.md").write_text(f"# A\n\n{shared}\n", encoding="utf-8")
    (root / "content/b.md").write_text(f"# B\n\n{shared}\n", encoding="utf-8")
    assert _cli(root, "build").exit_code == 0  # type: ignore[attr-defined]
    b_po = root / "locales/en/LC_MESSAGES/b.po"
    po = polib.pofile(str(b_po))
    po.find(shared).msgstr = "This paragraph is in both articles."
    po.save()
    result = _cli(root, "update")
    assert "updated locales/en/LC_MESSAGES/a.po (reused 1, kept 1)" in result.output  # type: ignore[attr-defined]
    assert polib.pofile(str(root / "locales/en/LC_MESSAGES/a.po")).find(shared).msgstr


def test_a_broken_or_missing_cache_is_ignored(generated: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(generated, root)
    assert _cli(root, "build").exit_code == 0  # type: ignore[attr-defined]
    expected = _outputs(root)
    (root / CACHE / cache.FILE).write_bytes(b"this is not a database" * 100)
    result = _cli(root, "build")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert _outputs(root) == expected
    with sqlite3.connect(root / CACHE / cache.FILE) as db:  # written anew
        assert db.execute("SELECT COUNT(*) FROM memo").fetchone()[0] > 0
    shutil.rmtree(root / CACHE)
    assert _cli(root, "build").exit_code == 0  # type: ignore[attr-defined]
    assert _outputs(root) == expected


# -- the translation memory in the cache ---------------------------------------------------

WORDS = ["kot", "pies", "dom", "las", "rzeka", "góra", "ą", ",", ".", "żółw", "foo_bar",
         "ala", "ma", "ёж", "+", "\u0860b"]
text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=9).map(" ".join)
item = st.tuples(text, st.sampled_from([None, None, "title"]), st.sampled_from("ABC"),
                 st.booleans())
catalogue = st.lists(item, max_size=10)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(catalogue, min_size=1, max_size=5), st.data())
def test_the_indexed_memory_answers_as_the_whole_memory(
    tmp_path: Path, catalogues: list[list[tuple[str, str | None, str, bool]]],
    data: st.DataObject,
) -> None:
    named = [(f"c{n}", items) for n, items in enumerate(catalogues)]
    root = Path(tempfile.mkdtemp(dir=tmp_path))  # a cache of its own: the hashes are made up
    store = cache.Store.open(root)
    stored = data.draw(st.integers(0, len(named)))
    for n, (_, items) in enumerate(named[:stored]):
        store.record_items(f"h{n}", items)
    store.record("anything", "k", "v")
    store.save()
    rows = cache.Store.open(root).rows(
        [(origin, f"h{n}") for n, (origin, _) in enumerate(named)],
        extra={n: named[n] for n in range(stored, len(named))})
    assert rows is not None
    whole, indexed = Memory.from_items(named), IndexedMemory(rows)
    try:
        for _ in range(10):
            query = data.draw(st.one_of(text, st.sampled_from([i[0] for _, c in named
                                                               for i in c] or ["kot"])))
            context = data.draw(st.sampled_from([None, "title"]))
            exclude = data.draw(st.sampled_from(["", "c0", "c1"]))
            near = data.draw(st.booleans())
            assert indexed.suggest(query, context, exclude=exclude, near=near) == \
                whole.suggest(query, context, exclude=exclude, near=near)
    finally:
        indexed.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(catalogue, min_size=1, max_size=8), st.lists(catalogue, max_size=3), st.data())
def test_a_memory_pruned_of_gone_versions_answers_as_the_live_catalogues(
    tmp_path: Path, old: list[list[tuple[str, str | None, str, bool]]],
    fresh: list[list[tuple[str, str | None, str, bool]]], data: st.DataObject,
) -> None:
    """Whether few versions are gone (their words taken out of the index one by one) or
    most (the index made anew), what is left answers as the live catalogues would."""
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    store = cache.Store.open(root)
    for n, items in enumerate(old):
        store.record_items(f"h{n}", items)
    store.save()
    kept = sorted(data.draw(st.sets(st.integers(0, len(old) - 1))))
    live = [(f"c{n}", f"h{n}", old[n]) for n in kept]
    live += [(f"n{k}", f"new{k}", items) for k, items in enumerate(fresh)]
    store = cache.Store.open(root)
    store.record("anything", "k", "v")  # a save with nothing to write leaves the memory be
    store.save(live_items={h for _, h, _ in live},
               more_items=[(f"new{k}", items) for k, items in enumerate(fresh)])
    with sqlite3.connect(root / CACHE / "build.sqlite3") as db:
        stored = {h for (h,) in db.execute("SELECT hash FROM catalogues")}
    if (len(old) - len(kept)) * 4 >= len(old):
        assert stored == {h for _, h, _ in live}
    rows = cache.Store.open(root).rows([(origin, h) for origin, h, _ in live], extra={})
    assert rows is not None
    whole = Memory.from_items([(origin, items) for origin, _, items in live])
    indexed = IndexedMemory(rows)
    everything = [i[0] for items in old + fresh for i in items] or ["kot"]
    try:
        for _ in range(8):
            known = st.sampled_from(everything)
            query = data.draw(st.one_of(text, known, known.map(lambda t: t + " kot"),
                                        known.map(lambda t: t.rsplit(" ", 1)[0])))
            context = data.draw(st.sampled_from([None, "title"]))
            near = data.draw(st.booleans())
            assert indexed.suggest(query, context, exclude="", near=near) == \
                whole.suggest(query, context, exclude="", near=near)
    finally:
        indexed.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(catalogue, min_size=1, max_size=5),
       st.lists(st.tuples(text, st.booleans()), min_size=1, max_size=4), st.data())
def test_the_part_of_the_memory_kept_for_some_questions_answers_them_alike(
    catalogues: list[list[tuple[str, str | None, str, bool]]],
    questions: list[tuple[str, bool]], data: st.DataObject,
) -> None:
    named = [(f"c{n}", items) for n, items in enumerate(catalogues)]
    keep = may_match(questions)
    whole = Memory.from_items(named)
    part = Memory.from_items((name, [i for i in items if keep(i[0])]) for name, items in named)
    for msgid, near in questions:
        context = data.draw(st.sampled_from([None, "title"]))
        exclude = data.draw(st.sampled_from(["", "c0", "c1"]))
        assert part.suggest(msgid, context, exclude=exclude, near=near) == \
            whole.suggest(msgid, context, exclude=exclude, near=near)


# -- fast paths equal to the slow ones -----------------------------------------------------

@given(st.text(alphabet="abcąX01 .!'\u2019()/-:#,?[]{}\"&*|>%@`\t", max_size=12))
def test_yaml_scalar_shortcuts_agree_with_yaml(value: str) -> None:
    assert render.yaml_scalar(value) == render._yaml_scalar.__wrapped__(value)


def test_errors_cross_process_boundaries() -> None:
    error = CatalogError("broken", "locales/en/LC_MESSAGES/a.po", 3)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is CatalogError and str(again) == str(error)


# -- on a terminal -------------------------------------------------------------------------


def test_a_progress_bar_only_on_a_terminal_and_not_when_quiet(project: Path, cli: Cli
                                                              ) -> None:
    shown = on_a_terminal(project, "build")
    assert "building" in shown and "100%" in shown
    assert "building" not in on_a_terminal(project, "build", "--quiet")
    logged = cli(project, "build")
    assert logged.exit_code == 0 and "building" not in logged.output


def test_jobs_must_be_a_positive_number(project: Path, cli: Cli) -> None:
    result = cli(project, "build", "--jobs", "0")
    assert result.exit_code == 2 and "--jobs" in result.output


def test_files_below_a_folder_are_found_as_rglob_finds_them(tmp_path: Path) -> None:
    from locpipe.files import named_below

    base = tmp_path / "LC_MESSAGES"
    for name in ("a.po", "a-b.po", "a/b.po", "a/b/c.po", "A.po", ".hidden.po", "x.pot",
                 "blog/ą.po", "blog-2/z.po", "notes.txt", "dir.po/inner.po", "é/ü.po"):
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "linked.po").write_text("", encoding="utf-8")
    (base / "link").symlink_to(outside, target_is_directory=True)
    (base / "file-link.po").symlink_to(outside / "deep" / "linked.po")
    expected = [(p.relative_to(base).as_posix()[:-3], p) for p in sorted(base.rglob("*.po"))]
    assert named_below(base, ".po") == expected
    assert ("a-b", base / "a-b.po") in expected and len(expected) == 12
