"""Command line: ``python -m helpers report|generate|profile|scan|bench``."""
from __future__ import annotations

import argparse
import sys

from helpers.common import config


def _report_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--start", default=config.DEFAULT_START, help="first day of the window (YYYY-MM-DD)")
    p.add_argument("--end", default=config.DEFAULT_END, help="last day of the window, inclusive (YYYY-MM-DD)")
    p.add_argument("--data-dir", default=None, help="folder with the six L.Point CSVs (default: synthetic data)")
    p.add_argument("--seed", type=int, default=config.DEFAULT_SEED)
    p.add_argument("--scale", default=config.DEFAULT_SCALE, choices=config.SCALES,
                   help="synthetic data size when no --data-dir is given")
    p.add_argument("--params", default=None, help="YAML file with chapter parameters")
    p.add_argument("--output-root", default=str(config.REPORTS_DIR), help="where <start>_<end>/ is written")
    p.add_argument("--engine", default=None, choices=("duckdb", "spark"),
                   help="engine of the data layer (default: $HELPERS_ENGINE, else duckdb; spark needs .[spark] + Java)")
    p.add_argument("--spark-master", default=None,
                   help="Spark master for --engine spark: local[*] (default), spark://host:7077, yarn, sc://host:15002")
    p.add_argument("--only", nargs="*", default=None, help="run only notebooks whose name starts with these (e.g. --only 06); the other "
                   "chapters' data products are reused from the window's last complete report")
    p.add_argument("--jobs", type=int, default=config.DEFAULT_JOBS,
                   help="chapters run side by side, each in its own kernel (chapter 6 waits for 1-5); 1 runs them "
                        f"one after another (default {config.DEFAULT_JOBS})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _report_args(sub.add_parser("report", help="render the whole report"))
    g = sub.add_parser("generate", help="write synthetic data in the real L.Point format")
    g.add_argument("--scale", default=config.DEFAULT_SCALE, choices=config.SCALES)
    g.add_argument("--seed", type=int, default=config.DEFAULT_SEED)
    g.add_argument("--start", default=config.DEFAULT_START)
    g.add_argument("--end", default=config.DEFAULT_END)
    for name, what in (("profile", "print a customer's profile card as text"),
                       ("scan", "smart-store entrance scan: welcome coupons for a customer id")):
        sp = sub.add_parser(name, help=f"{what} (prints the report folder and window it reads first)")
        sp.add_argument("client_id", help="customer id (CLNT_ID), digits only; zero padding is fine")
        sp.add_argument("--report-dir", default=str(config.REPORTS_DIR / "latest"),
                        help="rendered report folder to read (default: reports/latest, the last full report)")
    b = sub.add_parser("bench", help="time and measure the report at full and sample scale")
    b.add_argument("--scales", nargs="*", default=["sample", "full"], choices=config.SCALES)
    b.add_argument("--start", default=config.DEFAULT_START)
    b.add_argument("--end", default=config.DEFAULT_END)
    b.add_argument("--scale-rows", action="store_true",
                   help="only the Spark local rows and the 1x/2x/4x growth curve of the data layer (full-scale data)")
    b.add_argument("--data-dir", default=None, help="with --scale-rows: the full-scale folder (default: synthetic full)")
    args = parser.parse_args(argv)

    if args.command == "report":
        from helpers.report.runner import main_report
        return main_report(args)
    if args.command == "generate":
        from helpers.common.errors import DataError
        from helpers.data.loader import synthetic_dir
        try:
            folder, label = synthetic_dir(scale=args.scale, seed=args.seed, start_date=args.start,
                                          end_date=args.end)
        except DataError as exc:
            print(f"ERROR: {exc}", file=sys.stderr)
            return 2
        print(f"{label}: {folder}")
        return 0
    if args.command in ("profile", "scan"):
        from helpers.report import services_cli
        return services_cli.main(args)
    if args.command == "bench":
        from helpers.report.bench import main as bench_main
        return bench_main(args)
    return 2
