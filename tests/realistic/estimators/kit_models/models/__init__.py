"""The models the planner chooses from, by the number head.npz lists them under."""

from models.gauss import GaussModel
from models.headfield import HeadField
from models.sampler import Sampler

REGISTRY = {0: Sampler, 1: GaussModel, 2: HeadField}

__all__ = ["REGISTRY", "GaussModel", "HeadField", "Sampler"]
