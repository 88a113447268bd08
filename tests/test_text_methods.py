"""The text Python makes of an object runs the object's own text methods.

print(), `%` formatting, str.format and format() ask an instance of the user's classes for its
``__str__``/``__repr__``/``__format__`` (the repr of each item of a list or dict printed); a
``__repr__`` that reads a norm charges flopscope for it. flopcast called none of them in these
forms (only str(), repr() and f-strings): a debug print of such an object was a false "exact".
Each form is checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_at

from flopcast.model import Point

POINTS = (Point(16, 2, 2**41), Point(32, 3, 2**41))

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Probe:
        def __init__(self, w):
            self.w = w

        def __repr__(self):
            return f"Probe(norm={{float(fnp.linalg.norm(self.w @ self.w)):.2f}})"

        def __format__(self, spec):
            return format(float(fnp.sum(self.w)), spec)


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            p = Probe(mlp.weights[0])
            text = {text}
            x = fnp.ones(mlp.width) * len(str(text))
            return fnp.stack([x] * mlp.depth)
    """

FORMS = {
    "print": "print(p)",
    "print_of_a_list_and_a_dict": "print('probe', [p], {'k': p}, sep=' ')",
    "percent_s": "'%s' % (p,)",
    "percent_r_of_one_object": "'%r' % p",
    "str_format": "'{} and {!r}'.format(p, p)",
    "str_format_with_a_spec": "'{:.3f}'.format(p)",
    "format_builtin": "format(p, '.2f')",
}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_the_text_methods_python_calls_are_run_and_charged(tmp_path, form):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(text=form)))
    assert_exact_at(path, POINTS)
