"""A generator reading a class's or a module's attribute that its consumer changes between items.

flopcast runs a generator's body whole before its consumer and checks that nothing the body
reads (its arguments, the names it mentions) changed under the consumer; a class or a module
was compared by identity only, so ``Knobs.rows += 4`` or ``knobs.ROWS += 4`` in the loop body
went unseen: every item was the value before the first change, and flopcast claimed an exact
count (4,416 at 8x2) the run does not make (10,944): a false exact.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_at, measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

ESTIMATOR = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator
    {imports}


    def plan(k):
        for _ in range(k):
            yield {read}


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            {read} = 4
            tot = fnp.zeros(mlp.width)
            for m in plan(4):
                x = fnp.ones((m, mlp.width)) @ mlp.weights[0]
                tot = tot + fnp.sum(x, axis=0)
                {read} += 4
            return fnp.zeros((mlp.depth, mlp.width)) + tot
    """

CASES = {
    "class_attribute": ("class Knobs:\n        rows = 4", "Knobs.rows"),
    "module_attribute": ("import knobs", "knobs.ROWS"),
}


@pytest.mark.parametrize("imports, read", CASES.values(), ids=CASES.keys())
def test_a_changed_class_or_module_attribute_is_not_a_stale_item(tmp_path, imports, read):
    (tmp_path / "knobs.py").write_text("ROWS = 4\n")
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(ESTIMATOR).format(imports=imports.replace("\n    ", "\n"), read=read))
    for point in (Point(8, 2, 2**41), Point(16, 3, 2**41)):
        report = analyze(path, point)
        run = measure(path, point).total
        assert not (report.total.exact and not report.unpriced), f"claimed exact {report.total}, run {run:,}"
        assert report.total.lo <= run


DEEP = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Node:
        pass


    class Estimator(BaseEstimator):
        def plan(self, k):
            for _ in range(k):
                yield self.a.b.c.d.rows

        def predict(self, mlp, budget):
            self.a = Node(); self.a.b = Node(); self.a.b.c = Node(); self.a.b.c.d = Node()
            self.a.b.c.d.rows = 4
            self.a.b.c.d.back = self.a  # a cycle: followed once
            tot = fnp.zeros(mlp.width)
            for m in self.plan(4):
                x = fnp.ones((m, mlp.width)) @ mlp.weights[0]
                tot = tot + fnp.sum(x, axis=0)
                self.a.b.c.d.rows += 4
            return fnp.zeros((mlp.depth, mlp.width)) + tot
    """


def test_an_attribute_deep_inside_an_argument_is_compared(tmp_path):
    """signature() stops three levels into objects: the generator check follows them further."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(DEEP))
    for point in (Point(8, 2, 2**41), Point(16, 3, 2**41)):
        report = analyze(path, point)
        run = measure(path, point).total
        assert not (report.total.exact and not report.unpriced), f"claimed exact {report.total}, run {run:,}"
        assert report.total.lo <= run


# The other way round: the generator's body changes what the consumer reads.
PRODUCER = """\
    import functools
    import itertools

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    LOG = []


    def producer(log, k):
        for i in range(k):
            log.append(i)
            yield i


    def sizer(log, k):
        for _ in range(k):
            yield 4 * len(log)


    def size():
        return 4 * len(LOG)


    TABLE = {"size": lambda: 4 * len(LOG)}


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            LOG.clear()
            tot = fnp.zeros(mlp.width)
            {loop}
                x = fnp.ones((m, mlp.width)) @ mlp.weights[0]
                tot = tot + fnp.sum(x, axis=0)
            return fnp.zeros((mlp.depth, mlp.width)) + tot
    """

CONSUMERS = {
    # zip makes the sizer's items between the producer's: each sees the log as far as the producer got
    "zip_of_a_producer_and_a_reader": "for i, m in zip(producer(LOG, 4), sizer(LOG, 4)):",
    # a function the loop's body calls reads the global the producer appends to
    "a_called_function_reads_it": "for i in producer(LOG, 4):\n        m = size()",
    # a lambda found in a dispatch table reads it
    "a_dispatch_table_entry_reads_it": "for i in producer(LOG, 4):\n        m = TABLE['size']()",
    # a call flopcast does not follow (a call's result called): it may read anything
    "an_opaque_call_may_read_it": "for i in producer(LOG, 4):\n        m = (lambda: size)()()",
    # a comprehension's element reads it, item by item
    "a_comprehension_element_reads_it": "for m in [size() for i in producer(LOG, 4)]:",
    # map's function reads it, item by item
    "a_mapped_function_reads_it": "for m in map(lambda i: size(), producer(LOG, 4)):",
    "a_mapped_function_over_a_list_of_it": "for m in list(map(lambda i: size(), producer(LOG, 4))):",
    # max's key and reduce's function run between the items
    "a_max_key_reads_it": "for m in [max(producer(LOG, 4), key=lambda i: size() * 0 + i) + 4]:",
    "a_reduce_function_reads_it": "for m in [functools.reduce(lambda a, i: a + size(), producer(LOG, 3), 0)]:",
    "an_accumulate_function_reads_it": "for m in itertools.accumulate(producer(LOG, 3), lambda a, i: size(), initial=4):",
    # next() in a loop: the code between the calls reads the global
    "next_then_a_read": "gen = producer(LOG, 4)\n    for _ in range(4):\n        i = next(gen)\n        m = 4 * len(LOG)",
}


@pytest.mark.parametrize("loop", CONSUMERS.values(), ids=CONSUMERS.keys())
def test_a_consumer_reading_what_the_generator_changes_is_no_exact_count(tmp_path, loop):
    path = tmp_path / "estimator.py"
    body = textwrap.dedent(PRODUCER).replace("{loop}", loop.replace("\n", "\n    "))
    path.write_text(body)
    for point in (Point(8, 2, 2**41), Point(16, 3, 2**41)):
        report = analyze(path, point)
        run = measure(path, point).total
        assert not (report.total.exact and not report.unpriced), f"claimed exact {report.total}, run {run:,}"
        assert report.total.lo <= run


CALLEE = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    CFG = {"rows": 4}


    def rows_of():
        return CFG["rows"]


    def plan(k):
        for _ in range(k):
            yield rows_of()


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            CFG["rows"] = 4
            tot = fnp.zeros(mlp.width)
            for m in plan(4):
                x = fnp.ones((m, mlp.width)) @ mlp.weights[0]
                tot = tot + fnp.sum(x, axis=0)
                CFG["rows"] += 4
            return fnp.zeros((mlp.depth, mlp.width)) + tot
    """


def test_what_a_function_the_generator_calls_reads_is_compared(tmp_path):
    """The generator's body mentions only rows_of; rows_of reads the dict the consumer changes."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(CALLEE))
    for point in (Point(8, 2, 2**41), Point(16, 3, 2**41)):
        report = analyze(path, point)
        run = measure(path, point).total
        assert not (report.total.exact and not report.unpriced), f"claimed exact {report.total}, run {run:,}"
        assert report.total.lo <= run


METHOD_GENERATOR = """
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def __init__(self):
            self.events = []
            self.rows = 4

        def layers(self, mlp, period):
            since = 0
            for i, w in enumerate(mlp.weights):
                due = since + 1 >= period
                since = 0 if due else since + 1
                yield i, w, {item}

        def predict(self, mlp, budget):
            self.rows = 4
            x = fnp.ones(mlp.width)
            rows = []
            for i, w, due in self.layers(mlp, 2):
                x = fnp.tanh(x @ w)
                if due:
                    x = fnp.ones((self.rows, mlp.width)).sum(axis=0) * x
                self.events.append(i)
                self.rows += 4
                rows.append(x)
            return fnp.stack(rows)
"""


@pytest.mark.parametrize("point", [Point(8, 3, 2**41), Point(16, 4, 2**41)], ids=lambda p: p.label())
def test_a_method_generator_that_never_names_self_is_not_refused_over_changes_to_self(tmp_path, point):
    """`for i, w, due in self.layers(mlp, 2):` with the loop changing self (a log, a counter):
    the generator's body never names `self`, so nothing it hands over depends on it; the
    path was ended as "generator over changed state" (unpriced, a lower bound)."""
    path = write_program(tmp_path, METHOD_GENERATOR, item="due")
    assert_exact_at(path, [point])


def test_a_method_generator_that_reads_self_is_still_refused_when_the_loop_changes_it(tmp_path):
    """The same generator handing out `self.rows` (which the loop grows): a body run whole ahead
    would hand out the first value every time, so the path still ends (a lower bound)."""
    path = write_program(tmp_path, METHOD_GENERATOR, item="due and self.rows")
    point = Point(8, 3, 2**41)
    report = analyze(path, point)
    assert report.lower_bound and any(u.what == "generator over changed state" for u in report.unpriced)
    assert report.total.lo <= measure(path, point).total



STAGE = """
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    def layers(mlp):
        x = fnp.ones(mlp.width)
        for w in mlp.weights:
            x = fnp.maximum(w.T @ x, 0.0)
            yield x


    def stage(xs):
        {body}


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            {take}
            return fnp.zeros((mlp.depth, mlp.width)) + first
"""

#: a stage's body taking the items of the generator it is handed one at a time
STAGES = {"enumerate": "for i, x in enumerate(xs):\n        yield x + float(i)",
          "zip": "for i, x in zip(range(99), xs):\n        yield x + float(i)",
          "next": "while True:\n        try:\n            x = next(xs)\n        except StopIteration:\n"
                  "            return\n        yield x * 2.0"}


@pytest.mark.parametrize("point", [Point(8, 4, 2**41), Point(16, 3, 2**41)], ids=lambda p: p.label())
@pytest.mark.parametrize("body", STAGES.values(), ids=STAGES.keys())
def test_next_of_a_stage_taking_items_one_at_a_time_is_exact(tmp_path, body, point):
    """`next(stage(layers(mlp)))`: how far the stage's body took ``layers`` is no state the code
    after next() reads (nothing else holds ``layers``'s generator); the path was ended as
    "generator over changed state", a lower bound of 0."""
    path = write_program(tmp_path, STAGE, body=body.replace("\n", "\n    "),
                         take="first = next(stage(layers(mlp)))")
    assert_exact_at(path, [point])

