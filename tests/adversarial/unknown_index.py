"""Values flopcast cannot compute used as indices, slice bounds and shapes (issue 9.1)."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        rows = fnp.frombuffer(bytes(range(4)), dtype=fnp.uint8).astype(fnp.int64)
        cols = fnp.arange(mlp.width)
        sub = w[rows, :][:, cols]  # the crash of the issue: an unknown taken for a scalar int
        k = int(fnp.argmax(fnp.sum(w, axis=0)))
        head = w[:k]
        block = fnp.zeros((k, mlp.width))
        order = fnp.argsort(rows)
        both = fnp.concatenate([rows, cols])
        picked = w[order][:, k]
        grown = fnp.ones(rows)
        shaped = w.reshape(rows)
        out = fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)
        return out + fnp.sum(sub) + fnp.sum(head) + fnp.sum(block) + fnp.sum(both) + fnp.sum(picked) \
            + fnp.sum(grown) + fnp.sum(shaped)
