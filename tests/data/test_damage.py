"""Damage suite: one kind of damage per copy of tiny generated files, each with its outcome class.

Outcome classes: ``as_written`` (cleaned tables and log as for the undamaged copy), ``repair`` (a named rule
counts the changed rows, no row lost), ``drop`` (a named rule counts the lost rows and the table has that many
fewer rows), ``error`` (a DataError naming the file and the column or line). Every loaded copy also satisfies
the row accounting per table: raw records = set aside + dropped + kept.
Damage is placed deep in the files (past the first thousand rows where the tables are that long).
"""
from __future__ import annotations

import csv
import io
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from helpers.common.errors import DataError
from helpers.data import cleaning, synthetic
from helpers.data.loader import load_dataset

START, END = "2018-04-01", "2018-09-30"
PATTERN = {"product": "*01.Pruduct.csv", "search1": "*02.Search1.csv", "search2": "*03.Search2.csv",
           "custom": "*04.Custom.csv", "session": "*05.Session.csv", "master": "*06.Master.csv"}
# A data row deep in each table (tiny scale: product ≈ 3,000, search2 ≈ 4,800, master 1,500 rows).
DEEP = {"product": 1500, "search1": 1200, "search2": 3000, "custom": 300, "session": 900, "master": 1000}


# ------------------------------------------------------------------------------------------------
# Editing raw files
# ------------------------------------------------------------------------------------------------

def _path(folder: Path, table: str) -> Path:
    return next(folder.glob(PATTERN[table]))


def _lines(folder: Path, table: str) -> list[str]:
    return _path(folder, table).read_text(encoding="utf-8").splitlines(keepends=True)


def _save(folder: Path, table: str, lines: list[str]) -> None:
    _path(folder, table).write_text("".join(lines), encoding="utf-8")


def _fields(line: str) -> list[str]:
    return next(csv.reader(io.StringIO(line)))


def _join(fields: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(fields)
    return buf.getvalue()


def _header(folder: Path, table: str) -> list[str]:
    return _fields(_lines(folder, table)[0].lstrip("\ufeff"))


def set_value(table: str, column: str, value: str, *, raw: bool = False, row: int | None = None):
    """Damage: one value of a deep row (``raw``: written as is, without CSV quoting)."""
    def apply(folder: Path) -> None:
        lines, r = _lines(folder, table), row or DEEP[table]
        fields = _fields(lines[r])
        i = _header(folder, table).index(column)
        if raw:
            parts = [_join([f]).rstrip("\n") for f in fields]
            parts[i] = value
            lines[r] = ",".join(parts) + "\n"
        else:
            fields[i] = value
            lines[r] = _join(fields)
        _save(folder, table, lines)
    return apply


def edit_line(table: str, fn: Callable[[str], str], row: int | None = None):
    def apply(folder: Path) -> None:
        lines = _lines(folder, table)
        r = row or DEEP[table]
        lines[r] = fn(lines[r])
        _save(folder, table, lines)
    return apply


def insert_line(table: str, text: str | Callable[[list[str]], str], at: int | None = None):
    def apply(folder: Path) -> None:
        lines = _lines(folder, table)
        line = text(lines) if callable(text) else text
        lines.insert(at if at is not None else len(lines), line)
        _save(folder, table, lines)
    return apply


def whole_file(table: str, fn: Callable[[bytes], bytes]):
    def apply(folder: Path) -> None:
        p = _path(folder, table)
        p.write_bytes(fn(p.read_bytes()))
    return apply


def _conflicting_product(lines: list[str]) -> str:
    f = _fields(lines[DEEP["product"]])
    f[6] = "999,000"
    return _join(f)


# ------------------------------------------------------------------------------------------------
# Cases
# ------------------------------------------------------------------------------------------------

@dataclass
class Case:
    name: str
    damage: Callable[[Path], None]
    outcome: str                       # as_written / repair / drop / error
    table: str = ""
    rule: str = ""                     # log rule fragment that must count the rows
    n: int = 1
    kept_delta: int | None = None      # change of the table's kept rows (default: -n for drop, else 0)
    error: str = ""                    # regex the DataError must match
    check: Callable | None = None      # extra check on the loaded Dataset


def _kept_value(col: str, expect, table: str = "product", row: int | None = None):
    """Extra check: the cleaned value of ``col`` for the damaged deep row's key."""
    def check(ds, folder):
        f = _fields(_lines(folder, table)[row or DEEP[table]])
        cid, sid = int(f[0]), int(f[1])
        df = pd.read_parquet(ds.paths[table])
        got = df[(df.CLNT_ID == cid) & (df.SESS_ID == sid) & (df.HITS_SEQ == int(f[2]))][col]
        assert list(got) == [expect]
    return check


def _master_name_contains(text: str):
    def check(ds, folder):
        names = pd.read_parquet(ds.paths["master"])["PD_NM"]
        assert names.str.contains(text, regex=False).sum() == 1
    return check


CASES = [
    # -- structure: fields and quotes ----------------------------------------------------------
    Case("unquoted price with separators", set_value("product", "PD_BUY_AM", "1,250,000", raw=True),
         "drop", "product", "필드가 너무 많음"),
    Case("unquoted comma in a product name", set_value("master", "PD_NM", "가죽 벨트, 블랙", raw=True),
         "drop", "master", "필드가 너무 많음"),
    Case("unclosed quote in a product name", set_value("master", "PD_NM", '"가죽 벨트 블랙', raw=True),
         "drop", "master", "닫히지 않은 따옴표"),
    Case("unclosed quote in the last line", insert_line("master", '999991,"끝 이름,가구,거실가구,소파\n'),
         "drop", "master", "닫히지 않은 따옴표", kept_delta=0),
    Case("quoted newline in a name (valid CSV)", set_value("master", "PD_NM", "두 줄\n이름"), "as_written",
         check=_master_name_contains("두 줄\n이름")),
    Case("quoted comma in a name (valid CSV)", set_value("master", "PD_NM", "벨트, 블랙, 화이트"), "as_written",
         check=_master_name_contains("벨트, 블랙, 화이트")),
    Case("stray quote inside an unquoted value", set_value("search1", "KWD_NM", '원피"스', raw=True), "as_written"),
    Case("unquoted session time with separator", set_value("session", "TOT_SESS_HR_V", "1,890", raw=True),
         "drop", "session", "필드가 너무 많음"),
    Case("row with a missing field", edit_line("product", lambda s: s.rsplit(",", 1)[0] + "\n"),
         "drop", "product", "필드가 모자람"),
    Case("row with an extra trailing field", edit_line("product", lambda s: s.rstrip("\n") + ",x\n"),
         "drop", "product", "필드가 너무 많음"),
    Case("blank line in the middle", insert_line("session", "\n", at=DEEP["session"]),
         "drop", "session", "빈 줄", kept_delta=0),
    Case("two broken quotes close together", lambda f: (set_value("search1", "KWD_NM", '"원피스', raw=True)(f),
                                                        set_value("search1", "KWD_NM", 'x"y', raw=True,
                                                                  row=DEEP["search1"] + 2)(f)),
         "drop", "search1", "따옴표", kept_delta=-3),
    Case("Windows line ends (CRLF)", whole_file("custom", lambda b: b.replace(b"\n", b"\r\n")), "as_written"),
    Case("BOM and quoted header", whole_file("session", lambda b: b"\xef\xbb\xbf" + b.replace(
        b"CLNT_ID,SESS_ID", b'"CLNT_ID","SESS_ID"', 1)), "as_written"),
    Case("CP949 file", whole_file("master", lambda b: b.decode("utf-8").encode("cp949")), "as_written"),
    # -- emptiness and headers -------------------------------------------------------------------
    Case("header-only Product", whole_file("product", lambda b: b.split(b"\n", 1)[0] + b"\n"), "error",
         error=r"table 01 product .*01\.Pruduct\.csv.*no data rows"),
    Case("header-only Custom", whole_file("custom", lambda b: b.split(b"\n", 1)[0] + b"\n"), "error",
         error=r"table 04 custom .*04\.Custom\.csv.*no data rows"),
    Case("empty Master file", whole_file("master", lambda b: b""), "error",
         error=r"06\.Master\.csv.*empty \(no header row\)"),
    Case("renamed column", whole_file("product", lambda b: b.replace(b"PD_BUY_AM", b"PD_BUY_AMT", 1)), "error",
         error=r"01\.Pruduct\.csv.*lacks column\(s\) PD_BUY_AM in its header \(line 1\)"),
    Case("no parseable session date", whole_file("session", lambda b: re.sub(rb",(2018)(\d\d)(\d\d),",
                                                                          rb",\3/\2/\1,", b)), "error",
         error=r"table 05 session .*all .* rows were dropped.*SESS_DT YYYYMMDD 아닌 형식"),
    Case("invalid UTF-8 late in a file", whole_file("search2", lambda b: b[:-200] + b"\xff\xfe" + b[-200:]),
         "error", error=r"03\.Search2\.csv.*cannot be decoded.*line \d{4}"),
    # -- numbers ---------------------------------------------------------------------------------
    Case("fractional quantity", set_value("product", "PD_BUY_CT", "1.5"), "drop", "product", "PD_BUY_CT 소수"),
    Case("dot-thousands price", set_value("product", "PD_BUY_AM", "13.200"), "drop", "product",
         "PD_BUY_AM 점 천 단위"),
    Case("non-finite price", set_value("product", "PD_BUY_AM", "inf"), "drop", "product", "PD_BUY_AM 무한대"),
    Case("hex-like price", set_value("product", "PD_BUY_AM", "0x10"), "drop", "product", "PD_BUY_AM 16진수"),
    Case("hex-like client id", set_value("product", "CLNT_ID", "0x10"), "drop", "product", "CLNT_ID 16진수"),
    Case("fractional client id", set_value("product", "CLNT_ID", "101.5"), "drop", "product", "CLNT_ID 소수"),
    Case("scientific price", set_value("product", "PD_BUY_AM", "3.9e4"), "drop", "product", "PD_BUY_AM 소수"),
    Case("negative price", set_value("product", "PD_BUY_AM", "-39,000"), "drop", "product", "PD_BUY_AM 음수"),
    Case("zero quantity", set_value("product", "PD_BUY_CT", "0"), "drop", "product", "PD_BUY_CT 0 이하"),
    Case("text price", set_value("product", "PD_BUY_AM", "n/a"), "drop", "product", "PD_BUY_AM 숫자 아님"),
    Case("empty price", set_value("product", "PD_BUY_AM", ""), "drop", "product", "PD_BUY_AM 빈 값"),
    Case("text hit sequence", set_value("product", "HITS_SEQ", "abc"), "drop", "product", "HITS_SEQ 숫자 아님"),
    Case("quantity written 2.0", set_value("product", "PD_BUY_CT", "2.0"), "repair", "product",
         "PD_BUY_CT 소수점 0", check=_kept_value("PD_BUY_CT", 2)),
    Case("product code written 123.0", edit_line("product", lambda s: re.sub(r"^(\d+,\d+,\d+,)(\d+),",
                                                                             r"\g<1>\g<2>.0,", s)),
         "repair", "product", "PD_C 소수점 0"),
    Case("price without separators", set_value("product", "PD_BUY_AM", "39000"), "as_written",
         rule="PD_BUY_AM 천 단위", check=_kept_value("PD_BUY_AM", 39000.0)),
    Case("zero-padded client id", edit_line("search1", lambda s: "000" + s), "as_written"),
    Case("dot-thousands search count", set_value("search2", "SEARCH_CNT", "1.234"), "drop", "search2",
         "SEARCH_CNT 점 천 단위"),
    Case("negative search count", set_value("search1", "SEARCH_CNT", "-2"), "drop", "search1", "SEARCH_CNT 음수"),
    Case("empty keyword", set_value("search1", "KWD_NM", ""), "drop", "search1", "KWD_NM 빈 값"),
    Case("non-finite page views", set_value("session", "TOT_PAG_VIEW_CT", "inf"), "repair", "session",
         "TOT_PAG_VIEW_CT 숫자 아님/음수/모호한 형식 → 결측"),
    Case("negative session seconds", set_value("session", "TOT_SESS_HR_V", "-5"), "repair", "session",
         "TOT_SESS_HR_V 숫자 아님/음수/모호한 형식 → 결측"),
    Case("fractional age", set_value("custom", "CLNT_AGE", "30.5"), "repair", "custom", "CLNT_AGE 숫자 아님"),
    # -- dates -----------------------------------------------------------------------------------
    Case("impossible session date", set_value("session", "SESS_DT", "20180231"), "drop", "session",
         "SESS_DT 없는 날짜"),
    Case("day/month/year session date", set_value("session", "SESS_DT", "05/06/2018"), "drop", "session",
         "SESS_DT YYYYMMDD 아닌 형식"),
    Case("ISO session date", set_value("session", "SESS_DT", "2018-05-06"), "drop", "session",
         "SESS_DT YYYYMMDD 아닌 형식"),
    Case("day/month/year search date", set_value("search2", "SESS_DT", "05/06/2018"), "drop", "search2",
         "SESS_DT YYYYMMDD 아닌 형식"),
    # -- codes -----------------------------------------------------------------------------------
    Case("lower-case gender", set_value("custom", "CLNT_GENDER", "f"), "repair", "custom", "성별 소문자"),
    Case("unknown gender", set_value("custom", "CLNT_GENDER", "X"), "repair", "custom", "성별이 F/M 아님"),
    Case("capitalised device", set_value("session", "DVC_CTG_NM", "Mobile"), "repair", "session", "기기 대문자"),
    Case("unknown device", set_value("session", "DVC_CTG_NM", "smartTV"), "repair", "session", "기기가"),
    Case("empty category", set_value("master", "CLAC1_NM", ""), "repair", "master", "CLAC1_NM 빈 값"),
    # -- duplicates ------------------------------------------------------------------------------
    Case("exact duplicate Product row far away", insert_line("product", lambda ls: ls[DEEP["product"]]),
         "drop", "product", "완전히 같은 중복 행", kept_delta=0),
    Case("conflicting Product key (other price) first in file", insert_line("product", _conflicting_product, at=1),
         "drop", "product", "중복 키(CLNT_ID, SESS_ID, HITS_SEQ, PD_C, PD_ADD_NM)", kept_delta=0,
         check=_kept_value("PD_BUY_AM", 999000.0, row=DEEP["product"] + 1)),
    Case("exact duplicate Search1 row", insert_line("search1", lambda ls: ls[DEEP["search1"]]), "drop", "search1",
         "완전히 같은 중복 행", kept_delta=0),
    Case("exact duplicate Search2 row", insert_line("search2", lambda ls: ls[DEEP["search2"]]), "drop", "search2",
         "완전히 같은 중복 행", kept_delta=0),
    Case("conflicting Master key", insert_line("master", lambda ls: ls[DEEP["master"]].replace(",", ",다른 ", 1)),
         "drop", "master", "중복 키(PD_C)", kept_delta=0),
    Case("conflicting Custom key", insert_line("custom", lambda ls: ls[DEEP["custom"]].rsplit(",", 1)[0] + ",80\n"),
         "drop", "custom", "중복 키(CLNT_ID)", kept_delta=0),
    Case("exact duplicate Session row", insert_line("session", lambda ls: ls[DEEP["session"]]), "drop", "session",
         "완전히 같은 중복 행", kept_delta=0),
    # -- joins -----------------------------------------------------------------------------------
    Case("Product line without a session", insert_line("product", "9999999,1,5,3,(not set),x,\"1,000\",1\n"),
         "drop", "product", "Session에 없음", kept_delta=1),
    Case("Product line whose PD_C is not in Master", insert_line("product", lambda ls: re.sub(
        r"^(\d+,\d+,)\d+,\d+,", r"\g<1>777,99999999,", ls[DEEP["product"]])), "repair", "product", "Master에 없음",
         kept_delta=1),
    Case("Search1 row of an unknown session", insert_line("search1", "9999999,1,원피스,2\n"), "drop", "search1",
         "Session에 없는 검색 행", kept_delta=1),
]


# ------------------------------------------------------------------------------------------------
# Running a case
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("damage")
    synthetic.generate(root / "clean", scale="tiny", seed=7, dirty=False)
    ds = _load(root / "clean", root / "cache")
    out = {"folder": root / "clean", "log": ds.cleaning_log, "kept": ds.accounting().set_index("table")}
    ds.close()
    return out


def _load(folder: Path, cache: Path):
    return load_dataset(folder, START, END, cache_dir=cache, progress=lambda *_: None)


def _count(log: pd.DataFrame, table: str, fragment: str) -> int:
    hit = log[(log["table"] == table) & log["rule"].str.contains(fragment, regex=False)]
    return int(hit["rows"].sum())


def _assert_accounting(ds) -> None:
    acc = ds.accounting()
    assert (acc["raw_rows"] == acc["set_aside"] + acc["dropped"] + acc["clean_rows"]).all(), acc


def _run_case(case: Case, base: dict, tmp_path: Path):
    folder = tmp_path / "copy"
    shutil.copytree(base["folder"], folder)
    case.damage(folder)
    if case.outcome == "error":
        with pytest.raises(DataError) as err:
            _load(folder, tmp_path / "cache")
        assert re.search(case.error, str(err.value), re.S), str(err.value)
        return None
    ds = _load(folder, tmp_path / "cache")
    _assert_accounting(ds)
    kept = ds.accounting().set_index("table")["clean_rows"]
    if case.outcome == "as_written":  # ``rule`` names a count that may move (a format that needs no repair now)
        same = (lambda log: log[~log["rule"].str.contains(case.rule, regex=False)]) if case.rule else (lambda x: x)
        pd.testing.assert_frame_equal(same(ds.cleaning_log), same(base["log"]))
        assert kept.equals(base["kept"]["clean_rows"])
    else:
        assert _count(ds.cleaning_log, case.table, case.rule) - _count(base["log"], case.table, case.rule) == case.n
        delta = case.kept_delta if case.kept_delta is not None else (-case.n if case.outcome == "drop" else 0)
        assert kept[case.table] - base["kept"].loc[case.table, "clean_rows"] == delta
    if case.check:
        case.check(ds, folder)
    ds.close()
    return ds


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_damage(case, base, tmp_path):
    _run_case(case, base, tmp_path)


def test_suite_size_and_classes():
    classes = Counter(c.outcome for c in CASES)
    assert len(CASES) >= 40 and set(classes) == {"as_written", "repair", "drop", "error"}


def test_set_aside_lines_are_a_data_product_with_line_numbers(base, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(base["folder"], folder)
    set_value("master", "PD_NM", "가죽 벨트, 블랙", raw=True)(folder)
    set_value("master", "PD_NM", '"열린 따옴표', raw=True, row=DEEP["master"] + 20)(folder)
    ds = _load(folder, tmp_path / "cache")
    rej = ds.rejected_lines()
    assert list(rej.columns) == ["table", "file", "line", "rule", "text"]
    got = rej[rej.table == "master"].set_index("line")
    assert list(got.index) == [DEEP["master"] + 1, DEEP["master"] + 21]  # physical lines, header = 1
    assert "가죽 벨트, 블랙" in got.loc[DEEP["master"] + 1, "text"] and got["file"].str.endswith("Master.csv").all()
    ds.close()


def test_excel_cut_table_is_warned_loudly(base, tmp_path, monkeypatch):
    rows = int(base["kept"].loc["custom", "raw_rows"])
    monkeypatch.setattr(cleaning, "EXCEL_ROW_LIMIT", rows)
    said = []
    ds = load_dataset(base["folder"], START, END, cache_dir=tmp_path / "c", progress=said.append)
    warn = ds.cleaning_log[ds.cleaning_log["action"] == "warning"]
    assert list(warn["table"]) == ["custom"] and "Excel" in warn["rule"].iloc[0] and warn["rows"].iloc[0] == rows
    assert any("WARNING" in s and "custom" in s for s in said)
    ds.close()


def test_sessionless_lines_are_counted_with_revenue(base, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(base["folder"], folder)
    insert_line("product", "9999999,1,5,3,(not set),x,\"1,000\",3\n")(folder)
    ds = _load(folder, tmp_path / "cache")
    before = _load(base["folder"], tmp_path / "c0").sessionless_lines().iloc[0]
    after = ds.sessionless_lines().iloc[0]
    assert after["lines"] - before["lines"] == 1 and after["revenue"] - before["revenue"] == 3000
    assert 0 < after["line_share"] < 1
    ds.close()
