"""Shared fixtures: template projects copied into a temp dir and the real CLI."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings
from support import Cli

from locpipe.cli import main

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"
EPOCH = "1767225600"  # 2026-01-01 00:00 UTC: header dates in golden files

# Property tests: a few hundred examples each, drawn the same way on every run, so that
# the suite passes or fails on the code and not on the luck of the draw. Fuzzing draws
# anew: HYPOTHESIS_PROFILE=fuzz (20,000 examples each). Every failure found is kept as an
# explicit @example beside its test.
settings.register_profile("default", max_examples=300, deadline=None, derandomize=True,
                          database=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=20_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _reproducible_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project with one Polish article that uses every kind of unit."""
    root = tmp_path / "project"
    shutil.copytree(DATA / "project", root)
    return root


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of this repository's own articles, catalogues and configuration."""
    root = tmp_path / "shipped"
    root.mkdir()
    for folder in ("content", "locales"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    for mo in root.rglob("*.mo"):
        mo.unlink()
    return root


@pytest.fixture
def cli() -> Cli:
    """Run the real ``locpipe`` command line in a project folder."""

    def invoke(root: Path, *args: str) -> Result:
        return CliRunner().invoke(main, ["-C", str(root), *args], catch_exceptions=False)

    return invoke


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report the fidelity counts (spec examples, corpus) at the end of every run."""
    from test_fidelity import RESULTS

    for name, line in RESULTS.items():
        terminalreporter.write_line(f"fidelity: {name}: {line}")


@pytest.fixture(scope="session")
def registry_cache(pytestconfig: pytest.Config) -> Path:
    """Where npm packages for the fidelity suites are kept: ``LOCPIPE_TEST_CACHE``, or
    pytest's cache (downloaded once)."""
    import os

    folder = os.environ.get("LOCPIPE_TEST_CACHE")
    path = Path(folder) if folder else Path(pytestconfig.cache.mkdir("registry"))
    path.mkdir(parents=True, exist_ok=True)
    return path
