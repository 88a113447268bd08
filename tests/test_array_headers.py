"""The shape and dtype of an .npy member, read from its header without numpy, are numpy's own.

analyzer/arrayfiles.py reads a plain header (format 1.0, C order, a little-endian numeric
dtype) itself, so a submission shipping weights does not cost the analysis numpy's import; any
other header goes to numpy's parser. Both must give what ``numpy.lib.format`` reads, and a
plain 0-d member's value and a small plain member's elements (complex ones excepted) must be
what numpy loads.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from numpy.lib import format as npformat

from flopcast.analyzer import arrayfiles

PLAIN = ["bool", "int8", "uint8", "int16", "int32", "int64", "uint16", "uint32", "uint64",
         "float16", "float32", "float64", "complex64", "complex128"]
OTHER = [">f8", ">i4", "U3", "S2", "datetime64[s]", [("a", "<f4"), ("b", "<i8")]]
SHAPES = [(), (3,), (2, 0, 4), (1024, 1024)]


def _saved(dtype, shape, order: str = "C", fill=0) -> io.BytesIO:
    buffer = io.BytesIO()
    np.save(buffer, np.full(shape, fill, dtype=dtype, order=order))
    buffer.seek(0)
    return buffer


def _numpy_reads(buffer: io.BytesIO):
    buffer.seek(0)
    npformat.read_magic(buffer)
    shape, _, dtype = npformat.read_array_header_1_0(buffer)
    buffer.seek(0)
    value = None
    if dtype.kind in "biuf" and dtype.byteorder in "<|=":
        loaded = np.load(buffer)
        value = loaded.item() if shape == () else loaded if 0 < loaded.size <= 4096 else None
    return tuple(shape), dtype.name if dtype.kind in "biufc" else None, value


def _same(read, loaded) -> bool:
    (shape, name, value), (shape_, name_, value_) = read, loaded
    if (shape, name) != (shape_, name_) or (value is None) != (value_ is None):
        return False
    if isinstance(value_, np.ndarray):  # the elements, as a read-only array of the member's dtype
        return value.dtype == value_.dtype and np.array_equal(value, value_) and not value.flags.writeable
    return value == value_


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", PLAIN)
def test_a_plain_header_is_read_without_numpy_as_numpy_reads_it(dtype, shape):
    buffer = _saved(dtype, shape, fill=3)
    assert arrayfiles._plain_header(buffer) is not None
    buffer.seek(0)
    assert _same(arrayfiles._header(buffer), _numpy_reads(buffer))


@pytest.mark.parametrize("dtype", PLAIN)
def test_a_plain_0d_members_value_is_the_one_numpy_loads(dtype):
    buffer = _saved(dtype, (), fill=3)
    shape, name, value = arrayfiles._header(buffer)
    assert (shape, name, value) == _numpy_reads(buffer)
    assert value == (None if name.startswith("complex") else True if name == "bool" else 3)


@pytest.mark.parametrize("dtype", OTHER, ids=str)
def test_any_other_header_is_left_to_numpy(dtype):
    buffer = _saved(dtype, (2, 3))
    assert arrayfiles._plain_header(buffer) is None
    buffer.seek(0)
    assert arrayfiles._header(buffer) == _numpy_reads(buffer)


def test_a_fortran_order_header_is_left_to_numpy():
    buffer = _saved("float32", (2, 3), order="F")
    assert arrayfiles._plain_header(buffer) is None
    buffer.seek(0)
    assert arrayfiles._header(buffer) == ((2, 3), "float32", None)


def test_an_object_array_is_refused_as_before():
    buffer = io.BytesIO()
    np.save(buffer, np.array([1, "a"], dtype=object), allow_pickle=True)
    buffer.seek(0)
    with pytest.raises(arrayfiles.OpError, match="pickle"):
        arrayfiles._header(buffer)
