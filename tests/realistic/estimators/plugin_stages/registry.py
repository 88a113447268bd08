"""A registry of budget planners, filled by ``planners.py`` when it is imported."""

PLANNERS: dict = {}


def planner(name: str):
    def register(fn):
        PLANNERS[name] = fn
        return fn

    return register
