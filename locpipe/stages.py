"""Every stage of one article in one pass: the per-article half of the pipeline.

A command is a :class:`Plan`: which stages run (extract, update, compile, render, coverage,
checks). For each article, and each template or catalogue left without one,
:func:`run_job` reads every file once and takes it through the stages in order, each
stage handing the next its result in memory: the template it built, the catalogue it
merged. Each stage first asks the build cache (:mod:`locpipe.cache`) whether its inputs
changed since it last ran; if not, and its files are as it left them, it reports what it
did then and does nothing else.

Before any work, :func:`run` checks every job against the cache in this process (one
entry answers for a whole unchanged article). The jobs left do not depend on each other,
so they are spread over worker processes and their results put back in the order of the
articles: the output does not depend on the number of workers.

The one link between articles is the translation memory, which an update consults for
text still untranslated: it holds every catalogue of the locale as it was before the run.
It is opened only when a merge asks it something, and queried in the cache's index
(:class:`locpipe.memory.IndexedMemory`) or, for many near-match questions, built whole. A
job running in this process asks it directly; a worker notes its questions and puts the
merge aside, and the job runs again once this process has the answers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import multiprocessing
import multiprocessing.pool
import os
import re
import signal
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polib

from . import cache, lazy
from . import files as fs
from .config import Config, Outdated, OutputFormat, Publish, PublishPolicy
from .coverage import CatalogueReport, Gap, Gate, gaps, gate_issue, required_issues
from .discover import SourceFile, find_articles, find_orphans
from .errors import CatalogError, ContentError, LocpipeError
from .model import (
    Article,
    Catalogue,
    Counts,
    Coverage,
    EntryState,
    FileResult,
    FileStatus,
    Issue,
    Key,
    Severity,
    Summary,
    Translation,
    Verdict,
)

if TYPE_CHECKING:
    from . import catalog, checks, links, memory, publish, render, segment, site
    from . import merge as merging
    from .checks import Selection
    from .memory import Items, Lookup, Suggestion
else:  # loaded when a stage has work to do: a run that skips everything needs none of them
    catalog, checks, links, memory, publish, render, segment, site, merging = (
        lazy.load(f"locpipe.{name}") for name in (
            "catalog", "checks", "links", "memory", "publish", "render", "segment", "site",
            "merge"))

Progress = Callable[[int, int], None]
"""Told ``(articles done, articles in all)``, first with 0 done."""


@dataclass(frozen=True)
class Plan:
    """What a command asks of every article: the stages to run, and how."""

    extract: bool = False
    update: bool = False
    compile: bool = False
    render: bool = False
    coverage: bool = False
    checks: bool = False
    dry_run: bool = False
    """Write no template or catalogue (``--check``, ``--dry-run``, and ``check``)."""
    memory: bool = True
    record: bool = True
    """Whether the run may write what it learnt into the cache."""
    messages: bool = False
    """Checks must keep every message (the HTML report): no results from the cache."""
    publish: tuple[PublishPolicy | None, float | None, Outdated | None, bool | None] = (
        None, None, None, None)
    """The render options of the command line: policy, min_coverage, outdated, show_machine."""
    selection: Selection | None = None
    gate: Gate | None = None

    @property
    def articles(self) -> bool:
        """Whether the stages read the articles themselves."""
        return self.extract or self.render


@dataclass
class Context:
    """What every job of a run shares; workers inherit it."""

    config: Config
    plan: Plan
    fingerprint: str
    """The hash of locpipe's code, the configuration and the user's HTML templates."""
    answers: dict[Question, Answer] = field(default_factory=dict)
    """What the translation memory answered to the questions of the run's updates."""
    recall: dict[str, Lookup] = field(default_factory=dict)
    """The memory of each locale, once a probe needed it (this process only)."""
    ask: Callable[[Question], Answer | _Later] | None = None
    """Answers a question the run has no answer for yet, in the process that holds the
    memory; workers have none and put such a merge aside."""
    empty: frozenset[str] = frozenset()
    """Locales that had no catalogue before the run: their memory is empty."""
    seen: dict[str, str | None] = field(default_factory=dict)
    """The hash of every file the probes read, as it was before the run (this process)."""
    folders: dict[Path, Path] = field(default_factory=dict)
    """Output folders resolved so far (links followed), for :func:`files.confined`."""
    items_known: frozenset[str] = frozenset()
    """Catalogue hashes whose memory items the cache holds already."""
    orphans: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)
    """The catalogues whose article is gone, by locale: (display path, path); a renamed
    article's new catalogue starts from the one of them that is its old catalogue."""
    orphan_keys: dict[str, tuple[frozenset[Key], str] | None] = field(default_factory=dict)
    """Each orphan catalogue read so far: its entries' keys and text (this process only)."""

    def __post_init__(self) -> None:
        self.layout = _Layout.of(self.config)

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["recall"], state["ask"] = {}, None  # a database connection stays here
        state["seen"], state["orphan_keys"] = {}, {}
        return state


@dataclass(frozen=True)
class _Layout:
    """Where a job's templates and catalogues are, as users see the paths and on disk.

    Paths are made by joining strings: a large project has tens of thousands of them.
    """

    root: str
    locales: str
    """The locales folder as users see it, with a trailing ``/`` (or nothing)."""

    @classmethod
    def of(cls, config: Config) -> _Layout:
        locales = fs.display(config, config.locales_path)
        return cls(str(config.root), "" if locales == "." else f"{locales}/")

    def template(self, name: str) -> str:
        return f"{self.locales}templates/{name}.pot"

    def catalogue(self, name: str, locale: str, suffix: str = ".po") -> str:
        return f"{self.locales}{locale}/LC_MESSAGES/{name}{suffix}"

    def path(self, display: str) -> str:
        return os.path.join(self.root, display)


@dataclass(frozen=True)
class Job:
    """One article (or template, or catalogue) to take through the plan."""

    name: str
    source: SourceFile | None
    memo: Mapping[str, tuple[str, cache.Packed]] = field(default_factory=dict)
    """The cache's entries for this job's steps, by slot."""
    files: Mapping[str, tuple[cache.Signature, str]] = field(default_factory=dict)
    """What the cache knows of the files this job writes."""
    skip_extract: bool = False
    """Second pass: the template was handled in the first."""


@dataclass
class JobResult:
    """What the stages did for one job, as each command reports it."""

    name: str
    extract: fs.Report = field(default_factory=fs.Report)
    template_errors: list[LocpipeError] = field(default_factory=list)
    update: dict[str, fs.Report] = field(default_factory=dict)
    """One report per target locale, in the order of ``locales``."""
    compile: fs.Report = field(default_factory=fs.Report)
    render_load: fs.Report = field(default_factory=fs.Report)
    """The article could not be read for rendering."""
    render: fs.Report = field(default_factory=fs.Report)
    rendered: bool = False
    """The article was read and went through rendering (for the ``[articles]`` check)."""
    verdicts: list[Verdict] = field(default_factory=list)
    summaries: dict[str, Summary] = field(default_factory=dict)
    withheld: list[Issue] = field(default_factory=list)
    """Error-level problems of translations that rendering therefore did not publish."""
    coverage: list[Coverage] = field(default_factory=list)
    coverage_errors: list[LocpipeError] = field(default_factory=list)
    checked: list[CatalogueReport] = field(default_factory=list)
    check_errors: list[LocpipeError] = field(default_factory=list)
    article_issues: list[Issue] = field(default_factory=list)
    """What the ``front-matter`` check found in the article itself."""
    questions: list[Question] = field(default_factory=list)
    """What the update asked the memory and the run had no answer for yet: the job runs
    again once it has them."""
    items: dict[str, tuple[str, bytes | None]] = field(default_factory=dict)
    """Each catalogue read, as it was before the run, by locale: its hash and, if the job
    replaced it and the cache does not know that version, its bytes (compressed: the
    memory of this run may still need them; any other version can be read again)."""
    indexed: list[tuple[str, bytes]] = field(default_factory=list)
    """The memory items of the catalogues the update left, for the cache's index: by hash,
    packed (see :func:`cache.pack_indexed`); only versions the cache does not hold."""
    memo: dict[str, tuple[str, cache.Packed]] = field(default_factory=dict)
    files: dict[str, tuple[cache.Signature, str]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        reports = [self.extract, self.compile, self.render_load, self.render,
                   *self.update.values()]
        return bool(self.template_errors or self.coverage_errors or self.check_errors
                    or any(r.errors for r in reports))

    @property
    def notices(self) -> bool:
        return any(r.notices for r in self.update.values())

    @property
    def update_failed(self) -> bool:
        return any(r.errors for r in self.update.values())


class _Miss(Exception):
    """A probe met a stage that has work to do."""


class _NeedMemory(Exception):
    """A probe needs the memory of these locales to tell whether an update is still valid."""

    def __init__(self, locales: set[str]) -> None:
        super().__init__(sorted(locales))
        self.locales = locales


Query = tuple[str, str | None, bool]
"""A memory lookup: msgid, msgctxt, near."""
Question = tuple[str, str, str | None, str, bool]
"""A memory lookup of one catalogue's update: locale, msgid, msgctxt, catalogue, near."""
Answer = list[object] | None
"""A suggestion as plain data: msgstr, msgid, msgctxt, origin, exact."""


class _Recorder:
    """The memory as a merge sees it: the run's answers, noting every question asked.

    A question the run has no answer for yet is answered None and noted as unanswered: the
    merge is then done again once it has them. A locale that had no catalogue at all has
    an empty memory.
    """

    def __init__(self, ctx: Context, locale: str) -> None:
        self.answers = ctx.answers
        self.ask = ctx.ask
        self.locale = locale
        self.empty = locale in ctx.empty
        self.asked: list[tuple[Query, Answer]] = []
        self.unanswered: list[Question] = []

    def suggest(self, msgid: str, msgctxt: str | None, *, exclude: str = "",
                near: bool = True) -> Suggestion | None:
        question = (self.locale, msgid, msgctxt, exclude, near)
        answer = self.answers.get(question)
        if answer is None and question not in self.answers and not self.empty:
            asked = LATER if self.ask is None else self.ask(question)
            if isinstance(asked, _Later):
                self.unanswered.append(question)
            else:
                answer = self.answers[question] = asked
        self.asked.append(((msgid, msgctxt, near), answer))
        return _suggestion(answer)


def _answer(found: Suggestion | None) -> Answer:
    if found is None:
        return None
    return [found.msgstr, found.msgid, found.msgctxt, found.origin, found.exact]


def _suggestion(answer: Answer) -> Suggestion | None:
    if answer is None:
        return None
    msgstr, msgid, msgctxt, origin, exact = answer
    return memory.Suggestion(str(msgstr), str(msgid),
                             None if msgctxt is None else str(msgctxt), str(origin),
                             bool(exact))


# -- one job ------------------------------------------------------------------------------


class _Run:
    """One job under way: the files it read, what the stages made, the cache it consults."""

    def __init__(self, ctx: Context, job: Job, store: cache.Store, *, probe: bool) -> None:
        self.ctx = ctx
        self.config = ctx.config
        self.plan = ctx.plan
        self.job = job
        self.name = job.name
        self.store = store
        self.probe = probe
        self.result = JobResult(job.name)
        self._read: dict[str, bytes | OSError | None] = {}
        self._article: Article | LocpipeError | None = None
        self.pot: bytes | None = None
        """The template as it is on disk after extraction (None: read it when needed)."""
        self.pot_known = False
        self.parsed: dict[str, polib.POFile | LocpipeError | None] = {}
        """Catalogues as they were before the run, by locale."""
        self.current: dict[str, tuple[polib.POFile | None, bytes | None]] = {}
        """Catalogues as they are after the update, when it wrote them."""
        self.layout = ctx.layout
        self.seen_files: list[list[str | None]] = []
        """Every file a step found as it had left it (for the job's one entry)."""
        self.seen_queries: list[list[Any]] = []
        """Every memory lookup a step found answered as before."""
        self._hashes: dict[str, str | None] = {}
        self.template_display = self.layout.template(self.name)
        self.template_path = self.layout.path(self.template_display)

    # -- inputs ---------------------------------------------------------------------------

    def read(self, path: str) -> bytes | None:
        """A file's bytes (read once), None if it does not exist; other failures raise."""
        if path not in self._read:
            try:
                with open(path, "rb") as handle:
                    self._read[path] = handle.read()
            except FileNotFoundError:
                self._read[path] = None
            except OSError as e:
                self._read[path] = e
        found = self._read[path]
        if isinstance(found, OSError):
            raise found
        return found

    def input_hash(self, path: str) -> str | None:
        if path not in self._hashes:
            known = self._signed_hash(path)
            if known is not None:
                self._hashes[path] = known
            else:
                self._hashes[path] = self._read_hash(path)
            if self.probe and self._hashes[path] is not None:
                self.ctx.seen[path] = self._hashes[path]
        return self._hashes[path]

    def _signed_hash(self, path: str) -> str | None:
        """The hash of a project file by its signature (see :meth:`cache.Store.file_hash`):
        a rerun need not read and hash every article and catalogue. Only in a probe: a job
        that runs hashes the bytes it works from, so that what it records under a key was
        made from the very text the key stands for, even if the file changes meanwhile."""
        prefix = self.layout.root + os.sep
        if not self.probe or path in self._read or not path.startswith(prefix):
            return None
        return self.store.file_hash(path, path[len(prefix):])

    def _read_hash(self, path: str) -> str | None:
        try:
            data = self.read(path)
            return None if data is None else cache.digest(data)
        except OSError as e:
            return f"!{e.errno}"

    def article(self) -> Article:
        if self._article is None:
            source = self.job.source
            assert source is not None
            try:
                data = self.read(str(source.path))
                if data is None:
                    raise FileNotFoundError(2, "No such file or directory")
                text, bom = segment.decode(data, source.display)
                self._article = segment.parse_article(
                    text, name=source.name, path=source.display,
                    default_lang=self.config.source_locale,
                    front_matter_keys=self.config.front_matter_keys, bom=bom,
                    front_matter=self.config.front_matter_for(source.name))
            except OSError as e:
                self._article = ContentError(f"cannot read: {e.strerror}", source.display)
            except LocpipeError as e:
                self._article = e
        if isinstance(self._article, LocpipeError):
            raise self._article
        return self._article

    def template_bytes(self) -> bytes | None:
        if not self.pot_known:
            self.pot = self.read(self.template_path)
            self.pot_known = True
        return self.pot

    def catalogue_display(self, locale: str, suffix: str = ".po") -> str:
        return self.layout.catalogue(self.name, locale, suffix)

    def catalogue_path(self, locale: str, suffix: str = ".po") -> str:
        return self.layout.path(self.catalogue_display(locale, suffix))

    def catalogue(self, locale: str) -> polib.POFile | None:
        """The catalogue as it was before the run; raise its error if it cannot be read."""
        if locale not in self.parsed:
            path = self.catalogue_path(locale)
            display = self.catalogue_display(locale)
            found: polib.POFile | LocpipeError | None
            data: bytes | None = None
            try:
                data = self.read(path)
                found = None if data is None else catalog.parse_catalog(
                    data.decode("utf-8"), display)
            except UnicodeDecodeError:
                found = CatalogError("not valid UTF-8; save the catalogue as UTF-8", display)
            except OSError as e:
                found = CatalogError(f"cannot read: {e.strerror}", display)
            except LocpipeError as e:
                found = e
            self.parsed[locale] = found
            if (isinstance(found, polib.POFile) and self.plan.update and self.plan.memory
                    and data is not None):
                self.result.items[locale] = (cache.digest(data), None)
        found = self.parsed[locale]
        if isinstance(found, LocpipeError):
            raise found
        return found

    def current_bytes(self, locale: str) -> bytes | None:
        if locale in self.current:
            return self.current[locale][1]
        try:
            return self.read(self.catalogue_path(locale))
        except OSError:
            return None

    def current_hash(self, locale: str) -> str | None:
        if locale in self.current:
            data = self.current[locale][1]
            return None if data is None else cache.digest(data)
        return self.input_hash(self.catalogue_path(locale))

    def current_exists(self, locale: str) -> bool:
        if locale in self.current:
            return self.current[locale][1] is not None
        return os.path.isfile(self.catalogue_path(locale))

    def current_catalogue(self, locale: str) -> polib.POFile:
        """The catalogue as it is now (after the update); raise its error if unreadable."""
        if locale in self.current and self.current[locale][0] is not None:
            po = self.current[locale][0]
            assert po is not None
            return po
        found = self.catalogue(locale)
        if found is None:
            raise CatalogError("cannot read: No such file or directory",
                               self.catalogue_display(locale))
        return found

    # -- the cache ------------------------------------------------------------------------

    def output_hash(self, name: str) -> str | None:
        return self.store.file_hash(self.layout.path(name), name)

    def hit(self, slot: str, key: str) -> Any:
        """What the step made last time (JSON data), if its key is the same and its files are
        as it left them; else None, and in a probe, an exception: there is work to do."""
        found = self.store.lookup(slot)
        value: Any = None
        if found is not None and found[0] == key:
            value = json.loads(found[1])
            for name, digest in value.get("files", []):
                if self.output_hash(name) != digest:
                    value = None
                    break
            else:
                self.seen_files.extend(value.get("files", []))
        if value is None and self.probe:
            raise _Miss(slot)
        return value

    def remember(self, slot: str, key: str, value: Mapping[str, object]) -> None:
        self.store.record(slot, key, json.dumps(value, ensure_ascii=False,
                                                separators=(",", ":")))

    def answered(self, queries: Sequence[Sequence[Any]]) -> bool:
        """Whether the memory still answers these lookups as it did.

        A probe asks the memory (and needs it built); a worker has only the answers the
        run gathered, and takes a question it has no answer for as a change.
        """
        needed: set[str] = set()
        for locale, msgid, msgctxt, near, answer in queries:
            question = (locale, msgid, msgctxt, self.name, near)
            if locale in self.ctx.empty:
                found: Answer = None
            elif question in self.ctx.answers:
                found = self.ctx.answers[question]
            elif locale in self.ctx.recall:
                found = _answer(self.ctx.recall[locale].suggest(
                    msgid, msgctxt, exclude=self.name, near=near))
                self.ctx.answers[question] = found
            else:
                needed.add(locale)
                continue
            if found != answer:
                return False
        if needed and self.probe:
            raise _NeedMemory(needed)
        return not needed

    # -- outputs --------------------------------------------------------------------------

    def write(self, report: fs.Report, path: Path, data: bytes, *, dry_run: bool = False,
              owned: bool = True, details: Mapping[str, int] | None = None) -> FileStatus:
        """Write a file as the pipeline does; remember the signature of a file it owns."""
        display = fs.display(self.config, path)
        try:
            status = fs.write_file(path, data, dry_run=dry_run)
        except OSError as e:
            report.errors.append(LocpipeError(f"cannot write: {e.strerror}; nothing was changed",
                                              display))
            report.files.append(FileResult(display, FileStatus.FAILED))
            return FileStatus.FAILED
        report.files.append(FileResult(display, status, dict(details or {})))
        if owned and not dry_run:
            sig = cache.signature(path)
            if sig is not None:
                self.store.record_file(display, sig, cache.digest(data))
        return status

    def remove(self, report: fs.Report, path: Path) -> None:
        fs.remove(self.config, report, path)


# -- extract ------------------------------------------------------------------------------

_HEADER_VALUE = r'^"{}: ([^"\\\n]*)\\n"$'


def _kept_fields(old: str | None) -> dict[str, str] | None:
    """The date and generator a template keeps from its old version, read off its text."""
    if old is None:
        return None
    found = {}
    for name in ("POT-Creation-Date", "X-Generator"):
        match = re.search(_HEADER_VALUE.format(re.escape(name)), old[:4000], re.MULTILINE)
        if match is None or not match.group(1):
            return None
        found[name] = match.group(1)
    return found


def _template_text(article: Article, old: str | None, *, wrap: bool) -> tuple[str, int]:
    """The template to write, keeping its old date and generator if its entries are the same.

    The usual case, an unchanged template, is recognised by writing it with the old date
    and comparing the texts; only otherwise is the old template parsed and compared entry
    by entry.
    """
    template = catalog.build_template(article, creation_date=catalog.now())
    kept = _kept_fields(old)
    if kept is not None:
        fresh = dict(template.metadata)
        template.metadata.update(kept)
        text = catalog.dumps(template, wrap=wrap)
        if text == old:
            return text, len(template)
        template.metadata = fresh
    previous = _parse_quietly(old)
    if previous is not None and catalog.same_entries(previous, template):
        # Nothing to translate changed: keep the date and generator, so neither a
        # re-extraction nor a new locpipe version churns the templates.
        for key in ("POT-Creation-Date", "X-Generator"):
            if previous.metadata.get(key):
                template.metadata[key] = previous.metadata[key]
    return catalog.dumps(template, wrap=wrap), len(template)


def _parse_quietly(text: str | None) -> polib.POFile | None:
    try:
        return None if text is None else polib.pofile(text)
    except (OSError, ValueError):
        return None


def _extract(run: _Run) -> None:
    source = run.job.source
    if source is None or run.job.skip_extract:
        return
    config, report = run.config, run.result.extract
    path = run.template_path
    display = run.template_display
    key = cache.key("extract", run.ctx.fingerprint, run.input_hash(str(source.path)))
    slot = f"extract:{run.name}"
    found = run.hit(slot, key)
    if found is not None:
        report.files.append(FileResult(display, FileStatus.UNCHANGED,
                                       {"entries": int(found["entries"])}))
        return
    try:
        article = run.article()
    except LocpipeError as e:
        report.errors.append(e)
        report.files.append(FileResult(source.display, FileStatus.FAILED))
        return
    try:
        old_bytes = run.read(path)
        old = None if old_bytes is None else old_bytes.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        old_bytes, old = None, None
    text, entries = _template_text(article, old, wrap=config.wrap)
    data = text.encode("utf-8")
    dry = run.plan.dry_run
    status = run.write(report, Path(path), data, dry_run=dry, details={"entries": entries})
    run.pot_known = True
    if status is FileStatus.FAILED or dry:
        run.pot = old_bytes
    else:
        run.pot = data
    if status is FileStatus.UNCHANGED or (status is not FileStatus.FAILED and not dry):
        run.remember(slot, key, {"entries": entries, "files": [[display, cache.digest(data)]]})


# -- update -------------------------------------------------------------------------------


@dataclass
class _Merged:
    locale: str
    path: Path
    old: polib.POFile | None
    new: polib.POFile
    stats: merging.MergeStats
    notice: str | None
    recorder: _Recorder | None


_TRANSLATORS_FIELDS = ("PO-Revision-Date", "Last-Translator", "Language-Team")
"""Header fields of translators and their editors, which a renamed catalogue keeps."""


def _merge(run: _Run, template: polib.POFile, locale: str,
           old: polib.POFile | None, *, base: polib.POFile | None = None) -> _Merged:
    """Merge the template into a locale's catalogue; a new one from ``base``, if given."""
    if old is None:
        new = catalog.new_catalog(template, locale, revision_date=catalog.now())
        if base is not None:
            new.metadata.update((k, base.metadata[k]) for k in _TRANSLATORS_FIELDS
                                if base.metadata.get(k))
    else:
        new = polib.POFile(wrapwidth=79)
        new.header = old.header
        new.metadata = dict(old.metadata)
        new.metadata_is_fuzzy = old.metadata_is_fuzzy
    recorder = None
    if run.plan.memory:
        recorder = _Recorder(run.ctx, locale)
    stats = merging.merge(template, old if old is not None else base or polib.POFile(), new,
                          today=catalog.today(), memory=recorder, origin=run.name)
    notice = catalog.refresh_header(new, template, locale)
    return _Merged(locale, Path(run.catalogue_path(locale)), old, new, stats, notice,
                   recorder)


def _save_merged(run: _Run, template: polib.POFile, merged: _Merged) -> FileStatus:
    """Write a merged catalogue if it changed, as ``update`` does, and report it."""
    report = run.result.update.setdefault(merged.locale, fs.Report())
    display = run.catalogue_display(merged.locale)
    stats = merged.stats.as_dict()
    if merged.notice is not None:
        report.notices.append(LocpipeError(merged.notice, display, 1))
    old, new = merged.old, merged.new
    if old is not None and catalog.same_catalogue(old, new):
        # Nothing changed, the usual case: no need to serialise.
        report.files.append(FileResult(display, FileStatus.UNCHANGED, stats))
        return FileStatus.UNCHANGED
    wrap = _wrap_of(run, merged)
    if old is not None and _texts_of(old) != _texts_of(new):
        # A text or translation changed, so the file does, whatever its layout: date it and
        # write it once, as the steps below would (they compare three serialisations).
        catalog.stamp_header(new, template)
        old = None
    text = catalog.dumps(new, wrap=wrap)
    if old is not None:
        on_disk = run.current_bytes(merged.locale)
        if on_disk is None or text != on_disk.decode("utf-8", errors="replace"):
            if text == catalog.dumps(old, wrap=wrap):
                # Only the layout differs (an editor wrapped lines its own way): leave it.
                report.files.append(FileResult(display, FileStatus.UNCHANGED, stats))
                return FileStatus.UNCHANGED
            catalog.stamp_header(new, template)
            text = catalog.dumps(new, wrap=wrap)
    data = text.encode("utf-8")
    status = run.write(report, merged.path, data, dry_run=run.plan.dry_run, owned=False,
                       details=stats)
    if status not in (FileStatus.FAILED, FileStatus.UNCHANGED) and not run.plan.dry_run:
        run.current[merged.locale] = (new, data)
        before = run.result.items.get(merged.locale)
        if (merged.old is not None and before is not None
                and before[0] not in run.ctx.items_known):
            # The version the memory of this run holds is gone from the disk: keep its
            # bytes, compressed, to be read as a catalogue only if the memory needs it.
            old_bytes = run.read(run.catalogue_path(merged.locale))
            if old_bytes is not None:
                run.result.items[merged.locale] = (before[0], zlib.compress(old_bytes, 1))
    return status


def _wrap_of(run: _Run, merged: _Merged) -> bool:
    """Whether to wrap a catalogue's long strings: as the file on disk does (a translator's
    tool may have saved it unwrapped), or as ``wrap`` says for a new one."""
    from .poformat import wrapping

    on_disk = None if merged.old is None else run.current_bytes(merged.locale)
    found = None if on_disk is None else wrapping(on_disk.decode("utf-8", errors="replace"))
    return run.config.wrap if found is None else found


def _texts_of(po: polib.POFile) -> list[tuple[object, ...] | None]:
    """What the writer puts down verbatim, entry by entry, in its order (live entries, then
    the obsolete ones that keep a translation): two catalogues that differ here differ
    whatever the layout."""
    def written(e: polib.POEntry) -> tuple[object, ...]:
        return (e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, sorted(e.msgstr_plural.items()))

    def translated(e: polib.POEntry) -> bool:
        forms = sorted(e.msgstr_plural.items()) if e.msgid_plural else [(0, e.msgstr)]
        return bool(forms and forms[0][1])

    return ([written(e) for e in po if not e.obsolete] + [None]
            + [written(e) for e in po if e.obsolete and translated(e)])


def _template(run: _Run, *, parse: bool) -> tuple[bytes, polib.POFile | None] | None:
    """The template's bytes and, with ``parse``, the template.

    None when there is no template, or it cannot be read (the error is reported).
    """
    display = run.template_display
    try:
        pot = run.template_bytes()
        if pot is None or not parse:
            return None if pot is None else (pot, None)
        return pot, catalog.parse_catalog(pot.decode("utf-8"), display)
    except OSError as e:
        run.result.template_errors.append(CatalogError(f"cannot read: {e.strerror}", display))
    except UnicodeDecodeError:
        run.result.template_errors.append(
            CatalogError("not valid UTF-8; save the catalogue as UTF-8", display))
    except LocpipeError as e:
        run.result.template_errors.append(e)
    return None


def _update_key(run: _Run, pot: bytes, hashes: Sequence[str | None]) -> str:
    return cache.key("update", run.ctx.fingerprint, cache.digest(pot), hashes, run.plan.memory)


def _update(run: _Run) -> None:
    config = run.config
    found = _template(run, parse=False)
    if found is None:
        return
    pot = found[0]
    slot = f"update:{run.name}"
    key = _update_key(run, pot, [run.input_hash(run.catalogue_path(loc))
                                 for loc in config.locales])
    remembered = run.hit(slot, key)
    if remembered is not None and run.answered(remembered["queries"]):
        run.seen_queries.extend(remembered["queries"])
        stats: Mapping[str, Mapping[str, int]] = remembered["stats"]
        for locale, numbers in stats.items():
            display = run.catalogue_display(locale)
            run.result.update[locale] = fs.Report(
                files=[FileResult(display, FileStatus.UNCHANGED, dict(numbers))])
        return
    if run.probe:
        raise _Miss(slot)
    parsed = _template(run, parse=True)
    if parsed is None or parsed[1] is None:
        return
    template = parsed[1]
    merged = _merge_targets(run, template)
    run.result.questions = [q for m in merged if m.recorder for q in m.recorder.unanswered]
    if run.result.questions:
        run.result.update.clear()
        return
    statuses = [_save_merged(run, template, m) for m in merged]
    if run.result.update_failed or (run.plan.dry_run and any(
            s is not FileStatus.UNCHANGED for s in statuses)):
        return
    key = _update_key(run, pot, [run.current_hash(loc) for loc in config.locales])
    _remember_update(run, slot, key, len(template), list(zip(merged, statuses, strict=True)))
    if run.plan.memory and not run.plan.dry_run:
        _index_left(run, merged, statuses)


def _index_left(run: _Run, merged: Sequence[_Merged], statuses: Sequence[FileStatus]) -> None:
    """Index, for the translation memory, the catalogues this update leaves on disk.

    Here, where each one is in memory already, and on every core: the run's end then only
    stores the rows (reading every catalogue again there took an eighth of a cold build).
    """
    for item, status in zip(merged, statuses, strict=True):
        if status is FileStatus.FAILED:
            continue
        po: polib.POFile | None
        if status is FileStatus.UNCHANGED:
            read = run.result.items.get(item.locale)
            if read is None:
                continue
            digest, po = read[0], item.old
        else:
            data = run.current.get(item.locale, (None, None))[1]
            if data is None:
                continue
            digest = cache.digest(data)
            # Read back as the next run will, rather than trusting the merged object to be
            # entry for entry what its serialisation reads as.
            try:
                po = catalog.parse_catalog(data.decode("utf-8"), run.catalogue_display(item.locale))
            except (UnicodeDecodeError, LocpipeError):
                continue
        if po is None or digest in run.ctx.items_known:
            continue
        rows = cache.index_items(memory.catalogue_items(po))
        run.result.indexed.append((digest, cache.pack_indexed(rows)))


def _merge_targets(run: _Run, template: polib.POFile) -> list[_Merged]:
    """Merge the template into the catalogue of each locale it is translated into."""
    config = run.config
    source_lang = template.metadata.get("X-Source-Language") or config.source_locale
    targets = config.targets(str(source_lang))
    merged: list[_Merged] = []
    for locale in config.locales:
        if locale not in targets:
            continue
        try:
            old = run.catalogue(locale)
        except LocpipeError as e:
            report = run.result.update.setdefault(locale, fs.Report())
            report.errors.append(e)
            report.files.append(FileResult(run.catalogue_display(locale), FileStatus.FAILED))
            continue
        base = _predecessor(run, template, locale) if old is None else None
        merged.append(_merge(run, template, locale, old, base=base))
    return merged


def _predecessor(run: _Run, template: polib.POFile, locale: str) -> polib.POFile | None:
    """The catalogue a new one starts from when its article was renamed or moved: the
    orphaned catalogue (its article gone) that has most of the template's entries, at
    least half of them; None if there is none. As git tells a rename by content, so that
    every translation, translator comment and flag carries over as it was."""
    wanted = {catalog.entry_key(e) for e in template}
    best: tuple[int, str, str] | None = None
    for display, path in run.ctx.orphans.get(locale, ()):
        if path not in run.ctx.orphan_keys:
            try:
                text = Path(path).read_text(encoding="utf-8")
                po = catalog.parse_catalog(text, display)
            except (OSError, UnicodeDecodeError, LocpipeError):
                run.ctx.orphan_keys[path] = None
                continue
            keys = frozenset(catalog.entry_key(e) for e in po if not e.obsolete)
            run.ctx.orphan_keys[path] = (keys, text)
        found = run.ctx.orphan_keys[path]
        if found is None:
            continue
        shared = len(wanted & found[0])
        if shared and 2 * shared >= len(wanted) and (best is None or shared > best[0]):
            best = (shared, display, found[1])
    if best is None:
        return None
    return catalog.parse_catalog(best[2], best[1])


def _remember_update(run: _Run, slot: str, key: str, entries: int,
                     merged: Sequence[tuple[_Merged, FileStatus]]) -> None:
    """Remember what the next update will find, so that it need not merge again.

    For a catalogue left unchanged, that is what this merge found. A catalogue just written
    is the fixed point of the merge: merged again with the same template, every entry is
    kept as it is (each of its untranslated entries asks the memory for the same text, and
    the entry stays as it is if the memory has nothing, which the next run verifies).
    """
    stats: dict[str, dict[str, int]] = {}
    queries: list[list[object]] = []
    for item, status in merged:
        if status is FileStatus.UNCHANGED:
            stats[item.locale] = item.stats.as_dict()
            if item.recorder is not None:
                queries += [[item.locale, *query, answer] for query, answer in item.recorder.asked]
            continue
        stats[item.locale] = merging.MergeStats(kept=entries).as_dict()
        if item.recorder is not None:
            queries += [[item.locale, e.msgid, e.msgctxt, False, None] for e in item.new
                        if not e.obsolete and not e.msgid_plural and not merging.translated(e)]
    run.remember(slot, key, {"stats": stats, "queries": queries})


# -- compile ------------------------------------------------------------------------------


def _compile(run: _Run) -> None:
    config, report = run.config, run.result.compile
    for locale in sorted(config.locales):  # catalogues in the order of their paths
        if not run.current_exists(locale):
            continue
        mo = Path(run.catalogue_path(locale, ".mo"))
        display = run.catalogue_display(locale, ".mo")
        key = cache.key("compile", run.ctx.fingerprint, run.current_hash(locale))
        slot = f"compile:{run.name}:{locale}"
        if run.hit(slot, key) is not None:
            report.files.append(FileResult(display, FileStatus.UNCHANGED))
            continue
        try:
            po = run.current_catalogue(locale)
        except LocpipeError as e:
            report.errors.append(e)
            continue
        data = catalog.mo_bytes(po)
        if run.write(report, mo, data) is not FileStatus.FAILED:
            run.remember(slot, key, {"files": [[display, cache.digest(data)]]})


# -- render -------------------------------------------------------------------------------


def _render(run: _Run) -> None:
    source = run.job.source
    if source is None:
        return
    config = run.config
    key = cache.key("render", run.ctx.fingerprint, run.plan.publish,
                    run.input_hash(str(source.path)),
                    [run.current_hash(loc) for loc in config.locales])
    slot = f"render:{run.name}"
    found = run.hit(slot, key)
    if found is not None:
        run.result.rendered = True
        for name, digest in found["files"]:
            if digest is not None:
                run.result.render.files.append(FileResult(name, FileStatus.UNCHANGED))
        run.result.verdicts = [
            Verdict(article, path, locale, published, tuple(reasons), fallback)
            for article, path, locale, published, reasons, fallback in found["verdicts"]]
        run.result.summaries = {loc: _summary_from(s) for loc, s in found["summaries"].items()}
        run.result.withheld = _issues_from(found.get("withheld", []))
        return
    run.result.rendered = True  # read or not, the article exists
    try:
        article = run.article()
    except LocpipeError as e:
        run.result.render_load.errors.append(e)
        run.result.render_load.files.append(FileResult(source.display, FileStatus.FAILED))
        # Its pages stay as they were: listed, and linked from the other languages, as
        # the last good render left them.
        last = _last_render(run, slot)
        run.result.verdicts = list(last.verdicts.values())
        run.result.summaries = dict(last.summaries)
        return
    options = dict(zip(("policy", "min_coverage", "outdated", "show_machine"),
                       run.plan.publish, strict=True))
    settings = publish.settings_for(config.publish_for(article.name), **options)  # type: ignore[arg-type]
    files: list[list[str | None]] = []
    try:
        _render_article(run, article, settings, files, _last_render(run, slot))
    except LocpipeError as e:
        run.result.render.errors.append(e)
        return
    if not run.result.render.errors:
        run.remember(slot, key, {
            "files": files,
            "verdicts": [[v.article, v.path, v.locale, v.publish, list(v.reasons), v.fallback]
                         for v in run.result.verdicts],
            "summaries": {loc: _summary_to(s) for loc, s in run.result.summaries.items()},
            "withheld": _issues_to(run.result.withheld),
        })


@dataclass(frozen=True)
class _Last:
    """What the last good render of an article published, by locale: kept for a locale
    whose input is broken now, so that its pages stay as they were, listed as before."""

    verdicts: Mapping[str, Verdict] = field(default_factory=dict)
    summaries: Mapping[str, Summary] = field(default_factory=dict)


def _last_render(run: _Run, slot: str) -> _Last:
    """The last render this cache remembers (a run that met an error records nothing)."""
    found = run.store.lookup(slot)
    if found is None:
        return _Last()
    try:
        value = json.loads(found[1])
        verdicts = [Verdict(article, path, locale, published, tuple(reasons), fallback)
                    for article, path, locale, published, reasons, fallback
                    in value["verdicts"]]
        return _Last({v.locale: v for v in verdicts},
                     {loc: _summary_from(s) for loc, s in value["summaries"].items()})
    except (ValueError, KeyError, TypeError):
        return _Last()


def _still_published(run: _Run, article: Article, locale: str, last: _Last) -> bool:
    """Whether a locale whose catalogue cannot be read has a page, left as it was: as the
    last good render says, or (the cache deleted) as the output folder shows."""
    if locale in last.verdicts:
        return last.verdicts[locale].publish
    name = site.output_file(article.name, locale, ".html", run.config.output_layout)
    return fs.confined(run.config, name, article, folders=run.ctx.folders).is_file()


def _issues_to(issues: Iterable[Issue]) -> list[list[object]]:
    return [[i.check, i.severity.value, i.path, i.line, i.message] for i in issues]


def _issues_from(rows: Iterable[Sequence[Any]]) -> list[Issue]:
    return [Issue(c, Severity(s), path, line, m) for c, s, path, line, m in rows]


def _summary_to(summary: Summary) -> list[object]:
    return [summary.href, summary.title, summary.title_lang, summary.description,
            summary.description_lang, summary.date.isoformat() if summary.date else None]


def _summary_from(value: Sequence[object]) -> Summary:
    href, title, title_lang, description, description_lang, date = value
    return Summary(str(href), str(title), _opt(title_lang), _opt(description),
                        _opt(description_lang),
                        dt.date.fromisoformat(str(date)) if date else None)


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _translations(run: _Run, article: Article, locale: str) -> dict[Key, Translation]:
    """What the catalogue holds for each unit, a translation with an error-level problem
    held back as if it were fuzzy (the problems go into the result)."""
    if locale == article.lang or not run.current_exists(locale):
        return {}
    po = run.current_catalogue(locale)
    found = catalog.translations(po)
    if not found:
        return found
    display = run.catalogue_display(locale)
    selection = checks.select(run.config.checks)
    cat = catalog.to_catalogue(po, "", path=display, locale=locale,
                               definitions=segment.reference_definitions(article.text))
    problems = checks.blocking(cat, selection)
    if not problems:
        return found
    if locale in run.current:  # just merged: its entries' lines are those of the file
        data = run.current[locale][1] or b""
        cat = catalog.to_catalogue(catalog.parse_catalog(data.decode("utf-8"), display), "",
                                   path=display, locale=locale,
                                   definitions=segment.reference_definitions(article.text))
        problems = checks.blocking(cat, selection)
    for message, issue in problems:
        key = (message.msgctxt, message.msgid)
        if key in found:
            found[key] = Translation(found[key].msgstr, EntryState.FUZZY)
        run.result.withheld.append(issue)
    return found


def _render_article(run: _Run, article: Article, settings: Publish,
                    files: list[list[str | None]], last: _Last) -> None:
    """Render one article in every locale: the pipeline's rules, from catalogues in memory.

    A locale whose catalogue cannot be read keeps its pages as they are, and ``last``
    says how they were listed and linked."""
    config, report = run.config, run.result.render
    pages = site.Site.from_config(config)
    site.check_name(article.name, article.path)
    layout = config.output_layout
    if OutputFormat.HTML in config.output_formats and article.name == "index":
        raise ContentError("the name 'index' is taken by the index pages; rename the article",
                           article.path, 1)
    decisions: dict[str, publish.Decision] = {}
    kept: list[str] = []
    for locale in [article.lang, *config.targets(article.lang)]:
        try:
            found = _translations(run, article, locale)
        except LocpipeError as e:
            report.errors.append(e)
            kept.append(locale)
            continue
        decisions[locale] = publish.decide(article, found, locale=locale, settings=settings)
    run.result.verdicts = [decisions[loc].verdict if loc in decisions else last.verdicts[loc]
                           for loc in [article.lang, *config.targets(article.lang)]
                           if loc != article.lang and (loc in decisions or loc in last.verdicts)]
    for locale in kept:
        if locale in last.summaries:
            run.result.summaries[locale] = last.summaries[locale]
    # Every rendered version, in the order of `locales`, for hreflang links and the switcher.
    pages_of = {loc: site.output_file(article.name, loc, ".html", layout)
                for loc in config.locales
                if (loc in decisions and decisions[loc].publish)
                or (loc in kept and _still_published(run, article, loc, last))}
    for decision in decisions.values():
        _render_locale(run, article, decision, pages, pages_of, files)


def _render_locale(run: _Run, article: Article, decision: publish.Decision, pages: site.Site,
                   pages_of: Mapping[str, str], files: list[list[str | None]]) -> None:
    """Write one locale's pages of an article, or remove them if it is not published."""
    config, report, locale = run.config, run.result.render, decision.locale
    layout = config.output_layout
    outputs = [site.output_file(article.name, locale, suffix, layout)
               for suffix, kind in ((".md", OutputFormat.MARKDOWN),
                                    (".html", OutputFormat.HTML))
               if kind in config.output_formats]
    targets = {Path(f).suffix: fs.confined(config, f, article, folders=run.ctx.folders)
               for f in outputs}
    if not decision.publish:
        for path in targets.values():
            run.remove(report, path)
            files.append([fs.display(config, path), None])
        return
    texts = site.neutralised(article, decision.texts)
    if ".md" in targets:
        extras = site.front_matter_extras(article, locale, config)
        markdown = render.render_markdown(article, texts, locale=locale,
                                          extra_front_matter=extras)
        if texts:
            markdown = links.anchored(article, markdown,
                                      render.strip_front_matter(markdown), texts)
        _write_output(run, targets[".md"], markdown, files)
    if ".html" in targets:
        marked = render.render_markdown(article, texts, locale=locale, mark_fallback=True,
                                        wrap=site.marker(decision))
        index = site.index_file(locale, layout)
        page = site.article_page(pages, article, render.strip_front_matter(marked),
                                 decision=decision, texts=texts, files=pages_of,
                                 index=index)
        _write_output(run, targets[".html"], page, files)
        if locale in config.locales:
            run.result.summaries[locale] = site.summary(
                pages, article, locale=locale, texts=texts,
                href=site.relative_href(index, pages_of[locale]))


def _write_output(run: _Run, path: Path, text: str, files: list[list[str | None]]) -> None:
    data = text.encode("utf-8")
    if run.write(run.result.render, path, data) is not FileStatus.FAILED:
        files.append([fs.display(run.config, path), cache.digest(data)])


# -- coverage and checks ------------------------------------------------------------------


def _coverage(run: _Run) -> None:
    config = run.config
    for locale in sorted(config.locales):
        if not run.current_exists(locale):
            continue
        display = run.catalogue_display(locale)
        key = cache.key("coverage", run.ctx.fingerprint, run.current_hash(locale), locale)
        slot = f"coverage:{run.name}:{locale}"
        found = run.hit(slot, key)
        if found is not None:
            entries, words = found["counts"]
            run.result.coverage.append(Coverage(display, run.name, locale, Counts(*entries),
                                                Counts(*words)))
            continue
        try:
            po = run.current_catalogue(locale)
        except LocpipeError as e:
            run.result.coverage_errors.append(e)
            continue
        entries, words = catalog.counts(po)
        run.result.coverage.append(Coverage(display, run.name, locale, entries, words))
        run.remember(slot, key, {"counts": [_counts(entries), _counts(words)]})


def _counts(counts: Counts) -> list[int]:
    return [counts.translated, counts.fuzzy, counts.untranslated, counts.obsolete]


def _definitions(run: _Run) -> tuple[str | None, dict[str, str] | None]:
    """The hash and the reference-link definitions of the article named like the job."""
    path = str(run.config.content_path / f"{run.name}.md")
    try:
        data = run.read(path)
        text = None if data is None else data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None, None
    if text is None or data is None:
        return None, None
    return cache.digest(data), segment.reference_definitions(text)


def _selection_key(selection: Selection | None) -> object:
    if selection is None:
        return None
    return [[c.name for c in selection.checks],
            sorted((k, v.value) for k, v in selection.severity.items())]


def _checks(run: _Run) -> None:
    config, plan = run.config, run.plan
    gate = plan.gate or Gate()
    defs_hash, definitions = None, None
    defs_read = False
    for locale in sorted(config.locales):
        path = run.catalogue_path(locale)
        if not run.current_exists(locale):
            continue
        display = run.catalogue_display(locale)
        if not defs_read:
            defs_hash, definitions = _definitions(run)
            defs_read = True
        key = cache.key("checks", run.ctx.fingerprint, run.current_hash(locale), locale,
                        defs_hash, _selection_key(plan.selection), gate.required)
        slot = f"checks:{run.name}:{locale}"
        found = None if plan.messages else run.hit(slot, key)
        if found is not None:
            entries, words = found["counts"]
            cov = Coverage(display, run.name, locale, Counts(*entries), Counts(*words))
            issues = [Issue(c, Severity(s), display, line, m)
                      for c, s, line, m in found["issues"]]
            _add_checked(run, cov, Catalogue(display, locale, ()), gate, issues,
                         _gaps_from(found.get("gaps", [])))
            continue
        if plan.messages and run.probe:
            raise _Miss(slot)
        try:
            data = run.read(path)
            text = "" if data is None else data.decode("utf-8")
            po = run.catalogue(locale)
        except UnicodeDecodeError:
            run.result.check_errors.append(
                CatalogError("not valid UTF-8; save the catalogue as UTF-8", display))
            continue
        except OSError as e:
            run.result.check_errors.append(CatalogError(f"cannot read: {e.strerror}", display))
            continue
        except LocpipeError as e:
            run.result.check_errors.append(e)
            continue
        assert po is not None
        cat = catalog.to_catalogue(po, text, path=display, locale=locale,
                                   definitions=definitions)
        from .coverage import message_counts

        entries, words = message_counts(cat.messages)
        cov = Coverage(display, run.name, cat.locale, entries, words)
        issues = required_issues(cat, gate.required)
        if plan.selection is not None:
            issues.extend(checks.run_checks(cat, plan.selection))
        # The messages are for the HTML report only: a project's worth of them is large.
        kept = cat if plan.messages else Catalogue(cat.path, cat.locale, (), cat.metadata)
        missing = gaps(cat.messages)
        _add_checked(run, cov, kept, gate, issues, missing)
        run.remember(slot, key, {
            "counts": [_counts(entries), _counts(words)],
            "issues": [[i.check, i.severity.value, i.line, i.message] for i in issues],
            "gaps": _gaps_to(missing),
        })


def _gaps_to(found: Iterable[Gap]) -> list[list[object]]:
    return [[g.line, g.state.value, g.text] for g in found]


def _gaps_from(rows: Iterable[Sequence[Any]]) -> tuple[Gap, ...]:
    return tuple(Gap(line, EntryState(state), text) for line, state, text in rows)


def _add_checked(run: _Run, cov: Coverage, cat: Catalogue, gate: Gate,
                 found: Iterable[Issue], missing: tuple[Gap, ...] = ()) -> None:
    below = gate_issue(cov, gate)
    issues = [] if below is None else [below]
    issues.extend(found)
    issues.sort(key=lambda i: i.line or 0)
    run.result.checked.append(
        CatalogueReport(cov, cat, gate.threshold(cat.locale), tuple(issues), missing))


# -- one job, all stages ------------------------------------------------------------------


def _stages(run: _Run) -> None:
    plan = run.plan
    if plan.extract:
        _extract(run)
    if plan.update:
        _update(run)
        if run.result.questions:
            return
    if plan.compile:
        _compile(run)
    if plan.render:
        _render(run)
    if plan.coverage:
        _coverage(run)
    if plan.checks:
        _checks(run)
        _article_checks(run)


def _article_checks(run: _Run) -> None:
    """The ``front-matter`` check: what the article's front matter holds that locpipe kept
    without reading (a template, a localised field that is no date)."""
    source, selection = run.job.source, run.plan.selection
    if source is None or selection is None or not any(
            c.name == checks.FRONT_MATTER for c in selection.checks):
        return
    key = cache.key("article-checks", run.ctx.fingerprint, run.input_hash(str(source.path)))
    slot = f"article-checks:{run.name}"
    found = run.hit(slot, key)
    if found is None:
        try:
            article = run.article()
        except LocpipeError:
            return  # extraction reports it
        notes = [*article.notes, *site.localized_notes(article, run.config)]
        found = {"notes": [list(note) for note in sorted(notes)]}
        run.remember(slot, key, found)
    run.result.article_issues.extend(checks.article_issues(
        [(line, message) for line, message in found["notes"]], source.display, selection))


def run_job(ctx: Context, job: Job, store: cache.Store | None = None) -> JobResult:
    """Take one job through the plan; with ``store``, record into it directly.

    A job that went through without a problem is then checked against what its steps
    recorded, as the next run will see it, so that the next run can take the whole job
    from one entry of the cache.
    """
    own = store is None
    local = cache.Store(None, memo=dict(job.memo), files=dict(job.files)) if own else store
    assert local is not None
    run = _Run(ctx, job, local, probe=False)
    _stages(run)
    result = run.result
    if not (result.failed or result.questions or result.notices):
        with contextlib.suppress(_NeedMemory):  # the next run asks the memory anyway
            probe(ctx, Job(job.name, job.source), local, remember=True)
    if own:
        result.memo = dict(local._new_memo)
        result.files = dict(local._new_files)
    return result


def probe(ctx: Context, job: Job, store: cache.Store, *,
          remember: bool = False) -> JobResult | None:
    """The job's result from the cache alone, or None if some stage has work to do.

    One entry of the cache answers for the whole job when none of its inputs changed;
    otherwise each step is looked up. With ``remember``, a job found whole this way is
    recorded as one entry. Raises :class:`_NeedMemory` when the answer depends on a memory
    not built yet.
    """
    run = _Run(ctx, job, store, probe=True)
    key = _job_key(run)
    found = _whole_job(run, key)
    if found is not None:
        return found
    try:
        _stages(run)
    except _Miss:
        return None
    if remember:
        run.remember(f"job:{run.name}", key, {
            "result": _dump(run.result), "files": run.seen_files, "queries": run.seen_queries})
    return run.result


def _job_key(run: _Run) -> str:
    """A hash of everything the job reads: code, configuration, plan and files."""
    config, plan, source = run.config, run.plan, run.job.source
    inputs = [run.input_hash(str(source.path)) if source is not None else None,
              run.input_hash(run.template_path),
              [run.input_hash(run.catalogue_path(loc)) for loc in config.locales]]
    if plan.checks:
        inputs.append(run.input_hash(str(config.content_path / f"{run.name}.md")))
    gate = plan.gate or Gate()
    return cache.key("job", run.ctx.fingerprint, [
        plan.extract, plan.update, plan.compile, plan.render, plan.coverage, plan.checks,
        plan.dry_run, plan.memory, plan.messages, plan.publish,
        _selection_key(plan.selection),
        [gate.min_coverage, sorted(gate.locales.items()), gate.unit.value, gate.required],
    ], inputs)


def _whole_job(run: _Run, key: str) -> JobResult | None:
    """The job's result from its one entry, if nothing it reads or wrote has changed."""
    found = run.store.lookup(f"job:{run.name}")
    if found is None or found[0] != key or run.plan.messages:
        return None
    value = json.loads(found[1])
    if any(run.output_hash(name) != digest for name, digest in value["files"]):
        return None
    if not run.answered(value["queries"]):
        return None
    return _load(run.name, value["result"])


def _rows(report: fs.Report) -> list[list[object]]:
    return [[r.path, r.status.value, dict(r.details)] for r in report.files]


def _report(rows: Iterable[Sequence[Any]]) -> fs.Report:
    return fs.Report(files=[FileResult(path, FileStatus(status), details)
                            for path, status, details in rows])


def _coverage_data(cov: Coverage) -> list[object]:
    return [cov.path, cov.article, cov.locale, _counts(cov.entries), _counts(cov.words)]


def _coverage_from(value: Sequence[Any]) -> Coverage:
    path, article, locale, entries, words = value
    return Coverage(path, article, locale, Counts(*entries), Counts(*words))


def _dump(result: JobResult) -> dict[str, object]:
    """A job's result as JSON data (a result without problems: no errors, no notices)."""
    return {
        "extract": _rows(result.extract),
        "update": {loc: _rows(report) for loc, report in result.update.items()},
        "compile": _rows(result.compile),
        "render": _rows(result.render),
        "rendered": result.rendered,
        "verdicts": [[v.article, v.path, v.locale, v.publish, list(v.reasons), v.fallback]
                     for v in result.verdicts],
        "summaries": {loc: _summary_to(s) for loc, s in result.summaries.items()},
        "withheld": _issues_to(result.withheld),
        "coverage": [_coverage_data(c) for c in result.coverage],
        "checked": [[_coverage_data(c.coverage), str(c.threshold),
                     [[i.check, i.severity.value, i.line, i.message] for i in c.issues],
                     _gaps_to(c.gaps)]
                    for c in result.checked],
        "article_issues": [[i.check, i.severity.value, i.path, i.line, i.message]
                           for i in result.article_issues],
    }


def _load(name: str, value: Mapping[str, Any]) -> JobResult:
    result = JobResult(name)
    result.extract = _report(value["extract"])
    result.update = {loc: _report(rows) for loc, rows in value["update"].items()}
    result.compile = _report(value["compile"])
    result.render = _report(value["render"])
    result.rendered = value["rendered"]
    result.verdicts = [Verdict(article, path, locale, published, tuple(reasons), fallback)
                       for article, path, locale, published, reasons, fallback
                       in value["verdicts"]]
    result.summaries = {loc: _summary_from(s) for loc, s in value["summaries"].items()}
    result.withheld = _issues_from(value.get("withheld", []))
    result.coverage = [_coverage_from(c) for c in value["coverage"]]
    for cov, threshold, issues, missing in value["checked"]:
        coverage = _coverage_from(cov)
        result.checked.append(CatalogueReport(
            coverage, Catalogue(coverage.path, coverage.locale, ()), Fraction(threshold),
            tuple(Issue(c, Severity(s), coverage.path, line, m) for c, s, line, m in issues),
            _gaps_from(missing)))
    result.article_issues = [Issue(c, Severity(s), path, line, m)
                             for c, s, path, line, m in value.get("article_issues", [])]
    return result


# -- many jobs ----------------------------------------------------------------------------

_CONTEXT: Context | None = None


def _init_worker(ctx: Context) -> None:
    global _CONTEXT
    _CONTEXT = ctx
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the run


def _work(job: Job) -> JobResult:
    assert _CONTEXT is not None
    return run_job(_CONTEXT, job)


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


_PARALLEL_MIN = 8
"""Fewer jobs than this run in this process: starting workers would cost more."""


def _dispatch(ctx: Context, jobs: Sequence[Job], store: cache.Store, workers: int,
              done: Callable[[JobResult], None],
              ask: Callable[[Question], Answer | _Later] | None = None
              ) -> Iterator[JobResult]:
    """Run jobs, in parallel when it pays, yielding results in the order of ``jobs``.

    Jobs run here may ``ask`` the memory directly; workers put such a merge aside.
    """
    if workers <= 1 or len(jobs) < _PARALLEL_MIN:
        ctx.ask = ask
        try:
            for job in jobs:
                result = run_job(ctx, job, store)
                _keep_indexed(store, result)
                done(result)
                yield result
        finally:
            ctx.ask = None
        return
    chunk = max(1, min(16, len(jobs) // (workers * 4)))
    shipped = (_for_worker(ctx.config, store, job) for job in jobs)
    with _pool(min(workers, len(jobs)), initializer=_init_worker, initargs=(ctx,)) as pool:
        for result in pool.imap(_work, shipped, chunksize=chunk):
            for slot, (key, value) in result.memo.items():
                store.record(slot, key, value)
            for name, (sig, digest) in result.files.items():
                store.record_file(name, sig, digest)
            result.memo, result.files = {}, {}  # the store has them: keep one copy
            _keep_indexed(store, result)
            done(result)
            yield result


def _keep_indexed(store: cache.Store, result: JobResult) -> None:
    for digest, packed in result.indexed:
        store.record_indexed(digest, packed)
    result.indexed = []


@contextlib.contextmanager
def _pool(workers: int, initializer: Callable[..., object] | None = None,
          initargs: tuple[object, ...] = (), *, fresh: bool = False
          ) -> Iterator[multiprocessing.pool.Pool]:
    """Worker processes: forked where the system can, which starts them at once, or
    ``fresh`` (new interpreters, from a fork server) when the parent has grown large: a
    forked worker's allocations land in the parent's half-used memory pages and copy them
    (at 10,000 articles, over a hundred megabytes per worker)."""
    methods = multiprocessing.get_all_start_methods()
    if fresh:
        method = "forkserver" if "forkserver" in methods else "spawn"
    else:
        method = "fork" if "fork" in methods else "spawn"
    with multiprocessing.get_context(method).Pool(workers, initializer=initializer,
                                                  initargs=initargs) as pool:
        yield pool


@dataclass
class Outcome:
    """Every job's result, in order, and the cache they were checked against."""

    results: list[JobResult]
    store: cache.Store
    sources: list[SourceFile]
    problems: list[ContentError]
    catalogues: dict[str, list[tuple[str, Path]]]
    """Catalogues on disk before the run, by locale: (name, path), sorted by path."""
    ran: list[str] = field(default_factory=list)
    """The jobs that had work to do (the others came whole from the cache), in order."""
    config: Config | None = None
    workers: int = 1
    orphans: dict[str, list[Path]] = field(default_factory=dict)
    """Templates and catalogues whose article is gone, by its name (no job works on them)."""

    @property
    def failed(self) -> bool:
        return bool(self.problems) or any(r.failed for r in self.results)

    def save(self, plan: Plan) -> None:
        """Write what the run learnt into the cache.

        After an update, the translation memory in the cache is brought up to the
        catalogues as they are now: the versions the jobs indexed are stored, any other it
        does not hold is read and indexed (by the workers when there are many), and those
        gone are dropped.
        """
        if not (plan.update and plan.memory and self.config is not None):
            self.store.save()
            return
        live: dict[str, Path] = {}
        for found in _catalogue_files(self.config).values():
            for _, path in found:
                # By signature: a file unchanged since locpipe wrote or last read it is not
                # read again (the catalogues of a large project are tens of megabytes).
                digest = self.store.file_hash(path, fs.display(self.config, path))
                if digest is not None:
                    live.setdefault(digest, path)
        missing = [(d, str(p)) for d, p in live.items() if not self.store.has_items(d)]
        self.store.save(live_items=set(live), more_items=_read_items(missing, self.workers))


def _items_of(entry: tuple[str, str]) -> tuple[str, cache.Indexed | None]:
    digest, path = entry
    try:
        po = catalog.parse_catalog(Path(path).read_text(encoding="utf-8"), path)
    except (OSError, UnicodeDecodeError, LocpipeError):
        return digest, None
    return digest, cache.index_items(memory.catalogue_items(po))


def _read_items(missing: Sequence[tuple[str, str]], workers: int
                ) -> Iterator[tuple[str, cache.Indexed]]:
    """The memory items of these catalogue files, ready for the index, as they come: in
    worker processes when there are many, so that neither time nor memory grows with all
    of them at once."""
    if workers <= 1 or len(missing) < 4 * _PARALLEL_MIN:
        found: Iterable[tuple[str, cache.Indexed | None]] = map(_items_of, missing)
        yield from ((d, items) for d, items in found if items is not None)
        return
    with _pool(workers, fresh=True) as pool:
        batch = 64 * workers  # the workers run ahead of the writer: wait for it every batch
        for start in range(0, len(missing), batch):
            for digest, items in pool.map(_items_of, missing[start : start + batch],
                                          chunksize=8):
                if items is not None:
                    yield digest, items


def _catalogue_files(config: Config) -> dict[str, list[tuple[str, Path]]]:
    found: dict[str, list[tuple[str, Path]]] = {}
    for locale in config.locales:
        folder = config.locales_path / locale / "LC_MESSAGES"
        found[locale] = fs.named_below(folder, ".po") if folder.is_dir() else []
    return found


def _slots(config: Config, name: str) -> list[str]:
    slots = [f"{kind}:{name}" for kind in ("job", "extract", "update", "render")]
    slots += [f"{kind}:{name}:{loc}" for kind in ("compile", "coverage", "checks")
              for loc in config.locales]
    return slots


def _owned_files(config: Config, name: str) -> list[str]:
    """Display paths of the files a job writes and checks by signature."""
    names = [fs.display(config, config.template_path(name))]
    output = fs.display(config, config.output_path)
    for locale in config.locales:
        names.append(fs.display(config, config.catalog_path(name, locale).with_suffix(".mo")))
        for suffix in (".md", ".html"):
            names.append(f"{output}/"
                         f"{site.output_file(name, locale, suffix, config.output_layout)}")
    return names


def _for_worker(config: Config, store: cache.Store, job: Job) -> Job:
    """The job with what the cache knows of its steps and files, for another process."""
    memo = {s: store.memo[s] for s in _slots(config, job.name) if s in store.memo}
    files = {f: store.files[f] for f in _owned_files(config, job.name) if f in store.files}
    return Job(job.name, job.source, memo, files, job.skip_extract)


def _names(config: Config, plan: Plan, sources: Sequence[SourceFile],
           catalogues: Mapping[str, list[tuple[str, Path]]]) -> dict[str, SourceFile | None]:
    """Every job of the plan by name, with its article when the stages read articles."""
    names: dict[str, SourceFile | None] = {}
    if plan.articles:
        names.update((s.name, s) for s in sources)
    if plan.update:
        for name, _ in fs.templates_on_disk(config):
            names.setdefault(name, None)
    if plan.compile or plan.coverage or plan.checks:
        for found in catalogues.values():
            for name, _ in found:
                names.setdefault(name, None)
    return {name: names[name] for name in sorted(names)}


def run(
    config: Config,
    plan: Plan,
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Take every article, template and catalogue of the project through the plan.

    Each job is first checked against the cache here; those with work to do go to
    ``jobs`` worker processes (all cores by default), and those whose update needed a
    memory not built yet run again once it is.
    """
    store = cache.Store.open(config.root)
    sources, problems = find_articles(config) if plan.articles else ([], [])
    catalogues = _catalogue_files(config)
    orphans = find_orphans(config, catalogues)
    names = {name: source for name, source in _names(config, plan, sources, catalogues).items()
             if name not in orphans}  # what they hold is reported, not worked on
    ctx = Context(config, plan, _fingerprint(config),
                  empty=frozenset(loc for loc, found in catalogues.items() if not found),
                  items_known=frozenset(store.items_known),
                  orphans=_orphan_catalogues(config, orphans))
    tally = _Tally(len(names), progress)
    results: dict[str, JobResult] = {}
    todo: list[Job] = []
    for name, source in names.items():
        job = Job(name, source)
        try:
            found = probe(ctx, job, store)
        except _NeedMemory as e:
            found = None
            opened = {loc: _indexed(ctx, store, catalogues, {}, loc) for loc in e.locales}
            if all(opened.values()):  # else: the job runs, and asks the memory itself
                ctx.recall.update({loc: lookup for loc, lookup in opened.items() if lookup})
                found = probe(ctx, job, store)
        if found is None:
            todo.append(job)
        else:
            results[name] = found
            tally(found)
    workers = default_jobs() if jobs is None else jobs
    asker = _Asker(ctx, store, catalogues, results)
    for result in _dispatch(ctx, todo, store, workers, tally, asker):
        results[result.name] = result
    waiting = [name for name in names if results[name].questions]
    if waiting:
        _answer_all(ctx, store, catalogues, results,
                    [q for name in waiting for q in results[name].questions], workers)
        again = [Job(n, names[n], skip_extract=True) for n in waiting]
        for result in _dispatch(ctx, again, store, workers, tally):
            first = results[result.name]
            result.extract, result.items = first.extract, first.items
            results[result.name] = result
    for lookup in ctx.recall.values():
        _close(lookup)
    ctx.recall.clear()
    for result in results.values():
        result.items = {}  # the memory as it was before the run has answered everything
    ordered = [results[name] for name in names]
    return Outcome(ordered, store, list(sources), list(problems), catalogues,
                   [job.name for job in todo], config, workers, orphans)


def _orphan_catalogues(config: Config, orphans: Mapping[str, Sequence[Path]]
                       ) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for paths in orphans.values():
        for path in paths:
            if path.suffix == ".po":
                locale = path.relative_to(config.locales_path).parts[0]
                found.setdefault(locale, []).append((fs.display(config, path), str(path)))
    return found


class _Tally:
    """Count finished jobs for the progress bar (a job put aside counts when it is done)."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = total, 0, progress
        if progress is not None:
            progress(0, total)

    def __call__(self, result: JobResult) -> None:
        if result.questions:
            return
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


def _fingerprint(config: Config) -> str:
    """What every step's key starts from: the code, the configuration and the user's HTML
    templates. Not where the project is: a fresh checkout elsewhere (a CI runner, a second
    clone, a renamed folder) keeps its cache, every path the cache holds being relative."""
    template_dir = config.root / config.template_dir if config.template_dir else None
    settings = {f.name: getattr(config, f.name) for f in fields(config) if f.name != "root"}
    return cache.key(cache.code_version(), repr(settings), cache.folder_version(template_dir))


class _Asker:
    """Answers questions one by one as jobs run in this process, from each locale's memory
    before the run, queried in the cache's index; without one, the question waits (and is
    answered with all the others of the run)."""

    def __init__(self, ctx: Context, store: cache.Store,
                 catalogues: Mapping[str, list[tuple[str, Path]]],
                 results: Mapping[str, JobResult]) -> None:
        self.ctx, self.store, self.catalogues, self.results = ctx, store, catalogues, results
        self.near: dict[str, int] = defaultdict(int)
        self.unavailable: set[str] = set()

    def __call__(self, question: Question) -> Answer | _Later:
        locale, msgid, msgctxt, exclude, near = question
        self.near[locale] += near
        lookup = self.ctx.recall.get(locale)
        if self.near[locale] > _BULK and not isinstance(lookup, memory.Memory):
            _close(lookup)
            lookup = self.ctx.recall[locale] = _whole(self.ctx, self.store, self.catalogues,
                                                      self.results, locale)
        if lookup is None and locale not in self.unavailable:
            lookup = _indexed(self.ctx, self.store, self.catalogues, self.results, locale)
            if lookup is None:
                self.unavailable.add(locale)
            else:
                self.ctx.recall[locale] = lookup
        if lookup is None:
            return LATER
        return _answer(lookup.suggest(msgid, msgctxt, exclude=exclude, near=near))


class _Later:
    """No answer yet: the merge is put aside and run again when the run has all of them."""


LATER = _Later()
_BULK = 64
"""With more near-match questions than this, a locale's memory is loaded whole and indexed
in memory; with fewer, each question reads only its candidates."""


def _answer_all(ctx: Context, store: cache.Store,
                catalogues: Mapping[str, list[tuple[str, Path]]],
                results: Mapping[str, JobResult], questions: Sequence[Question],
                workers: int = 1) -> None:
    """Answer the questions the updates left, from each locale's memory before the run.

    In the cache's index if there is one; otherwise from the catalogues read once more,
    keeping only what may answer these questions (or all of it, for many near matches).
    """
    by_locale: dict[str, list[Question]] = defaultdict(list)
    for question in dict.fromkeys(questions):
        by_locale[question[0]].append(question)
    for locale, asked in sorted(by_locale.items()):
        many = sum(1 for q in asked if q[4]) > _BULK
        lookup = ctx.recall.get(locale)
        if many and not isinstance(lookup, memory.Memory):
            lookup = None
        if lookup is None and not many:
            lookup = _indexed(ctx, store, catalogues, results, locale)
            if lookup is not None:
                ctx.recall[locale] = lookup
        if lookup is None:
            lookup = (_whole(ctx, store, catalogues, results, locale, workers) if many else
                      _sparse(ctx, store, catalogues, results, locale, asked, workers))
        for question in asked:
            _, msgid, msgctxt, exclude, is_near = question
            ctx.answers[question] = _answer(lookup.suggest(msgid, msgctxt, exclude=exclude,
                                                           near=is_near))


def _versions(ctx: Context, catalogues: Mapping[str, list[tuple[str, Path]]],
              results: Mapping[str, JobResult], locale: str
              ) -> Iterator[tuple[str, Path, str, bytes | None]]:
    """Each catalogue of a locale as it was before the run, in path order: its name, path
    and hash, and its items if a job replaced it since (a job writes a catalogue only after
    reading it; any other catalogue is as it was)."""
    for name, path in catalogues.get(locale, []):
        result = results.get(name)
        if result is not None and locale in result.items:
            digest, packed = result.items[locale]
            yield name, path, digest, packed
            continue
        known = ctx.seen.get(str(path))
        if known is None:
            try:
                known = cache.digest(path.read_bytes())
            except OSError:
                continue  # unreadable: the update reports it
        yield name, path, known, None


def _items_before(config: Config, path: Path, packed: bytes | None) -> Items | None:
    """The memory items of a catalogue as it was before the run: from the bytes a job kept
    when it replaced the file, or else from the file."""
    if packed is None:
        return _parse_items(config, path)
    try:
        po = catalog.parse_catalog(zlib.decompress(packed).decode("utf-8"),
                                   fs.display(config, path))
    except (UnicodeDecodeError, LocpipeError):
        return None
    return memory.catalogue_items(po)


def _indexed(ctx: Context, store: cache.Store,
             catalogues: Mapping[str, list[tuple[str, Path]]],
             results: Mapping[str, JobResult], locale: str) -> memory.IndexedMemory | None:
    """The memory as the cache's index holds it, with the few catalogues it does not hold
    yet added; None if there is no index, or it lacks too many."""
    entries = list(_versions(ctx, catalogues, results, locale))
    unknown = {rank for rank, (_, _, digest, _) in enumerate(entries)
               if digest not in store.items_known}
    if not store.has_index or len(unknown) > cache.EXTRA:
        return None
    live: list[tuple[str, str]] = []
    extra: dict[int, tuple[str, Items]] = {}
    for rank, (name, path, digest, packed) in enumerate(entries):
        if rank in unknown:
            items = _items_before(ctx.config, path, packed)
            if items is None:
                continue  # unreadable: not in the memory
            extra[len(live)] = (name, items)
        live.append((name, digest))
    rows = store.rows(live, extra=extra)
    return None if rows is None else memory.IndexedMemory(rows)


def _loaded(ctx: Context, store: cache.Store,
            catalogues: Mapping[str, list[tuple[str, Path]]],
            results: Mapping[str, JobResult], locale: str, *,
            wanted: Sequence[tuple[str, bool]] | None = None, workers: int = 1
            ) -> Iterator[tuple[str, Items]]:
    """The items of each catalogue of a locale before the run, a few catalogues at a time;
    with ``wanted`` (questions as ``(msgid, near)``), only those that may answer them (see
    :func:`memory.may_match`).

    The catalogues the cache does not hold are read and parsed by ``workers`` processes
    when there are many (after an update that changed most of them, that is all of them).
    """
    entries = list(_versions(ctx, catalogues, results, locale))
    keep = memory.may_match(wanted) if wanted is not None else None
    with contextlib.ExitStack() as stack:
        pool = None
        if workers > 1 and len(entries) >= 4 * _PARALLEL_MIN:
            pool = stack.enter_context(_pool(workers, initializer=_init_reader,
                                             initargs=(ctx.config, wanted), fresh=True))
        for start in range(0, len(entries), 256):
            chunk = entries[start : start + 256]
            stored = store.items(d for _, _, d, packed in chunk
                                 if packed is None and d in store.items_known)
            todo = [(path, packed) for _, path, digest, packed in chunk
                     if packed is not None or digest not in stored]
            if pool is not None:
                read = iter(pool.map(_read_before, todo, chunksize=8))
            else:
                read = (_kept(_items_before(ctx.config, path, packed), keep)
                        for path, packed in todo)
            for name, _, digest, packed in chunk:
                if packed is None and digest in stored:
                    items: Items | None = _kept(stored[digest], keep)
                else:
                    items = next(read)
                if items is not None:
                    yield name, items


def _kept(items: Items | None, keep: Callable[[str], bool] | None) -> Items | None:
    if items is None or keep is None:
        return items
    return [item for item in items if keep(item[0])]


_READER: tuple[Config, Callable[[str], bool] | None] | None = None


def _init_reader(config: Config, wanted: Sequence[tuple[str, bool]] | None) -> None:
    global _READER
    _READER = (config, memory.may_match(wanted) if wanted is not None else None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the run


def _read_before(entry: tuple[Path, bytes | None]) -> Items | None:
    assert _READER is not None
    config, keep = _READER
    return _kept(_items_before(config, *entry), keep)


def _whole(ctx: Context, store: cache.Store,
           catalogues: Mapping[str, list[tuple[str, Path]]],
           results: Mapping[str, JobResult], locale: str, workers: int = 1) -> memory.Memory:
    """The whole memory of a locale, loaded: for many near matches."""
    return memory.Memory.from_items(
        _loaded(ctx, store, catalogues, results, locale, workers=workers))


def _sparse(ctx: Context, store: cache.Store,
            catalogues: Mapping[str, list[tuple[str, Path]]],
            results: Mapping[str, JobResult], locale: str, questions: Sequence[Question],
            workers: int = 1) -> memory.Memory:
    """The part of the memory that can answer these questions, as the whole would.

    The catalogues are read one by one, keeping the items of the same text as a question
    and, for a near match, those that may match it (see :func:`memory.may_match`). Every
    item of a kept text is kept, in the memory's order, so the answers are the whole
    memory's.
    """
    return memory.Memory.from_items(_loaded(
        ctx, store, catalogues, results, locale, wanted=[(q[1], q[4]) for q in questions],
        workers=workers))


def _close(lookup: Lookup | None) -> None:
    if isinstance(lookup, memory.IndexedMemory):
        lookup.close()


def _parse_items(config: Config, path: Path) -> Items | None:
    try:
        po = catalog.parse_catalog(path.read_text(encoding="utf-8"), fs.display(config, path))
    except (OSError, UnicodeDecodeError, LocpipeError):
        return None
    return memory.catalogue_items(po)


# -- the site's index pages ---------------------------------------------------------------


def index_pages(config: Config, store: cache.Store, listed: Mapping[str, list[Summary]],
                report: fs.Report) -> None:
    """Write every locale's index page and the root page, unless they are as last written."""
    key = cache.key("index", _fingerprint(config),
                    {loc: [_summary_to(s) for s in found] for loc, found in listed.items()})
    slot = "index"
    remembered = store.lookup(slot)
    if remembered is not None and remembered[0] == key:
        written = json.loads(remembered[1])["files"]
        if all(store.file_hash(config.root / name, name) == digest for name, digest in written):
            report.files.extend(FileResult(name, FileStatus.UNCHANGED) for name, _ in written)
            return
    indexes = {loc: site.index_file(loc, config.output_layout) for loc in config.locales}
    pages = site.Site.from_config(config)
    run = _Run(Context(config, Plan(), ""), Job("", None), store, probe=False)
    errors = len(report.errors)
    files: list[list[str]] = []
    for locale, summaries in listed.items():
        page = site.index_page(pages, summaries, locale=locale, files=indexes)
        try:
            path = fs.confined(config, indexes[locale])
        except LocpipeError as e:
            report.errors.append(e)
            continue
        if run.write(report, path, page.encode("utf-8")) is not FileStatus.FAILED:
            files.append([fs.display(config, path), cache.digest(page.encode("utf-8"))])
    root = site.root_page(pages, files=indexes).encode("utf-8")
    path = fs.confined(config, site.ROOT_INDEX)
    if run.write(report, path, root) is not FileStatus.FAILED:
        files.append([fs.display(config, path), cache.digest(root)])
    if len(report.errors) == errors:
        store.record(slot, key, json.dumps({"files": files}, separators=(",", ":")))
