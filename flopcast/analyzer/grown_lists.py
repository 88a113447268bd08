"""signature() of the lists a while loop's exit reads, signed again at every iteration.

A loop whose exit reads a list it grows (`while abs(hist[-1] - hist[-2]) > tol:` appending to
``hist``) signs the list at each loop head to tell whether the state repeats
(Interpreter.loop_state): signing every item each time made the loop quadratic up to its
iteration cap. The signatures of the items at the front of the list are kept from the last
signing while they are the same objects and their signature cannot change: a Known of a
hashable value (frozen, and its value has no contents to change) or an Unknown (frozen). Any
other item (an array, whose symmetry an in-place write drops; a container) and everything
after it is signed again. The result is ``values.signature(list)`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flopcast.analyzer.values import Known, ListVal, Unknown, Value, signature


@dataclass
class GrownLists:
    # id(ListVal) -> (the list, the items kept, their signatures); the list is held, so its id stays its own
    _kept: dict = field(default_factory=dict)

    def signature(self, value: Value):
        if value.__class__ is not ListVal:
            return signature(value)
        items = value.items
        kept = self._kept.get(id(value))
        n = 0
        signs: tuple = ()
        if kept is not None and kept[0] is value:
            front = kept[1]
            if len(items) >= len(front) and items[:len(front)] == front:  # identity: Values compare by it
                n, signs = len(front), kept[2]
        rest = tuple([signature(v, 1) for v in items[n:]])
        stable = n
        for v, s in zip(items[n:], rest):
            if not (v.__class__ is Unknown or v.__class__ is Known and len(s) == 3):
                break  # ("K", repr) is an unhashable value's: its contents can change
            stable += 1
        signs += rest
        self._kept[id(value)] = (value, items[:stable], signs[:stable])
        return ("L", signs)
