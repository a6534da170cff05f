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
            fix: `set maxUnavailable to at most ${Math.max(0, r.replicas - r.minAvailable)} (0 keeps full capacity; surge instead)`,
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
