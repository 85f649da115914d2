#!/bin/sh
# Runs every test binary given, each in its own process, and prints one
# summary line. Exits non-zero when any suite fails. VALGRIND=1 runs each
# under valgrind with leak checking.
pass=0 fail=0 failed=""
for t in "$@"; do
	name=$(basename "$t")
	if [ -n "${VALGRIND:-}" ]; then
		set -- valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
			--suppressions="${FEDSTATE_SRC:-.}/tests/valgrind.supp" "$t"
	else
		set -- "$t"
	fi
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $name"
	fi
done
echo "test suites: $pass passed, $fail failed"
[ -n "$failed" ] && echo "failed suites:$failed"
[ "$fail" -eq 0 ]
