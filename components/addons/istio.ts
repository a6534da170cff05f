import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { VERSIONS } from "../versions";
import { READINESS_GATE_LABEL, preStopSleep } from "../lifecycle";
import { albAnnotations, httpsAnnotations } from "../alb";
import { ISTIO, requestsOf } from "../footprints";
import type { LoadBalancerScheme, MtlsMode } from "../choices";
import { ChartResources, pinnedRelease, EVICT_UNHEALTHY, UnhealthyPodEvictionPolicy } from "./helm";

/** The keys of istio-discovery's values.yaml (istio/istio manifests/charts/istio-control/istio-discovery, 1.30) this component sets. */
interface IstiodValues {
    env: Record<string, string>;
    meshConfig: { defaultConfig: { holdApplicationUntilProxyStarts: boolean; terminationDrainDuration: string; drainDuration: string } };
    pdb: { minAvailable: number; unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy };
    autoscaleMin: number;
    resources: ChartResources;
    global: { proxy: { resources: ChartResources } };
}

/** The keys of the gateway chart's values.yaml (istio/istio manifests/charts/gateway, 1.30) this component sets. */
interface GatewayValues {
    name: string;
    service: { type: "ClusterIP" };
    autoscaling: { enabled: boolean; minReplicas: number; maxReplicas: number; targetCPUUtilizationPercentage: number };
    resources: ChartResources;
    podDisruptionBudget: { maxUnavailable: number; unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy };
    terminationGracePeriodSeconds: number;
    lifecycle: { preStop: Record<string, unknown> };
    topologySpreadConstraints: Record<string, unknown>[];
}

import { ENTRYPOINT_INGRESS, GATEWAY_NAME, GATEWAY_NAMESPACE, ISTIO_NAMESPACE, SHARED_GATEWAY_NAME } from "./names";

export { ENTRYPOINT_INGRESS, GATEWAY_NAME, GATEWAY_NAMESPACE, ISTIO_NAMESPACE };
/** Pod-template annotation whose change rolls the gateway once its ALB target group exists. */
export const GATES_ANNOTATION = "zero-downtime-eks.io/target-group-binding-of";
/** The shared Istio `Gateway` that apps bind their VirtualServices to, as `<namespace>/<name>`. */
export const SHARED_GATEWAY = `${GATEWAY_NAMESPACE}/${SHARED_GATEWAY_NAME}`;
// The gateway's readiness endpoint, the one istiod's gateway injection template probes
// (istio/istio manifests/charts/istio-control/istio-discovery/files/gateway-injection-template.yaml).
const GATEWAY_STATUS_PORT = 15021;
/** The topologies the gateway's pods spread over (well-known labels every EKS node carries). */
export const GATEWAY_SPREAD_KEYS = ["topology.kubernetes.io/zone", "kubernetes.io/hostname"];
const GATEWAY_READY_PATH = "/healthz/ready";

/** How the ingress gateway pods leave the ALB target group; see GATEWAY_TIMING in stacks/defaults.ts. */
export interface GatewayTiming {
    /** ALB health check interval. */
    healthCheckIntervalSeconds: number;
    /** ALB health check timeout, below the interval. */
    healthCheckTimeoutSeconds: number;
    /** Consecutive successes before a target is healthy. */
    healthyThreshold: number;
    /** Consecutive failures before a target is unhealthy. */
    unhealthyThreshold: number;
    /** How long a terminating gateway pod keeps serving before Envoy drains. */
    preStopSeconds: number;
    /** ALB deregistration delay for in-flight requests. */
    deregistrationDelaySeconds: number;
    /**
     * Envoy's drain after SIGTERM, the mesh-wide terminationDrainDuration: the gateway's pilot-agent
     * waits it before Envoy exits (istio/istio pkg/envoy/agent.go terminate). Native sidecars never
     * wait it: drained by their preStop, they exit at once on SIGTERM (rules/timing.ts).
     */
    drainSeconds: number;
    /** Pod termination grace period. */
    terminationGracePeriodSeconds: number;
}

export interface IstioArgs {
    /** Kubernetes version of the cluster, e.g. "1.36" (chooses the preStop form). */
    kubernetesVersion: string;
    /** Mesh-wide PeerAuthentication mode. */
    mtlsMode: MtlsMode;
    /** ALB scheme of the platform's entrypoint. */
    ingressScheme: LoadBalancerScheme;
    /** Termination timing of the gateway pods. */
    gatewayTiming: GatewayTiming;
    /**
     * The mesh-wide ProxyConfig drainDuration: how long a terminating pod's native sidecar keeps
     * accepting inbound connections (rules/timing.ts). Default: Istio's 45 s (stacks/defaults.ts).
     */
    sidecarInboundDrainSeconds: number;
    /** Resource the install waits for: the node group, so the pods can schedule. */
    nodesReady: pulumi.Resource;
    /** The AWS Load Balancer Controller release: its webhooks must see the gateway's pods and Service, and it must outlive the Ingress. */
    loadBalancerController: pulumi.Resource;
    /** Tags for the ALB. */
    tags: Record<string, string>;
    /**
     * Hosts the shared Gateway admits, as `<namespace>/<host>`: a VirtualService binds only the hosts
     * listed for its own namespace (Istio Gateway `servers[].hosts`, the namespace/dnsName form), so
     * each namespace is reached only at what the platform gave it (stacks/sections/teams.ts).
     */
    gatewayHosts: string[];
    /** The entrypoint ALB's name (fixed, so the alarms find it: components/alarms.ts). Default: the controller's generated name. */
    loadBalancerName?: string;
    /** An issued ACM certificate: the entrypoint then serves HTTPS on 443 and redirects 80 to it. Default: HTTP only. */
    certificateArn?: pulumi.Input<string>;
}

/**
 * Istio (base → istiod → ingress gateway), mesh-wide mTLS, and the platform's entrypoint:
 * ALB (target-type ip, readiness gates) → ingress gateway → apps' VirtualServices. An ALB cannot
 * speak mesh mTLS, so it never targets sidecar pods directly; under STRICT the gateway is the only door.
 */
export class Istio extends pulumi.ComponentResource {
    /** `<namespace>/<name>` of the ingress gateway Service. */
    readonly ingressGatewayService: string;
    /** The Helm release of istiod: workloads whose pods need sidecars depend on it (the injector). */
    readonly istiod: k8s.helm.v3.Release;
    /** The ALB Ingress in front of the gateway. */
    readonly ingress: k8s.networking.v1.Ingress;

    constructor(name: string, args: IstioArgs, opts?: pulumi.ComponentResourceOptions) {
        super("zero-downtime-eks:addons:Istio", name, {}, opts);
        const pin = VERSIONS.istio;

        const base = pinnedRelease<{ defaultRevision: string }>(
            `${name}-base`,
            {
                name: "istio-base",
                namespace: ISTIO_NAMESPACE,
                createNamespace: true,
                pin,
                chart: "base",
                values: { defaultRevision: "default" },
            },
            // Nothing Helm installs before the nodes are ready (webhook and controller pods must schedule).
            { parent: this, dependsOn: [args.nodesReady] },
        );

        this.istiod = pinnedRelease<IstiodValues>(
            `${name}-istiod`,
            {
                name: "istiod",
                namespace: ISTIO_NAMESPACE,
                pin,
                chart: "istiod",
                // Keys from manifests/charts/istio-control/istio-discovery/values.yaml at tag 1.30.3, the newest
                // stored. The pinned 1.30.5 is not stored: 1.30.4 changed this chart's files/ (its notes: the
                // sidecar and gateway injection templates now escape several sidecar.istio.io/* annotation
                // values), and neither the 1.30.4 nor the 1.30.5 notes name a changed values key; unverified
                // against the 1.30.5 chart itself.
                values: {
                    env: {
                        // Native sidecars (Kubernetes sidecar containers): the proxy starts before and stops
                        // after the app containers, so the app's preStop and shutdown run with the proxy still up.
                        // "auto" would enable them only when every kubelet is >= 1.33.
                        ENABLE_NATIVE_SIDECARS: "true",
                    },
                    meshConfig: {
                        defaultConfig: {
                            // For pods that opt out of native sidecars: no app traffic before the proxy is up.
                            holdApplicationUntilProxyStarts: true,
                            // Waited for after SIGTERM by the gateway's pilot-agent (its drain window, instead of
                            // Istio's 5 s default). A native sidecar never waits it (rules/timing.ts).
                            terminationDrainDuration: `${args.gatewayTiming.drainSeconds}s`,
                            // How long a draining Envoy keeps its listeners: a native sidecar's inbound listeners
                            // close this long after its pod starts terminating (rules/timing.ts). Istio's default,
                            // written out so the timing rules and the mesh read the same number.
                            drainDuration: `${args.sidecarInboundDrainSeconds}s`,
                        },
                    },
                    // istio-discovery templates/poddisruptionbudget.yaml renders pdb.unhealthyPodEvictionPolicy (1.30.3).
                    pdb: { minAvailable: 1, unhealthyPodEvictionPolicy: EVICT_UNHEALTHY },
                    // Two replicas: the chart renders istiod's PDB only above one (templates/poddisruptionbudget.yaml).
                    autoscaleMin: ISTIO.istiod.replicas,
                    // The chart's defaults, set here so the capacity model counts what is deployed (footprints.ts).
                    resources: { requests: requestsOf(ISTIO.istiod.requests) },
                    global: { proxy: { resources: { requests: requestsOf(ISTIO.sidecar.requests) } } },
                },
            },
            // CRDs come from base; istiod's pods need nodes.
            { parent: this, dependsOn: [base, args.nodesReady] },
        );

        new k8s.apiextensions.CustomResource(
            `${name}-mtls`,
            {
                apiVersion: "security.istio.io/v1",
                kind: "PeerAuthentication",
                // A PeerAuthentication named default in the root namespace is mesh-wide (istio.io docs, PeerAuthentication).
                metadata: { name: "default", namespace: ISTIO_NAMESPACE },
                spec: { mtls: { mode: args.mtlsMode } },
            },
            // The CRD comes from base and istiod's webhook validates it.
            { parent: this, dependsOn: [base, this.istiod] },
        );

        const gatewayNamespace = new k8s.core.v1.Namespace(
            `${name}-gateway-ns`,
            // Readiness gates: a new gateway pod takes traffic (and an old one may go) only once the ALB sees it healthy.
            { metadata: { name: GATEWAY_NAMESPACE, labels: READINESS_GATE_LABEL } },
            { parent: this },
        );

        const timing = args.gatewayTiming;
        const gateway = pinnedRelease<GatewayValues>(
            `${name}-gateway`,
            {
                name: GATEWAY_NAME,
                namespace: GATEWAY_NAMESPACE,
                pin,
                chart: "gateway",
                // Keys from manifests/charts/gateway/values.yaml at tag 1.30.3 (release-1.30 had no change under
                // manifests/ up to 2026-08-21, the newest snapshot; 1.30.4 and 1.30.5 are not stored, and their
                // notes name no change to this chart).
                values: {
                    name: GATEWAY_NAME,
                    // The ALB targets pod IPs (target-type ip); no cloud load balancer for this Service.
                    service: { type: "ClusterIP" },
                    autoscaling: {
                        enabled: true,
                        minReplicas: ISTIO.gateway.replicas,
                        maxReplicas: ISTIO.gateway.maxReplicas,
                        targetCPUUtilizationPercentage: ISTIO.gateway.targetCpuUtilization,
                    },
                    resources: { requests: requestsOf(ISTIO.gateway.requests) },
                    // The gateway chart renders podDisruptionBudget as given, with its own selector, once
                    // autoscaling.minReplicas > 1 (templates/poddisruptionbudget.yaml, 1.30.3).
                    podDisruptionBudget: { maxUnavailable: ISTIO.gateway.maxUnavailable, unhealthyPodEvictionPolicy: EVICT_UNHEALTHY },
                    terminationGracePeriodSeconds: timing.terminationGracePeriodSeconds,
                    lifecycle: { preStop: preStopSleep(timing.preStopSeconds, args.kubernetesVersion) },
                    // Over zones and nodes, as the app's pods (app/zero-downtime-service.ts): a node that
                    // fails or drains takes one gateway pod, not several. Soft, so a scale-out never waits on
                    // balance. The chart writes the list into the pod spec as given (templates/deployment.yaml,
                    // values.yaml `topologySpreadConstraints: []`, 1.30.3); its pods carry `istio: ingressgateway`
                    // (templates/_helpers.tpl gateway.selectorLabels: the name without `istio-`).
                    topologySpreadConstraints: GATEWAY_SPREAD_KEYS.map((topologyKey) => ({
                        maxSkew: 1,
                        topologyKey,
                        whenUnsatisfiable: "ScheduleAnyway",
                        labelSelector: { matchLabels: { istio: "ingressgateway" } },
                    })),
                },
            },
            {
                parent: this,
                // istiod injects the gateway's proxy; the controller's webhooks must exist before the gateway's
                // pods (readiness-gate injection) and Service (its Service mutator) are created.
                dependsOn: [this.istiod, args.loadBalancerController, gatewayNamespace],
            },
        );

        new k8s.apiextensions.CustomResource(
            `${name}-shared-gateway`,
            {
                apiVersion: "networking.istio.io/v1",
                kind: "Gateway",
                metadata: { name: SHARED_GATEWAY_NAME, namespace: GATEWAY_NAMESPACE },
                spec: {
                    selector: { istio: "ingressgateway" },
                    servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: args.gatewayHosts }],
                },
            },
            // The CRD comes from base; the gateway pods it configures come from the gateway release.
            { parent: this, dependsOn: [base, gateway] },
        );

        this.ingress = new k8s.networking.v1.Ingress(
            `${name}-alb`,
            {
                metadata: {
                    name: ENTRYPOINT_INGRESS,
                    namespace: GATEWAY_NAMESPACE,
                    annotations: {
                        ...(args.certificateArn === undefined ? {} : httpsAnnotations(args.certificateArn)),
                        ...albAnnotations({
                            scheme: args.ingressScheme,
                            healthCheckPath: GATEWAY_READY_PATH,
                            healthCheckPort: GATEWAY_STATUS_PORT,
                            successCodes: "200",
                            ...timing,
                            tags: args.tags,
                            ...(args.loadBalancerName ? { loadBalancerName: args.loadBalancerName } : {}),
                        }),
                    },
                },
                spec: {
                    ingressClassName: "alb",
                    defaultBackend: { service: { name: GATEWAY_NAME, port: { number: 80 } } },
                },
            },
            {
                parent: this,
                // Created after the controller (which reconciles it into an ALB) and deleted before it, so the
                // controller is still there to delete the ALB, its target groups and security groups.
                dependsOn: [args.loadBalancerController, gateway],
            },
        );

        // Readiness gates are injected only into pods created once a TargetGroupBinding selects their
        // Service (docs/deploy/pod_readiness_gate.md), and the controller creates that binding while it
        // reconciles the Ingress, after the gateway's first pods exist. So, once the Ingress has its ALB,
        // roll the gateway: its new pods get their gates. The annotation carries the Ingress's UID, so
        // the roll happens once, and again only if the Ingress (and its binding) is replaced.
        new k8s.apps.v1.DeploymentPatch(
            `${name}-gateway-gates`,
            {
                metadata: { name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE },
                spec: { template: { metadata: { annotations: { [GATES_ANNOTATION]: this.ingress.metadata.uid } } } },
            },
            // After the Ingress is ready (its target group binding exists); see above.
            { parent: this, dependsOn: [this.ingress] },
        );

        this.ingressGatewayService = `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`;
        this.registerOutputs({ ingressGatewayService: this.ingressGatewayService });
    }
}
