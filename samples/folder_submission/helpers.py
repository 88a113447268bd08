"""Helpers of the folder submission: ReLU moment matching and a layer step."""

import flopscope as flops
import flopscope.numpy as fnp

VAR_FLOOR = 1e-12


def relu_moments(mu_pre, var_pre):
    sigma = fnp.sqrt(var_pre)
    alpha = mu_pre / sigma
    pdf = flops.stats.norm.pdf(alpha)
    cdf = flops.stats.norm.cdf(alpha)
    mu = mu_pre * cdf + sigma * pdf
    ez2 = (mu_pre * mu_pre + var_pre) * cdf + mu_pre * sigma * pdf
    return mu, fnp.maximum(ez2 - mu * mu, 0.0)


def layer(w, mu, var, floor=VAR_FLOOR):
    mu_pre = w.T @ mu
    var_pre = fnp.maximum((w * w).T @ var, floor)
    return relu_moments(mu_pre, var_pre)
