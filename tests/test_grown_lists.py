"""A while loop's exit reads a list signed again at every loop head (Interpreter.loop_state):
GrownLists keeps the signatures of the items at the list's front and gives exactly what
values.signature gives, whatever happened to the list since the last signing."""

from __future__ import annotations

from flopcast.analyzer.grown_lists import GrownLists
from flopcast.analyzer.values import Array, Known, ListVal, Unknown, signature


def _signed_alike(lists: GrownLists, value) -> None:
    assert lists.signature(value) == signature(value)


def test_a_list_grown_by_one_number_a_step_signs_as_a_whole_signing():
    lists, hist = GrownLists(), ListVal([Known(0.0), Known(1.0)])
    for step in range(50):
        hist.items.append(Known(step / 7))
        _signed_alike(lists, hist)


def test_items_replaced_popped_or_regrown_are_signed_again():
    lists, hist = GrownLists(), ListVal([Known(i) for i in range(10)])
    _signed_alike(lists, hist)
    hist.items[3] = Known(True)  # equal to 1 as a number, another signature
    _signed_alike(lists, hist)
    hist.items.pop()
    hist.items.pop()
    hist.items.append(Known("text"))
    _signed_alike(lists, hist)
    hist.items[:] = [Known(1.0)] * 4
    _signed_alike(lists, hist)
    hist.items.clear()
    _signed_alike(lists, hist)


def test_items_whose_signature_can_change_in_place_are_signed_again():
    """A set held in a Known, an array whose symmetry an in-place write drops, an inner list."""
    lists = GrownLists()
    held, square, inner = Known({1, 2}), Array((4, 4), "float64", sym=((0, 1),)), ListVal([Known(1)])
    hist = ListVal([Known(0), Unknown("", None, "x"), held, square, inner, Known(5)])
    _signed_alike(lists, hist)
    held.value.add(3)
    square.sym = None
    inner.items.append(Known(2))
    hist.items.append(Known(6))
    _signed_alike(lists, hist)


def test_a_value_not_a_list_is_signed_as_signature_signs_it():
    lists = GrownLists()
    for value in (Known(3), Unknown("", None, "x"), Array((2,), "float32")):
        _signed_alike(lists, value)
