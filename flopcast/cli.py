"""The `flopcast` command line: argument parsing and dispatch, nothing else.

Each subcommand's work lives with its subsystem and is imported only when that
subcommand runs, so `flopcast analyze` never pays for the language server or the
runtime counter.

Exit codes everywhere: 0 success, 1 a finding / mismatch / overrun, 2 usage or
internal error.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from typing import Iterator, NoReturn, Optional, Sequence

from flopcast import dataclass_code

dataclass_code.install()  # before flopcast's own modules define their dataclasses

from flopcast.point import int_expression  # noqa: E402


def _add_point_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("analysis point (default: whestbench's current round)")
    g.add_argument("--round", dest="round_tag", metavar="TAG", help="a whestbench round tag, e.g. v2-phase2")
    g.add_argument("--width", type=int, help="MLP width (overrides the round's)")
    g.add_argument("--depth", type=int, help="MLP depth (overrides the round's)")
    g.add_argument("--budget", type=_int_expression, help="FLOP budget, e.g. 2199023255552 or 2**41")
    p.add_argument(
        "--no-scorer-cast",
        dest="scorer_cast",
        action="store_false",
        help="leave out the float32 cast whestbench bills after predict() returns a non-float32 array",
    )


def _add_calibrate_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--calibrate", nargs="?", const="auto", metavar="WxD",
        help="also run the estimator once at a small size (default: the smallest of 32x2, 64x2, 64x4, ... it "
             "accepts) in a sandboxed child, and replay its value-dependent decisions at the analysed point",
    )


def _int_expression(text: str) -> int:
    try:
        return int_expression(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flopcast",
        description="Predict the FLOPs flopscope will charge a whestbench estimator, before running it.",
    )
    parser.add_argument("--version", action="store_true", help="print flopcast, flopscope and whestbench versions")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("analyze", help="predict an estimator's FLOPs statically (never runs it)")
    p.add_argument("path", help="estimator.py or a submission folder")
    _add_point_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--class", dest="class_name", help="estimator class (default: as whestbench chooses)")
    p.add_argument("--top", type=int, default=10, help="how many of the costliest lines to show")
    p.add_argument("--no-formula", dest="formula", action="store_false", help="skip the closed-form fit")
    _add_calibrate_option(p)

    p = sub.add_parser("verify", help="run the estimator under flopscope and diff against the prediction")
    p.add_argument("path")
    _add_point_options(p)
    p.add_argument("--points", help="comma-separated WxD points, e.g. 32x2,64x4")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--class", dest="class_name")
    p.add_argument("--timeout", type=float, default=120.0, help="wall-time limit of the child, seconds")
    p.add_argument("--memory", type=int, default=8192, help="address-space limit of the child, MiB")
    p.add_argument("--html", metavar="FILE", help="also write the report page (flopcast report) with the runtime column")

    p = sub.add_parser("check", help="pre-submission lint: budget, forbidden code, costly patterns")
    p.add_argument("paths", nargs="*", default=["."])
    _add_point_options(p)
    p.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when errors are found")
    p.add_argument("--select", help="comma-separated rule codes or prefixes to enable")
    p.add_argument("--ignore", help="comma-separated rule codes or prefixes to disable")
    p.add_argument("--config", help="pyproject.toml to read [tool.flopcast] from")
    p.add_argument("--jobs", "-j", type=int, metavar="N", help="processes to check submissions in (default: one per core)")
    p.add_argument("--statistics", action="store_true", help="print how many files were checked per second (on stderr)")
    p.add_argument("--fix", action="store_true",
                   help="apply the safe fixes (predict's output stays bitwise identical), each re-analysed first")
    p.add_argument("--unsafe-fixes", action="store_true",
                   help="with --fix or --diff: also apply fixes that may change numerics (float32 casts, ...)")
    p.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; change nothing")
    p.add_argument("--no-formula", dest="formula", action="store_false",
                   help="skip fitting each fix's saving as a formula in w, d (text and json output)")
    _add_calibrate_option(p)

    p = sub.add_parser("fit", help="largest width / depth / named integer that stays within the budget")
    p.add_argument("path")
    _add_point_options(p)
    p.add_argument("--for", dest="target", required=True, metavar="width|depth|NAME")
    p.add_argument("--format", choices=("text", "json"), default="text")
    _add_calibrate_option(p)

    p = sub.add_parser("report", help="write a self-contained HTML page: annotated source, cost curves, tables")
    p.add_argument("path", help="estimator.py or a submission folder")
    _add_point_options(p)
    p.add_argument("-o", "--output", metavar="FILE", help="where to write the page (default: <name>-flopcast.html)")
    p.add_argument("--class", dest="class_name", help="estimator class (default: as whestbench chooses)")
    _add_calibrate_option(p)

    p = sub.add_parser("lsp", help="language server over stdio (inlay hints, hover, diagnostics)")
    return parser


@contextmanager
def _one_shot_gc(put_back: bool) -> Iterator[None]:
    """While a command runs, its cyclic garbage collector runs rarely. An analysis builds
    millions of objects that live to the end (charges, values, call records); at Python's
    default thresholds each collection of the older generations walks them all again, 6-25%
    of a whole `analyze` (strassen_mc's 2 million charges: a quarter). Only when unreachable
    cycles are freed changes, never what is computed: the caches keyed weakly by syntax nodes
    hold what the nodes determine. The settings are put back when the command returns, so a
    caller of ``main`` in its own process (the tests, a script) keeps its collector as it was;
    not in a process that ends with the command (``entry``): putting them back set off a
    collection of everything the command had built since the last one (0.05-0.28 s in the
    slowest corpus files), just before the exit."""
    import gc

    thresholds = gc.get_threshold()
    gc.freeze()  # what is loaded now (the modules, their tables) is never walked again
    # A young-generation collection walks what the command built since the last one, most of
    # which lives to the end, and frees the dead paths' interpreters (their frames are cycles):
    # 0.1-0.15 s each where 100,000 objects set one off; at 300,000 one still came in the
    # files with the most paths (0.85 s of sketch_dispatch's 4.1 s at 256x8, 0.35 s of
    # active_threshold's 2.6 s at 1024x16). 1,000,000 sets off none there and bounds the cycles
    # left to collect (+7% at the peak in sketch_dispatch, 700 -> 750 MB; unchanged elsewhere).
    gc.set_threshold(1_000_000, 50, 100)
    try:
        yield
    finally:
        if put_back:
            gc.set_threshold(*thresholds)
            gc.unfreeze()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    return _run(parser, parser.parse_args(argv), process_ends=False)


def entry() -> NoReturn:
    """`flopcast` as its own process (the console script, ``python -m flopcast``): a one-shot
    command's process ends without freeing what it built (process_exit.py); the language
    server's ends as Python's do."""
    parser = build_parser()
    ns = parser.parse_args()
    code = _run(parser, ns, process_ends=True)
    if ns.command == "lsp":
        sys.exit(code)
    from flopcast.process_exit import exit_now

    exit_now(code)


def _run(parser: argparse.ArgumentParser, ns: argparse.Namespace, process_ends: bool) -> int:
    if ns.version:
        from flopcast import __version__
        from flopcast.installed import flopscope_version, whestbench_version

        print(f"flopcast {__version__} (flopscope {flopscope_version()}, whestbench {whestbench_version()})")
        return 0
    if ns.command is None:
        parser.print_help()
        return 2
    try:
        if ns.command == "analyze":
            from flopcast.analyzer.command import run
        elif ns.command == "verify":
            from flopcast.runtime.command import run
        elif ns.command == "check":
            from flopcast.check.command import run
        elif ns.command == "fit":
            from flopcast.check.fit import run
        elif ns.command == "report":
            from flopcast.report.command import run
        else:
            from flopcast.lsp.server import run
        if ns.command == "lsp":
            return run(ns)
        from flopcast import frame_reserve

        with _one_shot_gc(put_back=not process_ends):
            return frame_reserve.run(lambda: run(ns))
    except KeyboardInterrupt:
        return 2
    except BrokenPipeError:
        # `flopcast analyze ... | head`: the reader left; that is not an error.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence prints, never tracebacks
        from flopcast.installed import SetupError

        if isinstance(exc, (SetupError, FileNotFoundError)):
            print(f"flopcast: error: {exc}", file=sys.stderr)
            return 2
        import traceback

        traceback.print_exc()
        print(
            f"flopcast: internal error ({type(exc).__name__}: {exc}). "
            "This is a flopcast bug; please report it with the file that triggered it.",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    entry()
