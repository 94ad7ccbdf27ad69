"""The offline lookup page of chapter 6: ``lookup.html`` + ``lookup/p_<k>.js`` shards loaded on demand.

The page works from ``file://`` (no server): a customer's shard is loaded with a ``<script>`` tag when first
needed, and the card is filled from the same templates and display texts as the report's cards
(``helpers.chapters.services.cards``), so both read exactly alike. A header links back to the report's index.

Public API: LookupSite, write_lookup.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.chapters.services.cards import (
    CARD_CSS,
    CARD_FIELDS,
    NA_TEXT,
    PROFILE_COLUMNS,
    RECENT_COLUMNS,
    RECENT_HEADERS,
    format_codes,
    playbook_dict,
)
from helpers.chapters.services.inputs import MAX_ID_DIGITS, report_dir
from helpers.chapters.services.profiles import ProfileBook

__all__ = ["LookupSite", "write_lookup"]


@dataclass(frozen=True)
class LookupSite:
    """What :func:`write_lookup` wrote."""

    page: Path
    shard_dir: Path
    n_customers: int
    n_shards: int
    n_files: int
    total_bytes: int


def _encode_column(values: pd.Series, kind: str, max_dict: int) -> tuple[tuple[np.ndarray, np.ndarray], list | None]:
    """One column as JSON cells of the shards, dictionary-coded when it has few distinct display texts.

    Returns ``((codes, cells), dictionary)``: row ``i``'s JSON text is ``cells[codes[i]]`` (``null`` = missing):
    the dictionary code (``dictionary`` the distinct texts in order of first appearance) or, with more than
    ``max_dict`` distinct texts, the JSON string itself (``dictionary`` None). Every distinct value is formatted
    and encoded once; memory per row is one int32.
    """
    codes, texts = format_codes(values, kind)
    text_codes, distinct = pd.factorize(pd.Series(texts, dtype=object), use_na_sentinel=True)
    if len(distinct) <= max_dict:
        dictionary = [str(u) for u in distinct]
        cells = [str(c) for c in range(len(dictionary))]
    else:
        dictionary = None
        cells = [json.dumps(str(u), ensure_ascii=False) for u in distinct]
    per_value = np.array(cells + ["null"], dtype=object)[text_codes]  # a distinct value's cell; -1 -> null
    lookup = np.append(per_value, np.array(["null"], dtype=object))
    return (np.where(codes < 0, len(per_value), codes).astype(np.int32), lookup), dictionary


def _recent_slices(ids: np.ndarray, rec_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of each customer's recent rows (both id arrays sorted: one slice per customer)."""
    rec_start = np.searchsorted(rec_ids, ids, side="left")
    return rec_start, np.searchsorted(rec_ids, ids, side="right") - rec_start


def _json_rows(cells: dict, rows: np.ndarray) -> list[str]:
    """``[cell,cell,...]`` of each row in ``rows`` (the JSON arrays ``json.dumps`` would write)."""
    if not len(rows):
        return []
    return ["[" + ",".join(r) + "]" for r in zip(*[cells_[codes[rows]] for (codes, cells_), _ in cells.values()])]


def _shard_text(k: int, members: np.ndarray, ids: np.ndarray, prof: dict, rec: dict, rec_start: np.ndarray,
                rec_count: np.ndarray) -> str:
    """``LP.register(k, {ids, rows, recent})`` for the customers at positions ``members`` (compact JSON, as
    ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` writes it, assembled from JSON cells)."""
    counts = rec_count[members]
    rec_rows = (np.repeat(rec_start[members] - np.cumsum(counts) + counts, counts)
                + np.arange(int(counts.sum())))
    flat = _json_rows(rec, rec_rows)
    cuts = np.r_[0, np.cumsum(counts)].tolist()
    recent = ",".join("[" + ",".join(flat[a:b]) + "]" for a, b in zip(cuts[:-1], cuts[1:]))
    return (f'LP.register({k},{{"ids":[{",".join(map(str, ids[members].tolist()))}],'
            f'"rows":[{",".join(_json_rows(prof, members))}],"recent":[{recent}]}});\n')


def _write_shards(book: ProfileBook, shard_dir: Path, n_shards: int, prof: dict, rec: dict) -> tuple[int, int]:
    """Write every non-empty shard; returns ``(files, bytes)``."""
    ids = book.table["CLNT_ID"].to_numpy(dtype=np.int64)
    rec_start, rec_count = _recent_slices(ids, book.recent["CLNT_ID"].to_numpy(dtype=np.int64))
    shard_of = ids % n_shards
    order = np.argsort(shard_of, kind="stable")
    bounds = np.searchsorted(shard_of[order], np.arange(n_shards + 1))
    total, n_files = 0, 0
    for k in range(n_shards):
        members = order[bounds[k]:bounds[k + 1]]
        if not len(members):
            continue
        text = _shard_text(k, members, ids, prof, rec, rec_start, rec_count)
        (shard_dir / f"p_{k}.js").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
        n_files += 1
    return n_files, total


def _page_meta(book: ProfileBook, n_shards: int, prof: dict, rec: dict, title: str) -> dict:
    """What the page's script needs: dictionaries, the card spec, playbooks, examples."""
    columns = [c for c in PROFILE_COLUMNS if c != "CLNT_ID"]
    ids = book.table["CLNT_ID"].to_numpy(dtype=np.int64)
    return {
        "n_shards": int(n_shards), "columns": columns,
        "dicts": {c: d for c, (_, d) in prof.items() if d is not None},
        "recent_columns": list(RECENT_COLUMNS), "recent_dicts": {c: d for c, (_, d) in rec.items() if d is not None},
        "recent_headers": list(RECENT_HEADERS), "na": NA_TEXT,
        "fields": [[key, label, [[list(needs), v, w] for needs, v, w in variants]]
                   for key, label, variants in CARD_FIELDS],
        "playbooks": playbook_dict(book.playbooks), "n_customers": int(len(book.table)), "title": title,
        "max_digits": MAX_ID_DIGITS, "examples": [int(i) for i in ids[:3]],
    }


def _nav(index_href: str, chapter_href: str, window: str, source: str) -> str:
    """The page header: back to the report's index and chapter 6, and the window the profiles come from."""
    e = html.escape
    links = [f'<a href="{e(index_href)}" class="lp-home">← 보고서 목차</a>'] if index_href else []
    if chapter_href:
        links.append(f'<a href="{e(chapter_href)}">6장 신규 서비스</a>')
    about = " · ".join(x for x in (f"분석 기간 {window}" if window else "", f"데이터: {source}" if source else "") if x)
    return (f'<nav class="lp-nav">{" · ".join(links)}' + (f'<span class="lp-window">{e(about)}</span>' if about else "")
            + "</nav>")


def write_lookup(book: ProfileBook, output_dir: str | Path, *, n_shards: int = 256, max_dict: int = 4096,
                 title: str = "고객 프로파일 조회", index_href: str = "index.html",
                 chapter_href: str = "html/06_services.html", window: str = "", source: str = "") -> LookupSite:
    """Write the offline lookup page ``<output_dir>/lookup.html`` and its shards ``lookup/p_<k>.js``.

    Customer ``id`` lives in shard ``id % n_shards``; the page loads a shard with a ``<script>`` tag when it is
    first needed (works from ``file://`` without a server). Each shard calls ``LP.register(k, {...})`` with
    compact JSON: one array of display texts per customer, columns with few distinct values dictionary-coded
    (the dictionaries live in the page). ``lookup.html?id=<CLNT_ID>`` (or ``#id=<CLNT_ID>``) searches at once.
    Old shards in ``lookup/`` are removed first. Columns are encoded one at a time and shards built from
    numpy arrays, so memory stays near the size of the profile table (full scale: 0.9 M customers).

    The header links to ``index_href`` (the report's index beside ``lookup.html``) and ``chapter_href``
    (empty: no link) and names the analysis ``window`` and data ``source`` when given.
    """
    if isinstance(n_shards, bool) or not isinstance(n_shards, (int, np.integer)) or not 1 <= n_shards <= 4096:
        raise ValueError(f"n_shards must be an integer in 1..4096, got {n_shards!r}")
    out = report_dir(output_dir)
    shard_dir = out / "lookup"
    shard_dir.mkdir(parents=True, exist_ok=True)
    for old in shard_dir.glob("p_*.js"):
        old.unlink()
    prof = {c: _encode_column(book.table[c], PROFILE_COLUMNS[c], max_dict) for c in PROFILE_COLUMNS if c != "CLNT_ID"}
    rec = {c: _encode_column(book.recent[c], RECENT_COLUMNS[c], max_dict) for c in RECENT_COLUMNS}
    n_files, total = _write_shards(book, shard_dir, n_shards, prof, rec)
    meta = _page_meta(book, n_shards, prof, rec, title)
    page = out / "lookup.html"
    text = (_LOOKUP_PAGE.replace("__TITLE__", html.escape(title)).replace("__CSS__", CARD_CSS)
            .replace("__NAV__", _nav(index_href, chapter_href, window, source))
            .replace("__META__", json.dumps(meta, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")))
    page.write_text(text, encoding="utf-8")
    total += len(text.encode("utf-8"))
    return LookupSite(page=page, shard_dir=shard_dir, n_customers=int(len(book.table)), n_shards=int(n_shards),
                      n_files=n_files, total_bytes=total)


_LOOKUP_PAGE = """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>__TITLE__</title>
<style>
body{font-family:'NanumGothic','Malgun Gothic','Apple SD Gothic Neo',sans-serif;max-width:1040px;margin:1.5em auto;
color:#222;padding:0 1em}
h1{border-bottom:2px solid #c8102e;padding-bottom:6px}
#q{font-size:1.1em;padding:6px 10px;width:16em}
#go{font-size:1.05em;padding:6px 14px}
#msg{margin:.8em 0;color:#8a0b20;font-weight:bold}
.hint{color:#667;font-size:.85em}
.lp-nav{font-size:.9em;margin-bottom:.6em}
.lp-nav a{color:#1f4e9c;margin-right:.6em}
.lp-window{color:#667;margin-left:.8em}
__CSS__
</style></head>
<body>
__NAV__
<h1>__TITLE__</h1>
<form id="f" autocomplete="off"><input id="q" name="id" placeholder="고객 ID (CLNT_ID)" inputmode="numeric">
<button id="go" type="submit">조회</button></form>
<div class="hint" id="hint"></div>
<div id="msg" role="status"></div>
<div id="out"></div>
<script>
"use strict";
const META = __META__;
const LP = {shards: {}, waiting: {}};
LP.register = function (k, data) {
  const index = new Map();
  data.ids.forEach(function (id, i) { index.set(String(id), i); });
  LP.shards[k] = {data: data, index: index};
  const done = LP.waiting[k];
  delete LP.waiting[k];
  if (done) { done.forEach(function (f) { f(); }); }
};
function loadShard(k, then) {
  if (LP.shards[k]) { then(); return; }
  if (LP.waiting[k]) { LP.waiting[k].push(then); return; }
  LP.waiting[k] = [then];
  const s = document.createElement("script");
  s.src = "lookup/p_" + k + ".js";
  s.charset = "utf-8";
  s.onerror = function () { LP.register(k, {ids: [], rows: [], recent: []}); };
  document.head.appendChild(s);
}
function normalise(text) {
  const t = String(text == null ? "" : text).trim();
  if (!t) { return {error: "고객 ID를 입력하세요."}; }
  if (!new RegExp("^[0-9]{1," + META.max_digits + "}$").test(t)) {
    return {error: "고객 ID '" + t + "'의 형식이 잘못되었습니다: 숫자만으로 된 1~" + META.max_digits +
      "자리 고객 ID(CLNT_ID)를 입력하세요."};
  }
  return {id: t.replace(/^0+(?=[0-9])/, "")};
}
function decode(value, dict) {
  if (value === null || value === undefined) { return null; }
  return dict ? dict[value] : value;
}
function hasValue(v) { return v !== null && v !== undefined && v !== "" && v !== "0"; }
function fill(tpl, args) {
  return tpl.replace(/\\{([A-Z0-9_]+)\\}/g, function (m, c) {
    const v = args[c];
    return (v === null || v === undefined || v === "") ? META.na : v;
  });
}
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) { e.className = cls; }
  if (text !== undefined) { e.textContent = text; }
  return e;
}
function renderCard(id, row, recent) {
  const args = {CLNT_ID: id};
  META.columns.forEach(function (c, j) { args[c] = decode(row[j], META.dicts[c]); });
  const card = el("div", "lpc");
  card.setAttribute("data-id", id);
  const head = el("div", "lpc-head");
  head.appendChild(el("span", "lpc-id", "고객 " + id));
  const badges = el("span");
  const books = [];
  if (hasValue(args.GRADE)) {
    badges.appendChild(el("span", "lpc-badge", args.GRADE));
    const b = META.playbooks.grade[args.GRADE];
    if (b !== undefined) { books.push(["등급", args.GRADE, b]); }
  }
  if (hasValue(args.SEGMENT)) {
    badges.appendChild(el("span", "lpc-badge", args.SEGMENT_TYPE || args.SEGMENT));
    const b = META.playbooks.segment[args.SEGMENT];
    if (b !== undefined) { books.push(["행동 유형", args.SEGMENT, b]); }
  }
  head.appendChild(badges);
  card.appendChild(head);
  const grid = el("div", "lpc-grid");
  META.fields.forEach(function (f) {
    const variant = f[2].find(function (v) { return v[0].every(function (c) { return hasValue(args[c]); }); });
    const tile = el("div", "lpc-tile");
    tile.setAttribute("data-field", f[0]);
    tile.appendChild(el("div", "lpc-label", f[1]));
    tile.appendChild(el("div", "lpc-value", fill(variant[1], args)));
    tile.appendChild(el("div", "lpc-why", fill(variant[2], args)));
    grid.appendChild(tile);
  });
  card.appendChild(grid);
  card.appendChild(el("div", "lpc-sub", "최근 구매 (온·오프라인)"));
  if (recent.length) {
    const table = el("table");
    const hr = el("tr");
    META.recent_headers.forEach(function (h) { hr.appendChild(el("th", "", h)); });
    table.appendChild(hr);
    recent.forEach(function (r) {
      const tr = el("tr");
      META.recent_columns.forEach(function (c, j) {
        const v = decode(r[j], META.recent_dicts[c]);
        tr.appendChild(el("td", "", v === null ? META.na : v));
      });
      table.appendChild(tr);
    });
    card.appendChild(table);
  } else {
    card.appendChild(el("div", "lpc-book", "없음"));
  }
  card.appendChild(el("div", "lpc-sub", "마케팅 공략법"));
  if (!books.length) { card.appendChild(el("div", "lpc-book", "공략법 없음")); }
  books.forEach(function (b) {
    const d = el("div", "lpc-book");
    d.appendChild(el("b", "", "[" + b[0] + " " + b[1] + "]"));
    d.appendChild(document.createTextNode(" " + b[2]));
    card.appendChild(d);
  });
  return card;
}
function search(text) {
  const msg = document.getElementById("msg");
  const out = document.getElementById("out");
  out.textContent = "";
  const n = normalise(text);
  if (n.error) { msg.textContent = n.error; return; }
  msg.textContent = "조회 중…";
  const k = Number(BigInt(n.id) % BigInt(META.n_shards));
  loadShard(k, function () {
    const shard = LP.shards[k];
    const i = shard.index.get(n.id);
    if (i === undefined) {
      msg.textContent = "고객 ID " + n.id + "에 해당하는 고객을 찾을 수 없습니다 (분석 기간의 고객 " +
        META.n_customers.toLocaleString("en-US") + "명 중에 없음).";
      return;
    }
    msg.textContent = "";
    out.appendChild(renderCard(n.id, shard.data.rows[i], shard.data.recent[i]));
  });
}
document.getElementById("f").addEventListener("submit", function (ev) {
  ev.preventDefault();
  const q = document.getElementById("q").value;
  if (window.history && history.replaceState) { history.replaceState(null, "", "?id=" + encodeURIComponent(q)); }
  search(q);
});
document.getElementById("hint").textContent = "고객 " + META.n_customers.toLocaleString("en-US") +
  "명 · 예: " + META.examples.join(", ");
(function () {
  const params = new URLSearchParams(window.location.search);
  let id = params.get("id");
  if (id === null && window.location.hash) {
    const h = window.location.hash.slice(1);
    id = new URLSearchParams(h).get("id");
    if (id === null) { id = decodeURIComponent(h); }
  }
  if (id !== null) { document.getElementById("q").value = id; search(id); }
})();
</script>
</body></html>
"""
