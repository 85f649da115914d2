#!/bin/sh
# Runs every test binary given, each in its own process, and prints one
# summary line. Exits non-zero when any suite fails. VALGRIND=1 runs each
# under valgrind with leak checking. A suite that runs longer than
# SUITE_TIMEOUT seconds (default 600) is killed and counted as failed, so a
# hang never stalls CI.
pass=0 fail=0 failed=""
for t in "$@"; do
	name=$(basename "$t")
	if [ -n "${VALGRIND:-}" ]; then
		set -- valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
			--suppressions="${FEDSTATE_SRC:-.}/tests/valgrind.supp" "$t"
	else
		set -- "$t"
	fi
	timeout -k 10 "${SUITE_TIMEOUT:-600}" "$@"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
	else
		[ "$rc" -eq 124 ] && echo "$name: timed out after ${SUITE_TIMEOUT:-600} s" >&2
		fail=$((fail + 1))
		failed="$failed $name"
	fi
done
echo "test suites: $pass passed, $fail failed"
[ -n "$failed" ] && echo "failed suites:$failed"
[ "$fail" -eq 0 ]
