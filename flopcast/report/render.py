"""The page as one self-contained HTML document: jinja2 template, CSS and script inlined."""

from __future__ import annotations

from importlib import resources

from markupsafe import Markup

from flopcast.report.page import Page, share_text
from flopcast.report.source import style_css

_SOURCE_SELECTOR = ".code .tx"


def _read(name: str) -> str:
    return resources.files("flopcast.report").joinpath("templates", name).read_text(encoding="utf-8")


def render_html(page: Page) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: _read(name)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    pygments_css = "\n".join(line for line in style_css(_SOURCE_SELECTOR).splitlines()
                             if line.startswith(_SOURCE_SELECTOR))
    template = env.get_template("page.html.j2")
    # Our own files, trusted: inlined as they are (escaping would break `>` selectors and strings).
    return template.render(page=page, css=Markup(_read("page.css") + "\n" + pygments_css),
                           js=Markup(_read("page.js")), share=share_text)
