"""Abstract semantics and prices of flopscope operations, one module per family.

Each handler takes the call's abstract arguments and returns the abstract result,
charging through ``ctx.charge(op, base, dtype)``. ``op`` is the name flopscope
records in ``OpRecord.op_name``; the base counts follow flopscope 0.12's formulas
(see docs/cost-model.md), and every one is pinned by an oracle test that runs the
real flopscope. Which names are unary/binary ufuncs or reductions is read from
flopscope's registry, not listed here.

Every family module registers its handlers with ``registry``; the interpreter calls
``dispatch``. Importing this package imports every family, so every handler is
registered before the first call.
"""

from __future__ import annotations

from flopcast.analyzer import dtypes

# Every family registers its handlers when imported.
from flopcast.analyzer.ops import (  # noqa: F401
    elementwise,
    reductions,
    contractions,
    creation,
    shape,
    sorting,
    indexing,
    random,
    stats,
    comparison,
    linalg,
    fft,
    methods,
    polynomial,
    type_info,
    callbacks,
    symmetry_api,
    cost_helpers,
)
from flopcast.analyzer.ops.elementwise import (
    BINARY_OPERATORS,
    COMPARE_OPERATORS,
    NUMPY_SCALAR_LEFT,
    REFLECTED_COMPARE,
    UNARY_OPERATORS,
    comparison_is_reflected,
    free_scalar_arithmetic,
    negative_int_power,
    pointwise,
    weak_int_overflow,
)
from flopcast.analyzer.ops.methods import ARRAY_METHOD_OPS
from flopcast.analyzer.ops.operands import dtype_arg, known_int, to_array, unknown_operand_reason
from flopcast.analyzer.ops.random import legacy_method, random_draw
from flopcast.analyzer.ops.registry import HANDLERS, OpError, OpRaises, dispatch, handles
from flopcast.analyzer.ops.shape import transpose_attr
