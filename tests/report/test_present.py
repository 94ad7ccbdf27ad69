"""The display layer: one Korean format per column, translated code values, sortable long tables, products."""
from __future__ import annotations

import json
import re

import pandas as pd

from helpers.report import present


def _cells(styler) -> list[list[str]]:
    """The displayed text of every body cell, row by row (what the page shows)."""
    html = styler.to_html()
    heads = re.findall(r'<th [^>]*class="col_heading[^"]*"[^>]*>(.*?)</th>', html)
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", tr) for tr in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)]
    return [r for r in rows if r], heads


def test_every_kind_has_its_korean_format():
    df = pd.DataFrame({"CLNT_ID": [82232, 1234567], "revenue": [150_000_000.0, 9_500.0], "share": [0.147, 0.5],
                       "date": pd.to_datetime(["2018-05-01", "2018-05-02"]), "n_lines": [1.0, 2540.0],
                       "is_main": [True, False], "DVC_CTG_NM": ["mobile", "desktop"], "ZON_NM": ["Seoul", "Busan"],
                       "gender": ["F", "M"], "score": [904.29, 2540.0], "small": [0.12345, 0.5]})
    rows, cols = _cells(present.table_styler(df))
    assert cols[:4] == ["고객 ID", "매출액", "비율", "날짜"]
    assert rows[0] == ["82232", "1.5억원", "14.7%", "2018-05-01", "1", "예", "모바일", "서울", "여성", "904", "0.123"]
    assert rows[1] == ["1234567", "9,500원", "50.0%", "2018-05-02", "2,540", "아니오", "데스크톱", "부산", "남성",
                       "2,540", "0.500"]


def test_missing_values_and_text_flags_never_show_code():
    df = pd.DataFrame({"label": ["True", None, "nan"], "value": [1.5, float("nan"), 2.25],
                       "when": pd.to_datetime(["2018-05-01", None, "2018-05-03"])})
    rows, _ = _cells(present.table_styler(df))
    flat = " ".join(" ".join(r) for r in rows)
    assert rows[0][0] == "예" and "nan" not in flat.lower() and "NaT" not in flat and "None" not in flat
    assert [r[1] for r in rows] == ["1.50", "–", "2.25"] and "00:00:00" not in flat


def test_long_tables_are_sortable_and_short_ones_are_not():
    long = pd.DataFrame({"n_lines": range(present.SORTABLE_MIN_ROWS)})
    assert f'class="{present.SORTABLE_CLASS}"' in present.table_styler(long).to_html()
    assert present.SORTABLE_CLASS not in present.table_styler(long.head(3)).to_html()
    assert present.table_styler(long, max_rows=5).to_html().count("<tr") == 6  # header + 5 rows


def test_save_product_rounds_float_noise_and_records_the_catalogue(tmp_path, monkeypatch):
    monkeypatch.setenv(present.CHAPTER_ENV, "03")
    df = pd.DataFrame({"CLNT_ID": [1, 2], "POINTS": [31.400000000000002, 100.00000000000001]})
    present.save_product(df, "customer_grades", tmp_path)
    present.save_product(df, "my_extra", tmp_path, description="직접 설명한 산출물")
    csv = (tmp_path / "data" / "customer_grades.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[1:] == ["1,31.4", "2,100.0"]
    assert pd.read_parquet(tmp_path / "data" / "customer_grades.parquet")["POINTS"].tolist() == [31.4, 100.0]
    assert df["POINTS"].iloc[0] == 31.400000000000002  # the caller's frame is untouched
    cat = json.loads((tmp_path / "data" / present.CATALOGUE_FILE).read_text(encoding="utf-8"))
    assert cat["customer_grades"] == {"chapter": "03", "columns": ["CLNT_ID", "POINTS"], "rows": 2,
                                      "description": present.PRODUCTS["customer_grades"][1]}
    assert cat["my_extra"]["description"] == "직접 설명한 산출물"


def test_every_product_a_notebook_saves_is_in_the_registry():
    from helpers.common import config
    names = set()
    for nb in config.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"):
        names |= set(re.findall(r"save_product\([^'\"]*['\"]([a-z0-9_]+)['\"]", nb.read_text(encoding="utf-8")))
        for name in set(re.findall(r"save_product\([^'\"]*['\"]([a-z0-9_]+)['\"]", nb.read_text(encoding="utf-8"))):
            assert present.PRODUCTS[name][0] == nb.name[:2], (name, nb.name)
    assert names and names <= set(present.PRODUCTS)


def test_date_column_headers_are_plain_dates():
    wide = pd.DataFrame({pd.Timestamp("2018-05-01"): [1.0], pd.Timestamp("2018-05-02"): [2.0]})
    _, heads = _cells(present.table_styler(wide))
    assert heads == ["2018-05-01", "2018-05-02"]


def test_save_product_bytes_do_not_depend_on_frame_attrs(tmp_path):
    """Run timings kept in DataFrame.attrs must not reach the Parquet metadata (byte-identical reruns)."""
    frames = [pd.DataFrame({"x": [1.5, 2.5]}) for _ in range(2)]
    frames[0].attrs["seconds"], frames[1].attrs["seconds"] = 2.5, 2.08
    digests = []
    for i, df in enumerate(frames):
        present.save_product(df, "timed", tmp_path / str(i))
        digests.append((tmp_path / str(i) / "data" / "timed.parquet").read_bytes())
    assert digests[0] == digests[1]
    assert frames[0].attrs == {"seconds": 2.5}  # the caller's frame keeps its attrs
