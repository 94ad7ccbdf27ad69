"""Chapter 4 models, numeric core (arrays in, arrays out); ``compute`` and ``backtest`` wrap them in tables.

* :mod:`.base` — the report's seasonal index, seasonal naive, weather known at forecast time, ``SeriesArrays``;
* :mod:`.calendar` — holiday, long-holiday (Chuseok, Seollal) and days-around-holiday features;
* :mod:`.lstm` — the report's LSTM (Keras 3, many independent models trained side by side);
* :mod:`.statistical` — SARIMAX with calendar regressors;
* :mod:`.decomp` — pooled level × weekday × calendar decomposition (empirical-Bayes shrinkage across series);
* :mod:`.gbm` — one global LightGBM across all series, direct multi-horizon.
"""
