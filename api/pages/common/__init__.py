"""What every page uses: rendering with the pages' Content-Security-Policy (``render``), the session cookies, CSRF
checks and signed-in dependencies (``session``), and errors drawn as pages (``errors``)."""
