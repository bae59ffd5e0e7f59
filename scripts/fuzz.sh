#!/usr/bin/env bash
# Runs every fuzz target of the repository (found with go test -list '^Fuzz')
# for a bounded time each, under a memory limit, so that an input that makes
# a decoder allocate gigabytes is a failure (with the input saved under the
# package's testdata/fuzz/) instead of a machine that swaps or a process the
# kernel kills. scripts/test.sh runs it after the tests.
#
#   bash scripts/fuzz.sh                  # every target, 10s each
#   bash scripts/fuzz.sh ./truststore/    # the targets of some packages
#
# The server-side targets of ./connector/ (FuzzSQLServerServer,
# FuzzMySQLServer) connect through the real connector to an in-process
# hostile server fed by the fuzzer: each execution is a TCP connect, so they
# run about 1,500 executions a second rather than the parsers' millions.
#
# A longer run, e.g. before a release or after touching a decoder:
#
#   FUZZTIME=10m bash scripts/fuzz.sh ./truststore/
#   GOMEMLIMIT=1GiB go test ./truststore/ -run '^$' -fuzz '^FuzzJKS$' -fuzztime 1h -fuzzminimizetime 100x
#
# Environment:
#   FUZZTIME          time per target (go test -fuzztime), default 10s
#   FUZZMINIMIZETIME  minimization budget per new input, default 100x: Go's
#                     default of 60s a new input leaves a short run minimizing
#   GOMEMLIMIT        the Go runtime's soft memory limit, default 1GiB
#   FUZZ_VMEM_KB      ulimit -v for each fuzz process, default 4194304 (4 GiB;
#                     a fuzz worker needs about 2 GiB of address space); 0 for
#                     none. Used only when a probe shows Go fuzzing works
#                     under it.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-10s}
minimize=${FUZZMINIMIZETIME:-100x}
export GOMEMLIMIT=${GOMEMLIMIT:-1GiB}
vmem=${FUZZ_VMEM_KB:-4194304}

pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)

# go test -list prints each package's matching names, then "ok  <package>".
targets=()
names=()
list=$(go test -list '^Fuzz' "${pkgs[@]}")
while IFS= read -r line; do
	case "$line" in
	Fuzz*) names+=("$line") ;;
	ok*)
		pkg=$(awk '{print $2}' <<<"$line")
		for n in "${names[@]}"; do targets+=("$pkg $n"); done
		names=()
		;;
	esac
done <<<"$list"
if [ ${#targets[@]} -eq 0 ]; then
	echo "== fuzz: no fuzz targets in ${pkgs[*]}"
	exit 0
fi

run1() { # package target
	go test "$1" -run '^$' -fuzz "^$2\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize"
}

# run runs a target. Two failures of go test -fuzz itself that no input
# causes are told apart from a crash:
# - Go's own "context deadline exceeded" with no failing input (the fuzz time
#   ran out while the coordinator was stopping a worker): run once more.
# - "fuzzing process hung or terminated unexpectedly": the worker process
#   died, and go test discards its output. The targets that start servers
#   write any fatal crash to DBTLS_FUZZ_CRASH_LOG (runtime/debug
#   SetCrashOutput), printed here: a trace there is a crash, and fails. With
#   no trace, the input go test wrote is replayed: if it fails it is a crash;
#   if it passes, the worker died of something no input reproduces (seen
#   under load), and the target is run once more; a second death fails.
run() { # package target
	local out rc=0 crash input
	crash=$(mktemp)
	out=$(DBTLS_FUZZ_CRASH_LOG="$crash" run1 "$1" "$2" 2>&1) || rc=$?
	printf '%s\n' "$out"
	if [ $rc -ne 0 ] && grep -q 'context deadline exceeded' <<<"$out" && ! grep -q 'Failing input written' <<<"$out"; then
		rm -f "$crash"
		echo "-- $1 $2: go test -fuzz stopped on its own deadline without a failing input; running it once more"
		run1 "$1" "$2"
		return
	fi
	if [ $rc -ne 0 ] && grep -q 'hung or terminated unexpectedly' <<<"$out"; then
		if [ -s "$crash" ]; then
			echo "-- $1 $2: the fuzzing process crashed; its trace:"
			cat "$crash"
			rm -f "$crash"
			return 1
		fi
		rm -f "$crash"
		input=$(sed -n 's|.*Failing input written to testdata/fuzz/[^/]*/\([0-9a-f]*\).*|\1|p' <<<"$out" | head -1)
		if [ -n "$input" ] && ! go test "$1" -run "^$2/$input\$" >/dev/null 2>&1; then
			echo "-- $1 $2: the input $input fails when replayed: a crash"
			return 1
		fi
		echo "-- $1 $2: the fuzzing process died with no trace and its last input ($input) passes when replayed; running it once more"
		rm -f "$(go list -f '{{.Dir}}' "$1")/testdata/fuzz/$2/$input"
		run1 "$1" "$2"
		return
	fi
	rm -f "$crash"
	return $rc
}

# ulimit -v if Go's fuzzing runs under it here: the first target, for one
# input, under the limit.
if [ "$vmem" != 0 ]; then
	read -r pkg name <<<"${targets[0]}"
	if ! (ulimit -v "$vmem" 2>/dev/null && fuzztime=1x run1 "$pkg" "$name" >/dev/null 2>&1); then
		echo "== fuzz: Go fuzzing does not run under ulimit -v $vmem here; relying on GOMEMLIMIT and the targets' own allocation checks"
		vmem=0
	fi
fi

echo "== fuzz: ${#targets[@]} targets, $fuzztime each, GOMEMLIMIT=$GOMEMLIMIT, ulimit -v ${vmem/#0/none}"
failed=()
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "-- $pkg $name"
	if [ "$vmem" != 0 ]; then
		(ulimit -v "$vmem" && run "$pkg" "$name") || failed+=("$pkg $name")
	else
		run "$pkg" "$name" || failed+=("$pkg $name")
	fi
done
if [ ${#failed[@]} -gt 0 ]; then
	printf '== fuzz: FAILED: %s\n' "${failed[@]}"
	echo "   the failing inputs are under each package's testdata/fuzz/<target>/; go test -run '<target>/<file>' replays one"
	exit 1
fi
echo "== fuzz: all ${#targets[@]} targets passed"
