# The two commands of the README: `make run` and `make test`. Each installs and trains first
# when needed.
SHELL := /bin/bash
PY := .venv/bin/python
RASA := .venv/bin/rasa
INSTALLED := .venv/.installed
MODEL := models/triage.tar.gz
RASA_DATA := data/nlu data/rules data/stories
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' -o -name '*.txt') $(wildcard bot/nlu/*.py)
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONWARNINGS := ignore
# Rasa sends usage data and crash reports to its vendor unless told not to
export RASA_TELEMETRY_ENABLED ?= false
export SQLITE_DB ?= rasa.db
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:5055/webhook

.PHONY: help install train run shell test browser validate eval eval-rest lint freeze clean vendor-web run-prod retention bench-load fuzz

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

install: $(INSTALLED)  ## create .venv with every pinned package

$(INSTALLED): requirements.txt scripts/install.sh
	@bash scripts/install.sh

train: $(MODEL)  ## train the Rasa model when data/, config.yml or domain.yml changed

$(MODEL): $(INSTALLED) $(TRAINING_INPUTS)
	@echo "==> training the Rasa model (about a minute)"
	@$(RASA) train --data $(RASA_DATA) --fixed-model-name triage --out models --quiet
	@echo "==> model ready: $(MODEL)"

run: install train  ## run the assistant: action server :5055 + Rasa server :5005 (Ctrl-C stops)
	@bash scripts/run.sh

shell: install train  ## chat in the terminal (starts its own action server)
	@$(RASA) run actions --actions actions --port 5055 --quiet & trap "kill $$!" EXIT; \
	 $(RASA) shell --model $(MODEL) --endpoints endpoints.yml --quiet

browser:  ## Debian packages for the tests: chromium, chromium-driver, wamerican
	@bash scripts/install_browser.sh

test: install train browser  ## run the whole test suite
	@$(PY) -m pytest

validate: install  ## check the Rasa data for conflicts
	@$(RASA) data validate --data $(RASA_DATA) --fail-on-warnings

lint: install  ## ruff
	@.venv/bin/ruff check bot actions tests benchmarks scripts

freeze: install  ## rewrite requirements.txt from the environment
	@$(PY) -m pip freeze | grep -v '^pip==' > /tmp/freeze.txt && sed -n '1,4p' requirements.txt | cat - /tmp/freeze.txt > requirements.txt

clean:  ## remove trained models and local databases
	rm -rf models .rasa *.db results

eval: install  ## triage safety figures, in-process (seconds)
	@$(PY) benchmarks/triage_eval.py dev dev2 heldout

eval-rest: install train  ## triage safety figures over the real servers
	@$(PY) benchmarks/triage_eval.py dev dev2 heldout --mode rest --start

vendor-web:  ## refresh the vendored socket.io client (needs npm)
	@bash scripts/vendor_web.sh

run-prod: install train  ## production layout: 2 Rasa servers (5005, 5006) on PostgreSQL + Redis, action server 5055
	@bash scripts/run_prod.sh

retention: install  ## delete conversations inactive for more than DAYS days (make retention DAYS=30)
	@test -n "$(DAYS)" || { echo "usage: make retention DAYS=30" >&2; exit 2; }
	@$(PY) -m bot.retention --days $(DAYS)

bench-load: install train  ## load benchmark: ours against the stock rasa init assistant (minutes)
	@$(PY) benchmarks/load.py --train --profile

fuzz: install train  ## 10,000 odd messages over REST against our own servers
	@$(PY) benchmarks/rest_fuzz.py --start --count 10000
