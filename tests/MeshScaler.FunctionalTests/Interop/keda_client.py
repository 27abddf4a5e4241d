"""Acts as KEDA would: calls MeshScaler's externalscaler.ExternalScaler with grpcio, an independent gRPC implementation.

Message classes are built at run time from the FileDescriptorProto the test exports from the C# side, so no protoc
is needed and both sides use the very same contract.

Usage: /usr/bin/python3 keda_client.py ADDRESS DESCRIPTOR_FILE ADMIN_URL
Prints one JSON object; exits 1 if any case failed.
"""
import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

SERVICE = "/externalscaler.ExternalScaler/"


def load_messages(path):
    with open(path, "rb") as f:
        file_proto = descriptor_pb2.FileDescriptorProto.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file_proto)
    factory = message_factory.MessageFactory(pool)

    def cls(name):
        descriptor = pool.FindMessageTypeByName("externalscaler." + name)
        get = getattr(message_factory, "GetMessageClass", None)
        return get(descriptor) if get else factory.GetPrototype(descriptor)

    return {n: cls(n) for n in ["ScaledObjectRef", "IsActiveResponse", "GetMetricSpecResponse", "GetMetricsRequest", "GetMetricsResponse"]}


def main():
    address, descriptor_file, admin_url = sys.argv[1], sys.argv[2], sys.argv[3]
    m = load_messages(descriptor_file)
    channel = grpc.insecure_channel(address)
    grpc.channel_ready_future(channel).result(timeout=10)

    def unary(method, request_cls, response_cls):
        return channel.unary_unary(SERVICE + method, request_serializer=request_cls.SerializeToString,
                                   response_deserializer=response_cls.FromString)

    def ref(topic, **extra):
        r = m["ScaledObjectRef"](name="orders-fn", namespace="fm")
        r.scalerMetadata["scalerAddress"] = address
        r.scalerMetadata["adminURL"] = admin_url
        r.scalerMetadata["topic"] = topic
        r.scalerMetadata["subscription"] = "public/default/orders-fn"
        for k, v in extra.items():
            r.scalerMetadata[k] = v
        return r

    results, failures = {}, []
    good = ref("persistent://public/default/orders")

    spec = unary("GetMetricSpec", m["ScaledObjectRef"], m["GetMetricSpecResponse"])(good, timeout=10)
    results["spec"] = [{"name": s.metricName, "targetSize": s.targetSize, "targetSizeFloat": s.targetSizeFloat} for s in spec.metricSpecs]

    request = m["GetMetricsRequest"](scaledObjectRef=good, metricName=spec.metricSpecs[0].metricName)
    metrics = unary("GetMetrics", m["GetMetricsRequest"], m["GetMetricsResponse"])(request, timeout=10)
    results["metrics"] = [{"name": v.metricName, "value": v.metricValue, "valueFloat": v.metricValueFloat} for v in metrics.metricValues]

    results["active"] = unary("IsActive", m["ScaledObjectRef"], m["IsActiveResponse"])(good, timeout=10).result

    # A server stream: the current state at once.
    stream = channel.unary_stream(SERVICE + "StreamIsActive", request_serializer=m["ScaledObjectRef"].SerializeToString,
                                  response_deserializer=m["IsActiveResponse"].FromString)(good, timeout=30)
    results["stream_first"] = next(stream).result
    stream.cancel()

    # A deadline shorter than the (slow) upstream.
    try:
        unary("GetMetrics", m["GetMetricsRequest"], m["GetMetricsResponse"])(
            m["GetMetricsRequest"](scaledObjectRef=ref("persistent://public/default/slow")), timeout=0.5)
        failures.append("deadline: call succeeded")
    except grpc.RpcError as e:
        results["deadline"] = e.code().name

    # Bad metadata: every error in one INVALID_ARGUMENT.
    try:
        unary("IsActive", m["ScaledObjectRef"], m["IsActiveResponse"])(ref("orders", msgBacklogThreshold="abc"), timeout=10)
        failures.append("invalid: call succeeded")
    except grpc.RpcError as e:
        results["invalid"] = {"code": e.code().name, "details": e.details()}

    # An RPC KEDA may add later (StreamMetricSpec) is unimplemented, so KEDA falls back to polling.
    try:
        unary("StreamMetricSpec", m["ScaledObjectRef"], m["GetMetricSpecResponse"])(good, timeout=10)
        failures.append("unimplemented: call succeeded")
    except grpc.RpcError as e:
        results["unimplemented"] = e.code().name

    print(json.dumps({"results": results, "failures": failures}))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
