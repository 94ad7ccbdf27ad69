"""Chapter 6 "Real Smart Store" (온오프라인 통합): the store data model, its loaders and the on/offline match.

Stores collect two things the online logs do not have (report section 05, "Method 온오프라인 통합 정보 공유"):

* **offline purchases** entered by sales staff after serving a customer — ``offline_purchases.csv``:

  ============  ======================================================================
  CLNT_ID       L.Point customer id (integer; zero-padded text such as ``0555562`` is fine)
  STORE_NM      store name (e.g. 롯데백화점 본점)
  PURCHASE_DT   purchase date ``YYYY-MM-DD`` (``YYYYMMDD`` accepted)
  CLAC1_NM      product category, one of the online shop's CLAC1 names
  AMOUNT        amount paid in KRW (integer; thousands separators are repaired)
  CONSIDER_MIN  minutes the customer considered before buying (고객 고려시간; may be empty)
  NOTE          free text (특이사항; may be empty, may contain commas)
  ============  ======================================================================

* a **sign-up survey** (가입 설문) — ``signup_survey.csv``, one row per customer: ``CLNT_ID, SIGNUP_DT``
  and the report's three questions with four options each (:data:`SURVEY_QUESTIONS`):
  ``FAV_CATEGORY`` (가장 즐겨 구매하는 제품군), ``REASON`` (그 이유), ``CHANNEL`` (선호하는 구매 형태).

Both files sit beside the six L.Point tables and are optional: a missing file is reported in the cleaning
log as skipped (or raises :class:`~helpers.data.loader.DataError` when listed in ``required``). Validation is as
strict as for the online tables: a missing column or an unreadable file stops with a message naming the file
and column; every repaired or dropped row is counted in the cleaning log (``table, rule, rows, action`` like
``Dataset.cleaning_log``), never silently.

This module is the data layer of these two files (it reads them); everything else is pure functions.

Public API
----------
Model:    OFFLINE_COLUMNS, SURVEY_COLUMNS, SURVEY_QUESTIONS, StoreData
Loading:  find_store_files, load_offline, load_survey, load_store_data, dataset_categories
Merge:    match_summary, match_view, describe_match, survey_distribution, describe_survey, plot_store_overview
Scan:     coupon_rules, welcome_coupons, ScanResult, scan, example_scans, scan_table, describe_scans
Report:   describe_store_log, log_table
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.common import config
from helpers.common.dates import parse_date
from helpers.common.errors import DataError
from helpers.data.loader import detect_encoding

__all__ = [
    "OFFLINE_COLUMNS",
    "SURVEY_COLUMNS",
    "SURVEY_QUESTIONS",
    "STORE_FILE_NAMES",
    "StoreData",
    "find_store_files",
    "load_offline",
    "load_survey",
    "load_store_data",
    "dataset_categories",
    "match_summary",
    "match_view",
    "describe_match",
    "survey_distribution",
    "describe_survey",
    "plot_store_overview",
    "coupon_rules",
    "welcome_coupons",
    "ScanResult",
    "scan",
    "describe_scans",
    "example_scans",
    "scan_table",
    "describe_store_log",
    "log_table",
]

#: Columns of the cleaned offline purchases (and of the file), with their cleaned dtype.
OFFLINE_COLUMNS: dict[str, str] = {
    "CLNT_ID": "int64",
    "STORE_NM": "str",
    "PURCHASE_DT": "datetime64[ns]",
    "CLAC1_NM": "str",
    "AMOUNT": "int64",
    "CONSIDER_MIN": "float64",
    "NOTE": "str",
}
#: Columns of the cleaned sign-up survey (and of the file).
SURVEY_COLUMNS: dict[str, str] = {
    "CLNT_ID": "int64",
    "SIGNUP_DT": "datetime64[ns]",
    "FAV_CATEGORY": "str",
    "REASON": "str",
    "CHANNEL": "str",
}
#: The report's sign-up questionnaire (고객 성향 분석 설문지 예시): column -> (question, its four options).
SURVEY_QUESTIONS: dict[str, tuple[str, tuple[str, str, str, str]]] = {
    "FAV_CATEGORY": ("당사 몰에서 가장 즐겨 구매하는 제품군은 무엇인가요?", ("의류", "화장품", "생활용품", "건강식품")),
    "REASON": ("그 이유는 무엇인가요?", ("저렴해서", "편리해서", "필수품이라서", "종류가 다양해서")),
    "CHANNEL": ("가장 선호하는 구매 형태는 무엇인가요?",
                ("온라인", "오프라인", "오프라인 확인 후 온라인 구매", "온라인 확인 후 오프라인 구매")),
}
#: File names looked up (case-insensitively) in the data folder: key -> file name.
STORE_FILE_NAMES: dict[str, str] = {"offline": config.OPTIONAL_FILES["offline"],
                                    "survey": config.OPTIONAL_FILES["survey"]}
_TABLE_NAMES = {"offline": "offline_purchases", "survey": "signup_survey"}
_UNKNOWN_STORE = "매장 미상"
_CIRCLED = {"①": 1, "②": 2, "③": 3, "④": 4}


@dataclass
class StoreData:
    """Cleaned store data of one folder.

    Attributes
    ----------
    offline : pandas.DataFrame
        :data:`OFFLINE_COLUMNS` (empty with these columns when the file is absent).
    survey : pandas.DataFrame
        :data:`SURVEY_COLUMNS`, one row per customer (empty when absent).
    log : pandas.DataFrame
        Cleaning log ``table, rule, rows, action`` (``action`` one of read, skipped, repaired, dropped,
        excluded).
    files : dict
        ``{"offline": Path | None, "survey": Path | None}``: the files read.
    """

    offline: pd.DataFrame
    survey: pd.DataFrame
    log: pd.DataFrame
    files: dict[str, Path | None] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------
# Finding and reading
# ------------------------------------------------------------------------------------------------
def find_store_files(data_dir: str | Path) -> dict[str, Path | None]:
    """The store files in ``data_dir`` (``None`` when absent), matched case-insensitively by name.

    Raises
    ------
    DataError
        ``data_dir`` is not a folder.
    """
    folder = Path(data_dir)
    if not folder.is_dir():
        raise DataError(f"data_dir '{folder}' is not a folder: point it at the folder holding the L.Point CSV "
                        "files (the store files offline_purchases.csv / signup_survey.csv sit beside them).")
    by_name = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    return {key: by_name.get(name.lower()) for key, name in STORE_FILE_NAMES.items()}


def _empty(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({col: pd.Series(dtype=dtype) for col, dtype in columns.items()})


def _read_text_csv(path: Path, table: str, columns: Iterable[str], encoding: str) -> pd.DataFrame:
    enc = detect_encoding(path, encoding)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig" if enc == "utf-8" else enc)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"File '{path}' ({table}) could not be read as CSV: {exc}. Fix the file.") from None
    raw.columns = [str(c).lstrip("\ufeff").strip() for c in raw.columns]
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise DataError(f"File '{path}' ({table}) lacks column(s) {', '.join(missing)}; it has "
                        f"{', '.join(raw.columns) or 'no columns'}. Expected {', '.join(columns)}.")
    return raw


def _log(log: list, table: str, rule: str, rows: int, action: str) -> None:
    log.append({"table": table, "rule": rule, "rows": int(rows), "action": action})


def _parse_ids(text: pd.Series) -> pd.Series:
    """Digits only (zero padding allowed) -> Int64, anything else NA."""
    s = text.str.strip()
    ok = s.str.fullmatch(r"\d{1,18}").fillna(False).to_numpy(dtype=bool)
    out = pd.Series(pd.NA, index=text.index, dtype="Int64")
    if ok.any():
        out[ok] = s[ok].astype("int64").to_numpy()
    return out


def _parse_dates(text: pd.Series) -> pd.Series:
    s = text.str.strip()
    iso = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    compact = pd.to_datetime(s, format="%Y%m%d", errors="coerce")
    return iso.fillna(compact).astype("datetime64[ns]")


def _check_window(start_date: Any, end_date: Any) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    start = parse_date(start_date, "start_date") if start_date is not None else None
    end = parse_date(end_date, "end_date") if end_date is not None else None
    if start is not None and end is not None and start > end:
        raise DataError(f"start_date {start.date()} is after end_date {end.date()}: swap them.")
    return start, end


def load_offline(path: str | Path | None, *, categories: Sequence[str], start_date: Any = None,
                 end_date: Any = None, required: bool = False, encoding: str = "auto",
                 log: list | None = None) -> pd.DataFrame:
    """Read and clean ``offline_purchases.csv``.

    Rules (each counted in ``log`` when it touches a row):

    * ``CLNT_ID`` not an integer -> dropped; ``PURCHASE_DT`` not a date -> dropped; outside
      ``[start_date, end_date]`` -> excluded;
    * ``CLAC1_NM`` not one of ``categories`` -> dropped (the staff typed a category the shop does not have);
    * ``AMOUNT`` with thousands separators -> repaired; not a number -> dropped; negative or zero -> dropped
      (refunds and cancelled sales are not purchases); decimals are rounded to whole KRW (repaired);
    * ``CONSIDER_MIN`` not a number or negative -> set empty (repaired); empty stays empty;
    * ``STORE_NM`` empty -> ``'매장 미상'`` (repaired); ``NOTE`` empty -> NA.

    Parameters
    ----------
    path : path or None
        The file; ``None`` or a missing path means the file is absent.
    categories : sequence of str
        Allowed CLAC1 names (e.g. :func:`dataset_categories`).
    start_date, end_date : date-like, optional
        Inclusive window; rows outside are excluded (counted).
    required : bool, default False
        Absent file: ``DataError`` when True, else an empty frame and a 'skipped' log row.
    log : list, optional
        Log rows are appended here (dicts ``table, rule, rows, action``).

    Returns
    -------
    pandas.DataFrame
        :data:`OFFLINE_COLUMNS`, rows in file order.

    Raises
    ------
    DataError
        Absent but required, unreadable, or missing columns.
    """
    log = [] if log is None else log
    table = _TABLE_NAMES["offline"]
    start, end = _check_window(start_date, end_date)
    cats = _category_set(categories)
    if path is None or not Path(path).is_file():
        return _absent(table, path, required, OFFLINE_COLUMNS, log)
    path = Path(path)
    raw = _read_text_csv(path, table, OFFLINE_COLUMNS, encoding)
    _log(log, table, f"{path.name} 읽음", len(raw), "read")
    keep = np.ones(len(raw), dtype=bool)

    ids = _parse_ids(raw["CLNT_ID"])
    bad = ids.isna().to_numpy()
    _log(log, table, "CLNT_ID가 정수가 아님 (빈 값·문자)", bad.sum(), "dropped")
    keep &= ~bad

    dates = _parse_dates(raw["PURCHASE_DT"])
    bad = dates.isna().to_numpy() & keep
    _log(log, table, "PURCHASE_DT가 날짜(YYYY-MM-DD)가 아님", bad.sum(), "dropped")
    keep &= ~bad
    if start is not None or end is not None:
        outside = np.zeros(len(raw), dtype=bool)
        if start is not None:
            outside |= (dates < start).fillna(False).to_numpy(dtype=bool)
        if end is not None:
            outside |= (dates > end).fillna(False).to_numpy(dtype=bool)
        outside &= keep
        window = f"{start.date() if start is not None else '…'}..{end.date() if end is not None else '…'}"
        _log(log, table, f"분석 기간({window}) 밖 구매", outside.sum(), "excluded")
        keep &= ~outside

    category = raw["CLAC1_NM"].str.strip()
    bad = ~category.isin(cats).to_numpy() & keep
    if bad.any():
        examples = ", ".join(sorted(set(category[bad]))[:3])
        rule = f"CLAC1_NM이 온라인 상품군(CLAC1)에 없음 (예: {examples or '빈 값'})"
    else:
        rule = "CLAC1_NM이 온라인 상품군(CLAC1)에 없음"
    _log(log, table, rule, bad.sum(), "dropped")
    keep &= ~bad

    amount_text = raw["AMOUNT"].str.strip()
    has_sep = amount_text.str.contains(",", regex=False).to_numpy(dtype=bool)
    amount = pd.to_numeric(amount_text.str.replace(",", "", regex=False), errors="coerce")
    bad = amount.isna().to_numpy() & keep
    _log(log, table, "AMOUNT가 숫자가 아님", bad.sum(), "dropped")
    keep &= ~bad
    bad = (amount <= 0).fillna(False).to_numpy(dtype=bool) & keep
    _log(log, table, "AMOUNT가 0 이하 (환불·취소)", bad.sum(), "dropped")
    keep &= ~bad
    # Repairs below only count rows that are kept (every drop rule has run by now).
    _log(log, table, "AMOUNT의 천 단위 구분기호(,) 제거", (has_sep & keep).sum(), "repaired")
    fractional = ((amount % 1) != 0).fillna(False).to_numpy(dtype=bool) & keep
    _log(log, table, "AMOUNT의 원 단위 미만 반올림", fractional.sum(), "repaired")

    consider_text = raw["CONSIDER_MIN"].str.strip()
    consider = pd.to_numeric(consider_text.str.replace(",", "", regex=False), errors="coerce")
    bad = ((consider_text != "") & (consider.isna() | (consider < 0))).to_numpy(dtype=bool) & keep
    _log(log, table, "CONSIDER_MIN이 숫자가 아니거나 음수 → 빈 값", bad.sum(), "repaired")
    consider = consider.mask(consider < 0)

    store = raw["STORE_NM"].str.strip()
    empty_store = (store == "").to_numpy(dtype=bool) & keep
    _log(log, table, f"STORE_NM이 빈 값 → '{_UNKNOWN_STORE}'", empty_store.sum(), "repaired")
    note = raw["NOTE"].str.strip()

    out = pd.DataFrame({
        "CLNT_ID": ids[keep].astype("int64").to_numpy(),
        "STORE_NM": pd.array(np.where(store[keep] == "", _UNKNOWN_STORE, store[keep]), dtype="str"),
        "PURCHASE_DT": dates[keep].to_numpy(),
        "CLAC1_NM": pd.array(category[keep].to_numpy(), dtype="str"),
        "AMOUNT": np.round(amount[keep].to_numpy(dtype=float)).astype("int64"),
        "CONSIDER_MIN": consider[keep].to_numpy(dtype=float),
        "NOTE": pd.array(note[keep].mask(note[keep] == "").to_numpy(), dtype="str"),
    })
    _log(log, table, "정제 후 오프라인 구매", len(out), "kept")
    return out


def load_survey(path: str | Path | None, *, required: bool = False, encoding: str = "auto",
                log: list | None = None) -> pd.DataFrame:
    """Read and clean ``signup_survey.csv`` (one row per customer).

    Rules (counted in ``log``):

    * ``CLNT_ID`` not an integer -> dropped; the same customer twice -> the latest ``SIGNUP_DT`` is kept
      (the others dropped);
    * ``SIGNUP_DT`` not a date -> set empty (repaired; the answers are still valid);
    * an answer given as the option number (``1``..``4`` or ``①``..``④``) -> the option text (repaired);
      an answer that is none of the four options -> set empty (repaired); a row with no valid answer at all
      -> dropped.

    Returns
    -------
    pandas.DataFrame
        :data:`SURVEY_COLUMNS`, sorted by ``CLNT_ID``.

    Raises
    ------
    DataError
        Absent but required, unreadable, or missing columns.
    """
    log = [] if log is None else log
    table = _TABLE_NAMES["survey"]
    if path is None or not Path(path).is_file():
        return _absent(table, path, required, SURVEY_COLUMNS, log)
    path = Path(path)
    raw = _read_text_csv(path, table, SURVEY_COLUMNS, encoding)
    _log(log, table, f"{path.name} 읽음", len(raw), "read")
    ids = _parse_ids(raw["CLNT_ID"])
    keep = ids.notna().to_numpy(dtype=bool, copy=True)
    _log(log, table, "CLNT_ID가 정수가 아님 (빈 값·문자)", (~keep).sum(), "dropped")

    dates = _parse_dates(raw["SIGNUP_DT"])
    # Repairs are logged after the drops below, so that a dropped row is never also counted as repaired.
    repairs = [("SIGNUP_DT가 날짜가 아님 → 빈 값",
                (dates.isna() & (raw["SIGNUP_DT"].str.strip() != "")).to_numpy(dtype=bool))]
    answers = {}
    for col, (_question, options) in SURVEY_QUESTIONS.items():
        text = raw[col].str.strip()
        number = text.map(_CIRCLED).fillna(pd.to_numeric(text.where(text.str.fullmatch(r"[1-4]").fillna(False)),
                                                         errors="coerce")).fillna(0).astype("int64")
        by_number = ((number >= 1) & (number <= 4) & ~text.isin(options)).to_numpy(dtype=bool)
        value = text.where(text.isin(options))
        if by_number.any():
            value[by_number] = np.asarray(options, dtype=object)[number[by_number].to_numpy() - 1]
        repairs.append((f"{col} 보기 번호 → 보기 문구", by_number))
        repairs.append((f"{col} 값이 4개 보기({' / '.join(options)})에 없음 → 빈 값",
                        (value.isna() & (text != "")).to_numpy(dtype=bool)))
        answers[col] = value
    no_answer = np.logical_and.reduce([a.isna().to_numpy() for a in answers.values()]) & keep
    _log(log, table, "유효한 응답이 하나도 없음", no_answer.sum(), "dropped")
    keep &= ~no_answer
    for rule, mask in repairs:
        _log(log, table, rule, (mask & keep).sum(), "repaired")

    out = pd.DataFrame({
        "CLNT_ID": ids[keep].astype("int64").to_numpy(),
        "SIGNUP_DT": dates[keep].to_numpy(),
        **{col: pd.array(a[keep].to_numpy(), dtype="str") for col, a in answers.items()},
    })
    before = len(out)
    out = (out.sort_values(["CLNT_ID", "SIGNUP_DT"], kind="mergesort", na_position="first")
           .drop_duplicates("CLNT_ID", keep="last").reset_index(drop=True))
    _log(log, table, "같은 CLNT_ID의 중복 응답 (최근 가입일 응답만 유지)", before - len(out), "dropped")
    _log(log, table, "정제 후 설문 응답 고객", len(out), "kept")
    return out


def _absent(table: str, path, required: bool, columns: dict[str, str], log: list) -> pd.DataFrame:
    name = Path(path).name if path else STORE_FILE_NAMES["offline" if table == _TABLE_NAMES["offline"] else "survey"]
    if required:
        where = f"'{path}'" if path else f"'{name}' in the data folder"
        raise DataError(f"{table}: the file {where} is required but missing. Put {name} beside the six "
                        "L.Point CSV files or drop it from required.")
    _log(log, table, f"{name} 없음 (선택 파일이라 건너뜀)", 0, "skipped")
    return _empty(columns)


def _category_set(categories: Sequence[str]) -> set[str]:
    if isinstance(categories, str) or categories is None:
        raise ValueError("categories must be a list of CLAC1 names (e.g. helpers.chapters.services.smartstore.dataset_categories(ds))")
    cats = {str(c) for c in categories}
    if not cats:
        raise ValueError("categories is empty: pass the online shop's CLAC1 names")
    return cats


def load_store_data(data_dir: str | Path, *, categories: Sequence[str], start_date: Any = None,
                    end_date: Any = None, required: Sequence[str] = (), encoding: str = "auto") -> StoreData:
    """Find, read and clean both store files of ``data_dir``.

    Parameters
    ----------
    data_dir : path
        The folder of the six L.Point tables (``Dataset.fingerprint.data_dir``).
    categories : sequence of str
        Allowed CLAC1 names for offline purchases.
    start_date, end_date : date-like, optional
        Window for offline purchases (the survey is not restricted: people sign up at any time).
    required : sequence of {"offline", "survey"}
        Files whose absence is an error.

    Raises
    ------
    DataError
        See :func:`load_offline` / :func:`load_survey`; unknown names in ``required``.
    """
    unknown = sorted(set(required) - set(STORE_FILE_NAMES))
    if unknown:
        raise DataError(f"required={list(required)}: unknown store file key(s) {unknown}; "
                        f"use {sorted(STORE_FILE_NAMES)}.")
    files = find_store_files(data_dir)
    log: list = []
    offline = load_offline(files["offline"], categories=categories, start_date=start_date, end_date=end_date,
                           required="offline" in required, encoding=encoding, log=log)
    survey = load_survey(files["survey"], required="survey" in required, encoding=encoding, log=log)
    return StoreData(offline=offline, survey=survey, log=pd.DataFrame(log, columns=["table", "rule", "rows", "action"]),
                     files=files)


def dataset_categories(ds) -> list[str]:
    """The CLAC1 names of a :class:`~helpers.data.loader.Dataset`'s cleaned Master table (sorted)."""
    master = pd.read_parquet(ds.paths["master"], columns=["CLAC1_NM"])
    return sorted(str(c) for c in master["CLAC1_NM"].dropna().unique())


# ------------------------------------------------------------------------------------------------
# Matching with the online customers
# ------------------------------------------------------------------------------------------------
def match_summary(store: StoreData, online_ids: Any, *, customer_col: str = "CLNT_ID") -> pd.DataFrame:
    """How many store records belong to a known online customer.

    Parameters
    ----------
    store : StoreData
    online_ids : array-like
        Ids of the online customers (e.g. every profiled customer).

    Returns
    -------
    pandas.DataFrame
        One row per source (``offline``, ``survey``): ``SOURCE`` (Korean label), ``RECORDS``,
        ``MATCHED_RECORDS``, ``RECORD_MATCH_SHARE``, ``CUSTOMERS`` (distinct ids), ``MATCHED_CUSTOMERS``,
        ``CUSTOMER_MATCH_SHARE`` (shares NaN when there are no records).
    """
    if not isinstance(store, StoreData):
        raise TypeError(f"store must be a StoreData (from load_store_data), got {type(store).__name__}")
    ids = pd.Index(pd.unique(np.asarray(online_ids).ravel()))
    rows = []
    for label, frame in (("오프라인 구매", store.offline), ("가입 설문", store.survey)):
        if customer_col not in frame:
            raise ValueError(f"store frame lacks column {customer_col!r} (customer_col)")
        col = frame[customer_col]
        matched = col.isin(ids).to_numpy()
        distinct = pd.unique(col.to_numpy())
        matched_distinct = int(pd.Index(distinct).isin(ids).sum())
        n = len(frame)
        rows.append({"SOURCE": label, "RECORDS": n, "MATCHED_RECORDS": int(matched.sum()),
                     "RECORD_MATCH_SHARE": matched.sum() / n if n else np.nan,
                     "CUSTOMERS": len(distinct), "MATCHED_CUSTOMERS": matched_distinct,
                     "CUSTOMER_MATCH_SHARE": matched_distinct / len(distinct) if len(distinct) else np.nan})
    out = pd.DataFrame(rows)
    out["SOURCE"] = out["SOURCE"].astype("str")
    return out


def match_view(summary: pd.DataFrame) -> pd.DataFrame:
    """:func:`match_summary` with Korean headers and shares as percentages (report table)."""
    return pd.DataFrame({
        "매장 기록": summary["SOURCE"].to_numpy(), "기록 수": summary["RECORDS"].to_numpy(),
        "온라인 고객과 일치한 기록": summary["MATCHED_RECORDS"].to_numpy(),
        "기록 일치율": pd.array([_pct(v) for v in summary["RECORD_MATCH_SHARE"]], dtype="str"),
        "고객 수": summary["CUSTOMERS"].to_numpy(), "일치 고객 수": summary["MATCHED_CUSTOMERS"].to_numpy(),
        "고객 일치율": pd.array([_pct(v) for v in summary["CUSTOMER_MATCH_SHARE"]], dtype="str"),
    })


def _pct(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.1%}"


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


def survey_distribution(survey: pd.DataFrame) -> pd.DataFrame:
    """Answer counts per question and option (all four options, 0 when nobody chose one).

    Returns
    -------
    pandas.DataFrame
        ``QUESTION_KEY, QUESTION, OPTION_NO`` (1-4), ``OPTION, ANSWERS, SHARE`` (of valid answers).
    """
    rows = []
    for col, (question, options) in SURVEY_QUESTIONS.items():
        if col not in survey:
            raise ValueError(f"survey lacks column {col!r}")
        counts = survey[col].value_counts()
        total = int(counts.sum())
        for i, opt in enumerate(options, 1):
            n = int(counts.get(opt, 0))
            rows.append({"QUESTION_KEY": col, "QUESTION": question, "OPTION_NO": i, "OPTION": opt, "ANSWERS": n,
                         "SHARE": n / total if total else np.nan})
    out = pd.DataFrame(rows)
    for col in ("QUESTION_KEY", "QUESTION", "OPTION"):
        out[col] = out[col].astype("str")
    return out


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


def plot_store_overview(summary: pd.DataFrame, distribution: pd.DataFrame):
    """Left: share of store records matched to an online customer; right three: survey answer shares."""
    from helpers.common.figures import new_figure

    fig = new_figure(figsize=(14, 4))
    axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": [1, 1.2, 1.2, 1.6]})
    ax = axes[0]
    share = summary["RECORD_MATCH_SHARE"].fillna(0).to_numpy(float)
    bars = ax.bar(summary["SOURCE"], share * 100, color=["#3b6fb6", "#e8743b"][: len(summary)])
    ax.bar_label(bars, labels=[f"{s:.1%}\n({m:,}/{n:,})" for s, m, n in
                               zip(share, summary["MATCHED_RECORDS"], summary["RECORDS"])], fontsize=8)
    ax.set_ylim(0, 115)
    ax.set_ylabel("온라인 고객과 연결된 기록 비율 (%)")
    ax.set_title("매장 기록 ↔ 온라인 고객 연결")
    for ax, (key, grp) in zip(axes[1:], distribution.groupby("QUESTION_KEY", sort=False)):
        bars = ax.barh(grp["OPTION"], grp["SHARE"].fillna(0) * 100, color="#8172B3")
        ax.bar_label(bars, labels=[f"{s:.0%}" for s in grp["SHARE"].fillna(0)], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, max(float(grp["SHARE"].fillna(0).max()) * 130, 10))
        ax.set_title(re.sub(r"\?$", "", str(grp["QUESTION"].iloc[0]))[:22], fontsize=9)
        ax.set_xlabel("응답 비율 (%)")
    return fig


# ------------------------------------------------------------------------------------------------
# Entrance scan: welcome coupons
# ------------------------------------------------------------------------------------------------
_COUPON_KEYS = {"version", "top_n", "rank_step_pct", "min_discount_pct", "valid_days", "grade_benefits", "no_grade",
                "category_texts", "signup_offer"}


def _default_coupon_rules() -> dict:
    import yaml
    return yaml.safe_load((config.RESOURCES_DIR / "coupons.yaml").read_text(encoding="utf-8"))


def _merge(base: Mapping, override: Mapping) -> dict:
    """Nested mappings merged key by key (a new grade or category may be added); other values replaced."""
    out = dict(base)
    for key, value in override.items():
        out[key] = _merge(out[key], value) if isinstance(value, Mapping) and isinstance(out.get(key), Mapping) \
            else value
    return out


def coupon_rules(rules: Mapping | None = None) -> dict:
    """The coupon rules of ``resources/coupons.yaml`` with ``rules`` merged over them (validated).

    Raises
    ------
    ValueError
        Unknown key, non-numeric discount, ``top_n`` outside 1..3, a category text without ``{discount}``.
    """
    unknown = sorted(set(rules or {}) - _COUPON_KEYS)
    if unknown:
        raise ValueError(f"coupon rules: unknown key(s) {unknown}; known: {sorted(_COUPON_KEYS)}")
    merged = _merge(_default_coupon_rules(), rules or {})
    if merged["top_n"] not in (1, 2, 3):
        raise ValueError(f"coupon rules: top_n must be 1, 2 or 3, got {merged['top_n']!r}")
    for name, benefit in list(merged["grade_benefits"].items()) + [("no_grade", merged["no_grade"])]:
        pct = benefit.get("discount_pct") if isinstance(benefit, Mapping) else None
        if isinstance(pct, bool) or not isinstance(pct, (int, float)) or not 0 <= pct <= 100:
            raise ValueError(f"coupon rules: grade_benefits.{name}.discount_pct must be a number in 0..100, "
                             f"got {pct!r}")
    for cat, text in merged["category_texts"].items():
        if "{discount}" not in str(text):
            raise ValueError(f"coupon rules: category_texts.{cat} must contain '{{discount}}', got {text!r}")
    return merged


def welcome_coupons(profiles: pd.DataFrame, *, rules: Mapping | None = None) -> pd.DataFrame:
    """Coupons of each customer: top preferred categories × grade benefit (vectorised over customers).

    Parameters
    ----------
    profiles : pandas.DataFrame
        ``CLNT_ID, GRADE, POINT_RATE, RANK1, RANK1_INDEX, RANK2, RANK2_INDEX, RANK3, RANK3_INDEX`` (a
        ``ProfileBook.table`` or a slice of it).
    rules : mapping, optional
        Overrides of ``resources/coupons.yaml`` (:func:`coupon_rules`).

    Returns
    -------
    pandas.DataFrame
        ``CLNT_ID, PREF_RANK, CATEGORY, PREF_INDEX, GRADE, DISCOUNT_PCT, POINT_RATE, VALID_DAYS, COUPON, PERK,
        REASON``; one row per customer and preferred category (customers without preferences have none),
        ordered by customer then rank.
    """
    r = coupon_rules(rules)
    need = ["CLNT_ID", "GRADE", "POINT_RATE"] + [f"RANK{i}{s}" for i in (1, 2, 3) for s in ("", "_INDEX")]
    missing = [c for c in need if c not in profiles.columns]
    if missing:
        raise ValueError(f"profiles lacks column(s) {missing} (use ProfileBook.table)")
    parts = []
    for rank in range(1, r["top_n"] + 1):
        part = profiles[["CLNT_ID", "GRADE", "POINT_RATE", f"RANK{rank}", f"RANK{rank}_INDEX"]].rename(
            columns={f"RANK{rank}": "CATEGORY", f"RANK{rank}_INDEX": "PREF_INDEX"})
        part = part[part["CATEGORY"].notna()].assign(PREF_RANK=rank)
        parts.append(part)
    long = pd.concat(parts, ignore_index=True).sort_values(["CLNT_ID", "PREF_RANK"], kind="mergesort")
    benefits = {g: b for g, b in r["grade_benefits"].items()}
    grade = long["GRADE"].astype("str")
    base_pct = grade.map({g: b["discount_pct"] for g, b in benefits.items()}).fillna(r["no_grade"]["discount_pct"])
    perk = grade.map({g: b.get("perk", "") for g, b in benefits.items()}).fillna(r["no_grade"].get("perk", ""))
    discount = np.maximum(base_pct.to_numpy(float) - r["rank_step_pct"] * (long["PREF_RANK"].to_numpy() - 1),
                          r["min_discount_pct"])
    texts = r["category_texts"]
    category = long["CATEGORY"].astype(str).to_numpy(dtype=object)
    coupon = [str(texts.get(c, texts["default"])).replace("{category}", c).replace("{discount}", f"{d:g}")
              for c, d in zip(category, discount)]
    grade_txt = grade.fillna("등급 없음").to_numpy(dtype=object)
    rate_txt = np.array([("" if pd.isna(p) else f", 적립 {p:.1%}") for p in long["POINT_RATE"]], dtype=object)
    step = (f" - 순위당 {r['rank_step_pct']}%p" if r["rank_step_pct"] else "")
    reason = (np.array([f"선호지수 {k}순위 " for k in long["PREF_RANK"]], dtype=object) + category
              + np.array([f"({v:.1f})" if pd.notna(v) else "" for v in long["PREF_INDEX"]], dtype=object)
              + " × " + grade_txt + " 등급 혜택 " + np.array([f"{b:g}%" for b in base_pct], dtype=object)
              + np.where(long["PREF_RANK"].to_numpy() > 1, step, "") + rate_txt)
    out = pd.DataFrame({
        "CLNT_ID": long["CLNT_ID"].to_numpy(dtype=np.int64),
        "PREF_RANK": long["PREF_RANK"].to_numpy(dtype=np.int64),
        "CATEGORY": pd.array(category, dtype="str"),
        "PREF_INDEX": long["PREF_INDEX"].to_numpy(dtype=float),
        "GRADE": pd.array(long["GRADE"].to_numpy(), dtype="str"),
        "DISCOUNT_PCT": discount.astype(float),
        "POINT_RATE": long["POINT_RATE"].to_numpy(dtype=float),
        "VALID_DAYS": np.full(len(long), int(r["valid_days"]), dtype=np.int64),
        "COUPON": pd.array(coupon, dtype="str"),
        "PERK": pd.array(perk.to_numpy(), dtype="str"),
        "REASON": pd.array(reason, dtype="str"),
    })
    return out.reset_index(drop=True)


@dataclass
class ScanResult:
    """What the entrance scanner shows for one scanned id.

    Attributes
    ----------
    status : {"known", "unknown", "malformed"}
    input : str
        The scanned text as given.
    client_id : int or None
        Parsed id (None when malformed).
    message : str
        Korean message for staff / the app.
    coupons : pandas.DataFrame
        :func:`welcome_coupons` rows (known), the sign-up offer (unknown, ``PREF_RANK`` 0), empty (malformed).
    summary : list of (label, value)
        Profile summary lines (known customers).
    card : profiling.Card or None
    """

    status: str
    input: str
    client_id: int | None
    message: str
    coupons: pd.DataFrame
    summary: list[tuple[str, str]]
    card: Any = None

    def text(self) -> str:
        """The scan result as plain text (CLI)."""
        lines = [self.message]
        if self.summary:
            width = max(len(label) for label, _ in self.summary)
            lines.append("-" * 60)
            lines += [f"{label.ljust(width)} : {value}" for label, value in self.summary]
        if len(self.coupons):
            lines.append("-" * 60)
            lines.append("웰컴 쿠폰:")
            for row in self.coupons.itertuples(index=False):
                lines.append(f"  • {row.COUPON} (유효 {row.VALID_DAYS}일)")
                lines.append(f"      └ {row.REASON}")
            perks = [p for p in pd.unique(self.coupons["PERK"].dropna()) if p]
            lines += [f"  + 등급 혜택: {p}" for p in perks]
        return "\n".join(lines)


_SUMMARY_FIELDS = ("demographics", "grade", "segment", "preference", "history", "offline", "survey")


def scan(client_id: Any, profiles, *, rules: Mapping | None = None) -> ScanResult:
    """Entrance scan: welcome coupons and profile summary for a scanned customer id.

    Parameters
    ----------
    client_id : str or int
        As scanned or typed (zero padding allowed).
    profiles : profiling.ProfileBook, profiling.ReportProfiles or path
        Where profiles come from; a path is a rendered report folder (``ReportProfiles``).
    rules : mapping, optional
        Coupon rule overrides (:func:`coupon_rules`).

    Returns
    -------
    ScanResult
        ``known``: coupons for the top preferences × grade benefit, with the reason, and the profile summary;
        ``unknown``: the sign-up offer; ``malformed``: a message saying what is wrong (no exception).
    """
    from helpers.chapters.services import compute as profiling

    r = coupon_rules(rules)
    if isinstance(profiles, (str, Path)):
        profiles = profiling.ReportProfiles(profiles)
    text = "" if client_id is None else str(client_id)
    empty = welcome_coupons(pd.DataFrame(columns=["CLNT_ID", "GRADE", "POINT_RATE", "RANK1", "RANK1_INDEX", "RANK2",
                                                  "RANK2_INDEX", "RANK3", "RANK3_INDEX"]), rules=rules).iloc[0:0]
    try:
        cid = profiling.parse_client_id(client_id)
    except ValueError as exc:
        return ScanResult("malformed", text, None, f"스캔 오류: {exc}", empty, [])
    found = profiles.lookup(cid)
    if found is None:
        offer = r["signup_offer"]
        coupons = pd.DataFrame({
            "CLNT_ID": [cid], "PREF_RANK": [0], "CATEGORY": pd.array([None], dtype="str"), "PREF_INDEX": [np.nan],
            "GRADE": pd.array([None], dtype="str"), "DISCOUNT_PCT": [float(offer["discount_pct"])],
            "POINT_RATE": [np.nan], "VALID_DAYS": [int(r["valid_days"])],
            "COUPON": pd.array([offer["coupon"]], dtype="str"), "PERK": pd.array([""], dtype="str"),
            "REASON": pd.array([f"고객 ID {cid}에 해당하는 온라인 고객 기록이 없어 가입 권유 쿠폰을 드립니다. {offer['message']}"],
                               dtype="str")})
        return ScanResult("unknown", text, cid, f"고객 ID {cid}: 등록된 온라인 고객이 아닙니다 → L.POINT 가입 권유",
                          coupons.astype({"CLNT_ID": "int64", "PREF_RANK": "int64"}), [])
    row, recent = found
    card = profiling.make_card(row, recent, getattr(profiles, "playbook_map", {}))
    coupons = welcome_coupons(row, rules=rules)
    summary = [(label, value) for key, label, value, _why in card.fields if key in _SUMMARY_FIELDS]
    grade = row["GRADE"].iloc[0]
    head = f"고객 {cid} 환영합니다" + (f" [{grade}]" if pd.notna(grade) else "") + \
        f" · 맞춤 쿠폰 {len(coupons)}장"
    return ScanResult("known", text, cid, head, coupons, summary, card)


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


def example_scans(profiles, known_id: Any = None, *, rules: Mapping | None = None) -> list[ScanResult]:
    """Three example scans for the report: a known customer (``known_id`` or the first profiled one), an id no
    online customer has (one above the largest), and a malformed input."""
    ids = profiles.table["CLNT_ID"]
    if len(ids) == 0:
        raise ValueError("no profiles: nothing to scan")
    known = ids.iloc[0] if known_id is None else known_id
    unknown = int(ids.max()) + 1
    return [scan(str(known), profiles, rules=rules), scan(str(unknown), profiles, rules=rules),
            scan("12A45", profiles, rules=rules)]


def scan_table(results: Sequence[ScanResult]) -> pd.DataFrame:
    """Scan results as one report table (a row per coupon), Korean headers: 스캔 입력, 결과, 안내, 쿠폰, 할인율(%), 사유."""
    rows = []
    for res in results:
        if len(res.coupons):
            for c in res.coupons.itertuples(index=False):
                rows.append({"INPUT": res.input, "STATUS": res.status, "MESSAGE": res.message, "COUPON": c.COUPON,
                             "DISCOUNT_PCT": float(c.DISCOUNT_PCT), "REASON": c.REASON})
        else:
            rows.append({"INPUT": res.input, "STATUS": res.status, "MESSAGE": res.message, "COUPON": None,
                         "DISCOUNT_PCT": np.nan, "REASON": None})
    out = pd.DataFrame(rows, columns=["INPUT", "STATUS", "MESSAGE", "COUPON", "DISCOUNT_PCT", "REASON"])
    out["STATUS"] = out["STATUS"].map(_STATUS_KO)
    for col in ("INPUT", "STATUS", "MESSAGE", "COUPON", "REASON"):
        out[col] = pd.array(out[col].to_numpy(), dtype="str")
    return out.rename(columns={"INPUT": "스캔 입력", "STATUS": "결과", "MESSAGE": "안내", "COUPON": "쿠폰",
                               "DISCOUNT_PCT": "할인율(%)", "REASON": "사유"})


_STATUS_KO = {"known": "등록 고객", "unknown": "미등록 ID", "malformed": "형식 오류"}


def describe_store_log(store: StoreData) -> str:
    """What loading the store files read, repaired and dropped, in one Korean sentence."""
    log = store.log
    parts = []
    for table, label in (("offline_purchases", "오프라인 구매"), ("signup_survey", "가입 설문")):
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
    """The store cleaning log with Korean headers (파일, 규칙, 행 수, 처리); rules that touched no row left out."""
    log = store.log
    if only_nonzero:
        log = log[(log["rows"] > 0) | (log["action"] == "skipped")]
    out = pd.DataFrame({"파일": log["table"].to_numpy(), "규칙": log["rule"].to_numpy(),
                        "행 수": log["rows"].to_numpy(dtype=np.int64),
                        "처리": log["action"].map(_ACTION_KO).fillna(log["action"]).to_numpy()})
    for col in ("파일", "규칙", "처리"):
        out[col] = pd.array(out[col].to_numpy(), dtype="str")
    return out
