// What each pod the platform runs asks of a node, with the file each number was read from. The
// components hand these same numbers to their charts, so the capacity model (rules/capacity.ts)
// and what the scheduler sees cannot drift apart. Pure: no Pulumi import.

/** CPU and memory requests of one pod (all its containers, native sidecars included). */
export interface Requests {
    cpuMillicores: number;
    memoryMiB: number;
}

/** Requests as a Kubernetes `resources.requests` map. */
export function requestsOf(r: Requests): { cpu: string; memory: string } {
    return { cpu: `${r.cpuMillicores}m`, memory: `${r.memoryMiB}Mi` };
}

/** Adds the requests of containers that share a pod. */
export function plus(a: Requests, b: Requests): Requests {
    return { cpuMillicores: a.cpuMillicores + b.cpuMillicores, memoryMiB: a.memoryMiB + b.memoryMiB };
}

export const NO_REQUESTS: Requests = { cpuMillicores: 0, memoryMiB: 0 };

/** EKS's own DaemonSets: one pod on every node, whatever the stack runs. */
export const EKS_DAEMONSETS: { name: string; requests: Requests; source: string }[] = [
    {
        name: "kube-proxy",
        requests: { cpuMillicores: 100, memoryMiB: 0 },
        source: "EKS kube-proxy manifest (eksctl pkg/addons/default: requests cpu 100m, no memory request)",
    },
    {
        name: "aws-node",
        // aws-node 25m + aws-eks-nodeagent 25m; no memory requests.
        requests: { cpuMillicores: 50, memoryMiB: 0 },
        source: "aws/amazon-vpc-cni-k8s config/master/aws-k8s-cni.yaml (v1.23.1)",
    },
];

/** CoreDNS as EKS installs it: two replicas whatever the cluster size. */
export const COREDNS = {
    replicas: 2,
    requests: { cpuMillicores: 100, memoryMiB: 70 },
    source: "EKS CoreDNS manifest (eksctl pkg/addons/default/assets/coredns-1.36.json); EKS user guide: two replicas by default",
};

/**
 * The load balancer controller. The chart sets no requests (`resources: {}`), which makes it
 * BestEffort: first evicted under node pressure, while it injects readiness gates and deregisters
 * targets. These are upstream's own deployment manifest's figures
 * (kubernetes-sigs/aws-load-balancer-controller config/controller/controller.yaml, tag v3.5.0:
 * requests cpu 100m / memory 200Mi, limits cpu 200m / memory 500Mi), not the chart's commented
 * example (128Mi, values.yaml 3.5.0), under which an OOM-killed controller stops deregistering
 * targets and, with the pod webhook failing closed, blocks the gateway's pods. Its CPU limit is
 * left off on purpose (components/addons/lbc.ts).
 */
export const LOAD_BALANCER_CONTROLLER = {
    requests: { cpuMillicores: 100, memoryMiB: 200 },
    memoryLimitMiB: 500,
    source: "kubernetes-sigs/aws-load-balancer-controller config/controller/controller.yaml (v3.5.0)",
};

/** metrics-server: the chart's default requests (charts/metrics-server/values.yaml, 3.13.1). */
export const METRICS_SERVER = {
    // Two replicas and a PDB keeping one: HPAs go blind (and stop scaling) while metrics are unavailable.
    replicas: 2,
    minAvailable: 1,
    requests: { cpuMillicores: 100, memoryMiB: 200 },
    source: "kubernetes-sigs/metrics-server charts/metrics-server/values.yaml (3.13.1)",
};

/** Istio's pods: the charts' default requests at the pinned version (istio/istio manifests/charts, 1.30). */
export const ISTIO = {
    istiod: {
        // autoscaleMin 2: the chart renders istiod's PDB only above one replica (templates/poddisruptionbudget.yaml).
        replicas: 2,
        requests: { cpuMillicores: 500, memoryMiB: 2048 },
        source: "istio/istio manifests/charts/istio-control/istio-discovery/values.yaml resources.requests (1.30)",
    },
    gateway: {
        // At least two, so a drain or a rollout never leaves the ALB without a target; the HPA adds
        // up to six at 60 % CPU (ours; the chart defaults to 1–5 at 80 %: manifests/charts/gateway/values.yaml
        // `autoscaling`, tag 1.30.3). The PDB lets one pod go at a time at any count (the app's rule,
        // rules/drain.ts checkDisruptionRange): `minAvailable: 1` let a drain take five of six under load.
        replicas: 2,
        maxReplicas: 6,
        targetCpuUtilization: 60,
        maxUnavailable: 1,
        requests: { cpuMillicores: 100, memoryMiB: 128 },
        source: "istio/istio manifests/charts/gateway/values.yaml resources.requests (1.30)",
    },
    /** The istio-proxy container injected into every meshed pod. */
    sidecar: {
        requests: { cpuMillicores: 100, memoryMiB: 128 },
        source: "istio/istio istio-discovery values.yaml global.proxy.resources.requests (1.30)",
    },
};

/** Locust: the chart sets none (`master.resources: {}`), so these are ours (deliveryhero stable/locust 0.35.0). */
export const LOCUST = {
    master: { requests: { cpuMillicores: 200, memoryMiB: 256 }, memoryLimitMiB: 512 },
    // The worker HPA scales on CPU utilization, which needs CPU requests; one process per core.
    worker: { minReplicas: 1, requests: { cpuMillicores: 500, memoryMiB: 256 }, memoryLimitMiB: 512 },
    source: "zero-downtime-eks (the chart's values.yaml sets no requests)",
};

/**
 * The Karpenter controller: the chart sets none (`controller.resources: {}`); these are the values
 * its values.yaml comments and the getting-started guide set (1 CPU, 1Gi, requests = limits:
 * aws/karpenter-provider-aws charts/karpenter/values.yaml L150-155 and
 * website/content/en/v1.14/getting-started/.../step08-apply-helm-chart.sh, release-v1.14.1). Two
 * replicas, the chart's default (values.yaml `replicas: 2`), one per node (its required anti-affinity).
 */
export const KARPENTER = {
    replicas: 2,
    requests: { cpuMillicores: 1000, memoryMiB: 1024 },
    source: "aws/karpenter-provider-aws charts/karpenter/values.yaml and getting-started step08 (1.14.1)",
};

/**
 * The mesh's dashboards. Kiali: the chart's own requests as Istio renders them (samples/addons/kiali.yaml,
 * 1.30.3: cpu 10m, memory 64Mi, memory limit 1Gi). Prometheus and Grafana: Istio's values set none
 * (samples/addons/prometheus.yaml and grafana.yaml carry no resources), so these are ours, small and
 * stated, so the scheduler places them and the capacity model counts them. One replica each (Istio's
 * samples run one); none is in the request path.
 */
export const OBSERVABILITY = {
    prometheus: { replicas: 1, requests: { cpuMillicores: 200, memoryMiB: 512 }, source: "zero-downtime-eks (Istio's values set none)" },
    grafana: { replicas: 1, requests: { cpuMillicores: 100, memoryMiB: 128 }, source: "zero-downtime-eks (Istio's values set none)" },
    kiali: {
        replicas: 1,
        requests: { cpuMillicores: 10, memoryMiB: 64 },
        memoryLimitMiB: 1024,
        source: "kiali-server chart 2.26.0 as rendered in istio/istio samples/addons/kiali.yaml (1.30.3)",
    },
};
