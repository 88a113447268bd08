"""An element of an index array (an argsort's, an argpartition's) keeps the bounds of its values:
``int(order[0])`` is an integer read from data within ``[0, n)``, and picking a dict's value or a
list's item by it is analysed at every value of that range (dataints.position), as
``int(fnp.argmax(scores))`` is. It was an integer with no bounds: the pick was unpriced, a lower
bound (the corpus's expert_gate picks its experts by ``argpartition`` of the gate's scores).
"""

from __future__ import annotations

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """
import flopscope.numpy as fnp
from whestbench import BaseEstimator


def cheap(w):
    return fnp.sum(w, axis=0)


def dear(w):
    return fnp.sum(w @ w, axis=0)


def dearer(w):
    return fnp.sum(w @ w @ w, axis=0)


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        experts = {pick}
        rows = []
        for w in mlp.weights:
            scores = fnp.stack([fnp.max(w), fnp.min(w), fnp.mean(w)])
            rows.append(experts[{index}](w))
        return fnp.stack(rows)
"""

CASES = {
    "dict by argpartition": ("{0: cheap, 1: dear, 2: dearer}", "int(fnp.argpartition(-scores, 0)[:1][0])"),
    "list by argsort": ("[cheap, dear, dearer]", "int(fnp.argsort(scores)[-1])"),
    "dict by an iterated argsort": ("{0: cheap, 1: dear, 2: dearer}", "[int(i) for i in fnp.argsort(scores)][0]"),
    # numpy's integer scalar is a dict key as the int it equals, without int()
    "dict by an argsort's element": ("{0: cheap, 1: dear, 2: dearer}", "fnp.argsort(scores)[-1]"),
    "dict by an argpartition's element": ("{0: cheap, 1: dear, 2: dearer}", "fnp.argpartition(-scores, 0)[:1][0]"),
    "dict by an iterated argsort's element": ("{0: cheap, 1: dear, 2: dearer}", "[i for i in fnp.argsort(scores)][0]"),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("point", (Point(8, 2, 10**7), Point(16, 3, 10**7)), ids=lambda p: f"{p.width}x{p.depth}")
def test_an_item_picked_by_an_element_of_an_index_array_is_priced_at_every_value(tmp_path, case, point):
    pick, index = CASES[case]
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.replace("{pick}", pick).replace("{index}", index))
    report = analyze(path, point)
    run = measure(path, point).total
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    # its ends are the runs that pick the cheapest, and the dearest, expert at every layer
    assert (report.total.lo, report.total.hi) == (_picking_only(tmp_path, "cheap", index, point),
                                                  _picking_only(tmp_path, "dearer", index, point))
    assert report.total.contains(run)


def _picking_only(tmp_path, name, index, point) -> int:
    path = tmp_path / f"{name}_only.py"
    path.write_text(PROGRAM.replace("{pick}", f"[{name}, {name}, {name}]").replace("{index}", index))
    return measure(path, point).total


#: ``experts[...]`` of the program above, as other lookups by an argsort's element write it
LOOKUPS = {
    "dict.get": ("{0: cheap, 1: dear, 2: dearer}", "experts.get(fnp.argsort(scores)[-1], cheap)(w)"),
    # the test and the lookup ask one site: no path tests one value and looks another up (KeyError)
    "in, then the lookup": ("{1: dear, 2: dearer}",
                            "(experts[k] if (k := fnp.argsort(scores)[-1]) in experts else cheap)(w)"),
}


@pytest.mark.parametrize("case", LOOKUPS)
@pytest.mark.parametrize("point", (Point(8, 2, 10**7), Point(16, 3, 10**7)), ids=lambda p: f"{p.width}x{p.depth}")
def test_a_dict_looked_up_otherwise_by_an_element_of_an_index_array_is_priced_at_every_value(tmp_path, case, point):
    pick, lookup = LOOKUPS[case]
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.replace("{pick}", pick).replace("experts[{index}](w)", lookup))
    report = analyze(path, point)
    run = measure(path, point).total
    assert not report.unpriced and not report.raises
    index = "fnp.argsort(scores)[-1]"
    assert (report.total.lo, report.total.hi) == (_picking_only(tmp_path, "cheap", index, point),
                                                  _picking_only(tmp_path, "dearer", index, point))
    assert report.total.contains(run)


@pytest.mark.parametrize("index", ["np.int64(2)", "np.uint8(0)", "np.array([0, 2])[1]"])
def test_a_numpy_integer_of_known_value_looks_its_dict_key_up(tmp_path, index):
    path = tmp_path / "estimator.py"
    path.write_text("import numpy as np\n" + PROGRAM.replace("{pick}", "{0: cheap, 1: dear, 2: dearer}")
                    .replace("{index}", index))
    point = Point(8, 2, 10**7)
    report = analyze(path, point)
    assert report.exact and report.total.lo == measure(path, point).total, (report.total, report.unpriced)


def test_a_plain_numpy_reduction_used_as_a_dict_key_is_not_claimed_unhashable(tmp_path):
    # np.argmax returns a numpy integer (hashable): the run looks the expert up; a 0-d ndarray would
    # raise TypeError, and flopcast holds both alike, so the lookup ends the priced path
    path = tmp_path / "estimator.py"
    path.write_text("import numpy as np\n" + PROGRAM.replace("{pick}", "{0: cheap, 1: dear, 2: dearer}")
                    .replace("{index}", "np.argmax(np.array([1.0, 5.0, 2.0]))"))
    point = Point(8, 2, 10**7)
    report = analyze(path, point)
    assert not report.raises and report.lower_bound
    assert report.total.lo <= measure(path, point).total


#: one element of an argsort picks from a dict directly and from a list ordered the other way
#: through int(): whichever it is, the layer costs one cheap and one dear expert
OPPOSED = PROGRAM.replace(", fnp.mean(w)])", "])").replace("rows.append(experts[{index}](w))",
                          "k = fnp.argsort(scores)[-1]\n"
                          "            rows.append(experts[k](w) + [dear, cheap][{index}](w))")


@pytest.mark.parametrize("index", ["int(k)", "round(k)"])
@pytest.mark.parametrize("point", (Point(8, 2, 10**7), Point(16, 3, 10**7)), ids=lambda p: f"{p.width}x{p.depth}")
def test_an_element_read_again_by_int_asks_the_site_of_its_dict_lookup(tmp_path, index, point):
    # int(k) was a site of its own line: its paths mixed values the one element cannot hold at once
    path = tmp_path / "estimator.py"
    path.write_text(OPPOSED.replace("{pick}", "{0: cheap, 1: dear}").replace("{index}", index))
    report = analyze(path, point)
    assert not report.unpriced and not report.raises
    assert report.total.lo == report.total.hi == measure(path, point).total


@pytest.mark.parametrize("pick,index,said", [
    ("{0: cheap, 1: dear, 2: dearer}", "fnp.argsort(scores)[-1]", "a dict entry is looked up"),
    ("[cheap, dear, dearer]", "int(fnp.argsort(scores)[-1])", "an item of a list is picked"),
])
def test_the_site_says_whether_a_dict_or_a_list_is_read(tmp_path, pick, index, said):
    # a dict's lookup was reported as "an item of a list is picked"
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.replace("{pick}", pick).replace("{index}", index))
    report = analyze(path, Point(8, 2, 10**7))
    assert [u.reason.split(" by ")[0] for u in report.uncertain] == [said]
