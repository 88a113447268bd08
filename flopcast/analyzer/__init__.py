"""The static pass: parse -> program table and call graph -> abstract interpretation -> report.

Public entry point::

    analyze(path, point, *, source=None, class_name=None,
            include_scorer_cast=True, formula=False) -> flopcast.model.Report

``path`` is an ``estimator.py`` or a submission folder; ``source`` replaces the text
of ``path`` (an unsaved editor buffer) while sibling modules are read from disk.
Nothing here imports, executes or evaluates the user's code.
"""

from flopcast.analyzer.api import analyze

__all__ = ["analyze"]
