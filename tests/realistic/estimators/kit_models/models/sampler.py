"""Plain Monte Carlo in chunks, the sample count from the head (the count it was fitted at)
scaled to the budget, with a while loop that keeps sampling while the worst unit's standard
error is above the head's threshold."""

from __future__ import annotations

import flopscope.numpy as fnp

import util
from models.base import Model

CHUNK = 16
MAX_ROUNDS = 4


class Sampler(Model):
    name = "sampler"

    def samples(self) -> int:
        n = self.head.n_samples
        while n > CHUNK and util.sample_cost(self.width, self.depth, n) * MAX_ROUNDS > self.budget:
            n //= 2
        return util.clamp(n, CHUNK, 4096)

    def cost(self) -> int:
        # the while loop may run every round: plan for all of them
        rounds = util.sample_cost(self.width, self.depth, self.samples()) * MAX_ROUNDS
        return rounds + 40 * self.width * self.depth * MAX_ROUNDS

    def _pass(self, mlp, rng, n):
        sums = [fnp.zeros(self.width) for _ in range(self.depth)]
        sq = [fnp.zeros(self.width) for _ in range(self.depth)]
        for size in util.chunks(n, CHUNK):
            x = rng.standard_normal((size, self.width))
            for i, weight in enumerate(mlp.weights):
                x = fnp.maximum(x @ weight, 0.0)
                sums[i] = sums[i] + fnp.sum(x, axis=0)
                sq[i] = sq[i] + fnp.sum(x * x, axis=0)
        return sums, sq

    def run(self, mlp):
        rng = fnp.random.default_rng(mlp.seed if mlp.seed is not None else 5)
        n = self.samples()
        sums, sq = self._pass(mlp, rng, n)
        total = n
        rounds = 1
        while rounds < MAX_ROUNDS:
            last_mean = sums[-1] / total
            m2 = sq[-1] - total * last_mean * last_mean
            if util.std_error(float(fnp.max(m2)), total) <= self.head.threshold:
                break
            more_s, more_q = self._pass(mlp, rng, n)
            sums = [a + b for a, b in zip(sums, more_s)]
            sq = [a + b for a, b in zip(sq, more_q)]
            total += n
            rounds += 1
        return fnp.stack([s / total for s in sums])
