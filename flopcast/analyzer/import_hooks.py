"""Modules a submission serves to itself through an import hook (``sys.meta_path``).

Some files carry a helper module as a string — plain, or base64/zlib-encoded — and install
a finder whose ``exec_module`` runs ``exec(compile(SRC, "<embedded>", "exec"),
module.__dict__)``. The analyzer never runs that: it interprets the finder's methods like
any other code (``find_spec`` with the module's name, then ``exec_module`` on a stand-in
module), where decoding a constant (``base64.b64decode``, ``zlib.decompress``,
``bytes.decode``) is evaluated and ``exec`` of known source text into the stand-in's
``__dict__`` is recorded, not executed. The recorded text is then parsed and analysed as a
sibling module named by the import, with spans in the file name given to ``compile`` (the
name the runtime reports too). When the source cannot be recovered, the import is reported
at its line, so the calls into that module are never silently free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from flopcast.analyzer.values import ClassVal, DictVal, InstanceVal, Known, Unknown, UserRaise, Value

#: Decoded or decompressed constants larger than this are not produced.
MAX_DECODED = 1 << 22

_SPEC_CLASS = ClassVal("ModuleSpec", "importlib.machinery.ModuleSpec", [], {})
_MODULE_CLASS = ClassVal("module", "types.ModuleType", [], {})


@dataclass(frozen=True)
class CompiledSource:
    """``compile(text, filename, "exec")`` of known text: kept as text, never compiled."""

    text: str
    filename: str


def decode(path: str, args: list) -> Optional[Value]:
    """A pure decoder (base64, zlib, gzip, bz2, lzma) applied to known constants; None when
    ``path`` is not one, or the arguments are not known."""
    import base64
    import bz2
    import gzip
    import lzma
    import zlib

    b64 = {name: getattr(base64, name) for name in (
        "b64decode", "standard_b64decode", "urlsafe_b64decode", "b32decode", "b16decode", "b85decode",
        "a85decode", "decodebytes")}
    if path.startswith("base64.") and path[len("base64."):] in b64:
        fn = b64[path[len("base64."):]]
    elif path in ("zlib.decompress", "gzip.decompress", "bz2.decompress", "lzma.decompress"):
        fn = None
    else:
        return None
    if not args or not all(isinstance(a, Known) for a in args):
        return None
    data = args[0].value
    if not isinstance(data, (str, bytes, bytearray)):
        return None
    try:
        if fn is not None:
            out = fn(data)
        elif path == "zlib.decompress":
            wbits = args[1].value if len(args) > 1 else zlib.MAX_WBITS
            inflater = zlib.decompressobj(wbits)
            out = inflater.decompress(data, MAX_DECODED + 1)
        else:
            module = {"gzip": gzip, "bz2": bz2, "lzma": lzma}[path.split(".")[0]]
            out = module.decompress(data)
    except Exception as exc:  # noqa: BLE001 - a malformed constant is the program's error
        return Unknown("", None, f"{path} of this constant fails ({type(exc).__name__}: {exc})")
    if len(out) > MAX_DECODED:
        return Unknown("", None, f"{path} of this constant is larger than {MAX_DECODED:,} bytes")
    return Known(out)


def module_spec(name: Value, loader: Value) -> Value:
    """``importlib.util.spec_from_loader(name, loader)``: a spec naming the loader."""
    return InstanceVal(_SPEC_CLASS, {"name": name, "loader": loader, "origin": Known(None)})


def compile_call(args: list, kwargs: dict) -> Optional[Value]:
    source = args[0] if args else kwargs.get("source")
    filename = args[1] if len(args) > 1 else kwargs.get("filename", Known("<string>"))
    if isinstance(source, Known) and isinstance(source.value, bytes):
        try:
            source = Known(source.value.decode("utf-8"))
        except UnicodeDecodeError:
            return None
    if isinstance(source, Known) and isinstance(source.value, str) and isinstance(filename, Known):
        return Known(CompiledSource(source.value, str(filename.value)))
    return None


class ImportHooks:
    """The finders a program put on ``sys.meta_path``, and the modules they served."""

    def __init__(self) -> None:
        self.finders: list = []
        self._targets: dict[int, str] = {}  # id(stand-in module __dict__) -> module name
        self.sources: dict[str, CompiledSource] = {}

    def install(self, finder: Value, first: bool) -> None:
        if first:
            self.finders.insert(0, finder)
        else:
            self.finders.append(finder)

    def exec_call(self, args: list, kwargs: dict) -> Optional[str]:
        """``exec(code, namespace)`` into a stand-in module's ``__dict__``: the source is
        recorded. Returns None when recorded, else why it cannot be."""
        code = args[0] if args else kwargs.get("source")
        namespace = args[1] if len(args) > 1 else kwargs.get("globals")
        name = self._targets.get(id(namespace))
        if name is None:
            return "exec() of code is not analysed (only an import hook's module source is)"
        if isinstance(code, Known) and isinstance(code.value, str):
            code = Known(CompiledSource(code.value, f"<{name}>"))
        if not (isinstance(code, Known) and isinstance(code.value, CompiledSource)):
            return f"the source the import hook runs for {name} is not a constant flopcast can decode"
        self.sources[name] = code.value
        return None

    def load(self, interp, name: str, span) -> Optional[tuple]:
        """Ask each installed finder for ``name`` as Python would. Returns None when no finder
        claims it, else (Module or None, reason when None)."""
        for finder in list(self.finders):
            try:
                find = interp.get_attr(finder, "find_spec", span, quiet=True)
                if isinstance(find, Unknown):
                    continue
                spec = interp.call(find, [Known(name), Known(None), Known(None)], {}, span)
                claimed = interp.known_truth(spec)
                if claimed is False:
                    continue
                if claimed is None:
                    return None, f"whether the import hook serves {name} depends on values flopcast cannot compute"
                loader = spec.attrs.get("loader", finder) if isinstance(spec, InstanceVal) else finder
                namespace = DictVal({"__name__": Known(name)})
                module = InstanceVal(_MODULE_CLASS, {"__name__": Known(name), "__dict__": namespace,
                                                     "__spec__": spec})
                self._targets[id(namespace)] = name
                create = interp.get_attr(loader, "create_module", span, quiet=True)
                if not isinstance(create, Unknown):
                    made = interp.call(create, [spec], {}, span)
                    if not (isinstance(made, Known) and made.value is None):
                        return None, f"the import hook creates its own module object for {name}"
                run = interp.get_attr(loader, "exec_module", span, quiet=True)
                if isinstance(run, Unknown):
                    return None, f"the import hook's loader for {name} has no exec_module flopcast can follow"
                interp.call(run, [module], {}, span)
            except UserRaise as exc:
                return None, f"the import hook raises while serving {name} ({exc.what})"
            source = self.sources.get(name)
            if source is None:
                return None, f"the import hook for {name} runs code flopcast cannot decode"
            return _parse(name, source)
        return None


def _parse(name: str, source: CompiledSource) -> tuple:
    from flopcast.analyzer.program import Module
    from flopcast.analyzer.source import SourceError, parse_source

    try:
        parsed = parse_source(source.filename, source.text)
    except SourceError as exc:
        return None, f"the source the import hook serves for {name} does not parse ({exc})"
    return Module(name, parsed.path, parsed.tree, parsed.directives, parsed.text), None

