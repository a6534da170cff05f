// The verify run: one bounded Locust Job per phase, the phase's disruption while it runs, and the app
// put back the way it was found whatever happens (a step failing, Ctrl-C). Talks to the cluster only
// through ClusterClient and to time only through Clock, so the tests drive it with fakes.
import { setTimeout as sleep } from "timers/promises";
import { ClusterClient, DeploymentState, HpaState, JobState, beforeAnyChange } from "./cluster-client";
import { COLORS, COLOR_LABEL } from "../components/app/labels";
import {
    FAILURES_FILE,
    JOB_NAMESPACE,
    LOCUST_CONTAINER,
    LOCUSTFILE_CONFIG_MAP,
    LoadShape,
    STATS_FILE,
    extractFile,
    locustJob,
    requestsSoFar,
} from "./job";
import { DisruptionOutcome, PhaseName, PhaseResult, Verdict, count, formatRatio, formatTable, totals, verdict } from "./verdict";
import { parseFailuresCsv, parseStatsCsv } from "./stats";

/** Bad input found before anything was changed: unknown stack, app not deployed, no locustfile. */
export class InputError extends Error {}
/** Raised inside the run once Ctrl-C (or SIGTERM) arrived. */
export class InterruptedError extends Error {
    constructor() {
        super("interrupted");
    }
}

export { COLOR_LABEL };

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
const POLL_MS = 5_000;
const PROGRESS_MS = 15_000;
// Pulling the Locust image onto a fresh node, plus the Istio sidecar, takes a minute or two.
const JOB_START_TIMEOUT_S = 300;
// After its run time Locust stops users, writes its CSV files and exits; the Job then completes.
const JOB_END_GRACE_S = 120;
// A rollout gives up after progressDeadlineSeconds (600 s by default); old pods then still need their grace period.
const SETTLE_TIMEOUT_S = 900;
// Steady load for a few seconds after the last user spawned, before the disruption starts.
const WARMUP_MARGIN_S = 5;

/** Seconds from a phase's start until its disruption begins: all users spawned, plus a margin. */
export function warmupSeconds(load: Pick<LoadShape, "users" | "spawnRate">): number {
    return Math.ceil(load.users / load.spawnRate) + WARMUP_MARGIN_S;
}

/** The live objects verify works on, and the values it must put back. */
interface Target {
    deployment: string;
    /** HPA of the Deployment as found; undefined when the Deployment has none. */
    hpa?: HpaState;
    /** spec.replicas as found. */
    replicas: number;
    colors?: { active: string; idle: string };
}

const other = (color: string): string => COLORS.find((c) => c !== color) ?? color;

/** At rest: the current template everywhere, every pod available, no old pod still terminating. */
function atRest(d: DeploymentState, pods: number): boolean {
    return (
        d.observedGeneration >= d.generation &&
        d.updatedReplicas === d.replicas &&
        d.currentReplicas === d.replicas &&
        d.availableReplicas === d.replicas &&
        pods === d.replicas
    );
}

function describe(d: DeploymentState, pods: number): string {
    return `${d.updatedReplicas}/${d.replicas} updated, ${d.availableReplicas} available, ${pods} pods`;
}

/** Reads what verify will touch; fails with InputError (changing nothing) when the app is not there as expected. */
async function discover(client: ClusterClient, plan: Plan): Promise<Target> {
    const { namespace, name } = plan.app;
    const notDeployed = `the app is not deployed (run pulumi up for this stack first): no`;
    const service = await client.getService(namespace, name);
    if (service === undefined) {
        throw new InputError(`${notDeployed} Service ${namespace}/${name}`);
    }
    let deployment = name;
    let colors: Target["colors"];
    if (plan.app.blueGreen) {
        const active = service.selector[COLOR_LABEL];
        if (!(COLORS as readonly string[]).includes(active)) {
            throw new InputError(`Service ${namespace}/${name} selects no color (label ${COLOR_LABEL}: blue or green)`);
        }
        colors = { active, idle: other(active) };
        deployment = `${name}-${active}`;
    }
    const d = await client.getDeployment(namespace, deployment);
    if (d === undefined) {
        throw new InputError(`${notDeployed} Deployment ${namespace}/${deployment}`);
    }
    const pods = await client.countPods(namespace, d.selector);
    if (!atRest(d, pods)) {
        throw new InputError(`Deployment ${namespace}/${deployment} is not at rest (${describe(d, pods)}); run verify once it is`);
    }
    if (plan.phases.includes("scale-in") && (plan.scaleInTo ?? 1) >= d.replicas) {
        const asked = plan.scaleInTo === undefined ? "a scale-in needs at least 2" : `--scale-in-to ${plan.scaleInTo} is no scale-in`;
        throw new InputError(`Deployment ${namespace}/${deployment} runs ${d.replicas} replica(s): ${asked}`);
    }
    const keys = await client.getConfigMapKeys(JOB_NAMESPACE, LOCUSTFILE_CONFIG_MAP.name);
    if (!keys?.includes(LOCUSTFILE_CONFIG_MAP.key)) {
        const cm = `${JOB_NAMESPACE}/${LOCUSTFILE_CONFIG_MAP.name}`;
        throw new InputError(`no locustfile: ConfigMap ${cm} with key ${LOCUSTFILE_CONFIG_MAP.key} is missing (is the Locust addon on?)`);
    }
    if (colors !== undefined && plan.phases.includes("blue-green")) {
        const idle = await client.getDeployment(namespace, `${name}-${colors.idle}`);
        if (idle === undefined || idle.availableReplicas === 0) {
            throw new InputError(`the idle color's Deployment ${namespace}/${name}-${colors.idle} has no available pod to switch to`);
        }
    }
    const hpa = await client.getHpa(namespace, deployment);
    return { deployment, hpa, replicas: d.replicas, colors };
}

/** Puts back HPA bounds (or replicas) and the Service selector; idempotent, and never stops at the first problem. */
class Restorer {
    constructor(
        private readonly client: ClusterClient,
        private readonly namespace: string,
        private readonly service: string,
        private readonly target: Target,
        private readonly log: (line: string) => void,
    ) {}

    async restore(): Promise<string[]> {
        const problems: string[] = [];
        const { client, namespace, target } = this;
        const attempt = async (what: string, byHand: string, step: () => Promise<void>) => {
            try {
                await step();
            } catch (err) {
                problems.push(`could not restore ${what}: ${(err as Error).message.split("\n")[0]}; by hand: ${byHand}`);
            }
        };
        const kubectlPatch = (kind: string, name: string, spec: unknown) =>
            `kubectl -n ${namespace} patch ${kind} ${name} --type merge -p '${JSON.stringify({ spec })}'`;
        const hpa = target.hpa;
        if (hpa !== undefined) {
            const what = `HPA ${namespace}/${target.deployment}`;
            await attempt(what, kubectlPatch("hpa", target.deployment, hpa), async () => {
                const now = await client.getHpa(namespace, target.deployment);
                if (now !== undefined && (now.minReplicas !== hpa.minReplicas || now.maxReplicas !== hpa.maxReplicas)) {
                    await client.patchHpa(namespace, target.deployment, hpa);
                    this.log(`restored ${what}: minReplicas ${hpa.minReplicas}, maxReplicas ${hpa.maxReplicas}`);
                }
            });
        } else {
            const what = `Deployment ${namespace}/${target.deployment} replicas`;
            await attempt(what, kubectlPatch("deployment", target.deployment, { replicas: target.replicas }), async () => {
                const now = await client.getDeployment(namespace, target.deployment);
                if (now !== undefined && now.replicas !== target.replicas) {
                    await client.patchDeployment(namespace, target.deployment, { replicas: target.replicas });
                    this.log(`restored ${what}: ${target.replicas}`);
                }
            });
        }
        const color = target.colors?.active;
        if (color !== undefined) {
            const what = `Service ${namespace}/${this.service} selector`;
            const selector = { [COLOR_LABEL]: color };
            await attempt(what, kubectlPatch("service", this.service, { selector }), async () => {
                const now = await client.getService(namespace, this.service);
                if (now !== undefined && now.selector[COLOR_LABEL] !== color) {
                    await client.patchServiceSelector(namespace, this.service, selector);
                    this.log(`restored ${what}: ${COLOR_LABEL}=${color}`);
                }
            });
        }
        return problems;
    }
}

type Step<T> = { done: T } | { status: string };

/** One run: the plan, the live target, the interrupt signal and the Jobs created so far. */
class Run {
    readonly jobs: string[] = [];
    private readonly interrupt = new AbortController();
    private phaseStart = 0;
    private lastProgress = 0;
    private job = "";

    constructor(
        readonly plan: Plan,
        readonly target: Target,
        readonly deps: RunDeps,
    ) {}

    get interrupted(): boolean {
        return this.interrupt.signal.aborted;
    }

    stop(): void {
        this.interrupt.abort();
    }

    /** Called before every change to the cluster: after Ctrl-C, nothing new is changed. */
    guard(): void {
        if (this.interrupted) {
            throw new InterruptedError();
        }
    }

    private seconds(since: number): number {
        return Math.round((this.deps.clock.now() - since) / 1000);
    }

    /** A progress line every PROGRESS_MS: phase, elapsed, Locust's running totals when its log has them. */
    private async progress(phase: PhaseName, status: string): Promise<void> {
        if (this.deps.clock.now() - this.lastProgress < PROGRESS_MS) {
            return;
        }
        this.lastProgress = this.deps.clock.now();
        let running = "";
        try {
            const so = requestsSoFar(await this.deps.client.readJobLog(JOB_NAMESPACE, this.job, LOCUST_CONTAINER, 40));
            running = so ? `  ${count(so.requests)} requests, ${count(so.failures)} failed` : "";
        } catch {
            // Progress is best effort: the pod may not have a log yet.
        }
        this.deps.log(`  [${phase}] ${String(this.seconds(this.phaseStart)).padStart(4)} s${running}  ${status}`);
    }

    /** Polls `step` until it is done; fails after `timeoutSeconds` with the last status. */
    async poll<T>(phase: PhaseName, what: string, timeoutSeconds: number, step: () => Promise<Step<T>>): Promise<T> {
        const deadline = this.deps.clock.now() + timeoutSeconds * 1000;
        for (;;) {
            this.guard();
            const result = await step();
            if ("done" in result) {
                return result.done;
            }
            if (this.deps.clock.now() >= deadline) {
                throw new Error(`${phase}: ${what} did not happen within ${timeoutSeconds} s (${result.status})`);
            }
            await this.progress(phase, result.status);
            await this.deps.clock.sleep(POLL_MS, this.interrupt.signal);
        }
    }

    /** Keeps the load running for `seconds`, showing progress. */
    async hold(phase: PhaseName, seconds: number, status: string): Promise<void> {
        const until = this.deps.clock.now() + seconds * 1000;
        await this.poll(phase, status, seconds + 1, () =>
            Promise.resolve(this.deps.clock.now() >= until ? { done: undefined } : { status }),
        );
    }

    /** Waits until the Deployment is at rest with `enough(replicas)`; fails when the rollout stalls. */
    async settle(phase: PhaseName, what: string, enough: (replicas: number) => boolean): Promise<void> {
        const { client } = this.deps;
        const { namespace } = this.plan.app;
        const name = this.target.deployment;
        await this.poll(phase, what, SETTLE_TIMEOUT_S, async () => {
            const d = await client.getDeployment(namespace, name);
            if (d === undefined) {
                throw new Error(`${phase}: Deployment ${namespace}/${name} disappeared`);
            }
            if (d.stalledReason !== undefined) {
                throw new Error(`${phase}: Deployment ${namespace}/${name} stopped progressing: ${d.stalledReason}`);
            }
            const pods = await client.countPods(namespace, d.selector);
            return atRest(d, pods) && enough(d.replicas) ? { done: undefined } : { status: describe(d, pods) };
        });
    }

    /** Runs one phase: its Locust Job, and `disrupt` once the load is steady. */
    async phase(phase: PhaseName, seconds: number, disrupt?: () => Promise<string>): Promise<PhaseResult> {
        const { client, clock, log } = this.deps;
        const name = `verify-${phase}-${this.deps.runId}`;
        const jobRef = `${JOB_NAMESPACE}/${name}`;
        this.guard();
        await client.createJob(
            locustJob({
                name,
                load: { ...this.plan.load, seconds },
                activeDeadlineSeconds: seconds + JOB_START_TIMEOUT_S + JOB_END_GRACE_S,
            }),
        );
        this.jobs.push(name);
        this.job = name;
        this.phaseStart = clock.now();
        this.lastProgress = 0;
        const { users, host } = this.plan.load;
        log(`${phase}: Locust Job ${jobRef}: ${users} users against ${host} for ${seconds} s`);

        await this.poll(phase, `Locust Job ${jobRef} to start`, JOB_START_TIMEOUT_S, async () => {
            const job = await client.getJob(JOB_NAMESPACE, name);
            if (job.phase === "failed") {
                throw new Error(`${phase}: Locust Job ${jobRef} failed to start (${job.reason ?? "no reason given"})`);
            }
            return job.phase === "pending" ? { status: `Locust pending (${job.reason ?? "scheduling"})` } : { done: undefined };
        });
        const loadStart = clock.now();

        let disruption: DisruptionOutcome | undefined;
        if (disrupt !== undefined) {
            await this.hold(phase, warmupSeconds(this.plan.load), "ramping up");
            const summary = await disrupt();
            const settledAtSeconds = this.seconds(loadStart);
            const job = await client.getJob(JOB_NAMESPACE, name);
            disruption = { summary, settledAtSeconds, outlasted: job.phase !== "running" || settledAtSeconds >= seconds };
            log(`${phase}: ${summary}; at rest after ${settledAtSeconds} s of load`);
        }

        const remaining = Math.max(0, seconds - this.seconds(loadStart));
        const end = await this.poll<JobState>(phase, `Locust Job ${jobRef} to finish`, remaining + JOB_END_GRACE_S, async () => {
            const job = await client.getJob(JOB_NAMESPACE, name);
            return job.phase === "succeeded" || job.phase === "failed" ? { done: job } : { status: "load running" };
        });
        const jobLog = await client.readJobLog(JOB_NAMESPACE, name, LOCUST_CONTAINER);
        const statsText = extractFile(jobLog, STATS_FILE);
        if (end.phase === "failed" || statsText === undefined || statsText.trim() === "") {
            const lastLine = jobLog.trimEnd().split("\n").pop() ?? "";
            const why = end.phase === "failed" ? `failed (${end.reason ?? "no reason given"})` : "printed no statistics";
            throw new Error(`${phase}: Locust Job ${jobRef} ${why}; last log line: ${lastLine.trim() || "(empty)"}`);
        }
        const failuresText = extractFile(jobLog, FAILURES_FILE) ?? "";
        const result: PhaseResult = {
            phase,
            loadSeconds: seconds,
            stats: parseStatsCsv(statsText),
            // The last console table in the log is the summary Locust prints as it shuts down.
            finalTotals: requestsSoFar(jobLog),
            failures: failuresText.trim() === "" ? [] : parseFailuresCsv(failuresText),
            disruption,
        };
        const t = totals(result);
        log(`${phase}: ${count(t.requests)} requests, ${count(t.failures)} failed (${formatRatio(t.failures, t.requests)})`);
        return result;
    }
}

/** The disruption of each phase; returns its one-line summary once the app is at rest again. */
const DISRUPTIONS: Record<Exclude<PhaseName, "baseline">, (run: Run, phase: PhaseName) => Promise<string>> = {
    "rollout-restart": async (run, phase) => {
        const { client, clock, log } = run.deps;
        const { namespace } = run.plan.app;
        const name = run.target.deployment;
        // The HPA may have added pods under the load since the run started.
        const pods = (await client.getDeployment(namespace, name))?.replicas ?? run.target.replicas;
        run.guard();
        await client.patchDeployment(namespace, name, { restartedAt: new Date(clock.now()).toISOString() });
        log(`${phase}: restarted Deployment ${namespace}/${name}`);
        await run.settle(phase, "the rollout to finish and old pods to terminate", () => true);
        return `replaced ${pods} pods`;
    },
    "scale-in": async (run, phase) => {
        const { client, log } = run.deps;
        const { namespace } = run.plan.app;
        const name = run.target.deployment;
        const d = await client.getDeployment(namespace, name);
        const from = d?.replicas ?? run.target.replicas;
        const to = run.plan.scaleInTo ?? Math.ceil(from / 2);
        if (to >= from) {
            throw new Error(`${phase}: Deployment ${namespace}/${name} runs ${from} replicas, so ${to} is no scale-in`);
        }
        run.guard();
        if (run.target.hpa !== undefined) {
            // Lowering only minReplicas leaves the scale-in to the HPA's 300 s stabilization and one pod a
            // minute; a maxReplicas below the current count makes the HPA scale in at its next sync. The pods
            // leave through the same ReplicaSet deletion, preStop and grace period either way.
            await client.patchHpa(namespace, name, { minReplicas: to, maxReplicas: to });
            log(`${phase}: HPA ${namespace}/${name} minReplicas = maxReplicas = ${to} (was ${from} pods)`);
        } else {
            await client.patchDeployment(namespace, name, { replicas: to });
            log(`${phase}: Deployment ${namespace}/${name} replicas ${from} → ${to}`);
        }
        await run.settle(phase, `the scale-in to ${to} pods`, (replicas) => replicas === to);
        return `scaled in from ${from} to ${to} pods`;
    },
    "blue-green": async (run, phase) => {
        const { client, log } = run.deps;
        const { namespace, name } = run.plan.app;
        const colors = run.target.colors;
        if (colors === undefined) {
            throw new Error(`${phase}: the app has no blue/green Deployments`);
        }
        const service = `Service ${namespace}/${name}`;
        for (const [color, hold] of [
            [colors.idle, true],
            [colors.active, false],
        ] as const) {
            run.guard();
            await client.patchServiceSelector(namespace, name, { [COLOR_LABEL]: color });
            log(`${phase}: ${service} now selects ${COLOR_LABEL}=${color}`);
            if (hold) {
                // A third of the load on the idle color, the rest back on the active one after switching back.
                await run.hold(phase, Math.floor(run.plan.durationSeconds / 3), `serving from ${color}`);
            }
        }
        return `switched to ${colors.idle} and back to ${colors.active}`;
    },
};

/**
 * Runs the plan. Throws InputError or ClusterAccessError (an API error answer included) before changing
 * anything when the app cannot be verified; after that, always returns an Outcome, having restored the
 * app and deleted its Jobs.
 */
export async function runVerify(plan: Plan, deps: RunDeps): Promise<Outcome> {
    const { client, log } = deps;
    const target = await beforeAnyChange(client.server, () => discover(client, plan));
    const { namespace } = plan.app;
    const found = target.hpa
        ? `HPA minReplicas ${target.hpa.minReplicas}, maxReplicas ${target.hpa.maxReplicas}`
        : `replicas ${target.replicas}, no HPA`;
    const color = target.colors ? `, Service selects ${COLOR_LABEL}=${target.colors.active}` : "";
    log(`found Deployment ${namespace}/${target.deployment}: ${found}${color}`);

    const run = new Run(plan, target, deps);
    const restorer = new Restorer(client, namespace, plan.app.name, target, log);
    const results: PhaseResult[] = [];
    let error: string | undefined;
    const unsubscribe = deps.onInterrupt(() => {
        log("interrupted: stopping the load and restoring the app (Ctrl-C again to quit at once)");
        run.stop();
        // Restore now, not only once the current step returns; the finally below restores again, idempotently.
        void restorer.restore();
    });
    try {
        for (const phase of plan.phases) {
            if (phase === "baseline") {
                results.push(await run.phase(phase, plan.baselineSeconds));
                if (totals(results[0]).failures > 0) {
                    log("baseline: requests fail without any disruption; skipping the disruptions until that is fixed");
                    break;
                }
                continue;
            }
            results.push(await run.phase(phase, plan.durationSeconds, () => DISRUPTIONS[phase](run, phase)));
            // Every phase starts from the app as it was found: bounds back, pods back.
            const problems = await restorer.restore();
            if (problems.length > 0) {
                throw new Error(problems[0]);
            }
            const floor = target.hpa?.minReplicas ?? target.replicas;
            await run.settle(phase, "the app to be back at rest", (replicas) => replicas >= floor);
        }
    } catch (err) {
        if (!(err instanceof InterruptedError)) {
            error = (err as Error).message.split("\n")[0];
        }
    } finally {
        unsubscribe();
    }
    const restoreProblems = await restorer.restore();
    for (const job of run.jobs) {
        try {
            await client.deleteJob(JOB_NAMESPACE, job);
        } catch (err) {
            restoreProblems.push(
                `could not delete Job ${JOB_NAMESPACE}/${job}: ${(err as Error).message}; by hand: kubectl -n ${JOB_NAMESPACE} delete job ${job}`,
            );
        }
    }
    return { planned: plan.phases, results, verdict: verdict(plan.phases, results), error, interrupted: run.interrupted, restoreProblems };
}

/** Exit status: 0 proven, 1 not proven (failed requests, failed step, app not restored), 130 interrupted. */
export function exitCode(outcome: Outcome): number {
    if (outcome.interrupted) {
        return 130;
    }
    return outcome.error === undefined && outcome.restoreProblems.length === 0 && outcome.verdict.passed ? 0 : 1;
}

/** The report printed at the end: the table, then the verdict with its reasons. */
export function summarize(outcome: Outcome): string[] {
    const lines = outcome.results.length > 0 ? ["", formatTable(outcome.results), ""] : [""];
    if (outcome.interrupted) {
        lines.push("INTERRUPTED: the run was stopped before it could prove anything");
    }
    if (outcome.error !== undefined) {
        lines.push(`ERROR: ${outcome.error}`);
    }
    lines.push(...outcome.restoreProblems.map((p) => `NOT RESTORED: ${p}`));
    if (outcome.verdict.passed && exitCode(outcome) === 0) {
        const total = outcome.results.reduce((n, r) => n + totals(r).requests, 0);
        lines.push(`PASS: ${count(total)} requests over ${outcome.results.length} phases, not one failed`);
    } else {
        lines.push(...outcome.verdict.problems.map((p) => `FAIL: ${p}`));
    }
    return lines;
}
