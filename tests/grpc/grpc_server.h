/*
 * tests/grpc/grpc_server.h - start and stop the Node estimator test server
 * (server.js) from a cmocka suite. Header-only so that each suite that
 * needs it (test_net, test_estimator) includes it; at most one server per
 * process.
 *
 * grpc_server_spawn(config, log, tls_dir) runs tests/grpc/ensure-npm.sh
 * (npm install when node_modules is missing), spawns `node server.js
 * --config <config> [--log <log>] [--tls <tls_dir>]` with a pipe on stdin
 * (closing it ends the server) and returns the port it printed, or -1 with
 * the reason on stderr. log and tls_dir may be NULL. The source tree is
 * $FEDSTATE_SRC (default ".").
 */
#ifndef FS_TESTS_GRPC_SERVER_H
#define FS_TESTS_GRPC_SERVER_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static pid_t grpc_server_pid_;
static int grpc_server_stdin_ = -1;

static inline void
grpc_server_stop(void)
{
	if (grpc_server_pid_ <= 0)
		return;
	close(grpc_server_stdin_);
	kill(grpc_server_pid_, SIGTERM);
	waitpid(grpc_server_pid_, NULL, 0);
	grpc_server_pid_ = 0;
	grpc_server_stdin_ = -1;
}

/* as grpc_server_spawn, on a given port (0: any) */
static inline int
grpc_server_spawn_port(const char *config, const char *log, const char *tls_dir,
		       int port)
{
	const char *src = getenv("FEDSTATE_SRC") ? getenv("FEDSTATE_SRC") : ".";
	char cmd[1024], script[512], line[32] = "";
	int in[2], out[2];
	ssize_t n;
	FILE *f;

	grpc_server_stop();
	snprintf(cmd, sizeof(cmd), "sh '%s/tests/grpc/ensure-npm.sh'", src);
	if (system(cmd) != 0) {
		fprintf(stderr, "grpc test server: dependencies missing\n");
		return -1;
	}
	snprintf(script, sizeof(script), "%s/tests/grpc/server.js", src);
	if (pipe(in) != 0 || pipe(out) != 0)
		return -1;
	grpc_server_pid_ = fork();
	if (grpc_server_pid_ == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		const char *argv[12] = {"node", script, "--config", config};
		char portarg[16];
		int k = 4;

		snprintf(portarg, sizeof(portarg), "%d", port);
		argv[k++] = "--port";
		argv[k++] = portarg;
		if (log) {
			argv[k++] = "--log";
			argv[k++] = log;
		}
		if (tls_dir) {
			argv[k++] = "--tls";
			argv[k++] = tls_dir;
		}
		argv[k] = NULL;
		execvp("node", (char *const *)argv);
		fprintf(stderr, "grpc test server: cannot run node\n");
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	grpc_server_stdin_ = in[1];
	f = fdopen(out[0], "r");
	n = f && fgets(line, sizeof(line), f) ? (ssize_t)strlen(line) : 0;
	if (f)
		fclose(f);
	if (n <= 0 || atoi(line) <= 0) {
		fprintf(stderr, "grpc test server: did not report a port\n");
		grpc_server_stop();
		return -1;
	}
	return atoi(line);
}

static inline int
grpc_server_spawn(const char *config, const char *log, const char *tls_dir)
{
	return grpc_server_spawn_port(config, log, tls_dir, 0);
}

static inline int
grpc_server_start(const char *config)
{
	return grpc_server_spawn(config, NULL, NULL);
}

static inline int
grpc_server_start_log(const char *config, const char *log)
{
	return grpc_server_spawn(config, log, NULL);
}

#endif
