"""The site layer: findings computed from planted data products, the page frame, the index and catalogue."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest

from helpers.report import present, site

PAGES = [site.PageRef("01_data_eda", "01. 데이터 준비"), site.PageRef("03_value_grading", "03. 고객 가치 등급"),
         site.PageRef("04_demand_forecast", "04. 수요 예측"), site.PageRef("05_preference_index", "05. 선호지수"),
         site.PageRef("06_services", "06. 신규 서비스")]


def _save(folder, name, df):
    present.save_product(df, name, folder)


@pytest.fixture
def planted(tmp_path):
    """A report folder whose products carry hand-chosen values (every number below is checked by a test)."""
    grades = pd.DataFrame({"CLNT_ID": range(1, 11),
                           "GRADE": ["스타", "스타", "나비", "계륵", "계륵", "계륵", "관리제외", "관리제외", "관리제외", "관리제외"],
                           "TOT_PRICE": [300.0, 300.0, 100.0, 50.0, 50.0, 50.0, 37.5, 37.5, 37.5, 37.5]})
    _save(tmp_path, "customer_grades", grades)  # revenue 1,000: 스타 600 = 60.0 %, 2 of 10 customers = 20.0 %
    _save(tmp_path, "grade_holdout_check", pd.DataFrame({"GRADE": ["스타", "나비", "계륵", "관리제외"],
                                                         "BUYER_SHARE": [0.9, 0.2, 0.6, 0.25]}))
    _save(tmp_path, "demand_dips", pd.DataFrame({
        "category": ["가구", "여성의류", "가구"], "start": pd.to_datetime(["2018-10-03", "2018-10-09", "2018-09-01"]),
        "end": pd.to_datetime(["2018-10-03", "2018-10-10", "2018-09-01"]), "max_drop_pct": [0.30, 0.45, 0.90],
        "source": ["future", "future", "backtest"]}))
    _save(tmp_path, "campaign_targets", pd.DataFrame({
        "CLNT_ID": [5, 6, 7], "TARGET_CATEGORY": ["여성의류"] * 3, "GRADE": ["스타", "계륵", "계륵"],
        "CAMPAIGN_START": pd.to_datetime(["2018-10-09"] * 3), "CAMPAIGN_END": pd.to_datetime(["2018-10-10"] * 3)}))
    _save(tmp_path, "demand_model_choice", pd.DataFrame({
        "category": ["가구", "여성의류", "패션잡화"], "chosen_model": ["SARIMAX", "SARIMAX", "LSTM"],
        "mase_chosen": [0.8, 0.9, 1.2], "mase_seasonal_naive": [1.0, 1.0, 1.0]}))
    _save(tmp_path, "backtest_metrics", pd.DataFrame({
        "unique_id": ["가구", "가구", "여성의류", "여성의류"] * 2, "model": ["LSTM", "SeasonalNaive"] * 4,
        "bucket": ["1-30d"] * 4 + ["1d"] * 4, "mase": [0.9, 1.0, 1.3, 1.0, 0.1, 1.0, 0.1, 1.0]}))
    _save(tmp_path, "preference_methods", pd.DataFrame({
        "method": ["report", "own_most_bought", "popularity"], "method_ko": ["선호지수", "기준선: 본인 최다 구매 상품군",
                                                                             "기준선: 전체 인기 상품군"],
        "segment": ["전체"] * 3, "n_customers": [100] * 3, "top1_hit_rate": [0.386, 0.431, 0.2],
        "top3_hit_rate": [0.5, 0.6, 0.4], "chosen": [True, False, False]}))
    _save(tmp_path, "copurchase_edges", pd.DataFrame({"cat_a": ["여성의류", "가구"], "cat_b": ["패션잡화", "주방"],
                                                      "count": [12, 30], "lift": [1.5, 2.25]}))
    return tmp_path


def _by_chapter(findings):
    return {f.chapter: f for f in findings}


def test_findings_state_the_planted_values(planted):
    found = site.compute_findings(planted / "data")
    texts = [f.text for f in found]
    assert 5 <= len(found) <= 7
    assert texts[0] == "스타 고객 2명(구매 고객의 20.0%)이 매출의 60.0%를 만듭니다."
    assert "다음 수요 급감: 여성의류 2018-10-09 ~ 2018-10-10, 평소 같은 요일보다 최대 45.0% 낮을" in texts[1]
    assert texts[2].startswith("여성의류 캠페인 타겟 3명을 골랐습니다 (스타 1명, 계륵 2명), 캠페인 기간 2018-10-09 ~ 2018-10-10")
    holdout = next(t for t in texts if t.startswith("다음 기간 재구매율"))
    assert holdout == "다음 기간 재구매율: 스타 90.0%, 나비 20.0%, 계륵 60.0%, 관리제외 25.0%. 나비 고객이 계륵보다 덜 다시 삽니다."
    forecast = next(t for t in texts if t.startswith("수요 예측"))
    assert "3개 상품군 중 2개에서" in forecast and "SARIMAX+날씨 2개, LSTM(예측 시점 날씨) 1개" in forecast
    pref = next(f for f in found if f.chapter == "05")
    assert "38.6%" in pref.text and "본인 최다 구매 상품군 규칙(43.1%)보다 낮습니다" in pref.text
    assert "본인 최다 구매 상품군" in pref.action
    assert all(f.action for f in found)


def test_findings_without_a_product_drop_only_that_finding(planted):
    (planted / "data" / "campaign_targets.parquet").unlink()
    (planted / "data" / "grade_holdout_check.parquet").unlink()
    texts = [f.text for f in site.compute_findings(planted / "data")]
    assert not any("캠페인 타겟" in t or "재구매율" in t for t in texts)
    assert any(t.startswith("스타 고객 2명") for t in texts) and any("가장 자주 함께 사는" in t for t in texts)
    assert site.compute_findings(planted / "nothing") == []


def test_monotone_holdout_and_copurchase_pair(planted):
    _save(planted, "grade_holdout_check", pd.DataFrame({"GRADE": ["스타", "나비", "계륵"],
                                                        "BUYER_SHARE": [0.9, 0.7, 0.5]}))
    found = {f.text.split(":")[0]: f for f in site.compute_findings(planted / "data", limit=10)}
    assert found["등급이 높을수록 다음 기간에 더 많이 다시 삽니다"].text.endswith("스타 90.0%, 나비 70.0%, 계륵 50.0%.")
    pair = next(f for f in found.values() if f.chapter == "01")
    assert pair.text == "가장 자주 함께 사는 상품군은 가구 + 주방입니다: 같은 세션 30회 (우연보다 2.2배 자주)."


def test_kpis_and_caveats_from_planted_products(planted):
    tiles = {label: (value, note) for label, value, note in site.compute_kpis(planted / "data")}
    assert tiles["구매 고객"][0] == "10명" and tiles["매출"][0] == "1,000원"
    assert tiles["스타 고객 매출 비중"] == ("60.0%", "고객 수로는 20.0%")
    assert tiles["다음 수요 급감"] == ("여성의류 2018-10-09", "평소보다 최대 45.0% 낮음")
    assert tiles["캠페인 타겟"][0] == "3명"
    caveats = site.compute_caveats(planted / "data", source="합성 데이터 (sample)")
    assert any("LSTM(딥러닝)은 2개 상품군 중 1개에서만" in c for c in caveats)  # the longest bucket (1-30d) counts
    assert any(c.startswith("패션잡화은(는) 고른 모델도 계절 나이브보다 낫지 않습니다") for c in caveats)
    assert any("기준선인 본인 최다 구매 상품군 규칙(43.1%)" in c for c in caveats)
    assert any("합성(가상) 데이터" in c for c in caveats)


def _chapter_page(title: str, sections: list[str]) -> str:
    body = "".join(f'<h2 id="s{i}">{s}<a class="anchor-link" href="#s{i}">¶</a></h2>'
                   f'<img alt="No description has been provided for this image" src="data:image/png;base64,AA">'
                   for i, s in enumerate(sections))
    return (f"<!DOCTYPE html><html><head><title>Notebook</title></head><body class='jp-Notebook'>"
            f"<h1 id='t'>{title}</h1>{body}<p>/tmp/r/.w.tmp-123/lookup.html</p></body></html>")


def test_frame_page_title_header_contents_alt_text_and_paths():
    page = _chapter_page("03. 고객 가치 등급", ["1. 등급 분포", "2. 등급 검증: 이후 기간 재구매"])
    out = site.frame_page(page, PAGES, 1, window="2018-04-01 ~ 2018-09-30", source="합성 데이터", has_lookup=True,
                          hide_paths=("/tmp/r/.w.tmp-123",))
    assert "<title>03. 고객 가치 등급 · L.Point 마케팅 분석 리포트</title>" in out and "<title>Notebook" not in out
    assert 'href="../index.html"' in out and 'href="01_data_eda.html" rel="prev"' in out
    assert 'href="04_demand_forecast.html" rel="next"' in out and 'href="../lookup.html"' in out
    assert 'href="../html_code/03_value_grading.html"' in out and "분석 기간 2018-04-01 ~ 2018-09-30" in out
    toc = re.search(r'<nav class="lp-toc">.*?</nav>', out).group(0)
    assert re.findall(r'href="#(s\d)"', toc) == ["s0", "s1"] and "1. 등급 분포" in toc and "¶" not in toc
    assert "No description" not in out
    assert 'alt="03. 고객 가치 등급 · 2. 등급 검증: 이후 기간 재구매 그림 2"' in out
    assert ".tmp-" not in out and "<p>lookup.html</p>" in out
    assert out.count("lp-sort-script") == 1
    first = site.frame_page(page, PAGES, 0, window="w", source="s", code_version=True)
    assert 'rel="prev"' not in first and 'href="../html/01_data_eda.html"' in first and "../lookup.html" not in first
    last = site.frame_page(page, PAGES, len(PAGES) - 1, window="w", source="s")
    assert 'rel="next"' not in last


def test_links_point_to_the_proving_section(planted):
    (planted / "html").mkdir()
    (planted / "html" / "03_value_grading.html").write_text(
        _chapter_page("03", ["1. 등급 분포", "2. 등급 검증: 이후 기간 재구매"]), encoding="utf-8")
    found = site.resolve_links(site.compute_findings(planted / "data"), planted, PAGES)
    def href(prefix):
        return next(f.href for f in found if f.text.startswith(prefix))
    assert href("스타 고객 2명") == "html/03_value_grading.html#s0"
    assert href("다음 기간 재구매율") == "html/03_value_grading.html#s1"
    assert href("다음 수요 급감") == "html/04_demand_forecast.html"  # no page: the chapter itself


def test_index_lists_findings_catalogue_and_folds_the_run_record(planted, monkeypatch):
    monkeypatch.setattr(present, "git_commit", lambda: "abc1234")
    result = SimpleNamespace(parameters={"start_date": "2018-04-01", "end_date": "2018-09-30", "seed": 42},
                             chapters=[SimpleNamespace(notebook=p.stem, title=p.title, status="ok", seconds=1.0,
                                                       peak_rss_mb=10.0) for p in PAGES], total_seconds=5.0)
    fingerprint = SimpleNamespace(source="합성 데이터 (sample)", cache_key="k", files=[])
    log = pd.DataFrame({"table": ["product"], "rule": ["규칙"], "rows": [3], "action": ["dropped"]})
    index = site.write_index(planted, result, fingerprint, {"customers_buying": 10}, log, PAGES).read_text("utf-8")
    assert index.index("핵심 발견") < index.index("데이터 산출물") < index.index("실행 기록")
    assert len(re.findall(r"<li><span class='what'>", index)) >= 5
    assert "<details id=\"run-record\">" in index and "abc1234" in index
    assert "고객별 가치 등급 (스타 · 나비 · 계륵 · 관리제외)과 점수" in index  # the registry's description
    assert "href='data/customer_grades.csv'" in index and "href='html/03_value_grading.html'>03. 고객 가치 등급" in index
    assert "<b>10명</b>" in index


def test_lookup_page_gets_a_way_back():
    page = "<html><head></head><body><div id='app'></div></body></html>"
    out = site.frame_lookup(page, chapter_stem="06_services")
    assert 'href="index.html"' in out and 'href="html/06_services.html"' in out
    assert site.frame_lookup(out, chapter_stem="06_services") == out


def test_new_products_of_other_chapters_are_used_when_present(planted):
    _save(planted, "demand_model_choice", pd.DataFrame({  # other column spellings of the same facts
        "unique_id": ["가구", "여성의류"], "model": ["SARIMAX", "LSTM"], "mase": [0.5, 1.1],
        "mase_seasonal_naive": [1.0, 1.0]}))
    _save(planted, "customer_upgrade_candidates", pd.DataFrame({"CLNT_ID": [1, 2, 3, 4]}))
    _save(planted, "value_forecast_check", pd.DataFrame({"method": ["rfm", "recent_spend"], "spearman": [0.41, 0.52],
                                                         "n_customers": [100, 100]}))
    found = site.compute_findings(planted / "data", limit=20)
    forecast = next(f.text for f in found if f.text.startswith("수요 예측"))
    assert "2개 상품군 중 1개에서" in forecast
    assert any(f.text == "다음 기간에 등급이 오를 가능성이 큰 고객 4명을 찾았습니다." for f in found)
    caveats = site.compute_caveats(planted / "data")
    assert any(c.startswith("여성의류은(는) 고른 모델도") for c in caveats)
    assert any("방법 2개 중 가장 나은 방법도 이후 구매액과의 순위 상관이 0.52입니다" in c for c in caveats)
    assert not any("recent_spend" in c for c in caveats)  # no English method ids on the index
    assert not any("합성" in c for c in caveats)  # real data: no synthetic caveat


def test_chapter_summary_shows_on_the_index_and_an_empty_slot_disappears(planted, monkeypatch):
    monkeypatch.setattr(present, "git_commit", lambda: "abc1234")
    (planted / "html").mkdir()
    filled = ("<p><strong>이 장의 요약</strong></p>\n<ul>\n<li>스타 고객이 매출의 60%를 만듭니다.</li>\n"
              "<li>뜻: 소수가 매출을 좌우합니다.</li>\n<li>할 일: 스타 혜택을 지키세요.</li>\n</ul>")
    empty = "<p><strong>이 장의 요약</strong>: 계산이 끝나면 채워집니다.</p>"
    (planted / "html" / "03_value_grading.html").write_text(f"<html><body>{filled}</body></html>", encoding="utf-8")
    assert site.chapter_summary(filled) == ["스타 고객이 매출의 60%를 만듭니다.", "뜻: 소수가 매출을 좌우합니다.",
                                            "할 일: 스타 혜택을 지키세요."]
    assert site.chapter_summary(empty) == []
    framed = site.frame_page(f"<html><head><title>Notebook</title></head><body>{empty}<p>본문</p></body></html>",
                             PAGES, 0, window="w", source="s")
    assert "계산이 끝나면 채워집니다" not in framed and "본문" in framed
    result = SimpleNamespace(parameters={"start_date": "2018-04-01", "end_date": "2018-09-30"}, total_seconds=1.0,
                             chapters=[SimpleNamespace(notebook=p.stem, title=p.title, status="ok", seconds=1.0,
                                                       peak_rss_mb=1.0) for p in PAGES])
    fingerprint = SimpleNamespace(source="실제 데이터", cache_key="k", files=[])
    index = site.write_index(planted, result, fingerprint, {}, None, PAGES).read_text(encoding="utf-8")
    assert "<li>할 일: 스타 혜택을 지키세요.</li>" in index
