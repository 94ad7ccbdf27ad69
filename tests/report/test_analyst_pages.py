"""No analyst page shows code values, machine formats or technical leftovers (a list kept here).

Two lists: FRAME items come from the site frame and the runner (must always pass); CONTENT items come from a
chapter's own tables and sentences.
"""
from __future__ import annotations

import re

import pytest

from helpers.report import runner

pytestmark = pytest.mark.slow

#: (pattern, why) — the frame and runner own these.
FRAME = [
    (r"\.tmp-\d+", "the run's private work folder name"),
    (r"No description has been provided", "nbconvert's placeholder image alt text"),
    (r"<title>\s*Notebook\s*</title>", "a tab titled Notebook"),
    (r"without encryption|eavesdropping", "the kernel TCP warning"),
    (r"(?:src|href)=[\"']https?://", "a remote (CDN) resource: pages must open offline"),
    (r"Traceback \(most recent call last\)", "a Python traceback"),
]

#: (pattern, why) — cells and sentences of the chapters.
CONTENT = [
    (r"\d{4}-\d{2}-\d{2} 00:00:00", "a date with a midnight time"),
    (r">\s*(?:True|False)\s*<", "a Python flag in a cell"),
    (r">\s*(?:nan|NaN|NaT|None|<NA>)\s*<", "a missing value shown as code"),
    (r">\s*(?:SeasonalNaive\w*|LSTM_oracle|LSTM_1step|smoothed_likelihood|own_most_bought|revenue_prior|popularity|"
     r"outside_top_n|below_min_customers)\s*<", "an English model or status id in a cell"),
    (r">[^<]*\b(?:ETSX|Decomp|Ensemble|SeasonalNaive|LSTM_oracle|dirichlet_multinomial|own_most_bought)\b[^<]*<",
     "an English model id in visible text (attributes such as a column list tooltip are not text)"),
    (r">\s*(?:main|up|same|down|new|lapsed|future|backtest|actual|1-30d|1-7d|1d)\s*<", "an English code value"),
    (r">\s*(?:mobile|desktop|tablet|Seoul|Busan|Gyeonggi-do)\s*<", "an untranslated device or region"),
    (r"\d\.\d{9,}", "float noise (more than 8 decimals)"),
    (r"category \d+/\d+|training \d+ models|did not converge", "a model training log"),
]


def visible_html(path) -> str:
    """The page without scripts, styles and embedded images (what an analyst can read)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S | re.I)
    return re.sub(r'src="data:[^"]+"', 'src=""', text)


def offences(text: str, rules) -> list[str]:
    out = []
    for pattern, why in rules:
        hits = re.findall(pattern, text)
        if hits:
            out.append(f"{why}: {sorted(set(map(str, hits)))[:5]} ×{len(hits)}")
    return out


def analyst_pages(report_dir):
    pages = [report_dir / "index.html"] + sorted((report_dir / "html").glob("*.html"))
    return pages + ([report_dir / "lookup.html"] if (report_dir / "lookup.html").exists() else [])


def test_frame_items_never_appear_on_any_page(rendered):
    report = rendered.report_dir
    pages = analyst_pages(report) + sorted((report / "html_code").glob("*.html"))
    problems = {p.name: offences(p.read_text(encoding="utf-8"), FRAME) for p in pages}
    assert not {k: v for k, v in problems.items() if v}
    assert "eavesdropping" not in " ".join(rendered.messages)


def test_index_has_no_code_values(rendered):
    problems = offences(visible_html(rendered.report_dir / "index.html"), CONTENT)
    assert not problems


@pytest.mark.parametrize("stem", [nb.stem for nb in runner.discover_notebooks()])
def test_chapter_page_has_no_code_values(rendered, stem):
    problems = offences(visible_html(rendered.report_dir / "html" / f"{stem}.html"), CONTENT)
    assert not problems, problems


def test_the_lists_catch_what_they_name():
    page = ("<td>2018-05-01 00:00:00</td><td>True</td><td>nan</td><td>SeasonalNaive</td><td>mobile</td>"
            "<td>31.400000000000002</td><p>category 3/10</p><td>up</td>")
    assert len(offences(page, CONTENT)) == len(CONTENT)
    frame = ('<title>Notebook</title><img alt="No description has been provided for this image">'
             '<p>/r/.2018.tmp-1234/x</p><script src="https://cdn.example/x.js"></script>')
    assert len(offences(frame, FRAME)) == 4
    assert not offences("<td>모바일</td><td>2018-05-01</td><td>31.4</td><td>예</td>", CONTENT)
