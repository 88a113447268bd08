"""Moment passes: one ReLU layer at a time."""

from __future__ import annotations

import flopscope as flops
import flopscope.numpy as fnp


def relu_moments(mu_pre, var_pre, eps):
    sig = fnp.sqrt(fnp.maximum(var_pre, eps))
    a = mu_pre / sig
    pdf = flops.stats.norm.pdf(a)
    cdf = flops.stats.norm.cdf(a)
    mean = mu_pre * cdf + sig * pdf
    second = (mu_pre * mu_pre + var_pre) * cdf + mu_pre * sig * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0), cdf


def diag_layer(W, mu, var, eps):
    mu_pre = W.T @ mu
    var_pre = (W * W).T @ var
    return relu_moments(mu_pre, var_pre, eps)


def lowrank_layer(W, mu, var, U, eps):
    """Diagonal plus a rank-k correction carried in U (w x k)."""
    mu_pre = W.T @ mu
    WU = W.T @ U
    var_pre = (W * W).T @ var + fnp.sum(WU * WU, axis=1)
    mean, v, slope = relu_moments(mu_pre, var_pre, eps)
    return mean, v, slope[:, None] * WU


def full_layer(W, mu, cov, eps):
    mu_pre = W.T @ mu
    cpre = W.T @ cov @ W
    var_pre = fnp.diagonal(cpre)
    mean, v, slope = relu_moments(mu_pre, var_pre, eps)
    c = slope[:, None] * cpre * slope[None, :]
    off = c - fnp.diag(fnp.diagonal(c))
    return mean, v, off + fnp.diag(v)
