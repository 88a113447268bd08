"""``random.Random(seed)`` of a known seed: a real ``random.Random`` the analysis draws from, so a
sample count, a pick of a plan or a subset of layers drawn from it is the run's (the Mersenne
Twister and its methods are the same in the run's Python). A draw's arguments must be known
numbers; ``choice``/``sample``/``choices`` pick among the items of a sequence by its length
alone (and known weights), as CPython's do, so their items may be anything. Anything else asked
of the generator (``shuffle`` of a list, a draw of unknown arguments) is unpriced, and the
generator's later draws are not known: the path ends there.
"""

from __future__ import annotations

import random

from flopcast.analyzer.values import Known, ListVal, RandomVal, TupleVal, Value, make_tuple, python_raise

#: draws of known numbers: the generator's own method, called as written
NUMBER_DRAWS = frozenset({"random", "uniform", "randint", "randrange", "getrandbits", "gauss", "normalvariate",
                          "lognormvariate", "expovariate", "triangular", "betavariate", "gammavariate",
                          "vonmisesvariate", "paretovariate", "weibullvariate", "randbytes", "seed", "getstate",
                          "setstate"})
#: draws that pick items of a sequence by index
PICKS = frozenset({"choice", "sample", "choices"})
METHODS = NUMBER_DRAWS | PICKS

_PLAIN = (int, float, str, bytes, bool, type(None))


def make(args: list, kwargs: dict) -> Value | None:
    """``random.Random(seed)``: None unless the seed is a known number, text or bytes (with
    none, or None, the run seeds from the operating system)."""
    if len(args) == 1 and not kwargs and isinstance(args[0], Known) and args[0].value is not None \
            and type(args[0].value) in _PLAIN:
        return RandomVal(random.Random(args[0].value))
    return None


def _plain(value: Value):
    """The Python value of a known number or text, or of a tuple or list of them (a state from
    getstate(), the weights of choices())."""
    if isinstance(value, Known) and (type(value.value) in _PLAIN or isinstance(value.value, tuple)):
        return value.value
    if value.__class__ in (TupleVal, ListVal) and not getattr(value, "is_set", False) \
            and all(isinstance(v, Known) and (type(v.value) in _PLAIN or isinstance(v.value, tuple))
                    for v in value.items):
        made = [v.value for v in value.items]  # known weights of choices()
        return tuple(made) if value.__class__ is TupleVal else made
    raise _NotPlain


class _NotPlain(Exception):
    pass


def call(interp, gen: RandomVal, name: str, args: list, kwargs: dict, span, node) -> Value:
    rng = gen.rng
    try:
        if name in NUMBER_DRAWS:
            if name == "seed" and not (args and isinstance(args[0], Known) and args[0].value is not None):
                raise _NotPlain  # seed() and seed(None) draw from the operating system
            plain = [_plain(a) for a in args]
            named = {k: _plain(v) for k, v in kwargs.items()}
            return _made(getattr(rng, name), plain, named, span)
        items = _sequence(interp, args[0], node) if args else None
        if items is None:
            raise _NotPlain
        positions = range(len(items))
        rest = [_plain(a) for a in args[1:]]
        named = {k: _plain(v) for k, v in kwargs.items()}
        if name == "choice" and not rest and not named:
            return items[_made(rng.choice, [positions], {}, span).value]
        if name == "sample":
            return ListVal([items[i] for i in _made(rng.sample, [positions, *rest], named, span).value])
        if name == "choices":
            return ListVal([items[i] for i in _made(rng.choices, [positions, *rest], named, span).value])
    except _NotPlain:
        pass
    interp.unfollowed_change(span, f"Random.{name}", f"Random.{name}() of these arguments is not modelled; the "
                             "generator's later draws are not known")


def _sequence(interp, value: Value, node) -> list | None:
    """The items of a list, tuple, range or text (a sequence: what these draws index)."""
    if value.__class__ is ListVal and not value.is_set and not value.unordered or value.__class__ is TupleVal \
            or isinstance(value, Known) and isinstance(value.value, (range, str, tuple, list)):
        return interp.iterate(value, node)
    return None


def _made(method, args: list, kwargs: dict, span) -> Value:
    try:
        made = method(*args, **kwargs)
    except (TypeError, ValueError, IndexError, OverflowError) as exc:
        raise python_raise(span, exc) from None
    return make_tuple([Known(v) for v in made]) if isinstance(made, tuple) else Known(made)
