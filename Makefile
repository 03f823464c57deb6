# Two commands for a fresh machine with Python 3.11 and make:
#   make demo   create .venv, install labour_sim, calibrate Lolland-Falster to VIVE's midterm
#               (once: out/calibration/ is kept), run the calibrated scenario, write its report
#   make test   install the dev extras, lint, type-check and run the whole test suite
#   make explore  the scenario explorer in the browser, on Lolland-Falster (the explore extra)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out/lolland_falster
# Calibrations of the programmes with a set-up file in scenarios/calibration, one folder each.
CALIBRATIONS := out/calibration
MIDTERM := $(CALIBRATIONS)/lolland_falster_midterm
SETUPS := $(wildcard scenarios/calibration/*.toml)
TABLE_REPS ?= 1000
# Test processes (pytest-xdist); the tests that share an expensive fixture run on one of them.
TEST_WORKERS ?= 2

.PHONY: demo explore test install install-dev install-explore lint bench docs screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

$(VENV)/.installed-explore: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[explore]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-explore: $(VENV)/.installed-explore

# The scenario explorer on Lolland-Falster: open the printed address, move a lever.
explore: install-explore
	$(BIN)/labour-sim explore scenarios/lolland_falster.toml

# A calibration is redone when its set-up or any scenario or observation file changes.
$(CALIBRATIONS)/%/calibration.json: scenarios/calibration/%.toml $(wildcard scenarios/*.toml scenarios/base/*.toml scenarios/observations/*.toml) | $(VENV)/.installed
	$(BIN)/labour-sim calibrate $< --out $(CALIBRATIONS)/$* --overwrite --quiet

demo: install $(MIDTERM)/calibration.json
	$(BIN)/labour-sim run scenarios/lolland_falster.toml --calibration $(MIDTERM) \
		--replications 1000 --out $(OUT) --overwrite
	$(BIN)/labour-sim report scenarios/lolland_falster.toml --results $(OUT) --goal 100 \
		--observations scenarios/observations/lolland_falster_midterm.toml --out $(OUT)/report.html

# The README's picture of the report's first screen (1280 x 800), from make demo's report.
screenshot: install-dev
	test -f $(OUT)/report.html || $(MAKE) demo
	$(BIN)/python docs/report_screenshot.py $(OUT)/report.html docs/report_first_screen.png

lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --durations=20

docs: install $(SETUPS:scenarios/calibration/%.toml=$(CALIBRATIONS)/%/calibration.json)
	$(BIN)/labour-sim schema --out docs/scenario-format.md
	$(BIN)/labour-sim table scenarios/*.toml --out docs/programmes.md --replications $(TABLE_REPS) \
		$(SETUPS:scenarios/calibration/%.toml=--calibration $(CALIBRATIONS)/%)

bench: install
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_scaling.py
	$(BIN)/python benchmarks/bench_experiment.py
	$(BIN)/python benchmarks/bench_levers.py
	$(BIN)/python benchmarks/bench_calibration.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
