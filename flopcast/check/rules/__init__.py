"""Every rule flopcast check knows, in code order."""

from __future__ import annotations

from flopcast.check.rules.base import Rule
from flopcast.check.rules.fc001_budget import BudgetOverrun
from flopcast.check.rules.fc002_unpriced import UnpricedOp
from flopcast.check.rules.fc003_value_dependent import ValueDependentCost
from flopcast.check.rules.fc004_memory_limit import MemoryLimit
from flopcast.check.rules.fc101_float64_leak import Float64Leak
from flopcast.check.rules.fc102_costly_power import CostlyPower
from flopcast.check.rules.fc103_loop_invariant import LoopInvariant
from flopcast.check.rules.fc104_dead_work import DeadWork
from flopcast.check.rules.fc105_repeated_work import RepeatedWork
from flopcast.check.rules.fc106_aliasing import AliasingDiscount
from flopcast.check.rules.fc107_budget_threshold import BudgetThreshold
from flopcast.check.rules.fc201_forbidden_import import ForbiddenImport
from flopcast.check.rules.fc202_forbidden_mechanism import ForbiddenMechanism
from flopcast.check.rules.fc203_remote_unsupported import RemoteUnsupported
from flopcast.check.rules.fc204_return_shape import ReturnShape
from flopcast.check.rules.fc205_raises import Raises
from flopcast.check.rules.fc301_residual_loop import ResidualLoop
from flopcast.check.rules.fc302_setup_work import SetupWork
from flopcast.check.rules.fc303_machine_steered import MachineSteered

ALL_RULES: tuple[type[Rule], ...] = (
    BudgetOverrun, UnpricedOp, ValueDependentCost, MemoryLimit,
    Float64Leak, CostlyPower, LoopInvariant, DeadWork, RepeatedWork, AliasingDiscount,
    BudgetThreshold,
    ForbiddenImport, ForbiddenMechanism, RemoteUnsupported, ReturnShape, Raises,
    ResidualLoop, SetupWork, MachineSteered,
)

BY_CODE: dict[str, type[Rule]] = {r.code: r for r in ALL_RULES}

__all__ = ["ALL_RULES", "BY_CODE", "Rule"]
