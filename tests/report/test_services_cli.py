"""``python -m helpers profile|scan``: the card and coupons from a rendered report's products, and the window."""
from __future__ import annotations

import argparse
import subprocess
import sys

from chapters.services.fixtures import EXPECTED_101, make_book, write_report_dir

from helpers.common.config import PROJECT_ROOT
from helpers.report import services_cli

RUN = {"parameters": {"start_date": "2018-04-01", "end_date": "2018-09-30"},
       "data": {"source": "synthetic sample (seed 42)"}}


def _args(command, client_id, report_dir):
    return argparse.Namespace(command=command, client_id=client_id, report_dir=str(report_dir))


def test_cli_profile_prints_window_then_card(tmp_path, capsys):
    folder = write_report_dir(tmp_path / "rep", make_book(), run=RUN)
    assert services_cli.main(_args("profile", "0101", folder)) == 0
    first, rest = capsys.readouterr().out.split("\n", 1)
    assert first == f"보고서 {folder} · 분석 기간 2018-04-01 ~ 2018-09-30 · 데이터: synthetic sample (seed 42)"
    assert rest.startswith("고객 101 프로파일")
    for value, why in EXPECTED_101.values():
        assert value in rest and why in rest
    assert "2018-09-10  오프라인  여성의류  15만원  롯데백화점 본점" in rest
    assert services_cli.main(_args("profile", "104", folder)) == 1
    assert "찾을 수 없" in capsys.readouterr().err
    assert services_cli.main(_args("profile", "1o1", folder)) == 2
    assert "형식" in capsys.readouterr().err
    assert services_cli.main(_args("profile", "101", tmp_path / "nothing")) == 2
    assert "render the report first" in capsys.readouterr().err


def test_window_from_the_folder_name_when_the_run_record_is_missing(tmp_path):
    folder = write_report_dir(tmp_path / "2018-05-01_2018-06-30", make_book())
    assert services_cli.report_window(folder).endswith("분석 기간 2018-05-01 ~ 2018-06-30")
    link = tmp_path / "latest"
    link.symlink_to(folder.name)
    assert services_cli.report_window(link) == f"보고서 {link} → 2018-05-01_2018-06-30 · 분석 기간 2018-05-01 ~ 2018-06-30"


def test_cli_profile_subprocess(tmp_path):
    folder = write_report_dir(tmp_path / "rep", make_book(), run=RUN)
    run = subprocess.run([sys.executable, "-m", "helpers", "profile", "101", "--report-dir", str(folder)],
                         capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert EXPECTED_101["grade"][1] in run.stdout and "분석 기간 2018-04-01 ~ 2018-09-30" in run.stdout
    bad = subprocess.run([sys.executable, "-m", "helpers", "profile", "abc", "--report-dir", str(folder)],
                         capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert bad.returncode == 2 and "형식" in bad.stderr


def test_cli_scan_known_unknown_malformed(tmp_path, capsys):
    folder = write_report_dir(tmp_path / "rep", make_book(), run=RUN)
    args = _args("scan", "0101", folder)
    assert services_cli.main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("보고서 ") and "여성의류 신상품 15% 할인 쿠폰" in out and "성별·연령" in out
    args.client_id = "5555"
    assert services_cli.main(args) == 0
    assert "L.POINT 가입 웰컴 쿠폰" in capsys.readouterr().out
    args.client_id = "55x"
    assert services_cli.main(args) == 2
    assert "형식" in capsys.readouterr().err
    run = subprocess.run([sys.executable, "-m", "helpers", "scan", "102", "--report-dir", str(folder)],
                         capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "남성의류 3% 할인 쿠폰 (수선 무료)" in run.stdout and "분석 기간 2018-04-01 ~ 2018-09-30" in run.stdout
