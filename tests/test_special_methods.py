"""Special methods of the user's own classes, the way Python calls them, against flopscope.

Each program runs `h = fnp.tanh(h @ w)` a number of times that the construct under test
decides (and some of the methods charge themselves), so a wrong model shows as a wrong count:
the truth of an instance (`__bool__`, `__len__`), operators with reflection and
`NotImplemented`, comparisons, membership by `==`, text (`__str__`, `__repr__`, `__format__`,
an exception's `args`), orderings by `<`, and a global defined nowhere (NameError). FINDINGS #61-#64, #67.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

HEADER = "import flopscope.numpy as fnp\nfrom whestbench import BaseEstimator, MLP\n\n"
STEP = "h = fnp.tanh(h @ mlp.weights[0])"


def _program(module: str, body: str) -> str:
    return (HEADER + textwrap.dedent(module) + "\n\nclass Estimator(BaseEstimator):\n"
            "    def predict(self, mlp: MLP, budget: int):\n"
            "        h = fnp.ones(mlp.width, dtype=fnp.float32)\n"
            + textwrap.indent(textwrap.dedent(body).replace("STEP", STEP), "        ")
            + "\n        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)\n")


PLAN = """
class Plan:
    def __init__(self, steps):
        self.steps = steps

    def __len__(self):
        return len(self.steps)


class Flag:
    def __init__(self, on):
        self.on = on

    def __bool__(self):
        return self.on
"""

MOMENTS = """
class Moments:
    def __init__(self, mu):
        self.mu = mu

    def __add__(self, other):
        if not isinstance(other, Moments):
            return NotImplemented
        return Moments(self.mu + other.mu)

    def __radd__(self, other):
        return Moments(self.mu + float(other))

    def __mul__(self, s):
        return Moments(self.mu * s)

    __rmul__ = __mul__

    def __neg__(self):
        return Moments(-self.mu)

    def __len__(self):
        return self.mu.shape[0]


class Scaled(Moments):
    def __radd__(self, other):
        return Scaled(self.mu * 3.0)
"""

KEYS = """
class Key:
    def __init__(self, k):
        self.k = k

    def __eq__(self, other):
        return isinstance(other, Key) and self.k == other.k

    def __hash__(self):
        return hash(self.k)

    def __lt__(self, other):
        return self.k < other.k

    def __repr__(self):
        return f"Key({self.k})"

    def __format__(self, spec):
        return format(self.k, spec)


class Bag:
    def __init__(self, items):
        self.items = items

    def __contains__(self, x):
        return x in self.items
"""

ERRORS = """
class PlanError(Exception):
    pass


class TooBig(ValueError):
    def __init__(self, need, cap):
        super().__init__(f"need {need} > {cap}")
        self.need = need


class Missing(KeyError):
    pass
"""

CASES = {
    # FINDINGS #61: an instance was always true (a false exact)
    "an_instance_is_true_by_its_len_and_bool": (PLAN, """
        if Plan([]):
            STEP
        if not Flag(False):
            STEP
        chosen = Flag(False) or Flag(True)
        if chosen.on:
            STEP
        p = Plan([1, 2, 3])
        while p:
            p.steps.pop()
            STEP
        if bool(Plan([1])) and Flag(True):
            STEP
        """),
    # FINDINGS #62: operators of user classes made an unknown value (a lower bound, charges lost)
    "operators_call_the_methods_with_reflection_and_not_implemented": (MOMENTS, """
        m = Moments(h)
        m = m + m
        m = 2.0 * m
        m = 1.0 + m
        m += Moments(h)
        m = -m
        h = m.mu
        s = Moments(h) + Scaled(h)
        for _ in range(len(s)):
            STEP
        """),
    "comparisons_and_membership_use_eq_with_reflection": (KEYS, """
        seen = [Key(1), Key(2)]
        if Key(2) in seen:
            STEP
        if Key(3) not in seen:
            STEP
        if 2 in seen:
            STEP
        if Key(1) != Key(1):
            STEP
        if Key(1) < Key(2) and Key(3) > Key(2):
            STEP
        for _ in range(seen.count(Key(1)) + seen.index(Key(2))):
            STEP
        seen.remove(Key(1))
        if Key(2) in Bag(seen):
            STEP
        """),
    "text_of_instances_comes_from_their_methods": (KEYS, """
        if repr(Key(4)) == "Key(4)" and f"{Key(4)}" == "4" and f"{Key(5):03d}" == "005":
            STEP
        if f"{'a'!r}" == "'a'" and str(Key(1)) == "Key(1)":
            STEP
        """),
    # FINDINGS #63: str(e) / e.args of a user exception were unknown
    "an_exception_keeps_its_args_and_its_message": (ERRORS, """
        try:
            raise PlanError("dense", 3)
        except PlanError as e:
            mode, k = e.args
            for _ in range(k):
                STEP
            if "dense" in str(e):
                STEP
        try:
            raise TooBig(9, 4)
        except ValueError as e:
            if str(e) == "need 9 > 4" and len(e.args) == 1:
                STEP
        try:
            raise Missing("w")
        except LookupError as e:
            if str(e) == "'w'" and f"{e}" == "'w'":
                STEP
        """),
    # FINDINGS #64: a global defined nowhere was unpriced; Python raises NameError
    "a_global_defined_nowhere_raises_name_error": ("", """
        try:
            scale = _TUNED_SCALE
        except NameError:
            scale = 2
        for _ in range(scale):
            STEP
        """),
    # FINDINGS #67: min()/max()/sorted() of tuples holding instances, or of instances with __lt__,
    # were unknown; Python's sort asks `<` in its own order (here each comparison charges)
    "min_max_and_sorted_order_tuples_and_instances": (KEYS + """
class Costly:
    def __init__(self, k, h):
        self.k = k
        self.h = h

    def __lt__(self, other):
        self.h = fnp.exp(self.h)
        return self.k < other.k
""", """
        pool = [(3, "c", Key(3)), (1, "a", Key(1)), (2, "b", Key(2))]
        best = min(pool)
        for _ in range(best[0] + max(pool)[0]):
            STEP
        if sorted(pool, reverse=True)[0][2] == Key(3) and min(Key(2), Key(1)) == Key(1):
            STEP
        order = sorted([Costly(k, h) for k in (4, 1, 3, 1, 2)])
        for c in order[:order[0].k + 1]:
            h = h + c.h
        if max([Costly(5, h), Costly(7, h)], key=lambda c: (c.k, c)).k == 7:
            STEP
        """),
    # sorted()/list.sort() by functools.cmp_to_key: Python's sort calls the user's comparison in
    # its own order (here each call charges, and the order sets the trip counts); it was unpriced
    "cmp_to_key_orders_by_the_users_comparison": ("""
import functools

def by_cost(a, b):
    if a[1] != b[1]:
        return a[1] - b[1]
    return (a[0] > b[0]) - (a[0] < b[0])
""", """
        def charged(a, b):
            nonlocal h
            h = h + 1.0
            return a - b

        plans = [("c", 3), ("a", 1), ("b", 3), ("d", 2)]
        plans.sort(key=functools.cmp_to_key(by_cost), reverse=True)
        order = sorted([3, 1, 2, 5, 4], key=functools.cmp_to_key(charged))
        for _ in range(plans[-1][1] + order[1] + len(plans[0][0])):
            STEP
        """),
    "an_operator_a_plain_class_lacks_raises_type_error": ("class Box:\n    pass\n", """
        try:
            b = Box() + 1
        except TypeError:
            STEP
        try:
            ok = Box() < Box()
        except TypeError:
            STEP
        if Box() != Box():
            STEP
        """),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_special_methods_match_flopscope(name, tmp_path):
    module, body = CASES[name]
    path = tmp_path / "estimator.py"
    path.write_text(_program(module, body))
    point = Point(6, 2, 2**41)
    report = analyze(path, point)
    runtime = measure(path, point).total
    assert not report.unpriced, report.unpriced
    assert not report.uncertain, [u.reason for u in report.uncertain]
    assert report.total.exact and report.total.lo == runtime, (report.total, runtime)


def test_a_name_error_that_escapes_predict_is_reported_at_its_line(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(_program("", "STEP\nh = h * UNDEFINED_GAIN\nSTEP\n"))
    point = Point(6, 2, 2**41)
    report = analyze(path, point)
    with pytest.raises(NameError, match="UNDEFINED_GAIN"):
        measure(path, point)
    assert [(r.what, r.span.line, r.every_path) for r in report.raises] == [
        ("NameError: name 'UNDEFINED_GAIN' is not defined", 10, True)]


def test_a_name_only_a_plain_functions_parameter_binds_is_a_name_error_in_predict(tmp_path):
    """``width`` is a parameter of a helper (its own local) and no global: reading it in predict
    raises NameError. flopcast took any parameter anywhere for a possible global, left the name
    unpriced and ran on with an unknown (the mutation hunt's deleted `width, depth = ...` line,
    whose unknown loop bound then took minutes to run out)."""
    path = tmp_path / "estimator.py"
    path.write_text(_program("""
def scaled(width, depth):
    k = width * depth
    return k
""", "STEP\nk = scaled(width, 2)\nSTEP\n"))
    point = Point(6, 2, 2**41)
    report = analyze(path, point)
    with pytest.raises(NameError, match="width"):
        measure(path, point)
    assert [(r.what, r.span.line, r.every_path) for r in report.raises] == [
        ("NameError: name 'width' is not defined", 14, True)]


def test_a_parameter_a_nested_function_may_read_is_not_claimed_undefined(tmp_path):
    # `width` is a parameter of a function holding a closure: flopcast does not claim a name a
    # scope of the program binds where another may reach it
    path = tmp_path / "estimator.py"
    path.write_text(_program("""
def scaled(width):
    return lambda: width
""", "STEP\nk = scaled(2)()\nSTEP\n"))
    point = Point(6, 2, 2**41)
    report = analyze(path, point)
    assert not report.raises and report.total.exact
    assert report.total.lo == measure(path, point).total


def test_a_name_that_code_could_define_otherwise_is_not_claimed_undefined(tmp_path):
    # vars() at module level can bind it: flopcast does not follow that, so the name is unpriced
    # (a lower bound), never a claimed NameError (globals() is followed: tests/test_module_globals.py)
    path = tmp_path / "estimator.py"
    path.write_text(_program("vars()['GAIN'] = 3\n", """
        for _ in range(GAIN):
            STEP
        """))
    point = Point(6, 2, 2**41)
    report = analyze(path, point)
    assert not report.raises
    assert report.unpriced and report.total.lo <= measure(path, point).total


def test_an_array_on_the_left_asks_numpy_first_not_the_instances_reflected_method(tmp_path):
    # `h * Gain(3.0)`: the flopscope array's __mul__ runs first and refuses the object (flopscope
    # raises for an object dtype); calling Gain.__rmul__ instead was a false exact
    path = tmp_path / "estimator.py"
    path.write_text(_program("""
class Gain:
    def __init__(self, g):
        self.g = g

    def __mul__(self, x):
        return x * self.g

    __rmul__ = __mul__
""", """
        h = Gain(2.0) * h
        h = h * Gain(3.0)
        """))
    point = Point(6, 2, 2**41)
    report = analyze(path, point)
    assert [u.what for u in report.unpriced][:1] == ["multiply"], report.unpriced
    with pytest.raises(Exception, match="not billable"):
        measure(path, point)


@pytest.mark.parametrize("point", [Point(8, 2, 2**41), Point(16, 3, 2**41)], ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("product", ["h @ Op(w)", "Op(w) @ h", "w @ Op(w)",
                                     "fnp.matmul(h, Op(w))", "fnp.matmul(Op(w), h)", "fnp.matmul(w, Op(w))"])
def test_matmul_of_a_flopscope_array_and_an_instance_raises_value_error(tmp_path, product, point):
    """flopscope's matmul takes the instance as a 0-d object array and einsum refuses it with a
    ValueError (charging nothing), never returning NotImplemented: Op's __rmatmul__ is not asked.
    Caught, the fallback's work is the run's: exact (it was unpriced, a lower bound). The call
    form `fnp.matmul(h, Op(w))` raises the same."""
    path = tmp_path / "estimator.py"
    path.write_text(_program("""
class Op:
    def __init__(self, w):
        self.w = w

    def __matmul__(self, v):
        return NotImplemented

    def __rmatmul__(self, v):
        return fnp.maximum(v @ self.w, 0.0)
""", f"""
        for w in mlp.weights:
            try:
                h = {product}
            except ValueError:
                STEP
        """))
    report = analyze(path, point)
    runtime = measure(path, point).total
    assert not report.unpriced and not report.raises, (report.unpriced, report.raises)
    assert report.total.exact and report.total.lo == runtime, (report.total, runtime)
