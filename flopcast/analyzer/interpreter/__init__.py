"""Abstract interpretation of an estimator's source, one program path at a time.

The interpreter walks ``ast`` nodes with abstract values (see values.py). Loops
with known trip counts are run iteration by iteration, so loop-carried state whose
dtype or symmetry changes after the first iterations is priced exactly. Wherever a
decision depends on array values (a branch, a loop exit, an exception, a
data-dependent size) it asks :class:`Decisions` which way this path goes; the
path explorer (paths.py) runs every combination and joins them into an interval.

Nothing here executes user code: only literals are evaluated, and only by this
package's own rules.

The class ``Interpreter`` (core.py) is composed of one part per kind of syntax, each its
own module: statements, definitions, imports, matching, contexts, exceptions, loops, truth,
assignment, expressions, generators, operators, lookups, comprehensions, calls,
library_calls, instances, user_calls; with charges (what a run records) and later_calls
(the calls of ``predict`` after the first). What a run is stopped by lives in control.py,
frames in frames.py, the run's record in result.py, the limits tests lower in limits.py.
"""

from flopcast.analyzer.decisions import Decisions, Site
from flopcast.analyzer.interpreter.control import PathEnd, WorkMeter, WorkOut
from flopcast.analyzer.interpreter.core import Interpreter
from flopcast.analyzer.interpreter.result import RunResult

__all__ = ["Decisions", "Interpreter", "PathEnd", "RunResult", "Site", "WorkMeter", "WorkOut"]
