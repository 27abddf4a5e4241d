#!/usr/bin/env bash
# The what-if bar on every seed, not a chosen few: for seeds 1..N of the spiky and daily presets, meshscaler-capacity
# must use at least 25 % fewer replica-seconds than keda-backlog at an equal or lower p99 lag.
# Usage: benchmarks/whatif-bar.sh [seeds=20]   (MESHSCALER_DLL= to run another build)
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="${1:-20}"
dll="${MESHSCALER_DLL:-src/MeshScaler/bin/Release/net10.0/MeshScaler.dll}"
[ -f "$dll" ] || dotnet build -c Release src/MeshScaler >/dev/null
out="$(mktemp -d)"
fail=0
# "replica-seconds,p99" of one policy in a results.json.
pick() { python3 -c 'import json,sys; r={x["policy"]: x for x in json.load(open(sys.argv[1]))}[sys.argv[2]]; print("%d,%d" % (r["replicaSeconds"], r["lagP99"]))' "$1" "$2"; }
printf '%-7s %4s %12s %12s %8s %9s %9s %s\n' workload seed keda-rs cap-rs saving keda-p99 cap-p99 verdict
for workload in spiky daily; do
  for seed in $(seq 1 "$seeds"); do
    dotnet "$dll" whatif --workload "$workload" --seed "$seed" --out "$out/$workload-$seed" >/dev/null
    results="$out/$workload-$seed/results.json"
    keda=$(pick "$results" keda-backlog)
    cap=$(pick "$results" meshscaler-capacity)
    read -r verdict saving < <(awk -v k="$keda" -v c="$cap" 'BEGIN{split(k,a,",");split(c,b,",");s=1-b[1]/a[1];v=(s>=0.25 && b[2]<=a[2])?"ok":"MISS";printf "%s %.1f%%\n",v,s*100}')
    printf '%-7s %4s %12s %12s %8s %9s %9s %s\n' "$workload" "$seed" "${keda%,*}" "${cap%,*}" "$saving" "${keda#*,}" "${cap#*,}" "$verdict"
    [ "$verdict" = ok ] || fail=1
  done
done
rm -rf "$out"
exit $fail
