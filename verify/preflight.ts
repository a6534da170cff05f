// Preflight, before any disruption: every pod an ALB target group sends traffic to must carry the load
// balancer controller's readiness gate, and the gate must be True. Without it a new pod turns Ready
// (and the rollout moves on, removing an old pod) before the ALB has a healthy target for it: exactly
// the window in which requests fail. The controller injects the gate into pods of namespaces labelled
// elbv2.k8s.aws/pod-readiness-gate-inject=enabled, one per TargetGroupBinding of their Service
// (aws-load-balancer-controller docs/deploy/pod_readiness_gate.md).
import type { ClusterClient, TargetGroupBindingState } from "./cluster-client";
import { InputError } from "./plan";

/** The condition type the controller's gate uses: this prefix and the TargetGroupBinding's name. */
export const TARGET_HEALTH_GATE_PREFIX = "target-health.elbv2.k8s.aws/";

export const gateOf = (binding: Pick<TargetGroupBindingState, "name">): string => `${TARGET_HEALTH_GATE_PREFIX}${binding.name}`;

/** A Service the load reaches through the ALB: the app's own, or the ingress gateway's. */
export interface Fronted {
    namespace: string;
    service: string;
}

/** Refused preflight: pods that would take traffic before their target is healthy (exit 2). */
export class PreflightError extends InputError {}

/**
 * Finds the TargetGroupBinding of each Service and checks the gate on every pod it selects. Returns the
 * bindings found (the calibration reads their target groups); throws PreflightError naming every pod
 * that fails. A Service without a binding (behind the mesh, or `instance` targets) has no gate to check.
 */
export async function preflight(client: ClusterClient, fronted: Fronted[]): Promise<Map<string, TargetGroupBindingState>> {
    const found = new Map<string, TargetGroupBindingState>();
    const problems: string[] = [];
    for (const f of fronted) {
        const bindings = (await client.listTargetGroupBindings(f.namespace)).filter(
            (b) => b.service === f.service && b.targetType !== "instance",
        );
        const service = await client.getService(f.namespace, f.service);
        if (service === undefined || bindings.length === 0) {
            continue;
        }
        found.set(`${f.namespace}/${f.service}`, bindings[0]);
        const pods = (await client.listPods({ namespace: f.namespace, selector: service.selector })).filter(
            (p) => p.deletionTimestamp === undefined && p.phase === "Running",
        );
        for (const b of bindings) {
            const gate = gateOf(b);
            for (const p of pods) {
                if (!p.readinessGates.includes(gate)) {
                    problems.push(`${p.namespace}/${p.name} has no readiness gate ${gate}`);
                } else if (p.conditions[gate]?.status !== true) {
                    problems.push(`${p.namespace}/${p.name}: ${gate} is not True`);
                }
            }
        }
    }
    if (problems.length > 0) {
        throw new PreflightError(
            `preflight: ${problems.length} pod(s) behind an ALB target group would take traffic before their target is healthy: ${problems.join("; ")}. ` +
                `Label the namespace elbv2.k8s.aws/pod-readiness-gate-inject=enabled and restart the pods (or wait until the gates are True); nothing was changed`,
        );
    }
    return found;
}
