"""The runtime counter: a flopscope BudgetContext that records where each charge was made,
and an in-process run of an estimator the way ``whest run`` meters it.

Attribution overrides the private ``BudgetContext._append_op_record``, the one
place every charge (``deduct`` and ``deduct_after``) passes through after it has
been priced and counted. The override only *reads* the record and the stack and
then defers to flopscope, so the count is flopscope's own, unchanged.

This module runs participant code; :mod:`flopcast.runtime.child` calls it in a
separate process. Tests call it directly for speed.
"""

from __future__ import annotations

import sys
import time
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Any, Optional

import flopscope as flops

from flopcast.model import SCORER_SPAN, Charge, Span
from flopcast.runtime.attribution import Locator
from flopcast.runtime.protocol import (
    BUDGET_EXHAUSTED,
    EXCEPTION,
    LOAD_ERROR,
    OK,
    SCORER_ERROR,
    SETUP_ERROR,
    RunError,
    RunRequest,
    RunResult,
)

#: Where a charge is filed when no frame on the stack is the user's code
#: (e.g. an inherited ``predict`` defined outside the submission folder).
UNATTRIBUTED_SPAN = Span("<outside the submission>", 0, 0, 0, 0)


class AttributingBudget(flops.BudgetContext):
    """A BudgetContext that also remembers, per charge, the user's source position.

    ``scorer_phase`` is set by the runner once ``predict`` has returned: charges
    after that are whestbench's and are filed under :data:`SCORER_SPAN`, as the
    static side files them.
    """

    def __init__(self, flop_budget: int, locator: Locator, *, quiet: bool = True) -> None:
        super().__init__(flop_budget=flop_budget, quiet=quiet)
        self.locator = locator
        self.scorer_phase = False
        # Raw (code, lasti, path, op, flops, dtype) per charge. Spans are built after
        # the run so the hot path is a frame walk and a tuple append.
        self._raw: list[tuple] = []

    def _append_op_record(self, record: Any) -> int:
        index = super()._append_op_record(record)
        if self.scorer_phase:
            self._raw.append((None, 0, None, record.op_name, record.flop_cost, record.resolved_dtype))
            return index
        files = self.locator.files
        frame = sys._getframe(1)
        while frame is not None:
            code = frame.f_code
            filename = code.co_filename
            try:
                path = files[filename]
            except KeyError:
                path = self.locator.user_path(filename)
            if path is not None:
                self._raw.append((code, frame.f_lasti, path, record.op_name, record.flop_cost, record.resolved_dtype))
                return index
            frame = frame.f_back
        self._raw.append((None, 0, "", record.op_name, record.flop_cost, record.resolved_dtype))
        return index

    def charges(self) -> list[Charge]:
        """The attributed charges, in the order flopscope made them."""
        out = []
        for code, lasti, path, op, flops_, dtype in self._raw:
            if code is not None:
                span, function = self.locator.span(code, lasti, path), code.co_qualname
            elif path is None:
                span, function = SCORER_SPAN, "whestbench.scoring.materialise_predictions"
            else:
                span, function = UNATTRIBUTED_SPAN, ""
            out.append(Charge(span=span, op=op, flops=flops_, dtype=dtype, function=function))
        return out


def estimator_file(path: str | Path) -> Path:
    """``estimator.py`` itself, or the ``estimator.py`` of a submission folder."""
    p = Path(path)
    if p.is_dir():
        p = p / "estimator.py"
    if not p.is_file():
        raise FileNotFoundError(
            f"no estimator at {p}: pass an estimator.py or a submission folder containing one"
        )
    return p.resolve()


def run_in_process(request: RunRequest, *, attribute: bool = True) -> RunResult:
    """Load, set up and meter one estimator exactly as ``whest run`` does, in this process.

    With ``attribute=False`` the meter is a plain ``flopscope.BudgetContext`` (the
    reference the attributing meter is checked and benchmarked against) and no
    charges are listed.
    """
    from whestbench.generation import sample_mlp
    from whestbench.loader import load_estimator_from_path
    from whestbench.scoring import materialise_predictions
    from whestbench.sdk import SetupContext

    import flopscope.numpy as fnp

    path = Path(request.estimator_path).resolve()
    locator = Locator(path.parent)

    # The loader puts the submission folder on sys.path (sibling imports) and
    # resolves the class as the grader does: `Estimator`, else the single subclass.
    try:
        estimator, _ = load_estimator_from_path(path, class_name=request.class_name)
    except BaseException as exc:  # noqa: BLE001 - participant code: anything can come out
        return RunResult(LOAD_ERROR, error=_describe(exc, locator))

    # Built outside any meter, as whestbench builds its contest MLPs.
    mlp = sample_mlp(request.width, request.depth, fnp.random.default_rng(request.seed), seed=request.seed)

    context = SetupContext(
        width=request.width,
        depth=request.depth,
        flop_budget=request.budget,
        api_version="1.0",
        submission_dir=str(path.parent),
        seed=request.seed,
    )
    try:
        estimator.setup(context)
    except BaseException as exc:  # noqa: BLE001
        return RunResult(SETUP_ERROR, error=_describe(exc, locator))

    meter: flops.BudgetContext
    if attribute:
        meter = AttributingBudget(request.budget, locator, quiet=True)
    else:
        meter = flops.BudgetContext(flop_budget=request.budget, quiet=True)

    status, error = OK, None
    started = time.perf_counter()
    in_scorer = False
    try:
        with meter:
            prediction = estimator.predict(mlp, request.budget)
            if request.scorer:
                in_scorer = True
                if attribute:
                    meter.scorer_phase = True  # type: ignore[attr-defined]
                materialise_predictions(prediction, depth=request.depth, width=request.width)
    except flops.BudgetExhaustedError as exc:
        status, error = BUDGET_EXHAUSTED, _describe(exc, locator)
        error = replace(
            error,
            # The scorer's cast is filed under SCORER_SPAN on both sides.
            span=SCORER_SPAN if in_scorer else error.span,
            op=exc.op_name,
            flop_cost=exc.flop_cost,
            flops_remaining=exc.flops_remaining,
        )
    except BaseException as exc:  # noqa: BLE001
        status = SCORER_ERROR if in_scorer else EXCEPTION
        error = _describe(exc, locator)
    elapsed = time.perf_counter() - started

    charges = meter.charges() if isinstance(meter, AttributingBudget) else []
    result = RunResult(status, charges=charges, flops_used=meter.flops_used, error=error, predict_seconds=elapsed)
    if status == OK:
        _later_calls(estimator, request, result)
    return result


def _later_calls(estimator, request: RunRequest, result: RunResult) -> None:
    """The MLPs after the first on the same instance, as whestbench's evaluate_estimator runs
    them: each sampled outside the meter (seed + i), inside a fresh BudgetContext with the same
    budget; the first that raises ends them."""
    from whestbench.generation import sample_mlp
    from whestbench.scoring import materialise_predictions

    import flopscope.numpy as fnp

    for i in range(1, request.calls):
        seed = request.seed + i
        mlp = sample_mlp(request.width, request.depth, fnp.random.default_rng(seed), seed=seed)
        meter = flops.BudgetContext(flop_budget=request.budget, quiet=True)
        try:
            with meter:
                prediction = estimator.predict(mlp, request.budget)
                before_cast = meter.flops_used
                materialise_predictions(prediction, depth=request.depth, width=request.width)
        except BaseException as exc:  # noqa: BLE001 - participant code
            result.later_error = f"call {i + 1} raised {type(exc).__name__}: {exc}"[:300]
            return
        result.later.append([meter.flops_used, before_cast])


def _describe(exc: BaseException, locator: Locator) -> RunError:
    """An exception as a person needs it: what, and where in *their* code."""
    message = str(exc) or repr(exc)
    tb = locator.innermost_user_tb(exc.__traceback__)
    span: Optional[Span] = None
    function = ""
    if tb is not None:
        span = locator.tb_span(tb)
        function = tb.tb_frame.f_code.co_qualname
    elif isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        # A syntax error has no frame in the user's file; the error carries the place.
        path = locator.user_path(exc.filename) or exc.filename
        col = max((exc.offset or 1) - 1, 0)
        span = Span(path, exc.lineno, col, exc.end_lineno or exc.lineno, max((exc.end_offset or 1) - 1, col))
        message = exc.msg
    return RunError(
        type=type(exc).__name__,
        message=message,
        span=span,
        function=function,
        traceback=_user_traceback(exc, locator),
    )


def _user_traceback(exc: BaseException, locator: Locator) -> str:
    """The traceback through the user's frames only: the runner's and flopscope's are noise."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if locator.user_path(f.filename) is not None] or list(frames)
    lines = ["Traceback (most recent call last):\n"]
    lines += traceback.StackSummary.from_list(mine).format()
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines)
