#!/usr/bin/env python3
"""Replays alert-policy variants on the raw scores of one `odestream eval nab` run (its results CSVs hold
every row's raw score, the filter's negative log predictive density) and scores each variant with NAB's
rules, for the ablation table in docs/RESULTS.md. The latent-ODE filter is not rerun: what varies is only
how raw scores become NAB anomaly scores (calibration, multi-scale, incidents), which is deterministic
given the raw scores.

Approximations, so read the figures as differences between variants, not as the product's score: the
policy is a NumPy re-implementation of io.odestream.alert.AlertPolicy (cool-down in event time, tail p
with k = 25 over the previous 1000 raw scores), and the threshold is optimised over 1500 quantiles of
the corpus' scores rather than every distinct value. The replay of the product's policy reads about
4 points above the Java run's own output (the first row): the replay counts a score's p as 1 until
100 scores exist, the product does not (docs/RESULTS.md). The product's figure is the Java run.

usage: scripts/nab-policy-ablation.py NAB_DATA_DIR RESULTS_DIR   (RESULTS_DIR: an `eval nab --out`)
needs numpy and scipy.
"""
import csv, json, os, sys, datetime
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view as swv
from scipy.special import ndtr

DATA, RESULTS = sys.argv[1], sys.argv[2]
WINDOWS = json.load(open(os.path.join(DATA, '..', 'labels', 'combined_windows.json')))
PROFILES = {'standard': (1, 0.11, 1), 'low_FP': (1, 0.22, 1), 'low_FN': (1, 0.11, 2)}


def scaled_sigmoid(y):
    return np.where(y > 3, -1.0, 2 / (1 + np.exp(5 * y)) - 1)


MAX_TP = scaled_sigmoid(np.array(-1.0))


def load():
    series = {}
    for name in WINDOWS:
        if not os.path.exists(os.path.join(DATA, name)):
            continue
        cat, f = name.split('/')
        rows = list(csv.reader(open(os.path.join(RESULTS, cat, 'odestream_' + f))))[1:]
        ts = [r[0] for r in rows]
        idx = {t: i for i, t in enumerate(ts)}
        series[name] = dict(
            t=np.array([datetime.datetime.fromisoformat(x).replace(tzinfo=datetime.timezone.utc).timestamp()
                        for x in ts]),
            value=np.array([float(r[1]) for r in rows]), java=np.array([float(r[2]) for r in rows]),
            raw=np.array([float(r[3]) for r in rows]), n=len(ts),
            windows=sorted((idx[s.split('.')[0]], idx[e.split('.')[0]]) for s, e in WINDOWS[name]))
    return series


def probation(n):
    return min(int(0.15 * n), 750)


def row_values(s, profile):
    tp, fpw, _ = PROFILES[profile]
    n = s['n']
    val = np.zeros(n)
    win = -np.ones(n, int)
    last = None
    for i in range(n):
        k = next((k for k, (L, R) in enumerate(s['windows']) if L <= i <= R), None)
        if k is not None:
            L, R = s['windows'][k]
            val[i] = scaled_sigmoid(np.array(-(R - i + 1) / (R - L + 1))) * tp / MAX_TP
            win[i] = k
            last = (R, R - L + 1)
        elif last is None:
            val[i] = -fpw
        else:
            val[i] = scaled_sigmoid(np.array(abs(last[0] - i) / (last[1] - 1))) * fpw
    return val, win


def corpus_score(series, scores, profile):
    tp, _, fnw = PROFILES[profile]
    pre = []
    for name, s in series.items():
        key = 'rows_' + profile
        if key not in s:
            s[key] = row_values(s, profile)
        val, win = s[key]
        p = probation(s['n'])
        sc = scores[name].copy()
        sc[:p] = -np.inf
        pre.append((sc, val, win, p, [k for k, (L, R) in enumerate(s['windows']) if R >= p]))
    cands = np.unique(np.concatenate([sc[p:] for sc, _, _, p, _ in pre]))
    cands = cands[np.isfinite(cands) & (cands > 0)]
    if len(cands) > 1500:
        cands = np.unique(np.quantile(cands, np.linspace(0, 1, 1500)))
    cands = np.concatenate([cands, [1.1]])
    totals = np.zeros(len(cands))
    n_windows = 0
    for sc, val, win, p, valid in pre:
        out = win < 0
        so, vo = sc[out], val[out]
        order = np.argsort(-so)
        so, cv = so[order], np.cumsum(vo[order])
        k = np.searchsorted(-so, -cands, side='right')
        totals += np.where(k > 0, cv[np.maximum(k - 1, 0)], 0.0)
        for w in valid:
            n_windows += 1
            m = (win == w) & (np.arange(len(sc)) >= p)
            order = np.argsort(-sc[m])
            sw, vmax = sc[m][order], np.maximum.accumulate(val[m][order])
            k = np.searchsorted(-sw, -cands, side='right')
            totals += np.where(k > 0, vmax[np.maximum(k - 1, 0)], -fnw)
    best = np.max(totals)
    null = -fnw * n_windows
    return 100 * (best - null) / (tp * n_windows - null)


def tail_p(x, w=1000, k=25, min_history=100):
    """AlertPolicy's p of each value among the previous w: min(empirical, exponential tail over the top k)."""
    r = np.where(np.isnan(x), -np.inf, x)
    n = len(r)
    p = np.ones(n)
    pad = np.concatenate([np.full(w, np.nan), r])
    for st in range(0, n, 4000):
        en = min(n, st + 4000)
        win = swv(pad[st:en + w - 1], w)[:en - st]
        cur = r[st:en]
        tot = np.sum(~np.isnan(win), axis=1)
        wz = np.where(np.isnan(win), -np.inf, win)
        cnt = np.sum(wz >= cur[:, None], axis=1)
        top = np.sort(wz, axis=1)[:, -k:]
        u = top[:, 0]
        with np.errstate(all='ignore'):
            beta = np.maximum(np.mean(top - u[:, None], axis=1), 1e-9 * np.maximum(1, np.abs(u)))
            tp = np.where(cnt < k, k / (tot + 1) * np.exp(-(cur - u) / beta), 1.0)
        pp = np.minimum((1 + cnt) / (1 + tot), tp)
        pp[tot < min_history] = 1.0
        p[st:en] = np.nan_to_num(pp, nan=1.0)
    return p


def rolling_mean(x, w):
    c = np.concatenate([[0], np.cumsum(x)])
    i = np.arange(len(x))
    a = np.maximum(0, i + 1 - w)
    return (c[i + 1] - c[a]) / (i + 1 - a)


def incidents(p, t, alpha=1e-3, clear=1e-2, cooldown=4 * 3600, escalation=np.inf):
    """AlertPolicy's incidents, and the detector's output: 1 − p, 0 on an open incident's later rows."""
    out = np.zeros(len(p))
    open_, quiet, peak = False, None, 0.0
    for i in range(len(p)):
        surprise = -np.log(max(p[i], 1e-300))
        triggers, is_quiet = p[i] <= alpha, p[i] > clear
        if open_ and quiet is not None and t[i] - quiet >= cooldown:
            open_, quiet = False, None
        raise_ = False
        if not open_:
            if triggers:
                raise_, open_, quiet, peak = True, True, None, surprise
        elif triggers and surprise >= peak + escalation:
            raise_, quiet, peak = True, None, surprise
        elif is_quiet:
            quiet = t[i] if quiet is None else quiet
            if t[i] - quiet >= cooldown:
                open_, quiet = False, None
        else:
            quiet = None
        out[i] = 0.0 if open_ and not raise_ else 1 - p[i]
    return out


def anomaly_likelihood(raw, short, long):
    """HTM's anomaly likelihood on the raw score: short-window mean against the long window's mean and sd."""
    x = np.where(np.isfinite(raw), raw, 0.0)
    c1, c2 = np.concatenate([[0], np.cumsum(x)]), np.concatenate([[0], np.cumsum(x * x)])
    i = np.arange(len(x))
    a, b = np.maximum(0, i + 1 - short), np.maximum(0, i + 1 - long)
    sm = (c1[i + 1] - c1[a]) / (i + 1 - a)
    m = (c1[i + 1] - c1[b]) / (i + 1 - b)
    with np.errstate(all='ignore'):
        sd = np.sqrt(np.maximum((c2[i + 1] - c2[b]) / (i + 1 - b) - m * m, 1e-12))
        z = np.nan_to_num((sm - m) / sd, nan=-50, posinf=50, neginf=-50)
    return 0.5 * (1 + z / (1 + np.abs(z)))  # monotone in z: ndtr(z) saturates at 1 for z > 8


S = load()
POINT = {k: tail_p(s['raw']) for k, s in S.items()}


def multi(k, short, point=True):
    p = POINT[k]
    ps = [p] if point else []
    for w in short:
        ps.append(tail_p(rolling_mean(-np.log(np.maximum(p, 1e-300)), w)))
    return np.minimum(1, len(ps) * np.min(ps, axis=0))


def value_p(k):
    v = S[k]['value']
    return np.minimum(1, 2 * np.minimum(tail_p(v), tail_p(-v)))


def value_p2(v):
    """The observed value's two-sided tail p among its own previous values (AlertPolicy's value level)."""
    return np.minimum(1, 2 * np.minimum(tail_p(v), tail_p(-v)))


def seasonal_residual(k, period):
    """The value minus the series' value one period earlier (the newest row at or before t - period); NaN
    for the first period."""
    t, v = S[k]['t'], S[k]['value']
    j = np.searchsorted(t, t - period, side='right') - 1
    ok = (j >= 0) & (t - t[np.maximum(j, 0)] < 1.5 * period)
    return np.where(ok, v - v[np.maximum(j, 0)], np.nan)


def seasonal(x, t, period, buckets, w=100, k=10, min_history=30):
    """Each row's tail p among the previous w rows of the same phase of the period (bucket of the time of
    day, say): a daily peak is judged against the same hour's history, not the whole day's."""
    b = ((t % period) / period * buckets).astype(int)
    p = np.ones(len(x))
    for j in range(buckets):
        idx = np.nonzero(b == j)[0]
        if len(idx):
            p[idx] = tail_p(x[idx], w=w, k=k, min_history=min_history)
    return p


def seasonal_value_p(k, period, buckets):
    t, v = S[k]['t'], S[k]['value']
    return np.minimum(1, 2 * np.minimum(seasonal(v, t, period, buckets), seasonal(-v, t, period, buckets)))


def shipped(k, *extra):
    """The product's policy: point + 30-score mean, and every extra p, by Bonferroni over all of them."""
    ps = [POINT[k], tail_p(rolling_mean(-np.log(np.maximum(POINT[k], 1e-300)), 30))] + list(extra)
    return np.minimum(1, len(ps) * np.min(ps, axis=0))


ESC = np.log(1000)
VARIANTS = [
    ('the Java detector of the run replayed (its anomaly_score column)', lambda k: S[k]['java']),
    ('replay: point tail p, 4 h cool-down (the same policy)', lambda k: incidents(POINT[k], S[k]['t'])),
    ('replay: + escalation at ln 1000 nats', lambda k: incidents(POINT[k], S[k]['t'], escalation=ESC)),
    ('replay: cool-down 1 h', lambda k: incidents(POINT[k], S[k]['t'], cooldown=3600)),
    ('replay: cool-down 12 h', lambda k: incidents(POINT[k], S[k]['t'], cooldown=12 * 3600)),
    ('replay: alpha 1e-4', lambda k: incidents(POINT[k], S[k]['t'], alpha=1e-4)),
    ('replay: no incidents (1 − p on every row)', lambda k: 1 - POINT[k]),
    ('replay: HTM anomaly likelihood of the raw score (10 / 8640), no incidents',
     lambda k: anomaly_likelihood(S[k]['raw'], 10, 8640)),
    ('replay: multi-scale, point + 10-score mean', lambda k: incidents(multi(k, (10,)), S[k]['t'])),
    ('replay: multi-scale, point + 30-score mean', lambda k: incidents(multi(k, (30,)), S[k]['t'])),
    ('replay: multi-scale, point + 60-score mean', lambda k: incidents(multi(k, (60,)), S[k]['t'])),
    ('replay: multi-scale, point + 30 + 288-score means', lambda k: incidents(multi(k, (30, 288)), S[k]['t'])),
    ('replay: multi-scale, 30-score mean only', lambda k: incidents(multi(k, (30,), point=False), S[k]['t'])),
    ('replay: multi-scale 30 + escalation (shipped before the value level)',
     lambda k: incidents(multi(k, (30,)), S[k]['t'], escalation=ESC)),
    ('replay: multi-scale 30 + value level p, 3·min(point, mean, upper, lower) (not shipped: under-corrected)',
     lambda k: incidents(np.minimum(1, 1.5 * np.minimum(multi(k, (30,)), value_p(k))), S[k]['t'])),
    ('replay: multi-scale 30 + value level p (3 tests) + escalation (what ships)',
     lambda k: incidents(shipped(k, value_p2(S[k]['value'])), S[k]['t'], escalation=ESC)),
    ('replay: multi-scale 30 + value level p (3 tests), no escalation',
     lambda k: incidents(shipped(k, value_p2(S[k]['value'])), S[k]['t'])),
    ('replay: multi-scale 30 + value level + daily residual level p (4 tests) + escalation',
     lambda k: incidents(shipped(k, value_p2(S[k]['value']), value_p2(seasonal_residual(k, 86400))), S[k]['t'],
                         escalation=ESC)),
    ('replay: multi-scale 30 + value level + weekly residual level p (4 tests) + escalation',
     lambda k: incidents(shipped(k, value_p2(S[k]['value']), value_p2(seasonal_residual(k, 7 * 86400))),
                         S[k]['t'], escalation=ESC)),
    ('replay: multi-scale 30 + value level + hour-of-day value level p (4 tests) + escalation',
     lambda k: incidents(shipped(k, value_p2(S[k]['value']), seasonal_value_p(k, 86400, 24)), S[k]['t'],
                         escalation=ESC)),
    ('replay: multi-scale 30 + hour-of-day value level p instead of value level (3 tests) + escalation',
     lambda k: incidents(shipped(k, seasonal_value_p(k, 86400, 24)), S[k]['t'], escalation=ESC)),
    ('replay: multi-scale 30 + value level + hour-of-week value level p (4 tests) + escalation',
     lambda k: incidents(shipped(k, value_p2(S[k]['value']), seasonal_value_p(k, 7 * 86400, 168)), S[k]['t'],
                         escalation=ESC)),
    ('replay: multi-scale 30 + value level + hour-of-day score p (4 tests) + escalation',
     lambda k: incidents(shipped(k, value_p2(S[k]['value']), seasonal(S[k]['raw'], S[k]['t'], 86400, 24)),
                         S[k]['t'], escalation=ESC)),
    ('replay: multi-scale 30 + daily residual level p instead of value level (3 tests) + escalation',
     lambda k: incidents(shipped(k, value_p2(seasonal_residual(k, 86400))), S[k]['t'], escalation=ESC)),
]
if len(sys.argv) > 3:
    VARIANTS = [v for v in VARIANTS if any(w in v[0] for w in sys.argv[3:])]
print('| variant | standard | low FP | low FN |')
print('|---|---:|---:|---:|')
for label, f in VARIANTS:
    scores = {}
    for k, s in S.items():
        sc = f(k).astype(float)
        sc[:probation(s['n'])] = 0
        scores[k] = sc
    print(f"| {label} | " + ' | '.join(f"{corpus_score(S, scores, prof):.2f}" for prof in PROFILES) + ' |',
          flush=True)
