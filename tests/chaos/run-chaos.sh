#!/bin/sh
# tests/chaos/run-chaos.sh BUILD - the chaos campaign behind `make chaos`.
#
# Starts fedstate-testapi seeded with a fleetgen fleet, two `fedstate
# scheduler` and two `fedstate ops` replicas (leader election on), each
# under its own supervisor loop that restarts it when it exits (as a
# Deployment does), then runs the load driver (tests/chaos/chaos_load.c, in
# the background, paced over CHAOS_SECONDS) while a seeded fault schedule
# runs. After the last fault it waits for every binding to settle, then the
# checker (tests/chaos/chaos_check.c) replays the server's write log and
# compares placements with `fedstate simulate` on the final objects. The
# estimator is the Node stand-in of karmada-scheduler-estimator
# (tests/grpc/server.js), serving CHAOS_ESTIMATED clusters (10) of the
# fleet for both schedulers (addressesOnly). The
# fault kinds and the checker's rules are listed in docs/reliability.md.
# Figures go to stdout and CHAOS_OUT.
#
# Environment: CHAOS_SEED (default: from the clock, printed), CHAOS_CLUSTERS
# (1000), CHAOS_BINDINGS (10000), CHAOS_MONGODBS (200), CHAOS_OPS (load
# operations, 2000), CHAOS_FAULTS (faults, 40), CHAOS_SECONDS (the load's
# duration, 240), CHAOS_MINUTES (soak: the load at the same rate for N
# minutes, faults spread over them), CHAOS_QPS (the daemons'
# --kube-api-qps, 400), CHAOS_LEASE (lease seconds, 6; renew deadline and
# retry period follow), CHAOS_ESTIMATED (clusters with an estimator, 10),
# CHAOS_RSS_EVERY (seconds between RSS samples, 10), CHAOS_OUT (tests/chaos/results.json), CHAOS_KEEP=1
# (keep the logs). Traffic stays on 127.0.0.1.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BIN=$(cd "$BUILD/bin" && pwd)
PLUGINS=$(cd "$BUILD/plugins" && pwd)
SEED=${CHAOS_SEED:-$(( $(date +%s) % 1000000 ))} # fleetgen takes seeds up to 10^7
NC=${CHAOS_CLUSTERS:-1000}
NB=${CHAOS_BINDINGS:-10000}
NM=${CHAOS_MONGODBS:-200}
NOPS=${CHAOS_OPS:-2000}
NF=${CHAOS_FAULTS:-48}
SECS=${CHAOS_SECONDS:-240}
MINUTES=${CHAOS_MINUTES:-0}
QPS=${CHAOS_QPS:-400}
LEASE=${CHAOS_LEASE:-6}
OUT=${CHAOS_OUT:-tests/chaos/results.json}
NEST=${CHAOS_ESTIMATED:-10}; [ "$NEST" -le "$NC" ] || NEST=$NC
RSS_EVERY=${CHAOS_RSS_EVERY:-10}
if [ "$MINUTES" -gt 0 ]; then # soak: the same rate, for longer
	NOPS=$((NOPS * MINUTES * 60 / SECS)); SECS=$((MINUTES * 60))
fi
RENEW=$((LEASE * 2 / 3)); [ "$RENEW" -ge 1 ] || RENEW=1
RETRY_MS=$((LEASE * 1000 / 6))
TMP=$(mktemp -d /tmp/fedstate-chaos-XXXXXX)
T_START=$(date +%s)
echo "chaos: seed $SEED ($NC clusters, $NB bindings, $NM MultiCloudMongoDBs, $NOPS operations over ${SECS}s, $NF faults; logs in $TMP)"

LOADPID="" TAPID="" ESTPID="" RSSPID=""
cleanup() {
	trap - EXIT INT TERM
	: >"$TMP/stop"
	# twice: a supervisor may have started a replica just before it saw stop
	for round in 1 2; do
		for f in "$TMP"/pid.*; do
			[ -f "$f" ] || continue
			p=$(cat "$f"); kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true
		done
		[ $round = 2 ] || sleep 0.5
	done
	[ -z "$LOADPID" ] || kill "$LOADPID" 2>/dev/null || true
	[ -z "$TAPID" ] || kill "$TAPID" 2>/dev/null || true
	[ -z "$ESTPID" ] || kill "$ESTPID" 2>/dev/null || true
	[ -z "$RSSPID" ] || kill "$RSSPID" 2>/dev/null || true
	exec 9>&- 2>/dev/null || true
	wait 2>/dev/null || true
	[ "${CHAOS_KEEP:-0}" = 1 ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die() { echo "chaos: $*" >&2; CHAOS_KEEP=1; exit 1; }

# ------------------------------------------------------------ fleet, helper
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o "$TMP/fleetgen" tests/bench/fleetgen.c ||
	die "fleetgen does not compile"
cc -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -o "$TMP/chaos" tests/chaos/chaos.c \
	tests/chaos/chaos_http.c tests/chaos/chaos_load.c tests/chaos/chaos_check.c \
	tests/chaos/chaos_render.c -lcurl -lcjson ||
	die "the chaos helper does not compile (it needs libcurl and cJSON headers)"
CH="$TMP/chaos"
mkdir -p "$TMP/fleet" "$TMP/final"
"$TMP/fleetgen" -c "$NC" -b "$NB" -m "$NM" -s "$SEED" -o "$TMP/fleet" >/dev/null ||
	die "fleetgen failed"
# bindings a PropagationPolicy made (Karmada's scheduler, and ours, take
# only those: the policy's permanent-id label), not yet scheduled
sed -e 's/"kind":"ResourceBinding","metadata":{\([^}]*\)"labels":{/"kind":"ResourceBinding","metadata":{\1"labels":{"propagationpolicy.karmada.io\/permanent-id":"chaos",/' \
	"$TMP/fleet/bindings.json" >"$TMP/fleet/bindings.tmp" && mv "$TMP/fleet/bindings.tmp" "$TMP/fleet/bindings.json"
sh tests/grpc/ensure-npm.sh || die "the estimator test server needs node and npm (make deps)"

# ------------------------------------------------------------ processes
export KUBECONFIG="$TMP/kubeconfig"
"$BIN/fedstate-testapi" --listen 127.0.0.1:0 --kubeconfig-out "$KUBECONFIG" \
	--crd-dir config/crd --crd-dir tests/testapi/crds \
	--seed "$TMP/fleet/clusters.json" --seed "$TMP/fleet/bindings.json" \
	--seed "$TMP/fleet/mongodbs.json" >"$TMP/testapi.log" 2>&1 &
TAPID=$!
i=0
until grep -q '^listening on' "$TMP/testapi.log" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 600 ] || die "the test API server did not start: $(tail -5 "$TMP/testapi.log")"
	kill -0 "$TAPID" 2>/dev/null || die "the test API server exited: $(tail -5 "$TMP/testapi.log")"
	sleep 0.1
done
URL=$(sed -n 's/^listening on //p' "$TMP/testapi.log")

# the estimator: CHAOS_ESTIMATED clusters spread over the fleet, one
# server (it tells them apart by the request's cluster field); it answers
# more than any cluster holds, so min(general, estimator) is the general
# estimate and the placements do not depend on it. Its stdin is a FIFO the
# runner holds open (it exits when stdin closes); SIGHUP rereads its
# config (the slow and refusing faults), kill -9 is the gone fault.
EST_OK='{"*": {"answer": 1000000}}'
echo "$EST_OK" >"$TMP/estimator.json"
mkfifo "$TMP/estimator.in"
estimator_start() { # estimator_start PORT (0: any)
	node tests/grpc/server.js --config-file "$TMP/estimator.json" --log "$TMP/estimator-calls.log" \
		--port "$1" <"$TMP/estimator.in" >"$TMP/estimator.out" 2>>"$TMP/estimator.log" &
	ESTPID=$!
}
# estimator_for_a_lease CONFIG: the estimator behaves so for a lease's time
estimator_for_a_lease() {
	echo "$1" >"$TMP/estimator.json"; kill -HUP "$ESTPID" 2>/dev/null || true
	sleep "$LEASE"
	echo "$EST_OK" >"$TMP/estimator.json"; kill -HUP "$ESTPID" 2>/dev/null || true
}
estimator_start 0
exec 9>"$TMP/estimator.in"
i=0
until [ -s "$TMP/estimator.out" ]; do
	i=$((i + 1)); [ $i -lt 300 ] || die "the estimator test server did not start: $(tail -3 "$TMP/estimator.log")"
	kill -0 "$ESTPID" 2>/dev/null || die "the estimator test server exited: $(tail -3 "$TMP/estimator.log")"
	sleep 0.1
done
EPORT=$(head -1 "$TMP/estimator.out")
ADDRS=$(awk -v n="$NEST" -v nc="$NC" -v p="$EPORT" 'BEGIN {
	for (i = 0; i < n; i++) printf "%smember-%05d: \"127.0.0.1:%d\"", i ? ", " : "", int(i * nc / n), p }')
# the daemons read copies (the bad-config fault overwrites them): every
# estimator plugin asks the estimators of those clusters, 1 s deadline
sed -e "s|^\( *\)schedulerEstimator: false.*|\1schedulerEstimator: true\\
\1addressesOnly: true\\
\1timeout: 1s\\
\1addresses: {$ADDRS}|" config/scheduler.yaml >"$TMP/scheduler.good.yaml"
grep -q 'addressesOnly: true' "$TMP/scheduler.good.yaml" ||
	die "config/scheduler.yaml has no 'schedulerEstimator: false' line to turn on"
cp config/ops.yaml "$TMP/ops.good.yaml"
cp "$TMP/scheduler.good.yaml" "$TMP/scheduler.yaml"; cp "$TMP/ops.good.yaml" "$TMP/ops.yaml"

# replica C N under its own supervisor: started again whenever it exits
# (exit 1 after a lost Lease is by design); every exit is recorded in
# $TMP/exits as "C-N PID STATUS", the pid in $TMP/pid.C-N
replica() {
	while [ ! -f "$TMP/stop" ]; do
		"$BIN/fedstate" "$1" --kubeconfig "$KUBECONFIG" --config "$TMP/$1.yaml" \
			--plugin-dir "$PLUGINS" --leader-elect --kube-api-qps "$QPS" --kube-api-burst "$((QPS * 2))" \
			--leader-elect-lease-duration "${LEASE}s" --leader-elect-renew-deadline "${RENEW}s" \
			--leader-elect-retry-period "${RETRY_MS}ms" \
			--metrics-bind-address 127.0.0.1:0 --health-probe-bind-address 127.0.0.1:0 \
			>>"$TMP/$1-$2.log" 2>&1 &
		p=$!
		echo "$p" >"$TMP/pid.$1-$2"
		st=0; wait "$p" || st=$?
		echo "$1-$2 $p $st" >>"$TMP/exits"
		[ -f "$TMP/stop" ] || sleep 0.3
	done
}
# (the supervisors' own stderr, the shell's "Killed" notes, to a file)
for c in scheduler ops; do for n in 0 1; do replica "$c" "$n" 2>>"$TMP/supervisors.log" & done; done
# every replica's RSS every RSS_EVERY seconds: "unix-time C-N PID kB"
(while [ ! -f "$TMP/stop" ]; do
	now=$(date +%s)
	for c in scheduler-0 scheduler-1 ops-0 ops-1; do
		p=$(cat "$TMP/pid.$c" 2>/dev/null) || continue
		kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null) || continue
		[ -z "$kb" ] || echo "$now $c $p $kb"
	done >>"$TMP/rss"
	sleep "$RSS_EVERY"
done) &
RSSPID=$!
pid_of() { cat "$TMP/pid.$1" 2>/dev/null || echo 0; }
admin() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$URL/_testapi/$1" || true; }
rand() { # rand N: R = 0..N-1 from the seeded stream (no subshell: STATE moves on)
	STATE=$(( (STATE * 1103515245 + 12345) % 2147483648 ))
	R=$(( STATE / 65536 % $1 ))
}
STATE=$SEED
rss() { awk "/^$2:/ {print \$2}" "/proc/$1/status" 2>/dev/null || echo 0; }
# the replica (C-N) holding component C's Lease, from the Lease and the logs
leader_of() {
	h=$(curl -s --max-time 5 "$URL/apis/coordination.k8s.io/v1/namespaces/karmada-system/leases/fedstate-$1" |
		sed -n 's/.*"holderIdentity":"\([^"]*\)".*/\1/p')
	L=""
	[ -n "$h" ] || return 0
	for n in 0 1; do grep -q "leading ($h)" "$TMP/$1-$n.log" 2>/dev/null && L="$1-$n"; done
	return 0
}
pending() { P=$("$CH" pending "$URL" 2>/dev/null | cut -d' ' -f1) || P=""; [ -n "$P" ] || P=-1; }
# how often: reading every binding is work for the one-threaded server
POLL=1; [ "$NB" -lt 2000 ] || POLL=5

# ------------------------------------------------------------ warm-up
i=0; pending
while [ "$P" != 0 ] && [ $i -lt 120 ]; do sleep $POLL; i=$((i + POLL)); pending; done
WARM_S=$(( $(date +%s) - T_START ))
echo "chaos: warm-up ${WARM_S}s (bindings pending: $P)"
for c in scheduler-0 scheduler-1 ops-0 ops-1; do
	eval "W_$(echo $c | tr - _)=\"$(pid_of $c) $(rss "$(pid_of $c)" VmRSS)\""
done
W_testapi=$(rss "$TAPID" VmRSS)

# ------------------------------------------------------------ load + faults
"$CH" load "$URL" "$SEED" "$NOPS" "$SECS" "$TMP/load.json" >"$TMP/load.log" 2>&1 &
LOADPID=$!
# 24 entries, 18 kinds: 48 faults (the default) are two full cycles, so 10
# restarts keeping state, 4 kill -9 and 4 SIGSTOP of the leading scheduler
KINDS="restart_keep restart_window compact drop_watches burst_500 kill9_scheduler restart_keep estimator_slow burst_429 latency sigstop_scheduler restart_keep kill9_ops estimator_refusing bad_config cluster_notready restart_keep sigstop_ops kill9_scheduler estimator_gone cluster_labels restart_keep cluster_delete sigstop_scheduler"
NK=$(echo $KINDS | wc -w)
: >"$TMP/faults"; : >"$TMP/faulted-clusters"; : >"$TMP/killed"
cluster() { rand "$NC"; CL=$(printf 'member-%05d' "$R"); echo "$CL" >>"$TMP/faulted-clusters"; }
clpatch() { # clpatch NAME [status] BODY
	sfx=""; [ $# = 3 ] && { sfx=/status; shift; }
	curl -s -o /dev/null --max-time 10 -X PATCH -H 'Content-Type: application/merge-patch+json' \
		-d "$2" "$URL/apis/cluster.karmada.io/v1alpha1/clusters/$1$sfx" || true
}
fault() {
	echo "$(date +%s) $1" >>"$TMP/faults"
	case $1 in
	restart_keep) admin 'restart?keep=1&down-ms=300' >/dev/null ;;
	restart_window) # the watch window is gone when the server is back: 410, relists
		admin compact >/dev/null; admin 'restart?keep=1&down-ms=300' >/dev/null ;;
	compact) admin compact >/dev/null ;;
	drop_watches) admin drop-watches >/dev/null ;;
	burst_500) admin 'fail?status=500&count=50' >/dev/null ;;
	burst_429) admin 'fail?status=429&count=50&retry-after=1' >/dev/null ;;
	latency) admin 'latency?ms=200' >/dev/null; sleep 3; admin 'latency?ms=0' >/dev/null ;;
	kill9_*) c=${1#kill9_}; leader_of "$c"; [ -n "$L" ] || { rand 2; L="$c-$R"; }
		p=$(pid_of "$L"); echo "$p" >>"$TMP/killed"; echo "chaos: kill -9 $L ($p)" >>"$TMP/$L.log"
		kill -9 "$p" 2>/dev/null || true ;;
	sigstop_*) c=${1#sigstop_}; leader_of "$c"; [ -n "$L" ] || { rand 2; L="$c-$R"; }
		p=$(pid_of "$L"); echo "chaos: SIGSTOP $L ($p) for $((LEASE + 3))s" >>"$TMP/$L.log"
		kill -STOP "$p" 2>/dev/null || true; sleep $((LEASE + 3)); kill -CONT "$p" 2>/dev/null || true ;;
	bad_config) # a broken file over the one the daemons read, SIGHUP; then the good one again
		for c in scheduler ops; do printf 'apiVersion: [broken\n  kind: {\n' >"$TMP/$c.yaml"; done
		for f in "$TMP"/pid.*; do kill -HUP "$(cat "$f")" 2>/dev/null || true; done
		sleep 2
		cp "$TMP/scheduler.good.yaml" "$TMP/scheduler.yaml"; cp "$TMP/ops.good.yaml" "$TMP/ops.yaml"
		for f in "$TMP"/pid.*; do kill -HUP "$(cat "$f")" 2>/dev/null || true; done ;;
	estimator_slow) # every answer 1.5 s late, past the 1 s deadline
		estimator_for_a_lease '{"*": {"answer": 1000000, "sleepMs": 1500}}' ;;
	estimator_refusing) # UNAVAILABLE to every call
		estimator_for_a_lease '{"*": {"error": {"code": 14, "message": "chaos: estimator refusing"}}}' ;;
	estimator_gone) # kill -9, back on the same port a lease later
		kill -9 "$ESTPID" 2>/dev/null || true; wait "$ESTPID" 2>/dev/null || true
		sleep "$LEASE"; estimator_start "$EPORT" ;;
	cluster_notready) cluster; now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
		clpatch "$CL" status "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\",\"reason\":\"ClusterNotReachable\",\"lastTransitionTime\":\"$now\"}]}}"
		sleep 5; now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
		clpatch "$CL" status "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"ClusterReady\",\"lastTransitionTime\":\"$now\"}]}}" ;;
	cluster_labels) cluster; rand 2; env=prod; [ $R = 0 ] || env=staging
		clpatch "$CL" "{\"metadata\":{\"labels\":{\"env\":\"$env\",\"chaos\":\"relabeled\"}}}" ;;
	cluster_delete) cluster
		curl -s -o /dev/null --max-time 10 -X DELETE "$URL/apis/cluster.karmada.io/v1alpha1/clusters/$CL" || true ;;
	esac
}
T_LOAD=$(date +%s)
rand "$NK"; off=$R
k=0
while [ $k -lt "$NF" ]; do
	due=$(( T_LOAD + SECS * (k + 1) / (NF + 1) ))
	while [ "$(date +%s)" -lt "$due" ]; do sleep 0.5; done
	set -- $KINDS; shift $(( (k + off) % NK )); fault "$1"
	k=$((k + 1))
done
TLAST=$(date +%s); TLAST_MS=$(date +%s%3N)
st=0; wait "$LOADPID" || st=$?
LOADPID=""
[ "$st" = 0 ] || die "the load driver failed ($st): $(tail -3 "$TMP/load.log")"
TLOAD_END=$(date +%s)
[ "$TLOAD_END" -lt "$TLAST" ] || TLAST=$TLOAD_END

# ------------------------------------------------------------ converge + check
FAIL=0
fail() { echo "chaos: FAIL $*" >&2; FAIL=1; }
# settled twice in a row, POLL apart, with the same Lease holders: a
# Lease that changed hands just after a first look leaves the new leader
# work that look could not see
holders() { H=$(for c in scheduler ops; do curl -s --max-time 5 \
	"$URL/apis/coordination.k8s.io/v1/namespaces/karmada-system/leases/fedstate-$c" |
	sed -n 's/.*"holderIdentity":"\([^"]*\)".*/\1/p'; done | tr '\n' ' '); }
i=0; pending; holders; H0=$H; STABLE=0
while [ $STABLE -lt 2 ] && [ $i -lt 300 ]; do
	if [ "$P" = 0 ] && [ "$H" = "$H0" ]; then STABLE=$((STABLE + 1)); else STABLE=0; fi
	[ $STABLE -lt 2 ] || break
	H0=$H; sleep $POLL; i=$((i + POLL)); pending; holders
done
CONVERGE=$(( $(date +%s) - TLAST ))
[ "$P" = 0 ] || fail "$P bindings not settled (generation not observed, or neither placed nor a Scheduled condition) ${CONVERGE}s after the last fault and the load"

# queue depth once settled: from each leader's /metrics
depth() { # depth C-N METRIC: the gauge's value on the replica's metrics port
	D=""
	for port in $(ss -ltnpH 2>/dev/null | grep "pid=$(pid_of "$1")," | sed -n 's/.*127\.0\.0\.1:\([0-9]*\) .*/\1/p'); do
		v=$(curl -s --max-time 3 "http://127.0.0.1:$port/metrics" | grep "^$2" | head -1 | awk '{print $2}')
		[ -z "$v" ] || D=$v
	done
	[ -n "$D" ] || D=null
}
# (again for up to 10 s while a Lease changes hands)
QS=null QO=null LS="" LO=""; i=0
while { [ "$QS" = null ] || [ "$QO" = null ]; } && [ $i -lt 10 ]; do
	[ $i = 0 ] || sleep 1; i=$((i + 1))
	leader_of scheduler; LS=$L; [ -z "$L" ] || { depth "$L" scheduler_pending_bindings; QS=$D; }
	leader_of ops; LO=$L; [ -z "$L" ] || { depth "$L" fedstate_ops_queue_depth; QO=$D; }
done
# settled means nothing left to do: a queue that still holds keys grows
for q in "scheduler $QS" "ops $QO"; do
	set -- $q
	case $2 in 0|0.0) ;; null) fail "the $1 leader's queue depth could not be read (leaders: '$LS' '$LO')" ;;
	*) fail "the $1 leader's queue still holds $2 keys after settling" ;; esac
done

CHECK=$("$CH" check "$URL" "$TMP/final" "$TLAST_MS" "$TMP/faulted-clusters" 2>"$TMP/check.err") || fail "the checker could not read the final state: $(tail -3 "$TMP/check.err")"
[ ! -s "$TMP/check.err" ] || sed 's/^/  /' "$TMP/check.err" | head -20 >&2
# (the checker leaves the write log it judged in final/writes.json: kept
# with the rest for a failed run or CHAOS_KEEP=1)
field() { echo "$CHECK" | sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p"; }
for f in lost double_bound stale_writes non_leader_writes unguarded_spec_writes pruned_while_desired; do
	v=$(field $f); [ "${v:-1}" = 0 ] || fail "$f = ${v:-unknown}"
done
SIMCMP='{"compared": 0, "differ": 0}'
if "$BIN/fedstate" simulate --config "$TMP/scheduler.yaml" --plugin-dir "$PLUGINS" \
	--clusters "$TMP/final/final-clusters.json" --bindings "$TMP/final/final-bindings.json" \
	--output json >"$TMP/final/sim.json" 2>"$TMP/sim.err"; then
	SIMCMP=$("$CH" simcmp "$TMP/final" "$TMP/final/sim.json" "$TMP/faulted-clusters" 2>"$TMP/simcmp.err") ||
		fail "simcmp failed: $(tail -3 "$TMP/simcmp.err")"
	[ ! -s "$TMP/simcmp.err" ] || sed 's/^/  /' "$TMP/simcmp.err" | head -10 >&2
	d=$(echo "$SIMCMP" | sed -n 's/.*"differ": \([0-9]*\).*/\1/p')
	[ "${d:-1}" = 0 ] || fail "$d Duplicated bindings placed otherwise than simulate on the final objects"
else
	fail "fedstate simulate on the final objects failed: $(tail -3 "$TMP/sim.err")"
fi

# live children against the offline render of each (sampled, settled)
# MultiCloudMongoDB's final state, with its live children as --existing
RENDER='{"compared": 0, "differ": 0, "incomplete": 0, "skipped": 0}'
NR=$("$CH" render-export "$URL" "$TMP/final" "${CHAOS_RENDER_MAX:-40}" 2>"$TMP/render.err") ||
	fail "render-export failed: $(tail -3 "$TMP/render.err")"
i=0
while [ "$i" -lt "${NR:-0}" ]; do
	"$BIN/fedstate" render --config "$TMP/ops.yaml" --plugin-dir "$PLUGINS" \
		--object "$TMP/final/render-$i-obj.json" --clusters "$TMP/final/final-clusters.json" \
		--existing "$TMP/final/render-$i-live.json" --output json \
		>"$TMP/final/render-$i-want.json" 2>>"$TMP/render.err" ||
		fail "fedstate render of a final MultiCloudMongoDB failed: $(tail -3 "$TMP/render.err")"
	i=$((i + 1))
done
RENDER=$("$CH" render-compare "$TMP/final" "${NR:-0}" "$TMP/faulted-clusters" 2>"$TMP/rendercmp.err") ||
	fail "render-compare failed"
[ ! -s "$TMP/rendercmp.err" ] || sed 's/^/  /' "$TMP/rendercmp.err" | head -10 >&2
d=$(echo "$RENDER" | sed -n 's/.*"differ": \([0-9]*\).*/\1/p')
[ "${d:-1}" = 0 ] || fail "$d MultiCloudMongoDBs whose live children differ from the offline render"

# crashes: a replica that died of a signal the schedule did not send
CRASHES="" EXITS=0
while read -r who p st; do
	EXITS=$((EXITS + 1))
	if [ "$st" -ge 128 ] && ! grep -qx "$p" "$TMP/killed"; then CRASHES="$CRASHES $who:$st"; fi
	if [ "$st" -gt 1 ] && [ "$st" -lt 128 ]; then CRASHES="$CRASHES $who:exit$st"; fi
done <"$TMP/exits" 2>/dev/null || true
[ -z "$CRASHES" ] || fail "replicas died without being killed:$CRASHES"
for c in scheduler-0 scheduler-1 ops-0 ops-1; do
	kill -0 "$(pid_of $c)" 2>/dev/null || fail "$c is not running at the end: $(tail -3 "$TMP/$c.log")"
done
kill -0 "$TAPID" 2>/dev/null || fail "the test API server died: $(tail -3 "$TMP/testapi.log")"
if grep -lE 'AddressSanitizer|runtime error:|LeakSanitizer|Segmentation fault|Assertion .* failed' "$TMP"/*.log >/dev/null 2>&1; then
	fail "sanitizer or crash report in: $(grep -lE 'AddressSanitizer|runtime error:|LeakSanitizer|Segmentation fault|Assertion .* failed' "$TMP"/*.log | tr '\n' ' ')"
fi
REFUSED=$(cat "$TMP"/scheduler-*.log "$TMP"/ops-*.log | grep -c 'new configuration was refused' || true)
grep -q bad_config "$TMP/faults" && [ "$REFUSED" = 0 ] && fail "the bad configuration was not refused by any replica"

# memory: every replica's RSS, sampled, from RSS_WARM seconds after it
# started (its lists and first reconciles done) to its last sample: a
# replica that lived RSS_SPAN seconds past that must end at most at 2x +
# 64 MB of where it was. The longest-lived replica of each component is
# reported (kB at warm, kB at the end, seconds between).
RSS_WARM=${CHAOS_RSS_WARM:-60}; RSS_SPAN=${CHAOS_RSS_SPAN:-120}
GROWTH=$(awk -v warm="$RSS_WARM" -v span="$RSS_SPAN" '
	{ k = $2 " " $3; if (!(k in t0)) t0[k] = $1
	  if ($1 - t0[k] >= warm && !(k in tw)) { tw[k] = $1; rw[k] = $4 }
	  tl[k] = $1; rl[k] = $4 }
	END {
		for (k in tw) {
			split(k, a, " "); c = a[1]; sub(/-[0-9]+$/, "", c); life = tl[k] - tw[k]
			if (life >= span) { n[c]++; if (rl[k] > rw[k] * 2 + 65536) bad = bad " " k ":" rw[k] "->" rl[k] }
			if (life > best[c]) { best[c] = life; desc[c] = "[" rw[k] ", " rl[k] ", " life "]" }
		}
		printf "{\"scheduler\": %s, \"ops\": %s, \"replicas_compared\": {\"scheduler\": %d, \"ops\": %d}, \"grew\": \"%s\"}",
			desc["scheduler"] ? desc["scheduler"] : "null", desc["ops"] ? desc["ops"] : "null",
			n["scheduler"], n["ops"], bad
	}' "$TMP/rss" 2>/dev/null)
[ -n "$GROWTH" ] || GROWTH='{"grew": "no samples"}'
g=$(echo "$GROWTH" | sed -n 's/.*"grew": "\([^"]*\)".*/\1/p')
[ -z "$g" ] || fail "replicas grew past 2x + 64 MB of their RSS after warm-up (C-N PID: kB -> kB):$g"
ESTCALLS=$(wc -l <"$TMP/estimator-calls.log" 2>/dev/null || echo 0)
[ "$ESTCALLS" -gt 0 ] || fail "the schedulers never called the estimator"
cnt() { grep -c " $1\$" "$TMP/faults" || true; }
FAULTS=""
for k in $(echo $KINDS | tr ' ' '\n' | sort -u); do FAULTS="$FAULTS\"$k\": $(cnt $k), "; done
TOTAL_S=$(( $(date +%s) - T_START ))

cat >"$OUT" <<JSON
{"seed": $SEED, "clusters": $NC, "bindings": $NB, "mongodbs": $NM,
 "load": $(cat "$TMP/load.json"),
 "faults": {${FAULTS%, }}, "faults_total": $(wc -l <"$TMP/faults"),
 "replica_exits_restarted": $EXITS, "config_reloads_refused": $REFUSED,
 "warmup_s": $WARM_S, "converge_s_after_last_fault": $CONVERGE, "unsettled_at_end": $P,
 "check": $CHECK,
 "simulate_equality": $SIMCMP,
 "render_equality": $RENDER,
 "queue_depth_after_settle": {"scheduler": $QS, "ops": $QO},
 "rss_kb_longest_lived": $GROWTH,
 "estimator_calls": $ESTCALLS,
 "max_rss_kb": {"testapi": $(rss "$TAPID" VmHWM), "scheduler0": $(rss "$(pid_of scheduler-0)" VmHWM), "scheduler1": $(rss "$(pid_of scheduler-1)" VmHWM),
                "ops0": $(rss "$(pid_of ops-0)" VmHWM), "ops1": $(rss "$(pid_of ops-1)" VmHWM)},
 "testapi_rss_kb_warmup": $W_testapi,
 "total_s": $TOTAL_S,
 "passed": $([ $FAIL = 0 ] && echo true || echo false)}
JSON
cat "$OUT"
[ $FAIL = 0 ] || die "the campaign failed (seed $SEED; logs kept in $TMP)"
echo "chaos: passed (seed $SEED) in ${TOTAL_S}s"
