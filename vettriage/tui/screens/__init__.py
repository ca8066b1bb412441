"""One screen per file, each with its own stylesheet beside it."""
