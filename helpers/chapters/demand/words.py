"""Chapter 4 in words: ``describe_*`` computed Korean sentences and ``*_table`` analyst tables.

Tables keep machine column names (headers and display kinds come from ``helpers.common.labels``) and Korean
values (model names, horizons, sources); nothing here is hard-coded from a particular run.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.chapters.demand.compute import SPAN_KO, WEEKDAY_KO, SeasonalIndexResult
from helpers.chapters.demand.scoring import _widest_bucket
from helpers.common.formats import format_krw
from helpers.common.labels import DEMAND_MODEL_LABELS, DEMAND_SOURCE_LABELS, demand_bucket_label


def model_ko(model: str) -> str:
    """Korean name of a model id (the id itself when unknown)."""
    return DEMAND_MODEL_LABELS.get(model, model)


def _krw(x: float) -> str:
    """Money in a sentence: one decimal in 억 (1.5억원), whole 만 below (727만원)."""
    return format_krw(x, 1 if abs(x) >= 1e8 else 0)


def _ratios(metrics: pd.DataFrame) -> pd.DataFrame:
    """MASE of every model / MASE of seasonal naive, per series and bucket (wide: one column per model)."""
    p = metrics.pivot_table(index=["unique_id", "bucket"], columns="model", values="mase")
    return p.div(p["SeasonalNaive"], axis=0)


def _bucket_cols(metrics: pd.DataFrame) -> dict[str, str]:
    """Bucket code -> column suffix (``1d``, ``1_7d``, ``1_30d``; the widest bucket is always ``1_30d``)."""
    widest = _widest_bucket(metrics["bucket"])
    out = {"1d": "1d", "1-7d": "1_7d"}
    out[widest] = "1_30d"
    return {b: c for b, c in out.items() if b in set(metrics["bucket"])}


# ---- tables -------------------------------------------------------------------------------------------------
def holidays_table(holidays: pd.DataFrame) -> pd.DataFrame:
    """``external.korean_holidays`` output for analysts: ``date, holiday_name``."""
    return holidays.rename(columns={"name": "holiday_name"})


def skill_table(metrics: pd.DataFrame, chosen: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per model: median MASE over series per horizon bucket and the median of the per-series ratio to seasonal
    naive (< 1: better); ``n_chosen`` = series where it was chosen. Columns ``model, mase_1d, mase_1_7d,
    mase_1_30d, ratio_1d, ratio_1_7d, ratio_1_30d, n_chosen`` (model = Korean name)."""
    cols = _bucket_cols(metrics)
    med = metrics.pivot_table(index="model", columns="bucket", values="mase", aggfunc="median")
    rat = _ratios(metrics).groupby(level="bucket").median().T
    out = pd.DataFrame(index=med.index)
    for b, c in cols.items():
        out[f"mase_{c}"] = med[b].round(3)
    for b, c in cols.items():
        out[f"ratio_{c}"] = rat[b].round(3)
    picks = chosen["model"].value_counts() if chosen is not None else pd.Series(dtype=int)
    out["n_chosen"] = picks.reindex(out.index).fillna(0).astype(int)
    out = out.sort_values(f"mase_{cols[_widest_bucket(metrics['bucket'])]}")
    return out.rename(index=model_ko).rename_axis("model").reset_index()


def model_choice(metrics: pd.DataFrame, chosen: pd.DataFrame, *, id_col: str = "category") -> pd.DataFrame:
    """The ``demand_model_choice`` product: ``<id_col>, chosen_model, mase_1_7d, mase_1_30d, naive_mase_1_7d,
    naive_mase_1_30d, horizon_days`` (model ids; ``*_1_30d`` = the whole backtest horizon, ``horizon_days``)."""
    widest = _widest_bucket(metrics["bucket"])
    m = metrics.set_index(["unique_id", "model", "bucket"])["mase"]
    week = "1-7d" if "1-7d" in set(metrics["bucket"]) else widest
    rows = []
    for uid, model in zip(chosen["unique_id"], chosen["model"]):
        rows.append({id_col: uid, "chosen_model": model, "mase_1_7d": m[(uid, model, week)],
                     "mase_1_30d": m[(uid, model, widest)], "naive_mase_1_7d": m[(uid, "SeasonalNaive", week)],
                     "naive_mase_1_30d": m[(uid, "SeasonalNaive", widest)],
                     "horizon_days": int(widest.rstrip("d").split("-")[-1])})
    out = pd.DataFrame(rows)
    num = ["mase_1_7d", "mase_1_30d", "naive_mase_1_7d", "naive_mase_1_30d"]
    out[num] = out[num].astype(float).round(4)
    return out


def choice_table(choice: pd.DataFrame) -> pd.DataFrame:
    """``model_choice`` for analysts: Korean model names."""
    return choice.assign(chosen_model=choice["chosen_model"].map(model_ko)).drop(columns="horizon_days")


def coverage_table(coverage: pd.DataFrame, chosen: pd.DataFrame) -> pd.DataFrame:
    """Measured coverage of the chosen model's intervals per series: ``unique_id, chosen_model, coverage_<lv>``."""
    pick = dict(zip(chosen["unique_id"], chosen["model"]))
    c = coverage[coverage["model"] == coverage["unique_id"].map(pick)]
    out = c.pivot_table(index="unique_id", columns="level", values="coverage").round(3)
    out.columns = [f"coverage_{lv}" for lv in out.columns]
    out.insert(0, "chosen_model", [model_ko(pick[u]) for u in out.index])
    return out.reset_index()


def alert_table(alerts: pd.DataFrame) -> pd.DataFrame:
    """Dip-alert precision / recall over the backtest (``dip_alert_scores``), overall row first."""
    return pd.concat([alerts[alerts["unique_id"] == "전체"], alerts[alerts["unique_id"] != "전체"]],
                     ignore_index=True)


def dips_table(runs: pd.DataFrame, *, id_col: str = "category") -> pd.DataFrame:
    """Dip runs with Korean sources, newest origin first."""
    r = runs.assign(source_ko=runs["source"].map(DEMAND_SOURCE_LABELS))
    cols = [id_col, "source_ko", "cutoff", "start", "end", "n_days", "mean_drop_pct", "max_drop_pct"]
    return r.sort_values(["source", "start"], ascending=[False, True])[cols].reset_index(drop=True)


def ablation_table(ablation: pd.DataFrame) -> pd.DataFrame:
    """The report's loss table: rows = cumulative input sets, columns = series (validation MSE, standardised)."""
    t = ablation.pivot_table(index=["step", "inputs_ko"], columns="unique_id", values="val_loss").round(3)
    return t.reset_index(level=0, drop=True).reset_index()


def epochs_table(epochs: pd.DataFrame) -> pd.DataFrame:
    """Epoch chosen per series by early stopping (full inputs, hold-out models, seed 0)."""
    e = epochs[epochs["seed"] == 0] if "seed" in epochs.columns else epochs
    return e[["unique_id", "chosen_epoch", "stopped_epoch", "val_loss", "n_train", "n_val"]].round(
        {"val_loss": 3}).reset_index(drop=True)


def rmse_display(rmse: pd.DataFrame, *, model: str = "LSTM_oracle") -> pd.DataFrame:
    """The report's RMSE table (rows 1일/1주/1개월, one column per series, KRW)."""
    t = rmse[rmse["model"] == model].pivot(index="span", columns="unique_id", values="rmse")
    t = t.reindex(["1d", "1w", "1m"]).round(0)
    t.index = [SPAN_KO[s] for s in t.index]
    return t.rename_axis("span_ko").reset_index()


# ---- sentences ----------------------------------------------------------------------------------------------
def describe_seasonal(si: SeasonalIndexResult, category: str) -> str:
    t = si.table[si.table[si.id_col] == category]
    if t.empty:
        raise ValueError(f"no seasonal index for '{category}'")
    hi, lo = t.loc[t["seasonal_index"].idxmax()], t.loc[t["seasonal_index"].idxmin()]
    return (f"{category}의 계절지수는 {hi['weekday_ko']}요일이 {hi['seasonal_index']:.3f}로 가장 높고 "
            f"{lo['weekday_ko']}요일이 {lo['seasonal_index']:.3f}로 가장 낮아, 요일에 따라 매출이 평균보다 "
            f"최대 {100 * (hi['seasonal_index'] - 1):+.1f}%에서 {100 * (lo['seasonal_index'] - 1):+.1f}%까지 달라집니다.")


def describe_ablation(ablation: pd.DataFrame) -> str:
    first = ablation[ablation["step"] == 0].set_index("unique_id")["val_loss"]
    last_step = ablation["step"].max()
    last = ablation[ablation["step"] == last_step].set_index("unique_id")["val_loss"]
    best = ablation.loc[ablation.groupby("unique_id")["val_loss"].idxmin()]
    n_all = int((best["step"] == last_step).sum())
    change = float(np.median(1 - last / first.reindex(last.index)))
    return (f"매출액만 쓸 때보다 모든 입력을 쓸 때 검증 손실이 상품군 중앙값 기준 {abs(change):.0%} "
            f"{'줄었고' if change >= 0 else '늘었고'}, 전체 입력 조합이 가장 낮은 손실을 보인 상품군은 "
            f"{len(best)}개 중 {n_all}개입니다.")


def describe_epochs(epochs: pd.DataFrame, *, budget: int | None = None) -> str:
    e = epochs["chosen_epoch"]
    text = (f"검증 손실이 더 이상 줄지 않는 지점으로 고른 에폭 수는 상품군별 {e.min()}~{e.max()} "
            f"(중앙값 {int(e.median())})로, 보고서의 고정값 300 대신 데이터에서 정했습니다.")
    if budget:
        text += f" 백테스트의 LSTM은 이 중앙값({budget} 에폭)만큼만 학습합니다."
    return text


def describe_rmse(rmse: pd.DataFrame, category: str, *, model: str = "LSTM_oracle") -> str:
    r = rmse[(rmse["unique_id"] == category) & (rmse["model"] == model)].set_index("span")
    if r.empty:
        raise ValueError(f"no RMSE for '{category}' / {model}")
    return (f"{category}의 1일 예측 RMSE는 약 {_krw(r.loc['1d', 'rmse'])}으로 하루 평균 매출"
            f"(약 {_krw(r.loc['1d', 'mean_y'])})의 {r.loc['1d', 'rmse_pct']:.1f}%이며, 재귀 예측은 1주 "
            f"{_krw(r.loc['1w', 'rmse'])}, 1개월 {_krw(r.loc['1m', 'rmse'])}입니다.")


def describe_weather(rmse: pd.DataFrame, *, span: str = "1m", tolerance: float = 0.02) -> str:
    a = rmse[(rmse["model"] == "LSTM_oracle") & (rmse["span"] == span)].set_index("unique_id")["rmse"]
    b = rmse[(rmse["model"] == "LSTM") & (rmse["span"] == span)].set_index("unique_id")["rmse"]
    gain = float(np.median(1 - a / b.reindex(a.index)))  # > 0: actual weather looks better
    head = (f"실제 날씨를 넣은 {SPAN_KO[span]} 재귀 예측(보고서 방식)의 RMSE는 예측 시점에 알 수 있는 날씨(평년값)를 "
            f"쓸 때보다 상품군 중앙값 기준 ")
    if abs(gain) < tolerance:
        return head + f"{gain:+.0%}로 거의 같아, 실측 날씨 사용이 결과를 부풀리지 않았습니다."
    if gain > 0:
        return head + f"{gain:.0%} 낮아, 실측 날씨를 쓰면 실제로 쓸 수 있는 예측보다 성능이 그만큼 좋아 보입니다."
    return head + f"{-gain:.0%} 높아, 실측 날씨가 이 기간에는 도움이 되지 않았습니다."


def describe_skill(metrics: pd.DataFrame, chosen: pd.DataFrame) -> str:
    """How far the chosen forecast beats seasonal naive (median over series of the MASE ratio)."""
    r = _ratios(metrics)
    pick = dict(zip(chosen["unique_id"], chosen["model"]))
    cols = _bucket_cols(metrics)
    med = {b: float(np.median([r.loc[(u, b), m] for u, m in pick.items()])) for b in cols}
    lstm = r["LSTM"].xs(_widest_bucket(metrics["bucket"]), level="bucket") if "LSTM" in r.columns else None
    parts = [f"{demand_bucket_label(b)} {v:.2f}배" for b, v in med.items()]
    text = ("상품군별로 고른 예측의 MASE는 계절 나이브(지난주 같은 요일)의 " + ", ".join(parts)
            + "입니다(상품군 중앙값, 1보다 작을수록 정확).")
    if lstm is not None:
        text += (f" 보고서의 LSTM(예측 시점 날씨)은 전체 기간에서 {len(lstm)}개 중 {int((lstm < 1).sum())}개 "
                 "상품군에서 계절 나이브보다 나았습니다.")
    return text


def describe_choice(chosen: pd.DataFrame) -> str:
    counts = chosen["model"].value_counts()
    parts = [f"{model_ko(m)} {n}개" for m, n in counts.items()]
    return ("백테스트 MASE가 가장 낮은 모델을 상품군마다 고르면 " + ", ".join(parts)
            + " 상품군이며, 수요 하락 경보와 마지막 날 이후 예측은 이 모델로 만듭니다.")


def describe_coverage(coverage: pd.DataFrame, chosen: pd.DataFrame) -> str:
    t = coverage_table(coverage, chosen)
    parts = [f"{c.split('_')[1]}% 구간은 실제 {t[c].median():.0%}" for c in t.columns if c.startswith("coverage_")]
    return ("백테스트 잔차로 만든 예측구간을 다른 원점의 잔차로만 검증한 포함률(상품군 중앙값)은 " + ", ".join(parts)
            + "입니다.")


def describe_alerts(alerts: pd.DataFrame, threshold: float) -> str:
    a = alerts[alerts["unique_id"] == "전체"].iloc[0]
    if a["alerts"] == 0:
        return f"백테스트 기간에 평소보다 {threshold:.0%} 넘게 낮을 것이라는 경보는 한 번도 나오지 않았습니다."
    return (f"평소보다 {threshold:.0%} 넘게 낮다는 경보는 백테스트에서 {a['alerts']}일 나왔고 그중 {a['hits']}일"
            f"({a['precision']:.0%})이 실제로 낮았습니다. 실제 하락일 {a['dips']}일 중 미리 경보한 날은 "
            f"{a['recall']:.0%}로, 경보는 믿을 만하지만 우연한 하락까지 잡지는 못합니다.")


def describe_dips(runs: pd.DataFrame, *, id_col: str = "category", source: str = "future") -> str:
    r = runs[runs["source"] == source] if "source" in runs.columns else runs
    label = DEMAND_SOURCE_LABELS.get(source, source)
    if r.empty:
        return f"**{label}**: 평소보다 크게 낮은 수요 하락일은 없습니다."
    top = r.sort_values("max_drop_pct", ascending=False).iloc[0]
    span = (f"{top['start']:%Y-%m-%d}" if top["start"] == top["end"] else f"{top['start']:%Y-%m-%d}~{top['end']:%Y-%m-%d}")
    return (f"**{label}**: {len(r)}개 구간에서 수요 하락이 감지되었고, 가장 큰 것은 {top[id_col]}의 {span}"
            f"({top['n_days']}일, 평소보다 최대 {top['max_drop_pct']:.0%} 낮음)입니다.")


def describe_summary(chapter) -> list[str]:
    """Three sentences for the chapter summary: finding, meaning, action."""
    r = _ratios(chapter.metrics)
    pick = dict(zip(chapter.chosen["unique_id"], chapter.chosen["model"]))
    widest = _widest_bucket(chapter.metrics["bucket"])
    ratio = float(np.median([r.loc[(u, widest), m] for u, m in pick.items()]))
    top = chapter.chosen["model"].value_counts()
    future = chapter.dip_runs[chapter.dip_runs["source"] == "future"]
    a = chapter.alert_scores[chapter.alert_scores["unique_id"] == "전체"].iloc[0]
    finding = (f"상품군별로 백테스트가 고른 예측(주로 {model_ko(top.index[0])})은 {demand_bucket_label(widest)} 오차가 "
               f"계절 나이브의 {ratio:.2f}배입니다.")
    meaning = (f"수요 하락 경보는 과거 백테스트에서 {a['precision']:.0%}가 맞았으므로 캠페인 시점을 정하는 데 쓸 수 "
               "있습니다." if a["alerts"] else "과거 백테스트에서 하락 경보가 없어 경보의 정확도는 아직 알 수 없습니다.")
    if len(future):
        f = future.sort_values("max_drop_pct", ascending=False).iloc[0]
        action = (f"{f[chapter.id_col]}의 {f['start'].month}월 {f['start'].day}일 전후 수요 하락에 맞춰 6장의 대상 "
                  "고객에게 미리 쿠폰을 보내세요.")
    else:
        action = "예측 기간에 큰 하락이 없으니 평소 일정대로 캠페인을 운영하세요."
    return [finding, meaning, action]


__all__ = [n for n in dir() if n.startswith(("describe_", "model_")) or n.endswith("_table")] + [
    "rmse_display", "WEEKDAY_KO"]
