"""`python -m vettriage` runs the same command line as the `vettriage` script."""

from vettriage.cli import main

raise SystemExit(main())
