"""Per-document state and the analysis cache.

Every feature asks the same question — "the report for this text at this point" —
so the answer is cached by content: (path, point, scorer cast, sha1 of the text,
stamp of the sibling files on disk) -> outcome. Repeated requests (hints, hover and
lenses for one keystroke; undo back to an earlier text) cost a dict lookup. The cache
is a bounded LRU, so memory stays flat however long the session runs.

A document keeps its *last good* analysis: while the buffer does not parse (mid-edit),
hints and lenses keep showing the last good numbers and the error goes to diagnostics.

The abstract values a hover shows for a name (``Report.values``) are not recorded by the
analysis an edit makes: recording them keeps loops whose numbers only count from repeating
(analyzer/counters.py) and costs up to a third of an analysis, and only a hover reads them.
The first hover of a text asks for them (``Analyzer.with_values``: the same analysis with
``record_values``); a carried analysis carries them when its predecessor had them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Hashable, Optional, TypeVar, Union

from flopcast.lsp.costs import FileCosts, fold
from flopcast.model import Point, Report

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A small bounded mapping: the least recently used entry goes first."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> Optional[V]:
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)

    def clear(self) -> None:
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


@dataclass(frozen=True)
class Analysis:
    """A successful analysis of one exact text."""

    digest: str
    text: str  # the text the spans refer to
    report: Report
    costs: FileCosts
    seconds: float
    #: For carrying the analysis over the next edit (lsp/incremental.Layout).
    layout: Optional[object] = field(default=None, compare=False, repr=False)
    #: The abstract values of the text's names (a hover's), once asked for (``Analyzer.with_values``).
    values: Optional[dict] = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Failure:
    """An analysis that could not be made; ``line``/``col`` are 1-based when known."""

    digest: str
    message: str
    syntax: bool
    path: Optional[str] = None  # the file the error is in (a sibling module, maybe)
    line: Optional[int] = None
    col: Optional[int] = None
    end_line: Optional[int] = None
    end_col: Optional[int] = None


Outcome = Union[Analysis, Failure]


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def disk_stamp(folder: Path, limit: int = 256) -> tuple:
    """mtimes of the files next to the document: sibling modules, and the data files
    (``.npz`` heads, ``config.json``) that setup() reads, are read from disk.

    A changed sibling then misses the cache. Folders with more entries than ``limit``
    are not stamped (a file opened in a big folder); saving still clears the cache.
    """
    stamp = []
    try:
        with os.scandir(folder) as it:
            for i, entry in enumerate(it):
                if i >= limit:
                    return ()
                if not entry.name.startswith(".") and entry.is_file():
                    try:
                        st = entry.stat()
                    except OSError:
                        continue
                    stamp.append((entry.name, st.st_mtime_ns, st.st_size))
    except OSError:
        return ()
    return tuple(sorted(stamp))


@dataclass
class Document:
    uri: str
    path: str
    text: str
    version: Optional[int]
    point: Point
    #: The last analysis that succeeded (kept while the buffer does not parse).
    good: Optional[Analysis] = None
    #: The outcome for the current text, once known.
    current: Optional[Outcome] = None
    #: Formula fits for the current good analysis: key -> formula text
    formulas: dict[str, str] = field(default_factory=dict)


class Analyzer:
    """Runs the analyzer on a document's text, through the content cache."""

    def __init__(self, maxsize: int = 32, incremental: bool = True) -> None:
        self.cache: LRU[tuple, Outcome] = LRU(maxsize)
        self.runs = 0  # analyses actually made (for tests and the bench)
        self.carried = 0  # analyses carried over an edit instead (lsp/incremental.py)
        self.incremental = incremental
        # The last analysis made in each context (the cache key without the text's digest).
        self.last: LRU[tuple, Analysis] = LRU(maxsize)
        # The server reads the cache on its event loop while the worker analyses.
        self.lock = threading.Lock()

    @staticmethod
    def key(path: str, text: str, point: Point, scorer_cast: bool, siblings: dict[str, str]) -> tuple:
        """What an outcome depends on: the text, the point, the files beside it, unsaved siblings."""
        return (path, point, scorer_cast, digest(text), disk_stamp(Path(path).parent),
                tuple(sorted((p, digest(t)) for p, t in siblings.items())))

    def cached(self, path: str, text: str, point: Point, scorer_cast: bool = True,
               siblings: Optional[dict[str, str]] = None) -> Optional[Outcome]:
        """The outcome already made for exactly this text and context, without analysing."""
        key = self.key(path, text, point, scorer_cast, siblings or {})
        with self.lock:
            return self.cache.get(key)

    def analyze(self, path: str, text: str, point: Point, scorer_cast: bool = True,
                siblings: Optional[dict[str, str]] = None) -> Outcome:
        """``siblings``: unsaved buffers of other modules in the folder (path -> text)."""
        siblings = siblings or {}
        key = self.key(path, text, point, scorer_cast, siblings)
        with self.lock:
            cached = self.cache.get(key)
        if cached is not None:
            return cached
        context = key[:3] + key[4:]
        outcome = self._carried(path, text, key[3], self.last.get(context)) if self.incremental else None
        if outcome is None:
            outcome = self._run(path, text, point, scorer_cast, key[3], siblings)
        with self.lock:
            if isinstance(outcome, Analysis):
                self.last.put(context, outcome)
            self.cache.put(key, outcome)
        return outcome

    def _carried(self, path: str, text: str, sha: str, previous: Optional[Analysis]) -> Optional[Analysis]:
        """The previous analysis carried over the edit, when the edit cannot change it."""
        if previous is None or previous.layout is None or _entry_for_helper(path, text) is not None:
            return None
        from flopcast.lsp.incremental import carry_over

        started = time.perf_counter()
        values = None
        carried = None
        if previous.values is not None:
            # The values move with the report; a value's text that names a line refuses the
            # move: the report is then carried without them.
            carried = carry_over(previous.text, previous.layout, dataclasses.replace(previous.report,
                                 values=previous.values), previous.costs, text, previous.report.path)
            if carried is not None:
                values = carried[0].values
                carried = (dataclasses.replace(carried[0], values={}), *carried[1:])
        if carried is None:
            carried = carry_over(previous.text, previous.layout, previous.report, previous.costs, text,
                                 previous.report.path)
        if carried is None:
            return None
        self.carried += 1
        report, costs, layout = carried
        return Analysis(sha, text, report, costs, time.perf_counter() - started, layout, values)

    def with_values(self, path: str, analysis: Analysis, point: Point, scorer_cast: bool = True,
                    siblings: Optional[dict[str, str]] = None) -> Analysis:
        """``analysis`` with the abstract values of its text's names (what a hover shows):
        the same analysis made again recording them, once per text (cached)."""
        if analysis.values is not None:
            return analysis
        siblings = siblings or {}
        key = self.key(path, analysis.text, point, scorer_cast, siblings)
        with self.lock:
            cached = self.cache.get(key)
        if isinstance(cached, Analysis) and cached.values is not None:
            return cached
        try:
            values = self._report(path, analysis.text, point, scorer_cast, siblings, record_values=True).values
        except Exception:  # noqa: BLE001 - the analysis made it; hovers then show no values
            log.exception("flopcast: the values of %s could not be recorded", path)
            values = {}
        valued = dataclasses.replace(analysis, values=values)
        with self.lock:
            if self.cache.get(key) is analysis:
                self.cache.put(key, valued)
            context = key[:3] + key[4:]
            if self.last.get(context) is analysis:
                self.last.put(context, valued)
        return valued

    def _run(self, path: str, text: str, point: Point, scorer_cast: bool, sha: str,
             siblings: dict[str, str]) -> Outcome:
        self.runs += 1
        started = time.perf_counter()
        try:
            report, program = self._analysed(path, text, point, scorer_cast, siblings)
        except Exception as exc:  # noqa: BLE001 - any failure becomes a diagnostic, never a crash
            return failure_of(exc, sha, path)
        seconds = time.perf_counter() - started
        layout = _layout(program, report) if program is not None else None
        return Analysis(sha, text, report, fold(report, path), seconds, layout)

    @staticmethod
    def _report(path: str, text: str, point: Point, scorer_cast: bool, siblings: dict[str, str],
                record_values: bool = False) -> Report:
        return Analyzer._analysed(path, text, point, scorer_cast, siblings, record_values)[0]

    @staticmethod
    def _analysed(path: str, text: str, point: Point, scorer_cast: bool, siblings: dict[str, str],
                  record_values: bool = False) -> tuple[Report, Optional[object]]:
        """The report, and the program it was made from, ``text`` parsed (None for a helper
        module, whose report is its folder's estimator's: it is not carried over edits)."""
        from flopcast.analyzer import analyze
        from flopcast.analyzer.api import _analyze
        from flopcast.analyzer.program import estimator_class, load_program

        entry = _entry_for_helper(path, text)
        if entry is not None:
            # A helper module: its costs are what the folder's estimator makes it charge.
            return analyze(entry, point, include_scorer_cast=scorer_cast, formula=False,
                           record_values=record_values, sources={**siblings, path: text}), None
        # analyze(path, source=text, trace=True), keeping the main file's parse for the layout.
        program = load_program(Path(path), text, siblings)
        report = _analyze(program, estimator_class(program, None), point, scorer_cast, False, record_values,
                          True, False)
        return report, program

    def clear(self) -> None:
        self.cache.clear()
        self.last.clear()


def _layout(program, report: Report):
    from flopcast.analyzer.write_only import program_trees
    from flopcast.lsp.incremental import layout

    return layout(program.main.tree, report, program_trees(program))


def _entry_for_helper(path: str, text: str) -> Optional[str]:
    """The folder's estimator.py when ``path`` is another module of it without an estimator class."""
    entry = Path(path).parent / "estimator.py"
    if Path(path).name == "estimator.py" or not entry.is_file() or "BaseEstimator" in text:
        return None
    return str(entry)


def failure_of(exc: BaseException, sha: str, path: str) -> Failure:
    syntax = exc if isinstance(exc, SyntaxError) else exc.__cause__
    if isinstance(syntax, SyntaxError):
        end_line = getattr(syntax, "end_lineno", None)
        end_col = getattr(syntax, "end_offset", None)
        return Failure(sha, f"syntax error: {syntax.msg}", True, syntax.filename or path,
                       syntax.lineno, syntax.offset, end_line, end_col)
    expected = type(exc).__name__ in {"ProgramError", "SourceError", "SetupError", "FileNotFoundError"}
    if not expected:
        log.exception("flopcast: analysis of %s failed", path)
    return Failure(sha, f"{type(exc).__name__}: {exc}" if not expected else str(exc), False, path)
