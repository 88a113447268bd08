"""Functions whose calls are never recorded, across the runs of one command: their keys are futile.

A call key (repeats.CallMemo) costs a walk of what the call can read, and a second walk when the
call ends, to see whether it left the state as it found it and can be recorded. Many functions'
calls never can: a constructor sets attributes on its instance, a method bumps a counter its
object keeps, a helper notes its stage in a log. The per-run count of keys made without a reuse
(CallMemo.UNREUSED) starts afresh at each of the 50–80 runs one `flopcast analyze` makes (the
traced analysis, the formula fit's points, each fix's rewrite at the point and on the savings'
grid), and most runs call such a function fewer times than it allows: in the slowest corpus
files about half of all keys were of functions none of whose calls was ever recorded.

A call that is not keyed runs, as a function's first call does: only the speed changes. Once a
function's calls have ended ``AFTER`` times in the command without one being recorded, its later
calls are keyed only around powers of two (so one that becomes recordable is still found), until
one is recorded. No call of it is lost for reuse: a call is reused only from a recording (of this
run, of another run of the analysis, or of another analysis of the command, all of which count
here), and there is none.

Counted per function place (file, position, qualified name: the savings' rewrites of a file keep
its functions' places) and apart for runs that trace loops or memory, which refuse recordings
the others make (a call whose loops or memory cannot be handed on).
"""

from __future__ import annotations


class Futility:
    """Calls ended and recorded, per function place, over the runs of one command."""

    #: Calls ended without a recording before a function's keys are made only around powers of two.
    AFTER = 8
    #: Once settled: keys made without a reuse before a function's keys are made only around powers of two.
    UNREUSED = 4

    def __init__(self) -> None:
        self._counts: dict = {}  # (place, traced) -> [calls ended, recorded, keys not made since]
        self._reuses: dict = {}  # (place, traced) -> [keys made, calls reused, keys not made since]
        # Set once no later analysis of the command fits a formula under a work limit (api.Session:
        # the savings' analyses, made after `analyze`'s own). Calls recorded and never reused (a
        # layer's method, a constructor's helper: their arguments differ at every grid point and
        # in every rewrite) then stop being keyed as those never recorded do. Before, a key not
        # made changes what the fit's runs replay, so its work, and where it gives up (formula.py).
        self.settled = False

    def skip(self, fn, traced: bool) -> bool:
        """Whether to leave this call of ``fn`` unkeyed."""
        place = (_place(fn), traced)
        counts = self._counts.get(place)
        if counts is not None and not counts[1] and counts[0] >= self.AFTER:
            counts[2] += 1
            n = counts[2]
            return not (n & (n - 1) == 0 or (n + 1) & n == 0)
        if self.settled:
            reuses = self._reuses.get(place)
            if reuses is not None and not reuses[1] and reuses[0] >= self.UNREUSED:
                reuses[2] += 1
                n = reuses[2]
                return n & (n - 1) != 0
        return False

    def keyed(self, fn, traced: bool) -> None:
        """A call of ``fn`` was keyed."""
        self._reuses.setdefault((_place(fn), traced), [0, 0, 0])[0] += 1

    def reused(self, fn, traced: bool) -> None:
        """A keyed call of ``fn`` was reused (from any recording)."""
        self._reuses.setdefault((_place(fn), traced), [0, 0, 0])[1] += 1

    def snapshot(self) -> tuple:
        """The counts as they are (``restore`` puts them back)."""
        return {k: list(v) for k, v in self._counts.items()}, {k: list(v) for k, v in self._reuses.items()}

    def restore(self, snapshot: tuple) -> None:
        """Back to a ``snapshot``: a run stopped before its end (formula.py) leaves no trace here,
        so the run made whole afterwards keys its calls as it would have."""
        self._counts = {k: list(v) for k, v in snapshot[0].items()}
        self._reuses = {k: list(v) for k, v in snapshot[1].items()}

    def ended(self, fn, traced: bool, recorded: bool) -> None:
        """A keyed call of ``fn`` ended (``recorded``: and was recorded)."""
        counts = self._counts.setdefault((_place(fn), traced), [0, 0, 0])
        counts[0] += 1
        if recorded:
            counts[1] += 1


def _place(fn) -> tuple:
    node = fn.node
    return fn.module.key if fn.module is not None else None, node.lineno, node.col_offset, fn.qualname


def settle(lasting) -> None:
    """The command's later analyses fit no formula under a work limit (``Futility.settled``)."""
    if lasting.futility is None:
        lasting.futility = Futility()
    lasting.futility.settled = True


def futility(program) -> Futility:
    """The command's table: the one the analyses of a Session share (kept with its lasting calls),
    else the program's own (its traced analysis and formula fit)."""
    holder = program.lasting if program.lasting is not None else program
    found = holder.futility
    if found is None:
        found = Futility()
        holder.futility = found
    return found
