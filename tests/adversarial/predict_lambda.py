"""predict as a lambda, a staticmethod, and through __getattr__."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    predict = staticmethod(lambda mlp, budget: fnp.zeros((mlp.depth, mlp.width)))
