#!/usr/bin/env bash
# Installs everything the audit and the tests need, idempotently: Debian packages,
# the Python virtual environment, LanguageTool's jars (Maven Central) and axe-core (npm).
# Each step is skipped when its stamp matches, so a warm run costs well under a second.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CACHE="$ROOT/.cache"
mkdir -p "$CACHE"

say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# --- Debian packages ---------------------------------------------------------
need_cmd_pkg=(java:openjdk-17-jre-headless mvn:maven chromium:chromium)
need_file_pkg=(/usr/share/hunspell/en_med_glut.dic:hunspell-en-med /usr/share/hunspell/en_US.aff:hunspell-en-us)
missing=()
for pair in "${need_cmd_pkg[@]}"; do command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}"); done
for pair in "${need_file_pkg[@]}"; do [ -e "${pair%%:*}" ] || missing+=("${pair##*:}"); done
command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-venv)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    die "missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}"
  fi
fi
java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])' || die "LanguageTool needs Java 17 or newer (java -version)."

# --- Python virtual environment ----------------------------------------------
PY="${PYTHON:-python3}"
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "Python 3.11 or newer is needed ($PY)."
stamp_py="$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.stamp 2>/dev/null)" != "$stamp_py" ]; then
  say "creating the virtual environment (.venv) from requirements.lock"
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e . >"$CACHE/pip-editable.log" 2>&1 \
    || { cat "$CACHE/pip-editable.log" >&2; die "could not install the project into .venv"; }
  echo "$stamp_py" > .venv/.stamp
fi

# --- LanguageTool jars ---------------------------------------------------------
LT_POM="tools/languagetool/pom.xml"
stamp_lt="$(sha256sum "$LT_POM" | cut -c1-16)"
LT_DIR="$CACHE/languagetool/$stamp_lt"
if [ ! -f "$LT_DIR/.complete" ]; then
  say "fetching LanguageTool jars from Maven Central (English only)"
  rm -rf "$LT_DIR"; mkdir -p "$LT_DIR"
  mvn -q -B -f "$LT_POM" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$LT_DIR/jars" >"$CACHE/mvn.log" 2>&1 \
    || { tail -20 "$CACHE/mvn.log" >&2; die "mvn could not fetch LanguageTool (log: $CACHE/mvn.log)"; }
  touch "$LT_DIR/.complete"
fi
ln -sfn "$LT_DIR/jars" "$CACHE/languagetool/current"

# --- axe-core (npm) ------------------------------------------------------------
stamp_npm="$(sha256sum package.json | cut -c1-16)"
if [ ! -f node_modules/axe-core/axe.min.js ] || [ "$(cat node_modules/.stamp 2>/dev/null)" != "$stamp_npm" ]; then
  say "installing axe-core from the npm registry"
  npm install --no-audit --no-fund --silent >/dev/null
  echo "$stamp_npm" > node_modules/.stamp
fi
