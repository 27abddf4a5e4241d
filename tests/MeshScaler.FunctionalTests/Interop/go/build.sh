#!/bin/sh
# Builds keda_client.go (grpc-go, as KEDA uses) offline from Debian packages only: the stubs are generated from
# protos/externalscaler.proto into a throw-away GOPATH and everything else comes from /usr/share/gocode, so neither
# a module proxy nor generated code in the repository is needed.
#
# Usage: build.sh OUTPUT_BINARY
# Needs: golang-go protobuf-compiler protoc-gen-go protoc-gen-go-grpc golang-google-grpc-dev
#        golang-google-protobuf-dev golang-github-golang-protobuf-1-5-dev
# grpc-go 1.33 marshals through github.com/golang/protobuf, which must be v1.4+ (the -1-5 package, not -1-3 that
# golang-goprotobuf-dev pulls in) to sit on the APIv2 runtime that protoc-gen-go's code targets.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 OUTPUT_BINARY" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
proto_dir=$(cd "$here/../../../../protos" && pwd)
gocode=/usr/share/gocode/src
import_path=meshscaler/externalscaler

missing() { echo "build.sh: $1 not found; install the Debian package $2 (apt-get install $2)" >&2; exit 3; }
for tool in go:golang-go protoc:protobuf-compiler protoc-gen-go:protoc-gen-go protoc-gen-go-grpc:protoc-gen-go-grpc; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing "${tool%%:*}" "${tool#*:}"
done
[ -d "$gocode/google.golang.org/grpc" ] || missing "$gocode/google.golang.org/grpc" golang-google-grpc-dev
[ -d "$gocode/google.golang.org/protobuf" ] || missing "$gocode/google.golang.org/protobuf" golang-google-protobuf-dev
[ -f "$gocode/github.com/golang/protobuf/proto/registry.go" ] \
    || missing "github.com/golang/protobuf v1.4+ in $gocode" golang-github-golang-protobuf-1-5-dev

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/$import_path"
# The proto's go_package (".;externalscaler") is no valid import path, so M maps it for both plugins.
protoc -I "$proto_dir" \
    --go_out="$work/src/$import_path" --go_opt=paths=source_relative --go_opt="Mexternalscaler.proto=$import_path" \
    --go-grpc_out="$work/src/$import_path" --go-grpc_opt=paths=source_relative \
    --go-grpc_opt="Mexternalscaler.proto=$import_path" \
    externalscaler.proto

# GOPATH mode: Debian ships sources, not modules, and GOFLAGS/GOPROXY from the caller must not reach a network.
GO111MODULE=off GOFLAGS= GOPROXY=off GOPATH="$work:/usr/share/gocode" go build -o "$1" "$here/keda_client.go"
