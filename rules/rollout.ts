// Rolling update and disruption rules. Pure: no Pulumi import.
import { Violation } from "./timing";

/** An int or a "NN%" string, as Deployments accept for maxSurge / maxUnavailable. */
export type IntOrPercent = number | string;

/** Absolute value of maxSurge (rounded up) or maxUnavailable (rounded down), as the Deployment controller computes it. */
export function resolveIntOrPercent(value: IntOrPercent, replicas: number, roundUp: boolean): number {
    if (typeof value === "number") {
        return value;
    }
    const percent = Number(value.replace("%", ""));
    const exact = (replicas * percent) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export interface RolloutPlan {
    /** Replicas during a rollout (the HPA minimum when autoscaling). */
    replicas: number;
    maxSurge: IntOrPercent;
    maxUnavailable: IntOrPercent;
    /** Ready pods that must never be lost during a rollout or a voluntary disruption. */
    minAvailable: number;
}

/** The rollout never drops ready pods below the floor, and can always make progress. */
export function checkRollout(r: RolloutPlan): Violation[] {
    const violations: Violation[] = [];
    const surge = resolveIntOrPercent(r.maxSurge, r.replicas, true);
    const unavailable = resolveIntOrPercent(r.maxUnavailable, r.replicas, false);
    if (r.replicas - unavailable < r.minAvailable) {
        violations.push({
            rule: "rollout-keeps-ready-floor",
            fields: ["maxUnavailable", "replicas"],
            message: `maxUnavailable ${String(r.maxUnavailable)} lets ready pods drop to ${r.replicas - unavailable} of ${r.replicas}, below the floor of ${r.minAvailable}`,
            fix:
                typeof r.maxUnavailable === "string"
                    ? `set maxUnavailable to a number of pods, at most ${Math.max(0, r.replicas - r.minAvailable)} (a percentage grows with the replicas; 0 keeps full capacity: surge instead)`
                    : `set maxUnavailable to at most ${Math.max(0, r.replicas - r.minAvailable)} (0 keeps full capacity; surge instead)`,
        });
    }
    if (surge + unavailable === 0) {
        violations.push({
            rule: "rollout-can-progress",
            fields: ["maxSurge", "maxUnavailable"],
            message: "maxSurge and maxUnavailable are both 0: the rollout can neither add nor remove a pod",
            fix: 'set maxSurge to 1 or "25%"',
        });
    }
    if (r.minAvailable >= r.replicas && r.replicas > 0) {
        violations.push({
            rule: "disruption-budget-allows-drain",
            fields: ["replicas"],
            message: `a disruption budget of ${r.minAvailable} available out of ${r.replicas} blocks every node drain`,
            fix: `run at least ${r.minAvailable + 1} replicas`,
        });
    }
    return violations;
}

/** A rollout shape over the replica range an HPA may choose. */
export interface RolloutRange {
    /** Fewest replicas (the HPA minimum, or the fixed count). */
    minReplicas: number;
    /** Most replicas (the HPA maximum, or the fixed count). */
    maxReplicas: number;
    maxSurge: IntOrPercent;
    maxUnavailable: IntOrPercent;
    /** Ready pods a rollout or a drain may take away at any replica count. */
    maxLostPods: number;
}

/**
 * {@link checkRollout} at every replica count the workload can run at: a percentage that is safe
 * at the HPA minimum ("25%" of 4 is 1 pod) can take several ready pods away at its maximum
 * ("25%" of 12 is 3). Each rule is reported once, at the smallest replica count that breaks it.
 */
export function checkRolloutRange(r: RolloutRange): Violation[] {
    const found = new Map<string, Violation>();
    for (let replicas = r.minReplicas; replicas <= r.maxReplicas; replicas++) {
        const plan = { replicas, maxSurge: r.maxSurge, maxUnavailable: r.maxUnavailable, minAvailable: replicas - r.maxLostPods };
        for (const v of checkRollout(plan)) {
            if (!found.has(v.rule)) {
                const at = r.minReplicas === r.maxReplicas ? v : { ...v, message: `at ${replicas} replicas: ${v.message}` };
                found.set(v.rule, at);
            }
        }
    }
    return [...found.values()];
}
