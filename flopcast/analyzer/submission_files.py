"""Paths to files beside the estimator, and questions about them, answered statically.

``Path(__file__).parent / "head.npz"``, ``.with_name(...)``, ``os.path.join(dirname(__file__),
...)`` are pure string computations: the analyzer evaluates them on ``PurePosixPath`` (which
never touches the file system). ``.exists()``, ``.is_file()``, ``os.path.isfile(...)`` are
answered by looking into the submission folder — whestbench ships exactly that folder — and
nowhere else: a path outside it, or a relative one (its meaning depends on the grader's
working directory), gives a value-dependent truth value instead.
"""

from __future__ import annotations

import io
import os
import posixpath
from pathlib import Path, PurePosixPath
from typing import Optional

from flopcast.analyzer.values import BoundLib, Known, Unknown, Value

#: Attributes of a path that are pure functions of its text.
_PURE_ATTRS = {"parent", "name", "stem", "suffix", "suffixes", "parts", "anchor", "parents"}
#: Methods of a path that are pure functions of its text and their known arguments.
_PURE_METHODS = {"with_name", "with_suffix", "with_stem", "joinpath", "as_posix", "is_absolute",
                 "relative_to", "is_relative_to", "match", "__truediv__", "__str__", "__fspath__"}
#: Methods answered from the submission folder.
_FOLDER_METHODS = {"exists", "is_file", "is_dir", "resolve", "absolute", "expanduser", "read_text", "read_bytes"}
#: Larger files beside the estimator are not read (their contents stay unknown).
MAX_READ = 1 << 20
#: os.path functions that only compute on text.
_OS_PATH_PURE = {"join", "dirname", "basename", "split", "splitext", "normpath", "isabs"}
_OS_PATH_FOLDER = {"exists", "isfile", "isdir", "abspath", "realpath"}


def _text(v: Value) -> Optional[str]:
    if isinstance(v, Known) and isinstance(v.value, (str, PurePosixPath)):
        return str(v.value)
    return None


def make_path(args: list, span, reason: str = "a path built from values that are not known") -> Value:
    """``pathlib.Path(*parts)`` of known strings and paths."""
    parts = [_text(a) for a in args]
    if any(p is None for p in parts):
        return Unknown("", span, reason)
    return Known(PurePosixPath(*parts)) if parts else Known(PurePosixPath("."))


def path_attr(p: PurePosixPath, name: str) -> Optional[Value]:
    """An attribute of a known path: a pure value, or a method the interpreter calls later."""
    if name in _PURE_ATTRS:
        value = getattr(p, name)
        return Known(tuple(value) if name == "parents" else value)
    if name in _PURE_METHODS:
        return Known(getattr(p, name))
    if name in _FOLDER_METHODS:
        return BoundLib("fs." + name, Known(p))
    return None


def _inside(root: Path, text: str) -> Optional[str]:
    """The normalised absolute path when it lies in the submission folder, else None."""
    if not posixpath.isabs(text):
        return None
    norm = posixpath.normpath(text)
    base = posixpath.normpath(str(root))
    if norm != base and not norm.startswith(base.rstrip("/") + "/"):
        return None
    return norm


def _ask(interp, text: str, question: str, span) -> Value:
    """exists / is_file / is_dir of a path, from the submission folder."""
    where = _inside(interp.program.root, text)
    if where is None:
        why = "is relative to the grader's working directory" if not posixpath.isabs(text) \
            else "is outside the submission folder"
        return Unknown("bool", span, f"whether {text} exists: the path {why}")
    check = {"exists": os.path.exists, "is_file": os.path.isfile, "is_dir": os.path.isdir}[question]
    return Known(check(where))


def _read(interp, text: str, as_text: bool, span) -> Value:
    """A data file's contents (a config.json beside the estimator): read, never run."""
    where = _inside(interp.program.root, text)
    if where is None or not os.path.isfile(where) or os.path.getsize(where) > MAX_READ:
        return Unknown("", span, f"the contents of {text} (not a small file in the submission folder)")
    with open(where, "rb") as handle:
        data = handle.read()
    if not as_text:
        return Known(data)
    try:
        return Known(data.decode("utf-8"))
    except UnicodeDecodeError:
        return Unknown("", span, f"{text} is not UTF-8 text")


def open_file(interp, args: list, kwargs: dict, span) -> Optional[Value]:
    """``open(path)`` / ``open(path, "rb")`` of a small file in the submission folder, for reading:
    an in-memory file over its contents (``json.load(fh)``, ``fh.read()``, ``for line in fh``).
    None for other modes or arguments (the caller reports them not modelled)."""
    mode = args[1] if len(args) > 1 else kwargs.get("mode", Known("r"))
    encoding = args[2] if len(args) > 2 else kwargs.get("encoding", Known(None))
    if not args or len(args) > 3 or set(kwargs) - {"mode", "encoding"} or not isinstance(mode, Known) \
            or mode.value not in _READ_MODES or not isinstance(encoding, Known) \
            or encoding.value not in (None, "utf-8", "utf8", "UTF-8") or _text(args[0]) is None:
        return None
    binary = "b" in mode.value
    contents = _read(interp, _text(args[0]), not binary, span)
    if not isinstance(contents, Known):
        return contents
    return Known(io.BytesIO(contents.value) if binary else io.StringIO(contents.value))


#: The modes of open() that only read.
_READ_MODES = {"r", "rt", "tr", "rb", "br"}


def call_path_method(interp, name: str, receiver: Value, args: list, span) -> Value:
    """``p.exists()``, ``p.is_file()``, ``p.resolve()`` on a known path."""
    text = _text(receiver)
    if name in ("exists", "is_file", "is_dir"):
        return _ask(interp, text, name, span)
    if name in ("read_text", "read_bytes"):
        return _read(interp, text, name == "read_text", span)
    # resolve/absolute/expanduser: an absolute path inside the folder stays itself (the
    # folder is not expected to hold links); anything else depends on the grader's machine.
    if _inside(interp.program.root, text) is not None:
        return Known(PurePosixPath(posixpath.normpath(text)))
    return Unknown("", span, f"`.{name}()` of {text} depends on the grader's machine")


def call_os_path(interp, name: str, args: list, span) -> Optional[Value]:
    """``os.path.<name>(...)`` of known strings; None for a function not modelled here."""
    texts = [_text(a) for a in args]
    if name not in _OS_PATH_PURE and name not in _OS_PATH_FOLDER:
        return None
    if any(t is None for t in texts) or not texts:
        return Unknown("bool" if name in ("exists", "isfile", "isdir") else "", span,
                       f"os.path.{name} of a path that is not known")
    if name in _OS_PATH_PURE:
        return Known(getattr(posixpath, name)(*texts))
    if name in ("abspath", "realpath"):
        if _inside(interp.program.root, texts[0]) is not None:
            return Known(posixpath.normpath(texts[0]))
        return Unknown("", span, f"os.path.{name} of {texts[0]} depends on the grader's machine")
    return _ask(interp, texts[0], {"exists": "exists", "isfile": "is_file", "isdir": "is_dir"}[name], span)


def iter_modules(interp, items: list, span) -> Optional[list]:
    """``pkgutil.iter_modules(__path__)`` of a package of the submission folder: (name, ispkg)
    of its modules and subpackages, as pkgutil lists them (sorted by file name; it reads the
    folder, imports nothing). None when a directory is not known or not in the folder."""
    import pkgutil

    dirs = []
    for item in items:
        text = _text(item)
        where = _inside(interp.program.root, text) if text is not None else None
        if where is None or not os.path.isdir(where):
            return None
        dirs.append(where)
    return [(info.name, bool(info.ispkg)) for info in pkgutil.iter_modules(dirs)]
