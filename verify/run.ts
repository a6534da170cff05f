// The verify run: one bounded Locust Job per phase and the phase's disruption while it runs
// (disruptions.ts); plan.ts says what a run is given, discover.ts what it reads first, restore.ts
// how the app is put back. Talks to the cluster only through ClusterClient and to time
// only through Clock, so the tests drive it with fakes.
import { COLOR_LABEL } from "../components/app/labels";
import { JobState, beforeAnyChange } from "./cluster-client";
import { FAILURES_FILE, JOB_NAMESPACE, LOCUST_CONTAINER, STATS_FILE, extractFile, locustJob, requestsSoFar } from "./job";
import { DisruptionOutcome, PhaseName, PhaseResult, count, formatRatio, formatTable, totals, verdict } from "./verdict";
import { parseFailuresCsv, parseStatsCsv } from "./stats";
import {
    InterruptedError,
    JOB_END_GRACE_S,
    JOB_START_TIMEOUT_S,
    Outcome,
    POLL_MS,
    PROGRESS_MS,
    Plan,
    RunDeps,
    SETTLE_TIMEOUT_S,
    warmupSeconds,
} from "./plan";
import { Target, atRest, describe, discover } from "./discover";
import { Restorer } from "./restore";
import { DISRUPTIONS, PhaseRun } from "./disruptions";

export { COLOR_LABEL };
export { InputError, InterruptedError, systemClock, warmupSeconds } from "./plan";
export type { AppRef, Clock, Outcome, Plan, RunDeps } from "./plan";

type Step<T> = { done: T } | { status: string };

/** One run: the plan, the live target, the interrupt signal and the Jobs created so far. */
class Run implements PhaseRun {
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
