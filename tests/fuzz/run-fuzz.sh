#!/bin/sh
# Builds every tests/fuzz/fuzz_*.c with clang's libFuzzer (+ASan/UBSan) and
# runs each for FUZZ_SECONDS (default 30). Seeds come from tests/fuzz/corpus/<name>/
# and the fixtures; crashes are kept in build-fuzz/ and fail the run.
set -eu
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-30}
out=build-fuzz
mkdir -p "$out"
command -v clang >/dev/null || { echo "fuzz: clang is required (apt-get install clang)" >&2; exit 1; }
core=$(ls core/*/*.c | grep -v '^core/cmd/')
fail=0
for t in tests/fuzz/fuzz_*.c; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .c)
	extra=""
	[ -f "tests/fuzz/$name.srcs" ] && extra=$(cat "tests/fuzz/$name.srcs")
	echo "== $name"
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined,float-cast-overflow -fno-sanitize-recover=all -Iapi -Icore \
		"$t" $core $extra -o "$out/$name" -lcurl -lcjson -lyaml -lev -ldl -lpthread -lm
	corpus="$out/corpus-$name"
	mkdir -p "$corpus"
	[ -d "tests/fuzz/corpus/$name" ] && cp -n tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null || true
	if ! (cd "$out" && "./$name" -max_total_time="$secs" -timeout=10 -artifact_prefix="./$name-" "corpus-$name" >"$name.log" 2>&1); then
		echo "fuzz: $name found a problem; see $out/$name.log and $out/$name-*" >&2
		tail -20 "$out/$name.log" >&2
		fail=1
	else
		grep -E '^#[0-9]+.*DONE' "$out/$name.log" | tail -1 || true
	fi
done
exit $fail
