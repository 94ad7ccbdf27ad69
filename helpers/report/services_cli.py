"""``python -m helpers profile <CLNT_ID>`` and ``python -m helpers scan <CLNT_ID>`` (chapter 6 services).

Both read the data products chapter 6 saved in a rendered report (``<report_dir>/data``; default
``reports/latest``, the last full report): no data loading, one customer read with Parquet filters, so they answer
in about a second even at full scale. The first line printed names the report folder and its analysis window, so
the reader knows which report answered.

Exit codes: 0 found (scan: also an unknown id, which gets the sign-up offer); 1 profile: id not found;
2 malformed id, or no rendered report / products in ``--report-dir``.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from helpers.chapters.services import cards, inputs, profiles, smartstore

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE = 0, 1, 2


def report_window(report_dir: str | Path) -> str:
    """'보고서 <folder> · 분석 기간 <start> ~ <end> · 데이터: <source>' from the report's ``run.json`` (the
    folder name ``<start>_<end>`` when a run record is missing)."""
    folder = Path(report_dir)
    resolved = folder.resolve()
    shown = f"{folder} → {resolved.name}" if folder.is_symlink() else str(folder)
    try:
        run = json.loads((resolved / "run.json").read_text(encoding="utf-8"))
        params, source = run.get("parameters", {}), run.get("data", {}).get("source", "")
        window = f"{params['start_date']} ~ {params['end_date']}"
    except (OSError, ValueError, KeyError, TypeError):
        found = re.match(r"(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})", resolved.name)
        window, source = (f"{found[1]} ~ {found[2]}" if found else "알 수 없음 (run.json 없음)"), ""
    return f"보고서 {shown} · 분석 기간 {window}" + (f" · 데이터: {source}" if source else "")


def main(args) -> int:
    """Run ``args.command`` (``profile`` | ``scan``) for ``args.client_id`` against ``args.report_dir``."""
    command = getattr(args, "command", None)
    if command not in ("profile", "scan"):
        print(f"ERROR: unknown command {command!r}: use 'profile' or 'scan'.", file=sys.stderr)
        return EXIT_USAGE
    report_dir = Path(getattr(args, "report_dir", "") or "reports/latest")
    text = str(args.client_id)
    try:
        cid = inputs.parse_client_id(text)
    except ValueError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        source = profiles.ReportProfiles(report_dir)
    except inputs.UpstreamMissing as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(report_window(report_dir))
    if command == "profile":
        card = source.card(cid)
        if card is None:
            print(f"고객 ID {cid}에 해당하는 고객을 찾을 수 없습니다: {report_dir} 보고서의 분석 기간 고객이 아닙니다.",
                  file=sys.stderr)
            return EXIT_NOT_FOUND
        print(cards.card_text(card))
        return EXIT_OK
    result = smartstore.scan(text, source)
    print(result.text())
    return EXIT_OK if result.status != "malformed" else EXIT_USAGE
