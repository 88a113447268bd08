"""predict with a wrong signature, setup raising on a bad call, a class attribute named predict."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Base(BaseEstimator):
    def predict(self):
        return fnp.zeros((1, 1))


class Estimator(Base):
    def setup(self, context, extra):
        self.extra = extra
