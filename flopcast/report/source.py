"""Python source as highlighted HTML, one fragment per line (pygments' tokens, our line split).

Pygments' HTML formatter highlights a whole file at once; a token that spans lines (a
docstring) would then open a ``<span>`` on one line and close it on another. The page
needs every line on its own (a row with its costs), so the tokens are split at newlines
here and each piece gets the CSS class pygments' formatter would give it.
"""

from __future__ import annotations

from markupsafe import Markup, escape
from pygments.lexers.python import PythonLexer
from pygments.token import STANDARD_TYPES, _TokenType


def _css_class(ttype: _TokenType) -> str:
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return STANDARD_TYPES[ttype]


def highlight_lines(text: str) -> list[Markup]:
    """One HTML fragment per source line (``text.splitlines()`` lines)."""
    lexer = PythonLexer(stripnl=False, ensurenl=False)
    lines: list[list[str]] = [[]]
    for ttype, value in lexer.get_tokens(text):
        css = _css_class(ttype)
        for i, piece in enumerate(value.split("\n")):
            if i:
                lines.append([])
            if piece:
                lines[-1].append(f'<span class="{css}">{escape(piece)}</span>' if css else str(escape(piece)))
    count = len(text.splitlines())
    return [Markup("".join(parts)) for parts in lines[:count]] + [Markup("")] * (count - len(lines))


def style_css(selector: str) -> str:
    """Pygments' CSS for the token classes, scoped under ``selector``."""
    from pygments.formatters.html import HtmlFormatter

    return HtmlFormatter(style="default").get_style_defs(selector)
