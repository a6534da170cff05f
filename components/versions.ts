// Every pinned version, one line each: an upgrade is one edit here (plus, for the load balancer
// controller, its official IAM policy file for the new version, see lbc.ts). Ranges and `latest`
// are never used; test/components/versions.test.ts enforces it.

export interface ChartPin {
    /** Chart name, or a full `oci://` reference. */
    chart: string;
    /** Exact chart version. */
    version: string;
    /** Helm repository URL; absent for OCI charts. */
    repo?: string;
}

export const VERSIONS = {
    // aws/eks-charts stable/aws-load-balancer-controller/Chart.yaml: version 3.5.0, appVersion v3.5.0.
    loadBalancerController: {
        chart: "aws-load-balancer-controller",
        version: "3.5.0",
        repo: "https://aws.github.io/eks-charts",
        app: "v3.5.0",
    },
    // kubernetes-sigs/metrics-server tag metrics-server-helm-chart-3.13.1 (appVersion 0.8.1).
    metricsServer: { chart: "metrics-server", version: "3.13.1", repo: "https://kubernetes-sigs.github.io/metrics-server/" },
    // istio/istio tag 1.30.3; base, istiod and gateway share the Istio version. blob.istio.io serves every
    // version (the storage.googleapis.com repo stops at 1.30 and goes away Dec 2026: istio.io blog "retirement-of-gcp").
    istio: { version: "1.30.3", repo: "https://blob.istio.io/istio-release/charts" },
    // deliveryhero/helm-charts stable/locust/Chart.yaml: version 0.35.0, appVersion 2.32.2; hosted on GHCR since 2024-10.
    // The image is the chart's appVersion; the chart and `npm run verify`'s Locust Jobs both run it.
    locust: {
        chart: "oci://ghcr.io/deliveryhero/helm-charts/locust",
        version: "0.35.0",
        image: { repository: "locustio/locust", tag: "2.32.2" },
    },
} as const;
