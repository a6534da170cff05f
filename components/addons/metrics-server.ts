import * as pulumi from "@pulumi/pulumi";
import { VERSIONS } from "../versions";
import { METRICS_SERVER, requestsOf } from "../footprints";
import { ChartResources, pinnedRelease, EVICT_UNHEALTHY, UnhealthyPodEvictionPolicy } from "./helm";

/** The keys of kubernetes-sigs/metrics-server charts/metrics-server/values.yaml (3.13.1) this component sets. */
interface MetricsServerValues {
    replicas: number;
    podDisruptionBudget: { enabled: boolean; minAvailable: number; unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy };
    resources: ChartResources;
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
                },
            },
            // Pods need nodes to schedule on.
            { parent: this, dependsOn: [args.nodesReady] },
        );
        this.registerOutputs({});
    }
}
