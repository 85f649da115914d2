#!/bin/sh
# tests/bench/run-bench.sh BUILD - the benchmarks behind `make bench`.
#
# Expects an optimised tree in BUILD (the Makefile's bench target builds
# build-bench with -O2 -DNDEBUG first). Builds the fleet generator and the
# driver (fs-bench) against BUILD/lib/libfedstate-core.a, generates seeded
# fleets, runs every measurement pinned to one core, prints a table and
# writes tests/bench/results.json.
#
# Environment: BENCH_SIZES (default "10 100 1000 5000"), BENCH_BINDINGS
# (bindings per fleet for the decide-only runs, default 2000),
# BENCH_MEM_BINDINGS (default 100000), BENCH_WATCH (bindings sent through
# fedstate-testapi, default 5000), BENCH_SEED (default 1),
# BENCH_TRIES (runs of each cycle measurement, the one with the lowest
# median is kept: a shared machine only ever slows a run down; default 3),
# BENCH_OUT (default tests/bench/results.json), BENCH_OPS and
# BENCH_OPS_STEADY (MultiCloudMongoDBs through `fedstate ops`, default 200
# and 1000; 0 skips).
set -eu

BUILD=${1:-build-bench}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
cd "$SRC"
SIZES=${BENCH_SIZES:-"10 100 1000 5000"}
NB=${BENCH_BINDINGS:-2000}
NMEM=${BENCH_MEM_BINDINGS:-100000}
SEED=${BENCH_SEED:-1}
OUT=${BENCH_OUT:-tests/bench/results.json}
TRIES=${BENCH_TRIES:-3}
WORK=$BUILD/bench
CC=${CC:-cc}

die() { echo "run-bench: $*" >&2; exit 1; }

[ -f "$BUILD/lib/libfedstate-core.a" ] ||
	die "$BUILD/lib/libfedstate-core.a: missing; run 'make bench' (or make BUILD=$BUILD all)"
[ -d "$BUILD/plugins" ] || die "$BUILD/plugins: missing; run 'make bench'"
PLUGDIR=$(cd "$BUILD/plugins" && pwd)
mkdir -p "$WORK"

# ------------------------------------------------------------ build
CFLAGS="-std=c11 -D_GNU_SOURCE -O2 -g -DNDEBUG -Wall -Wextra -Werror -Wshadow \
 -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers"
# shellcheck disable=SC2086
$CC $CFLAGS -o "$WORK/fleetgen" tests/bench/fleetgen.c ||
	die "fleetgen does not compile"
# shellcheck disable=SC2086
$CC $CFLAGS -Iapi -Icore -Itests/bench -Itests/unit/lib -o "$WORK/fs-bench" \
	tests/bench/bench_main.c tests/bench/bench_load.c tests/bench/bench_watch.c tests/bench/bench_e2e.c tests/bench/bench_ops.c \
	tests/unit/lib/testapi_proc.c tests/unit/lib/loop_wait.c "$BUILD/lib/libfedstate-core.a" -lcurl -lcjson -lyaml -lev -ldl -lpthread -lm ||
	die "fs-bench does not compile or link against $BUILD/lib/libfedstate-core.a"

# one core when we can have it: timings of a scheduler thread
PIN=""
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
	PIN="taskset -c 0"
fi

# ------------------------------------------------------------ fleets
gen() { # gen DIR CLUSTERS BINDINGS MONGODBS
	mkdir -p "$1"
	[ -f "$1/.done" ] && [ "$(cat "$1/.done")" = "$2 $3 $4 $SEED" ] && return 0
	"$WORK/fleetgen" -c "$2" -b "$3" -m "$4" -s "$SEED" -o "$1" ||
		die "fleetgen failed for $2 clusters"
	echo "$2 $3 $4 $SEED" >"$1/.done"
}

NMDB=$((NB / 10))
for n in $SIZES; do
	gen "$WORK/fleet-$n" "$n" "$NB" "$NMDB"
done
gen "$WORK/fleet-mem" 5000 "$NMEM" 0

CONFIG=tests/bench/scheduler-bench.yaml
RAW=$WORK/raw.jsonl
: >"$RAW"

# ------------------------------------------------------------ decide-only
repeat_for() { # enough cycles to be stable, a few seconds at most
	if [ "$1" -le 100 ]; then echo 20; elif [ "$1" -le 1000 ]; then echo 5; else echo 2; fi
}
# sched_best LABEL CONFIG N: TRIES runs of fs-bench sched on fleet N, the
# line with the lowest p50 appended to RAW
sched_best() {
	d=$WORK/fleet-$3
	: >"$WORK/tries.jsonl"
	t=0
	while [ "$t" -lt "$TRIES" ]; do
		# shellcheck disable=SC2086
		$PIN "$WORK/fs-bench" sched --config "$2" --plugin-dir "$PLUGDIR" \
			--label "$1" --clusters "$d/clusters.json" \
			--bindings "$d/bindings.json" --bindings "$d/mongodbs.json" \
			--repeat "$(repeat_for "$3")" >>"$WORK/tries.jsonl" ||
			die "fs-bench sched ($1) failed on $3 clusters"
		t=$((t + 1))
	done
	awk '{ if (match($0, /"p50_us":[0-9.]+/)) { v = substr($0, RSTART + 9, RLENGTH - 9) + 0
	       if (best == "" || v < bv) { best = $0; bv = v } } } END { print best }' \
		"$WORK/tries.jsonl" >>"$RAW"
}
echo "run-bench: decide-only cycles ($NB bindings + $NMDB MultiCloudMongoDBs per fleet, best of $TRIES runs)" >&2
for n in $SIZES; do
	sched_best full "$CONFIG" "$n"
done

# the same cycles with Karmada's default plugins alone: what the FedState
# plugins add
for n in $SIZES; do
	[ "$n" = 100 ] || [ "$n" = 1000 ] || continue
	sched_best karmada-defaults tests/bench/scheduler-karmada.yaml "$n"
done

# ------------------------------------------------------------ decode, memory
echo "run-bench: decode throughput and memory" >&2
# shellcheck disable=SC2086
DEC=$WORK/fleet-$(echo "$SIZES" | awk '{print $NF}')
$PIN "$WORK/fs-bench" decode --clusters "$DEC/clusters.json" \
	--bindings "$DEC/bindings.json" >>"$RAW" || die "fs-bench decode failed"
# shellcheck disable=SC2086
$PIN "$WORK/fs-bench" memory --config "$CONFIG" --plugin-dir "$PLUGDIR" \
	--clusters "$WORK/fleet-mem/clusters.json" \
	--bindings "$WORK/fleet-mem/bindings.json" >>"$RAW" || die "fs-bench memory failed"

# ------------------------------------------------------------ simulate --bench
SIMLINE=""
if "$BUILD/bin/fedstate" simulate --help 2>&1 | grep -q -- '--bench'; then
	d=$WORK/fleet-1000
	echo "run-bench: fedstate simulate --bench on 1000 clusters" >&2
	# shellcheck disable=SC2086
	SIMLINE=$($PIN "$BUILD/bin/fedstate" simulate --config "$CONFIG" \
		--plugin-dir "$PLUGDIR" --clusters "$d/clusters.json" \
		--bindings "$d/bindings.json" --bindings "$d/mongodbs.json" \
		--bench --repeat 5 2>&1 | tail -n 3 | tr '\n' ' ' | sed 's/"/\\"/g') ||
		SIMLINE="failed"
fi

# ------------------------------------------------------------ watch ingestion
# not pinned: the test API server is a child process and would share core 0
WATCH="not run: $BUILD/bin/fedstate-testapi is missing"
if [ -x "$BUILD/bin/fedstate-testapi" ]; then
	echo "run-bench: watch ingestion through fedstate-testapi" >&2
	if FEDSTATE_BUILD=$(cd "$BUILD" && pwd) FEDSTATE_SRC=$SRC \
		"$WORK/fs-bench" watch --bindings "$WORK/fleet-mem/bindings.json" \
		--count "${BENCH_WATCH:-5000}" >>"$RAW"; then
		WATCH=""
	else
		WATCH="failed (see the messages above)"
	fi
fi

# ------------------------------------------------------------ the daemon end to end
# fedstate scheduler (a child process) binding bindings created in
# fedstate-testapi; not pinned: three processes share the machine
if [ -x "$BUILD/bin/fedstate-testapi" ]; then
	for n in 100 1000; do
		echo "run-bench: fedstate scheduler end to end, $n clusters" >&2
		FEDSTATE_BUILD=$(cd "$BUILD" && pwd) FEDSTATE_SRC=$SRC \
			"$WORK/fs-bench" e2e --clusters "$WORK/fleet-$n/clusters.json" \
			--bindings "$WORK/fleet-$n/bindings.json" --count "${BENCH_E2E:-1000}" \
			--config "$CONFIG" --plugin-dir "$PLUGDIR" --qps 0 --label "$n" >>"$RAW" ||
			echo "run-bench: e2e on $n clusters failed" >&2
	done
	echo "run-bench: the same with Karmada's client limits (40 QPS, burst 60)" >&2
	FEDSTATE_BUILD=$(cd "$BUILD" && pwd) FEDSTATE_SRC=$SRC \
		"$WORK/fs-bench" e2e --clusters "$WORK/fleet-100/clusters.json" \
		--bindings "$WORK/fleet-100/bindings.json" --count 200 \
		--config "$CONFIG" --plugin-dir "$PLUGDIR" --qps 40 --label "100" >>"$RAW" ||
		echo "run-bench: e2e with QPS 40 failed" >&2
fi

# ------------------------------------------------------------ the ops daemon end to end
# fedstate ops (a child process) rendering MultiCloudMongoDBs created in
# fedstate-testapi on the 100-cluster fleet, fs-bench playing Karmada's
# bindings; then BENCH_OPS_STEADY objects reconciled again at steady state
# (SIGHUP), where ops must write nothing. BENCH_OPS (default 200) and
# BENCH_OPS_STEADY (default 1000); 0 skips a run. Without a client limit,
# and the BENCH_OPS run again with the daemon's default (40 QPS, burst 60).
if [ -x "$BUILD/bin/fedstate-testapi" ] && [ -d "$WORK/fleet-100" ]; then
	for n in "${BENCH_OPS:-200}:0:0" "${BENCH_OPS_STEADY:-1000}:1:0" "${BENCH_OPS:-200}:0:40"; do
		count=${n%%:*} st=${n#*:} q=${n##*:} st=${st%:*}
		[ "$count" -gt 0 ] || continue
		echo "run-bench: fedstate ops end to end, $count MultiCloudMongoDBs on 100 clusters, QPS $q" >&2
		FEDSTATE_BUILD=$(cd "$BUILD" && pwd) FEDSTATE_SRC=$SRC \
			"$WORK/fs-bench" ops --clusters "$WORK/fleet-100/clusters.json" \
			--plugin-dir "$PLUGDIR" --count "$count" --steady "$st" --qps "$q" >>"$RAW" ||
			echo "run-bench: ops end to end ($count objects) failed" >&2
	done
fi

# ------------------------------------------------------------ report
sh tests/bench/report.sh "$RAW" "$OUT" "$PIN" "$SIMLINE" "$WATCH"
