"""How far one path's run goes before the analysis stops it (tests lower these).
"""

from __future__ import annotations

from flopcast.analyzer import open_loops


MAX_STEPS = 3_000_000


MAX_CALL_DEPTH = 120


MAX_VALUES_PER_NAME = 4


#: Python frames the interpreter may use: about ten per user call, MAX_CALL_DEPTH calls deep.
_RECURSION_LIMIT = 4000


#: Iterations a loop is unrolled before its path stops (builtins reads open_loops' own).
MAX_LOOP_ITERATIONS = open_loops.MAX_LOOP_ITERATIONS


#: Iterations in a row a loop may go on only because value-dependent tests answered "go on" (a
#: path answers a site alike at every execution) while its state changes at each of them (a count
#: or a list it grows), so that it is not known to repeat: past them the path stops as past
#: MAX_LOOP_ITERATIONS, which such a loop took minutes to reach (Loops.count_held).
MAX_HELD_ITERATIONS = 100
