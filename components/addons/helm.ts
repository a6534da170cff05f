// One install path for every chart (as cdk-eks-blueprints' HelmAddOn): a helm.v3.Release pinned to
// the exact version in versions.ts, from the pin's repository (or its OCI reference), in its
// namespace. A Release runs a real `helm upgrade` (hooks, `lookup`) and Pulumi diffs it on its
// inputs only, so chart-generated secrets do not churn.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ChartPin } from "../versions";
// Every chart PDB the platform sets evicts unhealthy pods (rules/drain.ts); the Karpenter chart has
// no such key (charts/karpenter/templates/poddisruptionbudget.yaml, 1.14.1).
export { EVICT_UNHEALTHY, UnhealthyPodEvictionPolicy } from "../../rules/drain";

/** Resource requests and limits as charts take them. */
export interface ChartResources {
    requests?: { cpu: string; memory: string };
    limits?: { cpu?: string; memory?: string };
}

export interface PinnedRelease<Values> {
    /** Helm release name (the chart names its objects after it). */
    name: string;
    namespace: string;
    /** The pin from versions.ts (a pin without a chart name needs `chart`). */
    pin: Omit<ChartPin, "chart"> & { chart?: string };
    /** A chart of the pin's repository other than `pin.chart` (Istio's base, istiod and gateway share one pin). */
    chart?: string;
    createNamespace?: boolean;
    /** Leave the chart's crds/ directory alone: the CRDs come from their own release (Helm never upgrades crds/). */
    skipCrds?: boolean;
    /** Values, typed by the chart's own keys (see each chart's values type). */
    values: Values;
}

/** A Helm release of a pinned chart. */
export function pinnedRelease<Values extends object>(
    resourceName: string,
    release: PinnedRelease<Values>,
    opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
    const { pin } = release;
    const chart = release.chart ?? pin.chart;
    if (chart === undefined) {
        throw new Error(`pinned release ${release.name}: the pin names no chart, so the release must`);
    }
    return new k8s.helm.v3.Release(
        resourceName,
        {
            name: release.name,
            namespace: release.namespace,
            ...(release.createNamespace ? { createNamespace: true } : {}),
            ...(release.skipCrds ? { skipCrds: true } : {}),
            chart,
            version: pin.version,
            ...(pin.repo === undefined ? {} : { repositoryOpts: { repo: pin.repo } }),
            values: release.values as pulumi.Input<Record<string, pulumi.Input<unknown>>>,
        },
        opts,
    );
}
