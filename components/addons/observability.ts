// The mesh's own dashboards (field report 002 installed them by hand): Prometheus scraping the mesh,
// Grafana with Istio's dashboards, and Kiali, from their official charts at the versions and with
// the values Istio 1.30.3 renders its samples/addons from (istio/istio manifests/addons/gen.sh and
// values-*.yaml). UIs are reachable only inside the cluster: no Ingress, ClusterIP Services, opened
// with `kubectl port-forward` (the `uiCommands`).
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { VERSIONS } from "../versions";
import { OBSERVABILITY, requestsOf } from "../footprints";
import { pinnedRelease } from "./helm";
import { ISTIO_NAMESPACE } from "./names";

/** Istio's dashboards for the pinned version, kept byte-for-byte (manifests/addons/dashboards, 1.30.3). */
const DASHBOARD_DIR = path.join(__dirname, "istio-dashboards", "1.30.3");

/** gen.sh's two ConfigMaps, split "to avoid Kubernetes size limits", and the dashboards in each. */
export const DASHBOARD_CONFIG_MAPS: Record<string, string[]> = {
    "istio-grafana-dashboards": ["pilot-dashboard.gen.json", "ztunnel-dashboard.gen.json", "istio-performance-dashboard.json"],
    "istio-services-grafana-dashboards": [
        "istio-workload-dashboard.json",
        "istio-service-dashboard.json",
        "istio-mesh-dashboard.gen.json",
        "istio-extension-dashboard.json",
    ],
};

/** The ConfigMap key gen.sh gives each file (`.gen` dropped) and its JSON on one line (gen.sh's `jq -c`). */
export function dashboardData(files: string[]): Record<string, string> {
    return Object.fromEntries(
        files.map((file) => [
            file.replace(".gen.json", ".json"),
            JSON.stringify(JSON.parse(fs.readFileSync(path.join(DASHBOARD_DIR, file), "utf8"))),
        ]),
    );
}

export interface MeshObservabilityArgs {
    /**
     * Resources everything here waits for: the nodes, and istiod (the dashboards read the mesh's
     * metrics; istiod itself waits for the istio-base release, which creates istio-system). Required.
     */
    dependsOn: pulumi.Resource[];
}

/** Prometheus, Grafana with Istio's dashboards, and Kiali, in istio-system. */
export class MeshObservability extends pulumi.ComponentResource {
    /** Commands that open each UI on localhost. */
    readonly uiCommands: { grafana: string; kiali: string; prometheus: string };

    constructor(name: string, args: MeshObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("zero-downtime-eks:addons:MeshObservability", name, {}, opts);
        const after = { parent: this, dependsOn: args.dependsOn };

        // values-prometheus.yaml: the server alone, no persistence, scraping every 15 s, no sidecar.
        pinnedRelease(
            `${name}-prometheus`,
            {
                name: "prometheus",
                namespace: ISTIO_NAMESPACE,
                pin: VERSIONS.prometheus,
                values: {
                    alertmanager: { enabled: false },
                    "prometheus-pushgateway": { enabled: false },
                    "kube-state-metrics": { enabled: false },
                    "prometheus-node-exporter": { enabled: false },
                    server: {
                        podLabels: { "sidecar.istio.io/inject": "false" },
                        persistentVolume: { enabled: false },
                        service: { servicePort: 9090 },
                        global: { scrape_interval: "15s" },
                        fullnameOverride: "prometheus",
                        resources: { requests: requestsOf(OBSERVABILITY.prometheus.requests) },
                    },
                },
            },
            after,
        );

        const dashboards = Object.entries(DASHBOARD_CONFIG_MAPS).map(
            ([configMap, files]) =>
                new k8s.core.v1.ConfigMap(
                    `${name}-${configMap}`,
                    { metadata: { name: configMap, namespace: ISTIO_NAMESPACE }, data: dashboardData(files) },
                    // istio-system exists only once the istio-base release (createNamespace) is installed, which
                    // istiod waits for; created before it, the ConfigMap fails once pulumi-kubernetes's retries for
                    // a missing namespace run out (5, backoff from 1 s: 63 s; provider/pkg/await/await.go Creation,
                    // provider/pkg/retry/retry.go).
                    after,
                ),
        );
        // values-grafana.yaml, less its demo login: anonymous viewers only (Istio's samples make every
        // visitor Admin); Prometheus as the one data source (Loki is not installed).
        pinnedRelease(
            `${name}-grafana`,
            {
                name: "grafana",
                namespace: ISTIO_NAMESPACE,
                pin: VERSIONS.grafana,
                values: {
                    rbac: { create: false, pspEnabled: false },
                    testFramework: { enabled: false },
                    podLabels: { "sidecar.istio.io/inject": "false" },
                    env: { GF_AUTH_ANONYMOUS_ENABLED: "true", GF_AUTH_ANONYMOUS_ORG_ROLE: "Viewer" },
                    service: { port: 3000 },
                    resources: { requests: requestsOf(OBSERVABILITY.grafana.requests) },
                    dashboardProviders: {
                        "dashboardproviders.yaml": {
                            apiVersion: 1,
                            providers: ["istio", "istio-services"].map((provider) => ({
                                name: provider,
                                orgId: 1,
                                folder: "istio",
                                type: "file",
                                disableDeletion: false,
                                options: { path: `/var/lib/grafana/dashboards/${provider}` },
                            })),
                        },
                    },
                    dashboardsConfigMaps: { istio: "istio-grafana-dashboards", "istio-services": "istio-services-grafana-dashboards" },
                    datasources: {
                        "datasources.yaml": {
                            apiVersion: 1,
                            datasources: [
                                {
                                    name: "Prometheus",
                                    type: "prometheus",
                                    orgId: 1,
                                    url: "http://prometheus:9090",
                                    access: "proxy",
                                    isDefault: true,
                                    jsonData: { timeInterval: "15s" },
                                    editable: true,
                                },
                            ],
                        },
                    },
                },
            },
            // The dashboards' ConfigMaps are mounted by the pod: they exist first.
            { ...after, dependsOn: [...args.dependsOn, ...dashboards] },
        );

        // values-kiali.yaml with gen.sh's image version; the session signing key is random per stack
        // (Istio's sample value is a fixed placeholder).
        const signingKey = new random.RandomPassword(`${name}-kiali-signing-key`, { length: 32, special: false }, { parent: this });
        pinnedRelease(
            `${name}-kiali`,
            {
                name: "kiali",
                namespace: ISTIO_NAMESPACE,
                pin: VERSIONS.kiali,
                values: {
                    auth: { strategy: "anonymous" },
                    deployment: {
                        image_version: VERSIONS.kiali.image,
                        pod_labels: { "sidecar.istio.io/inject": "false" },
                        // No Ingress: the UI is reached by port-forward. Istio's values-kiali.yaml (1.30.3) says
                        // `ingress_enabled`, which no template of kiali-server 2.26.0 reads; its templates read
                        // `deployment.ingress.enabled` (templates/_helpers.tpl, kiali-server.deployment.ingress.enabled;
                        // unset, it is false off OpenShift). Set so the choice does not rest on platform detection.
                        ingress: { enabled: false },
                        resources: {
                            requests: requestsOf(OBSERVABILITY.kiali.requests),
                            limits: { memory: `${OBSERVABILITY.kiali.memoryLimitMiB}Mi` },
                        },
                    },
                    login_token: { signing_key: signingKey.result },
                    external_services: { tracing: { enabled: false } },
                },
            },
            after,
        );

        // Service names and ports as Istio's samples render them (samples/addons/*.yaml, 1.30.3).
        const forward = (service: string, port: number) => `kubectl -n ${ISTIO_NAMESPACE} port-forward svc/${service} ${port}:${port}`;
        this.uiCommands = { grafana: forward("grafana", 3000), kiali: forward("kiali", 20001), prometheus: forward("prometheus", 9090) };
        this.registerOutputs({ uiCommands: this.uiCommands });
    }
}
