"""Modules imported when first used, so that a run with little to do starts fast.

A build that finds nothing changed needs neither the Markdown parser, nor the HTML
templates, nor the fuzzy matcher; importing them all takes longer than such a run. The
pipeline names these modules through :func:`load`; type checkers see ordinary imports.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def load(name: str) -> ModuleType:
    """The module ``name`` (``"locpipe.site"``), imported on its first attribute access."""
    found = sys.modules.get(name)
    if found is not None:
        return found
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:  # pragma: no cover - our own modules exist
        raise ImportError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
