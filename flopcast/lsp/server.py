"""`flopcast lsp`: the language server's wiring — LSP messages in, features out.

Everything that computes lives elsewhere (state: cache; hints / hover / lenses /
diagnostics: presentation; formulas: background fits). This module decides *when*:

* Requests (inlay hints, hover, code lens) analyse the current buffer on demand; the
  content cache makes the second request for the same text free.
* Diagnostics are recomputed ~300 ms after the last change (debounced), at once on
  open and save, and published even when empty (that clears fixed ones).
* Analyses run one at a time on a worker thread, so the event loop keeps answering.
* Under the ``calibrate`` setting, a separate ``flopcast analyze --calibrate`` process
  runs per saved text (on open, save and reconfiguration); nothing waits for it.
* A buffer that does not parse keeps the last good hints; any exception in analysis is
  logged and the last good state kept: the server never goes down with the user's code.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any, Optional

from lsprotocol import types
from pygls import uris
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from flopcast import __version__
from flopcast.lsp import diagnostics, hints, hover, lenses
from flopcast.lsp.calibration import CalibrationCache
from flopcast.lsp.formulas import FormulaCache
from flopcast.lsp.positions import Lines
from flopcast.lsp.settings import ProjectPoint, Settings, project_point, resolve
from flopcast.lsp.state import Analysis, Analyzer, Document, LRU

log = logging.getLogger("flopcast.lsp")


class FlopcastProtocol(LanguageServerProtocol):
    """pygls 2.1 files each *notification* handled by a built-in generator handler
    (didOpen, didChange, ...) under a fresh uuid in ``_request_futures`` and only ever
    pops entries when it sends a *response*, so every keystroke leaked a Future
    (~2 KiB; +2 MiB per 1,000 edits). Drop the ones a notification left behind.
    """

    def _handle_notification(self, method_name: str, params: Any) -> None:
        futures = self._request_futures
        before = len(futures)
        super()._handle_notification(method_name, params)
        if len(futures) <= before:
            return
        for msg_id in list(futures)[before:]:  # dicts keep insertion order: the new ones
            future = futures.get(msg_id)
            if future is None:
                continue
            if future.done():
                futures.pop(msg_id, None)
            else:
                future.add_done_callback(lambda _f, key=msg_id: futures.pop(key, None))


class FlopcastServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("flopcast", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         protocol_cls=FlopcastProtocol)
        self.settings = Settings()
        self.analyzer = Analyzer()
        self.formulas = FormulaCache()
        self.calibrations = CalibrationCache()
        self.docs: dict[str, Document] = {}
        self.projects: LRU[str, ProjectPoint] = LRU(32)
        # One worker: the analyzer keeps module-level caches, and analyses of one
        # document are superseded anyway; ordering them keeps the cache effective.
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="flopcast-analysis")
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._published: dict[str, str] = {}  # uri -> digest whose diagnostics are shown

    # ---- documents -------------------------------------------------------

    def encoding(self) -> str:
        try:
            return self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        except RuntimeError:  # before initialize
            return types.PositionEncodingKind.Utf16

    def project(self, path: str) -> ProjectPoint:
        folder = str(Path(path).parent)
        found = self.projects.get(folder)
        if found is None:
            found = project_point(Path(path))
            self.projects.put(folder, found)
        return found

    def point_for(self, path: str):
        try:
            return resolve(self.settings, self.project(path))
        except Exception as exc:  # noqa: BLE001 - a bad round tag: say so, use the current round
            self.show_warning(f"flopcast: {exc}; using whestbench's current round")
            return resolve(replace(self.settings, round=None), ProjectPoint())

    def document(self, uri: str) -> Optional[Document]:
        """The tracked document for ``uri`` with its text synced from the workspace."""
        doc = self.docs.get(uri)
        if doc is None:
            return None
        text_doc = self.workspace.get_text_document(uri)
        doc.text = text_doc.source
        doc.version = text_doc.version
        return doc

    def open(self, uri: str) -> Optional[Document]:
        path = uris.to_fs_path(uri)
        if path is None or not path.endswith(".py"):
            return None
        text_doc = self.workspace.get_text_document(uri)
        doc = Document(uri, str(Path(path).resolve()), text_doc.source, text_doc.version, self.point_for(path))
        self.docs[uri] = doc
        return doc

    # ---- analysis ----------------------------------------------------------

    def siblings_of(self, doc: Document) -> dict[str, str]:
        """Unsaved buffers of the other open modules in the document's folder."""
        folder = Path(doc.path).parent
        return {other.path: self.workspace.get_text_document(other.uri).source
                for other in self.docs.values()
                if other is not doc and Path(other.path).parent == folder}

    def _analyze_sync(self, doc: Document, text: str, siblings: dict[str, str]):
        return self.analyzer.analyze(doc.path, text, doc.point, self.settings.scorer_cast, siblings)

    async def ensure(self, doc: Document) -> Optional[Analysis]:
        """Analyse the current text (cached); return the analysis to show (the last good one)."""
        text = doc.text
        siblings = self.siblings_of(doc)
        # A text already analysed is answered here: the worker may be busy with the
        # diagnostics of an earlier edit, and hints must not wait for them.
        outcome = self.analyzer.cached(doc.path, text, doc.point, self.settings.scorer_cast, siblings)
        if outcome is None:
            loop = asyncio.get_running_loop()
            try:
                outcome = await loop.run_in_executor(self.worker, self._analyze_sync, doc, text, siblings)
            except Exception:  # noqa: BLE001 - never lose the server to an analysis
                log.exception("flopcast: analysis crashed on %s", doc.path)
                return doc.good
        if doc.text == text:  # not superseded by a newer edit while it ran
            doc.current = outcome
        if isinstance(outcome, Analysis):
            if doc.good is None or doc.text == text:
                doc.good = outcome
            if self.settings.formula:
                self.formulas.schedule(self, doc, outcome)
        return doc.good

    def schedule_diagnostics(self, doc: Document, delay: Optional[float] = None) -> None:
        """(Re)start the quiet-time timer; when it fires, analyse and publish."""
        if not self.settings.diagnostics:
            return
        delay = self.settings.debounce_ms / 1000 if delay is None else delay
        old = self._timers.pop(doc.uri, None)
        if old is not None:
            old.cancel()
        loop = asyncio.get_running_loop()
        self._timers[doc.uri] = loop.call_later(
            delay, lambda: asyncio.ensure_future(self.publish(doc.uri)))

    async def publish(self, uri: str) -> None:
        self._timers.pop(uri, None)
        doc = self.document(uri) if uri in self.docs else None
        if doc is None:
            return
        before = doc.good
        try:
            await self.ensure(doc)
            if doc.good is not before:
                self.refresh_views()  # the hints are ready now; the diagnostics come after
            outcome = doc.current
            text = doc.text
            loop = asyncio.get_running_loop()
            project = self.project(doc.path)
            items = await loop.run_in_executor(
                self.worker, diagnostics.diagnostics_for, doc.path, text, outcome, doc.point,
                project.config, self.settings.scorer_cast, self.encoding())
        except Exception:  # noqa: BLE001
            log.exception("flopcast: diagnostics failed on %s", doc.path)
            return
        if uri not in self.docs:  # closed meanwhile
            return
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=items, version=doc.version))

    def refresh_views(self) -> None:
        """Ask the client to re-request hints and lenses (when it supports being asked)."""
        caps = self.client_capabilities.workspace if self.client_capabilities else None
        if caps is None:
            return
        try:
            if caps.inlay_hint and caps.inlay_hint.refresh_support:
                self.workspace_inlay_hint_refresh(None)
            if caps.code_lens and caps.code_lens.refresh_support:
                self.workspace_code_lens_refresh(None)
        except Exception:  # noqa: BLE001 - a client that refuses is not an error
            log.debug("flopcast: refresh request failed", exc_info=True)

    def reconfigure(self, options: Any) -> None:
        self.settings = self.settings.updated(options)
        self.projects.clear()
        for doc in self.docs.values():
            doc.point = self.point_for(doc.path)
            doc.good = None
            doc.current = None
            self.schedule_diagnostics(doc, 0)
            self.calibrations.schedule(self, doc.uri, doc.path, doc.point)
        self.refresh_views()

    def show_warning(self, message: str) -> None:
        log.warning(message)
        try:
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))
        except Exception:  # noqa: BLE001 - not connected yet
            pass

    def lines(self, analysis: Analysis) -> Lines:
        return Lines.of(analysis.text, self.encoding())


server = None  # set by build()


def build() -> FlopcastServer:
    ls = FlopcastServer()

    @ls.feature(types.INITIALIZE)
    def initialize(ls: FlopcastServer, params: types.InitializeParams) -> None:
        if params.initialization_options:
            ls.settings = ls.settings.updated(params.initialization_options)

    @ls.feature(types.INITIALIZED)
    async def initialized(ls: FlopcastServer, params: types.InitializedParams) -> None:
        await pull_configuration(ls)

    @ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: FlopcastServer, params: types.DidChangeConfigurationParams) -> None:
        if isinstance(params.settings, dict) and params.settings:
            ls.reconfigure(params.settings)
        elif await pull_configuration(ls):
            ls.reconfigure({})

    @ls.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: FlopcastServer, params: types.DidOpenTextDocumentParams) -> None:
        doc = ls.open(params.text_document.uri)
        if doc is not None:
            ls.schedule_diagnostics(doc, 0)
            ls.calibrations.schedule(ls, doc.uri, doc.path, doc.point)

    @ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: FlopcastServer, params: types.DidChangeTextDocumentParams) -> None:
        doc = ls.document(params.text_document.uri)
        if doc is not None:
            ls.schedule_diagnostics(doc)
            # An edit to a helper module changes what the estimator beside it costs.
            for other in list(ls.docs.values()):
                if other is not doc and Path(other.path).parent == Path(doc.path).parent:
                    refreshed = ls.document(other.uri)
                    if refreshed is not None:
                        ls.schedule_diagnostics(refreshed)

    @ls.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: FlopcastServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = uris.to_fs_path(uri) or ""
        if path.endswith("pyproject.toml"):
            ls.reconfigure({})
            return
        # A saved sibling module changes what every open estimator imports.
        for doc in ls.docs.values():
            if doc.uri == uri or Path(doc.path).parent == Path(path).resolve().parent:
                ls.schedule_diagnostics(doc, 0)
                ls.calibrations.schedule(ls, doc.uri, doc.path, doc.point)

    @ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: FlopcastServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.docs.pop(uri, None)
        timer = ls._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @ls.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
    async def inlay_hint(ls: FlopcastServer, params: types.InlayHintParams) -> list[types.InlayHint]:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return []
        analysis = await ls.ensure(doc)
        if analysis is None:
            return []
        first, last = hints.requested_lines(params.range)
        # Positions go at the end of the line in the *current* buffer, so hints stay at
        # the line ends while the last good analysis is shown over a broken buffer.
        current = Lines.of(doc.text, ls.encoding())
        return hints.inlay_hints(analysis, current, doc.point.budget, ls.settings.hints, first, last)

    @ls.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: FlopcastServer, params: types.HoverParams) -> Optional[types.Hover]:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        analysis = await ls.ensure(doc)
        if analysis is None:
            return None
        if analysis.values is None:
            # The first hover of this text: the analysis is made again recording the values
            # of its names (an edit's analysis does not record them; Analyzer.with_values).
            loop = asyncio.get_running_loop()
            try:
                analysis = await loop.run_in_executor(ls.worker, ls.analyzer.with_values, doc.path, analysis,
                                                      doc.point, ls.settings.scorer_cast, ls.siblings_of(doc))
            except Exception:  # noqa: BLE001 - a hover without values rather than none
                log.exception("flopcast: values for a hover failed on %s", doc.path)
        return hover.hover(analysis, ls.lines(analysis), params.position, doc.point.budget,
                           doc.point.label(), ls.formulas.get(doc, analysis))

    @ls.feature(types.TEXT_DOCUMENT_CODE_LENS)
    async def code_lens(ls: FlopcastServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        doc = ls.document(params.text_document.uri)
        if doc is None or not ls.settings.code_lens:
            return []
        analysis = await ls.ensure(doc)
        if analysis is None:
            return []
        calibrated = ls.calibrations.get(doc.path, analysis.text, doc.point, ls.settings.scorer_cast,
                                         ls.settings.calibrate)
        return lenses.code_lenses(analysis, ls.lines(analysis), doc.point, ls.formulas.get(doc, analysis),
                                  calibrated=calibrated)

    @ls.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    async def code_action(ls: FlopcastServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        from flopcast.lsp.actions import code_actions

        doc = ls.document(params.text_document.uri)
        if doc is None:
            return []
        analysis = await ls.ensure(doc)
        if analysis is None or doc.current is not analysis:
            return []  # the buffer does not parse (or changed): no fix against stale text
        text = doc.text
        project = ls.project(doc.path)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                ls.worker, code_actions, params.text_document.uri, doc.path, text, doc.point, analysis.report,
                project.config, params.range, Lines.of(text, ls.encoding()), ls.settings.scorer_cast)
        except Exception:  # noqa: BLE001 - a failing fix must not take the server down
            log.exception("flopcast: code actions failed on %s", doc.path)
            return []

    @ls.feature(types.SHUTDOWN)
    def shutdown(ls: FlopcastServer, params: Any) -> None:
        for timer in ls._timers.values():
            timer.cancel()
        ls._timers.clear()
        ls.formulas.cancel_all()
        ls.calibrations.cancel_all()

    return ls


async def pull_configuration(ls: FlopcastServer) -> bool:
    """Ask the client for its ``flopcast`` section, when it can answer; True if it did."""
    caps = ls.client_capabilities.workspace if ls.client_capabilities else None
    if not (caps and caps.configuration):
        return False
    try:
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="flopcast")]))
    except Exception:  # noqa: BLE001 - a client that cannot answer keeps the defaults
        log.debug("flopcast: workspace/configuration failed", exc_info=True)
        return False
    if result and isinstance(result[0], dict):
        ls.settings = ls.settings.updated(result[0])
        return True
    return False


def run(ns: argparse.Namespace) -> int:
    """Serve LSP over stdin/stdout until the client says exit."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("pygls").setLevel(logging.WARNING)
    build().start_io()
    return 0


def main() -> None:  # python -m flopcast.lsp.server
    sys.exit(run(argparse.Namespace()))


if __name__ == "__main__":
    main()
