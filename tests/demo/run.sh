#!/bin/sh
# tests/demo/run.sh BUILD - `make run`: the real control loop on an
# embedded control plane. fedstate-testapi stands in for the Karmada API
# server (with the FedState CRDs and stand-ins for Karmada's), seeded with
# the demo fleet and its workloads from config/samples as an admin would
# create them; `fedstate scheduler` (and `fedstate ops` once built) run
# against it exactly as the Deployments in deploy/ run against the real
# one (leader election on); then what a user checks with kubectl is
# printed, and everything is stopped: no process is left behind, also on
# Ctrl-C. Traffic stays on 127.0.0.1.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$(cd "$ROOT/$BUILD/bin" && pwd)
PLUGINS=$(cd "$ROOT/$BUILD/plugins" && pwd)
TMP=$(mktemp -d /tmp/fedstate-run-XXXXXX)
PIDS=""

cleanup() {
	trap - EXIT INT TERM
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }
die() { printf 'make run: %s\n' "$*" >&2; exit 1; }

command -v kubectl >/dev/null 2>&1 ||
	die "kubectl is needed to show the results (a 1.2x+ client); install it and run again"
export KUBECONFIG="$TMP/kubeconfig"
cd "$ROOT"

say "embedded control plane: fedstate-testapi with the CRDs and the demo fleet"
"$BIN/fedstate-testapi" --listen 127.0.0.1:0 --kubeconfig-out "$KUBECONFIG" \
	--crd-dir config/crd --crd-dir tests/testapi/crds \
	--seed config/samples/clusters.yaml --seed config/samples/workloads.yaml \
	>"$TMP/testapi.log" 2>&1 &
PIDS="$PIDS $!"
i=0
until grep -q '^listening on' "$TMP/testapi.log" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || die "the test API server did not start: $(cat "$TMP/testapi.log")"
	sleep 0.05
done
sed -n 's/^listening on /API server: /p' "$TMP/testapi.log"

daemon() { # daemon NAME ARGS...: as deploy/ runs it, ports picked freely
	name=$1; shift
	"$BIN/fedstate" "$name" --kubeconfig "$KUBECONFIG" \
		--metrics-bind-address 127.0.0.1:0 --health-probe-bind-address 127.0.0.1:0 \
		"$@" >"$TMP/$name.log" 2>&1 &
	PIDS="$PIDS $!"
	echo "started fedstate $name (pid $!, log $TMP/$name.log)"
}
daemon scheduler --config config/scheduler.yaml --plugin-dir "$PLUGINS"
OPS=no
if "$BIN/fedstate" ops --help >/dev/null 2>&1; then
	daemon ops --config config/ops.yaml --plugin-dir "$PLUGINS"
	OPS=yes
fi

# every binding reports Scheduled (True or False), every placed
# MultiCloudMongoDB carries its schedulerResult
pending() {
	kubectl get rb -A --no-headers -o custom-columns=S:'.status.conditions[?(@.type=="Scheduled")].status' |
		grep -c '<none>' || true
}
i=0
while [ "$(pending)" != 0 ]; do
	i=$((i + 1)); [ $i -lt 150 ] || { cat "$TMP/scheduler.log" >&2; die "not every binding was scheduled within 15 s"; }
	sleep 0.1
done
# every MultiCloudMongoDB placed (schedulerResult) or refused (an Event)
unplaced() {
	failed=$(kubectl get events.events.k8s.io -A --no-headers \
		-o custom-columns=K:.regarding.kind,N:.regarding.name,R:.reason |
		awk '$1 == "MultiCloudMongoDB" && $3 == "ScheduleBindingFailed" { print $2 }' | sort -u)
	kubectl get multicloudmongodbs -A --no-headers \
		-o custom-columns=N:.metadata.name,P:'.metadata.annotations.schedulerResult' |
		awk '$2 == "<none>" { print $1 }' | while read -r n; do
			echo "$failed" | grep -qx "$n" || echo "$n"
		done | wc -l
}
i=0
while [ "$(unplaced)" != 0 ]; do
	i=$((i + 1)); [ $i -lt 150 ] || { cat "$TMP/scheduler.log" >&2; die "not every MultiCloudMongoDB was placed or refused within 15 s"; }
	sleep 0.1
done
if [ "$OPS" = yes ]; then
	# every placed MultiCloudMongoDB rendered (both passes) by fedstate ops
	unrendered() {
		kubectl get multicloudmongodbs -A --no-headers -o custom-columns=P:'.metadata.annotations.schedulerResult',R:'.status.conditions[?(@.type=="Rendered")].status' |
			awk '$1 != "<none>" && $NF != "True"' | wc -l
	}
	i=0
	while [ "$(unrendered)" != 0 ]; do
		i=$((i + 1)); [ $i -lt 150 ] || { cat "$TMP/ops.log" >&2; die "fedstate ops did not render every placed MultiCloudMongoDB within 15 s"; }
		sleep 0.1
	done
fi

say "clusters (kubectl get clusters)"
kubectl get clusters
say "placements the scheduler wrote (spec.clusters, read back from the API server)"
kubectl get rb -A -o custom-columns='NAMESPACE:.metadata.namespace,BINDING:.metadata.name,SCHEDULED:.status.conditions[?(@.type=="Scheduled")].reason,CLUSTERS:.spec.clusters[*].name,REPLICAS:.spec.clusters[*].replicas'
say "MultiCloudMongoDBs and their schedulerResult"
kubectl get multicloudmongodbs -A -o custom-columns='NAMESPACE:.metadata.namespace,NAME:.metadata.name,MEMBERS:.spec.replicaset,RESULT:.metadata.annotations.schedulerResult'
say "why the unschedulable ones were not placed (their Events)"
kubectl get events.events.k8s.io -A \
	-o custom-columns='KIND:.regarding.kind,OBJECT:.regarding.name,REASON:.reason,MESSAGE:.note' |
	awk 'NR == 1 || / ScheduleBindingFailed /' | cut -c1-220
if [ "$OPS" = yes ]; then
	say "what fedstate ops rendered"
	kubectl get propagationpolicies,overridepolicies,services,configmaps,mongodbs -A -l fedstate.io/managed-by 2>/dev/null || true
	kubectl get multicloudmongodbs -A
fi
say "stopping (SIGTERM: the daemons drain and release their Leases)"
