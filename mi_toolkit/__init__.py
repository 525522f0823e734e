"""mi_toolkit: interactive widgets and Voila lessons for teaching Motivational Interviewing.

Example::

    from mi_toolkit.widgets import ReadinessRuler
    ruler = ReadinessRuler()
    ruler  # the last expression of a notebook cell shows it
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
