"""locpipe: translate and localise Markdown articles end to end through gettext catalogues."""

__version__ = "0.1.0"
