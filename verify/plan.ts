// What a verify run is given: the plan (app, load, phases), its dependencies (cluster client, clock,
// log, interrupt), what it returns, and the timeouts it keeps to.
import { setTimeout as sleep } from "timers/promises";
import type { StackModels } from "../stacks/models";
import type { TargetHealthSource, Timings } from "./calibration";
import type { ClusterClient } from "./cluster-client";
import type { LoadShape } from "./job";
import type { PhaseName } from "./phases";
import type { PhaseResult, Verdict } from "./verdict";
import type { StepLimits } from "./step-size";

/** Bad input found before anything was changed: unknown stack, app not deployed, no locustfile. */
export class InputError extends Error {}
/** Raised inside the run once Ctrl-C (or SIGTERM) arrived. */
export class InterruptedError extends Error {
    constructor() {
        super("interrupted");
    }
}

export interface Clock {
    now(): number;
    /** Waits `ms`; rejects with InterruptedError when `signal` aborts. */
    sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
    now: () => Date.now(),
    sleep: async (ms, signal) => {
        try {
            await sleep(ms, undefined, { signal });
        } catch {
            throw new InterruptedError();
        }
    },
};

/** Where the stack put the app (stack settings `app.namespace`, `app.name`, `app.blueGreen.enabled`). */
export interface AppRef {
    namespace: string;
    name: string;
    blueGreen: boolean;
}

/** A Deployment verify touches besides the app: the Istio ingress gateway. */
export interface WorkloadRef {
    namespace: string;
    /** The Deployment, its HPA and its Service share this name. */
    name: string;
}

export interface Plan {
    app: AppRef;
    load: Omit<LoadShape, "seconds">;
    baselineSeconds: number;
    durationSeconds: number;
    scaleInTo?: number;
    phases: PhaseName[];
    /** Users during the scale-out phase's load step (--step-users); undefined: sized from the app's measured CPU cost (step-size.ts). */
    stepUsers?: number;
    /** The HPA's CPU target and the Locust pods the stack leaves for the step; undefined without an HPA. */
    stepLimits?: StepLimits;
    /** node-drain deletes the node's NodeClaim instead of cordoning and evicting (Karpenter stacks). */
    nodeReplace: boolean;
    /** node-drain also evicts pods that declare no controller (`--force`, as kubectl drain's); refused otherwise. */
    force: boolean;
    /** The ingress gateway the ALB sends the load to; undefined without Istio. */
    gateway?: WorkloadRef;
    /** The stack's modeled timings the measurements are printed against (stacks/models.ts). */
    models: StackModels;
}

export interface RunDeps {
    client: ClusterClient;
    clock: Clock;
    log: (line: string) => void;
    /** Calls `handler` on Ctrl-C until the returned function is called. */
    onInterrupt: (handler: () => void) => () => void;
    /** Makes this run's Job names unique. */
    runId: string;
    /**
     * Opens ELBv2 target health for the calibration, called once preflight found a target group of the
     * app or the gateway; resolves undefined (having said why) when there are no AWS credentials.
     */
    targetHealth?: () => Promise<TargetHealthSource | undefined>;
}

/** Something verify did or saw, on the time axis of the HTML report. */
export interface RunEvent {
    phase: PhaseName;
    /** ms since the epoch. */
    at: number;
    kind:
        | "pod-deleted"
        | "node-cordoned"
        | "node-uncordoned"
        | "nodeclaim-deleted"
        | "selector-switched"
        | "gateway-restarted"
        | "rollout-restarted"
        | "scaled"
        | "load-step";
    text: string;
}

/** What the scale-out phase measured: from the load step to the first new pod serving, each step timed. */
export interface ScaleOutMeasure {
    /** ms since the epoch of each moment; undefined when it did not happen within the phase. */
    stepAt: number;
    scaledAt?: number;
    createdAt?: number;
    scheduledAt?: number;
    containersReadyAt?: number;
    servingAt?: number;
    /** How "serving" was seen: the ALB target healthy, or (behind the mesh, or without AWS credentials) the endpoint ready. */
    servingBy: "alb-target-healthy" | "endpoint-ready";
    measuredSeconds?: number;
    modeledSeconds?: number;
    /** The comparison, in words: within ±20 %, or which term was off. */
    judgement: string;
}

export interface Outcome {
    planned: PhaseName[];
    results: PhaseResult[];
    verdict: Verdict;
    /** Why the run stopped before its last phase, when a step failed. */
    error?: string;
    interrupted: boolean;
    /** What could not be put back (or cleaned up), with the command that does it by hand. */
    restoreProblems: string[];
    events: RunEvent[];
    /** Raw per-pod timings of the calibrating phases. */
    timings: Timings;
    scaleOut?: ScaleOutMeasure;
}

// Status polls: often enough to see a pod come and go, rarely enough for the API server not to care.
export const POLL_MS = 5_000;
// While a phase is calibrated: each sample bounds a measured moment to within this much (3 reads per
// watched workload a second: pods, EndpointSlices, DescribeTargetHealth).
export const SAMPLE_MS = 1_000;
export const PROGRESS_MS = 15_000;
// Pulling the Locust image onto a fresh node, plus the Istio sidecar, takes a minute or two.
export const JOB_START_TIMEOUT_S = 300;
// After its run time Locust lets requests in flight finish (--stop-timeout, job.ts), writes its CSV
// files and exits; the Job then completes.
export const JOB_END_GRACE_S = 120;
// A rollout gives up after progressDeadlineSeconds (600 s by default); old pods then still need their grace period.
export const SETTLE_TIMEOUT_S = 900;
// Steady load for a few seconds after the last user spawned, before the disruption starts.
const WARMUP_MARGIN_S = 5;

/** Seconds from a phase's start until its disruption begins: all users spawned, plus a margin. */
export function warmupSeconds(load: Pick<LoadShape, "users" | "spawnRate">): number {
    return Math.ceil(load.users / load.spawnRate) + WARMUP_MARGIN_S;
}

/** One poll of a wait: done with a value, or not yet with a status line for the progress output. */
export type Step<T> = { done: T } | { status: string };
