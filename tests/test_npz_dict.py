"""``fnp.load`` of an .npz, against the real flopscope (FINDINGS #48).

flopscope's ``load`` reads every member into a plain dict and closes the file, so the dict's
methods work (`in`, keys(), get(), items()) while numpy's NpzFile API does not: `.files` is an
AttributeError and `with fnp.load(path) as data:` a TypeError (a dict is no context manager).
``np.load`` (plain numpy) hands back the NpzFile, which has both.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

FOLDER = Path(__file__).resolve().parent / "fixtures" / "constructs" / "npz_dict"


@pytest.mark.parametrize("width,depth", [(8, 1), (16, 3)])
def test_the_dict_fnp_load_returns_steers_the_work_exactly(width, depth):
    path = FOLDER / "estimator.py"
    point = Point(width, depth, 2**41)
    report = analyze(path, point)
    assert not report.unpriced and not report.uncertain and not report.raises, (report.unpriced, report.raises)
    assert_exact_match(report, measure(path, point), f" at {width}x{depth}")


@pytest.mark.parametrize("use,error,line", [
    ("with fnp.load(str(HEAD)) as data:\n            self.coef = data['coef']", TypeError, 11),
    ("data = fnp.load(str(HEAD))\n        self.coef = data.files", AttributeError, 12)])
def test_numpys_npzfile_api_on_fnp_loads_dict_raises_in_setup(tmp_path, use, error, line):
    shutil.copy(FOLDER / "head.npz", tmp_path / "head.npz")
    path = tmp_path / "estimator.py"
    path.write_text(f"""\
from pathlib import Path

import flopscope.numpy as fnp
from whestbench import BaseEstimator

HEAD = Path(__file__).with_name("head.npz")


class Estimator(BaseEstimator):
    def setup(self, context):
        {use}

    def predict(self, mlp, budget):
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)
""")
    point = Point(8, 2, 10**6)
    report = analyze(path, point)
    assert [(r.span.line, r.exc_type, r.every_path, r.in_setup) for r in report.raises] == [
        (line, error.__name__, True, True)], report.raises
    with pytest.raises(error):
        measure(path, point)


@pytest.mark.parametrize("manager", ["Plain()", "[1, 2]", "3.0", "fnp.ones(2)"])
def test_with_of_a_value_that_is_no_context_manager_raises_typeerror(tmp_path, manager):
    path = tmp_path / "estimator.py"
    path.write_text(f"""\
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Plain:
    pass


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones(mlp.width) * 2.0
        with flops.budget_live(), fnp.errstate(over="ignore"):
            x = x + 1.0
        with {manager}:
            x = x + 1.0
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + x
""")
    point = Point(8, 2, 10**6)
    report = analyze(path, point)
    assert [(r.span.line, r.exc_type, r.every_path) for r in report.raises] == [(15, "TypeError", True)], report.raises
    with pytest.raises(TypeError, match="context manager"):
        measure(path, point)


@pytest.mark.parametrize("members", [
    {"coef": "<f8", "names": "<U3"},   # a text member: flopscope's _check_dtype refuses it
    {"coef": ">f8"},                   # big-endian float64: str(dtype) is '>f8', not on the whitelist
    {"coef": "<f4", "idx": "<i8"},     # both accepted
])
@pytest.mark.parametrize("loader", ["fnp.load(str(HEAD))", "np.load(str(HEAD))"])
def test_the_dtypes_of_loaded_members_decide_whether_load_raises(tmp_path, members, loader):
    # FINDINGS #65: fnp.load raises ValueError for a member whose str(dtype) is outside flopscope's
    # whitelist; flopcast took every member as loaded (a false exact when the program falls back)
    import numpy as np

    np.savez(tmp_path / "head.npz", **{k: np.zeros(3, dtype=dt) if dt[1] != "U" else np.array(["a", "b"])
                                       for k, dt in members.items()})
    path = tmp_path / "estimator.py"
    path.write_text(f"""\
from pathlib import Path

import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator

HEAD = Path(__file__).with_name("head.npz")


class Estimator(BaseEstimator):
    def setup(self, context):
        try:
            self.coef = {loader}["coef"]
        except ValueError:
            self.coef = None

    def predict(self, mlp, budget):
        h = fnp.ones(mlp.width)
        if self.coef is not None:
            h = h * 2.0
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + h
""")
    point = Point(8, 2, 10**6)
    report = analyze(path, point)
    assert not report.unpriced and not report.raises, (report.unpriced, report.raises)
    assert_exact_match(report, measure(path, point), f" with {members} by {loader}")


def test_arrays_of_numpys_own_load_are_plain_ndarrays_whose_arithmetic_is_free(tmp_path):
    # np.load's NpzFile holds plain ndarrays: numpy adds them for free, and only a flopscope
    # operand bills (np.interp of them in setup is numpy's own too)
    shutil.copy(FOLDER / "head.npz", tmp_path / "head.npz")
    path = tmp_path / "estimator.py"
    path.write_text("""\
from pathlib import Path

import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator

HEAD = Path(__file__).with_name("head.npz")


class Estimator(BaseEstimator):
    def setup(self, context):
        with np.load(HEAD) as data:
            self.coef = {k: data[k] for k in data.files}

    def predict(self, mlp, budget):
        first = next(iter(self.coef.values()))
        plain = np.add(first, first) * 2.0 + first.sum()
        return fnp.zeros((mlp.depth, mlp.width)) + float(np.sum(plain))
""")
    point = Point(8, 2, 10**6)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert_exact_match(report, measure(path, point))


def test_closing_numpys_npzfile_by_hand_is_priced(tmp_path):
    """`z = np.load(path); w = z["coef"]; z.close()` (the NpzFile closed without a with block):
    close() returns None and the arrays read before stay; flopcast left `close` unpriced, a
    lower bound for a fully known program."""
    from oracle import assert_exact_at

    shutil.copy(FOLDER / "head.npz", tmp_path / "head.npz")
    (tmp_path / "estimator.py").write_text("""\
from pathlib import Path

import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator

HEAD = Path(__file__).parent / "head.npz"


class Estimator(BaseEstimator):
    def setup(self, context):
        z = np.load(HEAD)
        self.coef = {k: z[k] for k in z.files}
        z.close()

    def predict(self, mlp, budget):
        x = fnp.ones(mlp.width)
        for w in mlp.weights:
            x = fnp.tanh(x @ w) * len(self.coef)
        return fnp.stack([x] * mlp.depth)
""")
    assert_exact_at(tmp_path, [Point(8, 2, 2**41), Point(16, 3, 2**41)])


def test_each_lookup_in_numpys_npzfile_is_a_new_array(tmp_path):
    """numpy's NpzFile reads a member anew at each `z["scale"]`: two lookups are two operands to
    flopscope, whose einsum of one array twice is priced as symmetric (and tags its result so).
    flopcast handed back one array: 153 FLOPs predicted for a run of 207 at 8x2, exact."""
    from oracle import assert_exact_at

    shutil.copy(FOLDER / "head.npz", tmp_path / "head.npz")
    (tmp_path / "estimator.py").write_text("""\
from pathlib import Path

import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator

HEAD = Path(__file__).parent / "head.npz"


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        with np.load(HEAD) as z:
            outer = fnp.einsum("i,j->ij", z["scale"], z["scale"])
        x = fnp.sum(outer @ outer)
        return fnp.zeros((mlp.depth, mlp.width)) + x
""")
    assert_exact_at(tmp_path, [Point(8, 2, 2**41), Point(16, 3, 2**41)])


MAPPING_READS = {
    "dict_of_it": "a, b = dict(z)['scale'], z['scale']",      # was a false raise: dict() took the keys as pairs
    "unpacked_into_a_dict": "a, b = {**z}['scale'], z['scale']",
    "values": "a, b = list(z.values())[2], z['scale']",
    "items": "a, b = dict(z.items())['scale'], z['scale']",
    "keys": "a, b = z[sorted(z.keys())[2]], z['scale']",
    "get_with_a_default": "a, b = z.get('nope', z['coef'])[:4], z.get('scale')",
    "membership": "a, b = z['scale'] if 'scale' in z else z['coef'], z['scale']",
    "len": "a, b = z['scale'] if len(z) == 3 else z['coef'], z['scale']",
    # a view reads the members again at each use, a bound get at each call
    "one_values_view_read_twice": "vs = z.values()\n            a, b = list(vs)[2], list(vs)[2]",
    "one_bound_get_called_twice": "get = z.get\n            a, b = get('scale'), get('scale')",
}


@pytest.mark.parametrize("read", MAPPING_READS.values(), ids=MAPPING_READS.keys())
def test_numpys_npzfile_reads_as_a_mapping_of_members_read_anew(tmp_path, read):
    """numpy's NpzFile is a Mapping: dict(z), {**z}, keys/values/items/get, `in` and len() read
    its members (each lookup a new array). They were unpriced or, for dict(z), a false raise."""
    from oracle import assert_exact_at

    shutil.copy(FOLDER / "head.npz", tmp_path / "head.npz")
    (tmp_path / "estimator.py").write_text(f"""\
from pathlib import Path

import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator

HEAD = Path(__file__).parent / "head.npz"


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        with np.load(HEAD) as z:
            {read}
            outer = fnp.einsum("i,j->ij", a, b)
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(outer @ outer)
""")
    assert_exact_at(tmp_path, [Point(8, 2, 2**41), Point(16, 3, 2**41)])
