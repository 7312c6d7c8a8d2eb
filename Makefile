# One entry point for people and CI. Everything runs inside .venv, created on demand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint protos bench seed clean deploy-check

run: $(STAMP)  ## set up, start the local stack and the services, seed demo data
	$(BIN)/python -m services

test: $(STAMP)  ## set up and run the test suite against real nats-server and redis-server
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)  ## style, types, proto lint, generated-code freshness, deploy files
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/buf lint protos
	$(BIN)/python scripts/gen_protos.py --check
	$(BIN)/python scripts/gen_openapi.py --check
	$(MAKE) deploy-check

deploy-check:  ## static checks of the compose files, deploy/Dockerfile, deploy/k8s, NATS and Redis configs (no Docker engine or cluster needed)
	PYTHON=$(PYTHON) bash scripts/check_deploy.sh

protos: $(STAMP)  ## regenerate socialerasmus/ and the OpenAPI document from protos/
	$(BIN)/python scripts/gen_protos.py
	$(BIN)/python scripts/gen_openapi.py

bench: $(STAMP)  ## run the benchmarks; results land in bench/results/
	$(BIN)/python -m bench.enrolments
	$(BIN)/python -m bench.ranking
	$(BIN)/python -m bench.recommend
	$(BIN)/python -m bench.refit
	$(BIN)/python -m bench.allocation
	$(BIN)/python -m bench.notify
	$(BIN)/python -m bench.journey
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.http

seed: $(STAMP)  ## fill an empty catalogue with demo activities
	$(BIN)/python -m services.catalogue.seed

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:  ## remove the virtualenvs and local data
	rm -rf $(VENV) .venv-deploy .local
