"""Chapter 5 words: ``describe_*`` computed Korean sentences and ``*_table`` analyst tables (Korean values)."""
from __future__ import annotations

import pandas as pd

from helpers.chapters.preference.compute import (
    EvaluationResult,
    MethodComparison,
    PreferenceResult,
    _check_frame,
    _check_result,
    index_distribution,
    top1_share_by_segment,
)
from helpers.common.formats import format_count, format_pct
from helpers.common.korean import has_final_consonant
from helpers.common.labels import (
    COLUMN_LABELS,
    GENDER_LABELS,
    PREFERENCE_METHOD_LABELS,
    PREFERENCE_SEGMENT_LABELS,
    PREFERENCE_UNIT_LABELS,
    age_label,
)

__all__ = [
    "describe_evaluation",
    "describe_methods",
    "describe_missing",
    "describe_model",
    "describe_products",
    "describe_segments",
    "describe_summary",
    "describe_top1",
    "describe_worked_example",
    "example_customers_table",
    "hit_rates_table",
    "segment_hit_rates_table",
    "methods_table",
    "model_params_table",
    "validation_table",
]


def describe_top1(result: PreferenceResult) -> str:
    """E.g. "선호지수 1순위 상품군은 여성의류인 고객이 31.2%로 가장 많고, 화장품/뷰티케어(14.0%)가 뒤를 잇습니다."."""
    dist = index_distribution(_check_result(result)).sort_values("n_top1", ascending=False, kind="mergesort")
    first, second = dist.iloc[0], dist.iloc[1] if len(dist) > 1 else None
    cat = str(first[result.category_col])
    text = f"선호지수 1순위 상품군은 {cat}인 고객이 {format_pct(first['top1_share'])}로 가장 많"
    if second is None:
        return text + "습니다."
    name2 = str(second[result.category_col])
    return text + f"고, {name2}({format_pct(second['top1_share'])})" + ("이" if has_final_consonant(name2) else "가") \
        + " 뒤를 잇습니다."


def describe_segments(result: PreferenceResult | pd.DataFrame, *, category_col: str | None = None) -> str:
    """Rank-1 favourite of the two largest known age × gender segments, e.g.
    "가장 큰 두 고객층 중 30대 여성(1,234명)은 여성의류(41%), 40대 여성(987명)은 화장품/뷰티케어(35%)를 1순위로 가장 많이 꼽습니다."."""
    if isinstance(result, PreferenceResult):
        category_col = result.category_col
        table = top1_share_by_segment(result)
    else:
        table = result
        category_col = category_col or "CLAC1_NM"
        _check_frame(table, "table", {"category_col": category_col})
    known = table[table["age_band"].notna() & table["gender"].notna() & (table["n_segment"] > 0)]
    if known.empty:
        return "연령·성별 정보가 있는 고객이 없어 고객층별 1순위 상품군을 비교할 수 없습니다."
    best = (known.sort_values(["n_segment", "segment", "n_top1"], ascending=[False, True, False], kind="mergesort")
            .drop_duplicates("segment"))
    parts = []
    rows = [row for _, row in best.head(2).iterrows()]
    for pos, row in enumerate(rows):
        category = str(row[category_col])
        share = format_pct(row['share'], 0)
        if pos == len(rows) - 1:  # the last object takes 을/를
            parts.append(f"{row['segment']}({int(row['n_segment']):,}명)은 {category}({share})"
                         + ("을" if has_final_consonant(category) else "를"))
        else:
            parts.append(f"{row['segment']}({int(row['n_segment']):,}명)은 {category}({share})")
    head = "가장 큰 두 고객층 중 " if len(parts) == 2 else "가장 큰 고객층인 "
    return head + ", ".join(parts) + " 1순위로 가장 많이 꼽습니다."


def describe_missing(result: PreferenceResult) -> str:
    """How many customers were scored without demographics or without purchases."""
    c = _check_result(result).counts
    total = max(c.n_customers, 1)
    partial = c.n_missing_age_only + c.n_missing_gender_only
    clauses = []
    if c.n_without_demographics:
        clauses.append(f"연령·성별 정보가 모두 없는 {c.n_without_demographics:,}명"
                       f"({format_pct(c.n_without_demographics / total)})은 가능도 없이 구매 기록(사전확률)만으로")
    if partial:
        clauses.append(f"한쪽만 없는 {partial:,}명은 있는 정보만으로")
    if c.n_without_purchases:
        clauses.append(f"기간 내 주요 상품군 구매가 없는 {c.n_without_purchases:,}명은 균등한 사전확률(+1 보정)로")
    if not clauses:
        return f"고객 {c.n_customers:,}명 모두 구매 기록과 연령·성별 정보가 있어 사전확률과 가능도를 모두 반영했습니다."
    return f"고객 {c.n_customers:,}명 중 " + ", ".join(clauses) + " 선호지수를 계산했습니다."


def describe_evaluation(evaluation: EvaluationResult) -> str:
    """Top-1 hit rate of the report's index against both baselines, honestly signed."""
    if not isinstance(evaluation, EvaluationResult):
        raise TypeError(f"expected an EvaluationResult, got {type(evaluation).__name__}")
    rates = evaluation.hit_rates.set_index("method")
    ours1, ours3 = rates.loc["report", "top1_hit_rate"], rates.loc["report", "top3_hit_rate"]
    parts = []
    for base, name in (("popularity", "전체 인기 상품군"), ("own_most_bought", "본인 최다 구매 상품군")):
        base1 = rates.loc[base, "top1_hit_rate"]
        parts.append(f"{name} 기준({format_pct(base1)}) 대비 {100 * (ours1 - base1):+.1f}%p")
    return (f"평가 기간에 구매한 고객 {evaluation.n_customers:,}명 기준 선호지수(보고서 방식)의 1순위 적중률은 "
            f"{format_pct(ours1)}(3순위 내 {format_pct(ours3)})로, " + ", ".join(parts) + "입니다.")


def describe_worked_example(example: pd.DataFrame) -> str:
    """The report's worked example in one sentence (output of ``compute.worked_example``)."""
    _check_frame(example, "example", {"category": "category", "index_report": "index_report",
                                      "index_exact": "index_exact"})
    row = example.set_index("category")
    first, second = row.index[0], row.index[1]
    return (f"보고서 방식(반올림한 ln 값)으로 {first} {row.loc[first, 'index_report']:.2f}, "
            f"{second} {row.loc[second, 'index_report']:.0f} — 보고서의 71.53 / 100과 같습니다 "
            f"(반올림 없이 계산하면 {row.loc[first, 'index_exact']:.2f}).")


def _check_comparison(comparison) -> MethodComparison:
    if not isinstance(comparison, MethodComparison):
        raise TypeError(f"expected a MethodComparison from compare_methods(), got {type(comparison).__name__}")
    return comparison


def methods_table(comparison: MethodComparison) -> pd.DataFrame:
    """Analyst table: ``method_ko, segment_ko, n_customers, top1_hit_rate, top3_hit_rate, top1_gain, top3_gain``
    (gains in %p over own most-bought in the same segment), ``chosen_ko`` ("선택" on the chosen method)."""
    table = _check_comparison(comparison).table
    own = table[table["method"] == "own_most_bought"].set_index("segment")
    out = pd.DataFrame({
        "method_ko": table["method_ko"],
        "segment_ko": table["segment"].map(PREFERENCE_SEGMENT_LABELS).astype("str"),
        "n_customers": table["n_customers"],
        "top1_hit_rate": table["top1_hit_rate"],
        "top3_hit_rate": table["top3_hit_rate"],
        "top1_gain": 100 * (table["top1_hit_rate"] - table["segment"].map(own["top1_hit_rate"])),
        "top3_gain": 100 * (table["top3_hit_rate"] - table["segment"].map(own["top3_hit_rate"])),
        "chosen_ko": table["chosen"].map({True: "선택", False: ""}).astype("str"),
    })
    order = {code: i for i, code in enumerate(PREFERENCE_SEGMENT_LABELS)}
    return (out.assign(_o=table["segment"].map(order)).sort_values("_o", kind="mergesort")
            .drop(columns="_o").reset_index(drop=True))


def _half_life_text(days) -> str:
    return "감쇠 없음" if days is None or pd.isna(days) else f"{float(days):g}일"


def model_params_table(comparison: MethodComparison) -> pd.DataFrame:
    """Analyst table of the model's estimated hyper-parameters: ``hyper_parameter, hyper_value`` (text)."""
    model = _check_comparison(comparison).model
    p, c = model.params, model.counts
    rows = [
        ("집계 단위 (검증으로 선택)", PREFERENCE_UNIT_LABELS[p["unit"]]),
        ("최근성 반감기 (검증으로 선택)", _half_life_text(p["half_life_days"])),
        ("고객 집중도 α (주변우도 최대)", f"{p['alpha']:.2f}"),
        ("고객층 집중도 β (주변우도 최대)", "해당 없음" if pd.isna(p["beta"]) else f"{p['beta']:,.1f}"),
        ("고객층 수 (" + " × ".join(COLUMN_LABELS.get(c, c) for c in p["group_cols"]) + ")",
         format_count(len(model.groups))),
        ("인구통계가 없어 전체 분포로 보정한 평가 고객", f"{format_count(c['n_without_demographics'])}명"),
        ("구매이력이 없어 고객층 분포만 쓴 평가 고객", f"{format_count(c['n_without_history'])}명"),
        ("적합 시간", f"{p['fit_seconds']:.1f}초"),
    ]
    return pd.DataFrame(rows, columns=["hyper_parameter", "hyper_value"]).astype("str")


def validation_table(comparison: MethodComparison) -> pd.DataFrame:
    """Analyst table of the validation split: ``unit_ko, half_life_days`` (text), ``concentration_alpha``,
    ``concentration_beta``, ``n_customers``, ``top1_hit_rate``, ``top3_hit_rate``, ``chosen_ko``."""
    table = _check_comparison(comparison).model.validation
    return pd.DataFrame({
        "unit_ko": table["unit"].map(PREFERENCE_UNIT_LABELS).astype("str"),
        "half_life_days": table["half_life_days"].map(_half_life_text).astype("str"),
        "concentration_alpha": table["alpha"],
        "concentration_beta": table["beta"],
        "n_customers": table["n_customers"].astype("int64"),
        "top1_hit_rate": table["top1_hit_rate"],
        "top3_hit_rate": table["top3_hit_rate"],
        "chosen_ko": table["chosen"].map({True: "선택", False: ""}).astype("str"),
    })


def _rates(comparison: MethodComparison, segment: str = "all") -> pd.DataFrame:
    table = comparison.table
    return table[table["segment"] == segment].set_index("method")


def describe_methods(comparison: MethodComparison) -> str:
    """Top-1 / top-3 hit rates of every method on the holdout, the chosen one first, gains in %p over own."""
    rates = _rates(_check_comparison(comparison))
    chosen, own = comparison.chosen, rates.loc["own_most_bought"]
    best = rates.loc[chosen]
    others = ", ".join(f"{rates.loc[m, 'method_ko']} {format_pct(rates.loc[m, 'top1_hit_rate'])}"
                       for m in rates.index if m != chosen)
    gain = (f" (본인 최다 구매 대비 1순위 {100 * (best['top1_hit_rate'] - own['top1_hit_rate']):+.1f}%p, "
            f"3순위 내 {100 * (best['top3_hit_rate'] - own['top3_hit_rate']):+.1f}%p)" if chosen != "own_most_bought"
            else "")
    return (f"평가 기간에 구매한 고객 {comparison.evaluation.n_customers:,}명 기준 1순위 적중률이 가장 높은 방법은 "
            f"{best['method_ko']}: {format_pct(best['top1_hit_rate'])}(3순위 내 "
            f"{format_pct(best['top3_hit_rate'])}){gain}. 나머지는 {others}입니다.")


def describe_model(comparison: MethodComparison) -> str:
    """What the model estimated, in words an analyst can act on."""
    p = _check_comparison(comparison).model.params
    unit = PREFERENCE_UNIT_LABELS[p["unit"]]
    beta = "" if pd.isna(p["beta"]) else (f" 고객층 분포는 전체 분포를 {unit} {p['beta']:,.0f}건만큼의 무게로 "
                                          "섞어 보정합니다.")
    return (f"모델은 적합 기간 안의 검증 기간으로 집계 단위({unit})와 최근성 반감기"
            f"({_half_life_text(p['half_life_days'])})를 골랐습니다. 주변우도로 추정한 고객 집중도 α는 "
            f"{p['alpha']:.2f}로, 고객 본인의 {unit}이 {p['alpha']:.1f}건 쌓이면 본인 기록과 고객층 평균이 같은 "
            f"무게가 됩니다.{beta}")


def describe_summary(comparison: MethodComparison) -> list[str]:
    """Three sentences for ``report.summary``: finding, meaning, action."""
    rates = _rates(_check_comparison(comparison))
    chosen = comparison.chosen
    name = str(rates.loc[chosen, "method_ko"])
    index, own = rates.loc["report"], rates.loc["own_most_bought"]
    new = _rates(comparison, "no_history")
    relation = "낮고" if index["top1_hit_rate"] < own["top1_hit_rate"] else "높고"
    finding = (f"보고서 방식 선호지수의 1순위 적중률은 {format_pct(index['top1_hit_rate'])}로 본인 최다 구매 상품군"
               f"({format_pct(own['top1_hit_rate'])})보다 {relation}, 가장 잘 맞힌 방법은 "
               f"{format_pct(rates.loc[chosen, 'top1_hit_rate'])}(3순위 내 "
               f"{format_pct(rates.loc[chosen, 'top3_hit_rate'])})의 {name}입니다.")
    meaning = (f"본인 구매를 중심에 두고 비슷한 고객층의 분포로 보정하면, 구매이력이 없는 고객도 1순위 적중률이 "
               f"{format_pct(new.loc['popularity', 'top1_hit_rate'])}(전체 인기)에서 "
               f"{format_pct(new.loc[chosen, 'top1_hit_rate'])}로 달라집니다.")
    action = (f"캠페인 대상은 {name}의 1순위로 고르고(데이터 산출물 preference_model_top3, preference_model_wide), "
              "선호지수는 보고서 재현과 설명을 위해 프로파일 카드에 함께 보여 줍니다.")
    return [finding, meaning, action]


def hit_rates_table(evaluation: EvaluationResult) -> pd.DataFrame:
    """The evaluation's hit rates with Korean method names: ``method_ko, n_customers, top1_hits, top3_hits,
    top1_hit_rate, top3_hit_rate``."""
    if not isinstance(evaluation, EvaluationResult):
        raise TypeError(f"expected an EvaluationResult, got {type(evaluation).__name__}")
    table = evaluation.hit_rates.rename(columns={"label": "method_ko"})
    return table[["method_ko", "n_customers", "top1_hits", "top3_hits", "top1_hit_rate", "top3_hit_rate"]]


def segment_hit_rates_table(evaluation: EvaluationResult) -> pd.DataFrame:
    """The evaluation's hit rates by segment: ``method_ko, segment_ko, n_customers, top1_hit_rate, top3_hit_rate``."""
    if not isinstance(evaluation, EvaluationResult):
        raise TypeError(f"expected an EvaluationResult, got {type(evaluation).__name__}")
    table = evaluation.by_segment.rename(columns={"label": "method_ko", "segment": "segment_ko"})
    return table[["method_ko", "segment_ko", "n_customers", "top1_hit_rate", "top3_hit_rate"]]


def example_customers_table(examples: pd.DataFrame) -> pd.DataFrame:
    """``compute.example_customers`` with Korean values: age band as "30대", gender as "여성" (unknown "미상")."""
    _check_frame(examples, "examples", {"age_band": "age_band", "gender": "gender"})
    out = examples.copy()
    out["age_band"] = out["age_band"].map(age_label).astype("str")
    out["gender"] = out["gender"].map(lambda g: GENDER_LABELS.get(g, "미상") if isinstance(g, str) else "미상")
    out["gender"] = out["gender"].astype("str")
    return out


def describe_products(result: PreferenceResult, scores: pd.DataFrame, comparison: MethodComparison) -> str:
    """What the chapter saved, with sizes."""
    name = PREFERENCE_METHOD_LABELS.get(_check_comparison(comparison).chosen, comparison.chosen)
    return (f"선호지수를 고객 {format_count(len(result.wide))}명 × 상품군 {result.wide.shape[1]}개로, "
            f"평가에서 선택된 방법({name})의 점수를 고객 {format_count(len(scores))}명 × 상품군 "
            f"{scores.shape[1]}개로 저장했습니다.")
