// The zero-downtime checks, over plain resource views (type, name, props) so the same code judges
// a live `pulumi preview` (policy/index.ts) and the offline synth output (synth/cli.ts). The
// numbers come from rules/: one source of truth with settings validation.
import {
    ISTIO_DEFAULT_INBOUND_DRAIN_SECONDS,
    PROXY_CONFIG_ANNOTATION,
    SHUTDOWN_ANNOTATION,
    TimingBudget,
    checkTiming,
} from "../rules/timing";
import { checkRolloutRange, resolveIntOrPercent } from "../rules/rollout";
import { imagePinned } from "../rules/formats";
import {
    checkDisruptionAllowed,
    checkGraceWithinDrain,
    checkNodePoolLimit,
    cpuMillicores,
    checkUnhealthyEviction,
    durationSeconds as nodePoolDurationSeconds,
} from "../rules/drain";
import { NODE_POOL_LABEL } from "../components/addons/names";
import { AlbHealthCheck, CONTROLLER_DEFAULTS, checkAlbHealthCheck, checkNameLength } from "../rules/aws-limits";

/** A resource as both Pulumi's policy engine and the synth harness see it. */
export interface ResourceView {
    type: string;
    name: string;
    props: Record<string, unknown>;
}

export type Enforcement = "mandatory" | "advisory";

/** One policy's verdict on one resource: what is wrong and what to change it to. */
export interface Finding {
    policy: string;
    enforcement: Enforcement;
    resource: string;
    message: string;
}

/** Every policy, its enforcement, and why it is mandatory or advisory. */
export const POLICIES: Record<string, { enforcement: Enforcement; description: string }> = {
    "readiness-probe-present": {
        enforcement: "mandatory",
        description: "Every container has a readiness probe: without one a pod takes traffic before it can serve.",
    },
    "prestop-covers-deregistration": {
        enforcement: "mandatory",
        description: "preStop keeps the pod serving until the load balancer has stopped routing to it (502s on scale-in, seed 003).",
    },
    "grace-covers-prestop-and-shutdown": {
        enforcement: "mandatory",
        description: "terminationGracePeriodSeconds ≥ preStop + the app's shutdown, or requests are cut.",
    },
    "sidecar-inbound-covers-deregistration": {
        enforcement: "mandatory",
        description:
            "A meshed pod's native Istio sidecar drains from the start of termination and closes its inbound listeners after drainDuration: that must outlast the time callers may still route to the pod.",
    },
    "deregistration-within-grace": {
        enforcement: "mandatory",
        description: "ALB deregistration delay ≤ the pod's grace period (the ALB default is 300 s).",
    },
    "alb-target-type-ip": {
        enforcement: "mandatory",
        description: "ALB Ingresses target pod IPs: instance mode goes through NodePorts and cannot use readiness gates.",
    },
    "alb-readiness-gate-namespace": {
        enforcement: "mandatory",
        description: "The namespace behind an ALB is labelled for readiness gates, so a rollout waits for the ALB to see new pods healthy.",
    },
    "hpa-targets-request-cpu": {
        enforcement: "mandatory",
        description: "Every container of a CPU-scaled workload requests CPU, or the HPA cannot compute utilization (seed 003).",
    },
    "rollout-keeps-ready-floor": { enforcement: "mandatory", description: "A rolling update never takes more than one ready pod away." },
    "rollout-can-progress": { enforcement: "mandatory", description: "maxSurge and maxUnavailable are not both zero." },
    "alb-health-check-accepted": {
        enforcement: "mandatory",
        description:
            "The ALB's health-check numbers are in the ELB API's ranges and the timeout is below the interval, or the ALB is never created.",
    },
    "aws-name-length": {
        enforcement: "mandatory",
        description: "IAM role names Pulumi derives from the stack (name + 8 characters) fit AWS's 64-character limit.",
    },
    "readiness-detects-before-rollout-step": {
        enforcement: "mandatory",
        description: "minReadySeconds ≥ readiness period × failure threshold, so a rollout notices a failing new pod before moving on.",
    },
    "no-latest-image": { enforcement: "mandatory", description: "Images are pinned: a rollback to `latest` is no rollback." },
    "pdb-allows-one-eviction": {
        enforcement: "mandatory",
        description:
            "A PodDisruptionBudget allows at least one eviction at the workload's lowest replica count, or every drain blocks on it.",
    },
    "pdb-evicts-unhealthy-pods": {
        enforcement: "mandatory",
        description: "PodDisruptionBudgets set unhealthyPodEvictionPolicy: AlwaysAllow, so a crash-looping pod cannot block a drain.",
    },
    "grace-within-node-update": {
        enforcement: "mandatory",
        description: "terminationGracePeriodSeconds ≤ 900: an EKS managed node update waits 15 minutes for pods, then fails.",
    },
    "node-pool-holds-peak": {
        enforcement: "mandatory",
        description: "A Karpenter NodePool's CPU limit holds what the workloads pinned to it request at their HPA maxima.",
    },
    "grace-within-node-pool": {
        enforcement: "mandatory",
        description: "Pods on a Karpenter NodePool have a grace period ≤ its terminationGracePeriod, or Karpenter deletes them early.",
    },
    // Advisory: it matters for availability but does not alone cause failed requests during a rollout.
    "pdb-for-multi-replica": {
        enforcement: "advisory",
        description: "Multi-replica workloads have a PodDisruptionBudget, so node drains take one pod at a time.",
    },
};

const ALB_PREFIX = "alb.ingress.kubernetes.io/";
const READINESS_GATE = "elbv2.k8s.aws/pod-readiness-gate-inject";
// Kubernetes' default terminationGracePeriodSeconds.
const DEFAULT_GRACE = 30;

const TYPES = {
    deployment: "kubernetes:apps/v1:Deployment",
    namespace: "kubernetes:core/v1:Namespace",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    hpa: /^kubernetes:autoscaling\/v[12]:HorizontalPodAutoscaler$/,
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    nodePool: "kubernetes:karpenter.sh/v1:NodePool",
};

type K8s = any;

const meta = (r: ResourceView): K8s => r.props.metadata ?? {};
const namespaceOf = (r: ResourceView): string => meta(r).namespace ?? "default";

/** Seconds a preStop hook sleeps: the sleep action, or `sleep N` in an exec command; undefined when there is none. */
export function preStopSeconds(container: K8s): number | undefined {
    const preStop = container?.lifecycle?.preStop;
    if (preStop?.sleep?.seconds !== undefined) {
        return Number(preStop.sleep.seconds);
    }
    const command: string = (preStop?.exec?.command ?? []).join(" ");
    const m = /sleep\s+(\d+)/.exec(command);
    return m ? Number(m[1]) : undefined;
}

/** What the controller will ask the ELB API for, from an Ingress's annotations (its defaults where absent). */
export function albHealthCheckOf(ingress: ResourceView): AlbHealthCheck {
    const a: Record<string, string> = meta(ingress).annotations ?? {};
    const attrs = a[`${ALB_PREFIX}target-group-attributes`] ?? "";
    const delay = /deregistration_delay\.timeout_seconds=(\d+)/.exec(attrs);
    const num = (key: string, fallback: number) => Number(a[`${ALB_PREFIX}${key}`] ?? fallback);
    return {
        healthCheckIntervalSeconds: num("healthcheck-interval-seconds", CONTROLLER_DEFAULTS.healthCheckIntervalSeconds),
        healthCheckTimeoutSeconds: num("healthcheck-timeout-seconds", CONTROLLER_DEFAULTS.healthCheckTimeoutSeconds),
        healthyThreshold: num("healthy-threshold-count", CONTROLLER_DEFAULTS.healthyThreshold),
        unhealthyThreshold: num("unhealthy-threshold-count", CONTROLLER_DEFAULTS.unhealthyThreshold),
        deregistrationDelaySeconds: delay ? Number(delay[1]) : CONTROLLER_DEFAULTS.deregistrationDelaySeconds,
    };
}

function albTiming(
    ingress: ResourceView | undefined,
): Pick<TimingBudget, "healthCheckIntervalSeconds" | "unhealthyThreshold" | "deregistrationDelaySeconds"> {
    if (ingress === undefined) {
        // Not an ALB target (e.g. behind the Istio gateway): only endpoint propagation to wait for.
        return { healthCheckIntervalSeconds: 0, unhealthyThreshold: 0, deregistrationDelaySeconds: 0 };
    }
    const h = albHealthCheckOf(ingress);
    return {
        healthCheckIntervalSeconds: h.healthCheckIntervalSeconds,
        unhealthyThreshold: h.unhealthyThreshold,
        deregistrationDelaySeconds: h.deregistrationDelaySeconds,
    };
}

/** Seconds a ProxyConfig duration such as "45s" stands for. */
function durationSeconds(value: unknown): number | undefined {
    const m = typeof value === "string" ? /^(\d+)s$/.exec(value) : null;
    return m ? Number(m[1]) : undefined;
}

/**
 * How long the pod's native sidecar keeps accepting inbound connections once the pod terminates
 * (rules/timing.ts): the pod's own proxy config annotation's `drainDuration`, else the mesh default
 * istiod was installed with, else Istio's 45 s; undefined when the namespace is not meshed.
 */
function sidecarInboundDrainOf(deployment: ResourceView, resources: ResourceView[]): number | undefined {
    const namespace = resources.find((r) => r.type === TYPES.namespace && meta(r).name === namespaceOf(deployment));
    if (meta(namespace ?? { type: "", name: "", props: {} }).labels?.["istio-injection"] !== "enabled") {
        return undefined;
    }
    const annotation = (deployment.props.spec as K8s)?.template?.metadata?.annotations?.[PROXY_CONFIG_ANNOTATION];
    if (annotation !== undefined) {
        try {
            const fromPod = durationSeconds((JSON.parse(String(annotation)) as { drainDuration?: unknown }).drainDuration);
            if (fromPod !== undefined) {
                return fromPod;
            }
        } catch {
            // Not JSON (Istio also accepts YAML): fall through to the mesh default.
        }
    }
    const istiod = resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.props.name === "istiod");
    const meshDefault = durationSeconds((istiod?.props.values as K8s)?.meshConfig?.defaultConfig?.drainDuration);
    return meshDefault ?? ISTIO_DEFAULT_INBOUND_DRAIN_SECONDS;
}

const isAlb = (r: ResourceView): boolean =>
    r.type === TYPES.ingress &&
    ((r.props.spec as K8s)?.ingressClassName === "alb" || Object.keys(meta(r).annotations ?? {}).some((k) => k.startsWith(ALB_PREFIX)));

/** Replicas a workload runs at least and at most: the HPA's range when one targets it. */
function replicasOf(deployment: ResourceView, hpa: ResourceView | undefined): { min: number; max: number } {
    const fixed = Number((deployment.props.spec as K8s)?.replicas ?? 1);
    const spec = hpa?.props.spec as K8s;
    return { min: Number(spec?.minReplicas ?? (spec ? 1 : fixed)), max: Number(spec?.maxReplicas ?? fixed) };
}

/** The timing budget of one Deployment as deployed, with the ALB it sits behind (if any). */
export function budgetOf(deployment: ResourceView, ingress: ResourceView | undefined, sidecarInboundDrainSeconds?: number): TimingBudget {
    const spec: K8s = deployment.props.spec ?? {};
    const podSpec: K8s = spec.template?.spec ?? {};
    const containers: K8s[] = podSpec.containers ?? [];
    const readiness: K8s = containers[0]?.readinessProbe ?? {};
    return {
        preStopSeconds: Math.min(...containers.map((c) => preStopSeconds(c) ?? 0)),
        shutdownSeconds: Number(spec.template?.metadata?.annotations?.[SHUTDOWN_ANNOTATION] ?? 0),
        terminationGracePeriodSeconds: Number(podSpec.terminationGracePeriodSeconds ?? DEFAULT_GRACE),
        ...(sidecarInboundDrainSeconds === undefined ? {} : { sidecarInboundDrainSeconds }),
        ...albTiming(ingress),
        readinessPeriodSeconds: Number(readiness.periodSeconds ?? 10),
        readinessFailureThreshold: Number(readiness.failureThreshold ?? 3),
        minReadySeconds: Number(spec.minReadySeconds ?? 0),
        // Meshed and no ALB of its own: the gateway's Envoys route to it (rules/timing.ts MESH_PROPAGATION_SECONDS).
        reachedThrough: ingress === undefined && sidecarInboundDrainSeconds !== undefined ? "mesh" : "alb",
    };
}

/** For each Deployment, the ALB Ingress in its namespace, if any. */
export function workloads(
    resources: ResourceView[],
): { deployment: ResourceView; ingress?: ResourceView; hpa?: ResourceView; sidecarInboundDrainSeconds?: number }[] {
    const ingresses = resources.filter(isAlb);
    const hpas = resources.filter((r) => TYPES.hpa.test(r.type));
    return resources
        .filter((r) => r.type === TYPES.deployment)
        .map((deployment) => ({
            deployment,
            ingress: ingresses.find((i) => namespaceOf(i) === namespaceOf(deployment)),
            sidecarInboundDrainSeconds: sidecarInboundDrainOf(deployment, resources),
            hpa: hpas.find(
                (h) => namespaceOf(h) === namespaceOf(deployment) && (h.props.spec as K8s)?.scaleTargetRef?.name === meta(deployment).name,
            ),
        }));
}

/** True when the PDB's selector picks the Deployment's pods (same namespace, every matchLabel). */
function selects(pdb: ResourceView, deployment: ResourceView, podLabels: Record<string, string>): boolean {
    const selector: Record<string, string> = (pdb.props.spec as K8s)?.selector?.matchLabels ?? {};
    return namespaceOf(pdb) === namespaceOf(deployment) && Object.entries(selector).every(([k, v]) => podLabels[k] === v);
}

function finding(policy: string, resource: ResourceView, message: string): Finding {
    return { policy, enforcement: POLICIES[policy].enforcement, resource: resource.name, message };
}

/** Every finding for a set of resources (a stack). */
export function checkResources(resources: ResourceView[]): Finding[] {
    const findings: Finding[] = [];
    const namespaces = new Map(resources.filter((r) => r.type === TYPES.namespace).map((n) => [meta(n).name as string, n]));
    const pdbs = resources.filter((r) => r.type === TYPES.pdb);
    const nodePools = resources.filter((r) => r.type === TYPES.nodePool);
    const peakByPool = new Map<string, number>();
    for (const p of pdbs) {
        for (const v of checkUnhealthyEviction(
            `${namespaceOf(p)}/${String(meta(p).name)}`,
            (p.props.spec as K8s)?.unhealthyPodEvictionPolicy,
        )) {
            findings.push(finding(v.rule, p, `${v.message}; fix: ${v.fix}`));
        }
    }

    for (const { deployment, ingress, hpa, sidecarInboundDrainSeconds } of workloads(resources)) {
        const spec: K8s = deployment.props.spec ?? {};
        const containers: K8s[] = spec.template?.spec?.containers ?? [];
        const podLabels: Record<string, string> = spec.template?.metadata?.labels ?? {};
        for (const c of containers) {
            if (!c.readinessProbe) {
                findings.push(
                    finding(
                        "readiness-probe-present",
                        deployment,
                        `container ${c.name} has no readinessProbe: add one on the path the load balancer health-checks`,
                    ),
                );
            }
            if (preStopSeconds(c) === undefined) {
                findings.push(
                    finding(
                        "prestop-covers-deregistration",
                        deployment,
                        `container ${c.name} has no preStop hook: add lifecycle.preStop.sleep.seconds (see the required value below)`,
                    ),
                );
            }
            if (!imagePinned(String(c.image))) {
                findings.push(
                    finding("no-latest-image", deployment, `container ${c.name} runs ${String(c.image)}: pin a version tag or digest`),
                );
            }
            if (hpa && !c.resources?.requests?.cpu) {
                findings.push(
                    finding(
                        "hpa-targets-request-cpu",
                        deployment,
                        `container ${c.name} requests no CPU but ${hpa.name} scales on CPU: set resources.requests.cpu`,
                    ),
                );
            }
        }
        const budget = budgetOf(deployment, ingress, sidecarInboundDrainSeconds);
        const hasPreStop = containers.every((c) => preStopSeconds(c) !== undefined);
        for (const v of checkTiming(budget)) {
            if (v.rule === "prestop-covers-deregistration" && !hasPreStop) {
                continue; // Already reported as missing.
            }
            findings.push(finding(v.rule, deployment, `${v.message}; fix: ${v.fix}`));
        }
        const grace = Number(spec.template?.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE);
        const poolName: string | undefined = spec.template?.spec?.nodeSelector?.[NODE_POOL_LABEL];
        const pool = nodePools.find((n) => meta(n).name === poolName);
        const poolGrace = pool
            ? nodePoolDurationSeconds(String((pool.props.spec as K8s)?.template?.spec?.terminationGracePeriod ?? ""))
            : undefined;
        for (const v of checkGraceWithinDrain(
            { workload: `${namespaceOf(deployment)}/${String(meta(deployment).name)}`, terminationGracePeriodSeconds: grace },
            poolGrace,
        )) {
            findings.push(finding(v.rule, deployment, `${v.message}; fix: ${v.fix}`));
        }
        const range = replicasOf(deployment, hpa);
        if (pool !== undefined && poolName !== undefined) {
            const perPod = containers.reduce((sum, c) => sum + (cpuMillicores(String(c.resources?.requests?.cpu ?? "0")) ?? 0), 0);
            // A rolling update at the HPA maximum runs its surge pods beside the old ones (maxSurge rounds up).
            const surge =
                spec.strategy?.type === "Recreate"
                    ? 0
                    : resolveIntOrPercent(spec.strategy?.rollingUpdate?.maxSurge ?? "25%", range.max, true);
            peakByPool.set(poolName, (peakByPool.get(poolName) ?? 0) + perPod * (range.max + surge));
        }
        const replicas = range.max;
        if (replicas > 1) {
            const rolling = spec.strategy?.rollingUpdate ?? {};
            const plan = {
                minReplicas: range.min,
                maxReplicas: range.max,
                maxSurge: rolling.maxSurge ?? "25%",
                maxUnavailable: rolling.maxUnavailable ?? "25%",
                maxLostPods: 1,
            };
            const recreate = spec.strategy?.type === "Recreate";
            const violations = recreate
                ? [
                      {
                          rule: "rollout-keeps-ready-floor",
                          message: "strategy Recreate stops every pod before starting new ones",
                          fix: "use RollingUpdate with maxUnavailable 0",
                      },
                  ]
                : checkRolloutRange(plan);
            for (const v of violations.filter((x) => x.rule in POLICIES)) {
                findings.push(finding(v.rule, deployment, `${v.message}; fix: ${v.fix}`));
            }
            const covered = pdbs.some((p) => selects(p, deployment, podLabels));
            for (const p of pdbs.filter((pdb) => selects(pdb, deployment, podLabels))) {
                const pdbSpec: K8s = p.props.spec ?? {};
                const budget = {
                    workload: `${namespaceOf(deployment)}/${String(meta(deployment).name)}`,
                    replicas: range.min,
                    ...(pdbSpec.maxUnavailable !== undefined ? { maxUnavailable: Number(pdbSpec.maxUnavailable) } : {}),
                    ...(pdbSpec.minAvailable !== undefined ? { minAvailable: Number(pdbSpec.minAvailable) } : {}),
                };
                for (const v of checkDisruptionAllowed(budget)) {
                    findings.push(finding(v.rule, p, `${v.message}; fix: ${v.fix}`));
                }
            }
            if (!covered) {
                findings.push(
                    finding(
                        "pdb-for-multi-replica",
                        deployment,
                        `${replicas} replicas and no PodDisruptionBudget selects them: add one with maxUnavailable: 1`,
                    ),
                );
            }
        }
    }

    for (const pool of nodePools) {
        const name = String(meta(pool).name);
        const limit = cpuMillicores(String((pool.props.spec as K8s)?.limits?.cpu ?? ""));
        if (limit !== undefined) {
            for (const v of checkNodePoolLimit(name, limit, peakByPool.get(name) ?? 0)) {
                findings.push(finding(v.rule, pool, `${v.message}; fix: ${v.fix}`));
            }
        }
    }

    for (const ingress of resources.filter(isAlb)) {
        for (const v of checkAlbHealthCheck(albHealthCheckOf(ingress))) {
            findings.push(finding("alb-health-check-accepted", ingress, `${v.message}; fix: ${v.fix}`));
        }
        const a: Record<string, string> = meta(ingress).annotations ?? {};
        const targetType = a[`${ALB_PREFIX}target-type`] ?? "instance";
        if (targetType !== "ip") {
            findings.push(finding("alb-target-type-ip", ingress, `target-type is ${targetType}: set ${ALB_PREFIX}target-type: ip`));
        }
        const ns = namespaces.get(namespaceOf(ingress));
        if (ns !== undefined && meta(ns).labels?.[READINESS_GATE] !== "enabled") {
            findings.push(
                finding(
                    "alb-readiness-gate-namespace",
                    ingress,
                    `namespace ${namespaceOf(ingress)} lacks the label ${READINESS_GATE}: enabled`,
                ),
            );
        }
    }
    for (const role of resources.filter((r) => r.type === "aws:iam/role:Role")) {
        // A preview shows the physical name the provider chose; the offline model has only the logical name.
        const physical = role.props.name;
        const violations =
            typeof physical === "string" ? checkNameLength("iamRole", physical, false) : checkNameLength("iamRole", role.name, true);
        for (const v of violations) {
            findings.push(finding("aws-name-length", role, `${v.message}; fix: ${v.fix} (use a shorter stack name)`));
        }
    }
    return findings;
}
