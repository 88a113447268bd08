"""A loop probe's walk (counters.LeafCanon) writes a plain float as a call key's walk
(canonical.Canon) writes it, and keeps that form on the Known: a module's float constants and a
class's float defaults are written at every probe of every steady loop, and a float's hex text
was made afresh each time."""

from __future__ import annotations

from flopcast.analyzer.canonical import Canon
from flopcast.analyzer.counters import LeafCanon
from flopcast.analyzer.values import Known


def test_a_float_is_written_as_a_call_key_writes_it() -> None:
    number = Known(0.1)
    assert LeafCanon().form(number) == Canon().form(number) == ("K", ("float", (0.1).hex()))


def test_a_floats_form_is_made_once_per_known() -> None:
    number = Known(1e30)
    first = LeafCanon().form(number)
    assert LeafCanon().form(number) is first
    assert LeafCanon().names({"RESCALE_AT": number}) == (("RESCALE_AT", first),)


def test_a_watched_float_is_still_a_slot() -> None:
    number = Known(0.5)
    assert LeafCanon(blind={id(number)}).form(number) == ("ctr", 0)
