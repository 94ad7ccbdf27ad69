"""Customer-value forecast: BG/NBD for repeat purchases × Gamma–Gamma for spend per purchase.

The models (Fader, Hardie & Lee 2005, "Counting your customers the easy way" and "RFM and CLV"):

- **BG/NBD** (repeat purchases). While alive, a customer buys as a Poisson process with rate λ; λ varies
  across customers as Gamma(r, rate α). After each *repeat* purchase the customer drops out for good with
  probability p; p varies across customers as Beta(a, b). λ and p are independent.
- **Gamma–Gamma** (spend per purchase). A customer's purchase values are Gamma(p, rate ν) around their own
  mean p/ν; ν varies across customers as Gamma(q, rate γ) (γ is called ``v`` here, as in lifetimes).
  Assumption: spend per purchase is independent of purchase frequency — :func:`fit_value_model` measures
  the correlation between frequency and mean repeat spend (``spend_frequency_corr``) so the report can say
  whether the assumption is plausible on the shop's data.

Both are fitted by maximum likelihood with scipy (L-BFGS-B on log-parameters, analytic gradients, the
log-likelihood written with ``gammaln``/``betaln`` and ``logaddexp`` so large counts do not overflow).
Customers with identical (frequency, recency, T) are fitted once with a weight, so day-level data with a
million customers fits in seconds. Everything is deterministic: no random start, no sampling.

Time is measured in days; a "purchase" is a purchase *day* (several sessions on one day count once, as in the
grades' N_DAYS). The first purchase day is not a repeat purchase: frequency counts the days after it.

Public API
----------
rfm_summary, rfm_summaries, customer_codes, bgnbd_log_likelihood, gamma_gamma_log_likelihood, fit_bgnbd, fit_gamma_gamma,
fit_value_model -> ValueModel, predict_value, expected_purchases, probability_alive, expected_spend,
simulate_population (planted-truth data for tests and the scale benchmark)
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special

from helpers.common.checks import require_columns
from helpers.common.dates import parse_date
from helpers.common.threads import single_thread_blas

__all__ = ["RFM_COLUMNS", "PREDICTION_COLUMNS", "BetaGeoParams", "GammaGammaParams", "ValueModel", "rfm_summary",
           "rfm_summaries", "customer_codes",
           "bgnbd_log_likelihood", "gamma_gamma_log_likelihood", "fit_bgnbd", "fit_gamma_gamma", "fit_value_model",
           "expected_purchases", "probability_alive", "expected_spend", "predict_value", "simulate_population"]

#: Columns of :func:`rfm_summary` after the customer id column.
RFM_COLUMNS: tuple[str, ...] = ("frequency", "recency", "T", "monetary_value")
#: Columns of :func:`predict_value` after the customer id column.
PREDICTION_COLUMNS: tuple[str, ...] = ("PRED_PURCHASES", "PRED_SPEND", "P_ALIVE", "SPEND_PER_PURCHASE")
_LOG_BOUND = 15.0  # log-parameters stay in [-15, 15]: e^15 ≈ 3.3 million, far beyond any sensible value


# --------------------------------------------------------------------------------------------
# RFM summary
# --------------------------------------------------------------------------------------------
def _day_numbers(dates: pd.Series, date_col: str) -> np.ndarray:
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)
    elif not pd.api.types.is_datetime64_dtype(dates.dtype):
        try:
            dates = pd.to_datetime(dates)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{date_col} cannot be read as dates ({exc}); pass datetimes or ISO date strings") from exc
    if dates.isna().any():
        raise ValueError(f"{date_col} is missing in {int(dates.isna().sum()):,} row(s); drop them first")
    return dates.to_numpy().astype("datetime64[D]").astype(np.int64)


def _amounts(values: pd.Series, amount_col: str) -> np.ndarray:
    if not pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        raise ValueError(f"{amount_col} must be numeric (money amounts), got dtype {values.dtype}")
    amount = values.to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(amount) | (amount < 0)
    if bad.any():
        raise ValueError(f"{amount_col} is missing, infinite or negative in {int(bad.sum()):,} row(s); the forecast "
                         "needs purchases only — drop refunds/cancellations or net them out first")
    return amount


def _day_of(value: Any, name: str) -> int:
    return int(parse_date(value, name).to_datetime64().astype("datetime64[D]").astype(np.int64))


def _checked_days(dates: pd.Series, date_col: str, observation_end: Any,
                  start_date: Any) -> tuple[np.ndarray, int, int | None]:
    """Day numbers of the rows, refusing rows after ``observation_end`` or before ``start_date``."""
    days = _day_numbers(dates, date_col)
    end_day = _day_of(observation_end, "observation_end")
    if (days > end_day).any():
        raise ValueError(f"{int((days > end_day).sum()):,} row(s) of {date_col} fall after observation_end="
                         f"{observation_end}; filter the transactions or move observation_end")
    start_day = None if start_date is None else _day_of(start_date, "start_date")
    if start_day is not None and (days < start_day).any():
        raise ValueError(f"{int((days < start_day).sum()):,} row(s) of {date_col} fall before start_date="
                         f"{start_date}; filter the transactions or move start_date")
    return days, end_day, start_day


def rfm_summary(
    transactions: pd.DataFrame,
    *,
    observation_end: Any,
    start_date: Any = None,
    customer_col: str = "CLNT_ID",
    date_col: str = "SESS_DT",
    amount_col: str = "REVENUE",
    origin: str = "first_purchase",
) -> pd.DataFrame:
    """Per customer: repeat purchase days, recency, age and mean repeat spend, as of ``observation_end``.

    Parameters
    ----------
    transactions : DataFrame
        Purchases on or before ``observation_end`` (later rows are refused, not filtered): one row per line,
        session or customer-day; rows of one customer on one day are summed into one purchase day. Not mutated.
    observation_end : date-like
        Last day observed (inclusive); T counts the days from the first purchase to it.
    start_date : date-like, optional
        First day of the window; earlier rows are refused.
    customer_col, date_col, amount_col : str
        Column names of customer id, purchase date and amount (non-negative).
    origin : {"first_purchase", "window_start"}
        Where each customer's clock starts. ``"first_purchase"`` (the classic BG/NBD summary, as in lifetimes
        and pymc-marketing): the first purchase day is the customer's birth and does not count. ``"window_start"``
        (needs ``start_date``): customers already existed when the data begin, so the clock starts at
        ``start_date`` for everyone and every purchase day in the window counts; fit such a summary with
        ``left_truncated=True`` (only customers with a purchase in the window are seen).

    Returns
    -------
    DataFrame
        One row per customer, sorted by id: ``customer_col`` then :data:`RFM_COLUMNS`
        (for ``"window_start"``: frequency = all purchase days, recency and T counted from ``start_date``,
        monetary_value = mean over all purchase days):

        - frequency (int64): purchase days after the first one (repeat purchases).
        - recency (float64): days from the first to the last purchase day (0 when frequency is 0).
        - T (float64): days from the first purchase day to ``observation_end``.
        - monetary_value (float64): mean spend of the repeat purchase days (the first day excluded, as the
          Gamma–Gamma model expects); 0 when frequency is 0.

    Raises
    ------
    ValueError
        A missing column, no rows, missing/unreadable dates, rows after ``observation_end`` or before
        ``start_date``, missing/negative amounts.
    """
    return rfm_summaries(transactions, observation_end=observation_end, start_date=start_date,
                         origins=(origin,), customer_col=customer_col, date_col=date_col,
                         amount_col=amount_col)[origin]


def rfm_summaries(transactions: pd.DataFrame, *, observation_end: Any, start_date: Any = None,
                  origins: tuple[str, ...] = ("first_purchase", "window_start"), customer_col: str = "CLNT_ID",
                  date_col: str = "SESS_DT", amount_col: str = "REVENUE") -> dict[str, pd.DataFrame]:
    """:func:`rfm_summary` for several clocks at once: {origin: summary}, one validation and one daily sum."""
    require_columns(transactions, (customer_col, date_col, amount_col), "transactions",
                    hint="name yours with customer_col=, date_col=, amount_col=")
    if len(transactions) == 0:
        raise ValueError("transactions has no rows: nothing to summarise; check the date range")
    if transactions[customer_col].isna().any():
        raise ValueError(f"{customer_col} is missing in {int(transactions[customer_col].isna().sum()):,} row(s)")
    for origin in origins:
        if origin not in ("first_purchase", "window_start"):
            raise ValueError(f"origin={origin!r} must be 'first_purchase' or 'window_start'")
        if origin == "window_start" and start_date is None:
            raise ValueError("origin='window_start' needs start_date (the day the data begin)")
    days, end_day, start_day = _checked_days(transactions[date_col], date_col, observation_end, start_date)
    codes, uniques = customer_codes(transactions[customer_col])
    daily = _daily_sums(codes, days, _amounts(transactions[amount_col], amount_col))
    return {origin: _summarise(daily, uniques, end_day, customer_col,
                               start_day if origin == "window_start" else None) for origin in origins}


def customer_codes(customers: pd.Series) -> tuple[np.ndarray, Any]:
    """``pd.factorize(customers, sort=True)`` (int64 codes, sorted uniques), without hashing when already sorted.

    Engine aggregates arrive ordered by customer id; for non-decreasing numeric ids the codes are a running
    count of id changes — the same codes and uniques as the factorisation, in a fraction of the time.
    """
    values = customers.to_numpy()
    numeric = values.dtype.kind in "iuf" and len(values) > 0
    if numeric and not (values.dtype.kind == "f" and np.isnan(values).any()) and bool(np.all(values[1:] >= values[:-1])):
        change = np.r_[True, values[1:] != values[:-1]]
        return np.cumsum(change, dtype=np.int64) - 1, pd.Index(values[change], name=None)
    codes, uniques = pd.factorize(customers, sort=True)
    return codes.astype(np.int64), uniques


def _daily_sums(codes: np.ndarray, days: np.ndarray, amount: np.ndarray) -> pd.DataFrame:
    """One row per (customer code, day), sorted, with the summed amount: columns c, d, a.

    Rows already one per customer-day in that order (an engine's customer-day aggregate) pass through as they
    are; otherwise a stable sort brings each day's rows together and they are summed in their input order.
    """
    if len(codes) < 2 or bool(np.all((codes[1:] > codes[:-1]) | ((codes[1:] == codes[:-1]) & (days[1:] > days[:-1])))):
        return pd.DataFrame({"c": codes, "d": days, "a": amount}, copy=False)
    order = np.lexsort((days, codes))
    c, d, a = codes[order], days[order], amount[order]
    starts = np.flatnonzero(np.r_[True, (c[1:] != c[:-1]) | (d[1:] != d[:-1])])
    return pd.DataFrame({"c": c[starts], "d": d[starts], "a": np.add.reduceat(a, starts)}, copy=False)


def _summarise(daily: pd.DataFrame, uniques: Any, end_day: int, customer_col: str,
               window_start: int | None) -> pd.DataFrame:
    """The rfm columns from the validated purchase days (columns c = customer code, d = day number, a = amount)."""
    c, d, a = daily["c"].to_numpy(), daily["d"].to_numpy(), daily["a"].to_numpy(float)
    starts = np.r_[0, np.flatnonzero(c[1:] != c[:-1]) + 1]
    ends = np.r_[starts[1:], len(c)] - 1
    n_days = ends - starts + 1
    total = np.add.reduceat(a, starts)
    if window_start is None:  # birth at the first purchase day, which is not a repeat purchase
        frequency, counted, clock = (n_days - 1).astype(np.int64), total - a[starts], d[starts]
    else:  # everyone observed from the window start; every purchase day counts
        frequency, counted, clock = n_days.astype(np.int64), total, np.full(len(starts), window_start)
    monetary = np.divide(counted, frequency, out=np.zeros(len(starts)), where=frequency > 0)
    return pd.DataFrame({
        customer_col: uniques.take(c[starts]).array if hasattr(uniques, "take") else uniques[c[starts]],
        "frequency": frequency,
        "recency": np.where(frequency > 0, d[ends] - clock, 0).astype(float),
        "T": (end_day - clock).astype(float),
        "monetary_value": monetary,
    }, copy=False)


# --------------------------------------------------------------------------------------------
# Parameters and log-likelihoods
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BetaGeoParams:
    """BG/NBD parameters: purchase rate λ ~ Gamma(r, rate alpha) per day; dropout p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class GammaGammaParams:
    """Gamma–Gamma parameters: spend per purchase ~ Gamma(p, rate ν), ν ~ Gamma(q, rate v)."""

    p: float
    q: float
    v: float

    @property
    def mean_spend(self) -> float:
        """Population mean spend per purchase p·v/(q−1); infinite when q ≤ 1."""
        return self.p * self.v / (self.q - 1) if self.q > 1 else float("inf")


def _as_arrays(*values: Any) -> tuple[np.ndarray, ...]:
    return tuple(np.asarray(v, dtype=float) for v in values)


def _bgnbd_terms(params: BetaGeoParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray):
    """The pieces of the BG/NBD log-likelihood: head, log term 'alive at T', log term 'died after t_x'."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    alive = special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * np.log(alpha + T)
    repeat = x > 0
    died = np.full(x.shape, -np.inf)
    xr = x[repeat]
    died[repeat] = (special.betaln(a + 1, b + xr - 1) - special.betaln(a, b)
                    - (r + xr) * np.log(alpha + t_x[repeat]))
    return head, alive, died


def bgnbd_log_likelihood(params: BetaGeoParams, frequency: Any, recency: Any, T: Any, *,
                         left_truncated: bool = False) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood (FHL 2005, eq. 6), in log space.

    ``L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
    + [x > 0] B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x))``.
    ``left_truncated``: customers are seen only if they bought at least once in (0, T] (a window-start
    summary), so L is divided by P(X(T) ≥ 1) = 1 − (α/(α+T))^r.
    """
    x, t_x, big_t = _as_arrays(frequency, recency, T)
    head, alive, died = _bgnbd_terms(params, x, t_x, big_t)
    ll = head + np.logaddexp(alive, died)
    if left_truncated:
        ll = ll - np.log(-np.expm1(params.r * (np.log(params.alpha) - np.log(params.alpha + big_t))))
    return ll


def gamma_gamma_log_likelihood(params: GammaGammaParams, frequency: Any, monetary_value: Any) -> np.ndarray:
    """Per-customer Gamma–Gamma log-likelihood of the mean repeat spend (FHL 2005 "RFM and CLV", eq. 1).

    For x > 0 purchases with mean m: ``Γ(px+q)/(Γ(px) Γ(q)) · v^q m^(px−1) x^(px) / (v + x m)^(px+q)``.
    """
    x, m = _as_arrays(frequency, monetary_value)
    p, q, v = params.p, params.q, params.v
    return (special.gammaln(p * x + q) - special.gammaln(p * x) - special.gammaln(q) + q * np.log(v)
            + (p * x - 1) * np.log(m) + p * x * np.log(x) - (p * x + q) * np.log(x * m + v))


@dataclass(frozen=True)
class _Rows:
    """Distinct (x, t_x, T) rows with their counts, and each column's distinct values with the map back.

    The objectives evaluate every special function (gammaln, betaln, digamma) once per distinct frequency and
    every logarithm once per distinct recency or age, then gather: the same numbers as evaluating them row by
    row, in a fraction of the time (a day-level shop has a few hundred distinct values per column).
    """

    x: np.ndarray
    t_x: np.ndarray
    big_t: np.ndarray
    w: np.ndarray
    ux: np.ndarray
    ix: np.ndarray
    ut: np.ndarray
    it: np.ndarray
    uT: np.ndarray
    iT: np.ndarray


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    uniques, inverse = np.unique(values, return_inverse=True)
    return uniques, inverse.reshape(-1)


def _unique_rows(x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows of (x, t_x, T) in lexicographic order, their counts and each row's position among them.

    Whole-day values (the rfm summary's) are packed into one int64 key, which sorts like the rows; other
    values fall back to ``np.unique(axis=0)``. Both give the same rows in the same order.
    """
    cols = (x, t_x, big_t)
    whole = all(np.array_equal(c, np.floor(c)) for c in cols)
    spans = [int(c.max()) + 1 if len(c) else 1 for c in cols]
    if whole and float(spans[0]) * spans[1] * spans[2] < 2.0 ** 62:
        key = (x.astype(np.int64) * spans[1] + t_x.astype(np.int64)) * spans[2] + big_t.astype(np.int64)
        keys, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        rows = np.column_stack([keys // (spans[1] * spans[2]), keys // spans[2] % spans[1], keys % spans[2]])
        return rows.astype(float), counts, inverse.reshape(-1)
    rows, inverse, counts = np.unique(np.column_stack(cols), axis=0, return_inverse=True, return_counts=True)
    return rows, counts, inverse.reshape(-1)


def _compress(x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> _Rows:
    rows, counts, _ = _unique_rows(x, t_x, big_t)
    x, t_x, big_t = rows[:, 0], rows[:, 1], rows[:, 2]
    return _Rows(x, t_x, big_t, counts.astype(float), *_distinct(x), *_distinct(t_x), *_distinct(big_t))


def _bgnbd_row_terms(r: float, alpha: float, a: float, b: float, rows: _Rows):
    """head, alive, died of :func:`_bgnbd_terms` and the two logarithms, per distinct value then gathered."""
    ux, ix, x = rows.ux, rows.ix, rows.x
    log_at = np.log(alpha + rows.uT)[rows.iT]
    log_atx = np.log(alpha + rows.ut)[rows.it]
    head = (special.gammaln(r + ux) - special.gammaln(r) + r * np.log(alpha))[ix]
    alive = (special.betaln(a, b + ux) - special.betaln(a, b))[ix] - (r + x) * log_at
    with np.errstate(invalid="ignore", divide="ignore"):
        died_x = special.betaln(a + 1, b + ux - 1) - special.betaln(a, b)
    died = np.where(x > 0, died_x[ix] - (r + x) * log_atx, -np.inf)
    return head, alive, died, log_at, log_atx


def _bgnbd_objective(log_params: np.ndarray, rows: _Rows, truncated: bool = False) -> tuple[float, np.ndarray]:
    """Weighted mean negative log-likelihood and its gradient with respect to the log-parameters."""
    r, alpha, a, b = np.exp(log_params)
    ux, ix, x, big_t, t_x = rows.ux, rows.ix, rows.x, rows.big_t, rows.t_x
    head, alive, died, log_at, log_atx = _bgnbd_row_terms(r, alpha, a, b, rows)
    tail = np.logaddexp(alive, died)
    p_alive = np.exp(alive - tail)  # share of the likelihood from "still alive at T"
    p_died = 1.0 - p_alive
    psi_ab, psi_abx = special.digamma(a + b), special.digamma(a + b + ux)
    d_alive_a = (psi_ab - psi_abx)[ix]
    d_died_a = (special.digamma(a + 1) - special.digamma(a) + psi_ab - psi_abx)[ix]
    d_alive_b = (special.digamma(b + ux) - psi_abx - special.digamma(b) + psi_ab)[ix]
    with np.errstate(invalid="ignore", divide="ignore"):
        d_died_b_x = special.digamma(b + ux - 1) - psi_abx - special.digamma(b) + psi_ab
    d_died_b = np.where(x > 0, d_died_b_x[ix], 0.0)
    grads = np.stack([
        r * ((special.digamma(r + ux) - special.digamma(r) + np.log(alpha))[ix] - p_alive * log_at
             - p_died * log_atx),
        alpha * (r / alpha - (r + x) * (p_alive / (alpha + big_t) + p_died / (alpha + t_x))),
        a * (p_alive * d_alive_a + p_died * d_died_a),
        b * (p_alive * d_alive_b + p_died * d_died_b),
    ])
    ll = head + tail
    if truncated:  # − log P(X(T) ≥ 1), P(X(T) = 0) = exp(u), u = r (log α − log(α+T))
        u_t = r * (np.log(alpha) - np.log(alpha + rows.uT))
        ll = ll - np.log(-np.expm1(u_t))[rows.iT]
        odds = (1.0 / np.expm1(-u_t))[rows.iT]  # exp(u) / (1 − exp(u))
        grads[0] += r * odds * (np.log(alpha) - log_at)
        grads[1] += alpha * odds * r * (1.0 / alpha - 1.0 / (alpha + big_t))
    total = rows.w.sum()
    return -float(np.dot(rows.w, ll)) / total, -(grads @ rows.w) / total


@dataclass(frozen=True)
class _Buyers:
    """Repeat buyers' (x, m), reduced to what the Gamma–Gamma objective needs, computed once per fit.

    Every term of the log-likelihood that does not involve v is a sum of fixed per-buyer values (Σ x log m,
    Σ log m, Σ x log x) or a function of x alone (evaluated once per distinct x, weighted by its count); only
    log(x m + v) and 1/(x m + v) are evaluated per buyer at each step.
    """

    x: np.ndarray
    xm: np.ndarray
    ux: np.ndarray
    nx: np.ndarray
    sum_x_log_m: float
    sum_log_m: float
    sum_x_log_x: float

    @classmethod
    def of(cls, x: np.ndarray, m: np.ndarray) -> _Buyers:
        ux, counts = np.unique(x, return_counts=True)
        log_m = np.log(m)
        return cls(x, x * m, ux, counts.astype(float), float(x @ log_m), float(log_m.sum()),
                   float(x @ np.log(x)))


def _gamma_gamma_objective(log_params: np.ndarray, buyers: _Buyers) -> tuple[float, np.ndarray]:
    """Mean negative Gamma–Gamma log-likelihood and its gradient; special functions once per distinct x.

    Σ ll = Σ_x n_x [Γ-terms(x)] + n q log v + p Σ x log m − Σ log m + p Σ x log x − p Σ x L − q Σ L,
    with L = log(x m + v) per buyer (see :func:`gamma_gamma_log_likelihood` for the per-buyer form).
    """
    p, q, v = np.exp(log_params)
    b = buyers
    n = float(b.nx.sum())
    pux = p * b.ux
    log_xmv = np.log(b.xm + v)
    inv_xmv = 1.0 / (b.xm + v)
    sum_l, sum_xl = float(log_xmv.sum()), float(b.x @ log_xmv)
    sum_inv, sum_xinv = float(inv_xmv.sum()), float(b.x @ inv_xmv)
    gam = special.gammaln(pux + q) - special.gammaln(pux) - special.gammaln(q)
    ll = (float(b.nx @ gam) + n * q * np.log(v) + p * (b.sum_x_log_m + b.sum_x_log_x) - b.sum_log_m
          - p * sum_xl - q * sum_l)
    psi_pxq = special.digamma(pux + q)
    grads = np.array([
        p * (float((b.nx * b.ux) @ (psi_pxq - special.digamma(pux))) + b.sum_x_log_m + b.sum_x_log_x - sum_xl),
        q * (float(b.nx @ psi_pxq) - n * special.digamma(q) + n * np.log(v) - sum_l),
        v * (n * q / v - p * sum_xinv - q * sum_inv),
    ])
    return -ll / n, -grads / n


def _minimise(objective, start: np.ndarray, args: tuple, what: str) -> tuple[np.ndarray, bool, float]:
    """L-BFGS-B on log-parameters from a fixed start; returns (log-parameters, converged, mean log-likelihood)."""
    with single_thread_blas():
        result = optimize.minimize(objective, start, args=args, jac=True, method="L-BFGS-B",
                                   bounds=[(-_LOG_BOUND, _LOG_BOUND)] * len(start),
                                   options={"maxiter": 2000, "ftol": 1e-12, "gtol": 1e-8})
    if not np.all(np.isfinite(result.x)) or not np.isfinite(result.fun):
        raise ValueError(f"{what}: the likelihood could not be maximised (non-finite values); check that the data "
                         "hold repeat purchases and positive amounts")
    return result.x, bool(result.success), -float(result.fun)


# --------------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------------
def _rfm_arrays(summary: pd.DataFrame, columns: tuple[str, ...]) -> tuple[np.ndarray, ...]:
    require_columns(summary, columns, "summary", hint="pass the output of rfm_summary")
    arrays = tuple(summary[c].to_numpy(dtype=float) for c in columns)
    if any(not np.all(np.isfinite(a)) or (a < 0).any() for a in arrays):
        raise ValueError(f"summary columns {list(columns)} must be finite and non-negative")
    return arrays


def fit_bgnbd(summary: pd.DataFrame, *, left_truncated: bool = False) -> tuple[BetaGeoParams, bool, float, int]:
    """Maximum-likelihood BG/NBD parameters from an :func:`rfm_summary` (frequency, recency, T in days).

    ``left_truncated=True`` for a ``origin="window_start"`` summary (see :func:`bgnbd_log_likelihood`).

    Identical (frequency, recency, T) rows are fitted once with their count as weight (the likelihood is a
    sum over customers, so this changes nothing but the time). The start is fixed (r = 1, α from the mean
    purchase rate, a = b = 1), so the fit is deterministic.

    Returns
    -------
    (BetaGeoParams, converged, mean log-likelihood per customer, distinct rows fitted)

    Raises
    ------
    ValueError
        No customer with a repeat purchase (nothing to learn a rate or a dropout from), bad summary values.
    """
    x, t_x, big_t = _rfm_arrays(summary, ("frequency", "recency", "T"))
    if not (x > 0).any():
        raise ValueError("no customer bought on two different days: BG/NBD needs repeat purchases; "
                         "use a longer window")
    if (t_x > big_t).any():
        raise ValueError("summary has recency > T; pass the output of rfm_summary")
    rows = _compress(x, t_x, big_t)
    alpha0 = max(float(big_t.mean()), 1.0) / max(float(x.mean()), 0.1)
    start = np.log([1.0, alpha0, 1.0, 1.0])
    log_params, converged, loglik = _minimise(_bgnbd_objective, start, (rows, left_truncated), "BG/NBD")
    return BetaGeoParams(*np.exp(log_params).tolist()), converged, loglik, len(rows.x)


def fit_gamma_gamma(summary: pd.DataFrame) -> tuple[GammaGammaParams, bool, float, int]:
    """Maximum-likelihood Gamma–Gamma parameters from the repeat buyers of an :func:`rfm_summary`.

    Only customers with frequency > 0 and a positive monetary_value enter (the model describes the mean of
    repeat purchase values). Fixed start p = 1, q = 2, v = mean spend, so the fit is deterministic.

    Returns
    -------
    (GammaGammaParams, converged, mean log-likelihood per repeat buyer, repeat buyers fitted)
    """
    x, m = _rfm_arrays(summary, ("frequency", "monetary_value"))
    keep = (x > 0) & (m > 0)
    if keep.sum() < 2:
        raise ValueError("fewer than two customers with a paid repeat purchase: the spend model cannot be fitted")
    x, m = x[keep], m[keep]
    start = np.log([1.0, 2.0, float(m.mean())])
    log_params, converged, loglik = _minimise(_gamma_gamma_objective, start, (_Buyers.of(x, m),), "Gamma-Gamma")
    return GammaGammaParams(*np.exp(log_params).tolist()), converged, loglik, int(keep.sum())


@dataclass(frozen=True)
class ValueModel:
    """A fitted customer-value forecast.

    Attributes
    ----------
    bgnbd, gamma_gamma : fitted parameters (time unit: days; money in the amounts' unit).
    n_customers, n_repeat : customers summarised; repeat buyers used by the spend model.
    bgnbd_rows : distinct (frequency, recency, T) rows the BG/NBD fit evaluated.
    loglik_bgnbd, loglik_gamma_gamma : mean log-likelihood per customer (per repeat buyer).
    converged : both optimisations reported convergence.
    spend_frequency_corr : Pearson correlation of frequency and mean repeat spend among repeat buyers; the
        Gamma–Gamma model assumes it near 0 (|corr| < 0.3 is the usual rule of thumb).
    fallback_spend : mean repeat spend of repeat buyers, used per purchase instead of the Gamma–Gamma mean
        when q ≤ 1 (the model's mean is then infinite).
    fit_seconds : wall time of both fits.
    left_truncated : the BG/NBD likelihood was conditioned on a purchase in the window (window-start summary).
    """

    bgnbd: BetaGeoParams
    gamma_gamma: GammaGammaParams
    n_customers: int
    n_repeat: int
    bgnbd_rows: int
    loglik_bgnbd: float
    loglik_gamma_gamma: float
    converged: bool
    spend_frequency_corr: float
    fallback_spend: float
    fit_seconds: float
    left_truncated: bool = False


def fit_value_model(summary: pd.DataFrame, *, left_truncated: bool = False) -> ValueModel:
    """Fit BG/NBD and Gamma–Gamma on one :func:`rfm_summary` and check the independence assumption."""
    started = time.perf_counter()
    bgnbd, ok_bg, ll_bg, rows = fit_bgnbd(summary, left_truncated=left_truncated)
    gg, ok_gg, ll_gg, n_repeat = fit_gamma_gamma(summary)
    elapsed = time.perf_counter() - started
    repeat = (summary["frequency"] > 0) & (summary["monetary_value"] > 0)
    freq, spend = summary.loc[repeat, "frequency"].to_numpy(float), summary.loc[repeat, "monetary_value"].to_numpy(float)
    corr = float(np.corrcoef(freq, spend)[0, 1]) if freq.std() > 0 and spend.std() > 0 else float("nan")
    return ValueModel(bgnbd, gg, len(summary), n_repeat, rows, ll_bg, ll_gg, ok_bg and ok_gg, corr,
                      float(spend.mean()), elapsed, left_truncated)


# --------------------------------------------------------------------------------------------
# Predictions
# --------------------------------------------------------------------------------------------
def probability_alive(params: BetaGeoParams, frequency: Any, recency: Any, T: Any) -> np.ndarray:
    """P(still active at T | x, t_x, T) = 1 / (1 + [x > 0] · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)), in log space."""
    x, t_x, big_t = _as_arrays(frequency, recency, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    log_odds = np.full(x.shape, -np.inf)
    rep = x > 0
    log_odds[rep] = (np.log(a) - np.log(b + x[rep] - 1)
                     + (r + x[rep]) * (np.log(alpha + big_t[rep]) - np.log(alpha + t_x[rep])))
    return special.expit(-log_odds)


def expected_purchases(params: BetaGeoParams, frequency: Any, recency: Any, T: Any, horizon: float) -> np.ndarray:
    """Expected repeat purchases in (T, T + horizon] given the history (FHL 2005, eq. 10).

    ``E = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z)] · P(alive)``,
    ``z = t/(α+T+t)``. The hypergeometric factor is computed after Euler's transformation,
    ``(1−z)^(r+x) 2F1(r+x, b+x; c; z) = (1−z)^(a−1) 2F1(a+b−1−r, a−1; c; z)``, whose series converges fast for
    large x where the direct form overflows. a = 1 is a removable singularity, nudged to 1 + 1e-7.
    """
    x, t_x, big_t = _as_arrays(frequency, recency, T)
    if not np.isfinite(horizon) or horizon < 0:
        raise ValueError(f"horizon={horizon!r} must be a non-negative number of days")
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    a = a if abs(a - 1.0) > 1e-7 else 1.0 + 1e-7
    z = horizon / (alpha + big_t + horizon)
    hyp = special.hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
    bracket = 1.0 - np.exp((a - 1) * np.log1p(-z)) * hyp
    front = (a + b + x - 1) / (a - 1)
    with np.errstate(all="ignore"):
        conditional = front * bracket
    bad = ~np.isfinite(conditional)
    if bad.any():  # e.g. r in the tens of thousands (near-Poisson buyers): hyp2f1 overflows
        conditional[bad] = _conditional_purchases_quadrature(params, x[bad], big_t[bad], horizon)
    out = conditional * probability_alive(params, x, t_x, big_t)
    if not np.all(np.isfinite(out)):
        raise ValueError("expected purchases are not finite for some customers; the fitted parameters are "
                         f"degenerate ({params}); check the data window")
    return out


def _conditional_purchases_quadrature(params: BetaGeoParams, x: np.ndarray, big_t: np.ndarray,
                                      horizon: float, nodes: int = 48) -> np.ndarray:
    """E[purchases in (T, T+t] | alive at T] by Gauss–Jacobi quadrature over the dropout probability.

    Given alive, λ ~ Gamma(r+x, α+T) and p ~ Beta(a, b+x), and E[Y | λ, p] = (1 − e^(−λpt))/p, so
    E = E_p[(1 − ((α+T)/(α+T+pt))^(r+x)) / p]; the integrand is smooth in p, so 48 nodes give ~1e-10.
    The fallback when the closed form's hypergeometric function overflows.
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    out = np.full(len(x), np.nan)
    for value in np.unique(x):
        sel = x == value
        roots, weights = special.roots_jacobi(nodes, b + value - 1, a - 1)
        p = (1 + roots) / 2  # Jacobi weight (1−u)^(b+x−1) (1+u)^(a−1) is the Beta(a, b+x) density in p
        base = np.log(alpha + big_t[sel])[:, None]
        inner = -np.expm1((r + value) * (base - np.log(alpha + big_t[sel][:, None] + p[None, :] * horizon)))
        with np.errstate(all="ignore"):
            out[sel] = (inner / p[None, :]) @ (weights / weights.sum())
    return out


def expected_spend(params: GammaGammaParams, frequency: Any, monetary_value: Any, *,
                   fallback_spend: float | None = None) -> np.ndarray:
    """Expected spend per purchase: E[M | x, m] = p (v + x m) / (p x + q − 1); p v/(q−1) for x = 0.

    When q ≤ 1 the Gamma–Gamma mean is infinite; then (x m + fallback_spend)/(x + 1) is used (the customer's
    own mean shrunk toward ``fallback_spend`` by one pseudo-purchase), and ``fallback_spend`` is required.
    """
    x, m = _as_arrays(frequency, monetary_value)
    if params.q > 1:
        return params.p * (params.v + x * m) / (params.p * x + params.q - 1)
    if fallback_spend is None:
        raise ValueError(f"Gamma-Gamma q={params.q:.3g} <= 1 (infinite mean spend): pass fallback_spend")
    return (x * m + fallback_spend) / (x + 1)


def predict_value(model: ValueModel, summary: pd.DataFrame, *, horizon_days: float,
                  customer_col: str = "CLNT_ID", spend: str = "gamma_gamma") -> pd.DataFrame:
    """Each customer's expected purchases and spend over the next ``horizon_days`` days after T.

    ``spend="gamma_gamma"`` (default) uses each customer's Gamma–Gamma conditional mean spend per purchase;
    ``spend="mean"`` the population mean for everyone (customers then differ only in expected purchases —
    the better ranking when past spend per purchase says little about future spend per purchase).

    Returns
    -------
    DataFrame
        ``customer_col`` then :data:`PREDICTION_COLUMNS`: PRED_PURCHASES (expected repeat purchase days),
        PRED_SPEND (PRED_PURCHASES × SPEND_PER_PURCHASE: assumes spend independent of frequency),
        P_ALIVE (probability still active), SPEND_PER_PURCHASE (Gamma–Gamma conditional mean). Unrounded.
    """
    require_columns(summary, (customer_col, *RFM_COLUMNS), "summary", hint="pass the output of rfm_summary")
    x, t_x, big_t, m = _rfm_arrays(summary, RFM_COLUMNS)
    if spend not in ("gamma_gamma", "mean"):
        raise ValueError(f"spend={spend!r} must be 'gamma_gamma' or 'mean'")
    rows, _, inverse = _unique_rows(x, t_x, big_t)  # same numbers as per customer, once per distinct row
    purchases = expected_purchases(model.bgnbd, rows[:, 0], rows[:, 1], rows[:, 2], horizon_days)[inverse]
    alive = probability_alive(model.bgnbd, rows[:, 0], rows[:, 1], rows[:, 2])[inverse]
    per_purchase = expected_spend(model.gamma_gamma, x, m, fallback_spend=model.fallback_spend)
    if spend == "mean":
        gg = model.gamma_gamma
        per_purchase = np.full(len(x), gg.mean_spend if gg.q > 1 else model.fallback_spend)
    return pd.DataFrame({
        customer_col: summary[customer_col].to_numpy(),
        "PRED_PURCHASES": purchases,
        "PRED_SPEND": purchases * per_purchase,
        "P_ALIVE": alive,
        "SPEND_PER_PURCHASE": per_purchase,
    }, copy=False)


# --------------------------------------------------------------------------------------------
# Planted truth
# --------------------------------------------------------------------------------------------
def simulate_population(n_customers: int, bgnbd: BetaGeoParams, gamma_gamma: GammaGammaParams, *,
                        age_days: tuple[float, float] = (30.0, 180.0), horizon_days: float = 60.0,
                        whole_days: bool = True, seed: int = 42) -> pd.DataFrame:
    """A population drawn from the two models, with what each customer does after T.

    Each customer: λ ~ Gamma(r, rate α), dropout p ~ Beta(a, b), age T ~ Uniform(age_days); repeat purchases
    arrive as Poisson(λ) until the customer dies right after repeat purchase J ~ Geometric(p); spend per
    purchase ~ Gamma(p_s, rate ν) with ν ~ Gamma(q, rate v). ``whole_days`` rounds T and recency to days as
    in day-level shop data. Vectorised (order statistics of uniforms give t_x), deterministic from ``seed``.

    Returns
    -------
    DataFrame
        CLNT_ID, :data:`RFM_COLUMNS`, LATER_PURCHASES and LATER_SPEND in (T, T + horizon_days].
    """
    rng = np.random.default_rng(seed)
    n = int(n_customers)
    lam = rng.gamma(bgnbd.r, 1.0 / bgnbd.alpha, n)
    drop = rng.beta(bgnbd.a, bgnbd.b, n)
    big_t = rng.uniform(age_days[0], age_days[1], n)
    if whole_days:
        big_t = np.round(big_t)
    n_arrivals = rng.poisson(lam * big_t)
    last_repeat = rng.geometric(drop)  # dies right after this repeat purchase
    alive = n_arrivals < last_repeat
    x = np.where(alive, n_arrivals, last_repeat)
    t_x = np.where(x > 0, big_t * rng.beta(np.maximum(x, 1), np.maximum(n_arrivals - x, 0) + 1), 0.0)
    if whole_days:
        t_x = np.round(t_x)
    later = np.where(alive, np.minimum(rng.poisson(lam * horizon_days), last_repeat - n_arrivals), 0)
    nu = rng.gamma(gamma_gamma.q, 1.0 / gamma_gamma.v, n)
    safe_x = np.maximum(x, 1)
    mean_spend = np.where(x > 0, rng.gamma(gamma_gamma.p * safe_x, 1.0 / (safe_x * nu)), 0.0)
    later_spend = np.where(later > 0, rng.gamma(gamma_gamma.p * np.maximum(later, 1), 1.0 / nu), 0.0)
    return pd.DataFrame({"CLNT_ID": np.arange(n, dtype=np.int64), "frequency": x.astype(np.int64),
                         "recency": t_x, "T": big_t, "monetary_value": mean_spend,
                         "LATER_PURCHASES": later.astype(np.int64), "LATER_SPEND": later_spend})
