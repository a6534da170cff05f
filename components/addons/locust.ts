import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { VERSIONS } from "../versions";
import { LOCUST, requestsOf } from "../footprints";
import { ChartResources, pinnedRelease } from "./helm";

/** The keys of deliveryhero/helm-charts stable/locust/values.yaml (0.35.0) this component sets. */
interface LocustValues {
    image: { repository: string; tag: string };
    loadtest: {
        name: string;
        locust_locustfile: string;
        locust_locustfile_configmap: string;
        locust_lib_configmap: string;
        locust_host: string;
        headless: boolean;
    };
    master: { resources: ChartResources };
    worker: {
        hpa: { enabled: boolean; minReplicas: number; maxReplicas: number; targetCPUUtilizationPercentage: number };
        resources: ChartResources;
        nodeSelector?: Record<string, string>;
        tolerations?: Toleration[];
    };
    service: { type: "ClusterIP" };
    ingress: { enabled: boolean };
}

import { LOCUSTFILE_CONFIG_MAP, LOCUST_NAMESPACE, Toleration } from "./names";

export { LOCUSTFILE_CONFIG_MAP, LOCUST_NAMESPACE };
// The chart names its Service after the release when the release name contains "locust" (templates/_helpers.tpl).
export const LOCUST_RELEASE = "locust";
/** Locust's web UI port (chart values service.port). */
export const LOCUST_UI_PORT = 8089;
export const LOCUSTFILE = path.join(__dirname, "locustfile.py");

export interface LocustArgs {
    /** URL the load goes to: the app's in-cluster Service by default. */
    targetHost: string;
    /** Most worker pods the worker HPA may run. */
    maxWorkers: number;
    /** Whether Istio injects sidecars (needed to reach apps under STRICT mTLS). */
    meshInjection: boolean;
    /** Resources the install waits for: the node group, and istiod when sidecars are injected. */
    dependsOn: pulumi.Resource[];
    /** Node labels the workers must run on (Karpenter's NodePool label when Karpenter is on). Default: none. */
    workerNodeSelector?: Record<string, string>;
    /** Taints the workers tolerate (the NodePool's, when they run on it). Default: none. */
    workerTolerations?: Toleration[];
}

/** Locust (deliveryhero chart): UI inside the cluster only, workers autoscaled, locustfile from the repo. */
export class Locust extends pulumi.ComponentResource {
    /** The command that opens the UI on http://localhost:8089. */
    readonly uiCommand: string;

    constructor(name: string, args: LocustArgs, opts?: pulumi.ComponentResourceOptions) {
        super("zero-downtime-eks:addons:Locust", name, {}, opts);

        const namespace = new k8s.core.v1.Namespace(
            `${name}-ns`,
            { metadata: { name: LOCUST_NAMESPACE, labels: args.meshInjection ? { "istio-injection": "enabled" } : {} } },
            { parent: this },
        );
        // Namespaced objects wait for their namespace (the name alone creates no ordering).
        const inNamespace = { parent: this, dependsOn: [namespace] };
        const locustfile = new k8s.core.v1.ConfigMap(
            `${name}-locustfile`,
            {
                metadata: { name: LOCUSTFILE_CONFIG_MAP.name, namespace: LOCUST_NAMESPACE },
                data: { [LOCUSTFILE_CONFIG_MAP.key]: fs.readFileSync(LOCUSTFILE, "utf8") },
            },
            inNamespace,
        );
        // The chart mounts a lib ConfigMap as /mnt/locust/lib and creates it only under its example name.
        const lib = new k8s.core.v1.ConfigMap(
            `${name}-lib`,
            { metadata: { name: "locust-lib", namespace: LOCUST_NAMESPACE }, data: { "__init__.py": "" } },
            inNamespace,
        );

        const pin = VERSIONS.locust;
        pinnedRelease<LocustValues>(
            `${name}-chart`,
            {
                name: LOCUST_RELEASE,
                namespace: LOCUST_NAMESPACE,
                pin,
                values: {
                    image: pin.image,
                    loadtest: {
                        name: "zero-downtime",
                        locust_locustfile: LOCUSTFILE_CONFIG_MAP.key,
                        locust_locustfile_configmap: LOCUSTFILE_CONFIG_MAP.name,
                        locust_lib_configmap: "locust-lib",
                        locust_host: args.targetHost,
                        headless: false,
                    },
                    master: {
                        resources: {
                            requests: requestsOf(LOCUST.master.requests),
                            limits: { memory: `${LOCUST.master.memoryLimitMiB}Mi` },
                        },
                    },
                    worker: {
                        // The HPA scales on CPU utilization, which needs CPU requests.
                        hpa: {
                            enabled: true,
                            minReplicas: LOCUST.worker.minReplicas,
                            maxReplicas: args.maxWorkers,
                            targetCPUUtilizationPercentage: 40,
                        },
                        resources: {
                            requests: requestsOf(LOCUST.worker.requests),
                            limits: { memory: `${LOCUST.worker.memoryLimitMiB}Mi` },
                        },
                        // worker.nodeSelector (stable/locust values.yaml, 0.35.0): "Overwrites nodeSelector from global".
                        ...(args.workerNodeSelector ? { nodeSelector: args.workerNodeSelector } : {}),
                        // worker.tolerations (values.yaml, 0.35.0): "Overwrites tolerations from global"; the
                        // worker Deployment writes it as given (templates/worker-deployment.yaml).
                        ...(args.workerTolerations ? { tolerations: args.workerTolerations } : {}),
                    },
                    // The UI stays inside the cluster: no LoadBalancer, no Ingress; reach it with port-forward.
                    service: { type: "ClusterIP" },
                    ingress: { enabled: false },
                },
            },
            // The chart mounts both ConfigMaps; the pods need nodes (and istiod, for their sidecars).
            { parent: this, dependsOn: [locustfile, lib, ...args.dependsOn] },
        );

        this.uiCommand = `kubectl -n ${LOCUST_NAMESPACE} port-forward svc/${LOCUST_RELEASE} ${LOCUST_UI_PORT}:${LOCUST_UI_PORT}`;
        this.registerOutputs({ uiCommand: this.uiCommand });
    }
}
