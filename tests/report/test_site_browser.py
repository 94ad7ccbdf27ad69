"""The rendered site in headless chromium: from index.html through every chapter and back, to the lookup page
and back; no script errors; a sortable table sorts; the findings have ≥ 5 items whose links resolve."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from report.chromium import AVAILABLE, SKIP_REASON, probe

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.skipif(not AVAILABLE, reason=SKIP_REASON)]

LINKS = """var q=function(s){var a=document.querySelector(s);return a?a.href:null;};
return {index:q('a.lp-home'),prev:q('a[rel=prev]'),next:q('a[rel=next]'),lookup:q('a.lp-lookup'),
 title:document.title,chapters:[].map.call(document.querySelectorAll('a[href^="html/"]'),function(a){return a.href;}),
 findings:[].map.call(document.querySelectorAll('#findings li a'),function(a){return a.href;})};"""

SORT = """var t=document.querySelector('table.lp-sortable');if(!t)return {found:false};
var col=%d;var read=function(){return [].map.call(t.tBodies[0].rows,function(r){return r.cells[col].textContent;});};
var before=read();t.tHead.rows[t.tHead.rows.length-1].cells[col].click();var asc=read();
t.tHead.rows[t.tHead.rows.length-1].cells[col].click();var desc=read();
var box=t.previousElementSibling;var shown=-1;if(box&&box.classList.contains('lp-filter')){box.value=%s;
box.dispatchEvent(new Event('input'));shown=[].filter.call(t.tBodies[0].rows,function(r){return r.style.display!=='none';}).length;}
return {found:true,before:before,asc:asc,desc:desc,shown:shown};"""


def _path(url: str) -> Path:
    return Path(unquote(urlparse(url).path))


def _resolves(url: str) -> bool:
    """The file exists and, if the link has a #fragment, an element with that id is in it."""
    target = _path(url)
    if not target.is_file():
        return False
    fragment = urlparse(url).fragment  # browsers match the id as written, then percent-decoded
    text = target.read_text(encoding="utf-8")
    return not fragment or f'id="{fragment}"' in text or f'id="{unquote(fragment)}"' in text


@pytest.fixture(scope="module")
def index(rendered):
    return probe(rendered.report_dir / "index.html", LINKS)


def test_index_findings_have_five_items_with_links_that_resolve(index):
    assert index["errors"] == []
    assert len(index["findings"]) >= 5
    assert all(_resolves(url) for url in index["findings"]), index["findings"]


def test_walk_every_chapter_by_next_and_back_to_the_index(rendered, index):
    report = rendered.report_dir.resolve()
    chapters = [c.notebook for c in rendered.chapters]
    first = [u for u in index["chapters"] if _path(u).name == f"{chapters[0]}.html"]
    assert first, index["chapters"]
    url, seen = first[0], []
    while url:
        page = probe(_path(url), LINKS)
        assert page["errors"] == [], (url, page["errors"])
        assert page["title"] != "Notebook" and page["title"].startswith(rendered.chapters[len(seen)].title)
        assert _path(page["index"]) == report / "index.html"
        if seen:
            assert _path(page["prev"]) == report / "html" / f"{seen[-1]}.html"
        seen.append(_path(url).stem)
        url = page["next"]
        assert url is None or _resolves(url)
    assert seen == chapters


def test_lookup_page_and_back(rendered, index):
    assert index["lookup"], "the index links the lookup page"
    lookup = probe(_path(index["lookup"]), LINKS)
    assert lookup["errors"] == []
    assert _path(lookup["index"]) == rendered.report_dir.resolve() / "index.html"


def test_catalogue_table_sorts_by_number_and_filters(rendered):
    result = probe(rendered.report_dir / "index.html", SORT % (1, '"customer"'))  # column 1: 행 수
    assert result["found"] and result["errors"] == []

    def numbers(cells):
        return [float(re.sub(r"[^\d.]", "", c) or "nan") for c in cells]
    assert numbers(result["asc"]) == sorted(numbers(result["before"]))
    assert numbers(result["desc"]) == sorted(numbers(result["before"]), reverse=True)
    assert 0 < result["shown"] < len(result["before"])
