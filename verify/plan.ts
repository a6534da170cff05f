// What a verify run is given: the plan (app, load, phases), its dependencies (cluster client, clock,
// log, interrupt), what it returns, and the timeouts it keeps to.
import { setTimeout as sleep } from "timers/promises";
import type { ClusterClient } from "./cluster-client";
import type { LoadShape } from "./job";
import type { PhaseName, PhaseResult, Verdict } from "./verdict";

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

export interface Plan {
    app: AppRef;
    load: Omit<LoadShape, "seconds">;
    baselineSeconds: number;
    durationSeconds: number;
    scaleInTo?: number;
    phases: PhaseName[];
}

export interface RunDeps {
    client: ClusterClient;
    clock: Clock;
    log: (line: string) => void;
    /** Calls `handler` on Ctrl-C until the returned function is called. */
    onInterrupt: (handler: () => void) => () => void;
    /** Makes this run's Job names unique. */
    runId: string;
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
}

// Status polls: often enough to see a pod come and go, rarely enough for the API server not to care.
export const POLL_MS = 5_000;
export const PROGRESS_MS = 15_000;
// Pulling the Locust image onto a fresh node, plus the Istio sidecar, takes a minute or two.
export const JOB_START_TIMEOUT_S = 300;
// After its run time Locust stops users, writes its CSV files and exits; the Job then completes.
export const JOB_END_GRACE_S = 120;
// A rollout gives up after progressDeadlineSeconds (600 s by default); old pods then still need their grace period.
export const SETTLE_TIMEOUT_S = 900;
// Steady load for a few seconds after the last user spawned, before the disruption starts.
const WARMUP_MARGIN_S = 5;

/** Seconds from a phase's start until its disruption begins: all users spawned, plus a margin. */
export function warmupSeconds(load: Pick<LoadShape, "users" | "spawnRate">): number {
    return Math.ceil(load.users / load.spawnRate) + WARMUP_MARGIN_S;
}
