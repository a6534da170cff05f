import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { EVICT_UNHEALTHY, UnhealthyPodEvictionPolicy } from "../../rules/drain";

/** The app's PodDisruptionBudget unless the caller gives one (see ZeroDowntimeServiceArgs.disruptionBudget). */
export const DEFAULT_DISRUPTION_BUDGET = { maxUnavailable: 1, unhealthyPodEvictionPolicy: EVICT_UNHEALTHY };
import { preStopSleep } from "../lifecycle";
import { PROXY_CONFIG_ANNOTATION, SHUTDOWN_ANNOTATION } from "../../rules/timing";
import { albAnnotations, httpsAnnotations } from "../alb";

import { APP_LABEL, COLORS, COLOR_LABEL, Color } from "./labels";
import { validateZeroDowntimeServiceArgs } from "./validate";
import { MeshRoute, meshHttpRoute, meshRoute } from "./routes";
import type { LoadBalancerScheme } from "../choices";
import type { Toleration } from "../addons/names";

export { COLOR_LABEL, Color };

/** The port of the app's Service (its VirtualService routes there). */
const SERVICE_PORT = 80;

/** How requests reach the app. */
export type Exposure =
    /** ALB → Istio ingress gateway → app: a VirtualService on the platform's shared Istio Gateway. */
    | {
          kind: "istio-gateway";
          /** The Gateway as `<namespace>/<name>` (the platform's `sharedGateway` output). */
          gateway: string;
          /**
           * Hosts the service answers on. Default `["*"]`: every host the shared Gateway admits for this
           * namespace (the platform lists them: its `teams` output). See components/app/routes.ts.
           */
          hosts?: string[];
          /**
           * Path prefix the service answers under, rewritten to `/` for the app; starts and ends with `/`.
           * Default: `/<namespace>/<name>/` when `hosts` has `*` (shared hosts), `/` on hosts of its own.
           * Two services whose routes overlap are refused by rules/routes.ts (routeOverlaps).
           */
          pathPrefix?: string;
      }
    /** ALB → app pods directly (target-type ip, readiness gates): only without mesh mTLS. */
    | { kind: "alb"; scheme: LoadBalancerScheme; loadBalancerName?: string; certificateArn?: pulumi.Input<string> };

export interface ZeroDowntimeServiceArgs {
    /** Name of the Deployment, Service and friends. */
    name: string;
    /**
     * Namespace the app runs in. It must exist: the component creates no Namespace (the platform makes
     * it, with its labels and the team's access: components/service-namespace.ts), so a team's
     * `destroy` removes its objects and never the namespace.
     */
    namespace: string;
    /** Container image, pinned. */
    image: string;
    /** Port the container serves HTTP on. */
    port: number;
    /** Replicas without autoscaling; the HPA minimum with it. */
    replicas: number;
    /** Requests (CPU and memory) and the memory limit. */
    resources: { cpuMillicores: number; memoryMiB: number; memoryLimitMiB: number };
    /** Probe paths and timings; an empty `livenessPath` makes liveness a TCP check. */
    probes: {
        path: string;
        livenessPath: string;
        startupPeriodSeconds: number;
        startupFailureThreshold: number;
        readinessPeriodSeconds: number;
        readinessFailureThreshold: number;
        livenessPeriodSeconds: number;
        livenessFailureThreshold: number;
    };
    /** Rolling update shape. */
    rollout: { maxSurge: number | string; maxUnavailable: number | string; minReadySeconds: number; revisionHistoryLimit: number };
    /** CPU-based HPA. */
    autoscaling: { enabled: boolean; maxReplicas: number; targetCpuUtilization: number };
    /** Termination and ALB timings (checked by rules/timing.ts before this runs). */
    timing: {
        preStopSeconds: number;
        shutdownSeconds: number;
        terminationGracePeriodSeconds: number;
        deregistrationDelaySeconds: number;
        healthCheckIntervalSeconds: number;
        healthCheckTimeoutSeconds: number;
        healthyThreshold: number;
        unhealthyThreshold: number;
    };
    /** Istio outlier detection (applied when the app is in the mesh). */
    outlierDetection: { consecutive5xxErrors: number; intervalSeconds: number; baseEjectionSeconds: number; maxEjectionPercent: number };
    /** Two Deployments and a Service that follows `activeColor`. */
    blueGreen: { enabled: boolean; activeColor: Color; images: Record<Color, string> };
    /** Kubernetes version of the cluster (chooses the preStop form). */
    kubernetesVersion: string;
    /** Whether pods get Istio sidecars (and a DestinationRule). */
    mesh: boolean;
    /**
     * Seconds the pod's native Istio sidecar keeps accepting inbound connections once the pod starts
     * terminating (ProxyConfig `drainDuration`: its injected preStop drains the inbound listeners at
     * once, and Envoy closes them after this; rules/timing.ts). Written on each pod as its proxy config,
     * so the manifest shows it. The platform's value is its `sidecarInboundDrainSeconds` output (Istio's
     * default, 45). Ignored without mesh.
     */
    sidecarInboundDrainSeconds: number;
    /** Path from the load balancer to the app. */
    exposure: Exposure;
    /**
     * Resources that must exist first: the namespace, the load balancer controller (webhooks, Ingress),
     * istiod (sidecar injection). A team's program passes none: the platform's stack made them.
     */
    dependsOn: pulumi.Resource[];
    /** Node labels the pods must run on: the platform gives Karpenter's NodePool label when Karpenter is on. Default: none. */
    nodeSelector?: Record<string, string>;
    /**
     * Taints the pods tolerate: the NodePool's (addons/names.ts nodePoolPlacement) when they run on it,
     * since its nodes are tainted to keep every other pod off. Default: none.
     */
    tolerations?: Toleration[];
    /**
     * The PodDisruptionBudget. Default `{ maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" }`
     * ({@link DEFAULT_DISRUPTION_BUDGET}): drains take one pod at a time, like the rollout, and a pod that
     * is not Ready never blocks them. rules/drain.ts refuses a budget that allows no eviction at the HPA
     * minimum or keeps unhealthy pods.
     */
    disruptionBudget?: { maxUnavailable?: number; minAvailable?: number; unhealthyPodEvictionPolicy?: UnhealthyPodEvictionPolicy };
    /**
     * A ServiceAccount for the pods, annotated with an IAM role for IRSA (components/iam: ServiceAccountRole
     * with `createServiceAccount: false` makes such a role). Created in the app's namespace before the
     * Deployment. Default: none (the namespace's `default` account).
     */
    serviceAccount?: { name: string; roleArn: pulumi.Input<string> };
    /** Tags for the ALB (direct exposure only). */
    tags: Record<string, string>;
}

/**
 * A web service that rolls out and scales in without failed requests: probes, preStop and grace
 * sized to the ALB, readiness gates, a surge-only rolling update, HPA, PDB and outlier detection.
 */
export class ZeroDowntimeService extends pulumi.ComponentResource {
    /** Namespace of the app. */
    readonly namespace: string;
    /** The Ingress that fronts the app directly (ALB exposure only). */
    readonly ingress?: k8s.networking.v1.Ingress;
    /** Hosts and path prefix behind the shared gateway, defaults applied (gateway exposure only). */
    readonly route?: MeshRoute;

    constructor(name: string, args: ZeroDowntimeServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything is registered: one error naming every bad property (the rules of
        // rules/, as config validation runs them), never a half-created service.
        const problems = validateZeroDowntimeServiceArgs(args);
        if (problems.length > 0) {
            throw new pulumi.InputPropertiesError({
                message: `ZeroDowntimeService ${name}: ${problems.length} invalid argument${problems.length === 1 ? "" : "s"}`,
                errors: problems,
            });
        }
        super("zero-downtime-eks:app:ZeroDowntimeService", name, {}, opts);
        const labels = { [APP_LABEL]: args.name };
        const ns = args.namespace;

        // Namespaced objects wait for what the caller names (the platform's namespace among them) and go
        // before it on delete.
        const inNamespace = { parent: this, dependsOn: args.dependsOn };

        const colors: (Color | undefined)[] = args.blueGreen.enabled ? [...COLORS] : [undefined];
        const selector = args.blueGreen.enabled ? { ...labels, [COLOR_LABEL]: args.blueGreen.activeColor } : labels;
        const service = new k8s.core.v1.Service(
            `${name}-svc`,
            {
                metadata: { name: args.name, namespace: ns, labels },
                spec: {
                    type: "ClusterIP",
                    selector,
                    // Port name `http` tells Istio the protocol (istio.io docs, protocol selection).
                    ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
                },
            },
            inNamespace,
        );

        // Pods get readiness gates only if the target group binding exists when they are created,
        // so the Service and its Ingress (or VirtualService) come before the Deployment.
        const front: pulumi.Resource[] = [service];
        const host = `${args.name}.${ns}.svc.cluster.local`;
        if (args.exposure.kind === "alb") {
            this.ingress = new k8s.networking.v1.Ingress(
                `${name}-ingress`,
                {
                    metadata: {
                        name: args.name,
                        namespace: ns,
                        annotations: {
                            ...(args.exposure.certificateArn === undefined ? {} : httpsAnnotations(args.exposure.certificateArn)),
                            ...albAnnotations({
                                scheme: args.exposure.scheme,
                                healthCheckPath: args.probes.path,
                                successCodes: "200-299",
                                ...args.timing,
                                tags: args.tags,
                                ...(args.exposure.loadBalancerName ? { loadBalancerName: args.exposure.loadBalancerName } : {}),
                            }),
                        },
                    },
                    spec: {
                        ingressClassName: "alb",
                        defaultBackend: { service: { name: args.name, port: { name: "http" } } },
                    },
                },
                // After the controller (it reconciles the ALB) and deleted before it (it deletes the ALB).
                { parent: this, dependsOn: [service, ...args.dependsOn] },
            );
            front.push(this.ingress);
        } else {
            const route = meshRoute(args.name, ns, args.exposure);
            this.route = route;
            front.push(
                new k8s.apiextensions.CustomResource(
                    `${name}-route`,
                    {
                        apiVersion: "networking.istio.io/v1",
                        kind: "VirtualService",
                        metadata: { name: args.name, namespace: ns },
                        spec: { hosts: route.hosts, gateways: [args.exposure.gateway], http: [meshHttpRoute(route, host, SERVICE_PORT)] },
                    },
                    inNamespace,
                ),
            );
        }
        if (args.mesh) {
            front.push(
                new k8s.apiextensions.CustomResource(
                    `${name}-outliers`,
                    {
                        apiVersion: "networking.istio.io/v1",
                        kind: "DestinationRule",
                        metadata: { name: args.name, namespace: ns },
                        spec: {
                            host,
                            trafficPolicy: {
                                outlierDetection: {
                                    consecutive5xxErrors: args.outlierDetection.consecutive5xxErrors,
                                    interval: `${args.outlierDetection.intervalSeconds}s`,
                                    baseEjectionTime: `${args.outlierDetection.baseEjectionSeconds}s`,
                                    // Seed 000 allowed 100%; capped so a bad rollout cannot eject every endpoint.
                                    maxEjectionPercent: args.outlierDetection.maxEjectionPercent,
                                },
                            },
                        },
                    },
                    inNamespace,
                ),
            );
        }

        if (args.serviceAccount) {
            // Pods that name it are refused until it exists (ServiceAccount admission), so it comes first.
            front.push(
                new k8s.core.v1.ServiceAccount(
                    `${name}-sa`,
                    {
                        metadata: {
                            name: args.serviceAccount.name,
                            namespace: ns,
                            annotations: { "eks.amazonaws.com/role-arn": args.serviceAccount.roleArn },
                        },
                    },
                    inNamespace,
                ),
            );
        }

        for (const color of colors) {
            const suffix = color ? `-${color}` : "";
            const workload = `${args.name}${suffix}`;
            const podLabels = color ? { ...labels, [COLOR_LABEL]: color } : labels;
            const deployment = new k8s.apps.v1.Deployment(
                `${name}-deploy${suffix}`,
                {
                    metadata: { name: workload, namespace: ns, labels: podLabels },
                    spec: deploymentSpec(args, podLabels, color ? args.blueGreen.images[color] : args.image),
                },
                // Readiness gates (see above); the HPA owns replicas once it exists.
                { parent: this, dependsOn: front },
            );
            if (args.autoscaling.enabled) {
                new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                    `${name}-hpa${suffix}`,
                    { metadata: { name: workload, namespace: ns }, spec: hpaSpec(args, workload) },
                    // Scales a Deployment that exists.
                    { parent: this, dependsOn: [deployment] },
                );
            }
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-pdb${suffix}`,
                {
                    metadata: { name: workload, namespace: ns },
                    // Node drains take one pod at a time, like the rollout. AlwaysAllow: a pod that is not
                    // Ready (crash-looping) may be evicted anyway, so it never blocks a drain
                    // (policy/v1 PodDisruptionBudgetSpec unhealthyPodEvictionPolicy; rules/drain.ts).
                    spec: { ...(args.disruptionBudget ?? DEFAULT_DISRUPTION_BUDGET), selector: { matchLabels: podLabels } },
                },
                inNamespace,
            );
        }

        this.namespace = ns;
        this.registerOutputs({ namespace: this.namespace, route: this.route });
    }
}

function deploymentSpec(
    args: ZeroDowntimeServiceArgs,
    podLabels: Record<string, string>,
    image: string,
): k8s.types.input.apps.v1.DeploymentSpec {
    const p = args.probes;
    const http = (path: string) => ({ httpGet: { path, port: "http" } });
    return {
        // With an HPA, replicas are left to it: a value here would reset the HPA's choice on every update.
        ...(args.autoscaling.enabled ? {} : { replicas: args.replicas }),
        revisionHistoryLimit: args.rollout.revisionHistoryLimit,
        minReadySeconds: args.rollout.minReadySeconds,
        selector: { matchLabels: podLabels },
        strategy: {
            type: "RollingUpdate",
            rollingUpdate: { maxSurge: args.rollout.maxSurge, maxUnavailable: args.rollout.maxUnavailable },
        },
        template: {
            metadata: {
                labels: podLabels,
                annotations: {
                    [SHUTDOWN_ANNOTATION]: String(args.timing.shutdownSeconds),
                    ...(args.mesh
                        ? { [PROXY_CONFIG_ANNOTATION]: JSON.stringify({ drainDuration: `${args.sidecarInboundDrainSeconds}s` }) }
                        : {}),
                },
            },
            spec: {
                terminationGracePeriodSeconds: args.timing.terminationGracePeriodSeconds,
                ...(args.nodeSelector ? { nodeSelector: args.nodeSelector } : {}),
                ...(args.tolerations ? { tolerations: args.tolerations } : {}),
                ...(args.serviceAccount ? { serviceAccountName: args.serviceAccount.name } : {}),
                securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                topologySpreadConstraints: ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
                    maxSkew: 1,
                    topologyKey,
                    // Spread when possible; never block a scale-up on an unbalanced node group.
                    whenUnsatisfiable: "ScheduleAnyway",
                    labelSelector: { matchLabels: podLabels },
                })),
                containers: [
                    {
                        name: "app",
                        image,
                        ports: [{ name: "http", containerPort: args.port, protocol: "TCP" }],
                        resources: {
                            requests: { cpu: `${args.resources.cpuMillicores}m`, memory: `${args.resources.memoryMiB}Mi` },
                            // No CPU limit: throttling a pod mid-rollout turns into latency spikes and failed probes.
                            limits: { memory: `${args.resources.memoryLimitMiB}Mi` },
                        },
                        startupProbe: {
                            ...http(p.path),
                            periodSeconds: p.startupPeriodSeconds,
                            failureThreshold: p.startupFailureThreshold,
                        },
                        readinessProbe: {
                            ...http(p.path),
                            periodSeconds: p.readinessPeriodSeconds,
                            failureThreshold: p.readinessFailureThreshold,
                            successThreshold: 1,
                            timeoutSeconds: 2,
                        },
                        livenessProbe: {
                            ...(p.livenessPath === "" ? { tcpSocket: { port: "http" } } : http(p.livenessPath)),
                            periodSeconds: p.livenessPeriodSeconds,
                            failureThreshold: p.livenessFailureThreshold,
                            timeoutSeconds: 2,
                        },
                        lifecycle: { preStop: preStopSleep(args.timing.preStopSeconds, args.kubernetesVersion) },
                        securityContext: {
                            runAsNonRoot: true,
                            readOnlyRootFilesystem: true,
                            allowPrivilegeEscalation: false,
                            capabilities: { drop: ["ALL"] },
                        },
                        // The only writable path: scratch space (nginx keeps its pid and temp files in /tmp).
                        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                    },
                ],
                volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
            },
        },
    };
}

function hpaSpec(args: ZeroDowntimeServiceArgs, workload: string): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec {
    return {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: workload },
        minReplicas: args.replicas,
        maxReplicas: args.autoscaling.maxReplicas,
        metrics: [
            {
                type: "Resource",
                resource: { name: "cpu", target: { type: "Utilization", averageUtilization: args.autoscaling.targetCpuUtilization } },
            },
        ],
        behavior: {
            // Up fast: double, or add 4 pods, every 15 s, whichever is more (spikes, seed 003).
            scaleUp: {
                stabilizationWindowSeconds: 0,
                selectPolicy: "Max",
                policies: [
                    { type: "Percent", value: 100, periodSeconds: 15 },
                    { type: "Pods", value: 4, periodSeconds: 15 },
                ],
            },
            // Down slowly: after 5 minutes of lower load, one pod a minute, so each leaves through the full preStop path.
            scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: "Max", policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] },
        },
    };
}
