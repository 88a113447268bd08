"""``random.Random(seed)`` of a known seed: a real ``random.Random`` the analysis draws from, so a
sample count, a pick of a plan or a subset of layers drawn from it is the run's (the Mersenne
Twister and its methods are the same in the run's Python). A draw's arguments must be known
numbers; ``choice``/``sample``/``choices`` pick among the items of a sequence by its length
alone (and known weights), as CPython's do, so their items may be anything. Anything else asked
of the generator (``shuffle`` of a list, a draw of unknown arguments) is unpriced, and the
generator's later draws are not known: the path ends there.

Seeded by the system (no seed, None, ``seed()``) or by a number read from data, the generator's
state is not known: ``randint``/``randrange`` of known bounds draw an integer read from data
within them (analyzer/dataints.py takes the path at its ends), the float draws a float read from
data; anything else ends the path, and ``seed(k)`` of a known ``k`` makes the state known again.
"""

from __future__ import annotations

import random

from flopcast.analyzer.values import Known, ListVal, RandomVal, TupleVal, Unknown, Value, make_tuple, python_raise

#: draws of known numbers: the generator's own method, called as written
NUMBER_DRAWS = frozenset({"random", "uniform", "randint", "randrange", "getrandbits", "gauss", "normalvariate",
                          "lognormvariate", "expovariate", "triangular", "betavariate", "gammavariate",
                          "vonmisesvariate", "paretovariate", "weibullvariate", "randbytes", "seed", "getstate",
                          "setstate"})
#: draws that pick items of a sequence by index
PICKS = frozenset({"choice", "sample", "choices"})
METHODS = NUMBER_DRAWS | PICKS
#: what a generator has (the running Python's class, and what its __init__ sets): any other name
#: read of it is Python's AttributeError (an attribute the program sets on one ends the path)
ATTRIBUTES = frozenset(dir(random.Random()))

_PLAIN = (int, float, str, bytes, bool, type(None))


def make(args: list, kwargs: dict) -> Value | None:
    """``random.Random(seed)``: of a known number, text or bytes, the real generator; with no
    seed, None, or a number read from data, a generator whose state is not known (its draws are
    numbers read from data, within the bounds the call gives); None for anything else."""
    if kwargs or len(args) > 1:
        return None
    seed = args[0] if args else Known(None)
    if isinstance(seed, Known) and seed.value is not None and type(seed.value) in _PLAIN:
        return RandomVal(random.Random(seed.value))
    if isinstance(seed, Known) and seed.value is None or isinstance(seed, Unknown) and seed.kind in ("int", "float"):
        return RandomVal(None)
    return None


def _unknown_draw(gen: RandomVal, name: str, args: list, kwargs: dict, span) -> Value | None:
    """A draw of a generator whose state is not known: an integer within its known bounds, a
    float, or a reseed; None for anything else (what it picks, its state)."""
    ints = [a.value for a in args if isinstance(a, Known) and type(a.value) is int]
    why = "a draw of a random.Random whose seed is not known"
    if name == "seed" and len(args) <= 1 and not kwargs:
        seed = args[0] if args else Known(None)
        if isinstance(seed, Known) and seed.value is not None and type(seed.value) in _PLAIN:
            gen.rng = random.Random(seed.value)
            return Known(None)
        if isinstance(seed, Known) and seed.value is None \
                or isinstance(seed, Unknown) and seed.kind in ("int", "float"):
            return Known(None)  # reseeded by the system or by data: still not known
        return None
    if kwargs or len(ints) != len(args):
        return Unknown("float", span, why) if name in _FLOAT_DRAWS and not kwargs else None
    if name == "randint" and len(ints) == 2 and ints[0] <= ints[1]:
        return Unknown("int", span, why, ints[0], ints[1])
    if name == "randrange" and len(ints) in (1, 2) and ([0] + ints)[-2] < ints[-1]:
        return Unknown("int", span, why, ([0] + ints)[-2], ints[-1] - 1)
    if name in _FLOAT_DRAWS:
        return Unknown("float", span, why)
    return None


#: draws of one float whatever their arguments (a number read from data)
_FLOAT_DRAWS = frozenset({"random", "uniform", "gauss", "normalvariate", "lognormvariate", "expovariate",
                          "triangular", "betavariate", "gammavariate", "vonmisesvariate", "paretovariate",
                          "weibullvariate"})


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
    if rng is None:
        drawn = _unknown_draw(gen, name, args, kwargs, span)
        if drawn is not None:
            return drawn
        interp.unfollowed_change(span, f"Random.{name}", f"Random.{name}() of a generator whose seed is not known "
                                 "is not modelled")
    try:
        if name in NUMBER_DRAWS:
            if name == "seed" and not (args and isinstance(args[0], Known) and args[0].value is not None):
                gen.rng = None  # reseeded by the system or by data: its state is not known now
                return _unknown_draw(gen, name, args, kwargs, span) or interp.unfollowed_change(
                    span, "Random.seed", "Random.seed() of these arguments is not modelled")
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
