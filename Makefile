# Trama — `make demo` starts the demo, `make test` runs every test leg. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
VENDOR := trama/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo setup assets migrate test test-sqlite test-postgres test-e2e lint bench clean messages

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required (found %s)" % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/.copied: node_modules/.package-lock.json
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap-italia $(VENDOR)/leaflet $(VENDOR)/htmx
	cp -r node_modules/bootstrap-italia/dist/css node_modules/bootstrap-italia/dist/js \
	      node_modules/bootstrap-italia/dist/fonts node_modules/bootstrap-italia/dist/svg $(VENDOR)/bootstrap-italia/
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css \
	      node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	mkdir -p $(VENDOR)/leaflet.markercluster
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
	   node_modules/leaflet.markercluster/dist/MarkerCluster.css \
	   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css $(VENDOR)/leaflet.markercluster/
	mkdir -p $(VENDOR)/axe-core $(VENDOR)/fonts
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe-core/
	cp node_modules/@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf \
	   node_modules/@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf \
	   node_modules/@expo-google-fonts/noto-sans-arabic/400Regular/NotoSansArabic_400Regular.ttf \
	   node_modules/@expo-google-fonts/noto-sans-arabic/700Bold/NotoSansArabic_700Bold.ttf \
	   node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf \
	   node_modules/@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf $(VENDOR)/fonts/
	touch $(VENDOR)/.copied

setup: $(STAMP) assets

assets: $(VENDOR)/.copied

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo
	@echo "Serving Trama on http://$(HOST):$(PORT)/ (logins above; stop with Ctrl-C)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite on SQLite, then on a throwaway PostgreSQL cluster, then the browser tests.
test: setup
	bash scripts/test-all.sh

test-sqlite: setup
	$(PY) -m pytest -q trama

test-postgres: setup
	bash scripts/with-postgres.sh $(PY) -m pytest -q trama

test-e2e: setup
	$(PY) -m pytest -q e2e

lint: setup
	$(VENV)/bin/ruff check trama e2e bench scripts
	$(VENV)/bin/mypy trama e2e bench scripts

bench: setup
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles var

# Refresh the translation catalogues after changing interface strings (needs GNU gettext), then translate
# the new entries and commit both .po and .mo:
# - staff pages (it/en): trama/locale/en/LC_MESSAGES/django.po, every app but the public portal;
# - the public portal (trama/portal/locale/<lang>/): its own catalogue in the six other portal languages,
#   refreshed from inside the app so that its strings stay out of the staff catalogue.
PORTAL_LANGUAGES := en fr es ar uk zh_Hans
messages: setup
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=var \
	      --ignore=e2e --ignore=bench --ignore=trama/portal
	cd trama/portal && env -u DJANGO_SETTINGS_MODULE ../../$(VENV)/bin/django-admin makemessages \
	      --ignore=tests --ignore=static $(addprefix -l ,$(PORTAL_LANGUAGES))
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules
