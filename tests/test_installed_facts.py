"""What flopcast reads from the installed flopscope and whestbench without importing them
equals what those packages say when imported — so a new release cannot drift unnoticed."""

from __future__ import annotations

import warnings

from flopcast import installed


def test_rounds_read_from_source_equal_whestbench_rounds():
    from whestbench import budget

    table, current = installed.rounds()
    assert current == budget.CURRENT_ROUND.tag
    assert {tag: (r.width, r.depth, r.flop_budget) for tag, r in table.items()} == {
        tag: (r.width, r.depth, r.flop_budget) for tag, r in budget.ROUNDS.items()
    }


def test_default_point_is_the_current_round():
    from whestbench import budget

    point = installed.resolve_point()
    assert (point.width, point.depth, point.budget, point.tag) == (
        budget.CURRENT_ROUND.width, budget.CURRENT_ROUND.depth, budget.CURRENT_ROUND.flop_budget,
        budget.CURRENT_ROUND.tag,
    )


def test_weights_and_rates_equal_the_ones_flopscope_loaded():
    warnings.filterwarnings("ignore")
    from flopscope import _weights

    ours = installed.weights()
    for op, weight in ours.weights.items():
        assert _weights.get_weight(op) == weight, op
    for dtype, rate in ours.dtype_rates.items():
        assert _weights.get_dtype_rate(dtype) == rate, dtype


def test_every_registry_op_and_method_form_weighs_what_flopscope_says():
    from flopscope import _registry, _weights

    names = set(_registry.REGISTRY)
    names |= {f"{n}{suffix}" for n in list(names) for suffix in (".reduce", ".outer", ".accumulate")}
    names |= {"random.Generator.integers", "random.Generator.random", "acos", "pow", "divmod"}
    for op in sorted(names):
        assert installed.weights().weight(op) == _weights.get_weight(op), op


def test_remote_unsupported_ops_equal_flopscope_s_own_list():
    import flopscope

    assert installed.op_inventory().remote_unsupported == frozenset(flopscope.remote_unsupported_ops())


def test_window_costs_read_from_source_equal_flopscope_s_cost_functions():
    from flopscope import _window

    ours = installed.window_costs()
    assert set(ours) == {"bartlett", "blackman", "hamming", "hanning", "kaiser"}
    for name, per_sample in ours.items():
        for n in (0, 1, 7, 1024):
            assert max(per_sample * n, 1) == getattr(_window, f"{name}_cost")(n), (name, n)


def test_an_unknown_round_tag_is_a_setup_error_that_lists_the_known_ones():
    import pytest

    with pytest.raises(installed.SetupError, match="v2-phase2"):
        installed.resolve_point("v9-nonexistent")


def test_facts_read_from_source_are_derived_again_when_the_source_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOPCAST_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "budget.py"
    source.write_text("X = 1\n")
    derived = []

    def derive():
        derived.append(source.read_text())
        return {"x": len(derived)}

    assert installed._read_through("facts", [source], derive) == {"x": 1}
    assert installed._read_through("facts", [source], derive) == {"x": 1}  # from the cache
    source.write_text("X = 22\n")  # a new release: another size
    assert installed._read_through("facts", [source], derive) == {"x": 2}
    assert derived == ["X = 1\n", "X = 22\n"]


def test_versions_read_from_dist_info_folders_equal_package_metadata():
    from importlib import metadata

    for dist in ("flopscope", "whestbench", "numpy"):
        assert installed.version_of(dist) == metadata.version(dist)


def test_base_estimator_facts_read_from_source_equal_the_imported_class():
    import inspect

    from whestbench import BaseEstimator

    facts = installed.base_estimator()
    assert facts.bases == tuple(b.__name__ for b in BaseEstimator.__bases__)
    own = [name for name, v in vars(BaseEstimator).items() if inspect.isfunction(v)]
    assert facts.methods == tuple(own)
    # the no-ops are the methods that are not abstract and return None
    probe = type("Probe", (BaseEstimator,), {"predict": lambda self, mlp, budget: None})()
    concrete = [m for m in own if not getattr(getattr(BaseEstimator, m), "__isabstractmethod__", False)]
    assert set(facts.noops) <= set(concrete) and facts.noops
    for m in facts.noops:
        assert getattr(probe, m)(*[None] * (getattr(BaseEstimator, m).__code__.co_argcount - 1)) is None
    assert facts.plain == (not any(m.startswith("__") for m in own)
                           and all(b.__name__ in ("ABC", "object") for b in BaseEstimator.__bases__))
