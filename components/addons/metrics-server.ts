import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { VERSIONS } from "../versions";
import { METRICS_SERVER, requestsOf } from "../footprints";

export interface MetricsServerArgs {
    /** Resource the install waits for: the node group, so the pods can schedule. */
    nodesReady: pulumi.Resource;
}

/** metrics-server: the resource metrics API that HorizontalPodAutoscalers read (seed 003). */
export class MetricsServer extends pulumi.ComponentResource {
    constructor(name: string, args: MetricsServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("zero-downtime-eks:addons:MetricsServer", name, {}, opts);
        const pin = VERSIONS.metricsServer;
        new k8s.helm.v3.Release(
            `${name}-chart`,
            {
                name: "metrics-server",
                namespace: "kube-system",
                chart: pin.chart,
                version: pin.version,
                repositoryOpts: { repo: pin.repo },
                // Keys from kubernetes-sigs/metrics-server charts/metrics-server/values.yaml (3.13.1).
                // Two replicas and a PDB: HPAs go blind (and stop scaling) while metrics are unavailable.
                // Requests as the chart's default, set here so the capacity model counts what is deployed.
                values: {
                    replicas: METRICS_SERVER.replicas,
                    podDisruptionBudget: { enabled: true, minAvailable: 1 },
                    resources: { requests: requestsOf(METRICS_SERVER.requests) },
                },
            },
            // Pods need nodes to schedule on.
            { parent: this, dependsOn: [args.nodesReady] },
        );
        this.registerOutputs({});
    }
}
