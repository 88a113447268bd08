"""Helper package of the scatter_head submission."""

from .scatter import *  # noqa: F401,F403
from .scatter import __all__ as _names
from . import consts

__all__ = list(_names) + ["consts"]
