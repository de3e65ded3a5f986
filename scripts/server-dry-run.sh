#!/usr/bin/env bash
# Server-side dry-run of every Kubernetes object the app applies, against a real
# kube-apiserver 1.35 with the CRDs of ../shared/schemas/crds installed (CEL rules enforced):
#   bash scripts/server-dry-run.sh [<cdk.out directory>...]     (default: cdk.out)
# Synthesize first (npx cdk synth). The server comes from ../shared/tools/kube-apiserver/
# run-apiserver.sh, built from the Go module proxy on first use (about 8 minutes, then
# cached in APISERVER_CACHE). Without the tool, go or kubectl this skips with a notice,
# except under CI=true, where it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tool=${APISERVER_TOOL:-$root/../shared/tools/kube-apiserver/run-apiserver.sh}
crds=${SCHEMAS_DIR:-$root/../shared/schemas}/crds

missing=()
[ -f "$tool" ] || missing+=("$tool")
command -v go >/dev/null || missing+=(go)
command -v kubectl >/dev/null || missing+=(kubectl)
[ -d "$crds" ] || missing+=("$crds")
if (( ${#missing[@]} > 0 )); then
  if [ "${CI:-}" = true ]; then
    echo "ERROR: server-side dry-run cannot run under CI=true: missing ${missing[*]}" >&2
    exit 1
  fi
  printf '\nNOTICE: server-side dry-run SKIPPED: missing %s\n\n' "${missing[*]}" >&2
  exit 0
fi

(( $# > 0 )) || set -- cdk.out
# NamespaceLifecycle stays on (run-apiserver.sh turns it off by default), as in every real
# cluster: an object in a namespace that nothing creates must be rejected.
export APISERVER_CRDS=$crds APISERVER_DISABLE_ADMISSION=ServiceAccount
exec bash "$tool" -- "$root/node_modules/.bin/ts-node" --transpile-only "$root/test/server/server-dry-run.ts" "$@"
