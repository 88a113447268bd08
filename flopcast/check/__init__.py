"""`flopcast check`: the pre-submission lint.

Two kinds of rule run over a submission:

* source rules read the parsed code (``ast``) and never import or run it
  (forbidden imports and mechanisms, remote-unsupported ops, loops, setup work);
* report rules read the static analyzer's :class:`flopcast.model.Report`
  (budget overrun, unpriced ops, value-dependent cost, float64 leaks, savings).

``flopcast.check.engine.check_target`` runs both kinds for one path; the command
module adds configuration, output formats and exit codes around it.
"""

from flopcast.check.findings import Finding, Level

__all__ = ["Finding", "Level"]
