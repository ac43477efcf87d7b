"""`python -m cli`: the same as the `passport` command."""

from cli.main import main

main()
