"""Allow ``python -m mi_toolkit`` as a synonym for the ``mi-toolkit`` command."""

from mi_toolkit.cli import main

raise SystemExit(main())
