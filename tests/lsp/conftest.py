"""A real LSP client talking to `flopcast lsp` over stdio (pytest-lsp)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "flopcast", "lsp"])


async def _initialize(lsp_client: LanguageClient, root: Path, options: Any = None) -> None:
    """Open a session as VS Code would, ``options`` as its initializationOptions."""
    # VS Code's capabilities include refresh support: answer the server's refresh
    # requests like an editor would, and count them.
    lsp_client.refreshes = []  # type: ignore[attr-defined]
    lsp_client.open_uris = []  # type: ignore[attr-defined]  # (Doc adds each it opens)

    @lsp_client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
    def inlay_refresh(params):
        lsp_client.refreshes.append("inlayHint")

    @lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def lens_refresh(params):
        lsp_client.refreshes.append("codeLens")

    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=root.as_uri(),
        initialization_options=options,
    )
    await lsp_client.initialize_session(params)


def server_per_test(**loop: str):
    """The ``client`` fixture: a server started for each test (``loop``: pytest-asyncio's
    loop_scope, for a module whose tests run in the module's loop)."""

    @pytest_lsp.fixture(config=SERVER, **loop)
    async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, tmp_path):
        """A VS Code-like client; ``indirect`` parametrisation passes initializationOptions."""
        await _initialize(lsp_client, tmp_path, getattr(request, "param", None))
        yield
        await lsp_client.shutdown_session()

    return client


client = server_per_test()


@pytest_lsp.fixture(config=SERVER, scope="module")
async def module_server(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):
    """One server for the tests of a module that leave its settings as they are: starting one
    took ~2 s of each test's ~2.7 s (session 48). Each test opens its documents in its own
    tmp_path (the server reads a document's point and siblings from its folder), and
    ``shared_client`` closes them after it, so no test sees another's."""
    await _initialize(lsp_client, tmp_path_factory.mktemp("lsp-root"))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def shared_client(module_server: LanguageClient):
    """The module's server for one test; the documents the test opened are closed after it."""
    yield module_server
    for uri in module_server.open_uris:
        module_server.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
    module_server.open_uris.clear()
