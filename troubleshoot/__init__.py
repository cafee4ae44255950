"""troubleshoot: a terminal troubleshooting wizard for support teams."""

__version__ = "0.1.0"
