/*
 * tests/bench/fleetgen.c - a deterministic, seeded fleet for benchmarks.
 *
 *   fleetgen -c CLUSTERS -b BINDINGS -m MONGODBS [-s SEED] -o DIR
 *
 * writes, in Karmada's shapes (JSON, which is also YAML, so the same files
 * feed `fedstate simulate`):
 *   DIR/clusters.json   a kind: List of cluster.karmada.io/v1alpha1 Clusters
 *   DIR/bindings.json   a kind: List of work.karmada.io/v1alpha2 ResourceBindings
 *   DIR/mongodbs.json   a kind: List of MultiCloudMongoDBs
 *
 * Clusters: providers with their regions and zones, env/tier/vip labels,
 * a StorageClass list in the annotation fedstate.io/storage-classes, a few
 * taints, a few not-ready, resourceModels on half of them, resourceSummary
 * with allocatable/allocated/allocating and allocatableModelings.
 * Bindings mix every replica-scheduling strategy (Duplicated, Divided
 * Aggregated, static and dynamic Weighted), spread constraints, label and
 * field selectors, cluster names and exclusions, affinities with fallback,
 * tolerations, previous placements (a quarter are rescheduled).
 *
 * The same seed and sizes always give byte-identical files. Plain C and
 * libc only: run-bench.sh compiles it with `cc -O2`.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ randomness */

static uint64_t rng_state;

static uint64_t
rng_next(void)
{
	/* splitmix64: tiny, good enough, identical on every platform */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in [0, n) */
static uint32_t
rng_below(uint32_t n)
{
	return n ? (uint32_t)(rng_next() % n) : 0;
}

/* true with probability pct/100 */
static int
rng_pct(uint32_t pct)
{
	return rng_below(100) < pct;
}

static void
put_uid(FILE *f)
{
	uint64_t a = rng_next(), b = rng_next();

	fprintf(f, "\"%08" PRIx64 "-%04" PRIx64 "-4%03" PRIx64 "-a%03" PRIx64
		"-%012" PRIx64 "\"", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
		b >> 52, b & (uint64_t)0xffffffffffff);
}

/* ------------------------------------------------------------ the world */

struct provider {
	const char *name;
	const char *provisioner;
	const char *regions[4];
};

static const struct provider providers[] = {
	{"aws", "ebs.csi.aws.com", {"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"}},
	{"gcp", "pd.csi.storage.gke.io", {"us-central1", "europe-west4", "asia-east1", NULL}},
	{"azure", "disk.csi.azure.com", {"eastus", "westeurope", "japaneast", NULL}},
	{"alibaba", "diskplugin.csi.alibabacloud.com", {"cn-hangzhou", "cn-beijing", NULL, NULL}},
	{"onprem", "nfs.csi.k8s.io", {"cn-east", "cn-north", NULL, NULL}},
};
#define N_PROVIDERS (sizeof providers / sizeof providers[0])

static const char *const envs[] = {"prod", "prod", "prod", "staging", "dev"};
static const char *const tiers[] = {"gold", "silver", "bronze"};
static const char *const classes[] = {"standard", "fast-ssd", "managed-nfs-storage", "local-path"};

static uint32_t
n_regions(const struct provider *p)
{
	uint32_t n = 0;
	while (n < 4 && p->regions[n])
		n++;
	return n;
}

/* Cluster i's fixed identity: the same for the generator of clusters and
 * of bindings (which name clusters), so it is derived from i alone. */
struct cluster_id {
	const struct provider *prov;
	const char *region;
	const char *env;
	const char *tier;
	uint32_t n_zones;
};

static struct cluster_id
cluster_id_of(uint32_t i)
{
	struct cluster_id id;
	uint32_t h = i * 2654435761u;

	id.prov = &providers[h % N_PROVIDERS];
	id.region = id.prov->regions[(h >> 8) % n_regions(id.prov)];
	id.env = envs[(h >> 12) % 5];
	id.tier = tiers[(h >> 16) % 3];
	id.n_zones = 1 + (h >> 20) % 3;
	return id;
}

/* ------------------------------------------------------------ clusters */

static void
put_quantity_map(FILE *f, const char *key, int64_t cpu_m, int64_t mem_mi, int64_t pods)
{
	fprintf(f, "\"%s\":{\"cpu\":\"%" PRId64 "m\",\"memory\":\"%" PRId64
		"Mi\",\"pods\":\"%" PRId64 "\"}", key, cpu_m, mem_mi, pods);
}

static void
put_storage_classes(FILE *f, const struct cluster_id *id)
{
	uint32_t first = rng_below(4), n = 1 + rng_below(3);

	fputs("\"fedstate.io/storage-classes\":\"[", f);
	for (uint32_t k = 0; k < n; k++)
		fprintf(f, "%s{\\\"name\\\":\\\"%s\\\",\\\"default\\\":%s,"
			"\\\"allowVolumeExpansion\\\":%s,\\\"provisioner\\\":\\\"%s\\\"}",
			k ? "," : "", classes[(first + k) % 4], k == 0 ? "true" : "false",
			rng_pct(70) ? "true" : "false", id->prov->provisioner);
	fputs("]\"", f);
}

static const char *const api_groups =
	"{\"groupVersion\":\"apps/v1\",\"resources\":["
	"{\"kind\":\"Deployment\",\"name\":\"deployments\"},"
	"{\"kind\":\"StatefulSet\",\"name\":\"statefulsets\"},"
	"{\"kind\":\"DaemonSet\",\"name\":\"daemonsets\"}]},"
	"{\"groupVersion\":\"batch/v1\",\"resources\":["
	"{\"kind\":\"Job\",\"name\":\"jobs\"},{\"kind\":\"CronJob\",\"name\":\"cronjobs\"}]},"
	"{\"groupVersion\":\"v1\",\"resources\":["
	"{\"kind\":\"ConfigMap\",\"name\":\"configmaps\"},"
	"{\"kind\":\"Secret\",\"name\":\"secrets\"},"
	"{\"kind\":\"Service\",\"name\":\"services\"},"
	"{\"kind\":\"PersistentVolumeClaim\",\"name\":\"persistentvolumeclaims\"}]}";

static void
put_models(FILE *f)
{
	static const char *const cpu[] = {"0", "4", "16", "64"};
	static const char *const mem[] = {"0", "16Gi", "64Gi", "256Gi"};

	fputs(",\"resourceModels\":[", f);
	for (int g = 0; g < 4; g++)
		fprintf(f, "%s{\"grade\":%d,\"ranges\":[{\"name\":\"cpu\",\"min\":\"%s\","
			"\"max\":\"%s\"},{\"name\":\"memory\",\"min\":\"%s\",\"max\":\"%s\"}]}",
			g ? "," : "", g, cpu[g], g < 3 ? cpu[g + 1] : "9223372036854775807",
			mem[g], g < 3 ? mem[g + 1] : "9223372036854775807");
	fputc(']', f);
}

static void
put_cluster(FILE *f, uint32_t i)
{
	struct cluster_id id = cluster_id_of(i);
	int ready = !rng_pct(3), pull = rng_pct(20), models = rng_pct(50);
	int mongo = rng_pct(85), vip = rng_pct(90);
	int64_t nodes = 3 + rng_below(200);
	int64_t cpu = nodes * 16000, mem = nodes * 65536, pods = nodes * 110;
	uint32_t used = 10 + rng_below(85); /* percent allocated */

	fprintf(f, "{\"apiVersion\":\"cluster.karmada.io/v1alpha1\",\"kind\":\"Cluster\","
		"\"metadata\":{\"name\":\"member-%05u\",\"uid\":", i);
	put_uid(f);
	fprintf(f, ",\"generation\":%u,\"resourceVersion\":\"%u\","
		"\"creationTimestamp\":\"2024-03-11T08:15:02Z\",\"labels\":{"
		"\"env\":\"%s\",\"tier\":\"%s\",\"fedstate.io/pool\":\"pool-%u\","
		"\"topology.kubernetes.io/region\":\"%s\",\"kubernetes.io/arch\":\"%s\"",
		1 + rng_below(5), 1000 + rng_below(900000), id.env, id.tier, i % 16,
		id.region, rng_pct(20) ? "arm64" : "amd64");
	if (vip)
		fprintf(f, ",\"vip\":\"10.%u.%u.%u\"", 1 + i / 62500, i / 250 % 250,
			1 + i % 250); /* unique per cluster */
	fputs("},\"annotations\":{", f);
	put_storage_classes(f, &id);
	fprintf(f, "}},\"spec\":{\"apiEndpoint\":\"https://10.%u.%u.%u:6443\","
		"\"id\":", 100 + (i >> 16) % 100, (i >> 8) & 255, i & 255);
	put_uid(f);
	fprintf(f, ",\"provider\":\"%s\",\"region\":\"%s\",\"zones\":[", id.prov->name,
		id.region);
	for (uint32_t z = 0; z < id.n_zones; z++)
		fprintf(f, "%s\"%s%c\"", z ? "," : "", id.region, 'a' + z);
	fprintf(f, "],\"syncMode\":\"%s\"", pull ? "Pull" : "Push");
	if (!ready)
		fputs(",\"taints\":[{\"key\":\"cluster.karmada.io/not-ready\","
		      "\"effect\":\"NoSchedule\"}]", f);
	else if (rng_pct(4))
		fputs(",\"taints\":[{\"key\":\"dedicated\",\"value\":\"middleware\","
		      "\"effect\":\"NoSchedule\"}]", f);
	if (models)
		put_models(f);
	fprintf(f, "},\"status\":{\"kubernetesVersion\":\"v1.27.%u\",\"apiEnablements\":[%s",
		rng_below(10), api_groups);
	if (mongo)
		fputs(",{\"groupVersion\":\"middleware.fedstate.io/v1alpha1\",\"resources\":"
		      "[{\"kind\":\"MongoDB\",\"name\":\"mongodbs\"}]}", f);
	fprintf(f, "],\"conditions\":[{\"type\":\"Ready\",\"status\":\"%s\",\"reason\":\"%s\","
		"\"lastTransitionTime\":\"2024-03-11T08:15:12Z\"},"
		"{\"type\":\"CompleteAPIEnablements\",\"status\":\"True\",\"reason\":\"Complete\","
		"\"lastTransitionTime\":\"2024-03-11T08:15:12Z\"}],"
		"\"nodeSummary\":{\"totalNum\":%" PRId64 ",\"readyNum\":%" PRId64 "},"
		"\"resourceSummary\":{", ready ? "True" : "False",
		ready ? "ClusterReady" : "ClusterNotReachable", nodes, nodes);
	put_quantity_map(f, "allocatable", cpu, mem, pods);
	fputc(',', f);
	put_quantity_map(f, "allocated", cpu * used / 100, mem * used / 100,
			 pods * used / 100);
	fputc(',', f);
	put_quantity_map(f, "allocating", (int64_t)rng_below(4000), (int64_t)rng_below(8192),
			 (int64_t)rng_below(20));
	if (models) {
		int64_t left = nodes;
		fputs(",\"allocatableModelings\":[", f);
		for (int g = 0; g < 4; g++) {
			int64_t c = g < 3 ? (int64_t)rng_below((uint32_t)left + 1) : left;
			left -= c;
			fprintf(f, "%s{\"grade\":%d,\"count\":%" PRId64 "}", g ? "," : "", g, c);
		}
		fputc(']', f);
	}
	fputs("}}}", f);
}

/* ------------------------------------------------------------ placements */

/* m distinct cluster indexes (when the fleet has that many) into out[] */
static void
pick_clusters(uint32_t n_clusters, uint32_t m, uint32_t *out)
{
	uint32_t base = rng_below(n_clusters), step = n_clusters / (m + 1) + 1;

	for (uint32_t k = 0; k < m; k++)
		out[k] = (base + k * step) % n_clusters;
}

static void
put_names(FILE *f, const char *key, const uint32_t *idx, uint32_t m)
{
	fprintf(f, "\"%s\":[", key);
	for (uint32_t k = 0; k < m; k++)
		fprintf(f, "%s\"member-%05u\"", k ? "," : "", idx[k]);
	fputc(']', f);
}

static void
put_tolerations(FILE *f)
{
	fputs("\"clusterTolerations\":[{\"key\":\"dedicated\",\"operator\":\"Equal\","
	      "\"value\":\"middleware\",\"effect\":\"NoSchedule\"}]", f);
}

static const struct provider *
any_provider(void)
{
	return &providers[rng_below(N_PROVIDERS)];
}

/* The placement of binding kind k (0..7). n: fleet size. */
static void
put_placement(FILE *f, uint32_t k, uint32_t n)
{
	const struct provider *p = any_provider();
	uint32_t idx[4];

	fputs("\"placement\":{", f);
	switch (k) {
	case 0: /* Duplicated over prod gold/silver clusters */
		fputs("\"clusterAffinity\":{\"labelSelector\":{\"matchLabels\":{\"env\":"
		      "\"prod\"},\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\","
		      "\"values\":[\"gold\",\"silver\"]}]}},"
		      "\"replicaScheduling\":{\"replicaSchedulingType\":\"Duplicated\"}", f);
		break;
	case 1: /* Aggregated, spread over 2..3 regions and 2..6 clusters */
		fputs("\"spreadConstraints\":[{\"spreadByField\":\"region\",\"minGroups\":2,"
		      "\"maxGroups\":3},{\"spreadByField\":\"cluster\",\"minGroups\":2,"
		      "\"maxGroups\":6}],\"replicaScheduling\":{\"replicaSchedulingType\":"
		      "\"Divided\",\"replicaDivisionPreference\":\"Aggregated\"}", f);
		break;
	case 2: { /* static weights over a few named clusters */
		uint32_t m = 2 + rng_below(3);
		pick_clusters(n, m, idx);
		fputs("\"clusterAffinity\":{", f);
		put_names(f, "clusterNames", idx, m);
		fputs("},\"replicaScheduling\":{\"replicaSchedulingType\":\"Divided\","
		      "\"replicaDivisionPreference\":\"Weighted\",\"weightPreference\":"
		      "{\"staticWeightList\":[", f);
		for (uint32_t w = 0; w < m; w++) {
			fprintf(f, "%s{\"targetCluster\":{", w ? "," : "");
			put_names(f, "clusterNames", &idx[w], 1);
			fprintf(f, "},\"weight\":%u}", 1 + rng_below(5));
		}
		fputs("]}}", f);
		break;
	}
	case 3: /* dynamic weights on two providers, tolerating a taint */
		fprintf(f, "\"clusterAffinity\":{\"fieldSelector\":{\"matchExpressions\":"
			"[{\"key\":\"provider\",\"operator\":\"In\",\"values\":[\"%s\",\"%s\"]}]}},",
			p->name, any_provider()->name);
		put_tolerations(f);
		fputs(",\"replicaScheduling\":{\"replicaSchedulingType\":\"Divided\","
		      "\"replicaDivisionPreference\":\"Weighted\",\"weightPreference\":"
		      "{\"dynamicWeight\":\"AvailableReplicas\"}}", f);
		break;
	case 4: /* a primary region, falling back to the whole provider */
		fprintf(f, "\"clusterAffinities\":[{\"affinityName\":\"primary\","
			"\"fieldSelector\":{\"matchExpressions\":[{\"key\":\"region\","
			"\"operator\":\"In\",\"values\":[\"%s\"]}]}},{\"affinityName\":\"backup\","
			"\"fieldSelector\":{\"matchExpressions\":[{\"key\":\"provider\","
			"\"operator\":\"In\",\"values\":[\"%s\"]}]}}],"
			"\"replicaScheduling\":{\"replicaSchedulingType\":\"Divided\","
			"\"replicaDivisionPreference\":\"Weighted\",\"weightPreference\":"
			"{\"dynamicWeight\":\"AvailableReplicas\"}}",
			p->regions[rng_below(n_regions(p))], p->name);
		break;
	case 5: /* Duplicated to a handful of named clusters */
		pick_clusters(n, 3, idx);
		fputs("\"clusterAffinity\":{", f);
		put_names(f, "clusterNames", idx, 3);
		fputs("},\"replicaScheduling\":{\"replicaSchedulingType\":\"Duplicated\"}", f);
		break;
	case 6: /* Aggregated over providers, excluding a few clusters */
		fputs("\"clusterAffinity\":{\"labelSelector\":{\"matchExpressions\":[{\"key\":"
		      "\"env\",\"operator\":\"NotIn\",\"values\":[\"dev\"]}]},", f);
		pick_clusters(n, 4, idx);
		put_names(f, "exclude", idx, 4);
		fputs("},\"spreadConstraints\":[{\"spreadByField\":\"provider\",\"minGroups\":2},"
		      "{\"spreadByField\":\"cluster\",\"minGroups\":2,\"maxGroups\":4}],"
		      "\"replicaScheduling\":{\"replicaSchedulingType\":\"Divided\","
		      "\"replicaDivisionPreference\":\"Aggregated\"}", f);
		break;
	default: /* Divided without preference: Karmada's default Weighted */
		fputs("\"clusterAffinity\":{\"labelSelector\":{\"matchLabels\":{\"tier\":"
		      "\"gold\"}}},\"replicaScheduling\":{\"replicaSchedulingType\":\"Divided\"}", f);
		break;
	}
	fputc('}', f);
}

static void
put_binding(FILE *f, uint32_t j, uint32_t n)
{
	uint32_t k = rng_below(8), ns = rng_below(20), replicas = 1 + rng_below(12);
	int sts = rng_pct(30);
	const char *kind = sts ? "StatefulSet" : "Deployment";

	fprintf(f, "{\"apiVersion\":\"work.karmada.io/v1alpha2\",\"kind\":\"ResourceBinding\","
		"\"metadata\":{\"name\":\"app-%06u-%s\",\"namespace\":\"team-%u\",\"uid\":",
		j, sts ? "statefulset" : "deployment", ns);
	put_uid(f);
	fprintf(f, ",\"generation\":%u,\"labels\":{\"app\":\"app-%06u\"}", 1 + rng_below(3), j);
	if (sts)
		fprintf(f, ",\"annotations\":{\"fedstate.io/storage-class\":\"%s\"}",
			classes[rng_below(3)]);
	fprintf(f, "},\"spec\":{\"resource\":{\"apiVersion\":\"apps/v1\",\"kind\":\"%s\","
		"\"namespace\":\"team-%u\",\"name\":\"app-%06u\",\"uid\":", kind, ns, j);
	put_uid(f);
	fprintf(f, "},\"replicas\":%u,\"replicaRequirements\":{\"resourceRequest\":"
		"{\"cpu\":\"%um\",\"memory\":\"%uMi\"}", replicas, 100 * (1 + rng_below(20)),
		128 * (1 + rng_below(16)));
	if (rng_pct(30))
		fputs(",\"nodeClaim\":{\"nodeSelector\":{\"kubernetes.io/os\":\"linux\"}}", f);
	fputs("},", f);
	put_placement(f, k, n);
	fputs(",\"schedulerName\":\"default-scheduler\"", f);
	if (rng_pct(25)) { /* already scheduled once: a reschedule */
		/* each cluster once: a list naming one twice is refused */
		uint32_t m = 1 + rng_below(3), idx[3];
		if (m > n)
			m = n;
		pick_clusters(n, m, idx);
		fputs(",\"clusters\":[", f);
		for (uint32_t t = 0; t < m; t++)
			fprintf(f, "%s{\"name\":\"member-%05u\",\"replicas\":%u}", t ? "," : "",
				idx[t], 1 + rng_below(4));
		fputc(']', f);
	}
	fputs("}}", f);
}

static void
put_mongodb(FILE *f, uint32_t j)
{
	static const uint32_t sizes[] = {3, 3, 5, 7};
	const struct provider *p = any_provider();

	fprintf(f, "{\"apiVersion\":\"middleware.fedstate.io/v1alpha1\",\"kind\":"
		"\"MultiCloudMongoDB\",\"metadata\":{\"name\":\"mongo-%05u\",\"namespace\":"
		"\"team-%u\",\"uid\":", j, rng_below(20));
	put_uid(f);
	fprintf(f, ",\"generation\":1},\"spec\":{\"replicaset\":%u,\"resource\":{\"limits\":"
		"{\"cpu\":\"2\",\"memory\":\"2Gi\"},\"requests\":{\"cpu\":\"1\",\"memory\":"
		"\"1Gi\"}},\"storage\":{\"storageClass\":\"%s\",\"storageSize\":\"%uGi\"},"
		"\"imageSetting\":{\"image\":\"mongo:4.4\",\"imagePullPolicy\":\"IfNotPresent\"},"
		"\"config\":{\"arbiter\":%s},\"scheduler\":{\"schedulerName\":\"default-scheduler\","
		"\"schedulerMode\":\"%s\"",
		sizes[rng_below(4)], classes[rng_below(3)], 1 + rng_below(50),
		rng_pct(40) ? "true" : "false", rng_pct(70) ? "Uniform" : "Weighting");
	if (rng_pct(50))
		fprintf(f, ",\"affinity\":{\"clusterAffinity\":{\"fieldSelector\":{"
			"\"matchExpressions\":[{\"key\":\"provider\",\"operator\":\"In\","
			"\"values\":[\"%s\",\"%s\"]}]}}}", p->name, any_provider()->name);
	fputs("},\"spreadConstraints\":{\"spreadConstraints\":[{\"spreadByField\":"
	      "\"cluster\",\"minGroups\":3}]}}}", f);
}

/* ------------------------------------------------------------ main */

static FILE *
open_out(const char *dir, const char *file)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "fleetgen: %s: cannot create: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

static void
close_out(FILE *f, const char *dir, const char *file)
{
	if (fclose(f) != 0) {
		fprintf(stderr, "fleetgen: %s/%s: write failed: %s\n", dir, file,
			strerror(errno));
		exit(1);
	}
}

static uint32_t
parse_count(const char *opt, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v > 10000000) {
		fprintf(stderr, "fleetgen: %s: expected a count 0..10000000, got \"%s\"\n",
			opt, s);
		exit(2);
	}
	return (uint32_t)v;
}

static void
usage(void)
{
	fputs("usage: fleetgen -c CLUSTERS -b BINDINGS [-m MONGODBS] [-s SEED] -o DIR\n",
	      stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	uint32_t nc = 0, nb = 0, nm = 0, seed = 1;
	const char *dir = NULL;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "-c"))
			nc = parse_count("-c", argv[++i]);
		else if (!strcmp(argv[i], "-b"))
			nb = parse_count("-b", argv[++i]);
		else if (!strcmp(argv[i], "-m"))
			nm = parse_count("-m", argv[++i]);
		else if (!strcmp(argv[i], "-s"))
			seed = parse_count("-s", argv[++i]);
		else if (!strcmp(argv[i], "-o"))
			dir = argv[++i];
		else
			usage();
	}
	if (!dir)
		usage();
	if (nc == 0) {
		fputs("fleetgen: -c: expected at least 1 cluster (bindings name clusters)\n",
		      stderr);
		exit(2);
	}

	rng_state = seed;
	f = open_out(dir, "clusters.json");
	fputs("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n", f);
	for (uint32_t i = 0; i < nc; i++) {
		put_cluster(f, i);
		fputs(i + 1 < nc ? ",\n" : "\n", f);
	}
	fputs("]}\n", f);
	close_out(f, dir, "clusters.json");

	rng_state = seed * 7919u + 1;
	f = open_out(dir, "bindings.json");
	fputs("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n", f);
	for (uint32_t j = 0; j < nb; j++) {
		put_binding(f, j, nc);
		fputs(j + 1 < nb ? ",\n" : "\n", f);
	}
	fputs("]}\n", f);
	close_out(f, dir, "bindings.json");

	rng_state = seed * 104729u + 3;
	f = open_out(dir, "mongodbs.json");
	fputs("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n", f);
	for (uint32_t j = 0; j < nm; j++) {
		put_mongodb(f, j);
		fputs(j + 1 < nm ? ",\n" : "\n", f);
	}
	fputs("]}\n", f);
	close_out(f, dir, "mongodbs.json");
	return 0;
}
