// Validates Gateway API and Prometheus Operator objects against the schemas
// generated from their CRDs (npm @kubernetes-models/*). Reads a JSON array of
// objects on stdin; prints one line per invalid object; exits 1 if any.
// These schemas check types, patterns and required fields; like the API
// server, they do not refuse unknown fields.
import { HTTPRoute, GRPCRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1";
import { ServiceMonitor, PodMonitor, PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";

const MODELS = {
  "gateway.networking.k8s.io/v1/HTTPRoute": HTTPRoute,
  "gateway.networking.k8s.io/v1/GRPCRoute": GRPCRoute,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
  "monitoring.coreos.com/v1/PodMonitor": PodMonitor,
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule,
};

let input = "";
for await (const chunk of process.stdin) input += chunk;
const objects = JSON.parse(input);
let bad = 0;
const counts = {};
for (const obj of objects) {
  const kind = `${obj.apiVersion}/${obj.kind}`;
  const Model = MODELS[kind];
  if (!Model) {
    console.log(`${kind} ${obj.metadata?.name}: no schema for this kind`);
    bad++;
    continue;
  }
  try {
    new Model(obj).validate();
    counts[obj.kind] = (counts[obj.kind] ?? 0) + 1;
  } catch (e) {
    console.log(`${obj.kind}/${obj.metadata?.name}: ${String(e.message).replace(/\n/g, " ")}`);
    bad++;
  }
}
console.log(JSON.stringify(counts));
process.exit(bad ? 1 : 0);
