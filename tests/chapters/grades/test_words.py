"""Tests of helpers.chapters.grades.words: computed Korean sentences and analyst tables."""
from __future__ import annotations

from chapters.grades.fixtures import AS_OF, FOUR_GRADES, tx

from helpers.chapters.grades import compute as g
from helpers.chapters.grades import words


def test_score_and_grid_sentences():
    graded = g.grade_customers(tx(FOUR_GRADES), as_of=AS_OF)
    assert words.describe_scores(g.score_distribution(graded)) == (
        "최근성 3점(가장 최근 구매) 고객이 75.0%, 최빈성 1점(재구매 없음) 고객이 25.0%이며, "
        "구매금액 3점(최고 구간) 고객은 50.0%입니다.")
    grid_sentence = words.describe_grid(g.interest_money_grid(graded))
    # cells are all 0 or 1; the first maximum (M1, group 1) is named; 2 of 4 have high interest
    assert grid_sentence.startswith("구매금액 1점·관심도 등급 1 칸이 전체 고객의 25.0%")
    assert "50.0%" in grid_sentence


def test_migration_table_shows_korean_moves_only():
    frame = tx(FOUR_GRADES)
    migration = g.grade_migration(frame, as_of_a="2018-08-31", as_of_b=AS_OF)
    table = words.migration_table(migration)
    assert table.columns.tolist() == ["MOVE_LABEL", "CUSTOMERS", "SHARE"]
    assert table["MOVE_LABEL"].astype(str).tolist() == ["상승", "유지", "하락", "신규", "미구매"]
    # star, chicken and excluded bought first in September: new; butterfly (April) stays 나비... as of 08-31
    # it is graded (R: 4 months ago -> 1) and again at 09-30 (5 months -> 1): same.
    assert table.set_index("MOVE_LABEL")["CUSTOMERS"].to_dict() == {"상승": 0, "유지": 1, "하락": 0, "신규": 3,
                                                                    "미구매": 0}


def test_describe_input_names_the_dates():
    dates = g.chapter_dates(AS_OF, migration_months_back=1, holdout_months=2)
    assert (str(dates.migration_from.date()), str(dates.holdout_cutoff.date()), dates.holdout_days) == (
        "2018-08-31", "2018-07-31", 61)
    sentence = words.describe_input(tx(FOUR_GRADES), dates)
    assert sentence.startswith("고객 4명의 구매일 7건으로 2018-09-30 기준 등급을 매깁니다.")
    assert "2018-08-31 → 2018-09-30" in sentence and "이후 61일" in sentence


def test_value_words_are_korean_and_computed():
    import numpy as np
    import pandas as pd
    from chapters.grades.fixtures import planted_transactions

    frame, _ = planted_transactions(n_customers=200)
    holdout = g.holdout_check(frame, cutoff="2018-07-31", horizon_end=AS_OF, start_date="2018-04-01")
    check = g.value_check(frame, holdout, start_date="2018-04-01")
    table = words.value_check_table(check)
    assert table["METHOD"].tolist() == ["구매 예측 모형", "가치 등급(순서)", "과거 구매액"]
    rho = check.table.set_index("method")["spearman"]
    sentence = words.describe_value_check(check)
    assert f"순위상관은 {rho['forecast']:.2f}" in sentence and f"가치 등급({rho['grades']:.2f})" in sentence
    auc = check.table.set_index("method")["buyer_auc"]
    assert f"재구매 판별력(AUC)은 예측 {auc['forecast']:.2f}, 등급 {auc['grades']:.2f}" in sentence
    assert table.columns.tolist() == ["METHOD", "SPEARMAN", "BUYER_AUC", "SPEARMAN_BUYERS", "TOP_DECILE_CAPTURE",
                                      "CUSTOMERS"]
    model_table = words.value_model_table(check.forecast)
    assert model_table.columns.tolist() == ["PARAMETER", "ESTIMATE", "MEANING"]
    assert not model_table.isin(["True", "False", "nan", "first_purchase", "window_start"]).any().any()
    assert words._signed(-0.003) == "0.00" and words._signed(np.nan) == "계산 불가"
    value = pd.DataFrame({"CLNT_ID": [1, 2], "GRADE": ["계륵", "관리제외"], "PRED_SPEND": [10.0, 20.0]})
    assert words.describe_upgrade(value.iloc[:0], value).startswith("최상위 등급의 중앙값만큼")
    assert "2명(계륵 1명, 관리제외 1명)" in words.describe_upgrade(value, value)


def test_value_model_sentence_says_where_the_variant_was_chosen():
    from chapters.grades.fixtures import planted_transactions

    frame, _ = planted_transactions(n_customers=200)
    holdout = g.holdout_check(frame, cutoff="2018-07-31", horizon_end=AS_OF, start_date="2018-04-01")
    check = g.value_check(frame, holdout, start_date="2018-04-01")
    assert words.describe_value_model(check.forecast).startswith("보유 기간의 마지막 구간으로 검증해")
    reused = g.forecast_value(frame, observation_end=AS_OF, horizon_days=61, start_date="2018-04-01",
                              variant=check.forecast)
    sentence = words.describe_value_model(reused)
    assert sentence.startswith("2018-07-31까지의 데이터 안에서") and "그대로 썼습니다" in sentence
    assert ("적합은 0.1초 안에 끝났습니다" in sentence) == (reused.model.fit_seconds < 0.05)


def test_fit_time_never_reads_zero_seconds():
    assert words._seconds(0.01) == "0.1초 미만" and words._seconds(0.05) == "0.1초" and words._seconds(12.34) == "12.3초"
