"""One function per command; the one place that reads and writes files.

Every function returns a report instead of printing, keeps going past a broken article
(its error goes into the report), and writes a file only when its content changed,
atomically, so an interrupted run leaves each file either old or new.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from . import cache, lazy, stages
from .config import (
    Config,
    Outdated,
    OutputFormat,
    OutputLayout,
    PruneKind,
    PrunePolicy,
    PublishPolicy,
    find_project,
    table_line,
)
from .coverage import (
    CatalogueReport,
    CheckReport,
    Gate,
    gaps,
    gate_issue,
    message_counts,
    required_issues,
)
from .discover import SourceFile, find_articles, find_assets, find_orphans
from .errors import CatalogError, ConfigError, ContentError, EngineError, LocpipeError
from .files import Report as Report
from .files import confined as _confined
from .files import display as _display
from .files import read_text as _read_text
from .files import remove as fs_remove
from .files import templates_on_disk
from .files import write_file as write_file
from .lock import LOCK_NAME, project_lock
from .model import (
    Article,
    Catalogue,
    Coverage,
    CoverageUnit,
    EntryState,
    FileResult,
    FileStatus,
    Issue,
    Key,
    Severity,
    Summary,
    Verdict,
)

if TYPE_CHECKING:
    from . import catalog, checks, links, render, segment, site
    from . import merge as merging
    from . import pseudo as pseudo_locale
    from . import report as html_report
    from .mt import Engine, EngineConfig, Result
else:  # loaded when first used: a build with nothing to do needs none of them
    catalog, checks, links, pseudo_locale, render, segment, site, merging, html_report = (
        lazy.load(f"locpipe.{name}") for name in (
            "catalog", "checks", "links", "pseudo", "render", "segment", "site", "merge",
            "report"))


# -- files --------------------------------------------------------------------------------


def _guarded_write(
    config: Config, report: Report, path: Path, content: str | bytes, **details: int
) -> None:
    display = _display(config, path)
    try:
        status = write_file(path, content, dry_run=bool(details.pop("dry_run", 0)))
    except OSError as e:
        report.errors.append(LocpipeError(f"cannot write: {e.strerror}; nothing was changed",
                                          display))
        report.files.append(FileResult(display, FileStatus.FAILED))
        return
    report.files.append(FileResult(display, status, details))


@contextmanager
def _writing(config: Config, *, dry_run: bool = False) -> Iterator[None]:
    """Hold the project lock while a command writes under the locales folder."""
    if dry_run:
        yield
        return
    lock = config.locales_path / LOCK_NAME
    with project_lock(config.locales_path, display=_display(config, lock)):
        yield


# -- articles -----------------------------------------------------------------------------


def read_article(config: Config, source: SourceFile) -> Article:
    """Read and segment one article; raise ContentError naming the file and line."""
    try:
        data = source.path.read_bytes()
    except OSError as e:
        raise ContentError(f"cannot read: {e.strerror}", source.display) from e
    text, bom = segment.decode(data, source.display)
    return segment.parse_article(
        text,
        name=source.name,
        path=source.display,
        default_lang=config.source_locale,
        front_matter_keys=config.front_matter_keys,
        bom=bom,
        front_matter=config.front_matter_for(source.name),
    )


def load_articles(config: Config, report: Report) -> list[Article]:
    """Read every article; the broken ones go into the report and the rest carry on."""
    articles = []
    sources, problems = find_articles(config)
    for problem in problems:
        report.errors.append(problem)
        report.files.append(FileResult(str(problem.path), FileStatus.FAILED))
    for source in sources:
        try:
            articles.append(read_article(config, source))
        except LocpipeError as e:
            report.errors.append(e)
            report.files.append(FileResult(source.display, FileStatus.FAILED))
    return articles


# -- extract ------------------------------------------------------------------------------


def extract(
    config: Config, *, dry_run: bool = False, jobs: int | None = None,
    progress: stages.Progress | None = None,
) -> Report:
    """Write a template for every article; keep its date unless its entries changed."""
    plan = stages.Plan(extract=True, dry_run=dry_run, record=not dry_run)
    with _writing(config, dry_run=dry_run):
        outcome = stages.run(config, plan, jobs=jobs, progress=progress)
    report = Report()
    _problems(report, outcome)
    for result in outcome.results:
        report.extend(result.extract)
    _orphans(config, outcome, report, ".pot")
    _remember(outcome, plan, report)
    return report


ORPHAN_CHECK = "orphaned"
NO_ARTICLES_CHECK = "no-articles"


ARTICLE_LINKS_CHECK = "article-links"


def _broken_article_links(config: Config) -> list[Issue]:
    """An error for every link to an article (``other.md``) that does not exist."""
    sources = find_articles(config)[0]
    names = {source.name for source in sources}
    issues = []
    for source in sources:
        try:
            if b".md" not in source.path.read_bytes():
                continue
            article = read_article(config, source)
        except (OSError, LocpipeError):
            continue  # reported by the steps that read it
        for line, destination, target in links.links(article):
            if target not in names:
                issues.append(Issue(
                    ARTICLE_LINKS_CHECK, Severity.ERROR, source.display, line,
                    f"the link to {destination} leads to {config.content_dir}/{target}.md, "
                    "which does not exist: correct the path (relative to this article) or "
                    "restore the article"))
    return issues


def _no_articles(config: Config) -> str:
    return (f"no articles yet: put Markdown files (<name>.md) in {config.content_dir}/, or "
            f"set content_dir in {config.source or 'the configuration'} if they are elsewhere")


def orphan_message(config: Config, name: str) -> str:
    """What to do about the files of an article that is gone."""
    return (f"its article {config.content_dir}/{name}.md does not exist; if it was "
            "renamed or moved, 'locpipe build' fills the new article's catalogues from this "
            "one, then run 'locpipe prune --orphans' to remove the files left behind")


def _orphans(config: Config, outcome: stages.Outcome, report: Report, *suffixes: str) -> None:
    """Report the templates or catalogues whose article is gone, and say once per article
    what to do; ``--check`` fails on them."""
    for name, paths in outcome.orphans.items():
        shown = [p for p in paths if p.suffix in suffixes]
        report.files.extend(FileResult(_display(config, p), FileStatus.ORPHANED) for p in shown)
        if shown:
            report.notices.append(LocpipeError(
                f"{len(shown)} file(s) of this article are left (orphaned): if it was renamed "
                "or moved, 'locpipe build' fills the new article's catalogues from them; "
                "'locpipe prune --orphans' removes them",
                f"{config.content_dir}/{name}.md"))
def _once(errors: Sequence[LocpipeError]) -> list[LocpipeError]:
    """Each error once, in the order first met: every step that reads a broken file meets
    its error, and the user needs to read it once."""
    seen: set[tuple[type, str]] = set()
    kept = []
    for error in errors:
        key = (type(error), str(error))
        if key not in seen:
            seen.add(key)
            kept.append(error)
    return kept


def _problems(report: Report, outcome: stages.Outcome) -> None:
    """Files below the content folder that cannot be articles, as ``load_articles`` says."""
    for problem in outcome.problems:
        report.errors.append(problem)
        report.files.append(FileResult(str(problem.path), FileStatus.FAILED))


def _remember(outcome: stages.Outcome, plan: stages.Plan, *reports: Report) -> None:
    """Save what the run learnt in the cache, unless it may not or met an error."""
    if plan.record and not any(r.errors for r in reports):
        outcome.save(plan)


def _parse_quietly(text: str | None) -> polib.POFile | None:
    try:
        return None if text is None else polib.pofile(text)
    except (OSError, ValueError):
        return None


# -- update -------------------------------------------------------------------------------


def update(
    config: Config, *, dry_run: bool = False, memory: bool = True, jobs: int | None = None,
    progress: stages.Progress | None = None,
) -> Report:
    """Merge every template into its catalogues, creating the missing ones.

    Locale by locale, every catalogue of the locale as it was before the run serves, with
    ``memory``, as translation memory for the others.
    """
    plan = stages.Plan(update=True, dry_run=dry_run, memory=memory, record=not dry_run)
    with _writing(config, dry_run=dry_run):
        outcome = stages.run(config, plan, jobs=jobs, progress=progress)
    report = _update_report(config, outcome)
    _orphans(config, outcome, report, ".po")
    _remember(outcome, plan, report)
    return report


def _update_report(config: Config, outcome: stages.Outcome) -> Report:
    """Template errors first, then every catalogue, locale by locale."""
    report = Report()
    for result in outcome.results:
        report.errors.extend(result.template_errors)
    for locale in config.locales:
        for result in outcome.results:
            if locale in result.update:
                report.extend(result.update[locale])
    return report


def _source_lang(config: Config, template: polib.POFile) -> str:
    return str(template.metadata.get("X-Source-Language") or config.source_locale)


# -- prune --------------------------------------------------------------------------------


def prune(config: Config, *, dry_run: bool = False, policy: PrunePolicy | None = None) -> Report:
    """Drop obsolete entries from every catalogue as the prune policy says."""
    policy = config.prune if policy is None else policy
    report = Report()
    if policy.kind is PruneKind.KEEP:
        return report
    with _writing(config, dry_run=dry_run):
        for _name, _locale, path in _catalogs(config):
            display = _display(config, path)
            try:
                po = catalog.read_catalog(path, display)
            except LocpipeError as e:
                report.errors.append(e)
                report.files.append(FileResult(display, FileStatus.FAILED))
                continue
            dropped, dated = merging.prune(po, policy, today=catalog.today())
            if not (dropped or dated):
                report.files.append(FileResult(display, FileStatus.UNCHANGED))
                continue
            wrap = _wrap_of(config, _read_text(path))
            _guarded_write(config, report, path, catalog.dumps(po, wrap=wrap),
                           dry_run=int(dry_run), dropped=dropped, dated=dated)
    return report


def prune_orphans(config: Config, *, dry_run: bool = False) -> Report:
    """Remove the templates, catalogues and ``.mo`` files whose article is gone.

    Folders they leave empty below the templates and ``LC_MESSAGES`` folders go too.
    """
    report = Report()
    with _writing(config, dry_run=dry_run):
        for paths in find_orphans(config).values():
            for path in paths:
                display = _display(config, path)
                if not dry_run:
                    try:
                        path.unlink()
                    except FileNotFoundError:
                        continue
                    except OSError as e:
                        report.errors.append(LocpipeError(f"cannot remove: {e.strerror}",
                                                          display))
                        report.files.append(FileResult(display, FileStatus.FAILED))
                        continue
                    _remove_empty_folders(path.parent, stop=config.locales_path,
                                          keep=("templates", "LC_MESSAGES"))
                report.files.append(FileResult(display, FileStatus.REMOVED))
    return report


def _remove_empty_folders(folder: Path, *, stop: Path, keep: Collection[str] = ()) -> None:
    """Remove ``folder`` and its parents while they are empty, up to ``stop`` or a folder
    named in ``keep`` (both kept)."""
    while folder != stop and folder.name not in keep:
        try:
            folder.rmdir()
        except OSError:  # not empty (or not ours to remove)
            return
        folder = folder.parent
def _wrap_of(config: Config, text: str | None) -> bool:
    """Wrap a catalogue's long strings as its file does, or as ``wrap`` says if it cannot
    tell (see :func:`locpipe.poformat.wrapping`)."""
    from .poformat import wrapping

    found = None if text is None else wrapping(text)
    return config.wrap if found is None else found


# -- compile ------------------------------------------------------------------------------


def _catalogs(config: Config) -> list[tuple[str, str, Path]]:
    """Every catalogue on disk as (article name, locale, path), sorted."""
    found = []
    base = config.locales_path
    for locale in config.locales:
        folder = base / locale / "LC_MESSAGES"
        if folder.is_dir():
            for path in folder.rglob("*.po"):
                found.append((path.relative_to(folder).with_suffix("").as_posix(), locale, path))
    return sorted(found)


def compile_catalogs(
    config: Config, *, jobs: int | None = None, progress: stages.Progress | None = None
) -> Report:
    """Write a ``.mo`` beside each catalogue (fuzzy entries left out, as msgfmt does)."""
    plan = stages.Plan(compile=True)
    with _writing(config):
        outcome = stages.run(config, plan, jobs=jobs, progress=progress)
    report = Report()
    for result in outcome.results:
        report.extend(result.compile)
    _remember(outcome, plan, report)
    return report


# -- render -------------------------------------------------------------------------------


@dataclass
class RenderReport(Report):
    """What ``render`` wrote, and the publish decision for every article in every target."""

    decisions: list[Verdict] = field(default_factory=list)
    withheld: list[Issue] = field(default_factory=list)
    """Error-level problems of translations, which were therefore not published (the
    command then exits 1, as ``check`` does on them)."""

    @property
    def skipped(self) -> list[Verdict]:
        return [d for d in self.decisions if d.skipped]


@dataclass
class BuildReport(RenderReport):
    """What ``build`` did, step by step, and the coverage of every catalogue after it."""

    coverage: list[Coverage] = field(default_factory=list)


def render_all(
    config: Config,
    *,
    policy: PublishPolicy | None = None,
    min_coverage: float | None = None,
    outdated: Outdated | None = None,
    show_machine: bool | None = None,
    jobs: int | None = None,
    progress: stages.Progress | None = None,
) -> RenderReport:
    """Write every article in every locale whose publish gate lets it through.

    The options, where given, win over the configuration's publish settings. Files of
    an article that is skipped now but was rendered before are removed, so a stale
    translation is never left published.
    """
    plan = stages.Plan(render=True, publish=(policy, min_coverage, outdated, show_machine))
    outcome = stages.run(config, plan, jobs=jobs, progress=progress)
    report = RenderReport()
    _render_report(config, outcome, report)
    report.errors = _once(report.errors)
    _remember(outcome, plan, report)
    return report


def _render_report(config: Config, outcome: stages.Outcome, report: RenderReport) -> None:
    """Assemble render's report as it always read: the articles that could not be read
    first, then each article's files, the index pages and the assets."""
    written = len(report.files)
    _problems(report, outcome)
    for result in outcome.results:
        report.extend(result.render_load)
    _check_article_tables(config, [r.name for r in outcome.results if r.rendered], report)
    listed: dict[str, list[Summary]] = {locale: [] for locale in config.locales}
    for result in outcome.results:
        report.extend(result.render)
        report.decisions.extend(result.verdicts)
        report.withheld.extend(result.withheld)
        for locale, summary in result.summaries.items():
            listed[locale].append(summary)
    if OutputFormat.HTML in config.output_formats:
        stages.index_pages(config, outcome.store, listed, report)
    _copy_assets(config, report)
    _sweep_outputs(config, outcome.store, report, written)


OUTPUT_RECORD = ".locpipe-outputs.json"
"""The files locpipe wrote into the output folder (path below it -> content hash)."""


def _sweep_outputs(config: Config, store: cache.Store, report: Report, start: int) -> None:
    """Remove what an earlier render wrote and this one did not: the pages of an article
    that was deleted or moved, of a locale or format no longer configured, a copied image
    that is gone. Only files in the record, and only as locpipe left them: a file a person
    put or changed in the output folder stays. A run that met an error removes nothing.
    """
    record = config.output_path / OUTPUT_RECORD
    old = _read_record(record)
    base = _display(config, config.output_path)
    prefix = "" if base == "." else f"{base}/"
    now: dict[str, str] = {}
    for row in report.files[start:]:
        if row.status in (FileStatus.CREATED, FileStatus.UPDATED, FileStatus.UNCHANGED) \
                and row.path.startswith(prefix):
            digest = store.file_hash(config.root / row.path, row.path)
            if digest is not None:
                now[row.path[len(prefix):]] = digest
    for name in sorted(set(old) - set(now)):
        if report.errors:
            now[name] = old[name]  # decided by a run that can read everything
            continue
        try:
            path = _confined(config, name)
        except LocpipeError:
            continue  # a record that leads out of the output folder is not followed
        shown = _display(config, path)
        current = store.file_hash(path, shown) if path.is_file() else None
        if current is None:
            continue
        if current != old[name]:
            report.notices.append(LocpipeError(
                "not removed, though locpipe no longer writes it: it changed since locpipe "
                "wrote it; delete it if it is not wanted", shown))
            continue
        fs_remove(config, report, path)
        _remove_empty_folders(path.parent, stop=config.output_path)
    if now != old and (now or record.exists()):
        text = json.dumps({"files": dict(sorted(now.items()))}, indent=1, ensure_ascii=False)
        try:
            write_file(record, text + "\n")
        except OSError as e:
            report.errors.append(LocpipeError(f"cannot write: {e.strerror}",
                                              _display(config, record)))


def _read_record(path: Path) -> dict[str, str]:
    """The output record; an unreadable one is as none (nothing is then removed)."""
    try:
        files = json.loads(path.read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        return {}
    if not isinstance(files, dict):
        return {}
    return {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str)}


def _copy_assets(config: Config, report: Report) -> None:
    """Put the content folder's other files (images) where the pages' relative links expect."""
    for name, path in find_assets(config):
        if config.output_layout is OutputLayout.SUFFIX:
            targets = [name]
        else:
            targets = [f"{locale}/{name}" for locale in config.locales]
        try:
            data = path.read_bytes()
            for target in targets:
                _guarded_write(config, report, _confined(config, target), data)
        except OSError as e:
            report.errors.append(ContentError(f"cannot read: {e.strerror}",
                                              _display(config, path)))
        except LocpipeError as e:
            report.errors.append(e)


def _check_article_tables(config: Config, names: Collection[str], report: Report) -> None:
    """Every ``[articles."<name>"]`` table must name an article that could be read."""
    for name in config.articles:
        if name not in names:
            prefix = "tool.locpipe." if config.source == "pyproject.toml" else ""
            where = f'{prefix}articles."{name}"'
            line = table_line(config.root / config.source, where) if config.source else None
            report.errors.append(ConfigError(
                f"[{where}] names no article in {config.content_dir}/; "
                "use the file's path below it without .md", config.source, line))


# -- status and check ---------------------------------------------------------------------

STALE_CHECK = "stale"


def _gate(
    config: Config, min_coverage: float | None, unit: CoverageUnit | None,
    required: Sequence[str],
) -> Gate:
    if min_coverage is not None:
        default, locales = Fraction(str(min_coverage)), {}
    else:
        default = Fraction(str(config.min_coverage))
        locales = {k: Fraction(str(v)) for k, v in config.min_coverage_locales.items()}
    return Gate(default, locales, unit or config.coverage_unit,
                tuple(dict.fromkeys([*config.required, *required])))


def load_catalogue(
    path: Path, display: str, *, locale: str = "", definitions: dict[str, str] | None = None
) -> Catalogue:
    """Read a catalogue file into the plain view the checks and reports use."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise CatalogError("not valid UTF-8; save the catalogue as UTF-8", display) from e
    except OSError as e:
        raise CatalogError(f"cannot read: {e.strerror}", display) from e
    po = catalog.parse_catalog(text, display)
    return catalog.to_catalogue(po, text, path=display, locale=locale, definitions=definitions)


_STALE_STEPS = {
    "extract": ("{content}/", "'locpipe extract', then 'locpipe update',"),
    "update": ("its template", "'locpipe update'"),
}


def _stale_issues(config: Config, step: str, report: Report) -> list[Issue]:
    source, command = _STALE_STEPS[step]
    source = source.format(content=config.content_dir)
    issues = []
    for row in report.changed:
        what = "missing" if row.status is FileStatus.CREATED else f"out of date with {source}"
        issues.append(Issue(STALE_CHECK, Severity.ERROR, row.path, None,
                            f"{what}: run {command} and commit the result"))
    return issues


def _stale(config: Config, outcome: stages.Outcome) -> tuple[list[Issue], list[LocpipeError]]:
    extracted = Report()
    _problems(extracted, outcome)
    for result in outcome.results:
        extracted.extend(result.extract)
    updated = _update_report(config, outcome)
    issues = _stale_issues(config, "extract", extracted) + _stale_issues(config, "update",
                                                                         updated)
    return issues, [*extracted.errors, *updated.errors]


def stale_files(config: Config) -> tuple[list[Issue], list[LocpipeError]]:
    """Templates and catalogues that ``extract`` or ``update`` would change, as errors."""
    plan = stages.Plan(extract=True, update=True, dry_run=True, record=False)
    return _stale(config, stages.run(config, plan))


def check(
    config: Config,
    *,
    min_coverage: float | None = None,
    unit: CoverageUnit | None = None,
    required: Sequence[str] = (),
    enable: Sequence[str] = (),
    disable: Sequence[str] = (),
    paths: Sequence[Path] = (),
    run_checks: bool = True,
    stale: bool = True,
    messages: bool = True,
    jobs: int | None = None,
    progress: stages.Progress | None = None,
) -> CheckReport:
    """Measure coverage and run the gates and quality checks on the project's catalogues.

    Given ``paths``, check those catalogues instead (any ``.po`` file, made by locpipe or
    not); the stale-file check then does not apply. Without ``messages``, the catalogues in
    the report carry no messages, and results may come from the cache.
    """
    selection = checks.select(config.checks, enable=enable, disable=disable)
    result = CheckReport(gate=_gate(config, min_coverage, unit, required))
    if paths:
        _check_files(config, paths, result, selection if run_checks else None)
        result.issues.sort(key=lambda i: (i.path, i.line or 0))
        return result
    stale = stale and run_checks
    plan = stages.Plan(extract=stale, update=stale, checks=True, dry_run=True,
                       messages=messages, selection=selection if run_checks else None,
                       gate=result.gate)
    outcome = stages.run(config, plan, jobs=jobs, progress=progress)
    for job in outcome.results:
        result.errors.extend(job.check_errors)
        result.catalogues.extend(job.checked)
        for catalogue in job.checked:
            result.issues.extend(catalogue.issues)
        result.issues.extend(job.article_issues)
    result.issues.extend(
        Issue(ORPHAN_CHECK, Severity.ERROR, _display(config, path), None,
              orphan_message(config, name))
        for name, paths in outcome.orphans.items() for path in paths if path.suffix != ".mo")
    result.issues.extend(_broken_article_links(config))
    if not outcome.results and not find_articles(config)[0]:
        result.issues.append(Issue(NO_ARTICLES_CHECK, Severity.WARNING,
                                   config.content_dir, None, _no_articles(config)))
    if stale:
        stale_issues, errors = _stale(config, outcome)
        result.issues.extend(stale_issues)
        result.errors.extend(errors)
        result.catalogues = [
            replace(c, issues=(*[i for i in stale_issues if i.path == c.coverage.path],
                               *c.issues))
            for c in result.catalogues
        ]
    result.errors = _once(result.errors)
    if not result.errors:
        outcome.save(plan)
    result.issues.sort(key=lambda i: (i.path, i.line or 0))
    return result


def _check_files(config: Config, paths: Sequence[Path], result: CheckReport,
                 selection: checks.Selection | None) -> None:
    """Check the given catalogue files, whoever made them."""
    for path in paths:
        display = _display(config, path.resolve())
        try:
            cat = load_catalogue(path, display)
        except CatalogError as e:
            result.errors.append(e)
            continue
        entries, words = message_counts(cat.messages)
        cov = Coverage(display, path.stem, cat.locale, entries, words)
        below = gate_issue(cov, result.gate)
        issues = [] if below is None else [below]
        issues.extend(required_issues(cat, result.gate.required))
        if selection is not None:
            issues.extend(checks.run_checks(cat, selection))
        issues.sort(key=lambda i: i.line or 0)
        result.catalogues.append(CatalogueReport(
            cov, cat, result.gate.threshold(cat.locale), tuple(issues), gaps(cat.messages)))
        result.issues.extend(issues)


# -- build --------------------------------------------------------------------------------


def build(
    config: Config, *, jobs: int | None = None, progress: stages.Progress | None = None
) -> BuildReport:
    """Extract, update, compile and render every article in one pass, and measure coverage.

    Each article is read once and taken through every step in memory; steps whose inputs
    did not change since the last run are skipped (see :mod:`locpipe.cache`). The report
    lists the files step by step, as the separate commands would.
    """
    plan = stages.Plan(extract=True, update=True, compile=True, render=True, coverage=True)
    with _writing(config):
        outcome = stages.run(config, plan, jobs=jobs, progress=progress)
        report = BuildReport()
        _problems(report, outcome)
        for result in outcome.results:
            report.extend(result.extract)
        report.extend(_update_report(config, outcome))
        for result in outcome.results:
            report.extend(result.compile)
        rendered = RenderReport()
        _render_report(config, outcome, rendered)
        report.extend(rendered)
        report.decisions = rendered.decisions
        report.withheld = rendered.withheld
        report.coverage = [cov for result in outcome.results for cov in result.coverage]
        _orphans(config, outcome, report, ".pot", ".po")
        if not outcome.sources and not outcome.problems:
            report.notices.append(LocpipeError(_no_articles(config), config.content_dir))
        report.errors = _once(report.errors)
        _remember(outcome, plan, report)
    return report


def write_report(config: Config, result: CheckReport, out: Path) -> Report:
    """Write the HTML coverage report (an index and a page per catalogue) into ``out``."""
    written = Report()
    for name, text in html_report.render(result).items():
        _guarded_write(config, written, out / name, text)
    return written


# -- init ---------------------------------------------------------------------------------

CONFIG_TEMPLATE = """\
# locpipe configuration: https://github.com/locpipe/locpipe#configuration
source_locale = "{source}"
locales = [{locales}]
content_dir = "content"
locales_dir = "locales"
output_dir = "build"

# What readers see: these are the defaults, written out to be read and changed.
[publish]
# An article is published in a language once half its words and its title are translated:
# readers never get a page mostly in another language, listed under a foreign title.
policy = "skip"
min_coverage = 50
required = ["title"]
# After a small edit of the source (a typo, a comma: 80% alike), readers keep the previous
# translation, marked outdated for reviewers; after a rewrite, they see the new source.
outdated = "near"
# Unreviewed machine translations are never shown.
show_machine = false
"""


def init(root: Path, *, source_locale: str, locales: Sequence[str]) -> Report:
    """Create ``locpipe.toml`` and the content and locales folders of a new project."""
    report = Report()
    config_path = root / "locpipe.toml"
    found = find_project(root)
    if found == root.resolve():
        report.errors.append(LocpipeError(
            "a locpipe configuration exists already; edit it instead", config_path.name))
        return report
    if found is not None:
        report.errors.append(LocpipeError(
            f"{root.resolve().as_posix()} is inside the locpipe project at {found.as_posix()}; "
            "every command finds that project from here, so there is nothing to initialise "
            "(to start a separate project, run 'locpipe init' in a folder outside it)"))
        return report
    text = CONFIG_TEMPLATE.format(
        source=source_locale, locales=", ".join(f'"{loc}"' for loc in locales)
    )
    report.files.append(FileResult("locpipe.toml", write_file(config_path, text)))
    for folder in ("content", "locales/templates"):
        path = root / folder
        status = FileStatus.UNCHANGED if path.is_dir() else FileStatus.CREATED
        path.mkdir(parents=True, exist_ok=True)
        report.files.append(FileResult(folder + "/", status))
    report.files.append(FileResult(".gitignore", _ignore_generated(root / ".gitignore")))
    return report


GITIGNORE = (
    "/build/",
    "/.locpipe-cache/",
    f"/locales/{LOCK_NAME}",
    "*.mo",
)
"""What locpipe generates, for ``.gitignore``: the output, the cache, the lock file and the
compiled catalogues (remade from the ``.po`` files by every build)."""


def _ignore_generated(path: Path) -> FileStatus:
    """Write ``.gitignore``, or add the lines it lacks to the one there is."""
    old = _read_text(path)
    if old is None:
        return write_file(path, "# generated by locpipe\n" + "".join(f"{line}\n"
                                                                   for line in GITIGNORE))
    present = {line.strip() for line in old.splitlines()}
    missing = [line for line in GITIGNORE if line not in present]
    if not missing:
        return FileStatus.UNCHANGED
    text = old if not old or old.endswith("\n") else old + "\n"
    return write_file(path, text + "\n# generated by locpipe\n"
                      + "".join(f"{line}\n" for line in missing))


# -- pseudo-locale ------------------------------------------------------------------------


def pseudo(config: Config, *, locale: str = "en_XA") -> Report:  # pseudo.PSEUDO_LOCALE
    """Write a pseudo-translated catalogue and Markdown of every article into the output.

    Every unit is accented and lengthened with its markup kept, so layout and structure
    can be tested without a translator; nothing under ``locales/`` is touched.
    """
    report = Report()
    for article in load_articles(config, report):
        template = catalog.build_template(article, creation_date=catalog.now())
        po = catalog.new_catalog(template, "en", revision_date=catalog.now())
        po.metadata["Language"] = locale
        po.metadata["Language-Team"] = "pseudo-locale"
        translations: dict[Key, str] = {}
        for source in template:
            text = pseudo_locale.pseudo_text(source.msgid, article.references)
            po.append(polib.POEntry(msgid=source.msgid, msgctxt=source.msgctxt, msgstr=text,
                                    comment=source.comment, occurrences=source.occurrences))
            translations[(source.msgctxt, source.msgid)] = text
        base = config.output_path / locale / article.name
        _guarded_write(config, report, base.with_suffix(".po"),
                       catalog.dumps(po, wrap=config.wrap))
        _guarded_write(config, report, base.with_suffix(".md"),
                       render.render_markdown(article, translations, locale=locale))
    return report


# -- translate ----------------------------------------------------------------------------

CACHE_DIR = ".locpipe-cache"
"""Where translate keeps machine translations already paid for (gitignored)."""
MT_COMMENT = "machine translation: "
"""Start of the translator comment on an entry that an engine filled."""

Progress = Callable[[int, int], None]
"""Told ``(entries done, entries in all)``: first with 0 done, then after every batch."""


@dataclass(frozen=True)
class LocaleEstimate:
    """What a translate run would send for one target locale (``--dry-run``)."""

    locale: str
    entries: int
    """Entries that would be filled."""
    texts: int
    """Distinct texts that would be sent (the rest are repeats, cached or only markup)."""
    characters: int
    """Characters sent, markup tags included: what engines bill."""
    cached: int
    """Distinct texts answered from the cache, free."""
    cost: float | None
    """``characters`` at the configured ``price_per_million``, if one is set."""


@dataclass
class TranslateReport(Report):
    """What translate did (or, in a dry run, would do) to each catalogue."""

    engine: str = ""
    rejected: list[LocpipeError] = field(default_factory=list)
    """Entries left untranslated because the engine's answer broke their markup."""
    estimates: list[LocaleEstimate] = field(default_factory=list)
    """For a dry run: per locale, what would be sent and what it would cost."""


@dataclass
class _Target:
    """One catalogue being filled: its entries in memory, and what its file held last."""

    name: str
    locale: str
    source: str
    path: Path
    display: str
    po: polib.POFile
    on_disk: bytes
    counts: dict[str, int] = field(default_factory=dict)
    status: FileStatus = FileStatus.UNCHANGED
    failed: bool = False
    rejected: list[tuple[polib.POEntry, str]] = field(default_factory=list)

    def count(self, what: str, number: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + number


_Job = tuple[_Target, polib.POEntry]


def translate(
    config: Config,
    *,
    engine: str,
    locales: Sequence[str] = (),
    articles: Sequence[str] = (),
    overwrite_fuzzy: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> TranslateReport:
    """Fill untranslated entries with machine translations, marked fuzzy, saving as it goes.

    Only untranslated entries are filled (fuzzy ones too with ``overwrite_fuzzy``); each
    catalogue is written after every batch the engine answers, so a run stopped by a used-up
    quota or an interrupt keeps what it paid for, and answers are cached under
    ``.locpipe-cache/`` so a rerun does not pay twice. A dry run needs no key and writes
    nothing, not even the cache.
    """
    from . import mt  # requests is slow to import and only this command needs it

    settings = config.mt.get(engine) or mt.engine_config(engine, {})
    report = TranslateReport(engine=engine)
    client = None if dry_run else mt.make_engine(settings)  # a missing key stops us here
    try:
        with _project_lock(config, dry_run=dry_run):
            targets = _mt_targets(config, report, locales=locales, articles=articles)
            pairs: dict[tuple[str, str], list[_Job]] = {}
            for target in targets:
                for entry in _to_fill(target, overwrite_fuzzy=overwrite_fuzzy):
                    pairs.setdefault((target.source, target.locale), []).append((target, entry))
            if client is None:
                report.estimates = _estimates(config, settings, pairs)
                report.files = [
                    FileResult(t.display, FileStatus.UPDATED if t.counts else
                               FileStatus.UNCHANGED, dict(t.counts))
                    for t in targets
                ]  # fmt: skip
                return report
            _send(config, report, client, pairs, progress=progress)
    finally:
        if client is not None:
            client.close()
    _finish_targets(config, report, targets)
    return report


def _send(
    config: Config, report: TranslateReport, client: Engine,
    pairs: Mapping[tuple[str, str], list[_Job]], *, progress: Progress | None,
) -> None:
    """Translate each language pair's entries, applying and saving every batch as it comes."""
    from . import mt

    total = sum(len(jobs) for jobs in pairs.values())
    done = [0]

    def saver(jobs: list[_Job]) -> Callable[[list[Result]], None]:
        def on_batch(results: list[Result]) -> None:
            _apply(config, report, jobs, results, engine=client.name)
            done[0] += len(results)
            if progress is not None:
                progress(done[0], total)

        return on_batch

    if progress is not None:
        progress(0, total)
    # the cache is the user's paid-for data, not the project's: keep it out of git (a
    # convenience only; the cache itself reports real problems)
    with contextlib.suppress(OSError):
        write_file(config.root / CACHE_DIR / ".gitignore", "# created by locpipe\n*\n")
    try:
        with mt.TranslationCache(config.root / CACHE_DIR / "mt.sqlite3") as cache:
            for (source, locale), jobs in pairs.items():
                texts = [entry.msgid for _, entry in jobs]
                mt.translate_texts(client, texts, source=source, target=locale, cache=cache,
                                   on_batch=saver(jobs))  # fmt: skip
    except EngineError as e:
        report.errors.append(e)  # a used-up quota or a failing engine: stop; saved work stays


def _project_lock(config: Config, *, dry_run: bool) -> contextlib.AbstractContextManager[object]:
    """Hold the project's lock while catalogues are read, filled and written.

    :func:`_save_target` also refuses to overwrite a catalogue that changed on disk since it
    was read, for edits made by hand or by other tools meanwhile.
    """
    return _writing(config, dry_run=dry_run)


def _mt_targets(
    config: Config, report: Report, *, locales: Sequence[str], articles: Sequence[str]
) -> list[_Target]:
    """Read the catalogues to fill, in a stable order: locale as configured, then article."""
    for locale in locales:
        if locale not in config.locales:
            raise ConfigError(f"locale '{locale}' is not one of the project's locales "
                              f"{list(config.locales)}")
    templates = dict(templates_on_disk(config))
    for name in articles:
        if name not in templates:
            known = ", ".join(templates) or "none yet: run 'locpipe extract'"
            raise ConfigError(f"no template for article '{name}'; articles: {known}")
    targets = []
    for name, pot_path in sorted(templates.items()):
        if articles and name not in articles:
            continue
        try:
            template = catalog.read_catalog(pot_path, _display(config, pot_path))
        except LocpipeError as e:
            report.errors.append(e)
            continue
        source = template.metadata.get("X-Source-Language") or config.source_locale
        for locale in config.targets(source):
            if locales and locale not in locales:
                continue
            target = _read_target(config, report, name, locale, source)
            if target is not None:
                targets.append(target)
    order = {locale: n for n, locale in enumerate(config.locales)}
    return sorted(targets, key=lambda t: (order[t.locale], t.name))


def _read_target(
    config: Config, report: Report, name: str, locale: str, source: str
) -> _Target | None:
    path = config.catalog_path(name, locale)
    display = _display(config, path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        report.errors.append(CatalogError("no catalogue yet; run 'locpipe update' first", display))
        return None
    except OSError as e:
        report.errors.append(CatalogError(f"cannot read: {e.strerror}", display))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        report.errors.append(CatalogError("not valid UTF-8; save the catalogue as UTF-8", display))
        return None
    try:
        po = catalog.parse_catalog(text, display)
    except LocpipeError as e:
        report.errors.append(e)
        return None
    return _Target(name, locale, source, path, display, po, data)


def _to_fill(target: _Target, *, overwrite_fuzzy: bool) -> list[polib.POEntry]:
    """Entries to fill: untranslated ones, and fuzzy ones if asked; never translated ones."""
    wanted = {EntryState.UNTRANSLATED} | ({EntryState.FUZZY} if overwrite_fuzzy else set())
    entries = []
    for entry in target.po:
        if not entry.msgid or catalog.entry_state(entry) not in wanted:
            continue
        if entry.msgid_plural:
            target.count("plurals skipped")  # one text per entry; plural forms need a human
            continue
        entries.append(entry)
    if entries:
        target.count("entries", len(entries))
    return entries


def _estimates(
    config: Config, settings: EngineConfig, pairs: Mapping[tuple[str, str], list[_Job]]
) -> list[LocaleEstimate]:
    from . import mt

    path = config.root / CACHE_DIR / "mt.sqlite3"
    found: dict[str, LocaleEstimate] = {}
    with contextlib.ExitStack() as stack:
        # a dry run writes nothing: an existing cache is read, a missing one is not created
        cache = stack.enter_context(mt.TranslationCache(path)) if path.is_file() else None
        for (source, locale), jobs in pairs.items():
            est = mt.estimate([entry.msgid for _, entry in jobs], source=source, target=locale,
                              cache=cache, cache_key=settings.cache_key)
            old = found.get(locale, LocaleEstimate(locale, 0, 0, 0, 0, None))
            characters = old.characters + est.characters
            price = settings.price_per_million
            found[locale] = LocaleEstimate(
                locale, old.entries + len(jobs), old.texts + est.texts, characters,
                old.cached + est.cached, None if price is None else characters * price / 1e6,
            )  # fmt: skip
    return list(found.values())


def _apply(
    config: Config, report: TranslateReport, jobs: Sequence[_Job], results: Sequence[Result],
    *, engine: str,
) -> None:
    """Write a batch of machine translations into their entries, then save those catalogues."""
    from .mt import Outcome

    touched: dict[int, _Target] = {}
    for result in results:
        target, entry = jobs[result.index]
        if target.failed:
            continue
        translation = _with_edges(entry.msgid, result.translation)
        if translation is None:
            reason = result.reason or "the engine returned an empty translation"
            target.rejected.append((entry, reason))
            target.count("rejected")
            continue
        note = " (copied: nothing to translate)" if result.outcome is Outcome.UNCHANGED else ""
        _fill(entry, translation, comment=f"{MT_COMMENT}{engine}{note}")
        target.count({Outcome.UNCHANGED: "copied"}.get(result.outcome, result.outcome.value))
        touched[id(target)] = target
    for target in touched.values():
        target.po.metadata["PO-Revision-Date"] = catalog.now()
        _save_target(config, report, target)


def _with_edges(msgid: str, translation: str | None) -> str | None:
    """Keep the source's leading and trailing whitespace, which engines tend to drop."""
    if translation is None or not translation.strip():
        return None
    lead = msgid[: len(msgid) - len(msgid.lstrip())]
    trail = msgid[len(msgid.rstrip()) :]
    return lead + translation.strip() + trail


def _fill(entry: polib.POEntry, translation: str, *, comment: str) -> None:
    """Put a machine translation in an entry: fuzzy, with a comment naming the engine."""
    entry.msgstr = translation
    entry.flags = ["fuzzy", *(flag for flag in entry.flags if flag != "fuzzy")]
    # the previous msgid belonged to the suggestion being replaced
    entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
    lines = [line for line in (entry.tcomment or "").split("\n")
             if line and not line.startswith(MT_COMMENT)]  # fmt: skip
    entry.tcomment = "\n".join([*lines, comment])


def _save_target(config: Config, report: Report, target: _Target) -> None:
    """Write a catalogue as ``update`` would; never over a change made since it was read."""
    wrap = _wrap_of(config, target.on_disk.decode("utf-8", errors="replace"))
    data = catalog.dumps(target.po, wrap=wrap).encode("utf-8")
    try:
        current: bytes | None = target.path.read_bytes()
    except OSError:
        current = None
    if current != target.on_disk:
        target.failed = True
        report.errors.append(CatalogError(
            "changed by someone else while translate ran; its new machine translations were "
            "not saved (they are cached: run translate again)", target.display))
        return
    try:
        status = write_file(target.path, data)
    except OSError as e:
        target.failed = True
        report.errors.append(CatalogError(f"cannot write: {e.strerror}; the file is as it was",
                                          target.display))
        return
    target.on_disk = data
    if status is not FileStatus.UNCHANGED:
        target.status = FileStatus.UPDATED


def _finish_targets(config: Config, report: TranslateReport, targets: Sequence[_Target]) -> None:
    """Report each catalogue, and rejected entries at their lines in the file as written."""
    for target in targets:
        status = FileStatus.FAILED if target.failed else target.status
        report.files.append(FileResult(target.display, status, dict(target.counts)))
        if not target.rejected:
            continue
        lines = _entry_lines(target)
        for entry, reason in target.rejected:
            line = lines.get(catalog.entry_key(entry))
            report.rejected.append(
                EngineError(f"not translated: {reason}", target.display, line)
            )


def _entry_lines(target: _Target) -> dict[Key, int]:
    """Line of each entry in the catalogue as it is now on disk."""
    try:
        po = catalog.parse_catalog(target.on_disk.decode("utf-8"), target.display)
    except (LocpipeError, UnicodeDecodeError):
        return {}
    return {catalog.entry_key(e): e.linenum for e in po if not e.obsolete and e.linenum}
