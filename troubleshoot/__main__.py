"""Run the command line as ``python -m troubleshoot``."""

from troubleshoot.cli import main

main()
