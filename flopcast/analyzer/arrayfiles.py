"""Shapes and dtypes of .npy / .npz files shipped beside the estimator, from headers only.

numpy's header parser reads a literal dict (``numpy.lib.format``); no array data and
no pickle is ever loaded.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Optional

from flopcast import installed
from flopcast.analyzer.ops import OpError, OpRaises
from flopcast.analyzer.values import Array, NpzFile, Unknown, Value


def _header(handle, where: str = "", flopscope_load: bool = False) -> tuple[tuple[int, ...], Optional[str]]:
    from numpy.lib import format as npformat

    version = npformat.read_magic(handle)
    if version == (1, 0):
        shape, fortran, dtype = npformat.read_array_header_1_0(handle)
    else:
        shape, fortran, dtype = npformat.read_array_header_2_0(handle)
    if dtype.hasobject:
        if flopscope_load:  # numpy refuses it under fnp.load's allow_pickle=False
            raise OpRaises("ValueError", "Object arrays cannot be loaded when allow_pickle=False")
        raise OpError("the array file holds Python objects (pickle); flopscope's load refuses those")
    if flopscope_load and str(dtype) not in installed.load_dtypes():
        # flopscope/_io.py's _check_dtype: str(dtype) must be a whitelisted name ('>f8' is not)
        raise OpRaises("ValueError", f"{where}: dtype {dtype!r} is not supported. Only numeric arrays "
                                     "may be saved/loaded (object dtype would require pickle).")
    if dtype.kind not in "biufc":
        return tuple(shape), None  # text, dates, ...: numpy loads them; flopcast does not model them
    return tuple(shape), dtype.name


def _meta(handle) -> dict:
    """flops.Module.save's config: JSON text stored as a uint8 array (flopscope/_io.py's
    ``_decode_meta``). Read as data with pickling refused; nothing in it is executed."""
    import json

    from numpy.lib import format as npformat

    data = npformat.read_array(handle, allow_pickle=False)
    if data.dtype.name != "uint8":
        raise ValueError("the __meta__ member is not JSON text")
    meta = json.loads(bytes(data.tobytes()).decode("utf-8"))
    if not isinstance(meta, dict):
        raise ValueError("the __meta__ member is not a JSON object")
    return meta


def read_arrays(root: Path, name: str, flopscope_load: bool = False) -> Value:
    """The arrays of an .npy/.npz file beside the estimator, from their headers. With
    ``flopscope_load`` (``fnp.load``, not ``np.load``), a member flopscope refuses (a dtype
    outside its whitelist, Python objects) raises the ValueError flopscope raises."""
    path = (root / name).resolve()
    try:
        path.relative_to(root)
    except ValueError:
        raise OpError(f"{name} is outside the submission folder; the grader only has files beside estimator.py")
    if not path.exists():
        raise OpError(f"{path.name} does not exist beside the estimator; ship it in the submission folder")
    try:
        if path.suffix == ".npz":
            arrays = {}
            meta = None
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    if member.endswith(".npy"):
                        with archive.open(member) as handle:  # (fnp.load decodes __meta__, never checks it)
                            shape, dtype = _header(handle, f"load[{member[:-4]}]",
                                                   flopscope_load and member != "__meta__.npy")
                        arrays[member[:-4]] = Array(shape, dtype) if dtype is not None else Unknown(
                            "", None, f"member {member[:-4]!r} of {path.name} holds data that is not numeric")
                if "__meta__.npy" in archive.namelist():
                    with archive.open("__meta__.npy") as handle:
                        meta = _meta(handle)
            return NpzFile(arrays, meta)
        with path.open("rb") as handle:
            shape, dtype = _header(handle, "load", flopscope_load)
        if dtype is None:
            raise OpError(f"{path.name} holds data that is not numeric, which flopcast does not model")
        return Array(shape, dtype)
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise OpError(f"cannot read the header of {path.name}: {exc}")
