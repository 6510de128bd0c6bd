# Shared by scripts/start and scripts/test: make sure $VENV exists and has the project installed.
# Reinstalls only when pyproject.toml changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
ensure_venv() {
  local extras="$1"
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
  fi
  local stamp="$VENV/.installed-$(echo "$extras" | tr ',' '-')"
  # An install with more extras (e.g. test-postgres-mysql) also serves a request for fewer.
  local existing
  for existing in "$VENV"/.installed-*; do
    [ -f "$existing" ] || continue
    case "$existing" in "$stamp"*) stamp="$existing" ;; esac
  done
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    "$VENV/bin/pip" install -q -e "$ROOT[$extras]"
    touch "$stamp"
  fi
}
