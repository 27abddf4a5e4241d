// Acts as KEDA does: calls MeshScaler's externalscaler.ExternalScaler with grpc-go, the gRPC implementation KEDA
// itself is built on. It runs the same cases as ../keda_client.py (grpcio) and prints the same JSON, so both
// clients can be checked by the same assertions.
//
// Usage: keda_client ADDRESS ADMIN_URL
//
//	ADDRESS    host:port of MeshScaler's gRPC endpoint (also sent as scalerMetadata.scalerAddress)
//	ADMIN_URL  Pulsar admin URL sent as scalerMetadata.adminURL
//
// keda_client.py's DESCRIPTOR_FILE argument has no counterpart: the stubs are generated from
// protos/externalscaler.proto by build.sh, the one contract the server is generated from as well.
//
// Prints one JSON object on its last stdout line, {"results": {...}, "failures": [...]}; exits 1 if any case failed.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	pb "meshscaler/externalscaler"

	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

// The order of the fields is keda_client.py's insertion order; the omitted ones are the cases that failed.
type results struct {
	Spec          []spec     `json:"spec"`
	Metrics       []value    `json:"metrics"`
	Active        bool       `json:"active"`
	StreamFirst   bool       `json:"stream_first"`
	Deadline      string     `json:"deadline,omitempty"`
	Invalid       *rpcStatus `json:"invalid,omitempty"`
	Unimplemented string     `json:"unimplemented,omitempty"`
}

type spec struct {
	Name            string  `json:"name"`
	TargetSize      int64   `json:"targetSize"`
	TargetSizeFloat float64 `json:"targetSizeFloat"`
}

type value struct {
	Name       string  `json:"name"`
	Value      int64   `json:"value"`
	ValueFloat float64 `json:"valueFloat"`
}

type rpcStatus struct {
	Code    string `json:"code"`
	Details string `json:"details"`
}

// Same as KEDA's external scaler client, so that name resolution and balancing behave as they do in KEDA.
const serviceConfig = `{"loadBalancingConfig": [{"round_robin":{}}]}`

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: keda_client ADDRESS ADMIN_URL")
		os.Exit(2)
	}
	address, adminURL := os.Args[1], os.Args[2]

	// grpc.NewClient, which KEDA uses, resolves through dns:/// by default; grpc-go 1.33 has only Dial, whose
	// default is passthrough, hence the explicit scheme. Blocking mirrors grpcio's channel_ready_future.
	dialCtx, cancelDial := context.WithTimeout(context.Background(), 10*time.Second)
	conn, err := grpc.DialContext(dialCtx, "dns:///"+address, grpc.WithInsecure(), grpc.WithBlock(),
		grpc.WithDefaultServiceConfig(serviceConfig))
	cancelDial()
	must("connect", err)
	defer conn.Close()
	client := pb.NewExternalScalerClient(conn)

	// A fresh deadline per call, like grpcio's timeout=.
	var cancels []context.CancelFunc
	defer func() {
		for _, cancel := range cancels {
			cancel()
		}
	}()
	timeout := func(d time.Duration) context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		cancels = append(cancels, cancel)
		return ctx
	}

	ref := func(topic string, extra map[string]string) *pb.ScaledObjectRef {
		metadata := map[string]string{
			"scalerAddress": address,
			"adminURL":      adminURL,
			"topic":         topic,
			"subscription":  "public/default/orders-fn",
		}
		for k, v := range extra {
			metadata[k] = v
		}
		return &pb.ScaledObjectRef{Name: "orders-fn", Namespace: "fm", ScalerMetadata: metadata}
	}

	var r results
	failures := []string{}
	good := ref("persistent://public/default/orders", nil)

	specs, err := client.GetMetricSpec(timeout(10*time.Second), good)
	must("GetMetricSpec", err)
	if len(specs.MetricSpecs) == 0 {
		must("GetMetricSpec", fmt.Errorf("no metric specs"))
	}
	r.Spec = []spec{}
	for _, s := range specs.MetricSpecs {
		r.Spec = append(r.Spec, spec{s.MetricName, s.TargetSize, s.TargetSizeFloat})
	}

	metrics, err := client.GetMetrics(timeout(10*time.Second),
		&pb.GetMetricsRequest{ScaledObjectRef: good, MetricName: specs.MetricSpecs[0].MetricName})
	must("GetMetrics", err)
	r.Metrics = []value{}
	for _, v := range metrics.MetricValues {
		r.Metrics = append(r.Metrics, value{v.MetricName, v.MetricValue, v.MetricValueFloat})
	}

	active, err := client.IsActive(timeout(10*time.Second), good)
	must("IsActive", err)
	r.Active = active.Result

	// A server stream: the current state at once. Cancelling is how KEDA ends it, too.
	streamCtx, cancelStream := context.WithTimeout(context.Background(), 30*time.Second)
	stream, err := client.StreamIsActive(streamCtx, good)
	must("StreamIsActive", err)
	first, err := stream.Recv()
	must("StreamIsActive", err)
	r.StreamFirst = first.Result
	cancelStream()

	// A deadline shorter than the (slow) upstream.
	_, err = client.GetMetrics(timeout(500*time.Millisecond),
		&pb.GetMetricsRequest{ScaledObjectRef: ref("persistent://public/default/slow", nil)})
	if err == nil {
		failures = append(failures, "deadline: call succeeded")
	} else {
		r.Deadline = codeName(err)
	}

	// Bad metadata: every error in one INVALID_ARGUMENT.
	_, err = client.IsActive(timeout(10*time.Second), ref("orders", map[string]string{"msgBacklogThreshold": "abc"}))
	if err == nil {
		failures = append(failures, "invalid: call succeeded")
	} else {
		r.Invalid = &rpcStatus{codeName(err), status.Convert(err).Message()}
	}

	// An RPC KEDA may add later (StreamMetricSpec) is unimplemented, so KEDA falls back to polling. It is not in
	// the generated stub, hence the raw Invoke.
	err = conn.Invoke(timeout(10*time.Second), "/externalscaler.ExternalScaler/StreamMetricSpec", good,
		&pb.GetMetricSpecResponse{})
	if err == nil {
		failures = append(failures, "unimplemented: call succeeded")
	} else {
		r.Unimplemented = codeName(err)
	}

	out, err := json.Marshal(struct {
		Results  results  `json:"results"`
		Failures []string `json:"failures"`
	}{r, failures})
	must("json", err)
	fmt.Println(string(out))
	if len(failures) > 0 {
		os.Exit(1)
	}
}

// google.rpc.Code names ("DEADLINE_EXCEEDED") are what grpcio reports; codes.Code.String() would give "DeadlineExceeded".
func codeName(err error) string {
	return code.Code(status.Code(err)).String()
}

// Like an uncaught exception in keda_client.py: an unexpected error ends the run without JSON.
func must(what string, err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
		os.Exit(1)
	}
}
