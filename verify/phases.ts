// The phases a verify run can take, what each does to the stack, and when one applies. Pure: the
// command line (`--help`, `--phases`) and the plan read it; disruptions.ts carries out each one.

/** In the order a run takes them: the baseline first, then the disruptions, least intrusive first. */
export const PHASES = ["baseline", "rollout-restart", "scale-in", "scale-out", "node-drain", "gateway-restart", "blue-green"] as const;
export type PhaseName = (typeof PHASES)[number];

/** What decides whether a phase applies to a stack, read from its settings. */
export interface StackFacts {
    /** app.autoscaling.enabled: the app has an HPA that a load step can scale out. */
    autoscaling: boolean;
    /** addons.istio.enabled: the ALB fronts the ingress gateway, which can be restarted. */
    istio: boolean;
    /** app.blueGreen.enabled. */
    blueGreen: boolean;
    /** addons.karpenter.enabled: a drained node can be replaced by Karpenter (--node-replace). */
    karpenter: boolean;
}

interface PhaseInfo {
    /** One line for `--help`. */
    does: string;
    /** The setting the phase needs, or undefined when every stack has what it needs. */
    needs?: { key: string; holds: (s: StackFacts) => boolean };
}

export const PHASE_INFO: Record<PhaseName, PhaseInfo> = {
    baseline: { does: "load only, no disruption: proves the app serves before anything is blamed on a disruption" },
    "rollout-restart": { does: "kubectl rollout restart of the app's Deployment: every pod replaced" },
    "scale-in": { does: "the HPA's bounds (or the replicas) lowered to --scale-in-to: pods removed under load" },
    "scale-out": {
        does: "a load step up to --step-users users (a second Locust Job); the time from the step to the first new pod serving, against the modeled spike time",
        needs: { key: "app.autoscaling.enabled", holds: (s) => s.autoscaling },
    },
    "node-drain": {
        does: "a node running app pods cordoned and its pods evicted through the Eviction API (PDBs honoured), then uncordoned; with --node-replace Karpenter replaces it",
    },
    "gateway-restart": {
        does: "kubectl rollout restart of the Istio ingress gateway the ALB sends the load to",
        needs: { key: "addons.istio.enabled", holds: (s) => s.istio },
    },
    "blue-green": {
        does: "the Service switched to the idle color for a third of the phase, then back",
        needs: { key: "app.blueGreen.enabled", holds: (s) => s.blueGreen },
    },
};

/** Why `phase` cannot run on a stack with these facts; undefined when it can. */
export function whyNot(phase: PhaseName, facts: StackFacts): string | undefined {
    const needs = PHASE_INFO[phase].needs;
    return needs === undefined || needs.holds(facts) ? undefined : `needs ${needs.key}`;
}

/** The phases a run takes: the named ones, or every one that applies; in PHASES order. */
export function selectPhases(facts: StackFacts, named?: readonly PhaseName[]): PhaseName[] {
    return PHASES.filter((p) => (named === undefined ? whyNot(p, facts) === undefined : named.includes(p)));
}

export function isPhase(name: string): name is PhaseName {
    return (PHASES as readonly string[]).includes(name);
}
