# hotline-bulletin — `make demo` and `make test` work on a fresh machine (Python 3.11 on PATH).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA ?= data
export DAGSTER_HOME ?= $(CURDIR)/$(DATA)/dagster_home
DBT_SOURCES := $(shell find dbt_project/models dbt_project/macros dbt_project/tests -type f 2>/dev/null) dbt_project/dbt_project.yml
MANIFEST := dbt_project/target/manifest.json
SPARK_MANIFEST := dbt_project/target-spark/manifest.json
PORT ?= 3000
# Debian packages: a CJK font for the charts' Chinese labels, Chromium for tests/browser.
SYSTEM_PACKAGES ?= fontconfig fonts-wqy-microhei chromium

.PHONY: setup system-packages demo test test-fast lint dev bench bench-engines clean setup-spark java test-spark

setup: system-packages $(BIN)/.installed $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml ## system packages, venv, packages, dbt manifest, Dagster instance

# Installs only what is missing (nothing, and no apt-get update, when all are installed); as root,
# else through sudo. Without dpkg/apt-get (not Debian) it says what to install and goes on.
system-packages: ## CJK font and Chromium from the Debian packages, when missing
	@if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then \
		echo "warning: not a Debian system: install a CJK font and Chromium yourself ($(SYSTEM_PACKAGES))" >&2; \
		exit 0; \
	fi; \
	missing=""; \
	for package in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$package"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	echo "installing system packages:$$missing"; \
	$$sudo apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# dagster-dbt reads the manifest when the definitions are imported: prepare it here, never at import.
$(MANIFEST): $(BIN)/.installed $(DBT_SOURCES)
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir . --target-path target
	touch $@

$(DAGSTER_HOME)/dagster.yaml: $(BIN)/.installed
	$(BIN)/python -c "from pathlib import Path; from pipelines.instance import ensure_dagster_home; ensure_dagster_home(Path('$(DAGSTER_HOME)'))"

# ---- Spark (optional; README "When one machine is not enough") --------------------------------
setup-spark: setup java $(BIN)/.installed-spark $(SPARK_MANIFEST) ## pyspark + dbt-spark, Java 17+, the Spark manifest

# Spark 4 runs on Java 17 or newer: Debian's default-jre-headless (17 on Debian 12) when missing.
java:
	@version=$$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1); \
	if [ -n "$$version" ] && [ "$$version" -ge 17 ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
		echo "error: Spark needs Java 17 or newer: install it (e.g. OpenJDK 17) and re-run" >&2; exit 1; \
	fi; \
	sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	echo "installing Java for Spark: default-jre-headless"; \
	$$sudo apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends default-jre-headless

$(BIN)/.installed-spark: $(BIN)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $@

$(SPARK_MANIFEST): $(BIN)/.installed-spark $(DBT_SOURCES) dbt_project/profiles.yml
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir . --target spark --target-path target-spark
	touch $@

# Not part of `make test` (a JVM, minutes per month): the demo months on Spark and on DuckDB, equal.
test-spark: setup-spark ## the equality proof: two months through the pipeline on both engines
	HOTLINE_TEST_SPARK=1 $(BIN)/pytest -q -s --durations=5 tests/spark

demo: setup ## generate 2021-01 and 2021-02, run both through Dagster, print where the bulletin is
	$(BIN)/hotline demo

test: setup ## lint and the whole test suite
	$(BIN)/ruff check pipelines tests
	$(BIN)/pytest -q

test-fast: setup ## lint and the tests not marked slow (no dbt build, no Dagster run): under a minute
	$(BIN)/ruff check pipelines tests
	$(BIN)/pytest -q -m "not slow"

lint: setup
	$(BIN)/ruff check pipelines tests

dev: setup ## the Dagster UI on http://127.0.0.1:$(PORT)
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p $(PORT)

# BENCH_SCALES=1,10 BENCH_CASES=scale make bench measures a part; measured cases are kept (BENCH_FORCE=1)
bench: setup ## pipeline vs DuckDB-only reference at scale 1, 10, 140, history, backfill: docs/benchmarks.md
	$(BIN)/python -m benchmarks.run

bench-engines: setup-spark ## one month on DuckDB and on Spark: time and memory (BENCH_ENGINE_SCALES=1,10)
	BENCH_ENGINES=1 $(BIN)/pytest -q -s benchmarks/test_bench_engines.py

clean:
	rm -rf $(DATA) dbt_project/target dbt_project/logs
