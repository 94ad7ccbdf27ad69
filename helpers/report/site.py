"""The report as one site: the page frame of every chapter and the index that opens with the findings.

- :func:`frame_page` post-processes an nbconvert page: a real ``<title>``, a header (index ← previous ·
  next →, the lookup page, the window and data source), a table of contents from the page's headings,
  image alt text, the sortable/filterable table script, and no temporary folder names. Offline: no CDN.
- :func:`compute_findings` reads the data products in ``<report>/data/`` and returns 핵심 발견 (finding,
  action, link to the section that proves it). Every finding is guarded: a missing product drops it.
- :func:`write_index` writes ``index.html``: findings, KPI tiles, caveats, chapters, the product catalogue
  and the run record (folded, once for the whole report).
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.common.formats import format_count, format_date, format_krw, format_pct, format_text
from helpers.common.labels import DEMAND_MODEL_LABELS

esc = html.escape
SITE_TITLE = "L.Point 마케팅 분석 리포트"
GRADE_ORDER = ("스타", "나비", "계륵", "관리제외")


@dataclass(frozen=True)
class PageRef:
    """One chapter page of the site: ``html/<stem>.html`` (analyst) and ``html_code/<stem>.html``."""
    stem: str
    title: str


# ---------------------------------------------------------------------------------------------------
# Page frame
# ---------------------------------------------------------------------------------------------------

FRAME_CSS = """<style id="lp-frame-css">
.lp-nav{position:sticky;top:0;z-index:50;background:#fff;border-bottom:2px solid #c00;padding:6px 12px;
 font:14px 'NanumGothic','Malgun Gothic','Apple SD Gothic Neo','Noto Sans CJK KR',sans-serif;display:flex;flex-wrap:wrap;gap:4px 14px;align-items:center}
.lp-nav a{color:#0645ad;text-decoration:none}.lp-nav a:hover{text-decoration:underline}
.lp-nav .lp-meta{color:#555;margin-left:auto}
.lp-toc{font:14px 'NanumGothic','Malgun Gothic','Apple SD Gothic Neo','Noto Sans CJK KR',sans-serif;margin:10px 12px;padding:6px 12px;background:#f7f7f7;
 border-left:3px solid #c00}.lp-toc ul{margin:4px 0;padding-left:4px;list-style:none;columns:2}
.lp-filter{margin:6px 0;padding:3px 6px;width:16em}
table.lp-sortable th{cursor:pointer}table.lp-sortable th[data-dir=asc]::after{content:' ▲'}
table.lp-sortable th[data-dir=desc]::after{content:' ▼'}
</style>"""

#: Sort on a header click, filter with a search box; numbers are read back from the Korean formats
#: (1,234 · 12.5% · 1.5억원 · 3.2만원) so money and shares sort by value. Inline: works from file://.
SORT_SCRIPT = """<script id="lp-sort-script">(function(){
var U={'조':1e12,'억':1e8,'만':1e4};
function num(t){t=t.trim().replace(/,/g,'');var m=t.match(/^(-?\\d+(?:\\.\\d+)?)\\s*(조|억|만)?\\s*(원|%)?$/);
 return m?parseFloat(m[1])*(U[m[2]]||1):null;}
function setup(tb){var body=tb.tBodies[0];if(!body||!tb.tHead)return;
 var box=document.createElement('input');box.type='search';box.className='lp-filter';box.placeholder='표 안에서 찾기';
 tb.parentNode.insertBefore(box,tb);
 box.addEventListener('input',function(){var q=box.value.toLowerCase();
  Array.prototype.forEach.call(body.rows,function(r){r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});});
 var heads=tb.tHead.rows[tb.tHead.rows.length-1].cells;
 Array.prototype.forEach.call(heads,function(th,i){th.title='눌러서 정렬';th.addEventListener('click',function(){
  var asc=th.getAttribute('data-dir')!=='asc';Array.prototype.forEach.call(heads,function(h){h.removeAttribute('data-dir');});
  th.setAttribute('data-dir',asc?'asc':'desc');var rows=Array.prototype.slice.call(body.rows);
  rows.sort(function(a,b){var x=a.cells[i]?a.cells[i].textContent:'',y=b.cells[i]?b.cells[i].textContent:'';
   var nx=num(x),ny=num(y),c=(nx!==null&&ny!==null)?nx-ny:x.localeCompare(y,'ko');return asc?c:-c;});
  rows.forEach(function(r){body.appendChild(r);});});});}
document.querySelectorAll('table.lp-sortable').forEach(setup);})();</script>"""

_HEADING = re.compile(r'<h([12])\b([^>]*)\bid="([^"]+)"([^>]*)>(.*?)</h\1>', re.S)
_IMG_ALT = re.compile(r'alt="No description has been provided for this image"')
_TITLE = re.compile(r"<title>.*?</title>", re.S)
_BODY = re.compile(r"<body[^>]*>")


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).replace("¶", "").strip()


def headings(page: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of the page's h1/h2 headings, in order (nbconvert gives each an id)."""
    return [(int(m.group(1)), m.group(3), _text(m.group(5))) for m in _HEADING.finditer(page)]


def _alt_texts(page: str, title: str) -> str:
    """Replace nbconvert's placeholder alt text by '<chapter> · <section> 그림 k'."""
    marks = [(m.start(), _text(m.group(5))) for m in _HEADING.finditer(page)]
    out, last, count = [], 0, 0
    for m in _IMG_ALT.finditer(page):
        count += 1
        section = next((t for pos, t in reversed(marks) if pos < m.start()), title)
        out.append(page[last:m.start()] + f'alt="{esc(title)} · {esc(section)} 그림 {count}"')
        last = m.end()
    return "".join(out) + page[last:]


def nav_html(pages: list[PageRef], i: int, *, window: str, source: str, code_version: bool,
             has_lookup: bool) -> str:
    """The header of chapter page ``i``: index, previous/next chapter, lookup page, other version, window."""
    here = pages[i]
    links = ['<a href="../index.html" class="lp-home">← 목차 (index)</a>']
    if i > 0:
        links.append(f'<a href="{pages[i - 1].stem}.html" rel="prev">← 이전: {esc(pages[i - 1].title)}</a>')
    if i + 1 < len(pages):
        links.append(f'<a href="{pages[i + 1].stem}.html" rel="next">다음: {esc(pages[i + 1].title)} →</a>')
    if has_lookup:
        links.append('<a href="../lookup.html" class="lp-lookup">고객 조회 페이지</a>')
    other = ("../html/", "분석가용 버전 (코드 없음)") if code_version else ("../html_code/", "코드 포함 버전")
    links.append(f'<a href="{other[0]}{here.stem}.html" class="lp-other">{other[1]}</a>')
    meta = f'<span class="lp-meta">분석 기간 {esc(window)} · 데이터: {esc(source)}</span>'
    return f'<header class="lp-nav">{" · ".join(links)}{meta}</header>'


def toc_html(page: str) -> str:
    items = [(hid, text) for level, hid, text in headings(page) if level == 2]
    if not items:
        return ""
    lis = "".join(f'<li><a href="#{esc(hid, quote=True)}">{esc(text)}</a></li>' for hid, text in items)
    return f'<nav class="lp-toc"><b>이 장의 내용</b><ul>{lis}</ul></nav>'


_EMPTY_SUMMARY = re.compile(r"<p><strong>이 장의 요약</strong>: 계산이 끝나면 채워집니다\.</p>")
_SUMMARY = re.compile(r"이 장의 요약</strong></p>\s*<ul>(.*?)</ul>", re.S)


def chapter_summary(page: str) -> list[str]:
    """The chapter's own summary sentences (filled by ``report.summary``), or [] while it has none."""
    match = _SUMMARY.search(page)
    return [_text(li) for li in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)] if match else []


def frame_page(page: str, pages: list[PageRef], i: int, *, window: str, source: str, code_version: bool = False,
               has_lookup: bool = False, hide_paths: tuple[str, ...] = ()) -> str:
    """The nbconvert ``page`` of chapter ``i`` as a page of the site (see the module docstring)."""
    title = pages[i].title
    for path in hide_paths:  # the run's private work folder: links inside it are relative to the report
        page = page.replace(path.rstrip("/") + "/", "").replace(path, "보고서 폴더")
    page = _TITLE.sub(f"<title>{esc(title)} · {SITE_TITLE}</title>", page, count=1).replace('<html lang="en">',
                                                                                            '<html lang="ko">', 1)
    page = _alt_texts(page, title)
    page = _EMPTY_SUMMARY.sub("", page)  # a chapter that has not filled its summary shows no placeholder
    frame = nav_html(pages, i, window=window, source=source, code_version=code_version, has_lookup=has_lookup)
    page = _BODY.sub(lambda m: m.group(0) + frame + toc_html(page), page, count=1)
    page = page.replace("</head>", FRAME_CSS + "</head>", 1)
    return page.replace("</body>", SORT_SCRIPT + "</body>", 1)


def frame_lookup(page: str, *, chapter_stem: str | None) -> str:
    """The lookup page with a way back: the index and the chapter that built it."""
    if "lp-nav" in page:
        return page
    links = ['<a href="index.html" class="lp-home">← 목차 (index)</a>']
    if chapter_stem:
        links.append(f'<a href="html/{chapter_stem}.html">프로파일링 장으로</a>')
    frame = f'<header class="lp-nav">{" · ".join(links)}</header>'
    page = _BODY.sub(lambda m: m.group(0) + frame, page, count=1)
    return page.replace("</head>", FRAME_CSS + "</head>", 1)


def frame_site(folder: Path, pages: list[PageRef], *, window: str, source: str,
               hide_paths: tuple[str, ...] = ()) -> None:
    """Frame every rendered page in ``folder`` (html/, html_code/, lookup.html) in place."""
    has_lookup = (folder / "lookup.html").exists()
    for sub, code in (("html", False), ("html_code", True)):
        for i, ref in enumerate(pages):
            path = folder / sub / f"{ref.stem}.html"
            if path.exists():
                framed = frame_page(path.read_text(encoding="utf-8"), pages, i, window=window, source=source,
                                    code_version=code, has_lookup=has_lookup, hide_paths=hide_paths)
                path.write_text(framed, encoding="utf-8")
    if has_lookup:
        services = next((p.stem for p in pages if p.stem.startswith("06")), None)
        lookup = folder / "lookup.html"
        lookup.write_text(frame_lookup(lookup.read_text(encoding="utf-8"), chapter_stem=services), encoding="utf-8")


# ---------------------------------------------------------------------------------------------------
# Findings computed from the data products
# ---------------------------------------------------------------------------------------------------

@dataclass
class Finding:
    """One line of 핵심 발견: what the data says, what to do, and where the proof is (chapter + section)."""
    text: str
    action: str
    chapter: str
    section: tuple[str, ...] = ()  # words of the proving section's heading (first match wins)
    href: str = ""


@dataclass
class Products:
    """Lazy reader of ``<report>/data/<name>.parquet``; a missing or unreadable product is ``None``."""
    folder: Path
    _cache: dict = field(default_factory=dict)

    def get(self, name: str) -> pd.DataFrame | None:
        if name not in self._cache:
            path = Path(self.folder) / f"{name}.parquet"
            try:
                self._cache[name] = pd.read_parquet(path) if path.exists() else None
            except (OSError, ValueError):
                self._cache[name] = None
        return self._cache[name]


def _has(df: pd.DataFrame | None, *cols: str) -> bool:
    return df is not None and len(df) > 0 and all(c in df.columns for c in cols)


def grade_shares(products: Products) -> pd.DataFrame | None:
    """Customers and revenue per grade (GRADE, customers, revenue, customer_share, revenue_share)."""
    grades = products.get("customer_grades")
    if not _has(grades, "GRADE", "TOT_PRICE"):
        return None
    g = grades.assign(GRADE=grades["GRADE"].astype(str)).groupby("GRADE", observed=True)["TOT_PRICE"]
    out = pd.DataFrame({"customers": g.size(), "revenue": g.sum()})
    out["customer_share"] = out["customers"] / out["customers"].sum()
    out["revenue_share"] = out["revenue"] / out["revenue"].sum() if out["revenue"].sum() else 0.0
    return out


def finding_star_revenue(products: Products) -> Finding | None:
    shares = grade_shares(products)
    if shares is None or "스타" not in shares.index:
        return None
    star = shares.loc["스타"]
    return Finding(
        f"스타 고객 {format_count(star.customers)}명(구매 고객의 {format_pct(star.customer_share)})이 "
        f"매출의 {format_pct(star.revenue_share)}를 만듭니다.",
        "스타 고객의 이탈을 막는 혜택(높은 포인트 적립률, 전용 쿠폰)을 가장 먼저 지키세요.",
        "03", ("등급 분포", "등급별", "분포", "등급"))


def finding_holdout(products: Products) -> Finding | None:
    check = products.get("grade_holdout_check")
    if not _has(check, "GRADE", "BUYER_SHARE"):
        return None
    rate = dict(zip(check["GRADE"].astype(str), check["BUYER_SHARE"]))
    ordered = [g for g in GRADE_ORDER if g in rate]
    if len(ordered) < 2:
        return None
    parts = ", ".join(f"{g} {format_pct(rate[g])}" for g in ordered)
    inversions = [(a, b) for a, b in zip(ordered, ordered[1:]) if rate[a] < rate[b]]
    if inversions:
        a, b = inversions[0]
        return Finding(f"다음 기간 재구매율: {parts}. {a} 고객이 {b}보다 덜 다시 삽니다.",
                       f"{a} 등급의 기준(최근성·구매금액 점수)을 다시 보고, {a} 고객에게는 재구매 유도 쿠폰을 먼저 보내세요.",
                       "03", ("검증", "이후 기간", "재구매"))
    return Finding(f"등급이 높을수록 다음 기간에 더 많이 다시 삽니다: {parts}.",
                   "등급별 혜택 차등을 유지하고, 관리제외 고객에게는 비용이 낮은 알림만 보내세요.",
                   "03", ("검증", "이후 기간", "재구매"))


def model_choice(products: Products) -> pd.DataFrame | None:
    """Per category: chosen model, its MASE and the seasonal naive's (``demand_model_choice`` or derived)."""
    choice = products.get("demand_model_choice")
    if choice is not None and len(choice):
        cols = _choice_columns(list(choice.columns))
        if cols is not None:
            return choice[list(cols)].set_axis(["category", "chosen_model", "mase_chosen", "mase_seasonal_naive"],
                                               axis=1)
    chosen = products.get("chosen_models")
    if not _has(chosen, "unique_id", "model", "mase"):
        return None
    out = chosen.rename(columns={"unique_id": "category", "model": "chosen_model", "mase": "mase_chosen"})
    out["mase_seasonal_naive"] = 1.0  # MASE is scaled by the seasonal naive's error: the baseline is 1
    return out[["category", "chosen_model", "mase_chosen", "mase_seasonal_naive"]]


def _choice_columns(columns: list[str]) -> tuple[str, str, str, str] | None:
    """(category, chosen model, MASE of the chosen model, MASE of the seasonal naive) columns by their names."""
    low = {c: str(c).lower() for c in columns}
    category = next((c for c in columns if low[c] in ("category", "unique_id", "category_ko")), None)
    model = next((c for c in columns if low[c] in ("chosen_model", "model", "chosen")), None)
    naive = next((c for c in columns if "mase" in low[c] and ("naive" in low[c] or "seasonal" in low[c])), None)
    chosen = next((c for c in columns if "mase" in low[c] and c != naive and "runner" not in low[c]), None)
    found = (category, model, chosen, naive)
    return found if all(found) else None


def lstm_vs_naive(products: Products) -> tuple[int, int] | None:
    """(categories where LSTM beats the seasonal naive, categories) on the longest backtest bucket."""
    metrics = products.get("backtest_metrics")
    if not _has(metrics, "unique_id", "model", "bucket", "mase"):
        return None
    bucket = metrics["bucket"].astype(str)
    longest = max(bucket.unique(), key=lambda b: int(re.findall(r"\d+", b)[-1]) if re.findall(r"\d+", b) else 0)
    wide = metrics[bucket == longest].pivot_table(index="unique_id", columns="model", values="mase")
    if not {"LSTM", "SeasonalNaive"} <= set(wide.columns):
        return None
    wide = wide.dropna(subset=["LSTM", "SeasonalNaive"])
    return int((wide["LSTM"] < wide["SeasonalNaive"]).sum()), len(wide)


def finding_forecast(products: Products) -> Finding | None:
    choice = model_choice(products)
    if choice is None or choice.empty:
        return None
    better = int((choice["mase_chosen"] < choice["mase_seasonal_naive"]).sum())
    counts = choice["chosen_model"].astype(str).map(lambda m: DEMAND_MODEL_LABELS.get(m, m)).value_counts()
    models = ", ".join(f"{m} {n}개" for m, n in counts.items())
    text = (f"수요 예측: {len(choice)}개 상품군 중 {better}개에서 고른 모델이 계절 나이브(지난주 같은 요일)보다 "
            f"정확합니다 (선택: {models}).")
    action = ("고른 모델의 예측으로 재고·프로모션 일정을 잡으세요." if better == len(choice) else
              "계절 나이브보다 못한 상품군은 예측 대신 지난주 같은 요일 매출을 기준으로 계획하세요.")
    return Finding(text, action, "04", ("백테스트", "기준선"))


def next_dip(products: Products) -> pd.Series | None:
    """The deepest forecast dip after the window (``source == 'future'``), else None."""
    dips = products.get("demand_dips")
    if not _has(dips, "category", "start", "end", "max_drop_pct"):
        return None
    future = dips[dips["source"].astype(str) == "future"] if "source" in dips.columns else dips
    if future.empty:
        return None
    return future.sort_values(["max_drop_pct", "start"], ascending=[False, True]).iloc[0]


def finding_dip(products: Products) -> Finding | None:
    dip = next_dip(products)
    if dip is None:
        return None
    when = _period(dip["start"], dip["end"])
    return Finding(f"다음 수요 급감: {dip['category']} {when}, 평소 같은 요일보다 최대 {format_pct(dip['max_drop_pct'])} "
                   "낮을 것으로 예측됩니다.",
                   f"{dip['category']} 선호 고객에게 급감일 직전에 쿠폰을 보내 수요를 받치세요 (6장 캠페인 명단).",
                   "04", ("수요 하락", "하락"))


def finding_campaign(products: Products) -> Finding | None:
    targets = products.get("campaign_targets")
    if not _has(targets, "CLNT_ID"):
        return None
    cat = targets["TARGET_CATEGORY"].iloc[0] if "TARGET_CATEGORY" in targets.columns else ""
    grades = ""
    if "GRADE" in targets.columns:
        counts = targets["GRADE"].astype(str).value_counts()
        grades = " (" + ", ".join(f"{g} {counts[g]:,}명" for g in GRADE_ORDER if g in counts) + ")"
    period = ""
    if {"CAMPAIGN_START", "CAMPAIGN_END"} <= set(targets.columns):
        period = f", 캠페인 기간 {_period(targets['CAMPAIGN_START'].min(), targets['CAMPAIGN_END'].max())}"
    return Finding(f"{cat} 캠페인 타겟 {len(targets):,}명을 골랐습니다{grades}{period}.",
                   "명단(campaign_targets.csv)을 캠페인 도구에 그대로 올려 쿠폰을 보내세요.",
                   "06", ("캠페인 타겟", "타겟"))


def _period(start, end) -> str:
    first, last = format_date(start), format_date(end)
    return first if first == last else f"{first} ~ {last}"


def _method_name(label: str) -> str:
    return label if label.startswith("선호지수") else f"선호 예측 모델 '{label}'"


def _baseline_name(label: str) -> str:
    return re.sub(r"^기준선\s*[:：]\s*", "", label)


def preference_methods(products: Products) -> pd.DataFrame | None:
    """Method, Korean label, top-1 rate, whether it is a baseline, whether it is the chosen method."""
    methods = products.get("preference_methods")
    if _has(methods, "method", "top1_hit_rate"):
        if "segment" in methods.columns:
            overall = methods[methods["segment"].astype(str).isin(["all", "전체"])]
            methods = overall if len(overall) else methods.drop_duplicates("method")
        label = methods["method_ko"] if "method_ko" in methods.columns else methods["method"]
        chosen = methods["chosen"].astype(bool) if "chosen" in methods.columns else False
    else:
        methods = products.get("preference_hit_rates")
        if not _has(methods, "method", "top1_hit_rate"):
            return None
        label = methods["label"] if "label" in methods.columns else methods["method"]
        chosen = methods["method"].astype(str) == "report"
    out = pd.DataFrame({"method": methods["method"].astype(str), "label": label.astype(str),
                        "top1": methods["top1_hit_rate"].astype(float), "chosen": chosen})
    out["baseline"] = out["label"].str.contains("기준선") | out["method"].isin(["popularity", "own_most_bought"])
    return out.reset_index(drop=True)


def finding_preference(products: Products) -> Finding | None:
    methods = preference_methods(products)
    if methods is None or not methods["chosen"].any():
        return None
    chosen = methods[methods["chosen"]].iloc[0]
    base = methods[methods["baseline"]].sort_values("top1", ascending=False)
    text = f"{_method_name(chosen['label'])}가 다음 구매 상품군을 1순위로 맞힌 비율은 {format_pct(chosen['top1'])}입니다"
    if base.empty:
        return Finding(text + ".", "선호지수 1순위 상품군으로 추천·쿠폰을 보내세요.", "05", ("다음 구매", "맞히", "적중", "평가"))
    best = base.iloc[0]
    if best["top1"] > chosen["top1"]:
        return Finding(text + f"; 더 단순한 {_baseline_name(best['label'])} 규칙({format_pct(best['top1'])})보다 낮습니다.",
                       f"1순위 추천에는 {_baseline_name(best['label'])}을 쓰고, 선호지수는 새 상품군 발굴(2·3순위)에 쓰세요.",
                       "05", ("다음 구매", "맞히", "적중", "평가"))
    target = "선호지수" if chosen["label"].startswith("선호지수") else "이 모델"
    return Finding(text + f" (가장 나은 기준선 {_baseline_name(best['label'])} {format_pct(best['top1'])}).",
                   f"{target}의 1순위 상품군으로 추천·쿠폰을 보내세요 (6장 캠페인 명단도 이 방법으로 골랐습니다).",
                   "05", ("다음 구매", "맞히", "적중", "평가"))


def finding_copurchase(products: Products) -> Finding | None:
    edges = products.get("copurchase_edges")
    if not _has(edges, "cat_a", "cat_b", "count"):
        return None
    top = edges.sort_values(["count", "cat_a", "cat_b"], ascending=[False, True, True]).iloc[0]
    lift = f" (우연보다 {top['lift']:.1f}배 자주)" if "lift" in edges.columns and pd.notna(top["lift"]) else ""
    return Finding(f"가장 자주 함께 사는 상품군은 {top['cat_a']} + {top['cat_b']}입니다: 같은 세션 {int(top['count']):,}회{lift}.",
                   f"{top['cat_a']} 구매 고객에게 {top['cat_b']} 교차 쿠폰·묶음 추천을 보여 주세요.",
                   "01", ("네트워크", "연결", "함께", "연관"))


def finding_segments(products: Products) -> Finding | None:
    seg = products.get("customer_segments")
    if not _has(seg, "SEGMENT", "TOTAL_REVENUE"):
        return None
    g = seg.assign(SEGMENT=seg["SEGMENT"].astype(str)).groupby("SEGMENT")["TOTAL_REVENUE"]
    table = pd.DataFrame({"n": g.size(), "revenue": g.sum()}).sort_values("revenue", ascending=False)
    table = table[table.index.notna() & ~table.index.isin(["nan", "None", "<NA>"])]
    if table.empty:
        return None
    share = table["revenue"] / table["revenue"].sum()
    top = table.index[0]
    parts = ", ".join(f"{s} {format_pct(share[s])}" for s in table.index[:3])
    return Finding(f"행동 세그먼트별 매출 비중: {parts}. {top} 고객({format_count(table.loc[top, 'n'])}명)이 가장 큰 몫입니다.",
                   f"{top} 고객의 구매 행동에 맞춘 메시지(2장의 세그먼트별 전략)를 먼저 준비하세요.",
                   "02", ("고객별 행동 세그먼트", "세그먼트"))


def finding_upgrades(products: Products) -> Finding | None:
    candidates = products.get("customer_upgrade_candidates")
    if not _has(candidates, "CLNT_ID"):
        return None
    return Finding(f"다음 기간에 등급이 오를 가능성이 큰 고객 {len(candidates):,}명을 찾았습니다.",
                   "이 고객들에게 한 번 더 사면 등급이 오른다는 승급 안내와 쿠폰을 보내세요 (customer_upgrade_candidates.csv).",
                   "03", ("승급", "후보", "등급 이동", "상승"))


FINDINGS = (finding_star_revenue, finding_dip, finding_campaign, finding_holdout, finding_forecast,
            finding_preference, finding_upgrades, finding_copurchase, finding_segments)


def compute_findings(data_dir: Path, *, limit: int = 7) -> list[Finding]:
    """핵심 발견 of this run, in :data:`FINDINGS` order, at most ``limit``; missing products drop findings."""
    products = Products(Path(data_dir))
    found = []
    for rule in FINDINGS:
        try:
            item = rule(products)
        except (KeyError, ValueError, TypeError, IndexError):  # an unexpected product shape drops the finding
            item = None
        if item is not None:
            found.append(item)
    return found[:limit]


def resolve_links(findings: list[Finding], folder: Path, pages: list[PageRef]) -> list[Finding]:
    """Point each finding at the first section of its chapter whose heading has one of its words."""
    stems = {p.stem[:2]: p.stem for p in pages}
    for item in findings:
        stem = stems.get(item.chapter)
        if stem is None:
            item.href = ""
            continue
        page = folder / "html" / f"{stem}.html"
        marks = headings(page.read_text(encoding="utf-8")) if page.exists() else []
        anchor = next((hid for word in item.section for level, hid, text in marks if level == 2 and word in text), "")
        item.href = f"html/{stem}.html" + (f"#{anchor}" if anchor else "")
    return findings


# ---------------------------------------------------------------------------------------------------
# KPI tiles and caveats
# ---------------------------------------------------------------------------------------------------

def compute_kpis(data_dir: Path, counts: dict | None = None) -> list[tuple[str, str, str]]:
    """(label, value, note) tiles: buyers, revenue, 스타 share of revenue, next dip, campaign targets."""
    products = Products(Path(data_dir))
    tiles = []
    shares = grade_shares(products)
    buyers = (counts or {}).get("customers_buying")
    if buyers is None and shares is not None:
        buyers = int(shares["customers"].sum())
    if buyers is not None:
        tiles.append(("구매 고객", f"{format_count(buyers)}명", "분석 기간에 한 번 이상 구매"))
    if shares is not None:
        tiles.append(("매출", format_krw(shares["revenue"].sum()), "분석 기간 구매 금액 합계"))
        if "스타" in shares.index:
            tiles.append(("스타 고객 매출 비중", format_pct(shares.loc["스타", "revenue_share"]),
                          f"고객 수로는 {format_pct(shares.loc['스타', 'customer_share'])}"))
    dip = next_dip(products)
    if dip is not None:
        tiles.append(("다음 수요 급감", f"{dip['category']} {format_date(dip['start'])}",
                      f"평소보다 최대 {format_pct(dip['max_drop_pct'])} 낮음"))
    targets = products.get("campaign_targets")
    if _has(targets, "CLNT_ID"):
        cat = targets["TARGET_CATEGORY"].iloc[0] if "TARGET_CATEGORY" in targets.columns else ""
        tiles.append(("캠페인 타겟", f"{len(targets):,}명", f"{cat} 쿠폰 대상".strip()))
    return tiles


def compute_caveats(data_dir: Path, *, source: str = "") -> list[str]:
    """Plain-word limits of this run: models that did not beat their baselines, data that is not real."""
    products = Products(Path(data_dir))
    notes = []
    lstm = lstm_vs_naive(products)
    if lstm is not None and lstm[0] < lstm[1]:
        notes.append(f"LSTM(딥러닝)은 {lstm[1]}개 상품군 중 {lstm[0]}개에서만 계절 나이브(지난주 같은 요일 매출)보다 "
                     "정확했습니다. 그래서 예측에는 상품군마다 백테스트에서 가장 나은 모델을 씁니다.")
    choice = model_choice(products)
    if choice is not None and len(choice):
        worse = choice[choice["mase_chosen"] >= choice["mase_seasonal_naive"]]["category"].astype(str).tolist()
        if worse:
            notes.append(f"{', '.join(worse)}은(는) 고른 모델도 계절 나이브보다 낫지 않습니다: 예측을 참고로만 쓰세요.")
    methods = preference_methods(products)
    if methods is not None and methods["chosen"].any():
        chosen = methods[methods["chosen"]].iloc[0]
        better = methods[methods["baseline"] & (methods["top1"] > chosen["top1"])]
        for _, row in better.iterrows():
            notes.append(f"{_method_name(chosen['label'])}의 1순위 적중률 {format_pct(chosen['top1'])}는 기준선인 "
                         f"{_baseline_name(row['label'])} 규칙({format_pct(row['top1'])})보다 낮습니다: 다음 구매를 덜 맞혔습니다.")
    notes.extend(_value_check_caveat(products))
    if "합성" in source or "synthetic" in source.lower():
        notes.append("이 리포트는 합성(가상) 데이터로 만들었습니다: 숫자는 방법을 보여 줄 뿐 실제 고객의 사실이 아닙니다.")
    return notes


def _value_check_caveat(products: Products) -> list[str]:
    check = products.get("value_forecast_check")
    if not _has(check, "method", "spearman"):
        return []
    ranked = check.sort_values("spearman", ascending=False)
    best = ranked.iloc[0]
    label = str(best["method_ko"]) if "method_ko" in check.columns else str(best["method"])
    if label.isascii():  # an English method id is not shown to analysts; the chapter page names it in Korean
        return [f"고객 가치 예측 점검: 방법 {len(ranked)}개 중 가장 나은 방법도 이후 구매액과의 순위 상관이 "
                f"{best['spearman']:.2f}입니다 (1이면 순서를 완벽히 맞힘)."]
    return [f"고객 가치 예측 점검: 이후 구매액과의 순위 상관이 가장 높은 방법은 {label}(스피어만 {best['spearman']:.2f})입니다."]


# ---------------------------------------------------------------------------------------------------
# Index page
# ---------------------------------------------------------------------------------------------------

INDEX_CSS = """<style>body{font-family:'NanumGothic','Malgun Gothic','Apple SD Gothic Neo','Noto Sans CJK KR',sans-serif;max-width:1100px;margin:1.5em auto;
color:#222;padding:0 12px}table{border-collapse:collapse;margin:.5em 0}td,th{border-bottom:1px solid #ddd;
padding:4px 10px;text-align:left;vertical-align:top}h2{border-bottom:2px solid #c00;padding-bottom:4px}
.kpis{display:flex;flex-wrap:wrap;gap:10px;margin:1em 0}.kpi{border:1px solid #ddd;border-top:4px solid #c00;
padding:8px 14px;min-width:150px;flex:1}.kpi b{display:block;font-size:1.5em;margin:2px 0}.kpi small{color:#666}
ol.findings li{margin:.6em 0}.findings .act{color:#064;display:block}.caveats li{margin:.3em 0}
details{margin:.6em 0}summary{cursor:pointer;font-weight:bold}ul.sum{margin:.3em 0;color:#444;font-size:.92em}td.num{text-align:right}small.cols{color:#666}
</style>"""


def catalogue(data_dir: Path, pages: list[PageRef]) -> list[dict]:
    """One row per written product: name, Korean description, rows, columns, chapter, CSV/Parquet present.

    Descriptions come from the registry that ``present.save_product`` records (``data/catalogue.json``,
    filled from ``present.PRODUCTS``); a product without a record still appears with its file's shape.
    """
    from helpers.report.present import CATALOGUE_FILE, PRODUCTS
    data_dir = Path(data_dir)
    path = data_dir / CATALOGUE_FILE
    recorded = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    titles = {p.stem[:2]: p for p in pages}
    rows = []
    for pq in sorted(data_dir.glob("*.parquet")):
        rec = recorded.get(pq.stem) or _shape_of(pq)
        chapter = str(rec.get("chapter") or PRODUCTS.get(pq.stem, ("", ""))[0])
        ref = titles.get(chapter[:2])
        rows.append({"name": pq.stem, "description": rec.get("description") or PRODUCTS.get(pq.stem, ("", ""))[1],
                     "rows": rec.get("rows"), "columns": rec.get("columns", []), "chapter": ref,
                     "csv": pq.with_suffix(".csv").exists()})
    return rows


def _shape_of(pq: Path) -> dict:
    import pyarrow.parquet as papq
    meta = papq.ParquetFile(pq).metadata
    return {"rows": meta.num_rows, "columns": list(papq.read_schema(pq).names)}


def _catalogue_html(rows: list[dict]) -> str:
    if not rows:
        return "<p>데이터 산출물이 없습니다.</p>"
    body = []
    for r in rows:
        links = f"<a href='data/{esc(r['name'])}.parquet'>Parquet</a>"
        if r["csv"]:
            links = f"<a href='data/{esc(r['name'])}.csv'>CSV</a> · " + links
        ch = r["chapter"]
        chapter = f"<a href='html/{ch.stem}.html'>{esc(ch.title)}</a>" if ch else "–"
        cols = ", ".join(r["columns"])
        body.append(f"<tr><td>{esc(r['description'] or r['name'])}<br><small class='cols'>{esc(r['name'])}</small></td>"
                    f"<td class='num'>{format_count(r['rows']) if r['rows'] is not None else '–'}</td>"
                    f"<td class='num' title='{esc(cols, quote=True)}'>{len(r['columns'])}</td><td>{links}</td>"
                    f"<td>{chapter}</td></tr>")
    return ("<table class='lp-sortable'><thead><tr><th>산출물</th><th>행 수</th><th>열 수</th><th>내려받기</th>"
            f"<th>만든 장</th></tr></thead><tbody>{''.join(body)}</tbody></table>")


def _findings_html(findings: list[Finding]) -> str:
    if not findings:
        return "<p>이번 실행의 데이터 산출물에서 계산할 수 있는 발견이 없습니다.</p>"
    items = "".join(f"<li><span class='what'>{esc(f.text)}</span> <span class='act'>→ 할 일: {esc(f.action)}</span>"
                    f" <a href='{esc(f.href, quote=True)}'>근거 보기</a></li>" for f in findings if f.href)
    return f"<ol class='findings' id='findings'>{items}</ol>"


def _kpis_html(tiles: list[tuple[str, str, str]]) -> str:
    return "<div class='kpis'>" + "".join(f"<div class='kpi'><small>{esc(label)}</small><b>{esc(value)}</b>"
                                          f"<small>{esc(note)}</small></div>" for label, value, note in tiles) + "</div>"


def _summary_cell(folder: Path, stem: str) -> str:
    page = folder / "html" / f"{stem}.html"
    lines = chapter_summary(page.read_text(encoding="utf-8")) if page.exists() else []
    return "<ul class='sum'>" + "".join(f"<li>{esc(line)}</li>" for line in lines) + "</ul>" if lines else ""


def _chapters_html(result, pages: list[PageRef], folder: Path) -> str:
    rows = "".join(
        f"<tr><td><a href='html/{c.notebook}.html'>{esc(c.title)}</a>{_summary_cell(folder, c.notebook)}</td>"
        f"<td><a href='html_code/{c.notebook}.html'>코드 포함</a> · <a href='notebooks/{c.notebook}.ipynb'>ipynb</a></td>"
        f"<td>{'성공' if c.status == 'ok' else '실패'}</td></tr>" for c in result.chapters)
    return f"<table><tr><th>장</th><th>다른 형식</th><th>상태</th></tr>{rows}</table>"


def _table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, border=0, escape=True)


def _run_record_html(result, fingerprint, counts: dict, log: pd.DataFrame) -> str:
    from helpers.chapters.eda.compute import cleaning_log_table
    from helpers.report.present import git_commit, package_versions
    params = "".join(f"<tr><td>{esc(k)}</td><td>{esc(format_text(v) if isinstance(v, bool) else str(v))}</td></tr>"
                     for k, v in result.parameters.items() if k not in ("output_dir",))
    files = pd.DataFrame(fingerprint.files)
    if not files.empty:
        files["sha256"] = files["sha256"].str[:16] + "…"
        files = files.rename(columns={"table": "테이블", "file": "파일", "encoding": "인코딩", "raw_rows": "원본 행 수",
                                      "clean_rows": "정제 후 행 수"})
    log_view = cleaning_log_table(log[log["rows"] > 0]) if log is not None and "rows" in log.columns else pd.DataFrame()
    labels = {"purchase_lines": "구매 행", "sessions": "구매 세션", "customers_buying": "구매 고객", "members": "회원(Custom)"}
    counts_html = "".join(f"<tr><td>{esc(labels.get(k, k))}</td><td class='num'>{v:,}</td></tr>" for k, v in counts.items())
    timing = "".join(f"<tr><td>{esc(c.title)}</td><td class='num'>{c.seconds:,.1f}초</td>"
                     f"<td class='num'>{c.peak_rss_mb:,.0f} MB</td></tr>" for c in result.chapters)
    versions = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in package_versions().items())
    return f"""<details id="run-record"><summary>실행 기록 (파라미터, 데이터 지문, 정제 기록, 소요 시간, 코드와 패키지)</summary>
<h3>파라미터</h3><table>{params}</table>
<h3>데이터 지문</h3><p>출처: {esc(fingerprint.source)} · 캐시 키 {esc(fingerprint.cache_key)}</p>{_table(files)}
<h3>분석 기간 행 수</h3><table>{counts_html}</table>
<h3>정제 기록 (해당 행이 있는 규칙)</h3>{_table(log_view)}
<h3>장별 소요 시간과 최대 메모리</h3><p>전체 {result.total_seconds:,.1f}초</p><table>{timing}</table>
<h3>코드와 패키지</h3><p>git commit: {esc(git_commit())}</p><table>{versions}</table></details>"""


def write_index(folder: Path, result, fingerprint, counts: dict, log: pd.DataFrame, pages: list[PageRef]) -> Path:
    """``index.html``: 핵심 발견, KPI tiles, caveats, chapters, product catalogue, folded run record."""
    folder = Path(folder)
    window = f"{result.parameters['start_date']} ~ {result.parameters['end_date']}"
    findings = resolve_links(compute_findings(folder / "data"), folder, pages)
    caveats = compute_caveats(folder / "data", source=fingerprint.source)
    lookup = ("<p><a href='lookup.html' class='lp-lookup'>고객 ID로 프로파일 카드 찾아보기 (조회 페이지, 서버 없이 열림)</a></p>"
              if (folder / "lookup.html").exists() else "")
    caveat_html = "".join(f"<li>{esc(c)}</li>" for c in caveats) or "<li>특별히 주의할 점이 없습니다.</li>"
    page = f"""<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>{SITE_TITLE} {esc(window)}</title>{INDEX_CSS}{FRAME_CSS}</head><body>
<h1>L.Point 온라인 행동 데이터 마케팅 분석 리포트</h1>
<p>분석 기간 <b>{esc(window)}</b> · 데이터: {esc(fingerprint.source)}</p>
{_kpis_html(compute_kpis(folder / "data", counts))}
<h2>핵심 발견</h2>{_findings_html(findings)}
<h2>주의할 점</h2><ul class='caveats'>{caveat_html}</ul>
<h2>장(chapter)</h2>{_chapters_html(result, pages, folder)}{lookup}
<h2>데이터 산출물</h2><p>표 머리글을 누르면 정렬됩니다. CSV는 엑셀에서 바로 열립니다(UTF-8).</p>
{_catalogue_html(catalogue(folder / "data", pages))}
<h2>실행 기록</h2>{_run_record_html(result, fingerprint, counts, log)}
{SORT_SCRIPT}</body></html>"""
    out = folder / "index.html"
    out.write_text(page, encoding="utf-8")
    return out
