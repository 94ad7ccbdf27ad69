"""Paths and defaults in one place. Importing this module does nothing but define constants."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
DATA_DIR = PROJECT_ROOT / "data"
REPORTS_DIR = PROJECT_ROOT / "reports"
# Overridable so tests and benchmarks can keep their caches apart from the user's.
CACHE_DIR = Path(os.environ.get("LPOINT_CACHE_DIR", DATA_DIR / "cache"))
SYNTHETIC_DIR = Path(os.environ.get("LPOINT_SYNTHETIC_DIR", DATA_DIR / "synthetic"))
RESOURCES_DIR = Path(__file__).resolve().parents[1] / "resources"

# The competition window; only a default, every chapter takes start_date / end_date.
DEFAULT_START = "2018-04-01"
DEFAULT_END = "2018-09-30"
DEFAULT_SEED = 42
#: Chapters run side by side (each in its own kernel) when the runner is not told otherwise (--jobs).
DEFAULT_JOBS = min(2, os.cpu_count() or 1)
DEFAULT_SCALE = "sample"
SCALES = ("tiny", "sample", "full")

# Global notebook parameters (name -> python type) shared by every chapter. The runner checks these
# and the chapter parameters it finds in each notebook's `parameters` cell.
GLOBAL_PARAMETERS: dict[str, type] = {
    "start_date": str,
    "end_date": str,
    "data_dir": str,
    "output_dir": str,
    "seed": int,
}

# The six tables: key -> (number, accepted name stems). Files are found by number and name,
# tolerant of the original "Pruduct" typo and of the short renamed form.
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "product": ("01", ("Pruduct", "Product")),
    "search1": ("02", ("Search1",)),
    "search2": ("03", ("Search2",)),
    "custom": ("04", ("Custom",)),
    "session": ("05", ("Session",)),
    "master": ("06", ("Master",)),
}

# Optional store files (chapter 6) looked up in the same folder.
OPTIONAL_FILES = {
    "offline": "offline_purchases.csv",
    "survey": "signup_survey.csv",
    "weather": "weather.csv",
}

DEVICES = ("mobile", "desktop", "tablet")
GENDERS = ("F", "M")

# Prices of these categories are sometimes recorded divided by 1000 (DATA.md); below the
# threshold a unit price there is treated as such an error and multiplied back.
PRICE_DIV1000_CATEGORIES = ("가구", "생활/주방가전", "컴퓨터", "냉장/세탁가전", "영상/음향가전", "계절가전")
PRICE_DIV1000_BELOW = 10_000
# Sessions above this total are kept but flagged as outliers in the cleaning log.
SESSION_OUTLIER_KRW = 50_000_000
