"""The command line: parse options, call the pipeline, format its reports. Nothing else.

Exit codes: 0 success; 1 a check failed (coverage below the threshold, an error-level
quality problem, or ``--check`` found files that would change), or ``translate`` left some
entries untranslated because the engine broke their markup; 2 locpipe could not run
(usage, configuration or input error), or ``translate`` was stopped (quota, engine failure).
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import click

from . import __version__, formats, pipeline
from .config import (
    Config,
    Outdated,
    PruneKind,
    PrunePolicy,
    PublishPolicy,
    find_project,
    load_config,
    locate_project,
    validate_locale,
)
from .coverage import CheckReport
from .errors import LocpipeError
from .model import Coverage, CoverageUnit, FileStatus

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def _config(ctx: click.Context, *, optional: bool = False) -> Config:
    """The configuration of the project the command runs in, found from the current folder
    (or ``-C``) upward; ``optional`` when the command can run without one (defaults)."""
    if "config" not in ctx.obj:
        start: Path = ctx.obj["start"]
        named: bool = ctx.obj["named"]
        if optional and start.is_dir() and find_project(start) is None:
            ctx.obj["config"] = load_config(start)
        else:
            ctx.obj["config"] = load_config(locate_project(start, named=named))
    config: Config = ctx.obj["config"]
    return config


def _error(error: LocpipeError) -> None:
    click.echo(f"{error}", err=True)


def _files(report: pipeline.Report, *, verbose: bool = False, dry_run: bool = False) -> None:
    for row in report.files:
        if row.status is FileStatus.UNCHANGED and not verbose:
            continue
        if row.status is FileStatus.FAILED:
            continue
        verb = row.status.value
        if dry_run:
            verb = {"created": "would create", "updated": "would update",
                    "removed": "would remove"}.get(verb, verb)
        details = ", ".join(f"{k} {v}" for k, v in row.details.items() if v)
        click.echo(f"{verb} {row.path}" + (f" ({details})" if details else ""))


def _finish(report: pipeline.Report, *, check: bool = False) -> int:
    for notice in report.notices:
        click.echo(f"{notice}", err=True)
    for error in report.errors:
        _error(error)
    if report.errors:
        return EXIT_ERROR
    if check and report.changed:
        click.echo(f"{len(report.changed)} file(s) are out of date; run the command without "
                   "--check to update them", err=True)
        return EXIT_FAILED
    if check and any(row.status is FileStatus.ORPHANED for row in report.files):
        return EXIT_FAILED  # each orphan's notice says what to do
    return EXIT_OK


class _Group(click.Group):
    """Render every locpipe error once, as ``path:line: message``, and exit 2."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except LocpipeError as e:
            _error(e)
            ctx.exit(EXIT_ERROR)
        except OSError as e:
            # A safety net: the pipeline reports file errors itself, with what to do.
            where = f"{e.filename}: " if e.filename else ""
            click.echo(f"{where}{e.strerror or e}", err=True)
            ctx.exit(EXIT_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="locpipe")
@click.option(
    "-C", "--project", "root", type=click.Path(path_type=Path), default=None,
    envvar="LOCPIPE_PROJECT",
    help="Run as if started in this folder: the project is found there or in a folder above "
         "it (the one with locpipe.toml, or pyproject.toml with [tool.locpipe]) "
         "[default: the current folder].",
)
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Translate and localise Markdown articles through gettext catalogues.

    \b
    Typical cycle:
      locpipe extract   articles -> templates (locales/templates/*.pot)
      locpipe update    templates -> catalogues (locales/<locale>/LC_MESSAGES/*.po)
      (translators edit the .po files)
      locpipe check     coverage and quality gate for CI
      locpipe render    localised Markdown and HTML in the output folder
      locpipe build     all of the above in one go

    Exit codes: 0 success, 1 a check failed, 2 locpipe could not run.
    """
    ctx.ensure_object(dict)
    ctx.obj["start"] = root if root is not None else Path.cwd()
    ctx.obj["named"] = root is not None


def _run(ctx: click.Context, action: str, **kwargs: object) -> pipeline.Report:
    config = _config(ctx)
    function = getattr(pipeline, action)
    result: pipeline.Report = function(config, **kwargs)
    return result


Decorator = Callable[[Callable[..., None]], Callable[..., None]]


def _work_options(function: Callable[..., None]) -> Callable[..., None]:
    """``--jobs`` and ``--quiet``, for the commands that go through every article."""
    options: list[Decorator] = [
        click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                     envvar="LOCPIPE_JOBS", show_envvar=True,
                     help="Worker processes for the articles [default: all cores]; the "
                          "output is the same with any number."),
        click.option("-q", "--quiet", is_flag=True,
                     help="No progress bar (there is none unless stderr is a terminal)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@contextlib.contextmanager
def _progress(label: str, *, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal and not ``--quiet``."""
    with contextlib.ExitStack() as stack:
        yield _Bar(stack, label) if sys.stderr.isatty() and not quiet else None


def _work(ctx: click.Context, action: str, label: str, *, jobs: int | None, quiet: bool,
          **kwargs: object) -> pipeline.Report:
    with _progress(label, quiet=quiet) as bar:
        return _run(ctx, action, jobs=jobs, progress=bar, **kwargs)


_check_option = click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 if any file would change (for CI)."
)


@main.command()
@_check_option
@click.option("-v", "--verbose", is_flag=True, help="List unchanged files too.")
@_work_options
@click.pass_context
def extract(ctx: click.Context, check: bool, verbose: bool, jobs: int | None,
            quiet: bool) -> None:
    """Cut the articles into translation units and write the templates."""
    report = _work(ctx, "extract", "extracting", dry_run=check, jobs=jobs, quiet=quiet)
    _files(report, verbose=verbose, dry_run=check)
    ctx.exit(_finish(report, check=check))


@main.command()
@_check_option
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--no-memory", "memory", flag_value=False, default=True,
              help="Do not reuse translations from the locale's other catalogues.")
@click.option("-v", "--verbose", is_flag=True, help="List unchanged files too.")
@_work_options
@click.pass_context
def update(ctx: click.Context, check: bool, dry_run: bool, memory: bool,
           verbose: bool, jobs: int | None, quiet: bool) -> None:
    """Merge the templates into the catalogues, keeping every translation."""
    report = _work(ctx, "update", "updating", dry_run=check or dry_run, memory=memory,
                   jobs=jobs, quiet=quiet)
    _files(report, verbose=verbose, dry_run=check or dry_run)
    _update_summary(report, dry_run=check or dry_run)
    ctx.exit(_finish(report, check=check))


def _update_summary(report: pipeline.Report, *, dry_run: bool) -> None:
    rows = [r for r in report.files
            if r.status not in (FileStatus.FAILED, FileStatus.ORPHANED)]
    if not rows:
        return
    changed = len([r for r in rows if r.status is not FileStatus.UNCHANGED])
    totals: dict[str, int] = {}
    for row in rows:
        for key, value in row.details.items():
            totals[key] = totals.get(key, 0) + value
    entries = ", ".join(f"{k} {v}" for k, v in totals.items() if v)
    verb = "would change" if dry_run else "changed"
    click.echo(f"{len(rows)} catalogue(s), {changed} {verb}" + (f": {entries}" if entries
                                                              else ""))


@main.command()
@_check_option
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Drop entries obsolete for more than DAYS days (instead of the configured "
                   "policy).")
@click.option("--all", "drop_all", is_flag=True, help="Drop every obsolete entry.")
@click.option("--orphans", is_flag=True,
              help="Instead: remove the templates, catalogues and .mo files of articles that "
                   "are gone (renamed, moved or deleted).")
@click.option("-v", "--verbose", is_flag=True, help="List unchanged files too.")
@click.pass_context
def prune(ctx: click.Context, check: bool, dry_run: bool, days: int | None, drop_all: bool,
          orphans: bool, verbose: bool) -> None:
    """Drop obsolete entries as the 'prune' setting (or --days, --all) says; or, with
    --orphans, remove the files of articles that are gone."""
    if days is not None and drop_all:
        raise click.UsageError("use --days or --all, not both")
    if orphans and (days is not None or drop_all):
        raise click.UsageError("--orphans removes whole files: use it without --days or --all")
    config = _config(ctx)
    if orphans:
        removed = pipeline.prune_orphans(config, dry_run=check or dry_run)
        _files(removed, dry_run=check or dry_run)
        if not removed.files and not removed.errors:
            click.echo("no orphaned files: every template and catalogue has its article")
        code = _finish(removed)
        ctx.exit(EXIT_FAILED if check and removed.files and not code else code)
    policy = (PrunePolicy(PruneKind.DROP) if drop_all
              else PrunePolicy(PruneKind.AGE, days) if days is not None else config.prune)
    if policy.kind is PruneKind.KEEP:
        click.echo("the prune policy is 'keep': nothing to drop (set 'prune' in the "
                   "configuration, or use --days or --all)")
        ctx.exit(EXIT_OK)
    report = pipeline.prune(config, dry_run=check or dry_run, policy=policy)
    _files(report, verbose=verbose, dry_run=check or dry_run)
    ctx.exit(_finish(report, check=check))


@main.command(name="compile")
@_work_options
@click.pass_context
def compile_(ctx: click.Context, jobs: int | None, quiet: bool) -> None:
    """Write a binary .mo file beside each catalogue."""
    report = _work(ctx, "compile_catalogs", "compiling", jobs=jobs, quiet=quiet)
    _files(report)
    ctx.exit(_finish(report))


def _decisions(report: pipeline.RenderReport) -> None:
    """Say which articles were left out, or published with passages in the source language."""
    for decision in report.decisions:
        where = f"{decision.article} [{decision.locale}]"
        if decision.skipped:
            click.echo(f"skipped {where}: {'; '.join(decision.reasons)} ({decision.path})")
        elif decision.reasons:
            click.echo(f"fallback {where}: {decision.fallback} passage(s) in the source "
                       f"language; {'; '.join(decision.reasons)}")
    for issue in report.withheld:
        click.echo(f"{formats.issue_line(issue)} (not published: readers see the source "
                   "text until this is fixed)")


def _rendered(report: pipeline.RenderReport) -> int:
    """Exit 1 when a translation was held back for an error-level problem, as check does."""
    return _finish(report) or (EXIT_FAILED if report.withheld else EXIT_OK)


@main.command()
@click.option("--policy", type=click.Choice([p.value for p in PublishPolicy]), default=None,
              help="For articles below the gate: skip them, or publish with the source text "
                   "where a translation is missing.  [default: from config, else skip]")
@click.option("--min-coverage", type=click.FloatRange(0, 100), default=None,
              help="Percent of an article's words that must be translated to pass the gate "
                   "[default: from config, else 50].")
@click.option("--outdated", type=click.Choice([o.value for o in Outdated]), default=None,
              help="Where the source changed since it was translated: show the translation "
                   "(marked) if the change was small (near), always (show), or show the "
                   "source.  [default: from config, else near]")
@click.option("--show-machine/--hide-machine", default=None,
              help="Show unreviewed machine translations (marked) instead of the source.")
@_work_options
@click.pass_context
def render(ctx: click.Context, policy: str | None, min_coverage: float | None,
           outdated: str | None, show_machine: bool | None, jobs: int | None,
           quiet: bool) -> None:
    """Write every article in every locale as Markdown and HTML, with index pages."""
    with _progress("rendering", quiet=quiet) as bar:
        report = pipeline.render_all(
            _config(ctx),
            policy=PublishPolicy(policy) if policy else None,
            min_coverage=min_coverage,
            outdated=Outdated(outdated) if outdated else None,
            show_machine=show_machine,
            jobs=jobs,
            progress=bar,
        )
    _files(report)
    _decisions(report)
    ctx.exit(_rendered(report))


def _table(rows: Sequence[Coverage]) -> None:
    click.echo(formats.status_table(rows), nl=False)


@main.command()
@_work_options
@click.pass_context
def status(ctx: click.Context, jobs: int | None, quiet: bool) -> None:
    """Show how much of every catalogue is translated: entries and words, in exact numbers."""
    with _progress("counting", quiet=quiet) as bar:
        result = pipeline.check(_config(ctx), run_checks=False, messages=False, jobs=jobs,
                                progress=bar)
    for error in result.errors:
        _error(error)
    if result.coverage:
        _table(result.coverage)
    elif not result.issues:
        click.echo("no catalogues yet: run 'locpipe extract' and 'locpipe update'")
    for issue in result.issues:  # without the checks, only orphaned files or no articles
        click.echo(f"{issue.path}: {issue.check}: {issue.message}")
    ctx.exit(EXIT_ERROR if result.errors else EXIT_OK)


_FORMATS = {
    "text": formats.human,
    "json": formats.to_json,
    "github": formats.to_github,
    "junit": formats.to_junit,
}


def _list_checks(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from . import checks  # the checks pull in the Markdown parser: only when listed

    for item in checks.REGISTRY.values():
        where = f" ({', '.join(sorted(item.languages))} only)" if item.languages else ""
        state = "" if item.default else " [off by default]"
        click.echo(f"{item.name:20} {item.severity.value:8}{state}{where}\n    {item.doc}")
    ctx.exit(EXIT_OK)


def _gate_options(function: Callable[..., None]) -> Callable[..., None]:
    """Options shared by ``check`` and ``report``: the gates and the checks to run."""
    options: list[Decorator] = [
        click.option("--min-coverage", type=click.FloatRange(0, 100), default=None,
                     help="Fail when a catalogue has less than this percentage translated "
                          "(overrides the configuration, for every locale)."),
        click.option("--coverage-unit", type=click.Choice([u.value for u in CoverageUnit]),
                     default=None, help="Count coverage in entries or in source words."),
        click.option("--require", "required", multiple=True, metavar="UNIT",
                     help="A unit that must be translated whatever the coverage, such as "
                          "'title' or 'heading' (repeat the option)."),
        click.option("--enable", multiple=True, metavar="CHECK",
                     help="Run this check too (repeat the option)."),
        click.option("--disable", multiple=True, metavar="CHECK",
                     help="Do not run this check (repeat the option)."),
        click.option("--no-stale", is_flag=True,
                     help="Do not fail when templates or catalogues are out of date."),
        click.argument("paths", nargs=-1,
                       type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        _work_options,
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _run_check(ctx: click.Context, options: dict[str, object], *,
               messages: bool) -> CheckReport:
    unit = options["coverage_unit"]
    with _progress("checking", quiet=bool(options["quiet"])) as bar:
        return pipeline.check(
            # Given catalogues are checked in any folder, in a locpipe project or not.
            _config(ctx, optional=bool(options["paths"]) and not messages),
            min_coverage=options["min_coverage"],  # type: ignore[arg-type]
            unit=CoverageUnit(unit) if isinstance(unit, str) else None,
            required=options["required"],  # type: ignore[arg-type]
            enable=options["enable"],  # type: ignore[arg-type]
            disable=options["disable"],  # type: ignore[arg-type]
            paths=options["paths"],  # type: ignore[arg-type]
            stale=not options["no_stale"],
            messages=messages,
            jobs=options["jobs"],  # type: ignore[arg-type]
            progress=bar,
        )


@main.command()
@_gate_options
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--format", "output", type=click.Choice(sorted(_FORMATS)), default="text",
              show_default=True, help="How to print the report (see docs/ci.md).")
@click.option("--list-checks", is_flag=True, expose_value=False, is_eager=True,
              callback=_list_checks, help="List the checks, their severities, and exit.")
@click.option("--list-untranslated", "gaps", is_flag=True,
              help="List every untranslated and fuzzy entry as path:line, per catalogue "
                   "(text lists some of each catalogue below its gate; JSON lists all).")
@click.pass_context
def check(ctx: click.Context, /, strict: bool, output: str, gaps: bool,
          **options: object) -> None:
    """Gate for CI: coverage, required units, stale files and quality checks.

    Checks the project's catalogues, or the given .po files (made by locpipe or not).
    Exit 1 when a gate or an error-level check fails (or a warning, with --strict).
    """
    result = _run_check(ctx, options, messages=False)
    if output == "text":
        for error in result.errors:
            _error(error)
    text = (formats.human(result, strict=strict, gaps=gaps) if output == "text"
            else _FORMATS[output](result, strict=strict))
    click.echo(text, nl=False)
    if result.errors:
        ctx.exit(EXIT_ERROR)
    ctx.exit(EXIT_OK if result.passed(strict=strict) else EXIT_FAILED)


@main.command()
@_gate_options
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Folder for the report [default: <output_dir>/report].")
@click.pass_context
def report(ctx: click.Context, /, out: Path | None, **options: object) -> None:
    """Write an HTML coverage report: coverage bars, problems, each source beside its translation.
    """
    config = _config(ctx)
    result = _run_check(ctx, options, messages=True)
    folder = out if out is not None else config.output_path / "report"
    written = pipeline.write_report(config, result, folder)
    for error in result.errors:
        _error(error)
    _files(written)
    click.echo(f"report: {(folder / 'index.html').as_posix()}")
    ctx.exit(_finish(written) or (EXIT_ERROR if result.errors else
                                  EXIT_OK if result.passed() else EXIT_FAILED))


@main.command()
@click.option("--locale", default="en_XA", show_default=True,
              help="Code of the pseudo-locale to write.")
@click.pass_context
def pseudo(ctx: click.Context, locale: str) -> None:
    """Write pseudo-translated catalogues and Markdown to test layout without translators.

    Prose is accented and lengthened (about a third longer), markup is kept, and the result
    goes to <output_dir>/<locale>/<name>.po and .md; locales/ is not touched.
    """
    report = _run(ctx, "pseudo", locale=locale)
    _files(report)
    ctx.exit(_finish(report))


@main.command()
@_work_options
@click.pass_context
def build(ctx: click.Context, jobs: int | None, quiet: bool) -> None:
    """Extract, update, compile and render, then show the coverage.

    Each article is read once and taken through every step; steps whose inputs did not
    change since the last run are skipped (.locpipe-cache/ remembers them; delete it at
    will).
    """
    with _progress("building", quiet=quiet) as bar:
        report = pipeline.build(_config(ctx), jobs=jobs, progress=bar)
    _files(report)
    _decisions(report)
    if report.coverage:
        _table(report.coverage)
    ctx.exit(_rendered(report))


@main.command()
@click.option("--source-locale", default="pl", show_default=True, callback=lambda c, p, v:
              _locale(v))
@click.option("--locale", "locales", multiple=True, default=("pl", "en"), show_default=True,
              help="A locale of the project (repeat the option).")
@click.pass_context
def init(ctx: click.Context, source_locale: str, locales: tuple[str, ...]) -> None:
    """Create locpipe.toml and the content and locales folders."""
    all_locales = list(dict.fromkeys([source_locale, *(_locale(code) for code in locales)]))
    start: Path = ctx.obj["start"]
    if not start.is_dir():
        locate_project(start, named=True)  # says that the folder does not exist
    report = pipeline.init(start, source_locale=source_locale, locales=all_locales)
    _files(report, verbose=True)
    status = _finish(report)
    if status == EXIT_OK:
        targets = " ".join(loc for loc in all_locales if loc != source_locale)
        click.echo(f"""
next:
  put articles in content/ (<name>.md, Markdown in {source_locale}; subfolders are fine), then
  locpipe build    templates, catalogues for {targets or 'your languages'}, and the pages in build/
  (translators edit locales/<locale>/LC_MESSAGES/<name>.po; run locpipe build again)
  locpipe check    the gate for CI: coverage, quality checks, stale and orphaned files""")
    ctx.exit(status)


def _locale(code: str) -> str:
    try:
        return validate_locale(code)
    except LocpipeError as e:
        raise click.BadParameter(e.message) from e


class _EngineChoice(click.Choice):  # type: ignore[type-arg]
    """The names in ``mt.ENGINES``, read when first needed: importing ``mt`` pulls in
    requests, which would slow the start of every other command."""

    def __init__(self) -> None:
        super().__init__(())

    def _load(self) -> None:
        if not self.choices:
            from .mt import ENGINES

            self.choices = tuple(sorted(ENGINES))

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> object:
        self._load()
        return super().convert(value, param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        self._load()
        return super().get_metavar(param, ctx)

    def shell_complete(self, ctx: click.Context, param: click.Parameter,
                       incomplete: str) -> list[click.shell_completion.CompletionItem]:
        self._load()
        return super().shell_complete(ctx, param, incomplete)


class _EchoHandler(logging.Handler):
    """Log records to stderr through Click, so they land where the command's output goes."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


@contextlib.contextmanager
def _mt_logging(verbose: bool) -> Iterator[None]:
    """Show retries (warnings), and with -v every request; the engines never log keys."""
    logger = logging.getLogger("locpipe.mt")
    handler = _EchoHandler(logging.INFO if verbose else logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(handler.level)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


class _Bar:
    """A progress bar on stderr, opened when the pipeline says how many items there are."""

    def __init__(self, stack: contextlib.ExitStack, label: str = "translating") -> None:
        self.stack = stack
        self.label = label
        self.advance: Callable[[int], None] | None = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self.advance is None:
            if not total:
                return
            bar = self.stack.enter_context(click.progressbar(
                length=total, label=self.label, file=sys.stderr))
            self.advance = bar.update
        self.advance(done - self.shown)
        self.shown = done


def _estimates(report: pipeline.TranslateReport) -> None:
    header = ("locale", "entries", "texts", "characters", "cached", "est. cost")
    body = [
        (e.locale, str(e.entries), str(e.texts), str(e.characters), str(e.cached),
         "-" if e.cost is None else ("<0.01" if 0 < e.cost < 0.005 else f"{e.cost:.2f}"))
        for e in report.estimates
    ]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    for row in [header, *body]:
        click.echo("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                             for i, (cell, w) in enumerate(zip(row, widths, strict=True))))
    click.echo("texts: distinct texts to send; characters: what the engine bills "
               "(markup placeholders included); cached: texts already paid for")
    if any(e.cost is None for e in report.estimates):
        click.echo(f"set price_per_million under [mt.{report.engine}] to estimate the cost")


@main.command()
@click.option("--engine", required=True, type=_EngineChoice(),
              help="Machine-translation engine, configured under [mt.<engine>].")
@click.option("--locale", "locales", multiple=True, callback=lambda c, p, v:
              tuple(_locale(code) for code in v),
              help="Only catalogues of this locale (repeat the option).")
@click.option("--article", "articles", multiple=True,
              help="Only this article, named as its template (repeat the option).")
@click.option("--overwrite-fuzzy", is_flag=True,
              help="Replace fuzzy entries too (never translated ones).")
@click.option("--dry-run", is_flag=True,
              help="Send and write nothing; show entries, characters and estimated cost.")
@click.option("-v", "--verbose", is_flag=True, help="Log every request (never the key).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no per-file lines.")
@click.pass_context
def translate(ctx: click.Context, engine: str, locales: tuple[str, ...],
              articles: tuple[str, ...], overwrite_fuzzy: bool, dry_run: bool, verbose: bool,
              quiet: bool) -> None:
    """Pre-fill untranslated entries by machine translation, marked fuzzy for review.

    The API key is read from the environment variable named by api_key_env in the
    engine's configuration (DeepL: DEEPL_AUTH_KEY by default), never from the command
    line. Each catalogue is saved after every batch and answers are cached in
    .locpipe-cache/, so an interrupted run loses nothing and a rerun costs nothing.
    """
    config = _config(ctx)
    tty = sys.stderr.isatty()
    with _mt_logging(verbose), contextlib.ExitStack() as stack:
        bar = _Bar(stack) if tty and not quiet and not verbose and not dry_run else None
        report = pipeline.translate(config, engine=engine, locales=locales, articles=articles,
                                    overwrite_fuzzy=overwrite_fuzzy, dry_run=dry_run,
                                    progress=bar)
    updated = any(f.status is FileStatus.UPDATED for f in report.files)
    if not quiet:
        _files(report, dry_run=dry_run)
        if dry_run and report.estimates:
            _estimates(report)
        elif updated and not dry_run:
            click.echo(f"machine translations are marked fuzzy ('{pipeline.MT_COMMENT}"
                       f"{engine}'): review them and remove the flag to publish")
        elif not updated and not report.errors and not report.rejected:
            click.echo("nothing to translate")
    for rejected in report.rejected:
        _error(rejected)
    if report.errors:
        ctx.exit(_finish(report))
    ctx.exit(EXIT_FAILED if report.rejected else EXIT_OK)


def entry_point() -> None:
    """Console-script entry: usage errors exit 2, as documented."""
    main(prog_name="locpipe")
