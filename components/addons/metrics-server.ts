import * as pulumi from "@pulumi/pulumi";
import { METRICS_KUBELET_REQUEST_TIMEOUT_SECONDS, METRIC_RESOLUTION_SECONDS } from "../../rules/spike";
import { VERSIONS } from "../versions";
import { METRICS_SERVER, requestsOf } from "../footprints";
import { ChartResources, pinnedRelease, EVICT_UNHEALTHY, UnhealthyPodEvictionPolicy } from "./helm";

/** The keys of kubernetes-sigs/metrics-server charts/metrics-server/values.yaml (3.13.1) this component sets. */
interface MetricsServerValues {
    replicas: number;
    podDisruptionBudget: { enabled: boolean; minAvailable: number; unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy };
    resources: ChartResources;
    /** Extra container args, rendered after `defaultArgs` (templates/deployment.yaml, 3.13.1). */
    args: string[];
}

export interface MetricsServerArgs {
    /** Resource the install waits for: the node group, so the pods can schedule. */
    nodesReady: pulumi.Resource;
}

/** metrics-server: the resource metrics API that HorizontalPodAutoscalers read (seed 003). */
export class MetricsServer extends pulumi.ComponentResource {
    constructor(name: string, args: MetricsServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("zero-downtime-eks:addons:MetricsServer", name, {}, opts);
        pinnedRelease<MetricsServerValues>(
            `${name}-chart`,
            {
                name: "metrics-server",
                namespace: "kube-system",
                pin: VERSIONS.metricsServer,
                // Two replicas and a PDB: HPAs go blind (and stop scaling) while metrics are unavailable.
                // Requests as the chart's default, set here so the capacity model counts what is deployed.
                values: {
                    replicas: METRICS_SERVER.replicas,
                    // templates/pdb.yaml renders unhealthyPodEvictionPolicy on Kubernetes ≥ 1.27 (3.13.1).
                    podDisruptionBudget: {
                        enabled: true,
                        minAvailable: METRICS_SERVER.minAvailable,
                        unhealthyPodEvictionPolicy: EVICT_UNHEALTHY,
                    },
                    resources: { requests: requestsOf(METRICS_SERVER.requests) },
                    // The HPA's first step waits up to one resolution for fresh CPU numbers: run at the
                    // smallest metrics-server accepts, with the kubelet timeout its validate() then asks
                    // for (rules/spike.ts). Rendered after defaultArgs' `--metric-resolution=15s`; the
                    // flags are parsed by spf13/pflag, where a repeated flag's last value wins.
                    args: [
                        `--metric-resolution=${METRIC_RESOLUTION_SECONDS}s`,
                        `--kubelet-request-timeout=${METRICS_KUBELET_REQUEST_TIMEOUT_SECONDS}s`,
                    ],
                },
            },
            // Pods need nodes to schedule on.
            { parent: this, dependsOn: [args.nodesReady] },
        );
        this.registerOutputs({});
    }
}
