"""The module globals that the code a canonical walk met can read, written by that walk.

A call key (repeats.CallMemo) and a loop's probe (repeats.SteadyLoop) must hold everything
the call, or the loop's next iterations, can read. They held every module's globals and every
class's attributes, walked at every key and probe: about a fifth of a whole `flopcast
analyze` in the corpus's slowest files. What the code can read is less: the state the walk
began with (a call's function and arguments, the names a loop's body loads), and then, to a
fixed point over what the walk meets:

* a function's code reads the globals of its own module that it names (nested functions,
  lambdas, comprehensions and class bodies included: ``lasting.code_names``), its defaults and
  closure (in its form), and its class (``owner``, for ``super()``);
* an instance reads its class; a class its attributes (in its form), its bases, its
  metaclass (whose ``__call__`` runs at ``K(...)``) and its dataclass fields' defaults and
  factories;
* a module object reaches every global of its module: a walk that met one (``met_module``)
  keeps every module's globals, as before.

Code that reaches a namespace by name (``globals()``, ``getattr`` of a module by text,
``__dict__``, imports: ``lasting.code_names`` is None) keeps every module's globals too.

A global no reached code names can be neither read nor written by that code, so leaving it out
makes no two states equal that the code could tell apart. The parts are written in the order
the walk meets the code, so two walks with equal forms so far meet the same code next and
write the same names. Each global and each class is written once a walk (the walk changes
nothing, so a second time would add nothing).
"""

from __future__ import annotations

from typing import Optional

from flopcast.analyzer.canonical import Canon
from flopcast.analyzer.lasting import code_names
from flopcast.analyzer.values import ClassVal, FunctionVal, InstanceVal, Known


class Reach:
    """The fixed point of one walk, continued as the walk meets more objects (``more``)."""

    def __init__(self, canon: Canon, envs: dict) -> None:
        self.canon = canon
        self.envs = envs
        self.at = 0  # the first of canon.by_object not looked at yet
        self.code_done: set = set()  # (id of a function's node, its module's path)
        self.classes_done: set = set()
        self.written: dict = {}  # module path -> the names of it written
        # A walk that lists the numbers it meets with where they sit (counters.LeafCanon) is
        # told a global's place, so that a counter kept there can be rewritten.
        self.leaf = getattr(canon, "leaf", None)
        self.partial: tuple = ()  # the parts written before ``more`` gave up (None)
        # id of a module met -> its key (Module.key is a property, asked once per function met; the
        # module is held by the functions the walk numbered, so its id stays its own)
        self.keys: dict = {}

    def more(self) -> Optional[tuple]:
        """The parts for the objects the walk met since the last call (and what they reach);
        None when some code reaches a namespace by name or belongs to no module known here
        (the caller then walks every module's globals)."""
        canon, envs = self.canon, self.envs
        form = canon.form
        objects = canon.by_object
        numbered = canon.objects  # id -> number of the objects written
        parts: list = []
        code_done, classes_done, written, keys = self.code_done, self.classes_done, self.written, self.keys
        at = self.at  # (a local: most objects met are arrays, passed over)
        while at < len(objects):
            obj = objects[at]
            at += 1
            cls = obj.__class__
            if cls is FunctionVal:
                module = obj.module
                if module is None:
                    self.at = at
                    self.partial = tuple(parts)
                    return None
                key = keys.get(id(module))
                if key is None:
                    key = keys[id(module)] = module.key
                done = (id(obj.node), key)
                if done not in code_done:
                    code_done.add(done)
                    names = _code_names(obj.node)
                    env = envs.get(key)
                    if names is None or env is None:
                        self.at = at
                        self.partial = tuple(parts)
                        return None
                    seen = written.get(key)
                    if seen is None:
                        seen = written[key] = set()
                    # Only the names bound now: the names looked for are the same in two walks
                    # that met the same code, so those left out are the ones unbound in both.
                    # (In sorted order, those not written yet: a walk meets a dozen functions.)
                    new = [name for name in names if name not in seen and name in env]
                    seen.update(names)
                    if new:
                        parts.append((key, self.globals(env, new)))
                # (a class met already is written: its number again would add nothing)
                if obj.owner is not None and id(obj.owner) not in numbered:
                    parts.append(("owner", form(obj.owner)))
            elif cls is InstanceVal:
                if obj.cls is not None and id(obj.cls) not in numbered:
                    parts.append(("class of", form(obj.cls)))
            elif cls is ClassVal:
                if id(obj) in classes_done:
                    continue
                classes_done.add(id(obj))
                parts.append(("bases", tuple([form(b) for b in obj.bases]),
                              form(obj.metaclass) if obj.metaclass is not None else None,
                              tuple([(name, form(d) if d is not None else None, form(f) if f is not None else None)
                                     for name, d, f in obj.fields or ()])))
        self.at = at
        return tuple(parts)

    def globals(self, env: dict, names: list) -> tuple:
        """Some of a module's globals, written as the walk writes a module's (Canon.names):
        a number with its place for a walk that lists them, a module-level function whose form
        is made without the dispatch."""
        canon, leaf = self.canon, self.leaf
        if type(canon)._function_form is not Canon._function_form:
            return tuple([(name, canon.form(env[name])) for name in names])
        form = canon.form
        # (Canon.made_function, inlined as Canon.names inlines it)
        objects, by_object, namer = canon.objects, canon.by_object, type(canon).definition
        out = []
        for name in names:
            v = env[name]
            cls = v.__class__
            if cls is Known and leaf is not None:
                out.append((name, leaf(v, (env, name))))
                continue
            if cls is FunctionVal and v.closure is None and not v.attrs and id(v) not in objects:
                made = v.form
                got = made.get(namer) if made is not None else None
                if got is not None:
                    kind, cached, owner = got[0]
                    if (kind is v.kind or kind == v.kind) and (cached is v.cached or cached == v.cached) \
                            and (owner is v.owner or owner == v.owner):
                        n = objects[id(v)] = len(objects)
                        by_object.append(v)
                        out.append((name, ("F", n) + got[1]))
                        continue
            out.append((name, form(v)))
        return tuple(out)


def _code_names(node) -> Optional[tuple]:
    """``lasting.code_names`` of a function's node, sorted, kept on the node (the hot path of every key)."""
    try:
        return node._flopcast_names
    except AttributeError:
        found = code_names(node)
        found = node._flopcast_names = tuple(sorted(set(found))) if found is not None else None
        return found


def reached(canon: Canon, envs: dict) -> tuple[Optional[tuple], tuple]:
    """The module globals the code among ``canon``'s objects can read, walked by ``canon`` (so
    what they reach is walked too, to a fixed point), None as ``Reach.more``; and the parts
    written before the walk gave up. A caller that falls back to walking every module's
    globals with the same ``canon`` must keep those parts: the objects they wrote out (a
    registry dict's items) are numbered now, and the fallback walk writes only their numbers."""
    reach = Reach(canon, envs)
    found = reach.more()
    return found, reach.partial
