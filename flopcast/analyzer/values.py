"""Abstract values the interpreter computes with.

A value is what the analyzer knows about a Python object at one program point:

* :class:`Known` — a Python value computed only from width, depth, budget and literals.
* :class:`Unknown` — a Python scalar that came from array data (``float(x.max())``).
* :class:`Array` — a flopscope array: shape, dtype, symmetry tag and identity (or, with
  ``plain``, a numpy ndarray that numpy computes on for free).
* :class:`NumpyScalar` — a strong numpy scalar (``fnp.float32(0.0)``, ``v[0]``).
* containers, user functions/classes/instances, and references into flopscope.
"""

from __future__ import annotations

import ast
import itertools
import weakref
from dataclasses import dataclass, field, replace
from math import comb
from typing import Any, Optional

from flopcast.model import Span

_idents = itertools.count(1)


def fresh_ident() -> int:
    """A new allocation identity: flopscope tells operands apart by ``id()``."""
    return next(_idents)


class Value:
    """Base of every abstract value."""

    __slots__ = ()


@dataclass(frozen=True, eq=False)
class Known(Value):
    value: Any

    def __init__(self, value: Any) -> None:
        # The interpreter makes one for every number it computes (50,000 in a run of a planner):
        # writing the field directly is twice as fast as the frozen dataclass's object.__setattr__.
        # (@dataclass keeps an __init__ the class defines; CountKnown gets its own.)
        self.__dict__["value"] = value

    def __repr__(self) -> str:
        return f"Known({self.value!r})"


@dataclass(frozen=True, eq=False)
class CountKnown(Known):
    """An extent (``len(idx)``, ``idx.size``, ``idx.shape[0]``) of an array whose size a
    value-dependent site chose (nonzero, unique, a boolean mask): known on this path, which
    took one end of the range, but a test on it depends on values (the run may stop between
    the ends, where such a test can go the other way)."""

    origin: Any = None  # the span of the selection
    on_presumed: Optional[bool] = None  # whether this path took the selection's presumed count
    # The selection's site, its range, and the steps applied to the count since (``- 1``,
    # ``min(·, 8)``): a test of it is then answered at this path's count (sizetests.py).
    # None: several sizes met, or a step not followed; a test of it is a plain site.
    key: Any = None
    lo: int = 0
    hi: int = 0
    chain: tuple = ()


@dataclass(frozen=True, eq=False)
class Unknown(Value):
    """A scalar whose value depends on array data. ``kind`` is 'float', 'int', 'bool' or ''."""

    # An exception object handed to a user ``__exit__`` whose class is known (a builtin's,
    # numpy's LinAlgError, flopscope's): isinstance() of it is issubclass() of that class
    exception_class = None
    # ``float()`` of a NumpyScalar's bound (NumpyScalar.bound_of): not a field, as its ``what``
    bound_of = None
    kind: str
    origin: Optional[Span]
    reason: str
    # An integer read from data may have bounds (None: none on that side) — a sum of n
    # booleans lies in [0, n] — and be a known function of the value read at ``origin``:
    # ``chain`` holds the (step, known int) that were applied to it (``k + 1``, ``min(k, n)``).
    # See analyzer/dataints.py.
    lo: Optional[int] = None
    hi: Optional[int] = None
    chain: tuple = ()
    # The identity of the array whose nonzero elements this integer counts (``int(fnp.sum(mask))``):
    # it then agrees with the size of ``x[mask]`` on every path.
    counts: Optional[int] = None
    presumed: Any = None  # presumptions.Presumed: what the nominal path presumes this boolean is
    # model.Machine: read from the machine (a clock, the environment), not from the MLP; every value
    # computed from it carries it on (machine_of), and so do the sites it decides (check rule FC303)
    machine: Any = None
    # os.environ.get() with no default: text, or None where the variable is unset; a truthy test
    # of it narrows it to text (truth.narrow_tested_name)
    text_or_none: bool = False
    # A float some sites compared with known numbers: ((c, regions, ((site, answer), ...)), ...),
    # where it lies relative to each c by those answers (compared_floats.py)
    compared: tuple = ()
    # Made by float(): a Python float, no subclass of it (numpy's float64 is one; float() converts
    # what a __float__ returns), so a class test of it has an answer (builtins._instance_of)
    python_float: bool = False


def carrying(value: Value, machine: Any) -> Value:
    """``value`` (an unknown made of one read from the machine) carrying where that came from."""
    if machine is None or value.__class__ is not Unknown or value.machine is not None:
        return value
    return replace(value, machine=machine)


def machine_of(*values: Value) -> Any:
    """The machine an unknown among ``values`` was read from (model.Machine), or None."""
    for v in values:
        if v.__class__ is Unknown and v.machine is not None:
            return v.machine
    return None


#: Symmetry is a tuple of axis groups; each group is fully symmetric (S_k on those axes).
Symmetry = Optional[tuple[tuple[int, ...], ...]]


#: Data factors deep (``Array.power``) past which a product of data of its own scale (up to 6e4 in
#: magnitude) may overflow its dtype: 6e4**64 < 1.8e308 (float64), 6e4**8 < 3.4e38 (float32).
#: Ten squarings of a matrix whose eigenvalues are 4 reach float64's largest value (1,024 factors).
POWER_LIMIT = {"float64": 64, "complex128": 64, "float32": 8, "complex64": 8}
#: Past every limit all depths behave alike: a steady loop of squarings repeats from there.
POWER_CAP = max(POWER_LIMIT.values()) + 1


@dataclass(eq=False)
class Array(Value):
    shape: tuple[int, ...]
    dtype: str
    sym: Symmetry = None
    ident: int = field(default_factory=fresh_ident)
    # Where a widened dtype came from (a float64 creation, a stats call, a numpy scalar).
    dtype_origin: Optional[Span] = None
    # Bounds (lo, hi) of the elements of an integer array computed from data: a count of
    # booleans, an argmax. Dropped by every op that does not set it.
    vrange: Optional[tuple] = None
    # For a 0-d count (``fnp.sum(mask)``): the identity of the array whose nonzero elements it counts.
    counts: Optional[int] = None
    # A plain numpy ndarray, not a flopscope array: numpy computes on it for free
    # (np.asarray(flopscope_array), np.zeros(n), fnp.isfinite(x)); fnp still bills it.
    plain: bool = False
    # presumptions.Presumed of a boolean array made by a safety-net test (never copied by with_)
    presumed: Any = None
    # Axes whose extent a value-dependent size site chose: (axis, span of the site, whether
    # this path took the site's presumed count or None); never copied by with_
    counted: tuple = ()
    # The value of a 0-d array computed from known numbers (scalar_values.py); never copied by with_
    value: Any = None
    # Bounds (lo, hi) of a float array's elements made from known numbers (linspace between known
    # endpoints): whether quantile's q lies in range. Dropped by every op that does not set it.
    fbounds: Optional[tuple] = None
    # The arrays over the same buffer (np.asarray of a flopscope array, fnp.asarray of a numpy
    # one): a write into one changes what is known of the values of all (plain_numpy.same_buffer)
    shared = None
    # The tag came from a constant fill (zeros, ones, full and their _like): flopscope's inferred
    # tag, which an out= write of an unsymmetric result drops where an explicit one raises
    sym_inferred = False
    # A SymmetricTensor whose tag an in-place write dropped: a later out= write of a symmetric
    # result may stamp it again (flopscope checks the values it held)
    was_tagged = False
    # Made from data scaled past the data's own magnitude by a known number (``w * 1e12``): a
    # symmetric product of it may overflow, and flopscope then drops the tag (overflow.py)
    unbounded = False
    # How many data factors deep its values are (overflow._power): a squaring in a loop doubles
    # it, and a symmetric product of one past the dtype's limit may overflow as above
    power = 1
    # The arrays multiplied into it by its last checked contraction, each (its _factor ident, how
    # many times), carried through the ops after it: a product with one of them again is a
    # multiplication by the same matrix again (``v = m @ v`` in a loop), whose depth adds up
    # (overflow._power)
    chain = ()
    # A view's (``m.T``) source array's ident: the same matrix as a factor (overflow._factor)
    factor_of = None
    # ``fnp.abs(x)``'s x, and a full max of that or ``fnp.linalg.norm(x)``'s x (a number at least
    # every |element|): dividing x by the latter bounds it (overflow: a renormalised squaring)
    abs_of = None
    bound_of = None
    # A basic index's view of a symmetric-tagged flopscope array: that array's ident (found in
    # Interpreter.view_roots), whose tag flopscope drops when anything writes through the view
    view_of = None
    # A reshape's or ravel's result over such an array's buffer, or a copy (buffer_views.link_maybe):
    # that array's ident; a write through it may void the tag, and is left unpriced
    maybe_view_of = None
    # A 1-d integer array whose elements are pairwise distinct though not known (an argsort's or an
    # argpartition's of a 1-d array, a slice of one): `mask[idx] = True` sets exactly idx.size
    # elements. Never copied by with_; dropped by a write into it.
    distinct = False
    # The number of True elements of a boolean array whose elements are not known (a zero mask
    # set at distinct positions, its `~`): a selection by it has that size (choose_size).
    # Never copied by with_; dropped by a write into it.
    true_count = None
    # Elements of a flopscope array known from how it was made (an eye, an arange, a comparison of
    # one with a known number): const_masks.Elements, read only to count a mask's True elements.
    # Never copied by with_; dropped by a write into it.
    elements = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        n = 1
        for s in self.shape:
            n *= s
        return n

    def unique_elements(self) -> int:
        """Elements flopscope counts for a symmetric array: orbits under its group."""
        if not self.sym:
            return self.size
        grouped = {a for g in self.sym for a in g}
        n = 1
        for axis, extent in enumerate(self.shape):
            if axis not in grouped:
                n *= extent
        for group in self.sym:
            extent = self.shape[group[0]]
            n *= comb(extent + len(group) - 1, len(group))
        return n

    def with_(self, **changes) -> "Array":
        data = dict(shape=self.shape, dtype=self.dtype, sym=self.sym, dtype_origin=self.dtype_origin, plain=self.plain)
        data.update(changes)
        return Array(**data)

    def __repr__(self) -> str:
        sym = f" sym={self.sym}" if self.sym else ""
        kind = "ndarray" if self.plain else "Array"
        return f"{kind}({self.shape}, {self.dtype}{sym}, #{self.ident})"


@dataclass(eq=False)
class NumpyScalar(Value):
    """A numpy scalar: strong in promotion, free in arithmetic, its value unknown — except
    for ``int()``/``float()``/``round()``/``bool()`` of one that plain numpy made from known
    Python numbers (``int(np.clip(n, 8, 400))``), which read ``value``."""

    dtype: str
    dtype_origin: Optional[Span] = None
    value: Any = None
    # Bounds of its value when unknown: an element of an index array (an argsort's, an
    # argpartition's), a clamp (``np.clip(k, 4, 8)``), so ``int(order[0])`` is an integer read from
    # data within them (dataints.py).
    vrange: Optional[tuple] = None
    # Where such an element was taken (``order[-1]``): each dict lookup or membership test of it
    # asks the one site there, so ``k in d`` and ``d[k]`` agree on its value (dataints.dict_key).
    origin: Optional[Span] = None
    # Bounds (lo, hi) of a float scalar's value when it is not NaN (signs.py: a norm is at least 0)
    fbounds: Optional[tuple] = None
    # What it is, for messages, where more is known than "an array value": a random draw
    # ("the integer rng.integers(2, 6) draws"). Says nothing of its value: no key reads it.
    what: Optional[str] = field(default=None, compare=False)
    # ``fnp.linalg.norm(x)``'s or a full max of ``fnp.abs(x)``'s x (Array.bound_of)
    bound_of = None


@dataclass(eq=False)
class ListVal(Value):
    items: list
    # A set whose iteration order changes from process to process (strings are hashed with a
    # random seed, plain objects by address): set on the instance, iterate() asks for an order.
    unordered = False
    # A set of objects or enum members (builtins.set_of): its methods, operators and comparisons
    # are not a list's (set.pop() takes the first item, `==` ignores the order); unpriced
    is_set = False
    # A set (not a frozenset) of objects hashed by identity that builtins.set_of made: its add,
    # discard and remove are Python's (an item is there when it is the very object)
    mutable_set = False
    # A dict view (``d.keys()``, ``.values()``, ``.items()``): (the DictVal, which view); Python's
    # view is live, so its items are read again from the dict where it is used (builtins.refresh_view)
    view_of = None


@dataclass(eq=False)
class DequeVal(ListVal):
    """``collections.deque``: a list whose appends drop items from the other end past ``maxlen``."""

    maxlen: Optional[int] = None


@dataclass(eq=False)
class ExitStackVal(Value):
    """``contextlib.ExitStack()``: the exits of what it entered, run last-in first-out when its
    `with` ends (analyzer/exit_stack.py); each is (run when the body ended, run when it raised)."""

    exits: list = field(default_factory=list)


@dataclass(eq=False)
class RandomVal(Value):
    """``random.Random(seed)``: of a known seed, the real generator, drawn from as the run draws;
    ``rng`` None when its state is not known (seeded by the system or by data: its draws are
    numbers read from data; analyzer/stdlib_random.py)."""

    rng: Any


@dataclass(eq=False)
class ClosingVal(Value):
    """``contextlib.closing(thing)``: entered as ``thing``; its exit calls ``thing.close()``,
    whether the body ended or raised."""

    thing: Value


@dataclass(eq=False)
class SeqIterator(Value):
    """``iter(seq)``, and what zip/enumerate/reversed hand back: the items, and how many
    ``next()``/``islice``/a loop have taken (an iterator is used up once: a second loop over it
    gets nothing)."""

    items: list
    consumed: int = 0
    # The lists it reads (zip, enumerate, reversed, map, filter over lists), each with the
    # identities of its items when the iterator was made: Python's iterator reads the list as
    # it is when asked, so a list changed in between ends the path (builtins.check_sources)
    seen = ()

    def ready(self, n: int) -> bool:
        """Whether the iterator holds ``n`` items (a LazyIterator makes them as needed)."""
        return len(self.items) >= n

    def item(self, i: int) -> "Value":
        return self.items[i]


class LazyIterator(SeqIterator):
    """``map(f, ...)`` / ``filter(f, ...)``: ``f`` runs when an item is asked for, as Python runs
    it (``next(m)`` calls it once; a map never consumed charges nothing). ``produce`` is a Python
    iterator making the items; ``items`` runs it to its end."""

    def __init__(self, produce, pulls_from: "Optional[PyGenerator]" = None, takes_from: tuple = ()) -> None:
        self._made: list = []
        self._produce = produce
        self.consumed = 0
        # a generator made in the call and not yet run, of which it takes at most one item per item
        # it makes (enumerate, map, takewhile): a zip that takes n of these needs at most n of those
        self.pulls_from = pulls_from
        # the generators whose items it hands on one by one (enumerate, map, filter, takewhile,
        # dropwhile of g): a loop leaving it early leaves them early too (Interpreter.refuse_left_ahead)
        self.takes_from = takes_from

    @property
    def items(self) -> list:
        if self._produce is not None:
            produce, self._produce = self._produce, None
            self._made.extend(produce)
        return self._made

    @items.setter
    def items(self, value: list) -> None:
        self._made, self._produce = value, None

    def ready(self, n: int) -> bool:
        """Whether ``n`` items exist, making them as needed (one more call of ``f`` each)."""
        while len(self._made) < n and self._produce is not None:
            try:
                self._made.append(next(self._produce))
            except StopIteration:
                self._produce = None
        return len(self._made) >= n

    def item(self, i: int) -> "Value":
        return self._made[i]


@dataclass(eq=False)
class EndlessIter(Value):
    """``itertools.count(start, step)``, ``cycle(items)``, ``repeat(x)``: an iterator that never
    ends; its consumer (next(), islice, zip beside a sequence, a loop that breaks) decides how
    much of it is taken."""

    kind: str  # "count" | "cycle" | "repeat"
    items: list  # cycle: the items; repeat: [x]; count: the numbers made so far
    step: Any = 1  # count: added to the last number for the next (as Python adds, floats too)
    consumed: int = 0

    def item(self, i: int) -> "Value":
        if self.kind != "count":
            return self.items[i % len(self.items)]
        while len(self.items) <= i:
            self.items.append(Known(self.items[-1].value + self.step))
        return self.items[i]

    def take(self, n: int) -> list:
        """The next ``n`` items, consumed."""
        out = [self.item(self.consumed + k) for k in range(n)]
        self.consumed += n
        return out


@dataclass(eq=False)
class TupleVal(Value):
    items: tuple
    # the field names of a named tuple (numpy's EighResult, SVDResult, QRResult, SlogdetResult)
    fields: tuple = ()


class ObjKey:
    """A dict key that is not a known Python value (an enum member, an instance, a class, a
    function, a value read from data). Python hashes such an object by identity unless its
    class says otherwise; the dict keeps the object so that iterating it gives the object
    back (not a number standing for it). An IntEnum/IntFlag/StrEnum member is its value:
    equal to it and hashed like it, so ``{Level.LOW: ...}[0]`` finds it."""

    __slots__ = ("value", "plain")

    def __init__(self, value: "Value", plain: Any = None):
        self.value = value
        self.plain = plain  # the int/str an int-like enum member equals, else None

    def __hash__(self) -> int:
        return hash(self.plain) if self.plain is not None else id(self.value)

    def __eq__(self, other) -> bool:
        if isinstance(other, ObjKey):
            return self.value is other.value or self.plain is not None and self.plain == other.plain
        return self.plain is not None and self.plain == other

    def __repr__(self) -> str:
        return f"<key {self.plain!r}>" if self.plain is not None else f"<key at {id(self.value):#x}>"


class FieldsKey(ObjKey):
    """An instance of a frozen dataclass (ClassVal.hashed_by_fields) as a dict key: Python hashes
    and compares it by its class and the fields its ``__eq__`` compares, so an equal instance made
    apart finds it (``cache[Plan(rows=2)]``). ``fields`` is the class and those fields' keys."""

    __slots__ = ("fields",)

    def __init__(self, value: "Value", fields: tuple):
        super().__init__(value)
        self.fields = fields

    def __hash__(self) -> int:
        return hash(self.fields)

    def __eq__(self, other) -> bool:
        return isinstance(other, FieldsKey) and (self.value is other.value or self.fields == other.fields)

    def __repr__(self) -> str:
        return f"<key {self.fields[1:]!r}>"


class TupleKey(FieldsKey):
    """A tuple holding objects that are not known Python values (an enum member, a frozen
    dataclass instance, an object equal only to itself) as a dict key: Python hashes and
    compares it item by item, so a tuple made apart with equal items finds it
    (``memo[(Tier.A, 3)]``), and so does a known tuple equal to it (an IntEnum member is its
    number). ``fields`` is the tuple of the items' keys; made only when each item's key is
    one Python compares as flopcast does (_settled_part)."""

    __slots__ = ()

    def __eq__(self, other) -> bool:
        if isinstance(other, TupleKey):
            return self.value is other.value or self.fields == other.fields
        if isinstance(other, ObjKey):
            return False  # a tuple is no instance, enum member or number
        return isinstance(other, tuple) and self.fields == other

    def __hash__(self) -> int:
        return hash(self.fields)

    def __repr__(self) -> str:
        return f"<key {self.fields!r}>"


def _settled_part(key: Any) -> bool:
    """Whether a dict key made by dict_key hashes and compares in Python as it does here: a
    known hashable value (no NaN), a FieldsKey/TupleKey, an int-like enum member's key, or the
    key of an object equal only to itself."""
    if isinstance(key, FieldsKey):
        return True
    if isinstance(key, ObjKey):
        return key.plain is not None or equal_only_to_itself(key.value)
    try:
        hash(key)
    except TypeError:
        return False
    return not (isinstance(key, float) and key != key)


def _fields_key(value: "InstanceVal") -> Optional[FieldsKey]:
    """``value``'s FieldsKey, when each field it compares is a key Python hashes and compares as
    flopcast does: a known hashable value (not NaN: two NaN fields made apart are unequal), such
    an instance, an int-like enum member or an object equal only to itself."""
    cls = value.cls
    params = cls.init_params or [(*f, frozenset()) for f in cls.fields or ()]
    parts: list = [cls]
    for name, _, _, flags in params:
        if "initvar" in flags or "nocompare" in flags:
            continue
        field = value.attrs.get(name)
        if field is None:
            return None
        key = dict_key(field)
        if isinstance(key, ObjKey):
            if not (isinstance(key, FieldsKey) or key.plain is not None or equal_only_to_itself(field)):
                return None
        else:
            try:
                hash(key)
            except TypeError:
                return None
            if isinstance(key, float) and key != key:
                return None
        parts.append(key)
    return FieldsKey(value, tuple(parts))


def dict_key(value: "Value") -> Any:
    """The key a DictVal stores ``value`` under."""
    if isinstance(value, Known):
        return value.value
    if value.__class__ is InstanceVal and value.cls.hashed_by_fields:
        key = _fields_key(value)
        if key is not None:
            return key
    if value.__class__ is TupleVal and value.items:
        parts = tuple(dict_key(item) for item in value.items)
        if all(_settled_part(p) for p in parts):
            return TupleKey(value, parts)
    plain = None
    if isinstance(value, InstanceVal) and value.cls.attrs.get("__int_like__") is not None:
        member = value.attrs.get("value")
        plain = member.value if isinstance(member, Known) else None
    return ObjKey(value, plain)


def plain_member(value: "Value") -> "Value":
    """An IntEnum/IntFlag/StrEnum member as the number or text it is (its arithmetic, order,
    truth and int() are its value's); any other value as it is."""
    if value.__class__ is InstanceVal and value.cls.attrs.get("__int_like__") is not None:
        member = value.attrs.get("value")
        if isinstance(member, Known):
            return member
    return value


def key_value(key: Any) -> "Value":
    """The value a DictVal key stands for (what iterating the dict gives)."""
    return key.value if isinstance(key, ObjKey) else Known(key)


@dataclass(eq=False)
class DictVal(Value):
    items: dict  # Python key (dict_key) -> Value
    # collections.defaultdict's default_factory (a callable Value), a Counter's missing value (Known(0)), else None
    factory: Any = None
    # A collections.OrderedDict (set on the instance): move_to_end, popitem(last=), equality in order
    ordered = False
    # The NpzFile whose keys()/values()/items() view this dict backs: each use reads the members anew
    npz = None


@dataclass(eq=False)
class ChainMapVal(Value):
    """``collections.ChainMap(*maps)``: a live view of its dicts, looked up first to last, written
    into the first (analyzer/chain_maps.py). ``maps`` is the list ``.maps`` gives, shared."""

    maps: ListVal


@dataclass(eq=False)
class MLPVal(Value):
    width: int
    depth: int
    weights: ListVal
    seed: Value
    # None: the grader's MLP, whose name is a slug made from its seed ("danielle-johnson") in
    # the contest and "" where a test builds it bare (sample_mlp): not known statically
    name: Optional[Value] = None


@dataclass(eq=False)
class FunctionVal(Value):
    node: ast.AST  # FunctionDef / AsyncFunctionDef / Lambda
    module: Any  # analyzer.program.Module
    qualname: str
    defaults: list
    kw_defaults: dict
    closure: Optional[dict] = None  # enclosing frame's variables, for nested defs and lambdas
    owner: Any = None  # ClassVal the def appears in (for super())
    kind: str = "function"  # "function", "staticmethod", "classmethod", "property", "enum_property"
    cached: bool = False  # @functools.lru_cache / @cache: a repeated call returns the first result, uncharged
    cache_spec: Any = None  # lru.CacheSpec of a cached function: its table's maxsize and typed
    # canonical.Canon's form of the function after its number, made once per way a walk names
    # classes (its ``definition``): that -> ((kind, cached, owner) it was made for, the form);
    # decorators set those three after the def
    form: Any = field(default=None, repr=False)
    setter: Any = field(default=None, repr=False)  # a property's `@x.setter` function
    attrs: dict = field(default_factory=dict, repr=False)  # attributes set on it (`wrapper.calls = 0`)
    abstract: bool = False  # decorated with @abc.abstractmethod


@dataclass(eq=False)
class BoundMethod(Value):
    function: FunctionVal
    receiver: Value


@dataclass(eq=False)
class ClassVal(Value):
    name: str
    qualname: str
    bases: list  # of ClassVal or LibRef
    attrs: dict
    node: Optional[ast.ClassDef] = None
    module: Any = None
    # The call that made the class at run time (`Moments = namedtuple(...)`): at a module's top
    # level it names the class across runs as a class statement does (repeats.SharedCalls.classes).
    made_by: Optional[ast.Call] = None
    # A @dataclass or typing.NamedTuple: its fields in order, as (name, default Value or None,
    # default_factory Value or None); NamedTuple instances also unpack and index like tuples.
    fields: Optional[list] = None
    tuple_like: bool = False
    # A @dataclass whose generated __init__ is not one parameter per field: every field and
    # InitVar in order, as (name, default, default_factory, flags), the flags a subset of
    # {"initvar", "noinit", "kw_only", "nocompare", "hash"} (interpreter.dataclass_fields; "hash":
    # field(hash=...) was given); None otherwise.
    init_params: Optional[list] = None
    # The user's class it was made by (``class K(metaclass=Registry)``, or a base's): its
    # __new__/__init__ ran at the class statement, its __call__ runs at ``K(...)``.
    metaclass: Any = None
    # A @dataclass(frozen=True): its generated __setattr__ refuses to assign its fields.
    frozen: bool = False
    # A @dataclass whose instances Python hashes and compares by the class and the fields it
    # compares (eq and frozen; no __eq__ or __hash__ of the class's own, no field(hash=...)):
    # such an instance is a dict key by those fields (FieldsKey).
    hashed_by_fields: bool = False
    # Methods a decorator generates that the class's own attributes do not show (a @dataclass's
    # __eq__, comparing the fields): asked by the comparison operators (dunders.user_method), not
    # by the hashing and identity rules, which read the dataclass flags above.
    generated: Optional[dict] = None
    # An ABC's virtual subclasses (``Base.register(Impl)`` on it or on a class deriving from it).
    registered: Optional[list] = None

    def mro(self) -> list:
        """Python's method resolution order over the user's classes (C3: with a diamond,
        `class D(B, C)` with B and C deriving from A looks in D, B, C, A). Kept with the class,
        whose bases never change (every attribute lookup on an instance asks for it: 2% of a
        whole analyze in a class-heavy file); with its id, so a copy of the class makes its own."""
        kept = self.__dict__.get("_mro")
        if kept is not None and kept[0] == id(self):
            return kept[1]
        order = self._mro()
        self.__dict__["_mro"] = (id(self), order)
        return order

    def _mro(self) -> list:
        bases = [b for b in self.bases if isinstance(b, ClassVal)]
        if len(bases) <= 1:
            return [self] + (bases[0].mro() if bases else [])
        seqs = [b.mro() for b in bases] + [bases]
        order = [self]
        while seqs:
            head = next((s[0] for s in seqs if not any(s[0] in t[1:] for t in seqs)), None)
            if head is None:  # no consistent order (Python refuses the class): depth first
                for s in seqs:
                    order += [c for c in s if c not in order]
                return order
            order.append(head)
            seqs = [t for t in ([c for c in s if c is not head] for s in seqs) if t]
        return order

    def lookup(self, name: str):
        for c in self.mro():
            if name in c.attrs:
                return c, c.attrs[name]
        return None, None


@dataclass(eq=False)
class InstanceVal(Value):
    cls: ClassVal
    attrs: dict = field(default_factory=dict)
    # An instance of a user subclass of dict or list: the container it is (a DictVal or a
    # ListVal), which its subscripts, len(), iteration and the container's methods reach.
    payload: Optional[Value] = None


@dataclass(eq=False)
class PartialVal(Value):
    """``functools.partial(func, *args, **kwargs)``: a call adds its arguments after these."""

    func: Value
    args: list
    kwargs: dict


@dataclass(eq=False)
class PartialMethodVal(Value):
    """``functools.partialmethod(func, *args, **kwargs)`` in a class body: read on an instance it
    is ``partial(<func bound to the instance>, *args, **kwargs)``."""

    func: Value
    args: list
    kwargs: dict


@dataclass(eq=False)
class SuperVal(Value):
    cls: ClassVal
    receiver: Value


@dataclass(frozen=True, eq=False)
class LibRef(Value):
    """A name inside flopscope (``fnp.exp`` is LibRef('numpy.exp')) or a stdlib module."""

    path: str


@dataclass(frozen=True, eq=False)
class DTypeRef(Value):
    """A dtype object such as ``fnp.float32``: usable as ``dtype=`` and callable."""

    name: str
    # numpy's dtype instance (`x.dtype`, `fnp.dtype("float32")`, `finfo(...).dtype`), not the
    # scalar type `fnp.float32`: they compare equal by name, but `x.dtype is fnp.float32` is False
    instance: bool = False


@dataclass(frozen=True, eq=False)
class BoundLib(Value):
    """A flopscope method bound to an array or generator: ``x.sum``, ``rng.standard_normal``."""

    path: str
    receiver: Value


@dataclass(eq=False)
class Generator(Value):
    ident: int = field(default_factory=fresh_ident)
    plain: bool = False  # numpy's own generator (np.random.default_rng): free draws, plain arrays
    legacy: bool = False  # a RandomState: its methods are flopscope's random.RandomState.<name>


@dataclass(eq=False)
class PyGenerator(Value):
    """The generator object a user generator function returns: its body has not run yet.

    The body runs, all of it, when the generator is first consumed (see
    ``Interpreter.consume_generator``); ``marks`` remembers where each ``yield`` left the
    running totals, so items that are never consumed can have their cost taken back.
    """

    # how many `for` loops are taking items from it now (Interpreter._used_up)
    looping = 0

    function: "FunctionVal"
    args: list
    kwargs: dict
    span: Span
    items: Optional[list] = None  # the yielded values, once the body has run
    marks: list = field(default_factory=list)  # per yield: the ledger just after it
    end: Any = None  # the ledger when the body finished
    start: Any = None  # the ledger when the body started
    consumed: int = 0  # items handed to the program so far
    # The items its first consumer takes at most (`islice(g, n)`, `zip(range(n), g)`): the body
    # stops at that yield, as Python's stays suspended there (`while True: yield` ends too);
    # ``paused`` once it did, with its code after that yield never run.
    need: Optional[int] = None
    paused: bool = False
    # The items its first consumer takes at most when that consumer may not be its last (`g` held
    # by a name, or a `takewhile(p, gen())` that is): the body stops there only once it enters a
    # loop that ends only by a break, a return or a raise, which would otherwise run on ahead of
    # every consumer to the iteration cap (a later consumer asking past it ends the path)
    endless_need: Optional[int] = None
    # Whether a consumer asked past the last item, so the code after the last yield ran: a lone
    # `next()` that took the last item, or a loop that broke at it, leaves it suspended there.
    past_last: bool = True
    # Whether its body, run whole ahead, changed what its consumer may read (its arguments'
    # contents, the names it mentions) or may have drawn from a seeded random.Random: a consumer
    # that leaves it early reads the state the run's body had at the last item taken
    # (Interpreter.refuse_left_ahead)
    changed_ahead: bool = False
    # Whether its first consumer is next(): its body then runs with no bound on the items taken
    # (an endless body is reported as such, not as a loop that never ends: Interpreter._yields_for_next)
    taken_by_next: bool = False
    # The program's exception the body raised after yielding items (a UserRaise): Python raises
    # it only to a consumer that asks past the last item, so it waits here until one does.
    error: Any = None
    # What its body returned when it ran to the end (the value of a `yield from` over it)
    returned: Any = None
    # Whether its body consulted a value-dependent site (an answer given ahead of its consumer)
    consulted: bool = False
    # The items (their index; len(items): the code after the last) whose making ran an op
    # presumed not to raise, made outside any `try` (Interpreter.raise_on_values): a consumer
    # inside one that takes them would catch the raise the presumption set aside.
    presumed_at: list = field(default_factory=list)
    # A generator expression a loop, zip, enumerate or islice takes items from (function is
    # None): made whole where it is written, its items after the last one taken are taken back
    # as a generator body's are (Interpreter.genexp_as_generator).
    comprehension: Any = None
    # Of such an expression over a generator made in its first iterable (`(h for h in layers())`):
    # that generator, and per item made the position of the generator's item it came from. Python takes the generator's items as the expression's are taken, so it is left
    # where the last one taken came from (Interpreter.settle_fed).
    fed_by: Any = None
    # Of a generator function's body whose `for` loops take items from other generators: per item
    # yielded inside such a loop, each of those generators with the items it had handed over then.
    # Python's body stops at each yield, so a consumer left short of the end leaves them there too
    # (Interpreter.settle_fed); flopcast's body ran them on with its loops.
    feeds: dict = field(default_factory=dict)
    # The generators its body took items from one at a time (next(), a lazy enumerate or zip over
    # one): at each yield, ``feeds`` keeps how many items each had handed over then
    takes: list = field(default_factory=list)
    # The generators whose bodies took items from this one (``feeds``): one left short of its end
    # left this one short in the run, where flopcast's body took more (refuse_taken_ahead)
    read_by: list = field(default_factory=list)
    # Whether close() left it (its body stopped at the last item taken, as one left short)
    closed: bool = False
    # Whether the finally its body was left in, run when it was closed, is priced there
    # (Interpreter.price_cleanup): no "generator cleanup" is left unpriced for it
    cleanup_priced: bool = False
    # Whether list() or tuple() took every item at its first consumption: nothing charged between
    # its items, so its body's charges are in the run's order, and the charge where the budget
    # runs out is the run's (Interpreter._budget_overrun).
    in_order: bool = False
    # The generator whose `yield from` took every item of this one at its first consumption: no
    # charge comes between its items either, so its charges are in the run's order where that
    # generator's are.
    yielded_into: Any = None

    def ordered(self) -> bool:
        """Whether its body's charges are in the run's order (``in_order``, here or in the generator
        whose `yield from` took it whole)."""
        return self.in_order or self.yielded_into is not None and self.yielded_into.ordered()

    def stood_at(self, taken: int) -> Any:
        """The ledger its body stood at when it had handed over ``taken`` items (just after that
        yield; its start with none): where a consumer that stopped there left it."""
        return self.marks[taken - 1] if taken else self.start

    def quiet(self) -> bool:
        """Whether running its body ahead of its consumer moved nothing the consumer would see
        at run time: no charge, nothing unpriced, no site consulted, no raise held back."""
        return self.end is not None and self.end[0] == self.start[0] and self.end[4] == self.start[4] \
            and not self.consulted and self.error is None


@dataclass(eq=False)
class GeneratorView(Value):
    """``enumerate``/``zip`` over generators: the items, and how far each generator had been
    consumed before, so a loop that breaks early can say how far it really went."""

    items: list
    sources: list  # (PyGenerator, items it had handed over before this view was made)


@dataclass(eq=False)
class FlatIter(Value):
    """``a.flat`` of a flopscope array: numpy's flat iterator (flopscope's tracked one). Reading
    it costs nothing and hands back numpy scalars or plain ndarrays; a write through it
    changes ``a`` (and drops its symmetry tag), for free."""

    base: "Array"


@dataclass(eq=False)
class ModuleVal(Value):
    module: Any  # analyzer.program.Module


@dataclass(frozen=True, eq=False)
class Builtin(Value):
    name: str


@dataclass(eq=False)
class NpzFile(Value):
    """An .npz/.npy opened with ``fnp.load``: arrays from the file's headers."""

    arrays: dict  # key -> Array
    # flops.Module.save's inert JSON config (the "__meta__" member), decoded; None if absent.
    meta: Optional[dict] = None


OPAQUE = Unknown("", None, "opaque")


def is_number(v: Value) -> bool:
    return isinstance(v, Known) and isinstance(v.value, (int, float)) and not isinstance(v.value, bool)


def describe_value(v: Value) -> str:
    """One line a person can read: what the analyzer knows about a value."""
    if isinstance(v, Array):
        shape = "×".join(str(s) for s in v.shape) if v.shape else "0-d"
        sym = ""
        if v.sym:
            sym = ", symmetric in axes " + " and ".join("(" + ", ".join(map(str, g)) + ")" for g in v.sym)
        return f"array {v.dtype} {shape}{sym}"
    if isinstance(v, Known):
        text = repr(v.value)
        return f"known {text if len(text) <= 60 else text[:59] + '…'}"
    if isinstance(v, Unknown):
        return f"unknown {v.kind or 'value'} ({v.reason})"
    if isinstance(v, NumpyScalar):
        return f"numpy {v.dtype} scalar"
    if isinstance(v, (ListVal, TupleVal)):
        kind = "list" if isinstance(v, ListVal) else "tuple"
        inner = {describe_value(x) for x in list(v.items)[:8]}
        return f"{kind} of {len(v.items)}" + (f": {inner.pop()}" if len(inner) == 1 else "")
    if isinstance(v, MLPVal):
        return f"MLP width {v.width}, depth {v.depth}"
    if isinstance(v, InstanceVal):
        return f"{v.cls.name} instance"
    if isinstance(v, (FunctionVal, BoundMethod)):
        fn = v if isinstance(v, FunctionVal) else v.function
        return f"function {fn.qualname}"
    if isinstance(v, Generator):
        return "random Generator"
    return type(v).__name__


def make_tuple(items: list) -> Value:
    if all(isinstance(i, Known) for i in items):
        return Known(tuple(i.value for i in items))
    return TupleVal(tuple(items))


def signature(value: Value, depth: int = 0):
    """A hashable summary of an abstract value, equal for values the analysis cannot tell apart.

    Arrays compare by shape, dtype and symmetry (not identity); unknown scalars all look
    alike; containers and instances compare by content, a few levels deep.
    """
    # The exact classes of most values first (a recursion's key walks a cost model's memo: a
    # million isinstance calls in switch_planner); every other value takes the chain below,
    # which writes what it always wrote.
    cls = value.__class__
    if cls is Known:
        return _known_signature(value.value)
    if cls is TupleVal or cls is ListVal or cls is InstanceVal or cls is DictVal:
        if depth > 3:
            return ("deep", cls.__name__)
        if cls is TupleVal or cls is ListVal:
            return ("L", tuple([signature(v, depth + 1) for v in value.items]))
        if cls is InstanceVal:
            return ("I", id(value), tuple(sorted([(k, signature(v, depth + 1)) for k, v in value.attrs.items()])))
        if cls is DictVal:
            return ("D", tuple(sorted([(repr(k), signature(v, depth + 1)) for k, v in value.items.items()])))
    return _signature(value, depth)


def _known_signature(v) -> tuple:
    try:
        hash(v)
        return ("K", type(v).__name__, v)
    except TypeError:
        return ("K", repr(v))  # an unhashable value (a list, a dict): its contents as written


def _signature(value: Value, depth: int):
    """``signature`` of a value of any class."""
    if isinstance(value, Known):
        return _known_signature(value.value)
    if isinstance(value, Unknown):
        return ("U", value.kind)
    if isinstance(value, Array):
        return ("A", value.shape, value.dtype, value.sym)
    if isinstance(value, NumpyScalar):
        return ("S", value.dtype)
    if depth > 3:
        return ("deep", type(value).__name__)
    if isinstance(value, (ListVal, TupleVal)):
        return ("L", tuple(signature(v, depth + 1) for v in value.items))
    if isinstance(value, DictVal):
        return ("D", tuple(sorted(((repr(k), signature(v, depth + 1)) for k, v in value.items.items()))))
    if isinstance(value, InstanceVal):
        return ("I", id(value), tuple(sorted((k, signature(v, depth + 1)) for k, v in value.attrs.items())))
    if isinstance(value, MLPVal):
        return ("M", value.width, value.depth, id(value.weights))
    if isinstance(value, (SeqIterator, EndlessIter, PyGenerator)):
        # an iterator the loop advances (`k = next(gen)` until StopIteration) is not the same state
        return ("O", type(value).__name__, id(value), value.consumed)
    return ("O", type(value).__name__, id(value))


class UserRaise(Exception):
    """An exception the analysed program raises on this path."""

    def __init__(self, span: Span, what: str, family: tuple = (), value: Optional["Value"] = None,
                 exhausted: Optional[Span] = None):
        super().__init__(what)
        self.span = span
        self.what = what
        self.family = family  # names of the raised class and its bases, when it is a user class
        self.value = value  # the instance of a user exception class raised (what `except ... as e` binds)
        # where the budget ran out, when this is the BudgetExhaustedError raised there or what
        # replaced it (an except clause naming a class flopscope lacks)
        self.exhausted = exhausted


def python_raise(span: Span, exc: BaseException) -> UserRaise:
    """The program's raise of ``exc``, an exception Python itself raised on known values: its
    class's names along its mro, so that a handler of any base catches it (decimal's
    InvalidOperation is an ArithmeticError)."""
    return UserRaise(span, f"{type(exc).__name__}: {exc}", family=tuple(c.__name__ for c in type(exc).__mro__))


#: Builtins of one known number or text that give text or a number and run no user code.
TEXT_BUILTINS = frozenset({"bin", "oct", "hex", "chr", "ord", "ascii"})

#: What ``enum.auto()`` evaluates to until the class body is turned into members.
ENUM_AUTO = object()


def counted_extent(a: "Array", axes: tuple) -> Known:
    """The product of ``a``'s extents on ``axes`` (``x.size``, ``len(x)``, ``x.shape[i]``):
    a CountKnown when one of them was chosen at a value-dependent size site."""
    n = 1
    for axis in axes:
        n *= a.shape[axis]
    marks = [m for m in a.counted if m[0] in axes]
    if not marks:
        return Known(n)
    on = None if any(m[2] is None for m in marks) else all(m[2] for m in marks)
    if len(marks) == 1 and len(marks[0]) >= 6 and marks[0][3] is not None:
        rest = 1
        for axis in axes:
            if axis != marks[0][0]:
                rest *= a.shape[axis]
        if rest == 0:
            return Known(0)
        _, span, _, key, lo, hi = marks[0][:6]
        return CountKnown(n, span, on, key, lo, hi, () if rest == 1 else (("Mult", (), (rest,)),))
    return CountKnown(n, marks[0][1], on)


#: Integer arrays whose ``vrange`` ends are values they hold (made from a list of known ints, a
#: fill of a known int, an arange), not only bounds: numpy's bounds check of such an index array
#: is known to fail when an end lies out of the axis (operands.check_index_values). A copy made
#: elsewhere (with_, a clone) is not in it: its ends are then read as bounds only.
_ENDS_HELD: "weakref.WeakSet" = weakref.WeakSet()


def hold_ends(a: "Array") -> "Array":
    """``a``, marked as holding the two ends of its ``vrange``."""
    if a.vrange is not None:
        _ENDS_HELD.add(a)
    return a


def holds_ends(a: "Array") -> bool:
    return a in _ENDS_HELD


def release_ends(a: "Array") -> None:
    """``a``'s values were written: its vrange (if it keeps one) is no longer of held values."""
    _ENDS_HELD.discard(a)


def mark_counted(ctx, a: "Array", axis: int) -> "Array":
    """``a`` with ``axis`` marked as sized by the size site the interpreter chose last."""
    last = getattr(ctx, "last_count", None)
    if last is not None and 0 <= axis < a.ndim:
        a.counted = a.counted + ((axis,) + tuple(last),)
    return a


#: Library bases that leave ``==`` as identity (``Enum`` compares members by identity); and
#: whestbench's BaseEstimator where it defines no operators (is_plain_estimator_base).
IDENTITY_EQ_BASES = {"py:abc.ABC", "py:enum.Enum", "py:enum.Flag"}


def is_plain_estimator_base(base: Value) -> bool:
    """Whether ``base`` is whestbench's BaseEstimator as installed with no operator or other
    special method of its own (read from its source: installed.base_estimator)."""
    if not (isinstance(base, LibRef) and base.path == "whestbench.BaseEstimator"):
        return False
    from flopcast.installed import base_estimator

    return base_estimator().plain


def unhashable_instance(v: Value) -> bool:
    """An instance Python refuses to hash: the first of its classes that settles ``__hash__`` sets it
    to None, or defines ``__eq__`` without ``__hash__`` (Python then sets it to None), or is a
    non-frozen dataclass with eq (its decorator set it to None: interpreter, at the decorator)."""
    if not isinstance(v, InstanceVal):
        return False
    for c in v.cls.mro():
        if "__hash__" in c.attrs:
            h = c.attrs["__hash__"]
            return isinstance(h, Known) and h.value is None
        if "__eq__" in c.attrs or c.node is None:
            return c.node is not None
        if any(not isinstance(b, ClassVal) and not (isinstance(b, LibRef) and b.path in IDENTITY_EQ_BASES)
               and not is_plain_estimator_base(b) for b in c.bases):
            return False
    return False


def not_iterable(v: Value, *protocol: str) -> Optional[str]:
    """The type name Python's TypeError gives for a value known to be no iterable: a number,
    None, a numpy scalar, an instance of the user's classes none of which defines ``__iter__``
    or ``__getitem__`` (and none of which has a library base that might); None otherwise.
    ``protocol``: the special methods asked instead (``"__len__"``: a value with no len())."""
    methods = protocol or ("__iter__", "__getitem__")
    if v.__class__ is Known:
        return type(v.value).__name__ if type(v.value) in (int, float, bool, complex, type(None)) else None
    if isinstance(v, NumpyScalar):
        return f"numpy.{v.dtype}"
    if not isinstance(v, InstanceVal) or v.payload is not None:
        return None
    for c in v.cls.mro():
        if c.node is None or c.tuple_like or any(m in c.attrs or c.generated and m in c.generated for m in methods):
            return None
        if any(not isinstance(b, ClassVal) and not (isinstance(b, LibRef) and b.path == "py:abc.ABC")
               and not is_plain_estimator_base(b) for b in c.bases):
            return None
    return v.cls.name


def equal_only_to_itself(v: Value) -> bool:
    """An instance whose ``==`` is object identity: no ``__eq__`` anywhere in its classes, not a
    dataclass or NamedTuple (they compare fields), no library base that could define one; a
    function; a class of the user's (unless its metaclass defines ``__eq__``)."""
    if isinstance(v, FunctionVal):
        return True
    if isinstance(v, ClassVal):
        return v.metaclass is None or v.metaclass.lookup("__eq__")[1] is None
    if not isinstance(v, InstanceVal):
        return False
    for c in v.cls.mro():
        if "__eq__" in c.attrs or c.fields is not None or c.tuple_like or c.attrs.get("__int_like__"):
            return False
        if any(not isinstance(b, ClassVal) and not (isinstance(b, LibRef) and b.path in IDENTITY_EQ_BASES)
               and not is_plain_estimator_base(b) for b in c.bases):
            return False
    return True


def may_hold_known_key(d: "DictVal") -> bool:
    """Whether a key of ``d`` is a value flopcast does not know (a number or text read from data,
    an f-string of one) or an instance with its own ``__eq__``: a known key missing from the
    dict's known keys may still equal it, so the lookup's answer depends on values."""
    return any(k.__class__ is ObjKey and k.plain is None and (
        isinstance(k.value, Unknown) or isinstance(k.value, InstanceVal) and not equal_only_to_itself(k.value))
        for k in d.items)


def hashes_without_code(key: Value) -> bool:
    """Whether Python hashes ``key`` without raising and without running the program's code: a
    number or text read at run time (``mlp.name``, ``mlp.seed``), a known hashable value, or a
    tuple of those (``(mlp.name, layer)``)."""
    if isinstance(key, (Unknown, NumpyScalar)):
        return True
    if isinstance(key, Known):
        try:
            hash(key.value)
        except TypeError:
            return False
        return True
    return key.__class__ is TupleVal and all(hashes_without_code(item) for item in key.items)


def unknown_key_reason(key: Value) -> str:
    """Why a lookup by ``key`` is not followed, naming where the key came from when it was read
    at run time (``id(mlp)`` in a cache an earlier call filled)."""
    if isinstance(key, Unknown) and key.reason:
        return f"the key is not known ({key.reason}) and may equal a key the dict holds"
    return "the key is not known"


def surely_missing(key: Value, d: "DictVal") -> bool:
    """Whether ``key`` (not a known value, and not the same object as any key of ``d``) is surely
    no key of ``d``: it is equal only to itself and every key is a plain known value or equal only
    to itself too; or it is an IntEnum/IntFlag member (equal to its number, which the dict's
    hashing already compared) and every key is a known value, such a member or an object equal
    only to itself. A miss then reads the default (``get``) or raises KeyError (``d[key]``)."""
    plain = (type(None), bool, int, float, str, bytes)
    if not d.items and d.npz is None and hashes_without_code(key):
        return True  # an empty dict holds no key (a cache keyed by id(mlp) on the first call)
    if equal_only_to_itself(key):
        return all(not isinstance(k, ObjKey) and type(k) in plain or isinstance(k, ObjKey) and k.value is not key
                   and (equal_only_to_itself(k.value) or k.plain is not None) for k in d.items)
    k = dict_key(key)
    if isinstance(k, FieldsKey):
        # an instance compared by its fields, absent by them: no other key can equal it
        return all(not isinstance(other, ObjKey) and type(other) in plain or isinstance(other, FieldsKey)
                   or isinstance(other, ObjKey) and (other.plain is not None or equal_only_to_itself(other.value))
                   for other in d.items)
    if not isinstance(k, ObjKey) or k.plain is None:
        return False
    return all(not isinstance(other, ObjKey) or other.plain is not None or equal_only_to_itself(other.value)
               for other in d.items)


def changeable(value: Value) -> bool:
    """Whether a value is (or a tuple holds) an object the program can change in place (a list,
    dict, set, deque, an instance of its classes, a numpy array), or code of the program that
    unknown code may call, which may change anything it reaches: what a call flopcast does not
    follow may leave otherwise than it found it."""
    if isinstance(value, (ListVal, DictVal, InstanceVal, FunctionVal, BoundMethod, PartialVal)):
        return True
    if value.__class__ is Array:
        return value.plain
    return value.__class__ is TupleVal and any(map(changeable, value.items))


#: The methods of Python's list, dict and set that change the object they are called on.
LIST_MUTATORS = frozenset({"append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse",
                           "__setitem__", "__delitem__", "__iadd__", "__imul__"})
DICT_MUTATORS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "move_to_end",
                           "__setitem__", "__delitem__", "__ior__"})
SET_MUTATORS = frozenset({"add", "discard", "remove", "pop", "clear", "update", "intersection_update",
                          "difference_update", "symmetric_difference_update"})
