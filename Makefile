# The README's verbs. `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# Local runs and tests use the embedded defaults; production sets DEBUG=false and SECRET_KEY.
export DEBUG ?= true
# The local settings `make run` (or any install) writes once, so that `.venv/bin/python manage.py ...` works
# as printed in another terminal (never overwritten: delete it to start over).
ENV_FILE ?= .env

.PHONY: run test lint format messages install bench bench-quick

# Installing also writes the local settings, so `.venv/bin/python manage.py ...` works as
# printed after `make test` or `make install` too, not only after `make run`.
$(VENV)/.installed: pyproject.toml | $(ENV_FILE)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

$(ENV_FILE):
	@printf '%s\n' \
	  '# Local development settings, written by make (production: see .env.example).' \
	  'DEBUG=true' \
	  "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote $@ (local settings: DEBUG=true and a private SECRET_KEY)."

# Links in e-mails and calendar feeds point at the address the site is served on.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.installed $(ENV_FILE)
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	@echo ""
	@echo "  The campaign site is starting at http://$(HOST):$(PORT)/"
	@echo "  First organizer: sign up at http://$(HOST):$(PORT)/accounts/signup/ (the confirmation"
	@echo "  e-mail is printed below in this terminal), then in another terminal run:"
	@echo "      $(MANAGE) make_organizer you@example.org"
	@echo "  To see a living map, load a clearly fictional demo campaign (remove it with --remove):"
	@echo "      $(MANAGE) load_demo"
	@echo ""
	$(MANAGE) runserver $(HOST):$(PORT)

# One test process per core (pytest-xdist); TEST_WORKERS=0 runs the suite in this process.
TEST_WORKERS ?= auto
test: $(VENV)/.installed
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the French catalogue after changing marked strings (needs GNU gettext).
messages: $(VENV)/.installed
	$(MANAGE) makemessages -l fr --ignore=.venv --ignore=staticfiles
	$(MANAGE) compilemessages -l fr --ignore=.venv

# The benchmark (issue 18): its own databases, never the site's; writes docs/benchmarks.md.
bench: $(VENV)/.installed
	$(PY) -m benchmarks.run --scale 1

bench-quick: $(VENV)/.installed
	$(PY) -m benchmarks.run --scale 0.1
