#!/usr/bin/env bash
# Prints how long the inner loop takes on this machine: `npm run validate`, `npx cdk synth`
# of the example (with aws-cdk-lib's built-in CloudFormation validation, as CI and deploy run
# it, and without it), and `npm test`. Not a test: the figures depend on the machine and on
# what else runs on it, so the load average is printed beside them.
#
#   npm run benchmark                      3 runs of each command (median), npm test once
#   BENCHMARK_RUNS=5 npm run benchmark     more runs
#   BENCHMARK_SKIP_TEST=1 npm run benchmark
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${BENCHMARK_RUNS:-3}"
out="$(mktemp -d "${TMPDIR:-/tmp}/benchmark-XXXXXX")"
trap 'rm -rf "$out"' EXIT

# Wall-clock seconds of one run of "$@", its output discarded (a failure stops the script).
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >"$out/stdout" 2>"$out/stderr" || {
    cat "$out/stderr" >&2
    echo "benchmark: failed: $*" >&2
    exit 1
  }
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f\n", e - s }'
}

# Median of `runs` runs of "$@", printed with its label.
measure() {
  local label="$1" times=()
  shift
  for _ in $(seq "$runs"); do
    times+=("$(seconds "$@")")
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  printf '%-52s %6.1f s   (median of %s: %s)\n' "$label" "$median" "$runs" "$(printf '%.1f ' "${times[@]}")"
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
measure 'npm run validate -- config/example.yaml' npm run --silent validate -- config/example.yaml
measure 'npx cdk synth (example, built-in validation on)' npx cdk synth --quiet -o "$out/cdk.out"
measure 'npx cdk synth --no-validation (example)' npx cdk synth --quiet --no-validation -o "$out/cdk.out"
if [ -z "${BENCHMARK_SKIP_TEST:-}" ]; then
  printf '%-52s %6.1f s   (one run)\n' 'npm test' "$(seconds npm test)"
fi
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at end"
