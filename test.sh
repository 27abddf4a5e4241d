#!/usr/bin/env bash
# Runs every test: one build, one `dotnet test` over the solution. Installs what the tests need first.
set -euo pipefail
cd "$(dirname "$0")"

# The interop tests drive the server with two independent gRPC implementations from Debian: python3-grpcio, and
# grpc-go (KEDA's own), built offline by tests/MeshScaler.FunctionalTests/Interop/go/build.sh.
packages=()
/usr/bin/python3 -c "import grpc, google.protobuf" >/dev/null 2>&1 || packages+=(python3-grpcio python3-protobuf)
for tool in go:golang-go protoc:protobuf-compiler protoc-gen-go:protoc-gen-go protoc-gen-go-grpc:protoc-gen-go-grpc; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || packages+=("${tool#*:}")
done
[ -d /usr/share/gocode/src/google.golang.org/grpc ] || packages+=(golang-google-grpc-dev)
[ -d /usr/share/gocode/src/google.golang.org/protobuf ] || packages+=(golang-google-protobuf-dev)
[ -f /usr/share/gocode/src/github.com/golang/protobuf/proto/registry.go ] || packages+=(golang-github-golang-protobuf-1-5-dev)
# The what-if report is checked in a real browser: Debian's Chromium, driven by playwright-core (npm, pinned).
[ -x /usr/bin/chromium ] || packages+=(chromium)
# The metrics API is read by kubectl, an independent real client of the Kubernetes APIs.
command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)
if [ ${#packages[@]} -gt 0 ]; then
  echo "test.sh: installing ${packages[*]} (interop tests)"
  sudo_cmd=""
  if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${packages[@]}" >/dev/null
fi

browser=tests/MeshScaler.FunctionalTests/Browser
if [ ! -d "$browser/node_modules/playwright-core" ]; then
  echo "test.sh: installing playwright-core (report check)"
  (cd "$browser" && npm ci --no-audit --no-fund --silent)
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test MeshScaler.sln -nologo -v q "$@" 2>&1 | tee "$log" || status=$?

# One plain closing line for CI: "N passed, N failed".
awk '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Passed:") p += $(i+1); if ($i == "Failed:") f += $(i+1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
