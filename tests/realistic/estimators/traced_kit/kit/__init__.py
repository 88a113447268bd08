"""The submission's helper package: call tracing and the moment propagators.

Importing it registers every propagator kind (kit.moments' class decorator fills KINDS).
"""

from .trace import CALLS, TIMES, counted, timed, summary
from .moments import KINDS, Moments, Propagator, build

__all__ = ["CALLS", "TIMES", "KINDS", "Moments", "Propagator", "build", "counted", "timed", "summary"]
