"""``python -m retell_dsl`` runs the command line."""

from retell_dsl.cli import main

main()
