"""``python -m helpers profile <CLNT_ID>`` and ``python -m helpers scan <CLNT_ID>`` (chapter 6 services).

Both read the data products chapter 6 saved in a rendered report (``<report_dir>/data``): no data loading,
one customer read with Parquet filters, so they answer in about a second even at full scale.

Exit codes: 0 found (scan: also an unknown id, which gets the sign-up offer); 1 profile: id not found;
2 malformed id, or no rendered report / products in ``--report-dir``.
"""
from __future__ import annotations

import sys
from pathlib import Path

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE = 0, 1, 2


def main(args) -> int:
    """Run ``args.command`` (``profile`` | ``scan``) for ``args.client_id`` against ``args.report_dir``."""
    from helpers.chapters.services import compute as profiling
    from helpers.chapters.services import smartstore

    command = getattr(args, "command", None)
    if command not in ("profile", "scan"):
        print(f"ERROR: unknown command {command!r}: use 'profile' or 'scan'.", file=sys.stderr)
        return EXIT_USAGE
    report_dir = Path(getattr(args, "report_dir", "") or "reports/latest")
    text = str(args.client_id)
    try:
        cid = profiling.parse_client_id(text)
    except ValueError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        source = profiling.ReportProfiles(report_dir)
    except profiling.UpstreamMissing as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if command == "profile":
        card = source.card(cid)
        if card is None:
            print(f"고객 ID {cid}에 해당하는 고객을 찾을 수 없습니다: {report_dir} 보고서의 분석 기간 고객이 아닙니다.",
                  file=sys.stderr)
            return EXIT_NOT_FOUND
        print(profiling.card_text(card))
        return EXIT_OK
    result = smartstore.scan(text, source)
    print(result.text())
    return EXIT_OK if result.status != "malformed" else EXIT_USAGE
