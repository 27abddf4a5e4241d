"""Calls the MeshScaler gRPC server with grpcio, an independent implementation, using raw bytes (no codegen).

Usage: /usr/bin/python3 interop_client.py PORT
Prints one JSON object with the result of every case and exits 1 if any case failed.
"""
import json
import sys

import grpc


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def read_varint(data, i):
    shift = result = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def string_value(s):
    raw = s.encode("utf-8")
    return b"\x0a" + varint(len(raw)) + raw if raw else b""


def parse_string_value(data):
    if not data:
        return ""
    assert data[0] == 0x0A, data
    length, i = read_varint(data, 1)
    return data[i:i + length].decode("utf-8")


def int32_value(n):
    return b"\x08" + varint(n) if n else b""


def parse_int32_value(data):
    if not data:
        return 0
    assert data[0] == 0x08, data
    return read_varint(data, 1)[0]


def main():
    port = int(sys.argv[1])
    results = {}
    failures = []

    def case(name, fn):
        try:
            results[name] = fn()
        except Exception as ex:  # noqa: BLE001 - every failure is reported, not raised
            results[name] = "FAILED: %r" % (ex,)
            failures.append(name)

    with grpc.insecure_channel("127.0.0.1:%d" % port) as channel:
        def call(path):
            return channel.unary_unary(path, request_serializer=None, response_deserializer=None)

        def status_of(fn):
            try:
                fn()
                return "OK"
            except grpc.RpcError as err:
                return err.code().name

        case("unary", lambda: parse_string_value(call("/test.Echo/Unary")(string_value("from python"), timeout=10)))

        def stream():
            method = channel.unary_stream("/test.Echo/Count", request_serializer=None, response_deserializer=None)
            return [parse_int32_value(m) for m in method(int32_value(5), timeout=10)]
        case("stream", stream)

        case("deadline", lambda: status_of(lambda: call("/test.Echo/Wait")(string_value("wait"), timeout=0.5)))
        case("unimplemented", lambda: status_of(lambda: call("/test.Echo/NoSuchMethod")(b"", timeout=10)))

        def rpc_error():
            try:
                call("/test.Echo/Fail")(string_value("bad: ✓ 100%"), timeout=10)
                return "OK"
            except grpc.RpcError as err:
                return {"code": err.code().name, "details": err.details()}
        case("rpc_error", rpc_error)

        case("gzip", lambda: parse_int32_value(
            call("/test.Echo/Size")(string_value("a" * 20000), timeout=10, compression=grpc.Compression.Gzip)))

        case("health", lambda: list(call("/grpc.health.v1.Health/Check")(b"", timeout=10)))

    print(json.dumps({"results": results, "failures": failures}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
