// Every pinned version, one line each: an upgrade is one edit here (plus, for the load balancer
// controller, its official IAM policy file and its CRD files for the new version, see lbc.ts). Ranges and `latest`
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
    // aws/eks-charts stable/aws-load-balancer-controller/Chart.yaml: version 3.5.0, appVersion v3.5.0; the
    // latest release (kubernetes-sigs/aws-load-balancer-controller tags end at v3.5.0, 2026-08-03).
    loadBalancerController: {
        chart: "aws-load-balancer-controller",
        version: "3.5.0",
        repo: "https://aws.github.io/eks-charts",
        app: "v3.5.0",
    },
    // kubernetes-sigs/metrics-server tag metrics-server-helm-chart-3.13.1 (appVersion 0.8.1), the latest chart.
    metricsServer: { chart: "metrics-server", version: "3.13.1", repo: "https://kubernetes-sigs.github.io/metrics-server/" },
    // istio/istio 1.30.5 (2026-09-21), the latest 1.30 patch. 1.30.0 to 1.30.3 are affected by
    // ISTIO-SECURITY-2026-006, a denial of service of istiod through an unbounded EnvoyFilter
    // `proxyVersion` regular expression (istio.io news/security/istio-security-2026-006: CVSS 7.7, fixed
    // in 1.30.4); 1.30.4 also fixes thirteen Envoy CVEs and one Istio CVE, listed separately in its notes
    // (news/releases/1.30.x/announcing-1.30.4). 1.30.5 fixes an istioctl credential-plugin exec
    // (news/releases/1.30.x/announcing-1.30.5). base, istiod and
    // gateway share the version. blob.istio.io serves every version (the storage.googleapis.com repo stops
    // at 1.30 and goes away Dec 2026: istio.io blog "retirement-of-gcp"). Supported Kubernetes: 1.32 to 1.36
    // (istio.io news/releases/1.30.x/announcing-1.30: "officially supported on Kubernetes versions 1.32 to 1.36").
    istio: { version: "1.30.5", repo: "https://blob.istio.io/istio-release/charts", kubernetes: { minMinor: 32, maxMinor: 36 } },
    // deliveryhero/helm-charts stable/locust/Chart.yaml: version 0.35.0 (the latest), appVersion 2.32.2; hosted on GHCR since 2024-10.
    // The image is the chart's appVersion; the chart and `npm run verify`'s Locust Jobs both run it.
    locust: {
        chart: "oci://ghcr.io/deliveryhero/helm-charts/locust",
        version: "0.35.0",
        image: { repository: "locustio/locust", tag: "2.32.2" },
    },
    // aws/karpenter-provider-aws v1.14.1 (2026-08-20), the latest release: charts/karpenter/Chart.yaml and
    // charts/karpenter-crd/Chart.yaml are 1.14.1 on branch release-v1.14.1 (c88abbbad); both charts are
    // published at public.ecr.aws/karpenter (charts/karpenter/README.md; upgrade-guide.md). Kubernetes
    // 1.30 to 1.36 (website/content/en/v1.14/upgrading/compatibility.md). The controller's IAM policies,
    // queue and rules come from the release's CloudFormation template (addons/karpenter-cloudformation/).
    // The mesh's own dashboards, at the chart versions Istio 1.30.3 renders its samples/addons from
    // (istio/istio manifests/addons/gen.sh: kiali-server 2.26.0 with image v2.26, prometheus 28.13.0,
    // grafana 9.2.2), from the charts' own repositories as gen.sh names them.
    prometheus: { chart: "prometheus", version: "28.13.0", repo: "https://prometheus-community.github.io/helm-charts" },
    grafana: { chart: "grafana", version: "9.2.2", repo: "https://grafana.github.io/helm-charts" },
    kiali: { chart: "kiali-server", version: "2.26.0", repo: "https://kiali.org/helm-charts", image: "v2.26" },
    karpenter: {
        chart: "oci://public.ecr.aws/karpenter/karpenter",
        crdChart: "oci://public.ecr.aws/karpenter/karpenter-crd",
        version: "1.14.1",
        kubernetes: { minMinor: 30, maxMinor: 36 },
    },
} as const;

/** One Kubernetes minor version on EKS: when its standard and extended support end (UTC dates). */
export interface KubernetesSupport {
    /** Last day of standard support ($0.10 per cluster-hour). */
    endOfStandard: string;
    /** Last day of extended support ($0.60 per cluster-hour); EKS upgrades the cluster after it. */
    endOfExtended: string;
}

/**
 * EKS's Kubernetes calendar. 1.30-1.34: awsdocs/amazon-eks-user-guide
 * latest/ug/versioning/kubernetes-versions.adoc; 1.35 and 1.36: endoflife.date products/amazon-eks.md
 * (2026-08-22), which scrapes the same table. Prices: AWS Containers blog, "Amazon EKS extended support
 * for Kubernetes versions pricing". Add a row when EKS releases a version; a version without a row is refused.
 */
export const KUBERNETES_SUPPORT: Record<string, KubernetesSupport> = {
    "1.30": { endOfStandard: "2025-07-23", endOfExtended: "2026-07-23" },
    "1.31": { endOfStandard: "2025-11-26", endOfExtended: "2026-11-26" },
    "1.32": { endOfStandard: "2026-03-23", endOfExtended: "2027-03-23" },
    "1.33": { endOfStandard: "2026-07-29", endOfExtended: "2027-07-29" },
    "1.34": { endOfStandard: "2026-12-02", endOfExtended: "2027-12-02" },
    "1.35": { endOfStandard: "2027-03-27", endOfExtended: "2028-03-27" },
    "1.36": { endOfStandard: "2027-08-02", endOfExtended: "2028-08-02" },
};

/**
 * The version new stacks get: the newest on EKS, in standard support to 2027-08-02, and inside the
 * pinned Istio's range. Upgrading it is one edit here (after checking Istio's range above).
 */
export const DEFAULT_KUBERNETES_VERSION = "1.36";
