"""Lookup shards without a browser: they are exactly the JSON of the cards' display texts."""
from __future__ import annotations

import json

from chapters.services.fixtures import make_book

from helpers.chapters.services import cards, lookup


def _shard(folder, k: int) -> tuple[str, dict]:
    text = (folder / "lookup" / f"p_{k}.js").read_text(encoding="utf-8")
    head, tail = f"LP.register({k},", ");\n"
    assert text.startswith(head) and text.endswith(tail)
    return text[len(head):-len(tail)], json.loads(text[len(head):-len(tail)])


def _meta(folder) -> dict:
    page = (folder / "lookup.html").read_text(encoding="utf-8")
    start = page.index("const META = ") + len("const META = ")
    return json.loads(page[start:page.index(";\nconst LP = ", start)].replace("<\\/", "</"))


def test_shards_hold_the_display_texts_as_compact_json(tmp_path):
    book = make_book()
    book.table.loc[0, "OFFLINE_STORE"] = '롯데 "본점"\\ 1층\n/'  # JSON specials in a text column
    lookup.write_lookup(book, tmp_path, n_shards=2, max_dict=1)  # most columns too varied for a dictionary
    meta = _meta(tmp_path)
    shown = cards.display_frame(book.table).set_index(book.table["CLNT_ID"].to_numpy())
    recent = cards.display_frame(book.recent, cards.RECENT_COLUMNS)
    seen = []
    for k in (0, 1):
        raw, payload = _shard(tmp_path, k)
        # byte for byte what json.dumps writes for the same structure
        assert raw == json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        for cid, row, rec in zip(payload["ids"], payload["rows"], payload["recent"]):
            assert cid % 2 == k
            seen.append(cid)
            for col, value in zip(meta["columns"], row):
                dictionary = meta["dicts"].get(col)
                got = None if value is None else (dictionary[value] if dictionary is not None else value)
                assert got == shown.loc[cid, col], (cid, col)
            want = recent[book.recent["CLNT_ID"].to_numpy() == cid]
            assert len(rec) == len(want)
            for line, (_, expected) in zip(rec, want.iterrows()):
                for col, value in zip(meta["recent_columns"], line):
                    dictionary = meta["recent_dicts"].get(col)
                    assert (None if value is None else (dictionary[value] if dictionary else value)) == expected[col]
    assert sorted(seen) == [101, 102, 103]
    assert shown.loc[101, "OFFLINE_STORE"] == '롯데 "본점"\\ 1층\n/'
