#!/usr/bin/env bash
# GetMetrics against the no-op grpc.health.v1.Health/Check on the same server, driven by h2load (Debian nghttp2-client)
# from a second process: one HTTP/2 connection, 32 concurrent streams, as KEDA multiplexes its calls. Prints calls/s per
# round and the median ratio GetMetrics / Check. Usage: benchmarks/h2load.sh [rounds] [calls per run]
# MESHSCALER_DLL=path/MeshScaler.dll runs that build instead (say, an older commit's, for a before/after in one session).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
calls="${2:-200000}"
command -v h2load >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client >/dev/null; }

work="$(mktemp -d)"
dll="${MESHSCALER_DLL:-src/MeshScaler/bin/Release/net10.0/MeshScaler.dll}"
[ -n "${MESHSCALER_DLL:-}" ] || dotnet build -c Release src/MeshScaler -nologo -v q >/dev/null
dotnet "$dll" serve --emulator --Logging:LogLevel:Default=Warning >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf localhost:8080/readyz >/dev/null && break; sleep 0.2; done

# Length-prefixed protobuf messages, encoded by hand: an empty HealthCheckRequest, and the demo trigger's GetMetricsRequest.
python3 - "$work" <<'PY'
import struct, sys
def varint(n):
    out = b''
    while True:
        b, n = n & 0x7f, n >> 7
        if n: out += bytes([b | 0x80])
        else: return out + bytes([b])
field = lambda num, data: varint(num << 3 | 2) + varint(len(data)) + data
text = lambda num, s: field(num, s.encode())
meta = {"pulsarCluster": "emulator", "topic": "persistent://public/default/orders-in", "subscription": "public/default/order-enricher"}
ref = text(1, "bench") + text(2, "default") + b''.join(field(3, text(1, k) + text(2, v)) for k, v in meta.items())
frame = lambda m: b'\0' + struct.pack('>I', len(m)) + m
open(sys.argv[1] + '/getmetrics.bin', 'wb').write(frame(field(1, ref)))
open(sys.argv[1] + '/check.bin', 'wb').write(frame(b''))
PY

run() { h2load -n "$calls" -c 1 -m 32 -t 1 -H content-type:application/grpc -H te:trailers -d "$work/$1.bin" "http://127.0.0.1:9090$2" 2>&1 | awk '/finished in/ { print $4 }'; }
run check /grpc.health.v1.Health/Check >/dev/null  # warm-up
run getmetrics /externalscaler.ExternalScaler/GetMetrics >/dev/null
echo "| round | Health/Check calls/s | GetMetrics calls/s | ratio |"
echo "|---|---|---|---|"
ratios=()
for r in $(seq "$rounds"); do
  c="$(run check /grpc.health.v1.Health/Check)"
  g="$(run getmetrics /externalscaler.ExternalScaler/GetMetrics)"
  ratio="$(python3 -c "print(f'{$g / $c:.2f}')")"
  ratios+=("$ratio")
  echo "| $r | $c | $g | $ratio |"
done
echo
echo "median ratio GetMetrics / Check: $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
curl -s localhost:8080/metrics | grep 'meshscaler_rpc_requests_total{' || true
