// Drains lose no request only when they can finish: node group updates, Karpenter's consolidation,
// expiry and drift all evict pods through PDBs and then wait at most a bounded time. Pure: no
// Pulumi import. Each rule is applied by settings validation, the components and the policy pack.
import type { Violation } from "./timing";

/**
 * How long an EKS managed node group update waits for a node's pods to leave: "If the Pods don't
 * leave the node within 15 minutes and there's no force flag, the upgrade phase fails with a
 * PodEvictionFailure error" (awsdocs/amazon-eks-user-guide latest/ug/nodes/managed-node-update-behavior.adoc).
 */
export const MANAGED_NODE_UPDATE_EVICTION_SECONDS = 15 * 60;

// Patterns of the NodePool CRD (aws/karpenter-provider-aws pkg/apis/crds/karpenter.sh_nodepools.yaml, v1.14.1).
/** `expireAfter`, `consolidateAfter`: a Go-style duration in s/m/h, or `Never`. */
export const NODE_POOL_DURATION = /^(([0-9]+(s|m|h))+|Never)$/;
/** `template.spec.terminationGracePeriod`: a duration, `Never` not allowed. */
export const TERMINATION_GRACE_PERIOD = /^([0-9]+(s|m|h))+$/;
/** `disruption.budgets[].nodes`: a count or a percentage up to 100%. */
export const BUDGET_NODES = /^((100|[0-9]{1,2})%|[0-9]+)$/;
/** `disruption.budgets[].duration`: hours and/or minutes. */
export const BUDGET_DURATION = /^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/;
/** `disruption.budgets[].schedule`: a cron macro or five cron fields. */
export const BUDGET_SCHEDULE = /^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$/;

/** Seconds of a NodePool duration (`1h30m`, `90s`); undefined for `Never` or text that is no duration. */
export function durationSeconds(text: string): number | undefined {
    if (!TERMINATION_GRACE_PERIOD.test(text)) {
        return undefined;
    }
    const unit: Record<string, number> = { s: 1, m: 60, h: 3600 };
    return [...text.matchAll(/([0-9]+)(s|m|h)/g)].reduce((sum, [, n, u]) => sum + Number(n) * unit[u], 0);
}

/** A PDB at the workload's lowest replica count (its HPA minimum, or its fixed replicas). */
export interface DisruptionBudgetAt {
    workload: string;
    /** Replicas at the bottom of the HPA's range. */
    replicas: number;
    // `| undefined`: callers pass the field they read, set or not (exactOptionalPropertyTypes, the package's build).
    minAvailable?: number | undefined;
    maxUnavailable?: number | undefined;
}

/** Evictions the PDB allows when the workload runs `replicas` ready pods. */
export function allowedDisruptions(b: DisruptionBudgetAt): number {
    if (b.maxUnavailable !== undefined) {
        return Math.min(b.maxUnavailable, b.replicas);
    }
    return Math.max(0, b.replicas - (b.minAvailable ?? 0));
}

/** The PDB allows at least one eviction at the HPA minimum, or every drain blocks on it. */
export function checkDisruptionAllowed(b: DisruptionBudgetAt): Violation[] {
    if (allowedDisruptions(b) >= 1) {
        return [];
    }
    return [
        {
            rule: "pdb-allows-one-eviction",
            fields: ["replicas"],
            message: `${b.workload}: its PDB allows no eviction at ${b.replicas} replicas, so a node drain, a node group update or Karpenter's consolidation blocks on it until it times out`,
            fix:
                b.maxUnavailable !== undefined
                    ? "set the PDB's maxUnavailable to at least 1"
                    : `run at least ${(b.minAvailable ?? 0) + 1} replicas at the HPA minimum, or lower the PDB's minAvailable`,
        },
    ];
}

/** A PDB over the workload's whole replica range (its HPA minimum to its maximum). */
export interface DisruptionBudgetRange extends DisruptionBudgetAt {
    /** Replicas at the top of the HPA's range. */
    maxReplicas: number;
}

/**
 * The PDB at every replica count the HPA may choose: at least one eviction at the minimum (or every
 * drain blocks), and at most `maxLostPods` at the maximum, the same floor the rolling update keeps
 * (rules/rollout.ts): `minAvailable: 1` with an HPA up to 6 lets one drain or consolidation take
 * five pods at once under load; `maxUnavailable: 1` takes one at any count.
 */
export function checkDisruptionRange(b: DisruptionBudgetRange, maxLostPods: number): Violation[] {
    const atMax = allowedDisruptions({ ...b, replicas: Math.max(b.maxReplicas, b.replicas) });
    const bounded: Violation[] =
        atMax > maxLostPods
            ? [
                  {
                      rule: "pdb-bounded-across-range",
                      fields: ["maxReplicas"],
                      message: `${b.workload}: its PDB allows ${atMax} evictions at once at ${Math.max(b.maxReplicas, b.replicas)} replicas, more than the ${maxLostPods} ready pod a rollout may take away`,
                      fix: `set the PDB to maxUnavailable: ${maxLostPods}`,
                  },
              ]
            : [];
    return [...bounded, ...checkDisruptionAllowed(b)];
}

/** policy/v1 PodDisruptionBudgetSpec `unhealthyPodEvictionPolicy`. */
export type UnhealthyPodEvictionPolicy = "AlwaysAllow" | "IfHealthyBudget";

/** What every PDB of the platform sets: a pod that is not Ready never holds a drain hostage. */
export const EVICT_UNHEALTHY: UnhealthyPodEvictionPolicy = "AlwaysAllow";

/** `unhealthyPodEvictionPolicy` (policy/v1 PodDisruptionBudgetSpec): AlwaysAllow lets a drain evict pods that are not Ready. */
export function checkUnhealthyEviction(workload: string, policy: string | undefined): Violation[] {
    if (policy === EVICT_UNHEALTHY) {
        return [];
    }
    return [
        {
            rule: "pdb-evicts-unhealthy-pods",
            fields: ["unhealthyPodEvictionPolicy"],
            message: `${workload}: unhealthyPodEvictionPolicy is ${policy ?? "unset (IfHealthyBudget)"}, so a crash-looping pod counts against the budget and a drain waits on it`,
            fix: 'set unhealthyPodEvictionPolicy: AlwaysAllow (Kubernetes docs, "Unhealthy Pod Eviction Policy")',
        },
    ];
}

/** A workload that runs on nodes something may drain. */
export interface DrainedWorkload {
    workload: string;
    terminationGracePeriodSeconds: number;
}

/**
 * Every pod's grace period fits inside the bounds its node is drained with: the managed node
 * group's 15-minute eviction window and, on Karpenter's nodes, the NodePool's
 * terminationGracePeriod (past it, Karpenter deletes the pod without its full grace:
 * karpenter.sh_nodepools.yaml `terminationGracePeriod`).
 */
export function checkGraceWithinDrain(w: DrainedWorkload, nodePoolTerminationGraceSeconds: number | undefined): Violation[] {
    const violations: Violation[] = [];
    if (w.terminationGracePeriodSeconds > MANAGED_NODE_UPDATE_EVICTION_SECONDS) {
        violations.push({
            rule: "grace-within-node-update",
            fields: ["terminationGracePeriodSeconds"],
            message: `${w.workload}: a grace period of ${w.terminationGracePeriodSeconds} s outlasts the ${MANAGED_NODE_UPDATE_EVICTION_SECONDS} s an EKS managed node update waits for pods to leave (it then fails with PodEvictionFailure)`,
            fix: `set terminationGracePeriodSeconds to at most ${MANAGED_NODE_UPDATE_EVICTION_SECONDS}`,
        });
    }
    if (nodePoolTerminationGraceSeconds !== undefined && w.terminationGracePeriodSeconds > nodePoolTerminationGraceSeconds) {
        violations.push({
            rule: "grace-within-node-pool",
            fields: ["terminationGracePeriodSeconds", "terminationGracePeriod"],
            message: `${w.workload}: a grace period of ${w.terminationGracePeriodSeconds} s is longer than the NodePool's terminationGracePeriod (${nodePoolTerminationGraceSeconds} s): Karpenter deletes such pods before their grace ends`,
            fix: `raise the NodePool's terminationGracePeriod above ${w.terminationGracePeriodSeconds}s, or shorten the workload's grace period`,
        });
    }
    return violations;
}

/** CPU of a Kubernetes quantity in millicores ("16" → 16000, "250m" → 250); undefined for anything else. */
export function cpuMillicores(quantity: string): number | undefined {
    const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity.trim());
    if (m === null) {
        return undefined;
    }
    return m[2] === "m" ? Number(m[1]) : Number(m[1]) * 1000;
}

/**
 * The NodePool's CPU limit holds what its workloads request at their HPA maxima plus their rolling
 * update's surge (old and new pods run side by side): a sum, so
 * necessary, not sufficient (the synth report places pods node by node). Past the limit Karpenter
 * launches nothing and the spike's pods stay Pending.
 */
export function checkNodePoolLimit(nodePool: string, limitMillicores: number, peakMillicores: number): Violation[] {
    if (peakMillicores <= limitMillicores) {
        return [];
    }
    return [
        {
            rule: "node-pool-holds-peak",
            fields: ["maxNodes"],
            message: `NodePool ${nodePool}: its workloads at their HPA maxima, with a rolling update's surge, request ${peakMillicores}m CPU, above its limit of ${limitMillicores}m, so Karpenter stops launching before the spike is served`,
            fix: `raise the NodePool's limits.cpu to at least ${Math.ceil(peakMillicores / 1000)}, or lower the HPA maxima`,
        },
    ];
}
