# Self-documenting: `make help` lists every target with its `##` comment.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

START ?= 2018-04-01
END ?= 2018-09-30
SEED ?= 42
SCALE ?= sample
DATA_DIR ?=
PARAMS ?=
ID ?=
REPORT_DIR ?=
ENGINE ?=
SPARK_MASTER ?=
REPORT_ARGS := --start $(START) --end $(END) --seed $(SEED) --scale $(SCALE) \
	$(if $(DATA_DIR),--data-dir $(DATA_DIR)) $(if $(PARAMS),--params $(PARAMS)) \
	$(if $(ENGINE),--engine $(ENGINE)) $(if $(SPARK_MASTER),--spark-master $(SPARK_MASTER))

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  %-10s %s\n", $$1, $$2}'
	@echo "  variables: START END SEED SCALE (tiny|sample|full) DATA_DIR (real data folder) PARAMS (YAML file)"
	@echo "             ID (customer id for profile/scan) REPORT_DIR (report folder for profile/scan; default: latest)"
	@echo "             ENGINE (duckdb|spark; spark installs the extra .[spark], needs Java 17+) SPARK_MASTER (cluster URL)"

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 not found as '$(PYTHON)'; run e.g. make PYTHON=python3 ..."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required, found " + sys.version.split()[0])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name lpoint-report --display-name "lpoint-report (.venv)" >/dev/null
	touch $(STAMP)

install: $(STAMP) ## Create/update the virtual environment (.venv); a no-op when up to date

report: $(STAMP) ## Render the whole report (default: sample synthetic data, 2018-04-01..2018-09-30; ENGINE=spark)
	$(if $(filter spark,$(ENGINE)),$(MAKE) --no-print-directory spark-extra)
	$(PY) -m helpers report $(REPORT_ARGS)

spark-extra: $(STAMP) ## Install the optional Spark engine (pyspark) into .venv; needs Java 17+ to run
	@command -v java >/dev/null 2>&1 || [ -n "$$JAVA_HOME" ] || echo "warning: Java not found; Spark needs Java 17+ (e.g. apt-get install openjdk-17-jre-headless)"
	@$(PY) -c 'import pyspark' 2>/dev/null || $(PY) -m pip install --quiet -e '.[spark]'

test: $(STAMP) ## Lint, then run the test suite (unit tests + one end-to-end render on tiny data)
	$(PY) -m ruff check helpers tests notebooks
	$(PY) -m pytest -q

lint: $(STAMP) ## Lint the package, tests and notebooks (ruff, configured in pyproject.toml)
	$(PY) -m ruff check helpers tests notebooks

data: $(STAMP) ## Generate the synthetic data set (SCALE=tiny|sample|full) without rendering
	$(PY) -m helpers generate --scale $(SCALE) --seed $(SEED)

bench: $(STAMP) ## Benchmark: full-scale and sample-scale report, wall time and peak memory per chapter
	$(PY) -m helpers bench

profile: $(STAMP) ## Print a customer's profile card from the last report: make profile ID=82232 [REPORT_DIR=...]
	@test -n "$(ID)" || { echo "usage: make profile ID=<customer id> [REPORT_DIR=reports/<start>_<end>]"; exit 2; }
	$(PY) -m helpers profile $(ID) $(if $(REPORT_DIR),--report-dir $(REPORT_DIR))

scan: $(STAMP) ## Smart-store entrance scan (welcome coupons) for a customer: make scan ID=82232 [REPORT_DIR=...]
	@test -n "$(ID)" || { echo "usage: make scan ID=<customer id> [REPORT_DIR=reports/<start>_<end>]"; exit 2; }
	$(PY) -m helpers scan $(ID) $(if $(REPORT_DIR),--report-dir $(REPORT_DIR))

clean: ## Remove rendered reports and caches (keeps generated synthetic data)
	rm -rf reports/.builds reports/.failed-* reports/[0-9]* reports/bench reports/latest data/cache

.PHONY: help install report spark-extra test lint data bench profile scan clean
