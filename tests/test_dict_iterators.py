"""Iterators over dicts and lists (iter, enumerate, zip) that the program changes after it made
them, or inside the loop that runs over them: each against flopscope at two sizes (huntA, s23).

Python's dict iterator raises RuntimeError ("dictionary changed size during iteration") at the
next item once the dict's size changed; a list iterator reads the live list. The analyzer took a
copy of the items when the iterator was made, so each program below was a false exact: the
loop ran its body for items Python never handed out (or missed the ones it did).
"""

from __future__ import annotations

import pytest
from oracle import assert_first_call_below_run, assert_first_call_exact
from test_interpreter_semantics import _program

from flopcast.model import Point

EXACT = {
    # iter(d.items()) made, then a key added: the first next() raises
    "an_iterator_over_a_dict_that_grew_raises_at_its_first_item": ("", """
        d = {0: 1.0, 1: 2.0}
        it = iter(d.items())
        d[3] = 4.0
        try:
            for k, v in it:
                STEP
        except RuntimeError:
            for _ in range(mlp.depth):
                STEP
        """),
    "iter_of_a_dict_then_a_pop_raises_at_next": ("", """
        d = {i: i for i in range(mlp.depth + 2)}
        it = iter(d)
        STEP
        del d[0]
        try:
            next(it)
        except RuntimeError:
            STEP
        """),
    # the body of a loop over enumerate(d) adds a key: the second step raises
    "a_loop_over_enumerate_of_a_dict_whose_body_adds_a_key_raises": ("", """
        d = {0: 1.0, 1: 2.0, 2: 3.0}
        try:
            for i, k in enumerate(d):
                STEP
                d[k + 10] = 1.0
        except RuntimeError:
            for _ in range(mlp.depth):
                STEP
        """),
    # a comprehension that appends to the list it runs over reads the live list (it ran the
    # items the list held when it started: 4 steps where Python runs mlp.depth + 3)
    "a_comprehension_appending_to_its_own_list_runs_the_new_items": ("", """
        lst = [1, 2]
        made = [lst.append(x) for x in lst if len(lst) < mlp.depth + 3]
        for _ in lst:
            STEP
        """),
}

LOWER = {
    # a list iterator reads the live list: iter(lst) sees an item appended after it was made
    "iter_of_a_list_then_an_append": ("", """
        lst = [1, 2]
        it = iter(lst)
        lst.append(3)
        for x in it:
            STEP
        """),
    # zip(lst, ...) reads lst as it is at each step: items the body appends are handed out
    "a_loop_over_zip_of_a_list_the_body_appends_to": ("", """
        lst = [1, 2]
        for a, b in zip(lst, range(mlp.depth + 5)):
            STEP
            if len(lst) < 4:
                lst.append(a)
        """),
    # a comprehension over zip/enumerate of a list it appends to reads the live list, as a
    # `for` loop does (it ran the items the list held when zip was made: a false exact)
    "a_comprehension_over_zip_of_a_list_it_appends_to": ("", """
        lst = [1, 2]
        made = [lst.append(a) for a, b in zip(lst, range(mlp.depth + 5)) if len(lst) < mlp.depth + 3]
        for _ in lst:
            STEP
        """),
    "a_comprehension_over_enumerate_of_a_list_it_appends_to": ("", """
        lst = [1, 2]
        made = [lst.append(a) for i, a in enumerate(lst) if len(lst) < mlp.depth + 3]
        for _ in lst:
            STEP
        """),
    # the same keys changed at the same size: not modelled
    "an_iterator_over_a_dict_whose_keys_changed": ("", """
        d = {0: 1.0, 1: 2.0}
        it = iter(d)
        del d[0]
        d[5] = 1.0
        try:
            for k in it:
                STEP
        except RuntimeError:
            STEP
        """),
}


@pytest.mark.parametrize("width,depth", [(6, 2), (9, 3)])
@pytest.mark.parametrize("name", sorted(EXACT))
def test_exact_and_equal_to_flopscope(name, width, depth, tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(_program(*EXACT[name]))
    assert_first_call_exact(path, Point(width, depth, 2**41))


@pytest.mark.parametrize("width,depth", [(6, 2), (9, 3)])
@pytest.mark.parametrize("name", sorted(LOWER))
def test_a_lower_bound_at_most_flopscopes_count(name, width, depth, tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(_program(*LOWER[name]))
    assert_first_call_below_run(path, Point(width, depth, 2**41))
