#!/usr/bin/env bash
# End-to-end smoke of a running marketplace, from the outside, with bash + curl + jq only.
#
#   SMOKE_URL=http://127.0.0.1:8080 infra/smoke.sh
#
# What it checks (each line prints "ok" or "not ok"; the last line is "N passed, N failed, N skipped"):
#   1. the load balancer answers /health/ready;
#   2. the demo logins work (bureau, provider1, school1 — password Demo@2026). The stack must hold the demo:
#      Production refuses the demo seed, so CI seeds it with infra/docker-compose.ci.yml (a one-off
#      Development-mode `seed` container against the same MongoDB); on a real deployment, do not run this;
#   3. a provider publishes a new offering (create, submit, bureau approves) and it is searchable within
#      SMOKE_FRESH seconds, through the load balancer and on every replica;
#   4. a school opens a SignalR connection (Server-Sent Events transport, hand-made: negotiate, GET the event
#      stream, POST the handshake) on replica A, books a session on replica B with an Idempotency-Key, replays
#      the same request on replica A (same booking, Idempotent-Replayed), the provider confirms on replica B,
#      and the confirmation is pushed to the connection on replica A (Redis backplane) within SMOKE_PUSH s;
#   5. the change feed (GET /api/events) serves the pushed event for catch-up;
#   6. the search index shows the reserved seats (free seats = capacity - pupils) within SMOKE_FRESH s;
#   7. with two replica addresses: the bureau rebuilds the index on both replicas at the same moment; then the
#      offering is found exactly once and a new booking still reaches the index;
#   8. with SMOKE_COMPOSE: nginx spreads clients that share a /24 over both replicas and keeps each client on
#      one (read from lb's access log, which records the upstream of every request);
#   9. with SMOKE_ELASTICSEARCH_URL: the cluster is green, auto-creation is off (a stray versioned delete to a
#      missing index is refused and creates nothing), every offerings-* index sits behind an alias and the
#      alias `offerings` points at exactly one index.
#
# Settings (environment):
#   SMOKE_URL                 the load balancer (default http://127.0.0.1:8080)
#   SMOKE_REPLICA_URLS        space-separated base URLs of the replicas, reached directly (optional)
#   SMOKE_COMPOSE             the compose command of the stack, e.g. "docker compose -f infra/docker-compose.yml
#                             -f infra/docker-compose.ci.yml": finds api1/api2 addresses (when SMOKE_REPLICA_URLS
#                             is unset) and reads lb's log (optional)
#   SMOKE_ELASTICSEARCH_URL   the cluster behind the stack (optional), e.g. http://127.0.0.1:9200
#   SMOKE_PASSWORD (Demo@2026), SMOKE_FRESH (5), SMOKE_PUSH (10), SMOKE_READY (180): seconds
# Without replica URLs, replicas A and B are both the load balancer and the cross-replica parts are reported
# skipped. Runs against the embedded host too (dotnet run --project src/Marketplace.Api; SMOKE_URL=http://localhost:5080).
set -uo pipefail

LB="${SMOKE_URL:-http://127.0.0.1:8080}"; LB="${LB%/}"
PASSWORD="${SMOKE_PASSWORD:-Demo@2026}"
FRESH="${SMOKE_FRESH:-5}"; PUSH="${SMOKE_PUSH:-10}"; READY="${SMOKE_READY:-180}"
RUN="$(date +%s)$RANDOM"

for tool in curl jq; do
  command -v "$tool" >/dev/null 2>&1 || { echo "smoke: $tool is required"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
done

work="$(mktemp -d)"
sse_pids=()
cleanup() { for p in "${sse_pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

passed=0; failed=0; skipped=0
ok()   { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "not ok - $*"; }
skip() { skipped=$((skipped + 1)); echo "skip - $*"; }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
finish() { echo "${passed} passed, ${failed} failed, ${skipped} skipped"; [ "$failed" -eq 0 ]; exit $?; }

# call METHOD URL [TOKEN] [JSON] [extra curl args...]: body in $work/body, headers in $work/headers, status in $status.
status=000
call() {
  local method="$1" url="$2" token="${3:-}" body="${4:-}"; shift 4 2>/dev/null || shift $#
  local args=(-sS -X "$method" -o "$work/body" -D "$work/headers" -w '%{http_code}' --max-time 30)
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  status="$(curl "${args[@]}" "$@" "$url" 2>"$work/curl-error")" || status=000
}
body() { cat "$work/body"; }
header() { grep -i "^$1:" "$work/headers" | tail -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'; }
show() { echo "    $1 answered $status: $(head -c 400 "$work/body" 2>/dev/null) $(cat "$work/curl-error" 2>/dev/null)"; }

# until SECONDS COMMAND...: retries the command every 0.25 s until it succeeds or the time is up.
until_ok() {
  local deadline=$(( $(date +%s%N) / 1000000 + $1 * 1000 )); shift
  while :; do
    "$@" && return 0
    [ $(( $(date +%s%N) / 1000000 )) -ge "$deadline" ] && return 1
    sleep 0.25
  done
}

# ---------------------------------------------------------------------------------------------- 1. ready
ready() { call GET "$LB/health/ready"; [ "$status" = 200 ]; }
if until_ok "$READY" ready; then ok "load balancer $LB is ready"; else show "$LB/health/ready"; fail "load balancer $LB is ready"; finish; fi

# ---------------------------------------------------------------------------------------------- replicas
replicas=()
if [ -n "${SMOKE_REPLICA_URLS:-}" ]; then
  read -r -a replicas <<<"$SMOKE_REPLICA_URLS"
elif [ -n "${SMOKE_COMPOSE:-}" ]; then
  for service in api1 api2; do
    id="$($SMOKE_COMPOSE ps -q "$service" 2>/dev/null | head -n 1)"
    ip="$([ -n "$id" ] && docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$id" 2>/dev/null | awk '{print $1}')"
    [ -n "$ip" ] && replicas+=("http://$ip:8080")
  done
fi
if [ "${#replicas[@]}" -ge 2 ]; then
  A="${replicas[0]%/}"; B="${replicas[1]%/}"; cross=1
  echo "# replicas: A=$A B=$B (through the load balancer: $LB)"
else
  A="$LB"; B="$LB"; cross=0
  echo "# no replica addresses (set SMOKE_REPLICA_URLS or SMOKE_COMPOSE): both roles use $LB"
fi
# Replicas reached directly (same container network) and the balancer; each must be ready before the checks.
for url in "${replicas[@]}"; do
  r() { call GET "$url/health/ready"; [ "$status" = 200 ]; }
  check "replica $url is ready" until_ok 60 r
done

# ---------------------------------------------------------------------------------------------- 2. logins
login() { # login USER VARIABLE: the access token into VARIABLE
  call POST "$LB/api/auth/token" "" "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}"
  local token; token="$([ "$status" = 200 ] && body | jq -er .accessToken)" || return 1
  printf -v "$2" '%s' "$token"
}
login bureau BUREAU || { show "login bureau"; fail "demo logins (is the demo seeded? see infra/docker-compose.ci.yml)"; finish; }
login provider1 PROVIDER || { show "login provider1"; fail "provider1 logs in"; finish; }
login school1 SCHOOL || { show "login school1"; fail "school1 logs in"; finish; }
ok "bureau, provider1 and school1 log in through the load balancer"

# ---------------------------------------------------------------------------------------------- 3. publish + search
title="冒烟测试天文观测营${RUN}"
offering_json="$(jq -nc --arg title "$title" '{
  title: $title, summary: "端到端冒烟测试课程", description: "由 infra/smoke.sh 创建。", category: "Science", mode: "OnCampus",
  grades: [1,2,3,4,5,6], minGroup: 1, maxGroup: 40, durationMinutes: 90, priceFen: 500, cancellationCutoffHours: 24,
  districts: ["110101","110102","110105","110108","330102","330105","330106","330108","510104","510105","510107","510108"],
  tags: ["天文"] }')"
call POST "$B/api/offerings" "$PROVIDER" "$offering_json"
if [ "$status" != 201 ]; then show "create offering"; fail "provider creates an offering"; finish; fi
OFFERING="$(body | jq -r .id)"
ok "provider creates offering $OFFERING (on B)"
call POST "$B/api/offerings/$OFFERING/submit" "$PROVIDER" "{}"
[ "$status" = 200 ] || show "submit"
call POST "$A/api/offerings/$OFFERING/approve" "$BUREAU" "{}"
if [ "$status" = 200 ]; then ok "bureau approves it (on A)"; else show "approve"; fail "bureau approves it"; finish; fi

searchable() { # searchable BASE: the offering is in the search results
  call GET "$1/api/search/offerings?q=%E5%A4%A9%E6%96%87%E8%A7%82%E6%B5%8B&pageSize=100"
  [ "$status" = 200 ] && body | jq -e --arg id "$OFFERING" '.items | any(.id == $id)' >/dev/null
}
for url in "$LB" "${replicas[@]}"; do
  check "published offering is searchable within ${FRESH} s on $url" until_ok "$FRESH" searchable "$url"
done

# ---------------------------------------------------------------------------------------------- 4. book, confirm, live push
starts="$(date -u -d '+3 days' +%Y-%m-%dT%H:00:00Z)"; ends="$(date -u -d '+3 days 90 minutes' +%Y-%m-%dT%H:%M:00Z)"
call POST "$B/api/offerings/$OFFERING/sessions" "$PROVIDER" "{\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",\"capacity\":30}"
if [ "$status" != 201 ] && [ "$status" != 200 ]; then show "schedule"; fail "provider schedules a session"; finish; fi
SESSION="$(body | jq -r '(if type == "array" then .[0] else . end).id')"
ok "provider schedules session $SESSION (capacity 30)"

# A hand-made SignalR client: negotiate, open the Server-Sent Events stream, send the JSON handshake.
sse_open() { # sse_open BASE TOKEN OUTFILE
  local base="$1" token="$2" out="$3" negotiation connection
  negotiation="$(curl -sS -X POST -H "Authorization: Bearer $token" -H 'Content-Length: 0' --max-time 10 \
    "$base/hubs/marketplace/negotiate?negotiateVersion=1")" || return 1
  connection="$(jq -er .connectionToken <<<"$negotiation")" || { echo "    negotiate: $negotiation"; return 1; }
  jq -e '.availableTransports | any(.transport == "ServerSentEvents")' <<<"$negotiation" >/dev/null || return 1
  curl -sS -N -H "Authorization: Bearer $token" -H 'Accept: text/event-stream' \
    "$base/hubs/marketplace?id=$connection" >"$out" 2>"$out.err" &
  sse_pids+=($!)
  until_ok 5 grep -q '^:' "$out" || return 1   # the server opens the stream with a comment line
  printf '{"protocol":"json","version":1}\036' | curl -sS -f -X POST -H "Authorization: Bearer $token" \
    -H 'Content-Type: text/plain;charset=UTF-8' --data-binary @- --max-time 10 "$base/hubs/marketplace?id=$connection" >/dev/null || return 1
  until_ok 5 grep -q '^data: {}' "$out"          # handshake accepted
}
# Every SignalR message of the stream as one JSON object per line (records end with 0x1E).
sse_messages() { sed -n 's/^data: //p' "$1" | tr -d '\r' | tr '\036' '\n' | grep -v '^$' || true; }

live="$work/school-live.txt"
if sse_open "$A" "$SCHOOL" "$live"; then ok "school's SignalR connection (Server-Sent Events) is open on A"; else fail "school's SignalR connection opens on A"; fi

key="smoke-$RUN"
booking_json="{\"sessionId\":\"$SESSION\",\"pupils\":5,\"grades\":[3],\"contactName\":\"李老师\",\"contactPhone\":\"13900001111\",\"note\":\"smoke\"}"
call POST "$B/api/bookings" "$SCHOOL" "$booking_json" -H "Idempotency-Key: $key"
if [ "$status" != 201 ]; then show "book"; fail "school books 5 pupils"; finish; fi
BOOKING="$(body | jq -r .id)"
check "school books 5 pupils on B: booking $BOOKING is Requested" test "$(body | jq -r .status)" = Requested
call POST "$A/api/bookings" "$SCHOOL" "$booking_json" -H "Idempotency-Key: $key"
replayed="$(header Idempotent-Replayed)"
check "the same request with the same Idempotency-Key on A returns the same booking, marked replayed" \
  test "$(body | jq -r .id 2>/dev/null)|${replayed,,}" = "$BOOKING|true"

call POST "$B/api/bookings/$BOOKING/confirm" "$PROVIDER" "{}"
check "provider confirms on B" test "$status|$(body | jq -r .status 2>/dev/null)" = "200|Confirmed"

pushed() { sse_messages "$live" | jq -e --arg id "$BOOKING" 'select(.type == 1 and .target == "bookingChanged")
  | .arguments[0] | select(.bookingId == $id and .newStatus == "Confirmed")' >/dev/null 2>&1; }
if [ "$cross" = 1 ]; then where="from B to the connection on A"; else where="(one address: backplane not exercised)"; fi
if until_ok "$PUSH" pushed; then ok "confirmation pushed within ${PUSH} s $where"
else echo "    stream: $(sse_messages "$live" | tail -n 5 | head -c 800)"; fail "confirmation pushed within ${PUSH} s $where"; fi

# ---------------------------------------------------------------------------------------------- 5. change feed
cursor="$(sse_messages "$live" | jq -r --arg id "$BOOKING" 'select(.target == "bookingChanged") | .arguments[0]
  | select(.bookingId == $id and .newStatus == "Confirmed") | .cursor' 2>/dev/null | head -n 1)"
if [ -n "$cursor" ]; then
  call GET "$B/api/events?after=$((cursor - 1))" "$SCHOOL"
  check "change feed on B serves the pushed event (cursor $cursor) for catch-up" \
    test "$(body | jq -r --argjson c "$cursor" '.items | map(select(.cursor == $c)) | .[0].type' 2>/dev/null)" != null
else
  skip "change feed (no pushed cursor to look for)"
fi

# ---------------------------------------------------------------------------------------------- 6. seats in search
seats() {
  call GET "$1/api/search/offerings?q=%E5%A4%A9%E6%96%87%E8%A7%82%E6%B5%8B&pageSize=100"
  [ "$status" = 200 ] && body | jq -e --arg id "$OFFERING" '.items | map(select(.id == $id)) | .[0].nextSession.freeSeats == 25' >/dev/null
}
check "search shows 25 free seats within ${FRESH} s" until_ok "$FRESH" seats "$LB"

# ---------------------------------------------------------------------------------------------- 7. concurrent rebuild
# Two replicas rebuilding at once (as at a first start, or after a template change) must leave the alias on one
# index: every hit once, writes through the alias accepted. The bureau asks both replicas at the same moment.
if [ "$cross" = 1 ]; then
  for url in "$A" "$B"; do
    curl -sS -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $BUREAU" -H 'Content-Length: 0' --max-time 300 \
      "$url/api/admin/search/rebuild" >>"$work/rebuilds" 2>/dev/null &
  done
  wait_rebuilds() { [ "$(grep -c . "$work/rebuilds" 2>/dev/null)" -ge 2 ]; }
  until_ok 300 wait_rebuilds
  codes="$(sort "$work/rebuilds" | tr '\n' ' ')"
  check "concurrent rebuilds on A and B both answered (HTTP $codes)" test -z "$(grep -v -E '^(200|202|409)$' "$work/rebuilds")"
  once() {
    call GET "$LB/api/search/offerings?q=%E5%A4%A9%E6%96%87%E8%A7%82%E6%B5%8B&pageSize=100"
    [ "$status" = 200 ] && body | jq -e --arg id "$OFFERING" '[.items[] | select(.id == $id)] | length == 1' >/dev/null
  }
  check "after the rebuilds the offering is found exactly once" until_ok "$FRESH" once
  call POST "$B/api/bookings" "$SCHOOL" "${booking_json/\"pupils\":5/\"pupils\":4}" -H "Idempotency-Key: $key-after-rebuild"
  [ "$status" = 201 ] || show "book after rebuild"
  seats_after() {
    call GET "$LB/api/search/offerings?q=%E5%A4%A9%E6%96%87%E8%A7%82%E6%B5%8B&pageSize=100"
    [ "$status" = 200 ] && body | jq -e --arg id "$OFFERING" '.items | map(select(.id == $id)) | .[0].nextSession.freeSeats == 21' >/dev/null
  }
  check "after the rebuilds a new booking reaches the index (21 free seats within ${FRESH} s)" until_ok "$FRESH" seats_after
else
  skip "concurrent rebuild (needs two replica addresses)"
fi

# ---------------------------------------------------------------------------------------------- 8. nginx balancing
if [ -n "${SMOKE_COMPOSE:-}" ] && [ "$cross" = 1 ]; then
  # 24 clients of one /24 (documentation addresses), each twice. The runner reaches lb through the compose
  # network's gateway, which nginx trusts (set_real_ip_from), so X-Forwarded-For is the client address.
  for round in 1 2; do
    for i in $(seq 1 24); do
      curl -sS -o /dev/null --max-time 10 -H "X-Forwarded-For: 203.0.113.$i" "$LB/health/live?smoke=$RUN" || true
    done
  done
  sleep 1
  $SMOKE_COMPOSE logs --no-color lb 2>/dev/null | grep "smoke=$RUN" \
    | sed -n 's/.*client=\([0-9.]*\) .*upstream=\([0-9.:]*\).*/\1 \2/p' | sort -u >"$work/routes"
  upstreams="$(cut -d' ' -f2 "$work/routes" | sort -u | wc -l)"
  clients="$(cut -d' ' -f1 "$work/routes" | sort -u | wc -l)"
  lines="$(wc -l <"$work/routes")"
  check "nginx spreads 24 clients of 203.0.113.0/24 over both replicas (saw $upstreams upstreams)" test "$upstreams" -ge 2
  check "nginx keeps each client on one replica ($clients clients, $lines client/upstream pairs)" test "$clients" = 24 -a "$lines" = 24
else
  skip "nginx balancing (needs SMOKE_COMPOSE and both replicas)"
fi

# ---------------------------------------------------------------------------------------------- 9. Elasticsearch
ES="${SMOKE_ELASTICSEARCH_URL:-}"; ES="${ES%/}"
if [ -n "$ES" ]; then
  green() { call GET "$ES/_cluster/health?wait_for_status=green&timeout=5s"; [ "$status" = 200 ] && body | jq -e '.status == "green"' >/dev/null; }
  if until_ok 30 green; then ok "Elasticsearch cluster is green"
  else fail "Elasticsearch cluster is green: $(body | head -c 300); unassigned: $(curl -sS "$ES/_cat/shards?h=index,shard,prirep,state" | grep -v STARTED | head -n 5 | tr '\n' ';')"; fi
  stray="offerings-vsmoke-$RUN"
  call DELETE "$ES/$stray/_doc/1?version=7&version_type=external_gte"
  call GET "$ES/$stray"
  check "a versioned delete to a missing index creates no index (action.auto_create_index)" test "$status" = 404
  curl -sS "$ES/_cat/indices/offerings-*?h=index" | tr -d ' \r' | grep . | sort -u >"$work/indices"
  curl -sS "$ES/_cat/aliases/offerings*?h=index" | tr -d ' \r' | grep . | sort -u >"$work/aliased"
  orphans="$(comm -23 "$work/indices" "$work/aliased" | grep -v '^offerings-test-' | tr '\n' ' ')"
  check "every offerings-* index is behind an alias (orphans: ${orphans:-none})" test -z "$orphans"
  behind="$(curl -sS "$ES/_cat/aliases/offerings?h=index" | tr -d ' \r' | grep . | sort -u | tr '\n' ' ')"
  check "the alias offerings points at exactly one index (${behind:-none})" test "$(wc -w <<<"$behind")" = 1
else
  skip "Elasticsearch checks (set SMOKE_ELASTICSEARCH_URL)"
fi

finish
