"""`python -m casework` runs the same CLI as the `casework` console script."""

from casework.tui.cli import main

raise SystemExit(main())
