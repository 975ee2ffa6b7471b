"""`python -m erpgo_monctl` runs the monctl CLI."""

from erpgo_monctl.cli import main

main()
