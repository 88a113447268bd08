"""What the parent asks the child to run and what the child reports back, and their JSON form.

The child runs participant code, so everything crosses the process boundary as
plain JSON (never pickle): a crashed or hostile child can at worst produce a
file the parent fails to parse, which is reported as a crash.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from flopcast.model import Charge, Span


@dataclass(frozen=True)
class RunRequest:
    """One metered run of one estimator at one point."""

    estimator_path: str  # absolute path of estimator.py
    width: int
    depth: int
    budget: int
    seed: int = 0
    class_name: Optional[str] = None
    # Run whestbench's materialise_predictions inside the meter, as `whest run` does.
    scorer: bool = True
    memory_mib: Optional[int] = None
    # Value-dependent sites to watch (--calibrate): dicts of flopcast.runtime.observe.WatchSite.
    watch: tuple = ()
    # MLPs run on the one instance, each inside its own meter, as whestbench runs a suite: the
    # first is attributed charge by charge, the others only counted (RunResult.later).
    calls: int = 1


# Status values of a RunResult (the child's own verdict on the run).
OK = "ok"
LOAD_ERROR = "load_error"  # import of the estimator module or class resolution failed
SETUP_ERROR = "setup_error"  # setup() raised
EXCEPTION = "exception"  # predict() raised
BUDGET_EXHAUSTED = "budget_exhausted"  # an op would have exceeded the budget
SCORER_ERROR = "scorer_error"  # whestbench refused the returned value (shape, type)
# Set by the parent, never by the child:
CRASH = "crash"  # the child died (signal, os._exit) without a result
TIMEOUT = "timeout"  # the child ran past --timeout and was killed


@dataclass(frozen=True)
class RunError:
    """Why a run did not finish, and where in the user's code it stopped."""

    type: str  # exception class name, or "SIGKILL", "Timeout", ...
    message: str
    span: Optional[Span] = None  # innermost user source position, when known
    function: str = ""
    traceback: str = ""  # user-facing traceback text (user frames only, when known)
    # BudgetExhaustedError only: the op that would have exceeded and its price.
    op: Optional[str] = None
    flop_cost: Optional[int] = None
    flops_remaining: Optional[int] = None


@dataclass
class RunResult:
    status: str
    charges: list[Charge] = field(default_factory=list)
    flops_used: int = 0
    error: Optional[RunError] = None
    # Seconds spent inside the meter (predict plus the scorer's cast).
    predict_seconds: float = 0.0
    # Tail of what the child printed, kept for crash diagnostics.
    stdout_tail: str = ""
    stderr_tail: str = ""
    # Per watched site, the outcome of each execution in order (see flopcast.runtime.observe).
    observations: list = field(default_factory=list)
    # The calls after the first on the same instance (RunRequest.calls), each with a fresh MLP
    # (seeds seed + 1, ...) inside its own meter: [FLOPs with the scorer's cast, without it].
    later: list = field(default_factory=list)
    # Why the calls after those in ``later`` were not run: one raised (its class and message).
    later_error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == OK


# ---------------------------------------------------------------------------
# JSON codec


def span_from_json(data: Optional[dict]) -> Optional[Span]:
    if data is None:
        return None
    return Span(data["path"], data["line"], data["col"], data["end_line"], data["end_col"])


def charge_from_json(data: dict) -> Charge:
    return Charge(
        span=span_from_json(data["span"]),  # type: ignore[arg-type]
        op=data["op"],
        flops=data["flops"],
        dtype=data.get("dtype"),
        function=data.get("function", ""),
        certain=data.get("certain", True),
        detail=data.get("detail", ""),
        dtype_origin=span_from_json(data.get("dtype_origin")),
    )


def error_from_json(data: Optional[dict]) -> Optional[RunError]:
    if data is None:
        return None
    values = dict(data)
    values["span"] = span_from_json(values.get("span"))
    return RunError(**values)


def result_to_json(result: RunResult) -> str:
    return json.dumps(asdict(result))


def result_from_json(text: str) -> RunResult:
    data: dict[str, Any] = json.loads(text)
    return RunResult(
        status=data["status"],
        charges=[charge_from_json(c) for c in data.get("charges", [])],
        flops_used=data.get("flops_used", 0),
        error=error_from_json(data.get("error")),
        predict_seconds=data.get("predict_seconds", 0.0),
        stdout_tail=data.get("stdout_tail", ""),
        stderr_tail=data.get("stderr_tail", ""),
        observations=data.get("observations", []),
        later=data.get("later", []),
        later_error=data.get("later_error", ""),
    )


def request_to_json(request: RunRequest) -> str:
    return json.dumps(asdict(request))


def request_from_json(text: str) -> RunRequest:
    return RunRequest(**json.loads(text))
