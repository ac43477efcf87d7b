"""The `passport` command-line tool."""
