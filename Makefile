# Two commands set everything up on a fresh machine:
#   make run   -> install, index data/issues/, serve http://127.0.0.1:8000
#   make test  -> install (Python packages, Debian chromium, JDK + Maven), build the Solr launcher, run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data
STAMP := $(VENV)/.installed

.PHONY: run test install browser java solr-launcher bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium drives the browser tests, with a CJK font so screenshots show Chinese;
# installed when missing (as root, or through sudo).
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi

# Java and Maven run the local SolrCloud of the Solr engine's tests (`archive solr up`);
# installed when missing, like chromium.
java:
	@if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jdk-headless maven >/dev/null; \
	fi

# The Java part of `archive solr up`, built by Maven (Solr from Maven Central, once) into
# ~/.cache/newspaper-archive/; rebuilt only when its sources change.
solr-launcher: install java
	$(BIN)/python -m indexer.engines.solr.build

run: install
	$(BIN)/archive --data $(DATA) reindex
	$(BIN)/archive --data $(DATA) serve --host 127.0.0.1 --port 8000

test: install browser java solr-launcher
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(DATA)/.archive
