"""The store files of chapter 6 "Real Smart Store": their data model, reading and cleaning.

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
log as skipped (or raises :class:`~helpers.common.errors.DataError` when listed in ``required``). Validation is
as strict as for the online tables: a missing column or an unreadable file stops with a message naming the
file and column; every repaired or dropped row is counted in the cleaning log (``table, rule, rows, action``
like ``Dataset.cleaning_log``), never silently.

Public API: OFFLINE_COLUMNS, SURVEY_COLUMNS, SURVEY_QUESTIONS, STORE_FILE_NAMES, STORE_TABLE_LABELS, StoreData,
find_store_files, load_offline, load_survey, load_store_data, dataset_categories.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

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
    "STORE_TABLE_LABELS",
    "StoreData",
    "find_store_files",
    "load_offline",
    "load_survey",
    "load_store_data",
    "dataset_categories",
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
#: Korean name of each store table as the cleaning log names it (``table`` column).
STORE_TABLE_LABELS: dict[str, str] = {"offline_purchases": "오프라인 구매", "signup_survey": "가입 설문"}
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
        excluded, kept).
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


# ------------------------------------------------------------------------------------------------
# Offline purchases: one function per cleaning step (each counts what it touches in the log)
# ------------------------------------------------------------------------------------------------
def _offline_ids_and_dates(raw: pd.DataFrame, start, end, log: list, table: str):
    """Ids and dates parsed; bad ones dropped, dates outside the window excluded -> (ids, dates, keep)."""
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
    return ids, dates, keep


def _offline_categories(raw: pd.DataFrame, cats: set[str], keep: np.ndarray, log: list, table: str):
    """Categories the online shop does not have are dropped (the unknown names are quoted in the rule)."""
    category = raw["CLAC1_NM"].str.strip()
    bad = ~category.isin(cats).to_numpy() & keep
    if bad.any():
        examples = ", ".join(sorted(set(category[bad]))[:3])
        rule = f"CLAC1_NM이 온라인 상품군(CLAC1)에 없음 (예: {examples or '빈 값'})"
    else:
        rule = "CLAC1_NM이 온라인 상품군(CLAC1)에 없음"
    _log(log, table, rule, bad.sum(), "dropped")
    return category, keep & ~bad


def _offline_amounts(raw: pd.DataFrame, keep: np.ndarray, log: list, table: str):
    """Amounts: non-numbers and refunds (<= 0) dropped; separators and decimals repaired on kept rows."""
    amount_text = raw["AMOUNT"].str.strip()
    has_sep = amount_text.str.contains(",", regex=False).to_numpy(dtype=bool)
    amount = pd.to_numeric(amount_text.str.replace(",", "", regex=False), errors="coerce")
    bad = amount.isna().to_numpy() & keep
    _log(log, table, "AMOUNT가 숫자가 아님", bad.sum(), "dropped")
    keep = keep & ~bad
    bad = (amount <= 0).fillna(False).to_numpy(dtype=bool) & keep
    _log(log, table, "AMOUNT가 0 이하 (환불·취소)", bad.sum(), "dropped")
    keep = keep & ~bad
    # Repairs below only count rows that are kept (every drop rule has run by now).
    _log(log, table, "AMOUNT의 천 단위 구분기호(,) 제거", (has_sep & keep).sum(), "repaired")
    fractional = ((amount % 1) != 0).fillna(False).to_numpy(dtype=bool) & keep
    _log(log, table, "AMOUNT의 원 단위 미만 반올림", fractional.sum(), "repaired")
    return amount, keep


def _offline_minutes_and_store(raw: pd.DataFrame, keep: np.ndarray, log: list, table: str):
    """Consideration minutes (bad -> empty) and store names (empty -> '매장 미상'), both repairs."""
    consider_text = raw["CONSIDER_MIN"].str.strip()
    consider = pd.to_numeric(consider_text.str.replace(",", "", regex=False), errors="coerce")
    bad = ((consider_text != "") & (consider.isna() | (consider < 0))).to_numpy(dtype=bool) & keep
    _log(log, table, "CONSIDER_MIN이 숫자가 아니거나 음수 → 빈 값", bad.sum(), "repaired")
    consider = consider.mask(consider < 0)
    store = raw["STORE_NM"].str.strip()
    empty_store = (store == "").to_numpy(dtype=bool) & keep
    _log(log, table, f"STORE_NM이 빈 값 → '{_UNKNOWN_STORE}'", empty_store.sum(), "repaired")
    return consider, store


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
    ids, dates, keep = _offline_ids_and_dates(raw, start, end, log, table)
    category, keep = _offline_categories(raw, cats, keep, log, table)
    amount, keep = _offline_amounts(raw, keep, log, table)
    consider, store = _offline_minutes_and_store(raw, keep, log, table)
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


# ------------------------------------------------------------------------------------------------
# Sign-up survey
# ------------------------------------------------------------------------------------------------
def _survey_answers(raw: pd.DataFrame) -> tuple[dict[str, pd.Series], list[tuple[str, np.ndarray]]]:
    """Each question's answers as option texts (numbers translated, others empty) and the repair masks."""
    answers, repairs = {}, []
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
    return answers, repairs


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
    answers, repairs = _survey_answers(raw)
    repairs.insert(0, ("SIGNUP_DT가 날짜가 아님 → 빈 값",
                       (dates.isna() & (raw["SIGNUP_DT"].str.strip() != "")).to_numpy(dtype=bool)))
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
        raise ValueError("categories must be a list of CLAC1 names (e.g. "
                         "helpers.data.stores.dataset_categories(ds))")
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
