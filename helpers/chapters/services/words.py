"""Korean sentences (``describe_*``) and analyst tables (``*_table``) of chapter 6, computed from its results.

Tables keep the product column names; ``report.show`` takes their Korean headers and display kinds from the
SERVICES section of :mod:`helpers.common.labels`. Code values (device, region, gender, age band, scan status,
cleaning-log actions) are translated here with the shared labels, so no table or sentence shows a code.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from helpers.chapters.services.cards import NA_TEXT, Card
from helpers.chapters.services.compute import DipChoice, TargetMethod, is_index_method, resolve_grade_order
from helpers.chapters.services.lookup import LookupSite
from helpers.chapters.services.profiles import CSV_MAX_ROWS, ProfileBook
from helpers.chapters.services.smartstore import ScanResult
from helpers.common.korean import josa
from helpers.common.labels import DEVICE_LABELS, GENDER_LABELS, REGION_LABELS, age_label
from helpers.data.stores import STORE_TABLE_LABELS, StoreData

__all__ = [
    "describe_products",
    "describe_dip",
    "describe_method",
    "methods_table",
    "candidate_label",
    "describe_targets",
    "describe_profiles",
    "describe_card",
    "campaign_table",
    "describe_campaign",
    "describe_lookup",
    "describe_store_log",
    "log_table",
    "match_table",
    "describe_match",
    "describe_survey",
    "scan_table",
    "describe_scans",
    "describe_saved",
    "summary_lines",
]


def _text(values, labels: dict[str, str] | None = None) -> pd.array:
    """Display text of a code column (translated with ``labels`` where known), missing as NA."""
    s = pd.Series(values, dtype=object)
    if labels:
        s = s.map(lambda v: labels.get(v, v) if isinstance(v, str) else v)
    return pd.array(s.to_numpy(), dtype="str")


def describe_products(products: dict[str, pd.DataFrame]) -> str:
    """What chapter 6 read from chapters 1-5 (``compute.read_products``), in one sentence."""
    n = {k: len(v) for k, v in products.items()}
    return (f"앞 장의 산출물을 읽었습니다: 선호지수 {n.get('preference_top3', 0):,}명, 가치 등급 "
            f"{n.get('customer_grades', 0):,}명, 행동 유형 {n.get('customer_segments', 0):,}명, 수요 급감 구간 "
            f"{n.get('demand_dips', 0):,}개, 공동구매 연결 {n.get('copurchase_edges', 0):,}쌍.")


# ------------------------------------------------------------------------------------------------
# Dip, targeting method, targets, profiles
# ------------------------------------------------------------------------------------------------
def describe_dip(dip: DipChoice) -> str:
    """Which dip the campaign answers and why (the reason :func:`choose_dip` wrote)."""
    return dip.reason


def describe_method(method: TargetMethod) -> str:
    """Which preference method ranks the targets and why (with its hit rates), or why the index does."""
    return method.reason


def methods_table(method: TargetMethod) -> pd.DataFrame:
    """Chapter 5's methods side by side on the holdout (all customers): ``METHOD_KO, N_CUSTOMERS,
    TOP1_HIT_RATE, TOP3_HIT_RATE, CHOSEN`` ('예' for the method that ranks the targets, else empty)."""
    t = method.table
    used = [m == method.method for m in t["METHOD"]] if method.uses_model else [
        is_index_method(m, k) for m, k in zip(t["METHOD"], t["METHOD_KO"])]
    return pd.DataFrame({"METHOD_KO": pd.array(t["METHOD_KO"].to_numpy(), dtype="str"),
                         "N_CUSTOMERS": t["N_CUSTOMERS"].to_numpy(dtype=np.int64),
                         "TOP1_HIT_RATE": t["TOP1_HIT_RATE"].to_numpy(dtype=float),
                         "TOP3_HIT_RATE": t["TOP3_HIT_RATE"].to_numpy(dtype=float),
                         "CHOSEN": pd.array(["예" if u else "" for u in used], dtype="str")})


def candidate_label(method: TargetMethod) -> str:
    """Legend label of the candidates in ``figures.plot_targets``."""
    return f"{method.method_ko} 1순위 고객 전체" if method.uses_model else "선호지수 1순위 고객 전체"


def describe_targets(targets: pd.DataFrame, candidates: pd.DataFrame | None = None, *,
                     method: TargetMethod | None = None) -> str:
    """E.g. '여성의류 선호지수 1순위 고객 3,120명 중 상위 100명을 선정했으며 등급 구성은 스타 12명, 나비 30명 ...'."""
    n_cand = len(candidates) if candidates is not None else int(targets.attrs.get("n_candidates", len(targets)))
    if targets.empty:
        return "선호 1순위가 이 상품군인 고객이 없어 타겟 명단이 비어 있습니다."
    cat = str(targets["TARGET_CATEGORY"].iloc[0])
    counts = targets["GRADE"].fillna("등급 없음").value_counts()
    order = list(dict.fromkeys(list(resolve_grade_order()) + list(counts.index)))
    parts = [f"{g} {int(counts[g]):,}명" for g in order if g in counts.index]
    if method is not None and method.uses_model:
        score = targets["TARGET_SCORE"]
        return (f"{method.method_ko} 기준 {josa(cat, '이', '가')} 1순위인 고객 {n_cand:,}명 중 구매 예측 점수 상위 "
                f"{len(targets):,}명(점수 {score.min():.3g}~{score.max():.3g})을 선정했으며 등급 구성은 "
                f"{', '.join(parts)}입니다.")
    all100 = bool((targets["PREF_INDEX"] == targets["PREF_INDEX"].iloc[0]).all())
    tie = " 1순위 지수는 모두 같아(고객별 최댓값 100) 등급과 2순위와의 차이로 순서를 정했습니다." if all100 else ""
    return (f"{cat} 선호지수 1순위 고객 {n_cand:,}명 중 상위 {len(targets):,}명을 선정했으며 등급 구성은 "
            f"{', '.join(parts)}입니다.{tie}")


def describe_profiles(book: ProfileBook) -> str:
    """Coverage of the profile fields, in one Korean sentence."""
    t = book.table
    n = max(len(t), 1)
    share = {k: t[c].notna().sum() / n for k, c in (("grade", "GRADE"), ("segment", "SEGMENT"),
                                                    ("demo", "DEMOGRAPHICS"), ("rec", "RECOMMENDED"))}
    off = int((t["OFFLINE_LINES"] > 0).sum())
    sv = int(t["SURVEY_FAV_CATEGORY"].notna().sum())
    return (f"고객 {len(t):,}명의 프로파일을 만들었습니다: 등급 {share['grade']:.1%}, 행동 유형 {share['segment']:.1%}, "
            f"성별·연령 {share['demo']:.1%}, 추천 상품군 {share['rec']:.1%}의 고객에게 값이 있고, 오프라인 구매 기록이 "
            f"연결된 고객 {off:,}명, 가입 설문 응답 고객 {sv:,}명입니다.")


def describe_card(card: Card) -> str:
    """One sentence reading of a card: who the customer is and what to offer."""
    d = card.data
    who = " · ".join(x for x in (d.get("GRADE", "등급 없음"), d.get("SEGMENT_TYPE", "행동 유형 없음")))
    pref = f"{josa(d['RANK1'], '을', '를')} 가장 선호하며" if "RANK1" in d else "선호지수가 없으며"
    offer = (f"함께 구매되는 {d['RECOMMENDED']}의 상품을 추천합니다" if "RECOMMENDED" in d else
             "공동구매 네트워크에 뚜렷한 연결 상품군이 없어 선호 상품군 위주로 제안합니다")
    return f"첫 번째 카드의 고객 {card.client_id}({who})은 {pref}, {offer}."


# ------------------------------------------------------------------------------------------------
# Campaign list
# ------------------------------------------------------------------------------------------------
#: Columns of :func:`campaign_table`, in order (headers from ``labels.SERVICES_HEADERS``).
CAMPAIGN_TABLE_COLUMNS = ("TARGET_RANK", "CLNT_ID", "GRADE", "POINT_RATE", "SEGMENT_TYPE", "GENDER", "AGE",
                          "MAIN_DEVICE", "REGION", "RECOMMENDED", "COUPON", "WHY_TARGET")


def campaign_table(campaign: pd.DataFrame) -> pd.DataFrame:
    """The campaign list as the report shows it: gender, age band, device and region in Korean words."""
    missing = [c for c in CAMPAIGN_TABLE_COLUMNS if c not in campaign.columns]
    if missing:
        raise ValueError(f"campaign lacks column(s) {missing} (use compute.campaign_targets)")
    view = campaign[list(CAMPAIGN_TABLE_COLUMNS)].copy()
    view["GENDER"] = _text(view["GENDER"], GENDER_LABELS)
    view["AGE"] = pd.array([NA_TEXT if pd.isna(v) else age_label(v) for v in view["AGE"]], dtype="str")
    view["MAIN_DEVICE"] = _text(view["MAIN_DEVICE"], DEVICE_LABELS)
    view["REGION"] = _text(view["REGION"], REGION_LABELS)
    return view.reset_index(drop=True)


def describe_campaign(campaign: pd.DataFrame, dip: DipChoice) -> str:
    """The campaign list in one Korean sentence: size, period, main device, mean discount."""
    if campaign.empty:
        return "타겟 고객이 없어 캠페인 명단이 비어 있습니다."
    device = campaign["MAIN_DEVICE"].map(lambda v: DEVICE_LABELS.get(v, v)).value_counts(normalize=True)
    top_device = f"주 사용 기기 1위는 {device.index[0]}({device.iloc[0]:.0%})" if len(device) else "기기 정보가 없고"
    period = f"{dip.period()}에 맞춰 " if dip.has_dates else ""
    return (f"{period}{dip.category} 선호 고객 {len(campaign):,}명에게 보낼 명단이며, {top_device}이고 쿠폰 할인율은 "
            f"평균 {campaign['DISCOUNT_PCT'].mean():.1f}%입니다 (명단 파일 campaign_targets에 고객별 사유 포함).")


def describe_lookup(site: LookupSite) -> str:
    """Where the lookup page is and how it is split (a link from the chapter page, one folder below)."""
    return (f"고객 {site.n_customers:,}명의 프로파일을 조회 페이지([lookup.html](../lookup.html))에 담았습니다: "
            f"{site.n_files:,}개 파일({site.total_bytes / 2**20:,.1f} MB)로 나누어 필요한 조각만 읽으므로 "
            "서버 없이 파일을 열어 고객 ID를 입력하면 카드가 나타납니다.")


# ------------------------------------------------------------------------------------------------
# Store data
# ------------------------------------------------------------------------------------------------
def describe_store_log(store: StoreData) -> str:
    """What loading the store files read, repaired and dropped, in one Korean sentence."""
    log = store.log
    parts = []
    for table, label in STORE_TABLE_LABELS.items():
        part = log[log["table"] == table]
        if (part["action"] == "skipped").any():
            parts.append(f"{label} 파일 없음(선택 파일이라 건너뜀)")
            continue
        read = int(part.loc[part["action"] == "read", "rows"].sum())
        kept = int(part.loc[part["action"] == "kept", "rows"].sum())
        fixed = int(part.loc[part["action"] == "repaired", "rows"].sum())
        removed = part[part["action"].isin(["dropped", "excluded"]) & (part["rows"] > 0)]
        why = ", ".join(f"{r.split(' (')[0]} {n:,}행" for r, n in zip(removed["rule"], removed["rows"]))
        parts.append(f"{label} {read:,}행 중 {kept:,}행 사용" + (f", {read - kept:,}행 제외({why})" if why else "")
                     + (f", {fixed:,}건 보정" if fixed else ""))
    return "매장 데이터 정제 결과: " + "; ".join(parts) + "."


_ACTION_KO = {"read": "읽음", "kept": "사용", "skipped": "건너뜀", "repaired": "보정", "dropped": "제외",
              "excluded": "기간 밖 제외"}


def log_table(store: StoreData, *, only_nonzero: bool = True) -> pd.DataFrame:
    """The store cleaning log: ``STORE_FILE`` (Korean name), ``STORE_RULE``, ``STORE_ROWS``, ``STORE_ACTION``
    (Korean); rules that touched no row left out unless ``only_nonzero`` is False."""
    log = store.log
    if only_nonzero:
        log = log[(log["rows"] > 0) | (log["action"] == "skipped")]
    return pd.DataFrame({
        "STORE_FILE": _text(log["table"].to_numpy(), STORE_TABLE_LABELS),
        "STORE_RULE": _text(log["rule"].to_numpy()),
        "STORE_ROWS": log["rows"].to_numpy(dtype=np.int64),
        "STORE_ACTION": _text(log["action"].to_numpy(), _ACTION_KO),
    })


def match_table(summary: pd.DataFrame) -> pd.DataFrame:
    """``smartstore.match_summary`` for the report (shares shown as % by their display kind)."""
    return summary[["SOURCE", "RECORDS", "MATCHED_RECORDS", "RECORD_MATCH_SHARE", "CUSTOMERS", "MATCHED_CUSTOMERS",
                    "CUSTOMER_MATCH_SHARE"]].reset_index(drop=True)


def describe_match(summary: pd.DataFrame) -> str:
    """One Korean sentence on the offline / survey match rates."""
    parts = []
    for _, row in summary.iterrows():
        if row["RECORDS"] == 0:
            parts.append(f"{row['SOURCE']} 기록 0건")
        else:
            parts.append(f"{row['SOURCE']} {int(row['RECORDS']):,}건 중 {int(row['MATCHED_RECORDS']):,}건"
                         f"({row['RECORD_MATCH_SHARE']:.1%})")
    if int(summary["RECORDS"].sum()) == 0:
        return "매장 기록(오프라인 구매·가입 설문)이 없어 온·오프라인 연결을 볼 수 없습니다."
    unmatched = int((summary["RECORDS"] - summary["MATCHED_RECORDS"]).sum())
    tail = (f" 연결되지 않은 {unmatched:,}건은 분석 기간에 온라인 기록이 없는 고객의 것으로, 온라인 몰 이용 권유 대상입니다."
            if unmatched else "")
    return ", ".join(parts) + "이 온라인 고객 ID와 연결됩니다." + tail


def describe_survey(distribution: pd.DataFrame) -> str:
    """The most chosen option of each question, in one Korean sentence."""
    parts = []
    labels = {"FAV_CATEGORY": "즐겨 사는 제품군은", "REASON": "그 이유는", "CHANNEL": "선호 구매 형태는"}
    for key, grp in distribution.groupby("QUESTION_KEY", sort=False):
        if grp["ANSWERS"].sum() == 0:
            continue
        top = grp.sort_values(["ANSWERS", "OPTION_NO"], ascending=[False, True], kind="mergesort").iloc[0]
        parts.append(f"{labels.get(key, key)} '{top['OPTION']}'({top['SHARE']:.1%})")
    if not parts:
        return "가입 설문 응답이 없습니다."
    return "가입 설문에서 가장 많은 응답은 " + ", ".join(parts) + "입니다."


# ------------------------------------------------------------------------------------------------
# Entrance scan
# ------------------------------------------------------------------------------------------------
_STATUS_KO = {"known": "등록 고객", "unknown": "미등록 ID", "malformed": "형식 오류"}


def scan_table(results: Sequence[ScanResult]) -> pd.DataFrame:
    """Scan results as one table (a row per coupon): ``SCAN_INPUT, SCAN_STATUS`` (Korean), ``SCAN_MESSAGE,
    COUPON, DISCOUNT_PCT, COUPON_REASON``."""
    rows = []
    for res in results:
        coupons = list(res.coupons.itertuples(index=False)) or [None]
        for c in coupons:
            rows.append({"SCAN_INPUT": res.input, "SCAN_STATUS": _STATUS_KO[res.status], "SCAN_MESSAGE": res.message,
                         "COUPON": None if c is None else c.COUPON,
                         "DISCOUNT_PCT": np.nan if c is None else float(c.DISCOUNT_PCT),
                         "COUPON_REASON": None if c is None else c.REASON})
    out = pd.DataFrame(rows, columns=["SCAN_INPUT", "SCAN_STATUS", "SCAN_MESSAGE", "COUPON", "DISCOUNT_PCT",
                                      "COUPON_REASON"])
    for col in ("SCAN_INPUT", "SCAN_STATUS", "SCAN_MESSAGE", "COUPON", "COUPON_REASON"):
        out[col] = pd.array(out[col].to_numpy(), dtype="str")
    return out


def describe_scans(results: Sequence[ScanResult]) -> str:
    """One Korean sentence on example scans (known / unknown / malformed)."""
    parts = []
    for res in results:
        if res.status == "known":
            first = res.coupons.iloc[0]["COUPON"] if len(res.coupons) else "쿠폰 없음"
            parts.append(f"고객 {res.client_id}에게는 '{first}' 등 {len(res.coupons)}장")
        elif res.status == "unknown":
            parts.append(f"등록되지 않은 ID {res.client_id}에게는 가입 권유 쿠폰")
        else:
            parts.append(f"형식이 잘못된 입력 '{res.input}'에는 오류 안내")
    return "입구 스캔 예시: " + ", ".join(parts) + "가 표시됩니다."


# ------------------------------------------------------------------------------------------------
# Products and the chapter summary
# ------------------------------------------------------------------------------------------------
def describe_saved(campaign: pd.DataFrame, book: ProfileBook, *, csv_max_rows: int = CSV_MAX_ROWS) -> str:
    """Which data products chapter 6 wrote (profile products above ``csv_max_rows`` rows: Parquet only)."""
    big = max(len(book.table), len(book.recent)) > csv_max_rows
    return (f"캠페인 명단(`campaign_targets`, {len(campaign):,}명), 고객 프로파일(`customer_profiles`, "
            f"{len(book.table):,}명)과 최근 구매(`customer_recent_purchases`), 공략법(`profile_playbooks`), 매장 연결"
            "(`store_match`), 매장 정제 기록(`store_cleaning_log`), 설문 응답 분포(`signup_survey_answers`)를 "
            + ("저장했습니다. 모두 Parquet이고, 고객 프로파일과 최근 구매 외에는 CSV도 함께 있습니다." if big
               else "CSV·Parquet으로 저장했습니다."))


def summary_lines(dip: DipChoice, method: TargetMethod, campaign: pd.DataFrame, match: pd.DataFrame) -> list[str]:
    """The chapter's three summary sentences: what was found, what it means, what to do."""
    when = f"{dip.period()}에 " if dip.has_dates else ""
    drop = f" {dip.drop_pct:.0%}" if dip.has_dates and not pd.isna(dip.drop_pct) else ""
    n = len(campaign)
    stars = int((campaign["GRADE"] == resolve_grade_order()[0]).sum()) if n else 0
    finding = (f"{when}{dip.category} 수요가 평소보다{drop} 줄 것으로 보여, {method.method_ko} 기준으로 이 상품군을 "
               f"가장 살 것 같은 고객 {n:,}명(그중 {resolve_grade_order()[0]} {stars:,}명)을 캠페인 대상으로 골랐습니다.")
    if method.uses_model:
        vs = (f" (보고서 선호지수 {method.index_top1_hit_rate:.1%}, {method.index_top3_hit_rate:.1%})"
              if not pd.isna(method.index_top1_hit_rate) else "")
        meaning = (f"5장 보류 기간 검증에서 {method.method_ko}의 적중률이 1순위 {method.top1_hit_rate:.1%}, 3순위 내 "
                   f"{method.top3_hit_rate:.1%}{vs}로 가장 높아 이 방법으로 골랐고, 선호지수는 카드에 함께 보여 "
                   "보고서 방식과 비교할 수 있습니다.")
    else:
        meaning = ("이번 실행에는 5장의 예측 방법 비교가 없어 보고서 방식의 선호지수로 골랐으며, 선호지수 1순위는 "
                   "고객마다 100이라 순서는 주로 가치 등급이 정합니다.")
    off = match[match["RECORDS"] > 0]
    linked = (f" 매장 기록 {int(off['MATCHED_RECORDS'].sum()):,}건이 온라인 고객과 연결되어 카드에 함께 보입니다."
              if len(off) else "")
    if n:
        first = str(campaign["COUPON"].dropna().iloc[0]) if campaign["COUPON"].notna().any() else "맞춤 쿠폰"
        action = (f"급감 전에 명단 고객에게 평균 {campaign['DISCOUNT_PCT'].mean():.1f}% 할인 쿠폰(예: {first})을 보내고, "
                  "매장에서는 입구 스캔과 고객 조회 페이지로 같은 카드를 쓰세요." + linked)
    else:
        action = "대상 고객이 없으니 다른 상품군(dip_category)을 지정해 다시 실행하세요." + linked
    return [finding, meaning, action]
