"""Histogram moments of a few units: per-unit histograms of sampled pre-activations, the
ReLU mean read off the bin centres, quantile bins by searchsorted, occupancy by digitize
and bincount."""

from __future__ import annotations

import numpy as np

import flopscope.numpy as fnp


def relu_mean_from_histogram(pre, bins: int):
    """E[relu(x)] from a histogram of the samples ``pre`` (1-d): the centres weighted by counts."""
    counts, edges = fnp.histogram(pre, bins=bins)
    centres = 0.5 * (edges[:-1] + edges[1:])
    total = fnp.sum(counts)
    return fnp.sum(counts * fnp.maximum(centres, 0.0)) / total


def quantile_edges(pre, bins: int):
    """Equal-count bin edges of ``pre`` (1-d) by sorting and reading every n/bins-th sample."""
    ordered = fnp.sort(pre)
    n = ordered.shape[0]
    picks = np.linspace(0, n - 1, bins + 1).round().astype(np.int64)
    return ordered[fnp.asarray(picks)]


def occupancy(pre, edges):
    """How many samples fall in each of the inner bins of ``edges``: digitize, then bincount."""
    slots = fnp.digitize(pre, edges[1:-1])
    return fnp.bincount(slots, minlength=edges.shape[0] - 1)


def unit_moments(pre, units, bins: int) -> tuple:
    """For each unit of ``units``: its histogram ReLU mean, and the spread of its quantile bins'
    occupancy (a flat histogram says the quantiles are trustworthy)."""
    means, spreads = [], []
    for u in units:
        column = pre[:, u]
        means.append(relu_mean_from_histogram(column, bins))
        edges = quantile_edges(column, bins)
        occ = occupancy(column, edges)
        spreads.append(fnp.std(occ) / fnp.maximum(fnp.mean(occ), 1.0))
    return fnp.stack(means), fnp.stack(spreads)
