#!/bin/sh
# tests/chaos/run-chaos.sh BUILD - the chaos campaign behind `make chaos`.
#
# Starts fedstate-testapi seeded with a fleetgen fleet, two `fedstate
# scheduler` and two `fedstate ops` (leader election on; each process picks
# its own identity), then runs a seeded load (merge-patches of replicas on
# random bindings, deletes) interleaved with a seeded fault schedule:
# testapi restart keep=1, compact (410 relists), drop-watches, 500 and
# 429+Retry-After bursts, latency, kill -9 of a scheduler / ops replica
# (restarted), SIGSTOP past the lease then SIGCONT. Every fault is counted
# by kind. At the end the checker asserts: every process that should be
# alive is, no crash / sanitizer report in any log, every remaining binding
# carries a Scheduled condition. Figures go to stdout and CHAOS_OUT.
#
# Environment: CHAOS_SEED (default: from the clock, printed), CHAOS_CLUSTERS
# (1000), CHAOS_BINDINGS (10000), CHAOS_MONGODBS (200), CHAOS_OPS (load
# operations, 2000), CHAOS_FAULTS (faults, 40), CHAOS_MINUTES (soak: run
# the load for N minutes instead of CHAOS_OPS operations),
# CHAOS_OUT (tests/chaos/results.json). Traffic stays on 127.0.0.1.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BIN=$(cd "$BUILD/bin" && pwd)
PLUGINS=$(cd "$BUILD/plugins" && pwd)
SEED=${CHAOS_SEED:-$(date +%s)}
NC=${CHAOS_CLUSTERS:-1000}
NB=${CHAOS_BINDINGS:-10000}
NM=${CHAOS_MONGODBS:-200}
NOPS=${CHAOS_OPS:-2000}
NF=${CHAOS_FAULTS:-40}
MINUTES=${CHAOS_MINUTES:-0}
OUT=${CHAOS_OUT:-tests/chaos/results.json}
TMP=$(mktemp -d /tmp/fedstate-chaos-XXXXXX)
PIDS=""
echo "chaos: seed $SEED ($NC clusters, $NB bindings, $NM MultiCloudMongoDBs; logs in $TMP)"

cleanup() {
	trap - EXIT INT TERM
	for p in $PIDS; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	[ "${CHAOS_KEEP:-0}" = 1 ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die() { echo "chaos: $*" >&2; CHAOS_KEEP=1; exit 1; }

# ------------------------------------------------------------ fleet
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o "$TMP/fleetgen" tests/bench/fleetgen.c ||
	die "fleetgen does not compile"
mkdir -p "$TMP/fleet"
"$TMP/fleetgen" -c "$NC" -b "$NB" -m "$NM" -s "$SEED" -o "$TMP/fleet" >/dev/null ||
	die "fleetgen failed"
# bindings a PropagationPolicy made (Karmada's scheduler, and ours, take
# only those: the policy's permanent-id label), not yet scheduled
sed -e 's/"kind":"ResourceBinding","metadata":{\([^}]*\)"labels":{/"kind":"ResourceBinding","metadata":{\1"labels":{"propagationpolicy.karmada.io\/permanent-id":"chaos",/' \
	"$TMP/fleet/bindings.json" >"$TMP/fleet/bindings.tmp" && mv "$TMP/fleet/bindings.tmp" "$TMP/fleet/bindings.json"

# ------------------------------------------------------------ processes
export KUBECONFIG="$TMP/kubeconfig"
"$BIN/fedstate-testapi" --listen 127.0.0.1:0 --kubeconfig-out "$KUBECONFIG" \
	--crd-dir config/crd --crd-dir tests/testapi/crds \
	--seed "$TMP/fleet/clusters.json" --seed "$TMP/fleet/bindings.json" \
	--seed "$TMP/fleet/mongodbs.json" >"$TMP/testapi.log" 2>&1 &
TAPID=$!
PIDS="$PIDS $TAPID"
i=0
until grep -q '^listening on' "$TMP/testapi.log" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 600 ] || die "the test API server did not start: $(tail -5 "$TMP/testapi.log")"
	sleep 0.1
done
URL=$(sed -n 's/^listening on //p' "$TMP/testapi.log")

# start NAME INDEX: replica INDEX of component NAME; its pid in P_NAME_INDEX
start() {
	"$BIN/fedstate" "$1" --kubeconfig "$KUBECONFIG" --config "config/$1.yaml" \
		--plugin-dir "$PLUGINS" --leader-elect \
		--leader-elect-lease-duration 3s --leader-elect-renew-deadline 2s --leader-elect-retry-period 500ms \
		--metrics-bind-address 127.0.0.1:0 --health-probe-bind-address 127.0.0.1:0 \
		>>"$TMP/$1-$2.log" 2>&1 &
	eval "P_$1_$2=$!"
	PIDS="$PIDS $!"
}
start scheduler 0; start scheduler 1; start ops 0; start ops 1

admin() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$URL/_testapi/$1" || true; }
rand() { # rand N: R = 0..N-1 from the seeded stream (no subshell: STATE moves on)
	STATE=$(( (STATE * 1103515245 + 12345) % 2147483648 ))
	R=$(( STATE / 65536 % $1 ))
}
STATE=$SEED

# the bindings, for the load driver
kubectl get rb -A --no-headers -o custom-columns=N:.metadata.namespace,M:.metadata.name >"$TMP/rbs" ||
	die "cannot list the bindings"
NRB=$(wc -l <"$TMP/rbs")
[ "$NRB" -gt 0 ] || die "no bindings in the fleet"

F_restart=0 F_compact=0 F_drop=0 F_500=0 F_429=0 F_latency=0 F_kill=0 F_stop=0
OPS_DONE=0 DELETES=0
fault() {
	rand 8; case $R in
	0) admin 'restart?keep=1&down-ms=300' >/dev/null; F_restart=$((F_restart + 1)) ;;
	1) admin compact >/dev/null; F_compact=$((F_compact + 1)) ;;
	2) admin drop-watches >/dev/null; F_drop=$((F_drop + 1)) ;;
	3) admin 'fail?status=500&count=20' >/dev/null; F_500=$((F_500 + 1)) ;;
	4) admin 'fail?status=429&count=20&retry-after=1' >/dev/null; F_429=$((F_429 + 1)) ;;
	5) admin 'latency?ms=200' >/dev/null; sleep 1; admin 'latency?ms=0' >/dev/null
	   F_latency=$((F_latency + 1)) ;;
	6) c=scheduler; rand 2; [ $R = 0 ] || c=ops; rand 2; n=$R
	   eval "p=\$P_${c}_$n"; kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true
	   echo "chaos: kill -9 $c-$n" >>"$TMP/$c-$n.log"; start "$c" "$n"; F_kill=$((F_kill + 1)) ;;
	7) c=scheduler; rand 2; [ $R = 0 ] || c=ops; rand 2; n=$R
	   eval "p=\$P_${c}_$n"; kill -STOP "$p" 2>/dev/null || true; sleep 4; kill -CONT "$p" 2>/dev/null || true; F_stop=$((F_stop + 1)) ;;
	esac
}
EXITS=0 CRASHES=""
supervise() { # as a Deployment does: a replica that exited (lost its Lease) starts again
	for c in scheduler ops; do for n in 0 1; do
		eval "p=\$P_${c}_$n"
		kill -0 "$p" 2>/dev/null && continue
		st=0; wait "$p" 2>/dev/null || st=$?
		# exit 1 after a lost Lease is by design; a signal is a crash
		[ "$st" -lt 128 ] || { CRASHES="$CRASHES $c-$n:$st"; }
		echo "chaos: $c-$n exited ($st); restarting" >>"$TMP/$c-$n.log"
		EXITS=$((EXITS + 1)); start "$c" "$n"
	done; done
}
load() {
	rand "$NRB"; line=$(sed -n "$((R + 1))p" "$TMP/rbs")
	ns=${line%% *}; name=${line##* }
	path="/apis/work.karmada.io/v1alpha2/namespaces/$ns/resourcebindings/$name"
	rand 50; if [ $R = 0 ]; then
		curl -s -o /dev/null --max-time 10 -X DELETE "$URL$path" || true
		DELETES=$((DELETES + 1))
	else
		curl -s -o /dev/null --max-time 10 -X PATCH -H 'Content-Type: application/merge-patch+json' \
			-d "{\"spec\":{\"replicas\":$((R % 5 + 1))}}" "$URL$path" || true
	fi
	OPS_DONE=$((OPS_DONE + 1))
}

T0=$(date +%s)
sleep 3 # warm-up: the first leaders take their Leases
every=$(( NOPS / (NF + 1) )); [ "$every" -gt 0 ] || every=1
while :; do
	if [ "$MINUTES" -gt 0 ]; then
		[ $(( $(date +%s) - T0 )) -lt $(( MINUTES * 60 )) ] || break
	else
		[ "$OPS_DONE" -lt "$NOPS" ] || break
	fi
	load
	[ $((OPS_DONE % every)) != 0 ] || { supervise; fault; }
done
supervise
TLAST=$(date +%s)

# ------------------------------------------------------------ converge + check
FAIL=0
# a binding is settled when the scheduler observed its generation and it
# is placed (spec.clusters) or says why not (a Scheduled condition). As in
# Karmada, a placement whose condition write was lost is not rescheduled:
# the next leader only records the observed generation.
pending() {
	kubectl get rb -A --no-headers -o custom-columns=G:.metadata.generation,O:.status.schedulerObservedGeneration,S:'.status.conditions[?(@.type=="Scheduled")].status',C:'.spec.clusters[*].name' 2>/dev/null |
		awk '$1 != $2 || ($3 == "<none>" && $4 == "<none>") { n++ } END { print n + 0 }'
}
i=0 P=$(pending)
while [ "$P" != 0 ] && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); supervise; P=$(pending); done
CONVERGE=$(( $(date +%s) - TLAST ))
[ "$P" = 0 ] || { echo "chaos: FAIL $P bindings not settled (generation not observed, or neither placed nor a Scheduled condition) ${CONVERGE}s after the last fault" >&2; FAIL=1; }
supervise
[ -z "$CRASHES" ] || { echo "chaos: FAIL replicas died of a signal:$CRASHES" >&2; FAIL=1; }

for c in scheduler ops; do for n in 0 1; do
	eval "p=\$P_${c}_$n"
	kill -0 "$p" 2>/dev/null || { echo "chaos: FAIL $c-$n (pid $p) died: $(tail -3 "$TMP/$c-$n.log")" >&2; FAIL=1; }
done; done
kill -0 "$TAPID" 2>/dev/null || { echo "chaos: FAIL the test API server died" >&2; FAIL=1; }
if grep -lE 'AddressSanitizer|runtime error:|LeakSanitizer|Segmentation fault|Assertion .* failed' "$TMP"/*.log >/dev/null 2>&1; then
	echo "chaos: FAIL sanitizer or crash report in: $(grep -lE 'AddressSanitizer|runtime error:|LeakSanitizer|Assertion .* failed' "$TMP"/*.log)" >&2
	FAIL=1
fi
rss() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
WRITES=$(curl -s --max-time 20 "$URL/_testapi/writes" | grep -o '"method"' | wc -l || echo 0)

cat >"$OUT" <<JSON
{"seed": $SEED, "clusters": $NC, "bindings": $NB, "mongodbs": $NM,
 "operations": $OPS_DONE, "deletes": $DELETES, "api_writes": $WRITES,
 "faults": {"restart_keep": $F_restart, "compact": $F_compact, "drop_watches": $F_drop,
            "burst_500": $F_500, "burst_429": $F_429, "latency": $F_latency,
            "kill9": $F_kill, "sigstop": $F_stop}, "replica_exits_restarted": $EXITS,
 "converge_s_after_last_fault": $CONVERGE, "unscheduled_at_end": $P,
 "max_rss_kb": {"testapi": $(rss "$TAPID"), "scheduler0": $(rss "$P_scheduler_0"), "scheduler1": $(rss "$P_scheduler_1"),
                "ops0": $(rss "$P_ops_0"), "ops1": $(rss "$P_ops_1")},
 "passed": $([ $FAIL = 0 ] && echo true || echo false)}
JSON
cat "$OUT"
[ $FAIL = 0 ] || die "the campaign failed (seed $SEED; logs kept in $TMP)"
echo "chaos: passed (seed $SEED)"
