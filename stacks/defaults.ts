import { DEFAULT_KUBERNETES_VERSION } from "../components/versions";
import { ISTIO_DEFAULT_INBOUND_DRAIN_SECONDS } from "../rules/timing";

// "seed 00N" in comments here and across the code names one of the five field reports the defaults
// come from; docs/architecture.md, "The field reports the defaults come from", says which is which.
// Every default of the program lives here, per environment. A stack file overrides any of them;
// nothing else in the code base supplies a fallback value.

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

import { LoadBalancerScheme, MtlsMode, NatGatewayMode } from "../components/choices";

/** Addon defaults: the same in every environment (every addon on). */
export const ADDON_DEFAULTS = {
    loadBalancerController: {
        enabled: true,
        // Two replicas so a node drain never leaves Ingress reconciliation (and readiness gates) without a controller.
        replicas: 2,
    },
    metricsServer: { enabled: true },
    istio: {
        enabled: true,
        // Seed 002: mesh-wide STRICT so only mTLS traffic reaches sidecars.
        mtlsMode: "STRICT" as MtlsMode,
        ingressScheme: "internet-facing" as LoadBalancerScheme,
    },
    locust: {
        enabled: true,
        // Locust's docs: one worker process per core; the HPA grows workers as users are added.
        maxWorkers: 10,
    },
    karpenter: {
        enabled: true,
        // The mission's node type (m5.large, as the system pool), on-demand: a spot reclaim is a drain
        // with two minutes' notice, which the app's 90 s grace survives, but that is a choice to make.
        instanceTypes: ["m5.large"],
        capacityTypes: ["on-demand"] as ("on-demand" | "spot")[],
        // An alias without a date follows every new EKS AMI (Karpenter replaces nodes on drift, through
        // the budgets below); Karpenter's docs recommend pinning `al2023@vYYYYMMDD` in production
        // (concepts/nodeclasses.md, amiSelectorTerms): set amiAlias per stack once a version is chosen.
        amiAlias: "al2023@latest",
        // The getting-started NodePool's consolidateAfter (website/content/en/v1.14/getting-started/
        // getting-started-with-karpenter/scripts/step12-add-nodepool.sh): a node stays a minute after
        // it empties, so a quick scale-in/scale-out does not churn nodes.
        consolidateAfter: "1m",
        // The CRD's default budget: at most 10% of the NodePool's nodes disrupted at once (at least one).
        budgets: [{ nodes: "10%" }] as { nodes: string; schedule?: string; duration?: string }[],
        // The CRD's default: nodes are replaced after 30 days (patched AMI, fresh kubelet).
        expireAfter: "720h",
        // As long as an EKS managed node update waits for pods (rules/drain.ts): a drain blocked
        // longer by a PDB is a fault either way, and every workload's grace period fits well inside.
        terminationGracePeriod: "15m",
    },
};

/**
 * Alarms on the entrypoint ALB (components/alarms.ts): any 5xx, or any unhealthy target, in one
 * minute (the ALB reports every 60 s) notifies the stack's topic. One period: a 5xx is the very
 * number this platform promises to keep at zero, so the first one is worth a look.
 */
export const ALARM_DEFAULTS = { enabled: true, periodSeconds: 60, evaluationPeriods: 1 };

/**
 * Termination timing of the Istio ingress gateway pods behind the ALB (seed 001's numbers, which
 * measured zero 5xx on rollout): the ALB health-checks every 5 s, waits 3 s for an answer (the
 * ELB API needs the timeout below the interval; the controller would send 5 otherwise) and marks
 * a target unhealthy after 2 failures; the pod keeps serving 25 s after it starts terminating
 * (seed 001 ran 40 s), exactly the 15 s deregistration propagation plus 2 × 5 s failed checks the rule
 * asks of an ALB target, so the ALB has stopped routing new requests to it;
 * in-flight requests get the 30 s deregistration delay (ALB default 300 s); grace covers preStop
 * plus Envoy's drain. `drainSeconds` is the mesh-wide terminationDrainDuration, which the gateway's
 * pilot-agent waits after SIGTERM; native sidecars never wait it (rules/timing.ts), so it is not in
 * any meshed workload's grace.
 */
export const GATEWAY_TIMING = {
    healthCheckIntervalSeconds: 5,
    healthCheckTimeoutSeconds: 3,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    // An ALB target: 15 s propagation + 5 s × 2 failed checks (rules/timing.ts requiredPreStopSeconds).
    preStopSeconds: 25,
    deregistrationDelaySeconds: 30,
    drainSeconds: 20,
    terminationGracePeriodSeconds: 70,
};

/**
 * The mesh's ProxyConfig drainDuration: a terminating pod's native sidecar keeps accepting inbound
 * connections this long (rules/timing.ts). Istio's default (pkg/config/mesh/mesh.go, 45 s), far above
 * the 15 s the mesh's Envoys may still route to a meshed app (rule `sidecar-inbound-covers-deregistration`).
 */
export const SIDECAR_INBOUND_DRAIN_SECONDS = ISTIO_DEFAULT_INBOUND_DRAIN_SECONDS;

export { COLORS, Color } from "../components/app/labels";
// The app's defaults live with the component, so a team using it from its own program gets them too.
export { APP_DEFAULTS } from "../components/app/defaults";

export interface EnvironmentDefaults {
    network: {
        cidrBlock: string;
        availabilityZoneCount: number;
        natGateways: NatGatewayMode;
    };
    /** The mesh's dashboards (addons.observability.enabled): where people look at the mesh, not where it only serves. */
    observability: boolean;
    cluster: {
        version: string;
        instanceType: string;
        minSize: number;
        desiredSize: number;
        maxSize: number;
        logRetentionDays: number;
        protect: boolean;
    };
}

const shared = {
    cidrBlock: "10.0.0.0/16",
    // The newest EKS version, in standard support until 2027-08-02 (components/versions.ts).
    version: DEFAULT_KUBERNETES_VERSION,
    // The seeds' clusters (001, 004) ran on m5.large: 2 vCPU, 8 GiB, 29 pods with the VPC CNI.
    instanceType: "m5.large",
};

function sized(minSize: number, desiredSize: number, maxSize: number) {
    return { version: shared.version, instanceType: shared.instanceType, minSize, desiredSize, maxSize };
}

export const DEFAULTS: Record<Environment, EnvironmentDefaults> = {
    dev: {
        // One NAT gateway: cheaper, and an AZ outage taking dev's egress down is acceptable.
        network: { cidrBlock: shared.cidrBlock, availabilityZoneCount: 2, natGateways: "single" },
        observability: true,
        // Three nodes: every pod the stack runs (istiod alone asks 2 × 500m) needs 4.3 vCPU of requests and
        // two m5.large offer 3.6 allocatable (the synth report lists each pod). Nothing scales the group
        // yet, so min = desired. A month of logs is enough to debug dev.
        cluster: { ...sized(3, 3, 4), logRetentionDays: 30, protect: false },
    },
    staging: {
        network: { cidrBlock: shared.cidrBlock, availabilityZoneCount: 2, natGateways: "single" },
        observability: true,
        cluster: { ...sized(3, 3, 6), logRetentionDays: 90, protect: false },
    },
    prod: {
        // A NAT gateway per AZ so one AZ failing does not cut the others' egress (ECR pulls, AWS APIs).
        network: { cidrBlock: shared.cidrBlock, availabilityZoneCount: 3, natGateways: "onePerAz" },
        // Off: anonymous dashboards and an unauthenticated Prometheus are for the environments people debug in.
        observability: false,
        // Three nodes so every AZ has one and zone topology spread can be satisfied.
        // A year of control-plane (audit) logs; protect: the cluster, its secrets key and its logs survive a stray destroy.
        cluster: { ...sized(3, 3, 12), logRetentionDays: 365, protect: true },
    },
};
