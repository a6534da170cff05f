// Timing calibration: the measured half of the timing rules. While a phase replaces or removes pods,
// a sampler records for each terminating pod when it got its deletion timestamp, when its endpoint
// stopped being ready in the Service's EndpointSlices and when its ALB target turned `draining`; for
// each new pod when its containers were ready, when the ALB called its target `healthy` and when the
// pod became Ready (with the readiness gate, only after that). The run prints p50/p95/max of each
// gap next to the constant the rules assume (rules/timing.ts, rules/spike.ts via stacks/models.ts).
import type { StackModels } from "../stacks/models";
import { ClusterClient, PodState, TargetGroupBindingState, deletionRequestedAt } from "./cluster-client";
import type { PhaseName } from "./phases";

/** One target of a target group as ELBv2 DescribeTargetHealth reports it. */
export interface TargetHealth {
    /** Target.Id: the pod IP for an `ip` target group. */
    id: string;
    /** TargetHealth.State: initial, healthy, unhealthy, unhealthy.draining, unused, draining, unavailable. */
    state: string;
}

/** ELBv2's view of a target group; elb.ts reads it with the AWS SDK, the tests with a mocked client. */
export interface TargetHealthSource {
    describe(targetGroupArn: string): Promise<TargetHealth[]>;
}

/** A workload whose pods the sampler follows: the app (or one of its colors) or the ingress gateway. */
export interface Watched {
    /** For the report: "web/web", "istio-ingress/istio-ingressgateway". */
    workload: string;
    namespace: string;
    /** The Service its pods serve behind. */
    service: string;
    /** The pods' labels (the Deployment's selector). */
    selector: Record<string, string>;
    /** The TargetGroupBinding of its Service, when the ALB targets its pods directly. */
    binding?: TargetGroupBindingState;
}

export interface TerminatingPod {
    phase: PhaseName;
    workload: string;
    pod: string;
    ip?: string;
    node?: string;
    /** When its deletion was requested (ms): deletionTimestamp − deletionGracePeriodSeconds. */
    deletedAt: number;
    /** First sample in which its endpoint was not ready (or gone). */
    endpointOutAt?: number;
    /** First sample in which its ALB target was `draining` (or deregistered). */
    drainingAt?: number;
}

export interface NewPod {
    phase: PhaseName;
    workload: string;
    pod: string;
    ip?: string;
    createdAt: number;
    /** PodScheduled condition's lastTransitionTime. */
    scheduledAt?: number;
    /** ContainersReady condition's lastTransitionTime: the readiness probe passed. */
    containersReadyAt?: number;
    /** Ready condition's lastTransitionTime: with the readiness gate, after the target is healthy. */
    readyAt?: number;
    /** First sample in which its endpoint was ready in the EndpointSlice. */
    endpointReadyAt?: number;
    /** First sample in which its ALB target was `healthy`. */
    healthyAt?: number;
}

export interface Timings {
    terminating: TerminatingPod[];
    created: NewPod[];
}

/** How a sample of target health reads as gone: deregistration started (draining) or finished (not listed). */
const DRAINING_STATES = ["draining", "unhealthy.draining", "unused"];
const HEALTHY = "healthy";

/**
 * Samples the watched workloads each time `tick` is called (the run calls it on every poll of a
 * calibrating phase). Reads only; a failed read is logged once and the sample skipped: calibration is
 * best effort and never decides the verdict.
 */
export class Sampler {
    private readonly before = new Set<string>();
    private readonly goneBefore = new Set<string>();
    private readonly terminating = new Map<string, TerminatingPod>();
    private readonly created = new Map<string, NewPod>();
    private first = true;
    private warned = new Set<string>();

    constructor(
        private readonly client: Pick<ClusterClient, "listPods" | "listEndpoints">,
        private readonly elb: TargetHealthSource | undefined,
        private readonly watched: Watched[],
        private readonly phase: PhaseName,
        private readonly now: () => number,
        private readonly log: (line: string) => void,
        private readonly onDeleted: (pod: TerminatingPod) => void,
    ) {}

    async tick(): Promise<void> {
        for (const w of this.watched) {
            await this.sample(w);
        }
        this.first = false;
    }

    private warnOnce(what: string, err: unknown): void {
        if (!this.warned.has(what)) {
            this.warned.add(what);
            this.log(`  calibration: cannot ${what} (${(err as Error).message.split("\n")[0]}); those timings are left out`);
        }
    }

    private async sample(w: Watched): Promise<void> {
        const now = this.now();
        let pods: PodState[];
        let endpoints: Map<string, boolean>;
        try {
            pods = await this.client.listPods({ namespace: w.namespace, selector: w.selector });
            endpoints = new Map((await this.client.listEndpoints(w.namespace, w.service)).map((e) => [e.ip, e.ready]));
        } catch (err) {
            this.warnOnce(`read the pods and endpoints of ${w.workload}`, err);
            return;
        }
        let targets: Map<string, string> | undefined;
        const arn = w.binding?.targetGroupArn;
        if (arn !== undefined && this.elb !== undefined) {
            try {
                targets = new Map((await this.elb.describe(arn)).map((t) => [t.id, t.state]));
            } catch (err) {
                this.warnOnce(`read the target health of ${arn}`, err);
            }
        }
        for (const pod of pods) {
            const key = `${pod.namespace}/${pod.name}`;
            if (this.first) {
                this.before.add(key);
            } else if (!this.before.has(key)) {
                this.followNew(w, key, pod, now, endpoints, targets);
            }
            const deletedAt = deletionRequestedAt(pod);
            if (deletedAt !== undefined && this.first) {
                // Already going when the phase began (a previous phase's pod): not this phase's to time.
                this.goneBefore.add(key);
            }
            if (deletedAt !== undefined && !this.terminating.has(key) && !this.goneBefore.has(key)) {
                const t: TerminatingPod = {
                    phase: this.phase,
                    workload: w.workload,
                    pod: pod.name,
                    ip: pod.ip,
                    node: pod.nodeName,
                    deletedAt,
                };
                this.terminating.set(key, t);
                this.onDeleted(t);
            }
        }
        const listed = new Set(pods.map((p) => `${p.namespace}/${p.name}`));
        for (const [key, t] of this.terminating) {
            if (t.workload !== w.workload || t.ip === undefined) {
                continue;
            }
            if (t.endpointOutAt === undefined && (!listed.has(key) || endpoints.get(t.ip) !== true)) {
                t.endpointOutAt = now;
            }
            if (t.drainingAt === undefined && targets !== undefined) {
                const state = targets.get(t.ip);
                if (state === undefined || DRAINING_STATES.includes(state)) {
                    t.drainingAt = now;
                }
            }
        }
    }

    private followNew(
        w: Watched,
        key: string,
        pod: PodState,
        now: number,
        endpoints: Map<string, boolean>,
        targets?: Map<string, string>,
    ): void {
        const p = this.created.get(key) ?? { phase: this.phase, workload: w.workload, pod: pod.name, createdAt: pod.createdAt };
        this.created.set(key, p);
        p.ip ??= pod.ip;
        p.scheduledAt ??= since(pod, "PodScheduled");
        p.containersReadyAt ??= since(pod, "ContainersReady");
        p.readyAt ??= since(pod, "Ready");
        if (pod.ip !== undefined && pod.deletionTimestamp === undefined) {
            if (p.endpointReadyAt === undefined && endpoints.get(pod.ip) === true) {
                p.endpointReadyAt = now;
            }
            if (p.healthyAt === undefined && targets?.get(pod.ip) === HEALTHY) {
                p.healthyAt = now;
            }
        }
    }

    /**
     * Whether a sample could still add a measurement: a terminating pod whose endpoint or target has not
     * gone yet, or a new pod not yet Ready or (with target health) healthy. Once not, the run stops sampling.
     */
    pending(): boolean {
        const alb = this.elb !== undefined;
        const owned = (workload: string) =>
            alb && this.watched.some((w) => w.workload === workload && w.binding?.targetGroupArn !== undefined);
        return (
            [...this.terminating.values()].some(
                // A pod without an IP has no endpoint or target to time.
                (t) => t.ip !== undefined && (t.endpointOutAt === undefined || (owned(t.workload) && t.drainingAt === undefined)),
            ) ||
            [...this.created.values()].some(
                (p) => p.readyAt === undefined || p.endpointReadyAt === undefined || (owned(p.workload) && p.healthyAt === undefined),
            )
        );
    }

    timings(): Timings {
        return { terminating: [...this.terminating.values()], created: [...this.created.values()] };
    }

    /** The new pods of a workload so far, first created first. */
    newPods(workload: string): NewPod[] {
        return [...this.created.values()].filter((p) => p.workload === workload).sort((a, b) => a.createdAt - b.createdAt);
    }
}

function since(pod: PodState, type: string): number | undefined {
    const c = pod.conditions[type];
    return c?.status ? c.since : undefined;
}

export interface Spread {
    n: number;
    p50: number;
    p95: number;
    max: number;
}

/** Nearest-rank percentile of seconds; undefined without values. */
export function spread(seconds: number[]): Spread | undefined {
    if (seconds.length === 0) {
        return undefined;
    }
    const sorted = [...seconds].sort((a, b) => a - b);
    const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
    return { n: sorted.length, p50: rank(50), p95: rank(95), max: sorted[sorted.length - 1] };
}

export interface CalibrationRow {
    phase: PhaseName;
    measure: string;
    spread: Spread;
    /** What the rules assume for it, and where that comes from. */
    assumed?: string;
}

type Gap<T> = {
    measure: string;
    from: (p: T) => number | undefined;
    to: (p: T) => number | undefined;
    assumed?: (m: StackModels) => string;
};

const TERMINATING_GAPS: Gap<TerminatingPod>[] = [
    { measure: "deletion → endpoint not ready", from: (p) => p.deletedAt, to: (p) => p.endpointOutAt },
    {
        measure: "deletion → ALB target draining",
        from: (p) => p.deletedAt,
        to: (p) => p.drainingAt,
        assumed: (m) => `${m.termination.propagationSeconds} s propagation (rules/timing.ts)`,
    },
];
const NEW_GAPS: Gap<NewPod>[] = [
    {
        measure: "containers ready → ALB target healthy",
        from: (p) => p.containersReadyAt,
        to: (p) => p.healthyAt,
        assumed: (m) => `${m.termination.registrationSeconds} s interval × healthy threshold (rules/spike.ts)`,
    },
    { measure: "ALB target healthy → pod Ready (readiness gate)", from: (p) => p.healthyAt, to: (p) => p.readyAt },
];

function rowsOf<T extends { phase: PhaseName }>(items: T[], gaps: Gap<T>[], models: StackModels): CalibrationRow[] {
    const phases = [...new Set(items.map((i) => i.phase))];
    return phases.flatMap((phase) =>
        gaps.flatMap((gap) => {
            const seconds = items
                .filter((i) => i.phase === phase)
                .map((i) => {
                    const from = gap.from(i);
                    const to = gap.to(i);
                    return from === undefined || to === undefined ? undefined : (to - from) / 1000;
                })
                .filter((s): s is number => s !== undefined);
            const s = spread(seconds);
            return s === undefined ? [] : [{ phase, measure: gap.measure, spread: s, assumed: gap.assumed?.(models) }];
        }),
    );
}

/** p50/p95/max of each gap per phase; gaps nothing was measured for are left out. */
export function calibrationRows(timings: Timings, models: StackModels): CalibrationRow[] {
    return [...rowsOf(timings.terminating, TERMINATING_GAPS, models), ...rowsOf(timings.created, NEW_GAPS, models)];
}

export interface ImpliedPreStop {
    /** The longest deletion → draining seen, seconds. */
    measuredSeconds: number;
    /** That plus the ALB's failure detection (interval × unhealthy threshold), rounded up. */
    preStopSeconds: number;
}

/** The preStop the measurements call for, in the rules' own formula with the measured propagation; undefined without ALB timings. */
export function impliedPreStop(timings: Timings, models: StackModels): ImpliedPreStop | undefined {
    const gaps = timings.terminating.filter((t) => t.drainingAt !== undefined).map((t) => ((t.drainingAt ?? 0) - t.deletedAt) / 1000);
    if (gaps.length === 0) {
        return undefined;
    }
    const measuredSeconds = Math.max(...gaps);
    return { measuredSeconds, preStopSeconds: Math.ceil(measuredSeconds) + models.termination.detectionSeconds };
}

const sec = (s: number): string => `${Number.isInteger(s) ? s : s.toFixed(1)} s`;

/** The calibration table's header and cells, seconds written by `seconds`: the console and the HTML page share them. */
export function calibrationGrid(rows: CalibrationRow[], seconds: (s: number) => string): string[][] {
    return [
        ["phase", "measure", "pods", "p50", "p95", "max", "rules assume"],
        ...rows.map((r) => [
            r.phase,
            r.measure,
            String(r.spread.n),
            seconds(r.spread.p50),
            seconds(r.spread.p95),
            seconds(r.spread.max),
            r.assumed ?? "-",
        ]),
    ];
}

/** The calibration table, then the preStop line. */
export function formatCalibration(timings: Timings, models: StackModels): string[] {
    const rows = calibrationRows(timings, models);
    if (rows.length === 0) {
        return ["calibration: no pod came or went while sampled; nothing measured"];
    }
    const grid = calibrationGrid(rows, sec);
    const widths = grid[0].map((_, i) => Math.max(...grid.map((row) => row[i].length)));
    const lines = grid.map((row) =>
        row
            .map((cell, i) => (i >= 2 && i <= 5 ? cell.padStart(widths[i]) : i === row.length - 1 ? cell : cell.padEnd(widths[i])))
            .join("  "),
    );
    const implied = impliedPreStop(timings, models);
    const t = models.termination;
    lines.push(
        implied === undefined
            ? "preStop: no ALB deregistration was measured (no target group of the app's pods, or no AWS credentials)"
            : `preStop these measurements imply: ${sec(implied.measuredSeconds)} longest deletion → draining + ${t.detectionSeconds} s ALB failure detection = ${implied.preStopSeconds} s ` +
                  `(the rules ask ${t.requiredPreStopSeconds} s; the stack sets ${t.preStopSeconds} s on the ${t.albTargets === "app" ? "app" : "ingress gateway"})`,
    );
    return lines;
}
