"""Chapter 6 profiles (report section 05, Step 3): one row per customer with everything a profile card shows.

:func:`build_profiles` assembles, for any set of customers and vectorised over all of them, demographics, main
device and region (modes over sessions), value grade with point rate, behaviour segment, top-3 preferences,
on/offline purchase history, survey answers and co-purchase recommendations (:class:`ProfileBook`). Whatever
needs purchase lines or sessions is counted in the engine (:mod:`helpers.data.queries.services`): pandas gets one
row per customer plus their latest lines. The card itself (fields, reasons, renderers) is
:mod:`helpers.chapters.services.cards`. :class:`ReportProfiles` reads the saved profiles of a rendered report one
customer at a time (command line, entrance scan).

Public API: profile_playbooks, ProfileBook, build_profiles, ReportProfiles.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from helpers.chapters import playbooks as shared_playbooks
from helpers.chapters.services.cards import PROFILE_COLUMNS, Card, display_frame, fill_fields, make_card, playbook_dict
from helpers.chapters.services.inputs import UpstreamMissing, normalise_product, parse_client_id
from helpers.common.checks import require_columns
from helpers.common.labels import BIT_LABELS, GENDER_LABELS

__all__ = ["CSV_MAX_ROWS", "profile_playbooks", "ProfileBook", "build_profiles", "ReportProfiles"]

#: Profile products (``customer_profiles``, ``customer_recent_purchases``) longer than this are saved as Parquet
#: only: a CSV of every customer (292 MB at full scale) is too big for a spreadsheet and slow to write.
CSV_MAX_ROWS = 100_000


def profile_playbooks(*, grade_rules: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Playbooks shown on the cards: ``KIND`` (grade | segment), ``NAME``, ``SUMMARY`` (one line), ``DETAIL``.

    From ``grades.yaml`` (``grade_rules`` overrides merged over it) and ``segments.yaml``.
    """
    rows = [{"KIND": kind, "NAME": name, "SUMMARY": book["summary"], "DETAIL": book["detail"]}
            for kind, books in (("grade", shared_playbooks.grade_playbooks(grade_rules)),
                                ("segment", shared_playbooks.segment_playbooks()))
            for name, book in books.items()]
    out = pd.DataFrame(rows, columns=["KIND", "NAME", "SUMMARY", "DETAIL"])
    return out.astype({c: "str" for c in out.columns})


@dataclass
class ProfileBook:
    """Profiles of a set of customers (output of :func:`build_profiles`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per customer, columns ``cards.PROFILE_COLUMNS`` (typed values; ``CLNT_ID`` int64), sorted by id.
        Saved as the ``customer_profiles`` product.
    recent : pandas.DataFrame
        ``CLNT_ID, SEQ`` (1 = latest) and ``cards.RECENT_COLUMNS``: the last ``n_recent`` on/offline purchase lines.
    playbooks : pandas.DataFrame
        :func:`profile_playbooks`.
    params : dict
    """

    table: pd.DataFrame
    recent: pd.DataFrame
    playbooks: pd.DataFrame
    params: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._ids = pd.Index(self.table["CLNT_ID"].to_numpy())
        self.playbook_map = playbook_dict(self.playbooks)
        self._recent_ids = self.recent["CLNT_ID"].to_numpy(dtype=np.int64)  # sorted by id (build_profiles)

    def __len__(self) -> int:
        return len(self.table)

    def __contains__(self, client_id: Any) -> bool:
        try:
            return parse_client_id(client_id) in self._ids
        except ValueError:
            return False

    def lookup(self, client_id: Any) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        """``(profile row, recent rows)`` of one customer, or None when unknown (``ValueError`` when malformed)."""
        cid = parse_client_id(client_id)
        pos = self._ids.get_indexer([cid])[0]
        if pos < 0:
            return None
        start, stop = np.searchsorted(self._recent_ids, [cid, cid + 1])
        return self.table.iloc[[pos]], self.recent.iloc[int(start):int(stop)]

    def card(self, client_id: Any) -> Card | None:
        """The :class:`~helpers.chapters.services.cards.Card` of one customer, None when unknown."""
        found = self.lookup(client_id)
        return None if found is None else make_card(found[0], found[1], self.playbook_map)

    def cards(self, client_ids: Iterable[Any]) -> list[Card]:
        """Cards of several customers (unknown ids skipped); meant for a few hundred at most."""
        return [c for c in (self.card(i) for i in client_ids) if c is not None]

    def reasons(self, client_ids: Iterable[Any] | None = None) -> pd.DataFrame:
        """Vectorised card texts (``CLNT_ID`` + ``<field>_VALUE`` / ``<field>_WHY``) for any set of customers.

        All 0.9 M customers of the full data take about 25 s and several GB of text: ask for the ids you need.
        """
        table = self.table if client_ids is None else self.table[self.table["CLNT_ID"].isin(list(client_ids))]
        texts = fill_fields(display_frame(table))
        texts.insert(0, "CLNT_ID", table["CLNT_ID"].to_numpy())
        return texts.reset_index(drop=True)


def _mode(frame: pd.DataFrame, key: str, value: str, date: str) -> pd.DataFrame:
    """Per ``key``: the most frequent ``value`` (ties: latest ``date``, then name) and its count."""
    if frame.empty:
        return pd.DataFrame({key: pd.Series(dtype="int64"), value: pd.Series(dtype="str"),
                             "n": pd.Series(dtype="int64")})
    g = (frame[[key, value, date]].dropna(subset=[value])
         .groupby([key, value], sort=False, observed=True)
         .agg(n=(date, "size"), last=(date, "max")).reset_index())
    g = g.sort_values([key, "n", "last", value], ascending=[True, False, False, True], kind="mergesort")
    return g.drop_duplicates(key)[[key, value, "n"]].reset_index(drop=True)


def _pattern_texts(patterns: Iterable[str]) -> dict[str, str]:
    out = {}
    for p in patterns:
        p = str(p)
        if len(p) == len(BIT_LABELS) and set(p) <= {"0", "1"}:
            out[p] = " ".join(f"{lab}{'↑' if b == '1' else '↓'}" for lab, b in zip(BIT_LABELS, p))
    return out


def _recommendations(edges: pd.DataFrame, n: int, min_lift: float) -> pd.DataFrame:
    """Per anchor category: partners by lift (desc), count (desc), name, as display strings."""
    require_columns(edges, ("cat_a", "cat_b", "count", "lift"), "edges")
    both = pd.concat([
        pd.DataFrame({"anchor": edges["cat_a"].astype(str), "partner": edges["cat_b"].astype(str),
                      "count": edges["count"], "lift": edges["lift"]}),
        pd.DataFrame({"anchor": edges["cat_b"].astype(str), "partner": edges["cat_a"].astype(str),
                      "count": edges["count"], "lift": edges["lift"]}),
    ], ignore_index=True)
    both = both[(both["lift"] > min_lift) & (both["anchor"] != both["partner"])]
    both = both.sort_values(["anchor", "lift", "count", "partner"], ascending=[True, False, False, True],
                            kind="mergesort").groupby("anchor", sort=False).head(n)
    rows = []
    for anchor, grp in both.groupby("anchor", sort=True):
        rows.append({"RANK1": anchor, "RECOMMENDED": " · ".join(grp["partner"]),
                     "RECOMMEND_DETAIL": " · ".join(f"{p}(lift {lift:.2f})" for p, lift in
                                                    zip(grp["partner"], grp["lift"]))})
    return pd.DataFrame(rows, columns=["RANK1", "RECOMMENDED", "RECOMMEND_DETAIL"])


def _empty_offline() -> pd.DataFrame:
    return pd.DataFrame({"CLNT_ID": pd.Series(dtype="int64"), "STORE_NM": pd.Series(dtype="str"),
                         "PURCHASE_DT": pd.Series(dtype="datetime64[ns]"), "CLAC1_NM": pd.Series(dtype="str"),
                         "AMOUNT": pd.Series(dtype="int64"), "CONSIDER_MIN": pd.Series(dtype="float64")})


def _empty_survey() -> pd.DataFrame:
    return pd.DataFrame({"CLNT_ID": pd.Series(dtype="int64"), "SIGNUP_DT": pd.Series(dtype="datetime64[ns]"),
                         "FAV_CATEGORY": pd.Series(dtype="str"), "REASON": pd.Series(dtype="str"),
                         "CHANNEL": pd.Series(dtype="str")})


#: Columns of the per-customer totals (``helpers.data.queries.services.profile_totals``).
TOTAL_COLUMNS = ("CLNT_ID", "N_SESSIONS", "MAIN_DEVICE", "DEVICE_SESSIONS", "REGION", "REGION_SESSIONS", "CITY",
                 "ONLINE_LINES", "ONLINE_AMOUNT", "ONLINE_LAST_DT")
#: Columns of the latest online lines (``helpers.data.queries.services.recent_purchases``).
RECENT_ONLINE_COLUMNS = ("CLNT_ID", "SESS_ID", "HITS_SEQ", "SESS_DT", "CLAC1_NM", "REVENUE", "DVC_CTG_NM")


def _check_profile_inputs(frames: dict[str, pd.DataFrame], n_recent: int, n_recommend: int) -> dict:
    """Options and columns checked; products normalised; absent store frames replaced by empty ones."""
    for name, value in (("n_recent", n_recent), ("n_recommend", n_recommend)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    f = dict(frames)
    require_columns(f["totals"], TOTAL_COLUMNS, "totals")
    require_columns(f["recent"], RECENT_ONLINE_COLUMNS, "recent")
    require_columns(f["members"], ("CLNT_ID", "CLNT_GENDER", "CLNT_AGE"), "members")
    for key, product in (("grades", "customer_grades"), ("segments", "customer_segments"),
                         ("top3", "preference_top3"), ("edges", "copurchase_edges")):
        f[key] = normalise_product(product, f[key])
    f["offline"] = f["offline"] if f["offline"] is not None else _empty_offline()
    f["survey"] = f["survey"] if f["survey"] is not None else _empty_survey()
    require_columns(f["offline"], ("CLNT_ID", "STORE_NM", "PURCHASE_DT", "CLAC1_NM", "AMOUNT", "CONSIDER_MIN"),
                    "offline")
    require_columns(f["survey"], ("CLNT_ID", "SIGNUP_DT", "FAV_CATEGORY", "REASON", "CHANNEL"), "survey")
    return f


_CUSTOMER_FRAMES = ("totals", "recent", "members", "grades", "segments", "top3")


def _profile_ids(f: dict, customers: Iterable[Any] | None) -> tuple[np.ndarray, dict]:
    """Ids to profile (given, or every customer seen online) and the frames cut to them."""
    if customers is None:
        ids = np.sort(pd.unique(np.concatenate([f[k]["CLNT_ID"].to_numpy(dtype=np.int64) for k in _CUSTOMER_FRAMES])))
        return ids, f
    given = np.asarray(list(customers))
    if given.dtype.kind in "iu" and (given >= 0).all():
        ids = np.unique(given.astype(np.int64))
    else:  # typed ids (text, zero padding): each checked so that a malformed one is named
        ids = np.unique(np.asarray([parse_client_id(c) for c in given.tolist()], dtype=np.int64))
    keep = pd.Index(ids)
    cut = dict(f)
    for k in _CUSTOMER_FRAMES + ("offline", "survey"):
        cut[k] = f[k][f[k]["CLNT_ID"].isin(keep)]
    return ids, cut


def _demographics(base: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """``GENDER``, ``AGE`` (codes) and ``DEMOGRAPHICS`` ('여성 · 30대', NA when neither is known)."""
    mem = members.drop_duplicates("CLNT_ID")[["CLNT_ID", "CLNT_GENDER", "CLNT_AGE"]]
    t = base.merge(mem.rename(columns={"CLNT_GENDER": "GENDER", "CLNT_AGE": "AGE"}), on="CLNT_ID", how="left")
    gender = t["GENDER"].astype("str")
    age = pd.to_numeric(t["AGE"], errors="coerce").astype("Int64")
    gender_ko = gender.map(GENDER_LABELS).fillna("성별 미상").astype(object).to_numpy()
    age_ko = np.where(age.isna().to_numpy(), "연령 미상",
                      age.astype("float64").fillna(0).astype("int64").astype(str).to_numpy(dtype=object) + "대")
    known = (gender.notna() | age.notna()).to_numpy()
    t["GENDER"] = pd.array(gender.to_numpy(), dtype="str")
    t["AGE"] = age
    t["DEMOGRAPHICS"] = pd.array(np.where(known, gender_ko + " · " + age_ko, None), dtype="str")
    return t


def _device_and_region(t: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """Session count, main device and region (modes over sessions) and the main city inside that region."""
    cols = ["CLNT_ID", "N_SESSIONS", "MAIN_DEVICE", "DEVICE_SESSIONS", "REGION", "REGION_SESSIONS", "CITY"]
    t = t.merge(totals[cols], on="CLNT_ID", how="left")
    for col in ("MAIN_DEVICE", "REGION", "CITY"):
        t[col] = _text(t[col])
    t["CITY"] = t["CITY"].mask(t["CITY"] == t["REGION"])  # metropolitan cities: CITY_NM repeats ZON_NM
    return t


def _grade_and_segment(t: pd.DataFrame, grades: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Value grade (chapter 3) and behaviour segment with its pattern in words (chapter 2)."""
    gcols = ["CLNT_ID", "GRADE", "POINT_RATE", "R_SCORE", "F_SCORE", "M_SCORE", "TOT_PRICE"] + \
        (["LAST_DT"] if "LAST_DT" in grades.columns else [])
    t = t.merge(grades[gcols].drop_duplicates("CLNT_ID"), on="CLNT_ID", how="left")
    if "LAST_DT" not in t:
        t["LAST_DT"] = pd.NaT
    seg = segments[["CLNT_ID", "TOP_CATEGORY", "PATTERN", "SEGMENT", "SEGMENT_TYPE"]].drop_duplicates("CLNT_ID")
    t = t.merge(seg, on="CLNT_ID", how="left")
    for col in ("TOP_CATEGORY", "PATTERN", "SEGMENT", "SEGMENT_TYPE"):
        t[col] = t[col].astype("str")
    t["SEGMENT_TYPE"] = t["SEGMENT_TYPE"].fillna(t["SEGMENT"])
    t["PATTERN_TEXT"] = pd.array(t["PATTERN"].map(_pattern_texts(t["PATTERN"].dropna().unique())).to_numpy(),
                                 dtype="str")
    return t


def _preferences(t: pd.DataFrame, top3: pd.DataFrame, edges: pd.DataFrame, n_recommend: int,
                 min_lift: float) -> pd.DataFrame:
    """Top-3 preferences (chapter 5) and co-purchase partners of the rank-1 category (chapter 1)."""
    pcols = ["CLNT_ID", "rank1", "rank1_index", "rank2", "rank2_index", "rank3", "rank3_index"]
    pref = top3[pcols].drop_duplicates("CLNT_ID").rename(columns={c: c.upper() for c in pcols[1:]})
    t = t.merge(pref, on="CLNT_ID", how="left")
    for col in ("RANK1", "RANK2", "RANK3"):
        t[col] = t[col].astype("str")
    return t.merge(_recommendations(edges, n_recommend, min_lift), on="RANK1", how="left")


def _history(t: pd.DataFrame, totals: pd.DataFrame, offline: pd.DataFrame,
             recent: pd.DataFrame) -> pd.DataFrame:
    """Online and offline lines, amounts and last dates, the main store, and how many recent lines are shown."""
    online = totals[["CLNT_ID", "ONLINE_LINES", "ONLINE_AMOUNT", "ONLINE_LAST_DT"]]
    off = offline.groupby("CLNT_ID").agg(OFFLINE_LINES=("AMOUNT", "size"), OFFLINE_AMOUNT=("AMOUNT", "sum"),
                                         OFFLINE_LAST_DT=("PURCHASE_DT", "max"),
                                         OFFLINE_CONSIDER_MIN=("CONSIDER_MIN", "mean"))
    store = _mode(offline, "CLNT_ID", "STORE_NM", "PURCHASE_DT").rename(columns={"STORE_NM": "OFFLINE_STORE"})
    t = t.merge(online, on="CLNT_ID", how="left")
    t = t.merge(off, left_on="CLNT_ID", right_index=True, how="left")
    t = t.merge(store[["CLNT_ID", "OFFLINE_STORE"]], on="CLNT_ID", how="left")
    for col in ("N_SESSIONS", "DEVICE_SESSIONS", "REGION_SESSIONS", "ONLINE_LINES", "OFFLINE_LINES"):
        t[col] = t[col].fillna(0).astype("int64")
    t["ONLINE_AMOUNT"] = t["ONLINE_AMOUNT"].fillna(0.0).astype("float64")
    t["OFFLINE_AMOUNT"] = t["OFFLINE_AMOUNT"].fillna(0).astype("int64")
    t["TOTAL_LINES"] = t["ONLINE_LINES"] + t["OFFLINE_LINES"]
    shown = recent.groupby("CLNT_ID").size().rename("RECENT_SHOWN")
    t = t.merge(shown, left_on="CLNT_ID", right_index=True, how="left")
    t["RECENT_SHOWN"] = t["RECENT_SHOWN"].fillna(0).astype("int64")
    return t


def _survey(t: pd.DataFrame, survey: pd.DataFrame) -> pd.DataFrame:
    sv = survey[["CLNT_ID", "SIGNUP_DT", "FAV_CATEGORY", "REASON", "CHANNEL"]].drop_duplicates("CLNT_ID", keep="last")
    sv = sv.rename(columns={"FAV_CATEGORY": "SURVEY_FAV_CATEGORY", "REASON": "SURVEY_REASON",
                            "CHANNEL": "SURVEY_CHANNEL"})
    return t.merge(sv, on="CLNT_ID", how="left")


def _profile_table(t: pd.DataFrame) -> pd.DataFrame:
    """The profile columns in :data:`PROFILE_COLUMNS` order with their fixed dtypes, sorted by id."""
    for col, kind in PROFILE_COLUMNS.items():
        if kind == "text" and col != "CLNT_ID" and t[col].dtype != "str":
            t[col] = pd.array(t[col].astype("str").to_numpy(), dtype="str")
        elif kind == "date":
            t[col] = pd.to_datetime(t[col]).astype("datetime64[ns]")
    table = t[list(PROFILE_COLUMNS)]
    if not table["CLNT_ID"].is_monotonic_increasing:
        table = table.sort_values("CLNT_ID", kind="mergesort")
    table = table.reset_index(drop=True)
    table["CLNT_ID"] = table["CLNT_ID"].astype("int64")
    return table


def build_profiles(totals: pd.DataFrame, recent_online: pd.DataFrame, members: pd.DataFrame,
                   grades: pd.DataFrame, segments: pd.DataFrame, top3: pd.DataFrame, edges: pd.DataFrame, *,
                   offline: pd.DataFrame | None = None, survey: pd.DataFrame | None = None,
                   customers: Iterable[Any] | None = None, n_recent: int = 5, n_recommend: int = 3,
                   min_lift: float = 1.0, grade_rules: Mapping[str, Any] | None = None) -> ProfileBook:
    """Profiles of every customer (or of ``customers``), built column-wise without a per-customer loop.

    The inputs are engine aggregates, so memory grows with the number of customers, not of purchase lines.

    Parameters
    ----------
    totals : pandas.DataFrame
        One row per customer, :data:`TOTAL_COLUMNS` (``ds.query(queries.services.profile_totals)``): session
        count, main device and region (modes over sessions; ties: the latest session, then name), main city in
        that region, online lines, amount and last purchase day.
    recent_online : pandas.DataFrame
        Each customer's latest online lines, :data:`RECENT_ONLINE_COLUMNS`, at least ``n_recent`` per customer
        when they have them (``ds.query(queries.services.recent_purchases, n=n_recent)``), sorted by id and rank.
    members : pandas.DataFrame
        ``Dataset.customers()``: ``CLNT_ID, CLNT_GENDER, CLNT_AGE``.
    grades, segments, top3, edges : pandas.DataFrame
        Products ``customer_grades``, ``customer_segments``, ``preference_top3``, ``copurchase_edges``
        (normalised by :func:`normalise_product`).
    offline, survey : pandas.DataFrame, optional
        Cleaned store data (``helpers.data.stores``): merged into history, offline and survey fields.
    customers : iterable, optional
        Profile only these ids (unknown ones get an all-missing profile). Default: every customer seen online
        (totals, Custom, grades, segments, preferences).
    n_recent : int, default 5
        Purchase lines kept per customer (online and offline together, latest first).
    n_recommend : int, default 3
        Co-purchase partners of the rank-1 category with ``lift > min_lift``, by lift.
    grade_rules : mapping, optional
        Overrides of ``grades.yaml`` for the grade playbooks shown on the cards.

    Returns
    -------
    ProfileBook

    Raises
    ------
    ValueError
        A missing column (named with its frame) or a bad option.
    """
    f = _check_profile_inputs(dict(totals=totals, recent=recent_online, members=members, grades=grades,
                                   segments=segments, top3=top3, edges=edges, offline=offline, survey=survey),
                              n_recent, n_recommend)
    ids, f = _profile_ids(f, customers)
    t = _demographics(pd.DataFrame({"CLNT_ID": ids}), f["members"])
    t = _device_and_region(t, f["totals"])
    t = _grade_and_segment(t, f["grades"], f["segments"])
    t = _preferences(t, f["top3"], f["edges"], n_recommend, min_lift)
    recent = _recent_lines(f["recent"], f["offline"], n_recent)
    t = _history(t, f["totals"], f["offline"], recent)
    t = _survey(t, f["survey"])
    params = {"n_recent": n_recent, "n_recommend": n_recommend, "min_lift": min_lift,
              "customers": "all" if customers is None else len(ids)}
    return ProfileBook(table=_profile_table(t), recent=recent, playbooks=profile_playbooks(grade_rules=grade_rules),
                       params=params)


def _latest_first(purchases: pd.DataFrame, offline: pd.DataFrame, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions (online first, then offline) of each customer's last ``n`` lines, and the day numbers.

    ``purchases`` are the latest online lines of the engine (ranked there, so lines of the same hit keep its
    order: the sort here is stable). Order: date descending; on the same day offline after online sessions (a store visit usually follows the
    browsing), then session / line order descending.
    """
    on_dates = pd.to_datetime(purchases["SESS_DT"]).to_numpy(dtype="datetime64[D]").astype(np.int64)
    off_dates = pd.to_datetime(offline["PURCHASE_DT"]).to_numpy(dtype="datetime64[D]").astype(np.int64)
    cid = np.concatenate([purchases["CLNT_ID"].to_numpy(dtype=np.int64), offline["CLNT_ID"].to_numpy(dtype=np.int64)])
    day = np.concatenate([on_dates, off_dates])
    is_off = np.concatenate([np.zeros(len(purchases), np.int64), np.ones(len(offline), np.int64)])
    sess = np.concatenate([purchases["SESS_ID"].to_numpy(dtype=np.int64), np.zeros(len(offline), np.int64)])
    seq = np.concatenate([purchases["HITS_SEQ"].to_numpy(dtype=np.int64), np.arange(len(offline), dtype=np.int64)])
    order = np.lexsort((-seq, -sess, -is_off, -day, cid))
    cid_sorted = cid[order]
    if len(order):
        starts = np.r_[0, np.flatnonzero(np.diff(cid_sorted)) + 1]
        group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(order)]))
        rank = np.arange(len(order)) - starts[group]
    else:
        rank = np.zeros(0, dtype=np.int64)
    return order[rank < n], day


def _text(values: Any) -> pd.api.extensions.ExtensionArray:
    """Values as pandas' ``str`` array (no copy when they already are)."""
    return values.array if isinstance(values, pd.Series) and values.dtype == "str" else pd.array(values, dtype="str")


def _mixed_recent(purchases: pd.DataFrame, offline: pd.DataFrame, n: int) -> pd.DataFrame:
    """Last ``n`` lines per customer over online and offline lines together (numpy sort, no per-customer loop)."""
    pick, day = _latest_first(purchases, offline, n)
    n_on = len(purchases)
    on_pick, off_pick = pick[pick < n_on], pick[pick >= n_on] - n_on
    frames = [
        pd.DataFrame({"CLNT_ID": purchases["CLNT_ID"].to_numpy(dtype=np.int64)[on_pick], "_day": day[on_pick],
                      "_off": 0, "_sess": purchases["SESS_ID"].to_numpy(dtype=np.int64)[on_pick],
                      "_seq": purchases["HITS_SEQ"].to_numpy(dtype=np.int64)[on_pick],
                      "CHANNEL": "온라인", "CATEGORY": purchases["CLAC1_NM"].to_numpy(dtype=object)[on_pick],
                      "AMOUNT": purchases["REVENUE"].to_numpy(dtype=float)[on_pick],
                      "PLACE": purchases["DVC_CTG_NM"].to_numpy(dtype=object)[on_pick]}),
        pd.DataFrame({"CLNT_ID": offline["CLNT_ID"].to_numpy(dtype=np.int64)[off_pick], "_day": day[n_on + off_pick],
                      "_off": 1, "_sess": 0, "_seq": off_pick.astype(np.int64),
                      "CHANNEL": "오프라인", "CATEGORY": offline["CLAC1_NM"].to_numpy(dtype=object)[off_pick],
                      "AMOUNT": offline["AMOUNT"].to_numpy(dtype=float)[off_pick],
                      "PLACE": offline["STORE_NM"].to_numpy(dtype=object)[off_pick]}),
    ]
    rec = pd.concat(frames, ignore_index=True)
    rec = rec.sort_values(["CLNT_ID", "_day", "_off", "_sess", "_seq"], ascending=[True, False, False, False, False],
                          kind="mergesort").reset_index(drop=True)
    rec.insert(1, "SEQ", (rec.groupby("CLNT_ID").cumcount() + 1).astype("int64"))
    rec.insert(2, "DATE", pd.to_datetime(rec["_day"].to_numpy(dtype="datetime64[D]")).astype("datetime64[ns]"))
    return rec.drop(columns=["_day", "_off", "_sess", "_seq"])


def _online_recent(online: pd.DataFrame, n: int) -> pd.DataFrame:
    """The first ``n`` lines per customer of engine-ranked online lines (already latest first per customer)."""
    rank = online.groupby("CLNT_ID", sort=False).cumcount().to_numpy()
    pos = np.flatnonzero(rank < n)
    return pd.DataFrame({
        "CLNT_ID": online["CLNT_ID"].to_numpy(dtype=np.int64)[pos], "SEQ": (rank[pos] + 1).astype("int64"),
        "DATE": pd.to_datetime(online["SESS_DT"]).to_numpy(dtype="datetime64[D]")[pos].astype("datetime64[ns]"),
        "CHANNEL": pd.Series("온라인", index=pd.RangeIndex(len(pos)), dtype="str"),
        "CATEGORY": _text(online["CLAC1_NM"]).take(pos), "AMOUNT": online["REVENUE"].to_numpy(dtype=float)[pos],
        "PLACE": _text(online["DVC_CTG_NM"]).take(pos)})


def _recent_lines(online: pd.DataFrame, offline: pd.DataFrame, n: int) -> pd.DataFrame:
    """Last ``n`` lines per customer over online and offline purchases: ``CLNT_ID, SEQ`` + :data:`RECENT_COLUMNS`.

    ``online`` comes ranked from the engine (latest first per customer), so customers without store records keep
    their first ``n`` lines as they are; only those with store records are ranked again with them.
    """
    with_store = online["CLNT_ID"].isin(offline["CLNT_ID"]).to_numpy()
    parts = [_online_recent(online[~with_store], n), _mixed_recent(online[with_store], offline, n)]
    rec = pd.concat(parts, ignore_index=True)
    rec = rec.take(np.argsort(rec["CLNT_ID"].to_numpy(), kind="stable")).reset_index(drop=True)
    for col in ("CHANNEL", "CATEGORY", "PLACE"):
        rec[col] = _text(rec[col])
    return rec[["CLNT_ID", "SEQ", "DATE", "CHANNEL", "CATEGORY", "AMOUNT", "PLACE"]]


# ------------------------------------------------------------------------------------------------
# Profiles from a rendered report (CLI, scan)
# ------------------------------------------------------------------------------------------------
class ReportProfiles:
    """Profiles saved by chapter 6 in ``<report_dir>/data`` (``customer_profiles``, ``customer_recent_purchases``,
    ``profile_playbooks``), read one customer at a time with Parquet filters.

    Raises
    ------
    UpstreamMissing
        The report folder or a product is missing (run the report, or chapter 6, first).
    """

    PRODUCTS = ("customer_profiles", "customer_recent_purchases", "profile_playbooks")

    def __init__(self, report_dir: str | Path):
        self.report_dir = Path(report_dir)
        data = self.report_dir / "data"
        for name in self.PRODUCTS:
            if not (data / f"{name}.parquet").is_file():
                raise UpstreamMissing(f"'{data / (name + '.parquet')}' not found: render the report first "
                                      "(python -m helpers report, chapter 06_services) or pass --report-dir "
                                      "pointing at a rendered report folder.")
        self._data = data
        self.playbook_map = playbook_dict(pd.read_parquet(data / "profile_playbooks.parquet"))

    def lookup(self, client_id: Any) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        cid = parse_client_id(client_id)
        row = pd.read_parquet(self._data / "customer_profiles.parquet", filters=[("CLNT_ID", "==", cid)])
        if row.empty:
            return None
        recent = pd.read_parquet(self._data / "customer_recent_purchases.parquet", filters=[("CLNT_ID", "==", cid)])
        return row.head(1), recent.sort_values("SEQ", kind="mergesort")

    def card(self, client_id: Any) -> Card | None:
        found = self.lookup(client_id)
        return None if found is None else make_card(found[0], found[1], self.playbook_map)
