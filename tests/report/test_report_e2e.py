"""End to end: every notebook in notebooks/ renders on tiny synthetic data into a temp dir."""
from __future__ import annotations

import json
import re

import pytest

from helpers.report import runner

pytestmark = pytest.mark.slow


def test_every_notebook_rendered_without_errors(rendered):
    notebooks = runner.discover_notebooks()
    assert [c.notebook for c in rendered.chapters] == [nb.stem for nb in notebooks]
    assert all(c.status == "ok" for c in rendered.chapters)
    for nb in notebooks:
        executed = json.loads((rendered.report_dir / "notebooks" / nb.name).read_text(encoding="utf-8"))
        errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, (nb.name, errors[:1])
        streams = "".join("".join(o.get("text", "")) for c in executed["cells"] for o in c.get("outputs", [])
                          if o.get("output_type") == "stream")
        assert "missing from font" not in streams and "Traceback" not in streams, (nb.name, streams[-500:])
        for kind in ("html", "html_code"):
            assert (rendered.report_dir / kind / f"{nb.stem}.html").stat().st_size > 10_000


def test_analyst_html_has_no_code_and_korean_headers(rendered):
    for page in (rendered.report_dir / "html").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "hl-ipython3" not in text and "start_chapter(" not in text, page.name
        assert "Traceback" not in text, page.name
        assert not re.search(r'(src|href)="https?://', text), page.name  # opens offline: nothing remote
        assert text.count("data:image/png;base64") >= 1, page.name
        headers = {h for h in re.findall(r"<th[^>]*>([^<]*)</th>", text)}
        english = sorted(h for h in headers if re.fullmatch(r"[A-Za-z_]{3,}[A-Za-z_0-9 ]*", h.strip()))
        assert not english, (page.name, english)
    code_page = (rendered.report_dir / "html_code" / "01_data_eda.html").read_text(encoding="utf-8")
    assert "start_chapter" in code_page and "hl-ipython3" in code_page


def test_index_and_products(rendered):
    index = (rendered.report_dir / "index.html").read_text(encoding="utf-8")
    for c in rendered.chapters:
        assert f"html/{c.notebook}.html" in index
    products = {p.stem for p in (rendered.report_dir / "data").glob("*.parquet")}
    assert {"cleaning_log", "copurchase_edges"} <= products
    for p in (rendered.report_dir / "data").glob("*.csv"):
        assert (rendered.report_dir / "data" / f"{p.stem}.parquet").exists()
