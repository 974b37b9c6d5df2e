#!/usr/bin/env bash
# The whole test suite: SQLite, then PostgreSQL (throwaway cluster), then the browser tests (Chromium).
# A leg whose prerequisite is missing is skipped LOUDLY; with CI=true a skipped leg is a failure.
# The last line sums the three legs: "total: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
LOGS="$(mktemp -d /tmp/trama-test.XXXXXX)"
trap 'rm -rf "$LOGS"' EXIT
failed=()
skipped=()

banner() { printf '\n==================== %s ====================\n' "$1"; }

banner "1/3 unit and integration tests on SQLite"
$PY -m pytest -q trama 2>&1 | tee "$LOGS/sqlite.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed+=("sqlite")

banner "2/3 unit and integration tests on PostgreSQL"
bash scripts/with-postgres.sh $PY -m pytest -q trama 2>&1 | tee "$LOGS/postgresql.log"
status=${PIPESTATUS[0]}
if [ "$status" -eq 3 ]; then
  skipped+=("postgresql (initdb/pg_ctl not found: install the postgresql package)")
elif [ "$status" -ne 0 ]; then
  failed+=("postgresql")
fi

banner "3/3 browser tests (Playwright + Chromium)"
CHROMIUM="${TRAMA_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  TRAMA_CHROMIUM="$CHROMIUM" $PY -m pytest -q e2e 2>&1 | tee "$LOGS/browser.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || failed+=("browser")
else
  skipped+=("browser ($CHROMIUM not found: apt-get install -y chromium)")
fi

banner "summary"
for leg in "${skipped[@]}"; do echo "!!! SKIPPED LEG: $leg"; done
for leg in "${failed[@]}"; do echo "!!! FAILED LEG: $leg"; done
totals="$($PY scripts/sum_pytest.py "$LOGS"/*.log)"
if [ ${#failed[@]} -gt 0 ]; then echo "$totals"; exit 1; fi
if [ ${#skipped[@]} -gt 0 ] && [ "${CI:-}" = "true" ]; then
  echo "CI=true: a skipped leg is a failure."
  echo "$totals"
  exit 2
fi
echo "all legs passed"
echo "$totals"
