#!/bin/sh
# Installs the Node packages of the gRPC test server (tests/grpc) when
# node_modules is missing. Called by the tests that start server.js, so
# `make test` installs them on a fresh machine. Prints nothing on success.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
[ -d "$dir/node_modules/@grpc/grpc-js" ] && [ -d "$dir/node_modules/@grpc/proto-loader" ] && exit 0
command -v npm >/dev/null 2>&1 || {
	echo "tests/grpc: npm not found; install nodejs and npm (make deps)" >&2
	exit 1
}
# the lock file pins the versions the tests were written against
cmd=install
[ -f "$dir/package-lock.json" ] && cmd=ci
cd "$dir" && npm $cmd --no-audit --no-fund --loglevel=error >/dev/null 2>npm-install.log || {
	echo "tests/grpc: npm $cmd failed; see $dir/npm-install.log" >&2
	exit 1
}
rm -f npm-install.log
