#!/bin/sh
# Checks deploy/Dockerfile against what can be checked without building
# the image (no registry here):
#  1. the build stage installs with `make install DESTDIR=<d> PREFIX=/usr`,
#     and every path the runtime stage copies from <d> exists in that
#     layout, plugins included;
#  2. every shared library `ldd` shows for the binary and each plugin
#     comes from a Debian package (dpkg -S, this machine) that the runtime
#     stage's apt-get line installs, directly (the libraries the files
#     link themselves: readelf NEEDED) or as a dependency of one of them
#     (Depends, followed on this machine).
# usage: check-container.sh DOCKERFILE SRC BUILD WORKDIR
# Prints one line per problem; exits 1 when there is any.
set -u
dockerfile=$1 src=$2 build=$3 work=$4
fail=0
problem() { echo "check-container: $*" >&2; fail=1; }

# the Dockerfile's stages: the text after the last FROM is the runtime
runtime=$(awk '/^FROM /{n++} n>=2' "$dockerfile")
buildst=$(awk '/^FROM /{n++} n==1' "$dockerfile")
[ -n "$runtime" ] || { problem "$dockerfile: expected two stages (FROM ... AS build, FROM ...)"; exit 1; }

destdir=$(printf '%s\n' "$buildst" | sed -n 's/.*make .*install DESTDIR=\([^ ]*\) PREFIX=\/usr.*/\1/p')
[ -n "$destdir" ] || problem "$dockerfile: the build stage does not run 'make install DESTDIR=... PREFIX=/usr'"

# 1. layout
inst="$work/destdir"
rm -rf "$inst"
if ! make -s -C "$src" install DESTDIR="$inst" PREFIX=/usr BUILD="$build" >"$work/install.log" 2>&1; then
	problem "make install DESTDIR=$inst PREFIX=/usr failed:"; cat "$work/install.log" >&2; exit 1
fi
copies=$(printf '%s\n' "$runtime" | sed -n 's|^COPY --from=build \([^ ]*\) \([^ ]*\)$|\1 \2|p')
[ -n "$copies" ] || problem "$dockerfile: the runtime stage copies nothing from the build stage"
printf '%s\n' "$copies" | while read -r from to; do
	case $from in
	"$destdir"/*) ;;
	*) echo "check-container: COPY $from: not from the install DESTDIR $destdir" >&2; exit 1 ;;
	esac
	rel=${from#"$destdir"}
	[ -e "$inst$rel" ] || { echo "check-container: COPY $from: make install has no $rel" >&2; exit 1; }
	[ "${rel%/}" = "${to%/}" ] || { echo "check-container: COPY $from to $to: the runtime path differs from the install path $rel" >&2; exit 1; }
done || fail=1
printf '%s\n' "$copies" | grep -q "^$destdir/usr/bin/fedstate " || problem "the runtime stage does not copy /usr/bin/fedstate"
printf '%s\n' "$copies" | grep -q "^$destdir/usr/lib/fedstate/plugins/\{0,1\} " || problem "the runtime stage does not copy /usr/lib/fedstate/plugins"
for p in "$build"/plugins/*.so; do
	[ -f "$inst/usr/lib/fedstate/plugins/$(basename "$p")" ] || problem "plugin $(basename "$p") is not installed under /usr/lib/fedstate/plugins"
done
printf '%s\n' "$runtime" | grep -q '^USER [1-9]' || problem "$dockerfile: the runtime stage does not run as a non-root USER"

# 2. libraries -> packages
pkgs=$(printf '%s\n' "$runtime" | tr '\\' ' ' | tr '\n' ' ' | sed -n 's/.*apt-get install -y --no-install-recommends \([^&]*\)&&.*/\1/p')
pkgs=$(echo $pkgs)
[ -n "$pkgs" ] || problem "$dockerfile: no 'apt-get install -y --no-install-recommends PKGS &&' in the runtime stage"
# the dependency closure of the listed packages, on this machine
closure=" "
todo=$pkgs
while [ -n "$(echo $todo)" ]; do
	next=""
	for p in $todo; do
		case $closure in *" $p "*) continue ;; esac
		closure="$closure$p "
		deps=$(dpkg-query -W -f='${Depends},${Pre-Depends}' "$p" 2>/dev/null |
			tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/:any//; s/ //g' | grep -v '^$')
		next="$next $deps"
	done
	todo=$next
done
pkg_of() { # the package that ships library file $1
	for f in "$1" "$(readlink -f "$1")" "$(echo "$1" | sed 's|^/usr||')" "/usr$1"; do
		r=$(dpkg -S "$f" 2>/dev/null | head -1 | sed 's/:.*//; s/,.*//')
		[ -n "$r" ] && { echo "$r"; return; }
	done
}
for f in "$inst/usr/bin/fedstate" "$inst"/usr/lib/fedstate/plugins/*.so; do
	name=$(basename "$f")
	needed=$(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
	ldd "$f" | awk '/=>/ && $3 ~ /^\// {print $1, $3}' > "$work/ldd"
	if grep -q 'not found' "$work/ldd"; then problem "$name: ldd: a library is not found"; fi
	while read -r so path; do
		pkg=$(pkg_of "$path")
		if [ -z "$pkg" ]; then problem "$name: $so ($path) belongs to no Debian package"; continue; fi
		direct=0
		for n in $needed; do [ "$n" = "$so" ] && direct=1; done
		if [ $direct = 1 ]; then
			case " $pkgs " in *" $pkg "*) ;; *) problem "$name links $so from package $pkg, which the runtime stage does not install (apt list: $pkgs)" ;; esac
		else
			case $closure in *" $pkg "*) ;; *) problem "$name needs $so from package $pkg, which no package of the runtime stage pulls in" ;; esac
		fi
	done < "$work/ldd"
done
[ $fail = 0 ] && echo "check-container: ok ($(ls "$inst"/usr/lib/fedstate/plugins | wc -l) plugins; runtime packages: $pkgs)"
exit $fail
