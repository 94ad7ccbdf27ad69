"""The report's LSTM for chapter 4, trained many at a time on 2 CPU cores.

* ``GroupedLSTM`` — a Keras 3 layer holding G *independent* ``LSTM(units) -> Dense(1)`` models that are
  evaluated side by side (input ``(batch, window, G, features)`` -> output ``(batch, G)``). The gate equations,
  gate order (i, f, c, o), activations and unit forget bias are those of ``keras.layers.LSTM``; a test checks
  the equivalence weight for weight. The loss is the *sum of the per-model mean squared errors*, so every
  model gets exactly the gradient it would get alone, and Adam's per-parameter updates keep them independent.
* ``LSTMBank`` — trains the models it is asked for (each identified by a ``ModelKey``: series, forecast origin,
  input set, seed) in one batch, once, with per-model early stopping on a time-ordered validation split and
  best-weight restore (or a fixed epoch budget); later requests for the same key reuse the trained model.
* ``recursive_forecast`` — the report's "full step" model: feeds its own predictions back as revenue.

Nothing here reads files or keeps global state. Progress goes to stderr (the console), never to the report.
"""
from __future__ import annotations

import os
import time
import zlib
from dataclasses import dataclass, field
from typing import Protocol, Sequence

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from keras import ops  # noqa: E402

from helpers.chapters.demand.models.base import SeriesArrays, progress  # noqa: E402

LOCAL_SCALINGS = ("none", "mean", "median")

# --------------------------------------------------------------------------------------------------------------
# Windows and recursion
# --------------------------------------------------------------------------------------------------------------
class WindowPredictor(Protocol):
    """Anything that maps raw-unit input windows ``(n, G, window, features)`` to raw revenue ``(n, G)``.

    Feature 0 of every window row is revenue; the others are the exogenous inputs (seasonal index first).
    """

    def predict(self, windows: np.ndarray) -> np.ndarray: ...


def raw_windows(features: np.ndarray, targets: np.ndarray, *, window: int, exog_lead: int) -> np.ndarray:
    """Input windows for the given target days.

    Row ``j`` of the window for target ``t`` is ``[revenue(t-window+j), exog(t-window+j+exog_lead)]`` — with
    ``exog_lead=1`` the last row carries the target day's calendar (holiday, seasonal index, weather), which is
    known in advance; ``exog_lead=0`` is the report's exact layout (only the previous 7 days).
    features (n, F) with revenue in column 0; returns (len(targets), window, F).
    """
    targets = np.asarray(targets, dtype=int)
    offs = np.arange(window)
    rev_idx = targets[:, None] - window + offs[None, :]
    out = np.empty((len(targets), window, features.shape[1]))
    out[:, :, 0] = features[rev_idx, 0]
    out[:, :, 1:] = features[rev_idx + exog_lead, 1:]
    return out


def recursive_forecast(
    predictor: WindowPredictor,
    revenue_history: np.ndarray,
    exog: np.ndarray,
    horizon: int,
    *,
    exog_lead: int = 1,
) -> np.ndarray:
    """Full-step (recursive) forecast: each prediction becomes the next window's latest revenue.

    Parameters
    ----------
    predictor
        Object with ``predict(windows)``; windows are ``(1, G, window, F)`` raw units, G series side by side.
    revenue_history
        ``(G, window)`` — observed revenue of the last ``window`` days up to and including the forecast origin.
    exog
        ``(G, window + horizon - 1 + exog_lead, F - 1)`` — exogenous inputs for the days starting at
        ``origin - window + 1`` (seasonal index, holiday, weather…), already in the form known at forecast time.
    horizon
        Days to forecast.

    Returns
    -------
    np.ndarray
        ``(G, horizon)`` forecasts for origin+1 … origin+horizon.
    """
    revenue_history = np.asarray(revenue_history, dtype=float)
    n_groups, window = revenue_history.shape
    need = window + horizon - 1 + exog_lead
    if exog.shape[0] != n_groups or exog.shape[1] < need:
        raise ValueError(f"exog must have shape ({n_groups}, >= {need}, k), got {exog.shape}")
    revenue = np.empty((n_groups, window + horizon))
    revenue[:, :window] = revenue_history
    for k in range(horizon):
        rows = np.concatenate(
            [revenue[:, k : k + window, None], exog[:, k + exog_lead : k + exog_lead + window]], axis=2
        )
        pred = np.asarray(predictor.predict(rows[None]), dtype=float).reshape(n_groups)
        revenue[:, window + k] = pred
    return revenue[:, window:]


# --------------------------------------------------------------------------------------------------------------
# Grouped LSTM
# --------------------------------------------------------------------------------------------------------------
@keras.saving.register_keras_serializable(package="lpoint")
class GroupedLSTM(keras.layers.Layer):
    """G independent ``LSTM(units) -> Dense(1)`` models side by side.

    Input ``(batch, window, G, F)``, output ``(batch, G)``. Weights: ``kernel (G, F, 4U)``,
    ``recurrent_kernel (G, U, 4U)``, ``bias (G, 4U)``, ``head_kernel (G, U)``, ``head_bias (G,)`` — slice ``g``
    of each is exactly ``keras.layers.LSTM`` (kernel, recurrent_kernel, bias) and ``Dense(1)`` (kernel[:, 0], bias).
    """

    def __init__(self, groups: int, units: int, **kwargs):
        super().__init__(**kwargs)
        self.groups = int(groups)
        self.units = int(units)

    def build(self, input_shape):
        _, _, groups, n_features = input_shape
        if groups != self.groups:
            raise ValueError(f"GroupedLSTM built for {self.groups} groups, input has {groups}")
        u = self.units
        self.kernel = self.add_weight(shape=(groups, n_features, 4 * u), initializer="zeros", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(groups, u, 4 * u), initializer="zeros", name="recurrent")
        self.bias = self.add_weight(shape=(groups, 4 * u), initializer="zeros", name="bias")
        self.head_kernel = self.add_weight(shape=(groups, u), initializer="zeros", name="head_kernel")
        self.head_bias = self.add_weight(shape=(groups,), initializer="zeros", name="head_bias")

    def call(self, inputs):
        u = self.units
        x = ops.transpose(inputs, (2, 1, 0, 3))  # (G, window, batch, F): group-major batched matmuls
        x_proj = ops.matmul(x, self.kernel[:, None])  # (G, window, batch, 4U)
        bias = self.bias[:, None, :]
        h = c = None
        for t in range(x.shape[1]):
            z = x_proj[:, t] + bias
            if h is not None:
                z = z + ops.matmul(h, self.recurrent_kernel)
            i = ops.sigmoid(z[..., :u])
            f = ops.sigmoid(z[..., u : 2 * u])
            g = ops.tanh(z[..., 2 * u : 3 * u])
            o = ops.sigmoid(z[..., 3 * u :])
            c = i * g if c is None else f * c + i * g
            h = o * ops.tanh(c)
        out = ops.sum(h * self.head_kernel[:, None, :], axis=-1) + self.head_bias[:, None]  # (G, batch)
        return ops.transpose(out)

    def get_config(self):
        return {**super().get_config(), "groups": self.groups, "units": self.units}


def init_group_weights(rng: np.random.Generator, n_features: int, units: int) -> list[np.ndarray]:
    """Keras-default initial weights of one LSTM(units)+Dense(1) model (glorot-uniform kernels, orthogonal
    recurrent kernel, unit forget bias), drawn from ``rng`` so a model's start does not depend on what else is
    trained beside it."""
    u = units
    lim = np.sqrt(6.0 / (n_features + 4 * u))
    kernel = rng.uniform(-lim, lim, size=(n_features, 4 * u))
    a = rng.normal(size=(4 * u, u))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))
    recurrent = q.T
    bias = np.zeros(4 * u)
    bias[u : 2 * u] = 1.0
    lim_head = np.sqrt(6.0 / (u + 1))
    head = rng.uniform(-lim_head, lim_head, size=u)
    return [kernel, recurrent, bias, head, np.zeros(())]


def _window_level(windows: np.ndarray, how: str) -> np.ndarray:
    """Level of each input window's revenue (feature 0): mean or median over the window rows."""
    return np.median(windows[..., 0], axis=-1) if how == "median" else windows[..., 0].mean(axis=-1)


def _weights(model) -> list[np.ndarray]:
    """``model.get_weights()`` without Keras's numpy-2 copy-keyword deprecation warning."""
    return [np.asarray(v.value) for v in model.weights]


def _masked_group_mse(y_true, y_pred):
    """Sum over models of each model's MSE over its own (non-NaN) targets."""
    mask = ops.logical_not(ops.isnan(y_true))
    err = ops.where(mask, y_pred - ops.where(mask, y_true, 0.0), 0.0)
    count = ops.maximum(ops.sum(ops.cast(mask, "float32"), axis=0), 1.0)
    return ops.sum(ops.sum(err * err, axis=0) / count)


# --------------------------------------------------------------------------------------------------------------
# Trainer / bank of models
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LSTMConfig:
    """LSTM settings. ``max_epochs``/``patience`` bound the search; the epoch actually used is chosen per model
    where its validation loss was lowest (time-ordered split: the last ``val_frac`` of its training samples).

    ``local_scaling``: revenue inputs and target are divided by the mean (or median) revenue of the input
    window before the (training-window) standardisation, so the model learns day-to-day ratios (weekday,
    holiday, weather) and follows level changes it never saw in training; the prediction is multiplied back.
    ``"none"`` = the report's plain global scaling. On the 10-category synthetic backtest, ``"mean"`` cut the
    1–7 day MASE from 0.86 (``"none"``) to 0.62 (seasonal naive 0.76); ``exog_lead=0`` gave 0.73 and
    ``"median"`` 0.65.

    ``patience`` 10 (was 20): the chosen epochs were 13–16 (median) on the sample, so 20 more epochs after the
    best one doubled the report stage's training time without changing the choice by more than seed noise.

    ``refit``: after choosing the epoch, retrain from the same start on train + validation samples for that
    many epochs (a second pass; it made the backtest worse there: 1–7 day MASE 0.75). ``n_seeds``: train that
    many models per key with different starts and average them (2 vs 1: median skill vs seasonal naive
    +0.07 vs −0.03 at 1–30 days, +0.29 vs +0.25 at 1–7 days; +17 s on the sample chapter). Default 1: the
    LSTM is not chosen for any category once SARIMAX and the global LightGBM compete, so a second seed does
    not earn its time (chapter budget 60 s). ``units`` 24/32
    did not help beyond seed noise.
    """

    window: int = 7
    units: int = 16
    learning_rate: float = 0.01
    max_epochs: int = 200
    min_epochs: int = 20
    patience: int = 10
    val_frac: float = 0.2
    exog_lead: int = 1
    seed: int = 42
    n_seeds: int = 1
    curve_every: int = 5
    refit: bool = False
    local_scaling: str = "mean"

    def __post_init__(self):
        if self.window < 2 or self.units < 1 or self.max_epochs < 1 or self.patience < 1:
            raise ValueError(f"invalid LSTMConfig: {self}")
        if not 0.0 < self.val_frac < 0.5:
            raise ValueError(f"LSTMConfig.val_frac must be in (0, 0.5), got {self.val_frac}")
        if self.exog_lead not in (0, 1):
            raise ValueError(f"LSTMConfig.exog_lead must be 0 or 1, got {self.exog_lead}")
        if self.local_scaling not in LOCAL_SCALINGS:
            raise ValueError(f"LSTMConfig.local_scaling must be one of {LOCAL_SCALINGS}, got {self.local_scaling!r}")
        if self.n_seeds < 1:
            raise ValueError(f"LSTMConfig.n_seeds must be >= 1, got {self.n_seeds}")

    @classmethod
    def fast(cls, **overrides) -> "LSTMConfig":
        """Few epochs, tiny model — for tests and smoke runs."""
        base = dict(units=8, learning_rate=0.02, max_epochs=40, min_epochs=5, patience=8, curve_every=5, n_seeds=1)
        base.update(overrides)
        return cls(**base)


@dataclass(frozen=True)
class ModelKey:
    """One LSTM: series ``uid`` trained on days up to ``cutoff`` with the features ``inputs`` and seed index."""

    uid: str
    cutoff: pd.Timestamp
    inputs: tuple[str, ...]
    seed: int = 0


@dataclass
class _Fit:
    model: keras.Model
    keys: list[ModelKey]
    mu: np.ndarray  # (G, F)
    sd: np.ndarray  # (G, F)
    active: np.ndarray  # (G, F) bool: feature used by this model
    local: str  # "none" | "mean" | "median": revenue divided by that level of the input window
    n_train: np.ndarray
    n_val: np.ndarray
    best_epoch: np.ndarray
    best_val: np.ndarray
    best_val_rmse: np.ndarray  # validation RMSE in target units at the chosen epoch
    seconds: float
    stopped_epoch: np.ndarray  # (G,) epoch at which each model stopped (patience reached or max_epochs)
    val_history: np.ndarray  # (epochs, G)
    train_history: np.ndarray  # (len(train_epochs), G)
    train_epochs: np.ndarray
    n_full: int
    n_small: int
    notes: list[str] = field(default_factory=list)


class LSTMBank:
    """Trains and keeps one LSTM per ``ModelKey``; every key is trained once.

    ``ensure(series, keys)`` trains all keys not yet trained in one batched Keras model (``GroupedLSTM``) with
    per-model early stopping; ``predictor(keys)`` returns a ``WindowPredictor`` over raw-unit windows.
    """

    def __init__(self, config: LSTMConfig | None = None, *, verbose: bool = True):
        self.config = config or LSTMConfig()
        self.verbose = verbose
        self._fits: list[_Fit] = []
        self._where: dict[ModelKey, tuple[int, int]] = {}

    def __contains__(self, key: ModelKey) -> bool:
        return key in self._where

    # ---- training -----------------------------------------------------------------------------------------
    def ensure(self, series: dict[str, SeriesArrays], keys: Sequence[ModelKey]) -> None:
        """Train every key not trained yet, all in one batch (progress per category on stderr)."""
        todo = list(dict.fromkeys(k for k in keys if k not in self._where))
        if not todo:
            return
        uids = list(dict.fromkeys(k.uid for k in todo))
        todo = [k for uid in uids for k in todo if k.uid == uid]  # model g of the batch = todo[g]
        feat_cache: dict[tuple[str, pd.Timestamp], np.ndarray] = {}
        prepared = []
        for ui, uid in enumerate(uids, 1):
            progress(f"category {ui}/{len(uids)}: {uid} (LSTM)", verbose=self.verbose)
            prepared += [self._prepare_one(series[uid], k, feat_cache) for k in todo if k.uid == uid]
        fit = self._train(todo, prepared)
        fit.notes.extend(p["note"] for p in prepared if p["note"])
        idx = len(self._fits)
        self._fits.append(fit)
        for g, key in enumerate(todo):
            self._where[key] = (idx, g)

    def _prepare_one(self, s: SeriesArrays, key: ModelKey, feat_cache: dict) -> dict:
        """Scaled input windows and targets of one model (days up to its cutoff; the last ``val_frac`` of the
        samples for validation), standardised on its training windows only."""
        cfg, names = self.config, s.feature_names()
        w = cfg.window
        if "revenue" not in key.inputs or set(key.inputs) - set(names):
            raise ValueError(f"model inputs {key.inputs} must include 'revenue' and only {names}")
        c = s.position(key.cutoff)
        if (s.uid, key.cutoff) not in feat_cache:
            feat_cache[(s.uid, key.cutoff)] = s.features(c)[0]
        feats = feat_cache[(s.uid, key.cutoff)]
        n = c - w + 1  # targets w..c
        n_val = max(1, int(round(cfg.val_frac * n)))
        if n - n_val < 2 * w:
            raise ValueError(f"series '{s.uid}': only {c + 1} days up to {key.cutoff.date()} — too few to train the "
                             f"LSTM (need at least {3 * w + n_val} days); move the cutoff later or shorten the window")
        n_train = n - n_val
        win = raw_windows(feats, np.arange(w, c + 1), window=w, exog_lead=cfg.exog_lead)
        target = feats[w : c + 1, 0].copy()
        level = np.ones(n)
        if cfg.local_scaling != "none":
            floor = 1e-6 * max(float(np.abs(feats[: w + n_train, 0]).mean()), 1.0)
            level = np.maximum(_window_level(win, cfg.local_scaling), floor)
            win[:, :, 0] /= level[:, None]
            target /= level
        flat_train = win[:n_train].reshape(-1, win.shape[2])  # never a validation or later day
        mu, sd = flat_train.mean(axis=0), flat_train.std(axis=0)
        active = np.array([nm in key.inputs for nm in names])
        flat = active & (sd < 1e-12)
        note = (f"{s.uid} @ {key.cutoff.date()}: input(s) {[names[i] for i in np.flatnonzero(flat)]} constant "
                "in the training window — not used") if flat.any() else None
        active &= ~flat
        sd = np.where(sd < 1e-12, 1.0, sd)
        return dict(x=np.where(active, (win - mu) / sd, 0.0), y=(target - mu[0]) / sd[0], mu=mu, sd=sd,
                    active=active, n_train=n_train, n_val=n_val, level=level, raw_y=feats[w : c + 1, 0], note=note)

    def _pack(self, prepared: list[dict]) -> dict:
        """Side-by-side training / validation arrays of a batch (NaN targets where a model has fewer samples)."""
        n_groups, w, n_feat = len(prepared), self.config.window, prepared[0]["x"].shape[2]
        n_full = max(len(p["y"]) for p in prepared)
        n_small = max(p["n_val"] for p in prepared)
        a = dict(x_all=np.zeros((n_full, w, n_groups, n_feat), dtype="float32"),
                 y_tr=np.full((n_full, n_groups), np.nan, dtype="float32"),
                 y_all=np.full((n_full, n_groups), np.nan, dtype="float32"),
                 x_val=np.zeros((n_small, w, n_groups, n_feat), dtype="float32"),
                 y_val=np.full((n_small, n_groups), np.nan, dtype="float32"),
                 lvl_val=np.ones((n_small, n_groups)), raw_val=np.full((n_small, n_groups), np.nan),
                 n_full=n_full, n_small=n_small, n_feat=n_feat)
        for g, p in enumerate(prepared):
            x, y, nt, nv = p["x"], p["y"], p["n_train"], p["n_val"]
            a["lvl_val"][:nv, g] = p["level"][nt:]
            a["raw_val"][:nv, g] = p["raw_y"][nt:]
            a["x_all"][: len(y), :, g] = x
            a["y_tr"][:nt, g] = y[:nt]
            a["y_all"][: len(y), g] = y
            a["x_val"][:nv, :, g] = x[nt:]
            a["y_val"][:nv, g] = y[nt:]
        return a

    def _compile(self, keys: list[ModelKey], n_feat: int):
        """The batched Keras model with each member's own Keras-default start (independent of its neighbours)."""
        cfg = self.config
        keras.utils.set_random_seed(cfg.seed)
        inp = keras.Input((cfg.window, len(keys), n_feat))
        model = keras.Model(inp, GroupedLSTM(len(keys), cfg.units)(inp))
        init = [init_group_weights(self._rng(k), n_feat, cfg.units) for k in keys]
        init_weights = [np.stack([gw[i] for gw in init]).astype("float32") for i in range(5)]
        model.set_weights(init_weights)
        model.compile(optimizer=keras.optimizers.Adam(cfg.learning_rate), loss=_masked_group_mse, jit_compile=True)
        return model, init_weights

    def _train(self, keys, prepared) -> _Fit:
        cfg = self.config
        t_start = time.perf_counter()
        a = self._pack(prepared)
        mu, sd = np.array([p["mu"] for p in prepared]), np.array([p["sd"] for p in prepared])
        model, init_weights = self._compile(keys, a["n_feat"])
        progress(f"LSTM: training {len(keys)} models ({len({k.uid for k in keys})} categories) in one batch, "
                 f"up to {cfg.max_epochs} epochs", verbose=self.verbose)
        r = self._epochs(model, a, mu, sd, [wt.copy() for wt in init_weights])
        best_w = self._refit(model, init_weights, a["x_all"], a["y_all"], r["best_epoch"]) if cfg.refit else r["best_w"]
        model.set_weights(best_w)
        seconds = time.perf_counter() - t_start
        progress(f"LSTM: stopped after {r['stopped']} epochs ({seconds:.1f}s, "
                 f"{1000 * seconds / r['stopped']:.0f} ms/epoch); chosen epochs {r['best_epoch'].min()}–"
                 f"{r['best_epoch'].max()} (median {int(np.median(r['best_epoch']))})", verbose=self.verbose)
        return _Fit(model=model, keys=list(keys), mu=mu, sd=sd, active=np.array([p["active"] for p in prepared]),
                    local=cfg.local_scaling, n_train=np.array([p["n_train"] for p in prepared]),
                    n_val=np.array([p["n_val"] for p in prepared]), best_epoch=r["best_epoch"],
                    best_val=r["best_val"], best_val_rmse=r["best_rmse"], seconds=seconds,
                    stopped_epoch=r["stop_epoch"], val_history=np.array(r["val_hist"]),
                    train_history=np.array(r["train_hist"]), train_epochs=np.array(r["train_epochs"]),
                    n_full=a["n_full"], n_small=a["n_small"])

    def _epochs(self, model, a: dict, mu: np.ndarray, sd: np.ndarray, best_w: list) -> dict:
        """The epoch loop with per-model early stopping: a model's stop is its own — once it has stopped, later
        epochs of the batch (run for the others) no longer change its chosen epoch or weights."""
        cfg = self.config
        n_groups = a["y_tr"].shape[1]
        r = dict(best_val=np.full(n_groups, np.inf), best_rmse=np.full(n_groups, np.nan),
                 best_epoch=np.zeros(n_groups, dtype=int), stop_epoch=np.zeros(n_groups, dtype=int), best_w=best_w,
                 val_hist=[], train_hist=[], train_epochs=[])
        has_val, has_tr = ~np.isnan(a["y_val"]), ~np.isnan(a["y_tr"])
        epoch = 0
        for epoch in range(1, cfg.max_epochs + 1):
            model.train_on_batch(a["x_all"], a["y_tr"])
            pv = np.asarray(model.predict_on_batch(a["x_val"]))
            vloss = np.where(has_val, (pv - np.nan_to_num(a["y_val"])) ** 2, 0).sum(0) / has_val.sum(0)
            r["val_hist"].append(vloss)
            if epoch % cfg.curve_every == 0 or epoch == 1:
                pt = np.asarray(model.predict_on_batch(a["x_all"]))
                r["train_hist"].append(np.where(has_tr, (pt - np.nan_to_num(a["y_tr"])) ** 2, 0).sum(0) / has_tr.sum(0))
                r["train_epochs"].append(epoch)
            improved = (vloss < r["best_val"]) & (r["stop_epoch"] == 0)
            if improved.any():
                for b, cw in zip(r["best_w"], _weights(model)):
                    b[improved] = cw[improved]
                r["best_val"][improved], r["best_epoch"][improved] = vloss[improved], epoch
                raw_pred = (pv * sd[:, 0] + mu[:, 0]) * a["lvl_val"]
                r["best_rmse"][improved] = np.sqrt(np.nanmean((raw_pred - a["raw_val"]) ** 2, axis=0))[improved]
            if epoch >= cfg.min_epochs:
                r["stop_epoch"][(r["stop_epoch"] == 0) & (epoch - r["best_epoch"] >= cfg.patience)] = epoch
            if epoch % 50 == 0:
                progress(f"  epoch {epoch}: {(r['stop_epoch'] == 0).sum()}/{n_groups} models still improving",
                         verbose=self.verbose)
            if np.all(r["stop_epoch"] > 0):
                break
        r["stopped"] = epoch
        r["stop_epoch"][r["stop_epoch"] == 0] = epoch
        return r

    def _refit(self, model, init_weights, x_all, y_all, epochs) -> list[np.ndarray]:
        """Retrain from the same start on train + validation samples, keeping each model at its chosen epoch."""
        model.set_weights(init_weights)
        for v in model.optimizer.variables:
            v.assign(np.zeros(v.shape, dtype=v.dtype))
        snap = [wt.copy() for wt in init_weights]
        for epoch in range(1, int(epochs.max()) + 1):
            model.train_on_batch(x_all, y_all)
            hit = epochs == epoch
            if hit.any():
                for b, cw in zip(snap, _weights(model)):
                    b[hit] = cw[hit]
        return snap

    def _rng(self, key: ModelKey) -> np.random.Generator:
        parts = [self.config.seed, zlib.crc32(key.uid.encode()), int(key.cutoff.toordinal()),
                 zlib.crc32("|".join(key.inputs).encode()), key.seed]
        return np.random.default_rng(parts)

    # ---- prediction --------------------------------------------------------------------------------------
    def predictor(self, keys: Sequence[ModelKey]) -> "BankPredictor":
        missing = [k for k in keys if k not in self._where]
        if missing:
            raise KeyError(f"{len(missing)} model(s) not trained yet, e.g. {missing[0]}; call ensure() first")
        return BankPredictor(self, list(keys))

    def _predict_scaled(self, fit: _Fit, x: np.ndarray) -> np.ndarray:
        """x (n, window, G, F) scaled -> (n, G) scaled; batches padded to two fixed sizes (no re-jit)."""
        n = x.shape[0]
        outs = []
        for start in range(0, n, fit.n_full):
            chunk = x[start : start + fit.n_full]
            size = fit.n_small if len(chunk) <= fit.n_small else fit.n_full
            pad = np.zeros((size, *chunk.shape[1:]), dtype="float32")
            pad[: len(chunk)] = chunk
            outs.append(np.asarray(fit.model.predict_on_batch(pad))[: len(chunk)])
        return np.concatenate(outs, axis=0)

    # ---- reporting ---------------------------------------------------------------------------------------
    def summary(self) -> pd.DataFrame:
        """One row per trained model: ``unique_id, cutoff, inputs, seed, chosen_epoch, stopped_epoch,
        val_loss, val_rmse, n_train, n_val, batch_seconds`` (val_loss = MSE of the standardised target,
        val_rmse in target units, batch_seconds = training time of the batch the model was trained in)."""
        rows = []
        for fit in self._fits:
            for g, k in enumerate(fit.keys):
                rows.append({"unique_id": k.uid, "cutoff": k.cutoff, "inputs": "+".join(k.inputs), "seed": k.seed,
                             "chosen_epoch": int(fit.best_epoch[g]), "stopped_epoch": int(fit.stopped_epoch[g]),
                             "val_loss": float(fit.best_val[g]), "val_rmse": float(fit.best_val_rmse[g]),
                             "n_train": int(fit.n_train[g]), "n_val": int(fit.n_val[g]),
                             "batch_seconds": round(fit.seconds, 2)})
        return pd.DataFrame(rows, columns=["unique_id", "cutoff", "inputs", "seed", "chosen_epoch", "stopped_epoch",
                                           "val_loss", "val_rmse", "n_train", "n_val", "batch_seconds"])

    def history(self, keys: Sequence[ModelKey] | None = None) -> pd.DataFrame:
        """Learning curves, long: ``unique_id, cutoff, inputs, seed, epoch, split ('train'|'val'), loss``."""
        frames = []
        wanted = None if keys is None else set(keys)
        for fit in self._fits:
            for g, k in enumerate(fit.keys):
                if wanted is not None and k not in wanted:
                    continue
                base = {"unique_id": k.uid, "cutoff": k.cutoff, "inputs": "+".join(k.inputs), "seed": k.seed}
                nv = len(fit.val_history)
                frames.append(pd.DataFrame({**base, "epoch": np.arange(1, nv + 1), "split": "val",
                                            "loss": fit.val_history[:, g]}))
                frames.append(pd.DataFrame({**base, "epoch": fit.train_epochs, "split": "train",
                                            "loss": fit.train_history[:, g]}))
        cols = ["unique_id", "cutoff", "inputs", "seed", "epoch", "split", "loss"]
        return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)

    def target_scale(self, key: ModelKey) -> float:
        """Standard deviation used to standardise the target of a trained model (loss -> target units)."""
        fi, g = self._where[key]
        return float(self._fits[fi].sd[g, 0])

    def notes(self) -> list[str]:
        return [n for fit in self._fits for n in fit.notes]


class BankPredictor:
    """``WindowPredictor`` over a fixed list of trained models (axis G of the windows = that list)."""

    def __init__(self, bank: LSTMBank, keys: list[ModelKey]):
        self.bank = bank
        self.keys = keys
        self.calls = 0

    def predict(self, windows: np.ndarray) -> np.ndarray:
        windows = np.asarray(windows, dtype=float)
        n, n_groups = windows.shape[:2]
        if n_groups != len(self.keys):
            raise ValueError(f"windows have {n_groups} series, predictor has {len(self.keys)}")
        self.calls += 1
        out = np.empty((n, n_groups))
        by_fit: dict[int, list[tuple[int, int]]] = {}
        for j, key in enumerate(self.keys):
            fi, g = self.bank._where[key]
            by_fit.setdefault(fi, []).append((j, g))
        for fi, pairs in by_fit.items():
            fit = self.bank._fits[fi]
            x = np.zeros((n, windows.shape[2], len(fit.keys), windows.shape[3]), dtype="float32")
            level = np.ones((n, n_groups))
            for j, g in pairs:
                win = windows[:, j].copy()
                if fit.local != "none":
                    level[:, j] = np.maximum(_window_level(win, fit.local), 1e-12)
                    win[:, :, 0] /= level[:, j, None]
                x[:, :, g] = np.where(fit.active[g], (win - fit.mu[g]) / fit.sd[g], 0.0)
            pred = self.bank._predict_scaled(fit, x)
            for j, g in pairs:
                out[:, j] = (pred[:, g] * fit.sd[g, 0] + fit.mu[g, 0]) * level[:, j]
        return out
