"""The page in a real browser: it renders cleanly, its charts and heat map are drawn, hover shows ops."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flopcast.report.render import render_html

from .browser import launch, require_chromium
from .pages import SAMPLES, gathered, line_of, page

#: One worker runs this module (make test: --dist loadgroup), so `opened` starts Chromium once, not once per worker.
pytestmark = pytest.mark.xdist_group("browser")

sync_api = pytest.importorskip("playwright.sync_api", reason="BROWSER TESTS DID NOT RUN: playwright is not installed")


@pytest.fixture(scope="module")
def opened(tmp_path_factory):
    """The covariance sample's page, open in Chromium; console messages and requests recorded."""
    from flopcast.report.charts import chart_svg
    from flopcast.report.page import chart_view

    require_chromium()
    p = page("covariance_propagation.py")
    p.charts = [chart_view(c, chart_svg(c), "samples/covariance_propagation.py")
                for c in gathered("covariance_propagation.py").curves]
    folder = tmp_path_factory.mktemp("report")
    target = folder / "covariance.html"
    target.write_text(render_html(p), encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        context = launch(pw, tmp_path_factory.mktemp("chromium-profile"))
        tab = context.new_page()
        messages, requests = [], []
        tab.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
        tab.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
        tab.on("request", lambda r: requests.append(r.url))
        tab.goto(target.as_uri())
        tab.wait_for_load_state("load")
        yield tab, messages, requests, folder
        context.close()


def _screenshot(tab, folder: Path, name: str) -> Path:
    """Saved beside the page, and into $FLOPCAST_ARTIFACTS when CI collects them."""
    shot = folder / name
    tab.screenshot(path=str(shot), full_page=False)
    artifacts = os.environ.get("FLOPCAST_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        (Path(artifacts) / name).write_bytes(shot.read_bytes())
    return shot


def test_the_page_renders_with_no_console_message_and_loads_nothing_else(opened):
    tab, messages, requests, folder = opened
    assert messages == []
    assert [u for u in requests if not u.startswith("file://")] == []
    assert len(requests) == 1, "one self-contained file: no stylesheet, script, font or image is fetched"
    assert tab.locator("#total").inner_text() == page("covariance_propagation.py").header.total
    assert _screenshot(tab, folder, "report-top.png").stat().st_size > 10_000


def test_both_charts_are_drawn_with_the_budget_line_the_point_and_the_fit(opened):
    tab = opened[0]
    for axis in ("width", "depth"):
        chart = tab.locator(f"#chart-{axis} svg")
        assert chart.is_visible()
        for part in ("budget", "point", "fit", "curve"):
            box = tab.locator(f"#{axis}-{part}").bounding_box()
            assert box is not None and (box["width"] > 1 or box["height"] > 1), f"{axis}-{part} is not drawn"
        budget = tab.locator(f"#{axis}-budget").bounding_box()
        plot = chart.bounding_box()
        assert budget["width"] > 0.5 * plot["width"], "the budget is a horizontal line across the plot"


def test_the_hottest_line_carries_the_hottest_colour(opened):
    tab = opened[0]
    colours = tab.eval_on_selector_all(
        ".line[data-heat]:not(.head)",
        """lines => lines.map(l => [Number(l.dataset.flops), Number(l.dataset.heat),
                                     getComputedStyle(l.querySelector('.fl')).backgroundColor])""")
    hottest = max(colours, key=lambda c: c[0])
    hottest_css = tab.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--h8').trim()")
    assert hottest[1] == max(c[1] for c in colours) == 8
    assert hottest[2] == _rgb(hottest_css)
    cooler = {c[2] for c in colours if 0 < c[1] < 8}
    assert cooler and hottest[2] not in cooler


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_hovering_a_line_shows_its_ops_with_billed_dtype(opened):
    tab, _, _, folder = opened
    n = line_of(SAMPLES / "covariance_propagation.py", "cov_pre = w.T")
    ops = tab.locator(f"#f0-L{n}-ops")
    tab.evaluate("document.activeElement && document.activeElement.blur()")  # focus also shows ops
    tab.mouse.move(0, 0)
    assert not ops.is_visible()
    tab.locator(f"#f0-L{n} .tx").hover()
    assert ops.is_visible()
    text = ops.inner_text()
    assert "matmul" in text and "float64" in text and "formula" in text
    _screenshot(tab, folder, "report-hover.png")
    tab.mouse.move(0, 0)
    assert not ops.is_visible()


def test_the_keyboard_moves_between_costed_lines_and_focus_shows_the_ops(opened):
    tab = opened[0]
    costed = tab.eval_on_selector_all(".line[tabindex='0']", "ls => ls.map(l => l.id)")
    tab.locator(f"#{costed[0]}").focus()
    assert tab.locator(f"#{costed[0]}-ops").is_visible()
    tab.keyboard.press("j")
    assert tab.evaluate("document.activeElement.id") == costed[1]
    assert tab.locator(f"#{costed[1]}-ops").is_visible()
    tab.keyboard.press("k")
    assert tab.evaluate("document.activeElement.id") == costed[0]


def test_a_finding_links_to_its_line(opened):
    tab = opened[0]
    link = tab.locator("#findings a").first
    target = link.get_attribute("href")
    link.click()
    assert tab.evaluate("document.activeElement.id") == target[1:]
    assert tab.locator(f"{target} > .mk .mark.finding").count() >= 1
