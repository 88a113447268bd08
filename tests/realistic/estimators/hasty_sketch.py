# quick and dirty v7 -- works on the local set, don't touch the constants
# strategy: probe -> pick mode from a memo'd cost table -> per-layer moments with a
# rank-k sketch that gets re-truncated every layer -> MC top-up until the budget is gone
import math
import numpy as np
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

_MEMO = {}
_STATS = {"calls": 0, "fails": 0, "modes": []}
K0 = 4
TOL = 0.99
EPS = 1e-10


def _c(n, k, m):
    # memoised cost of the remaining m layers at rank k (dict memo, recursion on m)
    key = (n, k, m)
    if key in _MEMO:
        return _MEMO[key]
    if m <= 0:
        v = 0
    else:
        v = 2 * n * n * k + 2 * n * k * k + 20 * n + _c(n, k, m - 1)
    _MEMO[key] = v
    return v


def _cfull(n, m):
    return m * (4 * n ** 3 + 25 * n * n)


def _cdiag(n, m):
    return m * (2 * n * n + 30 * n)


def pick(n, d, B):
    opts = []
    opts.append(("full", _cfull(n, d)))
    for k in (n // 2, n // 4, K0, 2):
        if k >= 2:
            opts.append(("rank%d" % k, _c(n, k, d)))
    opts.append(("diag", _cdiag(n, d)))
    ok = [o for o in opts if o[1] <= 0.5 * B]
    if not ok:
        return "zero", 0
    ok.sort(key=lambda o: -o[1])
    return ok[0]


def phi(z):
    return fnp.exp(-0.5 * z * z) / 2.5066282746310002


def Phi(z):
    return 0.5 * (1 + fnp.tanh(0.7978845608 * (z + 0.044715 * z * z * z)))


def relu_mv(m, v):
    v = fnp.maximum(v, EPS)
    s = fnp.sqrt(v)
    z = m / s
    P = Phi(z)
    p = phi(z)
    mo = m * P + s * p
    vo = (m * m + v) * P + m * s * p - mo * mo
    return mo, fnp.maximum(vo, 0.0), P


def trunc(ev, kmax):
    # ev ascending (eigh order). keep top energy
    e = fnp.flip(fnp.maximum(ev, 0))
    tot = float(e.sum())
    if not tot > 0:
        return 1
    c = fnp.cumsum(e) / tot
    k = int(fnp.argmax(c >= TOL)) + 1
    return min(k, kmax)


def sqrt_psd(C, kmax):
    # eigh, then svd, then diag. retries with jitter. returns (n,k) factor
    n = C.shape[0]
    jit = 0.0
    for attempt in range(3):
        try:
            ev, U = fnp.linalg.eigh(C + jit * fnp.eye(n))
            if not fnp.all(fnp.isfinite(ev)):
                raise np.linalg.LinAlgError("nan")
            k = trunc(ev, kmax)
            return U[:, n - k:] * fnp.sqrt(fnp.maximum(ev[n - k:], 0))
        except np.linalg.LinAlgError:
            jit = 1e-8 if jit == 0 else jit * 100
            _STATS["fails"] += 1
    try:
        U, s, Vt = fnp.linalg.svd(C)
        k = trunc(s[::-1], kmax)
        return U[:, :k] * fnp.sqrt(s[:k])
    except Exception:
        pass
    d = fnp.sqrt(fnp.maximum(fnp.diagonal(C), 0))
    j = int(fnp.argmax(d))
    F = fnp.zeros((n, 1)) + (fnp.arange(n) == j)[:, None] * d[j]
    return F


def probe(W0):
    # one diag layer, return how non-gaussian things look
    n = W0.shape[0]
    m, v, P = relu_mv(fnp.zeros(n), fnp.sum(W0 * W0, axis=0))
    r = float(fnp.mean(P))
    skew = float(fnp.max(v)) / (float(fnp.min(v)) + EPS)
    return r, skew


def layers_full(Ws, log):
    n = Ws[0].shape[0]
    m = fnp.zeros(n)
    C = fnp.eye(n)
    out = []
    for W in Ws:
        mp = m @ W
        Cp = W.T @ C @ W
        big = float(fnp.max(fnp.abs(Cp)))
        if big > 1e30:
            Cp = Cp * (1.0 / big)
            log.append("rescale")
        mo, vo, P = relu_mv(mp, fnp.diagonal(Cp))
        C = Cp * fnp.outer(P, P)
        C = C - fnp.diag(fnp.diagonal(C)) + fnp.diag(vo)
        m = mo
        out.append(m)
    return out


def layers_rank(Ws, k, log):
    n = Ws[0].shape[0]
    m = fnp.zeros(n)
    F = fnp.eye(n)[:, :k]          # start: top-k of identity
    dv = fnp.concatenate([fnp.zeros(k), fnp.ones(n - k)])
    out = []
    for i, W in enumerate(Ws):
        mp = m @ W
        G = W.T @ F
        vp = (W * W).T @ dv + (G * G).sum(axis=1)
        mo, vo, P = relu_mv(mp, vp)
        G = G * P[:, None]
        S = G.T @ G
        R = sqrt_psd(S, k)
        if R.shape[1] < 1:
            F = fnp.zeros((n, 1))
        else:
            # rotate: F = G @ (S^-1/2-ish) -- cheap version
            nrm = fnp.sqrt((R * R).sum(axis=0)) + EPS
            F = G @ (R / nrm)
        dv = fnp.maximum(vo - (F * F).sum(axis=1), 0)
        m = mo
        out.append(m)
        log.append(F.shape[1])
    return out


def layers_diag(Ws, log):
    n = Ws[0].shape[0]
    m = fnp.zeros(n)
    v = fnp.ones(n)
    out = []
    for W in Ws:
        m, v, _ = relu_mv(m @ W, (W * W).T @ v)
        out.append(m)
    return out


def mc(Ws, B, used, seed):
    n = Ws[0].shape[0]
    d = len(Ws)
    per = d * (2 * n * n + n) + 2 * n
    ns = 16
    rng = fnp.random.default_rng(seed)
    acc = None
    tot = 0
    while True:
        if used + ns * per > 0.6 * B or 3 * ns * per > flops.current_budget().flops_remaining or ns > 4096:
            break
        X = rng.standard_normal((ns, n))
        rows = []
        for W in Ws:
            X = fnp.maximum(X @ W, 0)
            rows.append(X.sum(axis=0))
        S = fnp.stack(rows)
        acc = S if acc is None else acc + S
        tot += ns
        used += ns * per
        err = float(fnp.std(X[:, 0])) / math.sqrt(tot)
        if err < 1e-3:
            break
        ns *= 2
    if acc is None:
        return None, 0
    return acc / tot, tot


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        _STATS["calls"] += 1
        Ws = mlp.weights
        d = len(Ws)
        n = Ws[0].shape[0]
        mode, cost = pick(n, d, budget)
        if mode == "zero":
            return fnp.zeros((d, n))
        r, skew = probe(Ws[0])
        if skew > 50 and mode.startswith("rank"):
            # very uneven variances -> the sketch is bad, fall back one notch
            k = int(mode[4:])
            mode = "rank%d" % max(2, k // 2) if k > 2 else "diag"
        _STATS["modes"].append(mode)
        log = []
        try:
            if mode == "full":
                rows = layers_full(Ws, log)
            elif mode == "diag":
                rows = layers_diag(Ws, log)
            else:
                rows = layers_rank(Ws, int(mode[4:]), log)
        except Exception:
            rows = layers_diag(Ws, log)
        M = fnp.stack(rows)
        if not fnp.all(fnp.isfinite(M)):
            M = fnp.stack(layers_diag(Ws, log))
        used = cost + 3 * n * n
        est, ns = mc(Ws, budget, used, 1234 + d)
        if est is not None and ns > 0:
            w = ns / (ns + 200.0)
            M = M * (1 - w) + est * w
        log2 = []
        try:
            M = refine(Ws, M, budget, log2)
        except Exception:
            log2.append("refine-failed")
        else:
            M = vote(Ws, M, 99 + d, budget)
        finally:
            _STATS["modes"].append(tuple(log2))
        top = chain(Ws, fnp.ones((1, n)))
        if float(top.sum()) == 0.0:
            log2.append("dead")
        # clip anything silly
        M = fnp.clip(M, 0, None)
        return M


# ---- v8: refinement pass + ensembles (added late, sorry) ----
import functools
import itertools


class Bail(Exception):
    pass


def power_top(C, iters=30, tol=1e-6):
    # top eigenpair by power iteration; bail if it doesn't settle
    n = C.shape[0]
    v = fnp.ones(n) / math.sqrt(n)
    lam = 0.0
    for it in range(iters):
        u = C @ v
        nu = float(fnp.linalg.norm(u))
        if nu == 0 or not math.isfinite(nu):
            raise Bail("power: zero")
        v2 = u / nu
        if abs(nu - lam) < tol * max(nu, 1.0):
            return nu, v2, it
        v, lam = v2, nu
    else:
        raise Bail("power: no convergence")


def deflate_rank(C, kmax):
    # pull eigenpairs off one at a time until 99% of the trace is explained
    tr = float(fnp.trace(C))
    got = 0.0
    vecs = []
    R = C
    while len(vecs) < kmax:
        try:
            lam, v, _ = power_top(R)
        except Bail:
            break
        vecs.append(v * math.sqrt(lam))
        got += lam
        R = R - lam * fnp.outer(v, v)
        if got >= TOL * tr:
            break
    if not vecs:
        return None
    return fnp.stack(vecs, axis=1)


def chain(Ws, X):
    # late-binding on purpose? no -- default arg pins W
    fs = [lambda x, W=W: fnp.maximum(x @ W, 0) for W in Ws]
    return functools.reduce(lambda acc, f: f(acc), fs, X)


def ens_rows(Ws, n_s, seed):
    rng = fnp.random.default_rng(seed)
    X = rng.standard_normal((n_s, Ws[0].shape[0]))
    outs = list(itertools.accumulate(Ws, lambda x, W: fnp.maximum(x @ W, 0), initial=X))[1:]
    return [o.mean(axis=0) for o in outs]


def refine(Ws, M, budget, log):
    # spend leftover on a deflated-covariance correction of the last layer only
    n = Ws[0].shape[0]
    left = flops.current_budget().flops_remaining
    need = 30 * (2 * n * n) * 4 + 4 * n ** 3
    if left < 2 * need:
        log.append("norefine")
        return M
    W = Ws[-1]
    G = W.T @ W
    F = deflate_rank(G, max(2, n // 8))
    if F is None:
        log.append("deflate-none")
        return M
    k = F.shape[1]
    v = (F * F).sum(axis=1)
    last = M[-1]
    corr = fnp.sqrt(fnp.maximum(v, 0)) * 0.01 * (k / n)
    if not fnp.all(fnp.isfinite(corr)):
        return M
    return fnp.concatenate([M[:-1], (last + corr)[None, :]], axis=0)


def vote(Ws, M, seed, budget):
    # 3 tiny ensembles; keep the one closest to the moment rows (by float score)
    n = Ws[0].shape[0]
    d = len(Ws)
    per = d * 2 * n * n * 8
    if flops.current_budget().flops_remaining < 4 * per:
        return M
    cands = []
    for j in range(3):
        rows = ens_rows(Ws, 8, seed + j)
        E = fnp.stack(rows)
        sc = float(fnp.mean((E - M) ** 2))
        cands.append((sc, j, E))
    cands.sort(key=lambda t: t[0])
    best = cands[0][2]
    worst = cands[-1][0]
    if worst > 10 * (cands[0][0] + EPS):
        return M
    return 0.9 * M + 0.1 * best
