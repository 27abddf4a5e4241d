#!/usr/bin/env bash
# Runs every test: one build, one `dotnet test` over the solution. Installs what the tests need first:
# the interop tests drive the server with an independent gRPC implementation, Debian's python3-grpcio.
set -euo pipefail
cd "$(dirname "$0")"

if ! /usr/bin/python3 -c "import grpc, google.protobuf" >/dev/null 2>&1; then
  echo "test.sh: installing python3-grpcio (interop tests)"
  sudo_cmd=""
  if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-grpcio python3-protobuf >/dev/null
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test MeshScaler.sln -nologo -v q "$@" 2>&1 | tee "$log" || status=$?

# One plain closing line for CI: "N passed, N failed".
awk '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Passed:") p += $(i+1); if ($i == "Failed:") f += $(i+1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
