#!/usr/bin/env bash
# The metrics API's Object-metric reads against /healthz on the same listener, with authentication on: HTTPS (the
# self-signed certificate), every request with the demo cluster's HPA bearer token, so each Object read is a
# TokenReview-cache hit and a SubjectAccessReview-cache hit (the probes are always allowed). Driven by h2load (Debian
# nghttp2-client) from a second process over HTTP/2, 4 connections of 32 streams. Prints reads/s per round and the
# median ratio, after a 40 s warm-up (WARMUP_SECONDS per URL, twice). Usage: benchmarks/metrics-api.sh [rounds] [reads per run]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
reads="${2:-100000}"
command -v h2load >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client >/dev/null; }

work="$(mktemp -d)"
dll="${MESHSCALER_DLL:-src/MeshScaler/bin/Release/net10.0/MeshScaler.dll}"
[ -n "${MESHSCALER_DLL:-}" ] || dotnet build -c Release src/MeshScaler -nologo -v q >/dev/null
dotnet "$dll" serve --emulator --Logging:LogLevel:Default=Warning \
  --MeshScaler:MetricsApi:Enabled=true --MeshScaler:MetricsApi:Address=127.0.0.1 >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; sleep 2; rm -rf "$work"' EXIT
token="Authorization: Bearer demo-hpa-token"
object="https://127.0.0.1:6443/apis/custom.metrics.k8s.io/v1beta2/namespaces/fm/functions.compute.functionmesh.io/order-enricher/pulsar_subscription_back_log"
for _ in $(seq 100); do curl -skf -H "$token" "$object" >/dev/null && break; sleep 0.2; done
curl -skf -H "$token" "$object" >/dev/null || { echo "the object metric never answered:"; cat "$work/serve.log"; exit 1; }

# Every answer must be a 2xx: a fast error would be a meaningless rate.
run() { h2load ${H2LOAD_ARGS:--c 4 -m 32} -n "$reads" -t 1 -H "$token" "$1" 2>&1 | awk -v n="$reads" '/finished in/ { rate = $4 } /^status codes:/ { ok = $3 } END { if (ok != n) { print "not every read was a 2xx: " ok " of " n > "/dev/stderr"; exit 1 } print rate }'; }
# Warm up to the steady state of a server that has run a while: the JIT's tiering (tier 0, instrumented, then tier 1)
# needs several seconds under load, and a round measured before it ends measures the JIT, not the code (the first
# rounds then read about half the steady rates, the object read, with more code to tier, the most).
for url in https://127.0.0.1:6443/healthz "$object" https://127.0.0.1:6443/healthz "$object"; do
  h2load ${H2LOAD_ARGS:--c 4 -m 32} -D "${WARMUP_SECONDS:-10}" -t 1 -H "$token" "$url" >/dev/null 2>&1
done
printf '%-6s %14s %14s %7s\n' round healthz/s object/s ratio
ratios=()
for round in $(seq "$rounds"); do
  health=$(run https://127.0.0.1:6443/healthz)
  value=$(run "$object")
  ratio=$(awk -v a="$value" -v b="$health" 'BEGIN { printf "%.2f", a / b }')
  ratios+=("$ratio")
  printf '%-6s %14s %14s %7s\n' "$round" "$health" "$value" "$ratio"
done
printf 'median ratio: %s\n' "$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
