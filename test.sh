#!/usr/bin/env bash
# Runs every test of the solution and ends with the plain line "N passed, N failed, N skipped".
# Installs what the tests need when the machine lacks it (Debian chromium + Chinese fonts for browser tests).
set -uo pipefail
cd "$(dirname "$0")"

install_browser() {
  command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "wenquanyi" && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing chromium and fonts-wqy-microhei for the browser tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
      || echo "test.sh: could not install chromium; browser tests will report themselves skipped"
  fi
}
install_browser

# docker-compose validates infra/docker-compose.yml offline and nginx runs infra/nginx/nginx.conf in the Infra tests
# (tests/Marketplace.Api.Tests/Infra); without them those tests report themselves skipped.
install_infra_tools() {
  local missing=()
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${missing[*]} for the infra checks"
    # Only the programs: no Docker engine (docker-compose recommends docker.io), and no nginx service started on
    # port 80 (a policy-rc.d that refuses service starts, Debian's convention, unless the machine has one).
    local policy=/usr/sbin/policy-rc.d added=""
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && added=1; fi
    local log; log="$(mktemp)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}") >/dev/null 2>"$log" \
      || { tail -n 5 "$log"; echo "test.sh: could not install ${missing[*]}; the infra checks will report themselves skipped"; }
    rm -f "$log"
    if [ -n "$added" ]; then rm -f "$policy"; fi
  fi
}
install_infra_tools

# MARKETPLACE_TEST_RESULTS=<folder> keeps the trx files (each test's duration) there; otherwise a temporary folder is used.
if [ -n "${MARKETPLACE_TEST_RESULTS:-}" ]; then
  results="$MARKETPLACE_TEST_RESULTS"; mkdir -p "$results"
else
  results="$(mktemp -d)"
  trap 'rm -rf "$results"' EXIT
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build Marketplace.sln -c Release -nologo -v q || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
dotnet test Marketplace.sln -c Release --no-build -nologo -v q --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*' "$trx" | head -n 1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value total) - $(value executed)))  # skipped tests are counted as not executed
done
if [ "$failed" -gt 0 ]; then
  # The quiet console names a failing test but not why: print each failure's message, stack and output from the trx.
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    awk '
      /<UnitTestResult / && /outcome="Failed"/ {
        match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); gsub(/&quot;/, "\"", name)
        print "\n--- FAILED " name; inside = 1; shown = 0; next
      }
      inside && /<\/UnitTestResult>/ { inside = 0; next }
      inside && shown < 80 {
        line = $0; gsub(/<[^>]*>/, "", line); gsub(/&lt;/, "<", line); gsub(/&gt;/, ">", line); gsub(/&quot;/, "\"", line); gsub(/&amp;/, "\\&", line)
        if (line ~ /[^ \t\r]/) { print line; shown++ }
      }' "$trx"
  done
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
