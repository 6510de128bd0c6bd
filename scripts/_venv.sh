# Shared by scripts/start and scripts/test: make sure $VENV exists and has the project installed.
# Reinstalls only when pyproject.toml changed since the last install. Says what it is doing; pip's
# output is kept in a log and shown only when pip fails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
say() { printf '%s\n' "$*" >&2; }
# Run pip quietly; on failure print its whole output, then fail.
quiet_pip() {
  local log
  log="$(mktemp)"
  if ! "$VENV/bin/pip" "$@" >"$log" 2>&1; then
    say "pip failed:"
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}
ensure_venv() {
  local extras="$1"
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating .venv…"
    "$PYTHON" -m venv "$VENV"
    quiet_pip install --disable-pip-version-check --upgrade pip
  fi
  local stamp="$VENV/.installed-$(echo "$extras" | tr ',' '-')"
  # An install with more extras (e.g. test-postgres-mysql) also serves a request for fewer.
  local existing
  for existing in "$VENV"/.installed-*; do
    [ -f "$existing" ] || continue
    case "$existing" in "$stamp"*) stamp="$existing" ;; esac
  done
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    say "Installing django-frappe-api and its test tools (first run takes a minute)…"
    quiet_pip install --disable-pip-version-check -e "$ROOT[$extras]"
    touch "$stamp"
  fi
}
