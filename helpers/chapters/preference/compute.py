"""Chapter 5: Bayesian category preference index (report section 04, "선호지수").

For customer ``c`` and main category ``k`` (``K`` main categories):

* prior       ``P(k | c) = (n_ck + 1) / (n_c + K)`` — ``n_ck`` purchase lines of ``c`` in ``k``, ``n_c`` the
  customer's lines over the ``K`` main categories. The +1 keeps every value positive, also for a customer
  with no purchase at all (uniform ``1 / K``): the report's 0/1/0 → 0.25/0.5/0.25 table.
* likelihood  ``P(age band of c | k) × P(gender of c | k)``, estimated from *all* purchase lines of the
  input in ``k`` (every customer, listed or not). Age and gender are treated as independent, as in the report.
* posterior   ``∝ prior × likelihood`` (the common denominator ``P(구매)`` is dropped).
* index       ``ln posterior``, shifted per customer so that its minimum is 5, then scaled so that its
  maximum is 100: ``index = 100 · (ln p − min + 5) / (max − min + 5)``.

Worked example of the report: posteriors 0.024 / 0.175 → ln −3.73 / −1.74 → 5 / 6.99 → 71.53 / 100. The
report rounds the logarithms first; with exact logarithms the first index is 71.56 (see :func:`worked_example`).

Decisions the report leaves open (each is a keyword argument with its default in this module):

* **Main categories**: by default every category present in the input, ordered by popularity (weighted line
  count, descending; ties by name). ``categories=[...]`` keeps a given list, ``top_n=N`` the ``N`` most
  purchased. Lines of other categories do not enter the prior or the likelihood (they are counted). Columns of
  every output follow the popularity order, and ties in the index are broken by it (so a customer with no
  information at all ranks categories by overall popularity).
* **All posteriors equal** (``max == min``): the formula stays defined because the denominator is
  ``max − min + 5 ≥ 5``; every category gets 100 and ranks follow popularity.
* **Missing demographics**: a customer whose age (gender) is unknown gets no age (gender) term — each term is
  dropped independently. Likelihood tables are conditional distributions over the lines whose age (gender) is
  known. The numbers of such customers are in :attr:`PreferenceResult.counts`.
* **Listed customers without purchases** (``customers=`` holds someone with no line in the main categories):
  uniform prior ``1/K``, likelihood from their demographics if known; counted.
* **Zero likelihood** (an age band / gender never seen in a category): with ``likelihood_smoothing=0`` (the
  report's estimate, the default) such a cell would give ``ln 0 = −inf``. It is floored at half a line,
  ``P = 0.5 / n_k`` (``zero_cell_pseudo_count``), i.e. "rarer than the rarest observed": strictly below every
  observed cell of that category, so the order is kept and the index stays finite. The consequence: that
  category takes (or nearly takes) the customer's minimum and widens their ln range, compressing the other
  indices towards 100. ``likelihood_smoothing=α > 0`` uses additive smoothing ``(n + α) / (n_k + α·A)``
  instead (A = number of age bands or genders). A category without any known-age (-gender) line gets a uniform
  term. The number of floored cells is counted.
* **Age bands**: ``floor(age / 10) · 10`` (the real data already stores 10, 20, …, 80).
* **Demographics source**: the first non-missing value on the customer's purchase lines, unless ``customers``
  is a DataFrame with the age and gender columns (e.g. the Custom table), which then wins.

**Input**: purchase lines, or (what the chapter passes) the engine's customer × category × day aggregate
(:func:`helpers.data.queries.preference.customer_category_days`: ``n_lines``, ``n_occasions``, ``revenue`` per
row) with ``weight_col="n_lines"`` and the demographics from ``demographics=`` (one row per customer) instead
of columns on every row. Both give identical results (counts are sums of rows either way); the aggregate has at
most one row per line and usually far fewer, and no purchase line reaches pandas.

The customer × category computation is vectorised: ``np.bincount`` into a dense ``C × K`` float64 matrix (the
index is defined for every customer and category, so its output is dense), look-ups of ``A × K`` / ``G × K``
log-likelihood tables block by block of customers, row-wise min/max and repeated ``argmax`` for the top 3 (the
row sort behind ``long`` runs block by block, only when ``long`` is first used).

Beyond the report, :func:`compare_methods` puts the index, the Dirichlet–multinomial model of
:mod:`helpers.chapters.preference.models` and the two baselines side by side on one holdout, and
:func:`method_scores` / :func:`model_top3` / :func:`model_wide` build the chosen method's products for chapter 6.
Figures are in ``figures.py``, Korean sentences and analyst tables in ``words.py``.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from helpers.chapters.preference.models import (
    DEFAULT_GROUP_COLS,
    DirichletPreference,
    fit_dirichlet_preference,
    hit_rates,
    top3_frame,
    top_k_columns,
)
from helpers.common.checks import require_columns
from helpers.common.dates import parse_date
from helpers.common.labels import GENDER_LABELS, PREFERENCE_METHOD_LABELS, age_label

__all__ = [
    "COMPARED_METHODS",
    "DAY_AGGREGATE_COLUMNS",
    "DEFAULT_QUANTILES",
    "EVALUATION_VARIANTS",
    "METHOD_LABELS",
    "SEGMENTS",
    "WIDE_CSV_MAX_ROWS",
    "EvaluationResult",
    "MethodComparison",
    "PreferenceCounts",
    "PreferenceResult",
    "compare_methods",
    "customers_preferring",
    "evaluate_preference",
    "example_customers",
    "index_distribution",
    "index_wide",
    "last_month_start",
    "method_scores",
    "model_top3",
    "model_wide",
    "preference_index",
    "scale_log_posterior",
    "smoothed_prior",
    "split_holdout",
    "top1_share_by_segment",
    "worked_example",
]

# Defaults in one place (the notebook passes its parameters over these).
INDEX_FLOOR = 5.0            # the report: "로그를 취한 사후확률의 최소값이 5가 되는 x를 더함"
INDEX_TOP = 100.0            # the report: "최대값이 100이 되게 스케일링"
PRIOR_PSEUDO_COUNT = 1.0     # the report's +1 on every category
ZERO_CELL_PSEUDO_COUNT = 0.5  # zero likelihood cell -> 0.5 / n_k when likelihood_smoothing == 0
AGE_BAND_WIDTH = 10
DEFAULT_QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
SMOOTHED_ALPHA = 1.0         # additive smoothing of the "smoothed_likelihood" evaluation variant

#: Column arguments of :func:`compare_methods` for the engine's customer × category × day aggregate
#: (:func:`helpers.data.queries.preference.customer_category_days`).
DAY_AGGREGATE_COLUMNS = {"weight_col": "n_lines", "occasion_weight_col": "n_occasions", "revenue_col": "revenue"}
#: Customer × category products (tens of millions of cells at full scale) are written as Parquet only.
WIDE_CSV_MAX_ROWS = 0

EVALUATION_VARIANTS = ("report", "smoothed_likelihood", "revenue_prior")
BASELINES = ("popularity", "own_most_bought")
MODEL_METHOD = "dirichlet_multinomial"
#: Korean name of every method code (the labels live in helpers.common.labels).
METHOD_LABELS = PREFERENCE_METHOD_LABELS
UNKNOWN_AGE_LABEL = "연령미상"
UNKNOWN_GENDER_LABEL = "성별미상"


# ---------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------
def scale_log_posterior(log_posterior: Any, *, floor: float = INDEX_FLOOR, top: float = INDEX_TOP) -> np.ndarray:
    """The report's scaling of log posteriors: shift so the minimum is ``floor``, scale so the maximum is ``top``.

    ``index = top · (x − min + floor) / (max − min + floor)``, row-wise for a 2-D input (one row per customer).
    When all values of a row are equal the row becomes ``top`` everywhere (the denominator is ``floor`` > 0).

    Parameters
    ----------
    log_posterior : array-like, 1-D or 2-D
        Natural logarithms of (unnormalised) posteriors; must be finite.
    floor : float, default 5
        Value the minimum is shifted to before scaling; > 0.
    top : float, default 100
        Value of the maximum after scaling; > 0.

    Returns
    -------
    numpy.ndarray
        float64, same shape; every value in ``[top·floor/(max−min+floor), top]``.

    Raises
    ------
    ValueError
        Not 1-D/2-D, empty, non-finite values (``ln 0``: floor or smooth the likelihood first), or
        ``floor``/``top`` not > 0.
    """
    values = np.array(log_posterior, dtype=np.float64)  # a copy: the caller's array is never touched
    if values.ndim not in (1, 2) or values.size == 0:
        raise ValueError(f"log_posterior must be a non-empty 1-D or 2-D array, got shape {values.shape}")
    if not np.isfinite(values).all():
        raise ValueError(
            f"log_posterior has {int((~np.isfinite(values)).sum())} non-finite value(s) (ln 0 = -inf?); "
            "floor zero probabilities or smooth the likelihood before scaling")
    _check_scale(floor, top)
    _scale_rows_inplace(values if values.ndim == 2 else values[None, :], floor, top)
    return values


def smoothed_prior(counts: Any, *, pseudo_count: float = PRIOR_PSEUDO_COUNT) -> np.ndarray:
    """Prior ``P(k | c) = (n_ck + a) / (n_c + a·K)`` from purchase counts (the report's +1 smoothing).

    Parameters
    ----------
    counts : array-like, 1-D (one customer) or 2-D (customers × categories)
        Non-negative purchase counts.
    pseudo_count : float, default 1
        ``a``; > 0 so that a zero count, or no purchase at all (uniform ``1/K``), still gets a value.

    Returns
    -------
    numpy.ndarray
        float64, same shape, rows summing to 1.

    Raises
    ------
    ValueError
        Empty, not 1-D/2-D, negative or missing counts, ``pseudo_count`` <= 0.
    """
    values = np.array(counts, dtype=np.float64)
    if values.ndim not in (1, 2) or values.size == 0:
        raise ValueError(f"counts must be a non-empty 1-D or 2-D array, got shape {values.shape}")
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError("counts must be finite and non-negative")
    if not pseudo_count > 0:
        raise ValueError(f"pseudo_count must be > 0, got {pseudo_count!r}")
    k = values.shape[-1]
    return (values + pseudo_count) / (values.sum(axis=-1, keepdims=True) + pseudo_count * k)


def worked_example(*, floor: float = INDEX_FLOOR, top: float = INDEX_TOP) -> pd.DataFrame:
    """The report's worked example (customer 1, a man in his 20s; 2 categories) through :func:`scale_log_posterior`.

    Prior 0.3 / 0.7 (3 of 10 purchases women's, 7 men's clothing), ``P(20대 | k)`` 0.4 / 0.5,
    ``P(남성 | k)`` 0.2 / 0.5 → posteriors 0.024 / 0.175.

    Returns
    -------
    pandas.DataFrame
        One row per category (여성의류, 남성의류) with columns ``category, prior, p_age_given_category,
        p_gender_given_category, posterior, ln_posterior, ln_posterior_rounded`` (2 decimals, as printed in the
        report), ``shifted`` (rounded ln + x so the minimum is 5: 5 and 6.99), ``index_report`` (scaled from the
        rounded logarithms: 71.53…, 100 — the report's figures) and ``index_exact`` (from exact logarithms:
        71.56…, 100). Index values are not rounded.
    """
    prior = np.array([0.3, 0.7])
    p_age = np.array([0.4, 0.5])
    p_gender = np.array([0.2, 0.5])
    posterior = prior * p_age * p_gender
    ln_posterior = np.log(posterior)
    ln_rounded = np.round(ln_posterior, 2)
    return pd.DataFrame({
        "category": pd.array(["여성의류", "남성의류"], dtype="str"),
        "prior": prior,
        "p_age_given_category": p_age,
        "p_gender_given_category": p_gender,
        "posterior": posterior,
        "ln_posterior": ln_posterior,
        "ln_posterior_rounded": ln_rounded,
        "shifted": ln_rounded - ln_rounded.min() + floor,
        "index_report": scale_log_posterior(ln_rounded, floor=floor, top=top),
        "index_exact": scale_log_posterior(ln_posterior, floor=floor, top=top),
    })


# ---------------------------------------------------------------------------------------------
# Result objects
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PreferenceCounts:
    """What :func:`preference_index` saw and how many customers lacked information.

    Attributes
    ----------
    n_customers, n_categories : int
        Rows and columns of the index matrix.
    n_lines : int
        Input rows (with ``weight_col``: rows of the pre-aggregated table, not the summed weight).
    n_lines_in_categories : int
        Rows in the main categories (they feed the likelihood; those of listed customers also the prior).
    n_lines_outside_categories : int
        Rows of other categories (ignored), including rows without a category.
    n_without_purchases : int
        Customers with no line in the main categories: uniform prior.
    n_without_demographics : int
        Customers with neither age nor gender: no likelihood at all.
    n_missing_age_only, n_missing_gender_only : int
        Customers with only one of the two: that term alone is dropped.
    n_without_information : int
        Customers with neither purchases nor demographics: all indices 100, ranks by popularity.
    n_zero_likelihood_cells : int
        (age band or gender) × category cells never observed and floored at ``0.5 / n_k``
        (0 with likelihood smoothing).
    """

    n_customers: int
    n_categories: int
    n_lines: int
    n_lines_in_categories: int
    n_lines_outside_categories: int
    n_without_purchases: int
    n_without_demographics: int
    n_missing_age_only: int
    n_missing_gender_only: int
    n_without_information: int
    n_zero_likelihood_cells: int

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(eq=False)
class PreferenceResult:
    """Output of :func:`preference_index`.

    Attributes
    ----------
    wide : pandas.DataFrame
        Index = customer ids (named ``customer_col``), columns = main categories in popularity order
        (column index named ``category_col``), values = preference index (float64, max 100 per row).
    top3 : pandas.DataFrame
        ``customer_col, rank1, rank1_index, rank2, rank2_index, rank3, rank3_index`` (category names as str;
        NA when there are fewer than 3 categories).
    customers : pandas.DataFrame
        ``customer_col, n_lines`` (weighted lines in the main categories), ``age_band`` (Int64, NA unknown),
        ``gender`` (str, NA unknown), ``has_age, has_gender, has_history`` (bool).
    age_likelihood, gender_likelihood : pandas.DataFrame
        ``P(age band | k)`` (index ``age_band``) and ``P(gender | k)`` (index ``gender``), columns = categories,
        as used (after flooring or smoothing).
    popularity : pandas.Series
        Weighted line count per main category (popularity order), name ``n_lines``.
    counts : PreferenceCounts
    params : dict
        The options used.
    long : pandas.DataFrame (computed on each access, not kept: save it once)
        ``customer_col, category_col`` (categorical, popularity order), ``pref_index, rank`` (1 = most
        preferred); rows ordered by customer then rank. (``pref_index`` rather than ``index`` so that it
        does not clash with ``DataFrame.index``.)
    """

    wide: pd.DataFrame
    top3: pd.DataFrame
    customers: pd.DataFrame
    age_likelihood: pd.DataFrame
    gender_likelihood: pd.DataFrame
    popularity: pd.Series
    counts: PreferenceCounts
    customer_col: str
    category_col: str
    params: dict[str, Any]
    _top: np.ndarray = field(repr=False)              # C × min(3, K) column positions of ranks 1..3
    _purchase_counts: np.ndarray = field(repr=False)  # C × K weighted line counts (prior input)

    @property
    def categories(self) -> list[str]:
        return [str(c) for c in self.wide.columns]

    @property
    def long(self) -> pd.DataFrame:
        """Built on each access, block by block of customers (a stable sort of each row keeps popularity order
        among ties), so that only the output arrays are full size; not kept (C·K rows: 37 M at full scale)."""
        wide = self.wide.to_numpy()
        n_customers, k = wide.shape
        codes = np.empty(n_customers * k, dtype=np.int8 if k <= np.iinfo(np.int8).max else np.int32)
        values = np.empty(n_customers * k)
        for lo in range(0, n_customers, _BLOCK_ROWS):
            hi = min(lo + _BLOCK_ROWS, n_customers)
            order = np.argsort(-wide[lo:hi], axis=1, kind="stable")
            codes[lo * k:hi * k] = order.ravel()
            values[lo * k:hi * k] = np.take_along_axis(wide[lo:hi], order, axis=1).ravel()
        return pd.DataFrame({
            self.customer_col: np.repeat(self.wide.index.to_numpy(), k),
            self.category_col: pd.Categorical.from_codes(codes, categories=self.categories),
            "pref_index": values,
            "rank": np.tile(np.arange(1, k + 1, dtype=np.int16), n_customers),
        })


@dataclass(eq=False)
class EvaluationResult:
    """Output of :func:`evaluate_preference`.

    Attributes
    ----------
    hit_rates : pandas.DataFrame
        ``method, label, n_customers, top1_hits, top3_hits, top1_hit_rate, top3_hit_rate``; one row per
        index variant then per baseline.
    by_segment : pandas.DataFrame
        ``method, label, segment, n_customers, top1_hit_rate, top3_hit_rate``; segments 구매이력 있음/없음,
        인구통계 있음 (age and gender) / 없음·일부.
    per_customer : pandas.DataFrame
        ``customer_col, has_history, has_demographics, n_holdout_categories`` then ``hit1_<method>``,
        ``hit3_<method>`` (bool) for every method.
    fit : PreferenceResult
        The report-method index fitted on the lines before ``holdout_start``, for the evaluated customers.
    n_customers : int
        Customers evaluated (a holdout line in a fitted main category).
    n_holdout_customers_outside : int
        Holdout buyers not evaluated because all their holdout lines are in other categories.
    fit_lines, holdout_lines : int
    holdout_start, holdout_end : pandas.Timestamp (holdout_end NaT = to the end of the data)
    actual : numpy.ndarray
        Evaluated customers × fitted categories, True where the customer bought the category in the holdout.
    """

    hit_rates: pd.DataFrame
    by_segment: pd.DataFrame
    per_customer: pd.DataFrame
    fit: PreferenceResult
    n_customers: int
    n_holdout_customers_outside: int
    fit_lines: int
    holdout_lines: int
    holdout_start: pd.Timestamp
    holdout_end: pd.Timestamp
    actual: np.ndarray | None = field(default=None, repr=False)  # C × K: categories bought in the holdout


# ---------------------------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------------------------
def _check_frame(frame: Any, name: str, columns: dict[str, str | None]) -> None:
    """Each named column must exist; the message names the column and the parameter to pass instead."""
    for parameter, column in columns.items():
        if column is None:
            continue
        if not isinstance(column, str):
            raise ValueError(f"{parameter} must be a column name (str), got {column!r}")
        require_columns(frame, [column], name, hint=f"pass {parameter}=<the column holding it>")


def _check_scale(floor: float, top: float) -> None:
    if not (isinstance(floor, (int, float, np.number)) and np.isfinite(floor) and floor > 0):
        raise ValueError(f"floor must be a finite number > 0, got {floor!r}")
    if not (isinstance(top, (int, float, np.number)) and np.isfinite(top) and top > 0):
        raise ValueError(f"top must be a finite number > 0, got {top!r}")


def _scale_rows_inplace(values: np.ndarray, floor: float, top: float) -> None:
    low = values.min(axis=1, keepdims=True)
    span = values.max(axis=1, keepdims=True) - low + floor
    values -= low
    values += floor
    values *= top / span


def _nonnegative_weights(frame: pd.DataFrame, column: str, parameter: str) -> np.ndarray:
    series = frame[column]
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        raise ValueError(f"column '{column}' ({parameter}) must be numeric, got dtype {series.dtype}")
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        raise ValueError(
            f"column '{column}' ({parameter}) has {int(bad.sum())} missing, infinite or negative value(s); "
            "fill or drop those rows first")
    return values


def _age_bands(series: pd.Series, column: str, width: int) -> np.ndarray:
    """Age band per row as float (NaN = unknown)."""
    try:
        numeric = pd.to_numeric(series, errors="raise")
    except (ValueError, TypeError) as err:
        raise ValueError(f"column '{column}' (age_col) must hold numeric ages or age bands: {err}") from None
    ages = np.asarray(numeric.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
    if (ages[np.isfinite(ages)] < 0).any():
        raise ValueError(f"column '{column}' (age_col) has negative ages")
    return np.floor(ages / width) * width


def _code_against(values: np.ndarray, universe: np.ndarray) -> np.ndarray:
    """Positions of float ``values`` (members of sorted ``universe``) in it; -1 for NaN."""
    codes = np.full(values.shape, -1, dtype=np.int64)
    known = np.isfinite(values)
    codes[known] = np.searchsorted(universe, values[known])
    return codes


def _factor_strings(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes.astype(np.int64), np.asarray(uniques.astype(str), dtype=object)


def _remap(codes: np.ndarray, uniques: np.ndarray, universe_index: pd.Index) -> np.ndarray:
    """Re-code factorize codes against another label index; -1 stays -1 (and unmatched labels become -1)."""
    mapping = np.append(universe_index.get_indexer(uniques).astype(np.int64), -1)
    return mapping[codes]


def _ordered_categories(categories: np.ndarray, weights_per_category: np.ndarray) -> list[int]:
    """Positions sorted by weighted line count descending, then by name."""
    return sorted(range(len(categories)), key=lambda i: (-weights_per_category[i], str(categories[i])))


def _choose_categories(cat_uniques: np.ndarray, popularity: np.ndarray, categories: Sequence[str] | None,
                       top_n: int | None) -> list[str]:
    order = _ordered_categories(cat_uniques, popularity)
    present = [str(cat_uniques[i]) for i in order if popularity[i] > 0]
    if categories is not None and top_n is not None:
        raise ValueError("pass either categories=[...] or top_n=N, not both")
    if categories is not None:
        if isinstance(categories, str) or not isinstance(categories, Sequence | pd.Index | np.ndarray | pd.Series):
            raise ValueError(f"categories must be a list of category names, got {type(categories).__name__}")
        wanted = [str(c) for c in categories]
        if not wanted:
            raise ValueError("categories is empty; pass at least two category names or None for all")
        duplicated = sorted({c for c in wanted if wanted.count(c) > 1})
        if duplicated:
            raise ValueError(f"categories lists {duplicated} more than once")
        absent = [c for c in wanted if c not in present]
        if absent:
            raise ValueError(
                f"categories {absent} have no purchase line in the data (likelihood undefined); "
                "drop them from categories or widen the date range")
        keep = set(wanted)
        chosen = [c for c in present if c in keep]
    elif top_n is not None:
        if isinstance(top_n, bool) or not isinstance(top_n, (int, np.integer)) or top_n < 1:
            raise ValueError(f"top_n must be an integer >= 1, got {top_n!r}")
        chosen = present[:top_n]
    else:
        chosen = present
    if not chosen:
        raise ValueError("no category with purchase lines; check category_col and the date range")
    return chosen


# ---------------------------------------------------------------------------------------------
# The index
# ---------------------------------------------------------------------------------------------
def preference_index(
    purchases: pd.DataFrame,
    *,
    customers: Sequence[Any] | pd.Index | pd.Series | pd.DataFrame | None = None,
    categories: Sequence[str] | None = None,
    top_n: int | None = None,
    customer_col: str = "CLNT_ID",
    category_col: str = "CLAC1_NM",
    age_col: str = "CLNT_AGE",
    gender_col: str = "CLNT_GENDER",
    weight_col: str | None = None,
    prior_weight_col: str | None = None,
    demographics: pd.DataFrame | None = None,
    prior_pseudo_count: float = PRIOR_PSEUDO_COUNT,
    likelihood_smoothing: float = 0.0,
    zero_cell_pseudo_count: float = ZERO_CELL_PSEUDO_COUNT,
    age_band_width: int = AGE_BAND_WIDTH,
    floor: float = INDEX_FLOOR,
    top: float = INDEX_TOP,
) -> PreferenceResult:
    """Bayesian category preference index per customer (report section 04; module docstring for the rules).

    Parameters
    ----------
    purchases : pandas.DataFrame
        One row per purchase line (or, with ``weight_col``, per pre-aggregated customer × category cell), with
        the customer, category, age and gender columns (age/gender may be missing per row).
    customers : sequence of ids or DataFrame, optional
        Customers to score (rows of the output, in this order). Default: every customer in ``purchases``
        (sorted ids). Listed customers without purchases get a uniform prior. A DataFrame must hold
        ``customer_col``; if it also holds ``age_col`` and ``gender_col`` those demographics are used (e.g. the
        Custom table). Lines of unlisted customers still feed the likelihood. Ids must be unique.
    categories : list of str, optional
        Main categories to score; each must have purchase lines. Default: all categories present.
    top_n : int, optional
        Keep the ``top_n`` most purchased categories instead (not together with ``categories``).
    customer_col, category_col, age_col, gender_col : str
        Column names (defaults: the cleaned column contract).
    weight_col : str, optional
        Non-negative count per row (e.g. ``n`` of a pre-aggregated customer × category table); used for both
        prior and likelihood. Default: each row counts 1.
    demographics : pandas.DataFrame, optional
        ``customer_col, age_col, gender_col``, one row per customer (e.g. the Custom table). Required when the
        rows of ``purchases`` have no ``age_col``/``gender_col`` (a customer × category aggregate): each row then
        takes its customer's values for the likelihood. Ignored when the rows have them.
    prior_weight_col : str, optional
        E.g. ``"REVENUE"``: the customer's (weighted) line count is split over categories by this column's
        share instead of by line counts, ``pseudo n_ck = n_c · R_ck / R_c`` (+1 smoothing unchanged, so the prior
        keeps its strength). A customer with ``R_c = 0`` keeps line counts.
    prior_pseudo_count : float, default 1
        The report's +1.
    likelihood_smoothing : float, default 0
        Additive smoothing ``α`` of ``P(age|k)`` and ``P(gender|k)``; 0 = the report's plain frequencies.
    zero_cell_pseudo_count : float, default 0.5
        With ``likelihood_smoothing=0``, an unobserved (band, category) cell gets ``this / n_k`` instead of 0.
    age_band_width : int, default 10
    floor, top : float, default 5 and 100
        Scaling of :func:`scale_log_posterior`.

    Returns
    -------
    PreferenceResult
        ``wide``, ``long``, ``top3``, ``customers``, likelihood tables, ``popularity``, ``counts``.

    Raises
    ------
    ValueError
        Missing column (named), empty input, missing customer ids, negative/missing weights, duplicate
        customers, unknown or empty categories, both ``categories`` and ``top_n``, bad option values.
    TypeError
        ``purchases`` (or ``customers`` frame) is not a DataFrame.
    """
    _check_frame(purchases, "purchases", {
        "customer_col": customer_col, "category_col": category_col, "weight_col": weight_col,
        "prior_weight_col": prior_weight_col})
    _check_row_demographics(purchases, demographics, customer_col, age_col, gender_col)
    _check_index_options(purchases, prior_pseudo_count, likelihood_smoothing, zero_cell_pseudo_count,
                         age_band_width, floor, top)
    if purchases[customer_col].isna().any():
        raise ValueError(f"column '{customer_col}' (customer_col) has {int(purchases[customer_col].isna().sum())} "
                         "missing id(s)")
    weights = (_nonnegative_weights(purchases, weight_col, "weight_col") if weight_col is not None
               else np.ones(len(purchases), dtype=np.float64))
    cats = _main_categories(purchases[category_col], weights, categories, top_n, category_col)
    who = _customer_universe(purchases, customers, customer_col, age_col, gender_col, age_band_width)
    demo = _demographic_codes(purchases, who, age_col, gender_col, age_band_width, demographics=demographics,
                              customer_col=customer_col)
    k, n_customers = len(cats.main), len(who.ids)
    scored = cats.in_main & (who.line_c >= 0)
    flat = who.line_c[scored] * k + cats.line_k[scored]
    purchase_counts = np.bincount(flat, weights=weights[scored], minlength=n_customers * k).reshape(n_customers, k)
    age_table, age_zero = _likelihood_table(demo.line_age, cats.line_k, weights, cats.in_main, len(demo.bands), k,
                                            likelihood_smoothing, zero_cell_pseudo_count)
    gender_table, gender_zero = _likelihood_table(demo.line_gender, cats.line_k, weights, cats.in_main,
                                                  len(demo.genders), k, likelihood_smoothing, zero_cell_pseudo_count)
    prior_weights = (_nonnegative_weights(purchases, prior_weight_col, "prior_weight_col")[scored]
                     if prior_weight_col is not None else None)
    pseudo_counts = _revenue_split(purchase_counts, flat, prior_weights)
    index = _log_posterior(pseudo_counts, purchase_counts.sum(axis=1), prior_pseudo_count,
                           (np.log(age_table), demo.cust_age), (np.log(gender_table), demo.cust_gender))
    del pseudo_counts
    _scale_rows_inplace(index, floor, top)
    params = {
        "categories": list(cats.main), "weight_col": weight_col, "prior_weight_col": prior_weight_col,
        "prior_pseudo_count": prior_pseudo_count, "likelihood_smoothing": likelihood_smoothing,
        "zero_cell_pseudo_count": zero_cell_pseudo_count, "age_band_width": age_band_width,
        "floor": floor, "top": top,
    }
    tables = (age_table, gender_table, int(age_zero + gender_zero))
    return _assemble_index(index, purchase_counts, cats, who, demo, tables, len(purchases), params,
                           customer_col=customer_col, category_col=category_col)


def _check_row_demographics(purchases: pd.DataFrame, demographics: pd.DataFrame | None, customer_col: str,
                            age_col: str, gender_col: str) -> None:
    """Rows carry ``age_col``/``gender_col``, or ``demographics`` holds them per customer (unique ids)."""
    if age_col in purchases.columns and gender_col in purchases.columns:
        return
    if demographics is None:
        _check_frame(purchases, "purchases", {"age_col": age_col, "gender_col": gender_col})
    _check_frame(demographics, "demographics", {"customer_col": customer_col, "age_col": age_col,
                                                "gender_col": gender_col})
    if demographics[customer_col].duplicated().any():
        raise ValueError(f"demographics has duplicated '{customer_col}' values; keep one row per customer")


def _check_index_options(purchases: pd.DataFrame, prior_pseudo_count: float, likelihood_smoothing: float,
                         zero_cell_pseudo_count: float, age_band_width: int, floor: float, top: float) -> None:
    if len(purchases) == 0:
        raise ValueError("purchases is empty; check the date range and the loaded files")
    if not prior_pseudo_count > 0:
        raise ValueError(f"prior_pseudo_count must be > 0, got {prior_pseudo_count!r}")
    if not likelihood_smoothing >= 0:
        raise ValueError(f"likelihood_smoothing must be >= 0, got {likelihood_smoothing!r}")
    if not zero_cell_pseudo_count > 0:
        raise ValueError(f"zero_cell_pseudo_count must be > 0 (0 would give ln 0), got {zero_cell_pseudo_count!r}")
    if isinstance(age_band_width, bool) or not isinstance(age_band_width, (int, np.integer)) or age_band_width < 1:
        raise ValueError(f"age_band_width must be an integer >= 1, got {age_band_width!r}")
    _check_scale(floor, top)


@dataclass(frozen=True)
class _Categories:
    """Main categories (popularity order) and each line's position among them (-1 = other)."""

    main: list[str]
    line_k: np.ndarray
    in_main: np.ndarray
    popularity: pd.Series


def _main_categories(column: pd.Series, weights: np.ndarray, categories: Sequence[str] | None,
                     top_n: int | None, category_col: str) -> _Categories:
    cat_codes, cat_uniques = _factor_strings(column)
    has_cat = cat_codes >= 0
    popularity_all = np.bincount(cat_codes[has_cat], weights=weights[has_cat], minlength=len(cat_uniques))
    main = _choose_categories(cat_uniques, popularity_all, categories, top_n)
    line_k = _remap(cat_codes, cat_uniques, pd.Index(main))
    popularity = pd.Series(popularity_all[pd.Index(cat_uniques).get_indexer(main)],
                           index=pd.Index(main, name=category_col), name="n_lines")
    return _Categories(main=main, line_k=line_k, in_main=line_k >= 0, popularity=popularity)


@dataclass(frozen=True)
class _Customers:
    """Scored customers, each line's row among them (-1 = not listed) and a customers frame's demographics."""

    ids: np.ndarray
    line_c: np.ndarray
    frame_bands: np.ndarray | None
    frame_genders: pd.Series | None


def _customer_universe(purchases: pd.DataFrame, customers: Any, customer_col: str, age_col: str,
                       gender_col: str, age_band_width: int) -> _Customers:
    line_ids = purchases[customer_col]
    if customers is None:
        line_c, customer_ids = _factorize_sorted(line_ids)
        return _Customers(ids=customer_ids, line_c=line_c, frame_bands=None, frame_genders=None)
    frame_bands = frame_genders = None
    if isinstance(customers, pd.DataFrame):
        _check_frame(customers, "customers", {"customer_col": customer_col})
        ids_series = customers[customer_col]
        has_age, has_gender = age_col in customers.columns, gender_col in customers.columns
        if has_age != has_gender:
            raise ValueError(
                f"customers has only one of '{age_col}' / '{gender_col}'; give both demographics columns "
                "or neither (then demographics come from the purchase lines)")
        if has_age:
            frame_bands = _age_bands(customers[age_col], age_col, age_band_width)
            frame_genders = customers[gender_col]
    elif isinstance(customers, str) or not isinstance(customers, Sequence | pd.Index | pd.Series | np.ndarray):
        raise ValueError(f"customers must be a list of ids or a DataFrame, got {type(customers).__name__}")
    else:
        ids_series = pd.Series(np.asarray(customers))
    _check_listed_ids(ids_series, line_ids, customer_col)
    customer_ids = ids_series.to_numpy()
    line_c = pd.Index(customer_ids).get_indexer(line_ids).astype(np.int64)
    return _Customers(ids=customer_ids, line_c=line_c, frame_bands=frame_bands, frame_genders=frame_genders)


def _check_listed_ids(ids_series: pd.Series, line_ids: pd.Series, customer_col: str) -> None:
    if len(ids_series) == 0:
        raise ValueError("customers is empty; pass None to score every customer in purchases")
    if ids_series.isna().any():
        raise ValueError("customers has missing ids")
    if ids_series.duplicated().any():
        dup = ids_series[ids_series.duplicated()].unique()[:5].tolist()
        raise ValueError(f"customers lists ids more than once, e.g. {dup}; deduplicate first")
    if pd.api.types.is_numeric_dtype(ids_series) != pd.api.types.is_numeric_dtype(line_ids):
        raise ValueError(
            f"customers ids have dtype {ids_series.dtype} but purchases['{customer_col}'] has {line_ids.dtype}; "
            "convert one of them so that ids can match")


@dataclass(frozen=True)
class _Demographics:
    """Age-band and gender universes, the codes of every line and of every scored customer (-1 = unknown)."""

    bands: np.ndarray
    genders: pd.Index
    line_age: np.ndarray
    line_gender: np.ndarray
    cust_age: np.ndarray
    cust_gender: np.ndarray


def _line_demographics(purchases: pd.DataFrame, demographics: pd.DataFrame | None, customer_col: str,
                       age_col: str, gender_col: str,
                       age_band_width: int) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Age band (float, NaN unknown) and factorised gender of every row: the row's own columns when it has them
    (purchase lines), else its customer's values in ``demographics`` (a pre-aggregated table; customers not in
    ``demographics`` are unknown)."""
    if age_col in purchases.columns and gender_col in purchases.columns:
        return (_age_bands(purchases[age_col], age_col, age_band_width),
                _factor_strings(purchases[gender_col]))
    pos = pd.Index(demographics[customer_col]).get_indexer(purchases[customer_col])
    found = pos >= 0
    bands = np.full(len(purchases), np.nan)
    bands[found] = _age_bands(demographics[age_col], age_col, age_band_width)[pos[found]]
    codes, uniques = _factor_strings(demographics[gender_col])
    row_codes = np.where(found, codes[pos], -1)
    used = np.unique(row_codes[row_codes >= 0])  # genders on the rows only, as when read from the rows
    recode = np.full(len(uniques) + 1, -1, dtype=np.int64)
    recode[used] = np.arange(used.size)
    return bands, (recode[row_codes], uniques[used])


def _demographic_codes(purchases: pd.DataFrame, who: _Customers, age_col: str, gender_col: str,
                       age_band_width: int, *, demographics: pd.DataFrame | None = None,
                       customer_col: str = "CLNT_ID") -> _Demographics:
    """Universes from the lines plus a customers frame; a customer's values from the frame if it has them,
    else from their first line where each is known. Rows without demographic columns take their customer's
    values from ``demographics``."""
    line_bands, (gender_codes_raw, gender_uniques) = _line_demographics(purchases, demographics, customer_col,
                                                                         age_col, gender_col, age_band_width)
    band_values = line_bands[np.isfinite(line_bands)]
    gender_labels = set(gender_uniques.tolist())
    if who.frame_bands is not None:
        band_values = np.concatenate([band_values, who.frame_bands[np.isfinite(who.frame_bands)]])
        gender_labels |= {str(g) for g in who.frame_genders.dropna().unique()}
    band_universe = np.unique(band_values)
    gender_universe = pd.Index(sorted(gender_labels), dtype=object)
    line_age = _code_against(line_bands, band_universe)
    line_gender = _remap(gender_codes_raw, gender_uniques, gender_universe)
    if who.frame_bands is not None:
        cust_age = _code_against(who.frame_bands, band_universe)
        cust_gender = _remap(*_factor_strings(who.frame_genders), gender_universe)
    else:
        cust_age = _first_known(who.line_c, line_age, len(who.ids))
        cust_gender = _first_known(who.line_c, line_gender, len(who.ids))
    return _Demographics(bands=band_universe, genders=gender_universe, line_age=line_age, line_gender=line_gender,
                         cust_age=cust_age, cust_gender=cust_gender)


def _revenue_split(purchase_counts: np.ndarray, flat: np.ndarray, prior_weights: np.ndarray | None) -> np.ndarray:
    """Pseudo counts ``n_c · R_ck / R_c`` (line counts where ``R_c = 0``); the counts themselves without weights."""
    if prior_weights is None:
        return purchase_counts
    n_customers, k = purchase_counts.shape
    n_c = purchase_counts.sum(axis=1)
    split = np.bincount(flat, weights=prior_weights, minlength=n_customers * k).reshape(n_customers, k)
    split_total = split.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(split_total > 0, n_c[:, None] * split / split_total, purchase_counts)


#: Rows per block of the C × K log-posterior (bounds the temporaries at full scale to a few MB).
_BLOCK_ROWS = 65_536


def _log_posterior(pseudo_counts: np.ndarray, n_c: np.ndarray, prior_pseudo_count: float,
                   age_term: tuple[np.ndarray, np.ndarray], gender_term: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """``ln prior + ln P(age|k) + ln P(gender|k)`` into one new C × K matrix, block by block of rows.

    ``age_term`` / ``gender_term``: (``ln`` table, customer codes); code -1 (unknown) adds nothing.
    """
    n_customers, k = pseudo_counts.shape
    out = np.empty((n_customers, k))
    terms = [np.vstack([table, np.zeros((1, k))]) for table, _ in (age_term, gender_term)]
    for lo in range(0, n_customers, _BLOCK_ROWS):
        hi = min(lo + _BLOCK_ROWS, n_customers)
        block = out[lo:hi]
        np.log(pseudo_counts[lo:hi] + prior_pseudo_count, out=block)
        block -= np.log(n_c[lo:hi] + prior_pseudo_count * k)[:, None]
        block += terms[0][age_term[1][lo:hi]]
        block += terms[1][gender_term[1][lo:hi]]
    return out


def _index_top3(index: np.ndarray, top_pos: np.ndarray, main: list[str], customer_ids: np.ndarray,
                customer_col: str) -> pd.DataFrame:
    n_customers, k = index.shape
    main_arr = np.asarray(main, dtype=object)
    top3_cols: dict[str, Any] = {customer_col: customer_ids}
    for r in range(3):
        if r < k:
            pos = top_pos[:, r]
            top3_cols[f"rank{r + 1}"] = pd.array(main_arr[pos], dtype="str")
            top3_cols[f"rank{r + 1}_index"] = index[np.arange(n_customers), pos]
        else:
            top3_cols[f"rank{r + 1}"] = pd.array([pd.NA] * n_customers, dtype="str")
            top3_cols[f"rank{r + 1}_index"] = np.full(n_customers, np.nan)
    return pd.DataFrame(top3_cols)


def _customers_table(who: _Customers, demo: _Demographics, n_c: np.ndarray, customer_col: str) -> pd.DataFrame:
    n_customers = len(who.ids)
    known_band = demo.cust_age >= 0
    band_values_out = np.zeros(n_customers, dtype=np.int64)
    band_values_out[known_band] = demo.bands[demo.cust_age[known_band]].astype(np.int64)
    age_band_out = pd.array(band_values_out, dtype="Int64")
    age_band_out[~known_band] = pd.NA
    gender_objects = np.full(n_customers, None, dtype=object)
    known_gender = demo.cust_gender >= 0
    gender_objects[known_gender] = np.asarray(demo.genders, dtype=object)[demo.cust_gender[known_gender]]
    return pd.DataFrame({
        customer_col: who.ids,
        "n_lines": n_c,
        "age_band": age_band_out,
        "gender": pd.array(gender_objects, dtype="str"),
        "has_age": known_band,
        "has_gender": known_gender,
        "has_history": n_c > 0,
    })


def _index_counts(customers: pd.DataFrame, cats: _Categories, n_lines: int, n_zero_cells: int) -> PreferenceCounts:
    has_age, has_gender = customers["has_age"].to_numpy(), customers["has_gender"].to_numpy()
    has_history = customers["has_history"].to_numpy()
    n_in = int(cats.in_main.sum())
    return PreferenceCounts(
        n_customers=int(len(customers)),
        n_categories=int(len(cats.main)),
        n_lines=int(n_lines),
        n_lines_in_categories=n_in,
        n_lines_outside_categories=int(n_lines - n_in),
        n_without_purchases=int((~has_history).sum()),
        n_without_demographics=int((~has_age & ~has_gender).sum()),
        n_missing_age_only=int((~has_age & has_gender).sum()),
        n_missing_gender_only=int((has_age & ~has_gender).sum()),
        n_without_information=int((~has_history & ~has_age & ~has_gender).sum()),
        n_zero_likelihood_cells=int(n_zero_cells),
    )


def _assemble_index(index: np.ndarray, purchase_counts: np.ndarray, cats: _Categories, who: _Customers,
                    demo: _Demographics, tables: tuple[np.ndarray, np.ndarray, int], n_lines: int,
                    params: dict[str, Any], *, customer_col: str, category_col: str) -> PreferenceResult:
    age_table, gender_table, n_zero_cells = tables
    top_pos = top_k_columns(index, 3)  # ties keep popularity order
    cat_index = pd.Index(cats.main, name=category_col, dtype="str")
    customers = _customers_table(who, demo, purchase_counts.sum(axis=1), customer_col)
    return PreferenceResult(
        wide=pd.DataFrame(index, index=pd.Index(who.ids, name=customer_col), columns=cat_index, copy=False),
        top3=_index_top3(index, top_pos, cats.main, who.ids, customer_col),
        customers=customers,
        age_likelihood=pd.DataFrame(age_table, index=pd.Index(demo.bands.astype(np.int64), name="age_band"),
                                    columns=cat_index),
        gender_likelihood=pd.DataFrame(gender_table, index=pd.Index(demo.genders, name="gender", dtype="str"),
                                       columns=cat_index),
        popularity=cats.popularity,
        counts=_index_counts(customers, cats, n_lines, n_zero_cells),
        customer_col=customer_col,
        category_col=category_col,
        params=params,
        _top=top_pos,
        _purchase_counts=purchase_counts,
    )


def _first_known(line_c: np.ndarray, codes: np.ndarray, n_customers: int) -> np.ndarray:
    """Per customer, the code on their first line where it is known (-1 if never)."""
    known = np.flatnonzero((line_c >= 0) & (codes >= 0))
    first = np.full(n_customers, len(codes), dtype=np.int64)
    np.minimum.at(first, line_c[known], known)
    out = np.full(n_customers, -1, dtype=np.int64)
    seen = first < len(codes)
    out[seen] = codes[first[seen]]
    return out


def _factorize_sorted(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes into the sorted unique ids (hash factorize, then sort only the uniques)."""
    codes, uniques = pd.factorize(ids)
    uniques = np.asarray(uniques)
    order = np.argsort(uniques, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], uniques[order]


def _likelihood_table(level: np.ndarray, line_k: np.ndarray, weights: np.ndarray, in_main: np.ndarray,
                      n_levels: int, k: int, alpha: float, zero_pseudo: float) -> tuple[np.ndarray, int]:
    """``P(level | k)`` as an ``n_levels × k`` table with the zero-cell rule; returns (table, floored cells)."""
    if n_levels == 0:
        return np.ones((0, k)), 0
    use = in_main & (level >= 0)
    table = np.bincount(level[use] * k + line_k[use], weights=weights[use],
                        minlength=n_levels * k).reshape(n_levels, k)
    totals = table.sum(axis=0)
    if alpha > 0:
        return (table + alpha) / (totals + alpha * n_levels), 0
    observed = totals > 0
    zero_cells = (table == 0) & observed
    with np.errstate(invalid="ignore", divide="ignore"):
        probs = np.where(zero_cells, zero_pseudo, table) / totals
    probs[:, ~observed] = 1.0 / n_levels  # no known level in this category: no information, uniform
    return probs, int(zero_cells.sum())


# ---------------------------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------------------------
def _check_result(result: Any) -> PreferenceResult:
    if not isinstance(result, PreferenceResult):
        raise TypeError(f"expected a PreferenceResult from preference_index(), got {type(result).__name__}")
    return result


def index_distribution(result: PreferenceResult, *, quantiles: Sequence[float] = DEFAULT_QUANTILES) -> pd.DataFrame:
    """Distribution of the index per category.

    Returns
    -------
    pandas.DataFrame
        One row per category (popularity order): ``category_col, n_customers, mean, q10, q25, q50, q75, q90``
        (one ``q<percent>`` column per quantile; a non-integer percent keeps its decimals, e.g. ``q2.5``),
        ``n_top1`` (customers ranking it first) and ``top1_share``.
    """
    result = _check_result(result)
    qs = [float(q) for q in quantiles]
    if not qs or any(not 0 <= q <= 1 for q in qs):
        raise ValueError(f"quantiles must be numbers in [0, 1], got {list(quantiles)!r}")
    values = result.wide.to_numpy()
    n_customers, k = values.shape
    n_top1 = np.bincount(result._top[:, 0], minlength=k)
    out = {result.category_col: pd.array(result.categories, dtype="str"),
           "n_customers": np.full(k, n_customers, dtype=np.int64),
           "mean": values.mean(axis=0)}
    q_values = np.quantile(values, qs, axis=0)
    for q, row in zip(qs, q_values):
        pct = 100 * q
        out[f"q{int(round(pct))}" if abs(pct - round(pct)) < 1e-9 else f"q{pct:g}"] = row
    out["n_top1"] = n_top1.astype(np.int64)
    out["top1_share"] = n_top1 / max(n_customers, 1)
    return pd.DataFrame(out)


def _segment_labels(customers: pd.DataFrame) -> pd.Series:
    age = customers["age_band"]
    gender = customers["gender"]
    age_text = age.map(lambda a: UNKNOWN_AGE_LABEL if pd.isna(a) else age_label(a)).astype("str")
    gender_text = gender.map(lambda g: GENDER_LABELS.get(g, g) if isinstance(g, str) else UNKNOWN_GENDER_LABEL)
    return (age_text.astype(str) + " " + gender_text.astype(str)).astype("str")


def top1_share_by_segment(result: PreferenceResult) -> pd.DataFrame:
    """Share of customers whose rank-1 category is k, per age band × gender segment.

    Returns
    -------
    pandas.DataFrame
        ``age_band`` (Int64, NA = unknown), ``gender`` (str, NA = unknown), ``segment`` (label such as
        "30대 여성", "연령미상 성별미상"), ``category_col``, ``n_segment`` (customers in the segment), ``n_top1``,
        ``share`` (= n_top1 / n_segment). Every segment × every category (zeros included); segments sorted by
        age band then gender (unknown last), categories in popularity order.
    """
    result = _check_result(result)
    cust = result.customers
    k = len(result.categories)
    frame = pd.DataFrame({
        "age_band": cust["age_band"],
        "gender": cust["gender"],
        "top1": result._top[:, 0].astype(np.int64),
    })
    frame["segment"] = _segment_labels(cust)
    seg = frame[["age_band", "gender", "segment"]].drop_duplicates().sort_values(
        ["age_band", "gender"], na_position="last", kind="mergesort").reset_index(drop=True)
    seg_code = seg.reset_index().set_index("segment")["index"]
    codes = frame["segment"].map(seg_code).to_numpy(dtype=np.int64)
    n_top1 = np.bincount(codes * k + frame["top1"].to_numpy(), minlength=len(seg) * k).reshape(len(seg), k)
    n_segment = n_top1.sum(axis=1)
    out = pd.DataFrame({
        "age_band": seg["age_band"].repeat(k).to_numpy(),
        "gender": seg["gender"].repeat(k).to_numpy(),
        "segment": seg["segment"].repeat(k).to_numpy(),
        result.category_col: pd.array(np.tile(np.asarray(result.categories, dtype=object), len(seg)), dtype="str"),
        "n_segment": np.repeat(n_segment, k).astype(np.int64),
        "n_top1": n_top1.ravel().astype(np.int64),
    })
    out["age_band"] = out["age_band"].astype("Int64")
    out["gender"] = out["gender"].astype("str")
    out["segment"] = out["segment"].astype("str")
    out["share"] = out["n_top1"] / out["n_segment"].where(out["n_segment"] > 0)
    return out


def example_customers(result: PreferenceResult, *, n: int = 5, category: str | None = None, seed: int = 0,
                      require_demographics: bool = True, require_history: bool = True) -> pd.DataFrame:
    """A few customers with their 1st and 2nd choice, as the report's table (엘포이, 오니, … 1순위 / 2순위).

    Parameters
    ----------
    n : int, default 5
    category : str, optional
        Only customers whose rank-1 category is this one (the report's targeting step).
    seed : int, default 0
        Deterministic sample.
    require_demographics, require_history : bool, default True
        Draw only from customers with known age and gender / with purchases.

    Returns
    -------
    pandas.DataFrame
        ``customer_col, age_band, gender, n_lines, rank1, rank1_index, rank2, rank2_index``; at most ``n`` rows
        (fewer if fewer customers qualify), sorted by customer id.
    """
    result = _check_result(result)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    cust = result.customers
    mask = np.ones(len(cust), dtype=bool)
    if require_demographics:
        mask &= cust["has_age"].to_numpy() & cust["has_gender"].to_numpy()
    if require_history:
        mask &= cust["has_history"].to_numpy()
    if category is not None:
        if category not in result.categories:
            raise ValueError(f"category {category!r} is not one of the scored categories {result.categories}")
        mask &= (result.top3["rank1"] == category).to_numpy(dtype=bool, na_value=False)
    candidates = np.flatnonzero(mask)
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(candidates, size=min(n, len(candidates)), replace=False))
    cols = [result.customer_col, "age_band", "gender", "n_lines"]
    out = cust.iloc[chosen][cols].reset_index(drop=True)
    tops = result.top3.iloc[chosen][["rank1", "rank1_index", "rank2", "rank2_index"]].reset_index(drop=True)
    return pd.concat([out, tops], axis=1).sort_values(result.customer_col, kind="mergesort").reset_index(drop=True)


def customers_preferring(result: PreferenceResult, category: str, *, max_rank: int = 1) -> pd.DataFrame:
    """Customers whose rank of ``category`` is at most ``max_rank`` (target list of chapter 6).

    Returns
    -------
    pandas.DataFrame
        ``customer_col, rank, pref_index`` sorted by rank, then index descending, then customer id.
    """
    result = _check_result(result)
    if category not in result.categories:
        raise ValueError(f"category {category!r} is not one of the scored categories {result.categories}")
    if isinstance(max_rank, bool) or not isinstance(max_rank, (int, np.integer)) or max_rank < 1:
        raise ValueError(f"max_rank must be an integer >= 1, got {max_rank!r}")
    col = result.categories.index(category)
    values = result.wide.to_numpy()
    target = values[:, col:col + 1]
    # rank = 1 + categories strictly above + tied categories earlier in popularity order (as the sort does)
    ranks = 1 + (values > target).sum(axis=1) + (values[:, :col] == target).sum(axis=1)
    keep = ranks <= max_rank
    out = pd.DataFrame({
        result.customer_col: result.wide.index.to_numpy()[keep],
        "rank": ranks[keep].astype(np.int64),
        "pref_index": result.wide.to_numpy()[keep, col],
    })
    return out.sort_values(["rank", "pref_index", result.customer_col], ascending=[True, False, True],
                           kind="mergesort").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Evaluation (beyond the report)
# ---------------------------------------------------------------------------------------------
def evaluate_preference(
    purchases: pd.DataFrame,
    *,
    holdout_start: str | pd.Timestamp,
    holdout_end: str | pd.Timestamp | None = None,
    date_col: str = "SESS_DT",
    customer_col: str = "CLNT_ID",
    category_col: str = "CLAC1_NM",
    age_col: str = "CLNT_AGE",
    gender_col: str = "CLNT_GENDER",
    weight_col: str | None = None,
    revenue_col: str = "REVENUE",
    categories: Sequence[str] | None = None,
    top_n: int | None = None,
    demographics: pd.DataFrame | None = None,
    variants: Sequence[str] = EVALUATION_VARIANTS,
    smoothed_alpha: float = SMOOTHED_ALPHA,
) -> EvaluationResult:
    """Does the index predict what customers buy next? Fit before ``holdout_start``, score the holdout.

    The function slices ``purchases`` itself: only rows dated before ``holdout_start`` reach the fit (prior,
    likelihood, popularity, categories, demographics), so holdout rows cannot influence any prediction. The
    customers evaluated are those with a holdout line in a fitted main category; for each, a *hit* at top-k
    means at least one category they bought in the holdout is among their k best-ranked categories.

    Methods: the index variants in ``variants`` — ``"report"`` (as the report), ``"smoothed_likelihood"``
    (``likelihood_smoothing=smoothed_alpha``), ``"revenue_prior"`` (``prior_weight_col=revenue_col``) — and two
    baselines: ``"popularity"`` (the same top-k, by fit-period line count, for everyone) and
    ``"own_most_bought"`` (the customer's own fit-period counts, ties and the rest of the list by popularity;
    no history → popularity).

    Parameters
    ----------
    purchases : pandas.DataFrame
        Purchase lines with ``date_col`` (datetime64) plus the columns of :func:`preference_index`.
    holdout_start : str or Timestamp
        First day of the holdout (ISO date). Required: the chapter passes e.g. the first day of the last month.
    holdout_end : str or Timestamp, optional
        Last day of the holdout, inclusive. Default: all rows from ``holdout_start`` on.
    demographics : pandas.DataFrame, optional
        ``customer_col, age_col, gender_col`` (static attributes such as the Custom table), used for every
        evaluated customer — including those with no fit-period line. Default: demographics from fit-period
        lines only (new customers then have none).
    variants : sequence of str
        Subset of ``EVALUATION_VARIANTS``; must include ``"report"``.
    smoothed_alpha : float, default 1

    Returns
    -------
    EvaluationResult

    Raises
    ------
    ValueError
        Missing column (named), non-datetime ``date_col``, unparsable dates, empty fit or holdout period,
        unknown variants, no customer to evaluate.
    """
    _check_evaluation_inputs(purchases, variants, date_col=date_col, customer_col=customer_col,
                             category_col=category_col, age_col=age_col, gender_col=gender_col,
                             weight_col=weight_col, revenue_col=revenue_col, demographics=demographics)
    fit_lines, holdout, start, end = split_holdout(purchases, holdout_start=holdout_start, holdout_end=holdout_end,
                                                   date_col=date_col)
    common = dict(customer_col=customer_col, category_col=category_col, age_col=age_col, gender_col=gender_col,
                  weight_col=weight_col)
    fit_weights = (_nonnegative_weights(fit_lines, weight_col, "weight_col") if weight_col is not None
                   else np.ones(len(fit_lines)))
    main = _main_categories(fit_lines[category_col], fit_weights, categories, top_n, category_col).main
    eval_ids, actual, n_outside = _holdout_targets(holdout, main, customer_col, category_col)
    customers_arg = _evaluation_customers(eval_ids, demographics, customer_col, age_col, gender_col)
    fits: dict[str, PreferenceResult] = {}
    for variant in variants:
        options: dict[str, Any] = {}
        if variant == "smoothed_likelihood":
            options["likelihood_smoothing"] = smoothed_alpha
        elif variant == "revenue_prior":
            options["prior_weight_col"] = revenue_col
        fits[variant] = preference_index(fit_lines, customers=customers_arg, categories=main, demographics=demographics,
                                         **common, **options)
    report = fits["report"]
    top_lists: dict[str, np.ndarray] = {v: fit._top for v, fit in fits.items()}
    top_lists.update(baseline_tops(report._purchase_counts))
    hit_table, by_segment, per_customer = _hit_tables(top_lists, actual, report.customers, eval_ids, customer_col)
    return EvaluationResult(
        hit_rates=hit_table, by_segment=by_segment, per_customer=per_customer, fit=report,
        n_customers=int(eval_ids.size), n_holdout_customers_outside=n_outside, fit_lines=int(len(fit_lines)),
        holdout_lines=int(len(holdout)), holdout_start=start, holdout_end=end, actual=actual)


def _check_evaluation_inputs(purchases: pd.DataFrame, variants: Sequence[str], *, date_col: str, customer_col: str,
                             category_col: str, age_col: str, gender_col: str, weight_col: str | None,
                             revenue_col: str, demographics: pd.DataFrame | None) -> None:
    _check_frame(purchases, "purchases", {
        "date_col": date_col, "customer_col": customer_col, "category_col": category_col, "weight_col": weight_col})
    _check_row_demographics(purchases, demographics, customer_col, age_col, gender_col)
    unknown = [v for v in variants if v not in EVALUATION_VARIANTS]
    if unknown or isinstance(variants, str):
        raise ValueError(f"variants must be a subset of {list(EVALUATION_VARIANTS)}, got {variants!r}")
    if "report" not in variants:
        raise ValueError("variants must include 'report' (the report's method, the reference of the table)")
    if "revenue_prior" in variants:
        _check_frame(purchases, "purchases", {"revenue_col": revenue_col})


def split_holdout(purchases: pd.DataFrame, *, holdout_start: Any, holdout_end: Any = None,
                  date_col: str = "SESS_DT") -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp, pd.Timestamp]:
    """``(fit lines before holdout_start, holdout lines, start, end)``; ``end`` NaT = to the end of the data.

    Raises ValueError (DataError) for a non-datetime ``date_col``, unparsable dates, an empty side.
    """
    if not pd.api.types.is_datetime64_any_dtype(purchases[date_col]):
        raise ValueError(f"column '{date_col}' (date_col) must be datetime64, got {purchases[date_col].dtype}; "
                         "parse it with pd.to_datetime first")
    start = parse_date(holdout_start, "holdout_start")
    end = parse_date(holdout_end, "holdout_end") if holdout_end is not None else pd.NaT
    if end is not pd.NaT and end < start:
        raise ValueError(f"holdout_end {end.date()} is before holdout_start {start.date()}")
    dates = purchases[date_col]
    before = (dates < start).to_numpy(dtype=bool, na_value=False)
    after = (dates >= start).to_numpy(dtype=bool, na_value=False)
    if end is not pd.NaT:
        # to_numpy may hand back a read-only view (copy-on-write), so combine into a new array
        after = after & (dates < end + pd.Timedelta(days=1)).to_numpy(dtype=bool, na_value=False)
    fit_lines, holdout = purchases.loc[before], purchases.loc[after]
    if len(fit_lines) == 0:
        raise ValueError(f"no purchase line before holdout_start={start.date()}; move holdout_start later")
    if len(holdout) == 0:
        raise ValueError(f"no purchase line in the holdout from {start.date()}"
                         + (f" to {end.date()}" if end is not pd.NaT else "") + "; check holdout_start/holdout_end")
    return fit_lines, holdout, start, end


def _holdout_targets(holdout: pd.DataFrame, main: list[str], customer_col: str,
                     category_col: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Evaluated ids (a holdout line in a main category, sorted), their bought categories (C × K bool) and the
    number of holdout buyers left out."""
    hold_k = _remap(*_factor_strings(holdout[category_col]), pd.Index(main))
    hold_ids = holdout[customer_col]
    if hold_ids.isna().any():
        raise ValueError(f"column '{customer_col}' (customer_col) has missing ids in the holdout")
    eval_ids = np.sort(pd.unique(hold_ids.to_numpy()[hold_k >= 0]))
    n_outside = int(pd.unique(hold_ids.to_numpy()).size - eval_ids.size)
    if eval_ids.size == 0:
        raise ValueError("no holdout customer bought in a fitted main category; nothing to evaluate")
    k = len(main)
    pos = pd.Index(eval_ids).get_indexer(hold_ids)
    use = (pos >= 0) & (hold_k >= 0)
    actual = np.zeros(eval_ids.size * k, dtype=bool)
    actual[pos[use] * k + hold_k[use]] = True
    return eval_ids, actual.reshape(eval_ids.size, k), n_outside


def _evaluation_customers(eval_ids: np.ndarray, demographics: pd.DataFrame | None, customer_col: str,
                          age_col: str, gender_col: str) -> Any:
    if demographics is None:
        return eval_ids
    _check_frame(demographics, "demographics", {"customer_col": customer_col, "age_col": age_col,
                                                "gender_col": gender_col})
    if demographics[customer_col].duplicated().any():
        raise ValueError(f"demographics has duplicated '{customer_col}' values; keep one row per customer")
    return pd.DataFrame({customer_col: eval_ids}).merge(
        demographics[[customer_col, age_col, gender_col]], on=customer_col, how="left")


def baseline_tops(purchase_counts: np.ndarray) -> dict[str, np.ndarray]:
    """Top-3 column positions of the two baselines from fit-period counts (columns in popularity order).

    ``popularity``: columns 0, 1, 2 for everyone; ``own_most_bought``: a stable ranking of own counts, so ties
    and the rest of the list (and customers without history) follow popularity.
    """
    n, k = purchase_counts.shape
    return {"popularity": np.broadcast_to(np.arange(min(3, k)), (n, min(3, k))),
            "own_most_bought": top_k_columns(purchase_counts, 3)}


#: Segments of the hit-rate tables: code, Korean name (the evaluation's ``by_segment`` keeps the Korean name).
SEGMENTS = (("all", "전체"), ("history", "구매이력 있음"), ("no_history", "구매이력 없음"),
            ("demographics", "인구통계 있음"), ("no_demographics", "인구통계 없음·일부"))


def _segment_masks(has_history: np.ndarray, has_demo: np.ndarray) -> dict[str, np.ndarray]:
    masks = {"all": np.ones(has_history.size, dtype=bool), "history": has_history, "no_history": ~has_history,
             "demographics": has_demo, "no_demographics": ~has_demo}
    return {code: masks[code] for code, _ in SEGMENTS}


def _hit_tables(top_lists: dict[str, np.ndarray], actual: np.ndarray, customers: pd.DataFrame,
                eval_ids: np.ndarray, customer_col: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    has_history = customers["has_history"].to_numpy()
    has_demo = customers["has_age"].to_numpy() & customers["has_gender"].to_numpy()
    per_customer: dict[str, Any] = {customer_col: eval_ids, "has_history": has_history,
                                    "has_demographics": has_demo,
                                    "n_holdout_categories": actual.sum(axis=1).astype(np.int64)}
    masks = _segment_masks(has_history, has_demo)
    names = dict(SEGMENTS)
    rate_rows, segment_rows = [], []
    for method, tops in top_lists.items():
        hit1, hit3 = hit_rates(tops, actual)
        per_customer[f"hit1_{method}"] = hit1
        per_customer[f"hit3_{method}"] = hit3
        rate_rows.append({"method": method, "label": METHOD_LABELS[method], "n_customers": int(eval_ids.size),
                          "top1_hits": int(hit1.sum()), "top3_hits": int(hit3.sum()),
                          "top1_hit_rate": float(hit1.mean()), "top3_hit_rate": float(hit3.mean())})
        for code, mask in masks.items():
            n_seg = int(mask.sum())
            segment_rows.append({"method": method, "label": METHOD_LABELS[method], "segment": names[code],
                                 "n_customers": n_seg,
                                 "top1_hit_rate": float(hit1[mask].mean()) if n_seg else np.nan,
                                 "top3_hit_rate": float(hit3[mask].mean()) if n_seg else np.nan})
    hit_table, by_segment = pd.DataFrame(rate_rows), pd.DataFrame(segment_rows)
    for frame in (hit_table, by_segment):
        for col in ("method", "label") + (("segment",) if "segment" in frame else ()):
            frame[col] = frame[col].astype("str")
    return hit_table, by_segment, pd.DataFrame(per_customer)


# ---------------------------------------------------------------------------------------------
# All methods side by side (issue 15) and the chosen method's products for chapter 6
# ---------------------------------------------------------------------------------------------
#: Methods of :func:`compare_methods`, in table order.
COMPARED_METHODS = ("report", MODEL_METHOD, "popularity", "own_most_bought")
METHODS_COLUMNS = ["method", "method_ko", "segment", "n_customers", "top1_hit_rate", "top3_hit_rate", "chosen"]


@dataclass(eq=False)
class MethodComparison:
    """Output of :func:`compare_methods`.

    Attributes
    ----------
    table : pandas.DataFrame
        ``METHODS_COLUMNS``: one row per method × segment (``SEGMENTS`` codes); ``chosen`` is True on every
        row of the best method overall (top-3 hit rate, then top-1, then the table order).
    chosen : str
        The chosen method's code.
    evaluation : EvaluationResult
        The report index and the baselines on the same holdout.
    model : DirichletPreference
        The model fitted on the lines before the holdout (its ``params`` and ``validation`` say what it chose).
    """

    table: pd.DataFrame
    chosen: str
    evaluation: EvaluationResult
    model: DirichletPreference


def compare_methods(
    purchases: pd.DataFrame,
    *,
    holdout_start: Any,
    holdout_end: Any = None,
    demographics: pd.DataFrame | None = None,
    group_cols: Sequence[str] = DEFAULT_GROUP_COLS,
    categories: Sequence[str] | None = None,
    top_n: int | None = None,
    date_col: str = "SESS_DT",
    customer_col: str = "CLNT_ID",
    category_col: str = "CLAC1_NM",
    age_col: str = "CLNT_AGE",
    gender_col: str = "CLNT_GENDER",
    occasion_col: str | None = "SESS_ID",
    variants: Sequence[str] = ("report",),
    weight_col: str | None = None,
    occasion_weight_col: str | None = None,
    revenue_col: str = "REVENUE",
) -> MethodComparison:
    """Report index, Dirichlet–multinomial model, popularity and own most-bought on one holdout.

    Every method sees only the lines before ``holdout_start`` (the model chooses its half-life and counting unit
    on a validation split inside them) and is scored on the same customers: those with a holdout line in a main
    category. Segments: with/without fit-period history, with/without demographics (age and gender known).

    Parameters
    ----------
    demographics : pandas.DataFrame, optional
        ``customer_col`` with ``age_col``/``gender_col`` and the ``group_cols`` (e.g. the Custom table).
    group_cols : list of str
        The model's demographic columns (in ``demographics``, else on the lines).
    variants : list of str, default ``("report",)``
        Index variants of the inner :func:`evaluate_preference` (its ``hit_rates`` table); only the report's
        method enters the comparison.
    weight_col, occasion_weight_col, revenue_col : str
        For a customer × category × day aggregate (:func:`helpers.data.queries.preference.customer_category_days`):
        its lines (``n_lines``), occasions (``n_occasions``) and revenue (``revenue``) columns.
    Other parameters as in :func:`evaluate_preference` and :func:`fit_dirichlet_preference`.

    Returns
    -------
    MethodComparison
    """
    evaluation = evaluate_preference(
        purchases, holdout_start=holdout_start, holdout_end=holdout_end, date_col=date_col,
        customer_col=customer_col, category_col=category_col, age_col=age_col, gender_col=gender_col,
        categories=categories, top_n=top_n, demographics=demographics, variants=variants, weight_col=weight_col,
        revenue_col=revenue_col)
    fit_lines, _, start, _ = split_holdout(purchases, holdout_start=holdout_start, holdout_end=holdout_end,
                                           date_col=date_col)
    eval_ids = evaluation.per_customer[customer_col].to_numpy()
    listed = (pd.DataFrame({customer_col: eval_ids}) if demographics is None else
              pd.DataFrame({customer_col: eval_ids}).merge(demographics, on=customer_col, how="left"))
    model = fit_dirichlet_preference(
        fit_lines, customers=listed, categories=evaluation.fit.categories, group_cols=group_cols, as_of=start,
        date_col=date_col, customer_col=customer_col, category_col=category_col, occasion_col=occasion_col,
        weight_col=weight_col, occasion_weight_col=occasion_weight_col, demographics=demographics)
    per = evaluation.per_customer
    hits = {m: (per[f"hit1_{m}"].to_numpy(), per[f"hit3_{m}"].to_numpy()) for m in COMPARED_METHODS
            if m != MODEL_METHOD}
    hits[MODEL_METHOD] = hit_rates(top_k_columns(model.scores.to_numpy(), 3), evaluation.actual)
    table = _methods_table(hits, _segment_masks(per["has_history"].to_numpy(), per["has_demographics"].to_numpy()))
    chosen = str(table.loc[table["chosen"], "method"].iloc[0])
    return MethodComparison(table=table, chosen=chosen, evaluation=evaluation, model=model)


def _methods_table(hits: dict[str, tuple[np.ndarray, np.ndarray]], masks: dict[str, np.ndarray]) -> pd.DataFrame:
    rows = []
    for method in COMPARED_METHODS:
        hit1, hit3 = hits[method]
        for segment, mask in masks.items():
            n_seg = int(mask.sum())
            rows.append({"method": method, "method_ko": METHOD_LABELS[method], "segment": segment,
                         "n_customers": n_seg,
                         "top1_hit_rate": round(float(hit1[mask].mean()), 4) if n_seg else np.nan,
                         "top3_hit_rate": round(float(hit3[mask].mean()), 4) if n_seg else np.nan})
    table = pd.DataFrame(rows)
    overall = table[table["segment"] == "all"].assign(order=range(len(COMPARED_METHODS)))
    best = overall.sort_values(["top3_hit_rate", "top1_hit_rate", "order"], ascending=[False, False, True],
                               kind="mergesort")["method"].iloc[0]
    table["chosen"] = table["method"] == best
    for col in ("method", "method_ko", "segment"):
        table[col] = table[col].astype("str")
    return table[METHODS_COLUMNS]


def method_scores(purchases: pd.DataFrame, method: str, *, customers: pd.DataFrame | None = None,
                  categories: Sequence[str] | None = None, top_n: int | None = None,
                  group_cols: Sequence[str] = DEFAULT_GROUP_COLS, customer_col: str = "CLNT_ID",
                  category_col: str = "CLAC1_NM", date_col: str = "SESS_DT",
                  occasion_col: str | None = "SESS_ID", weight_col: str | None = None,
                  occasion_weight_col: str | None = None, index: PreferenceResult | None = None,
                  comparison: MethodComparison | None = None) -> pd.DataFrame:
    """Scores of one compared method fitted on all of ``purchases`` (rows = customers, columns = categories).

    ``report``: the preference index (0–100); ``dirichlet_multinomial``: the model's posterior mean shares;
    ``popularity``: every customer gets the overall line shares; ``own_most_bought``: the customer's own line
    shares (0 everywhere without history; ranks then follow the popularity order of the columns).
    ``index``: the :func:`preference_index` of the same ``purchases`` and ``customers`` when already computed
    (it is not built twice). ``weight_col`` / ``occasion_weight_col``: see :func:`compare_methods`; with an
    aggregate without demographic columns, ``customers`` (a DataFrame) supplies them. ``comparison``: refit the
    model with the counting unit and half-life its validation chose (inside the fit period, before the holdout)
    instead of choosing again on the last ``validation_days`` of ``purchases`` (10 fits fewer).
    """
    if method not in COMPARED_METHODS:
        raise ValueError(f"method must be one of {list(COMPARED_METHODS)}, got {method!r}")
    frame = customers if isinstance(customers, pd.DataFrame) else None
    if index is None:
        index = preference_index(purchases, customers=customers, categories=categories, top_n=top_n,
                                 customer_col=customer_col, category_col=category_col, weight_col=weight_col,
                                 demographics=frame)
    if method == "report":
        return index.wide
    if method == MODEL_METHOD:
        return fit_dirichlet_preference(purchases, customers=customers, categories=index.categories,
                                        group_cols=group_cols, date_col=date_col, customer_col=customer_col,
                                        category_col=category_col, occasion_col=occasion_col, weight_col=weight_col,
                                        occasion_weight_col=occasion_weight_col, demographics=frame,
                                        **_chosen_hyper_parameters(comparison)).scores
    counts = index._purchase_counts
    if method == "popularity":
        shares = index.popularity.to_numpy() / index.popularity.sum()
        values = np.broadcast_to(shares, counts.shape).copy()
    else:
        values = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1e-300)
    return pd.DataFrame(values, index=index.wide.index, columns=index.wide.columns)


def _chosen_hyper_parameters(comparison: MethodComparison | None) -> dict[str, Any]:
    """``units`` / ``half_lives`` of :func:`fit_dirichlet_preference` fixed to what ``comparison`` chose."""
    if comparison is None:
        return {}
    params = comparison.model.params
    return {"units": [params["unit"]], "half_lives": [params["half_life_days"]]}


def last_month_start(end_date: Any) -> pd.Timestamp:
    """First day of the month of ``end_date``: the chapter's holdout is the window's last (calendar) month."""
    return parse_date(end_date, "end_date").to_period("M").to_timestamp()


def index_wide(result: PreferenceResult) -> pd.DataFrame:
    """The ``preference_index_wide`` product: ``customer_col`` then one column per category (str names)."""
    wide = _check_result(result).wide.reset_index()
    wide.columns = [str(c) for c in wide.columns]
    return wide


def model_top3(scores: pd.DataFrame, method: str, *, customer_col: str = "CLNT_ID") -> pd.DataFrame:
    """The ``preference_model_top3`` product: ``customer_col, rank1, rank1_score, rank2, rank2_score, rank3,
    rank3_score, method``; scores rounded to 4 decimals, ranks from the unrounded scores (ties: popularity)."""
    top3 = top3_frame(scores.to_numpy(), scores.index.to_numpy(), list(scores.columns), customer_col=customer_col)
    for r in (1, 2, 3):
        top3[f"rank{r}_score"] = top3[f"rank{r}_score"].round(4)
    top3["method"] = pd.array([method] * len(top3), dtype="str")
    return top3


def model_wide(scores: pd.DataFrame, *, customer_col: str = "CLNT_ID") -> pd.DataFrame:
    """The ``preference_model_wide`` product: ``customer_col`` then one float32 column per category (4 decimals)."""
    out = scores.round(4).astype(np.float32)
    out.columns = [str(c) for c in out.columns]
    out.index.name = customer_col
    return out.reset_index()
