// The verify run: one bounded Locust Job per phase and the phase's disruption while it runs
// (disruptions.ts); plan.ts says what a run is given, discover.ts what it reads first, restore.ts
// how the app is put back. Talks to the cluster only through ClusterClient and to time
// only through Clock, so the tests drive it with fakes.
import { COLOR_LABEL } from "../components/app/labels";
import { Sampler, TargetHealthSource, Watched, formatCalibration } from "./calibration";
import { JobState, beforeAnyChange } from "./cluster-client";
import { FAILURES_FILE, HISTORY_FILE, JOB_NAMESPACE, LOCUST_CONTAINER, STATS_FILE, extractFile, locustJob, requestsSoFar } from "./job";
import { DisruptionOutcome, LoadResult, PhaseName, PhaseResult, count, formatRatio, formatTable, totals, verdict } from "./verdict";
import { parseFailuresCsv, parseHistoryCsv, parseStatsCsv } from "./stats";
import {
    InterruptedError,
    JOB_END_GRACE_S,
    JOB_START_TIMEOUT_S,
    Outcome,
    POLL_MS,
    PROGRESS_MS,
    Plan,
    RunDeps,
    RunEvent,
    SAMPLE_MS,
    SETTLE_TIMEOUT_S,
    ScaleOutMeasure,
    Step,
    warmupSeconds,
} from "./plan";
import { Target, WorkloadState, atRest, describe, discover } from "./discover";
import { Restorer } from "./restore";
import { CALIBRATED, DISRUPTIONS } from "./disruptions";
import { checkDrainable } from "./node-drain";
import type { PhaseRun } from "./phase-run";
import { preflight } from "./preflight";

export { COLOR_LABEL };
export { InputError, InterruptedError, systemClock, warmupSeconds } from "./plan";
export type { AppRef, Clock, Outcome, Plan, RunDeps } from "./plan";

/** One run: the plan, the live target, the interrupt signal and the Jobs created so far. */
class Run implements PhaseRun {
    readonly jobs: string[] = [];
    readonly events: RunEvent[] = [];
    readonly samplers: Sampler[] = [];
    sampler?: Sampler;
    scaleOut?: ScaleOutMeasure;
    private readonly interrupt = new AbortController();
    private phaseStart = 0;
    private loadStart = 0;
    private loadSeconds = 0;
    private lastProgress = 0;
    private job = "";
    private stepJob?: { name: string; users: number };
    /** The current phase's disruption has returned (the app is at rest again). */
    private disrupted = false;
    /** Why the current phase's disruption proved nothing, when it says so (unproven()). */
    private unprovenReason?: string;

    constructor(
        readonly plan: Plan,
        readonly target: Target,
        readonly deps: RunDeps,
        readonly restorer: Restorer,
        readonly watched: Watched[],
        readonly elb: TargetHealthSource | undefined,
    ) {}

    get interrupted(): boolean {
        return this.interrupt.signal.aborted;
    }

    stop(): void {
        this.interrupt.abort();
    }

    guard(): void {
        if (this.interrupted) {
            throw new InterruptedError();
        }
    }

    event(phase: PhaseName, kind: RunEvent["kind"], text: string, at = this.deps.clock.now()): void {
        this.events.push({ phase, at, kind, text });
        if (kind !== "pod-deleted") {
            this.deps.log(`${phase}: ${text}`);
        }
    }

    private seconds(since: number): number {
        return Math.round((this.deps.clock.now() - since) / 1000);
    }

    unproven(reason: string): void {
        this.unprovenReason = reason;
    }

    remainingSeconds(): number {
        return Math.max(0, this.loadSeconds - this.seconds(this.loadStart));
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

    async poll<T>(phase: PhaseName, what: string, timeoutSeconds: number, step: () => Promise<Step<T>>): Promise<T> {
        const deadline = this.deps.clock.now() + timeoutSeconds * 1000;
        for (;;) {
            this.guard();
            await this.sampler?.tick();
            // Once the disruption is over and every pod it moved has been timed, the phase polls at the usual pace.
            if (this.disrupted && this.sampler?.pending() === false) {
                this.sampler = undefined;
            }
            const result = await step();
            if ("done" in result) {
                return result.done;
            }
            if (this.deps.clock.now() >= deadline) {
                throw new Error(`${phase}: ${what} did not happen within ${timeoutSeconds} s (${result.status})`);
            }
            await this.progress(phase, result.status);
            await this.deps.clock.sleep(this.sampler === undefined ? POLL_MS : SAMPLE_MS, this.interrupt.signal);
        }
    }

    async hold(phase: PhaseName, seconds: number, status: string): Promise<void> {
        const until = this.deps.clock.now() + seconds * 1000;
        await this.poll(phase, status, seconds + 1, () =>
            Promise.resolve(this.deps.clock.now() >= until ? { done: undefined } : { status }),
        );
    }

    async settle(
        phase: PhaseName,
        what: string,
        enough: (replicas: number) => boolean,
        workload: WorkloadState = this.target,
    ): Promise<void> {
        const { client } = this.deps;
        const { namespace, deployment } = workload;
        await this.poll(phase, what, SETTLE_TIMEOUT_S, async () => {
            const d = await client.getDeployment(namespace, deployment);
            if (d === undefined) {
                throw new Error(`${phase}: Deployment ${namespace}/${deployment} disappeared`);
            }
            if (d.stalledReason !== undefined) {
                throw new Error(`${phase}: Deployment ${namespace}/${deployment} stopped progressing: ${d.stalledReason}`);
            }
            const pods = await client.countPods(namespace, d.selector);
            return atRest(d, pods) && enough(d.replicas) ? { done: undefined } : { status: describe(d, pods) };
        });
    }

    /** Creates a Locust Job of `users` for `seconds` and waits until it runs. */
    private async startJob(phase: PhaseName, name: string, users: number, seconds: number): Promise<void> {
        const { client, log } = this.deps;
        const jobRef = `${JOB_NAMESPACE}/${name}`;
        this.guard();
        await client.createJob(
            locustJob({
                name,
                load: { ...this.plan.load, users, seconds },
                activeDeadlineSeconds: seconds + JOB_START_TIMEOUT_S + JOB_END_GRACE_S,
            }),
        );
        this.jobs.push(name);
        log(`${phase}: Locust Job ${jobRef}: ${users} users against ${this.plan.load.host} for ${seconds} s`);
        await this.poll(phase, `Locust Job ${jobRef} to start`, JOB_START_TIMEOUT_S, async () => {
            const job = await client.getJob(JOB_NAMESPACE, name);
            if (job.phase === "failed") {
                throw new Error(`${phase}: Locust Job ${jobRef} failed to start (${job.reason ?? "no reason given"})`);
            }
            return job.phase === "pending" ? { status: `Locust pending (${job.reason ?? "scheduling"})` } : { done: undefined };
        });
    }

    async startStep(phase: PhaseName, users: number): Promise<number> {
        const name = `verify-step-${this.deps.runId}`;
        this.stepJob = { name, users };
        await this.startJob(phase, name, users, Math.max(1, this.remainingSeconds()));
        return this.deps.clock.now();
    }

    /** Waits for the Job to end and reads its statistics from its log. */
    private async finishJob(phase: PhaseName, name: string, users: number, timeoutSeconds: number): Promise<LoadResult> {
        const { client } = this.deps;
        const jobRef = `${JOB_NAMESPACE}/${name}`;
        const end = await this.poll<JobState>(phase, `Locust Job ${jobRef} to finish`, timeoutSeconds, async () => {
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
        const historyText = extractFile(jobLog, HISTORY_FILE) ?? "";
        return {
            users,
            stats: parseStatsCsv(statsText),
            // The last console table in the log is the summary Locust prints as it shuts down.
            finalTotals: requestsSoFar(jobLog),
            failures: failuresText.trim() === "" ? [] : parseFailuresCsv(failuresText),
            history: historyText.trim() === "" ? [] : parseHistoryCsv(historyText),
        };
    }

    /** Runs one phase: its Locust Job, and `disrupt` once the load is steady. */
    async phase(phase: PhaseName, seconds: number, disrupt?: () => Promise<string>): Promise<PhaseResult> {
        const { clock, log } = this.deps;
        const name = `verify-${phase}-${this.deps.runId}`;
        this.job = name;
        this.phaseStart = clock.now();
        this.lastProgress = 0;
        this.stepJob = undefined;
        this.disrupted = false;
        this.unprovenReason = undefined;
        this.sampler = undefined;
        await this.startJob(phase, name, this.plan.load.users, seconds);
        this.loadStart = clock.now();
        this.loadSeconds = seconds;

        let disruption: DisruptionOutcome | undefined;
        if (disrupt !== undefined) {
            await this.hold(phase, warmupSeconds(this.plan.load), "ramping up");
            if (CALIBRATED.includes(phase)) {
                this.sampler = new Sampler(
                    this.deps.client,
                    this.elb,
                    this.watched,
                    phase,
                    () => clock.now(),
                    log,
                    (t) => this.event(phase, "pod-deleted", `pod ${t.pod} deleted`, t.deletedAt),
                );
                this.samplers.push(this.sampler);
                // The first sample, before anything changes: the pods it lists are the old ones.
                await this.sampler.tick();
            }
            const summary = await disrupt();
            this.disrupted = true;
            const settledAtSeconds = this.seconds(this.loadStart);
            const job = await this.deps.client.getJob(JOB_NAMESPACE, name);
            disruption = {
                summary,
                settledAtSeconds,
                outlasted: job.phase !== "running" || settledAtSeconds >= seconds,
                unproven: this.unprovenReason,
            };
            log(`${phase}: ${summary}; at rest after ${settledAtSeconds} s of load`);
        }

        try {
            const result: PhaseResult = {
                phase,
                loadSeconds: seconds,
                ...(await this.finishJob(phase, name, this.plan.load.users, this.remainingSeconds() + JOB_END_GRACE_S)),
                disruption,
            };
            // Set by the disruption (scale-out's load step), which TypeScript cannot see from here.
            const step = this.stepJob as { name: string; users: number } | undefined;
            if (step !== undefined) {
                result.step = await this.finishJob(phase, step.name, step.users, this.remainingSeconds() + JOB_END_GRACE_S);
            }
            const t = totals(result);
            log(`${phase}: ${count(t.requests)} requests, ${count(t.failures)} failed (${formatRatio(t.failures, t.requests)})`);
            return result;
        } finally {
            this.sampler = undefined;
        }
    }

    timings() {
        const all = this.samplers.map((s) => s.timings());
        return { terminating: all.flatMap((t) => t.terminating), created: all.flatMap((t) => t.created) };
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

    // Before any disruption: the pods the ALB sends traffic to must wait for their targets (exit 2 otherwise).
    const fronted = [
        { workload: target, service: plan.app.name },
        ...(target.gateway ? [{ workload: target.gateway, service: target.gateway.deployment }] : []),
    ];
    const bindings = await beforeAnyChange(client.server, () =>
        preflight(
            client,
            fronted.map((f) => ({ namespace: f.workload.namespace, service: f.service })),
        ),
    );
    // Before anything changes: node-drain takes no pod that nothing recreates unless --force (exit 2 otherwise).
    if (plan.phases.includes("node-drain") && !plan.force) {
        await beforeAnyChange(client.server, () => checkDrainable(client, target, plan.nodeReplace));
    }
    const watched: Watched[] = fronted.map(({ workload: w, service }) => ({
        workload: `${w.namespace}/${w.deployment}`,
        namespace: w.namespace,
        service,
        selector: w.selector,
        binding: bindings.get(`${w.namespace}/${service}`),
    }));
    for (const w of watched) {
        log(
            `${w.workload}: ${w.binding ? `ALB target group ${w.binding.targetGroupArn} (TargetGroupBinding ${w.binding.name}), readiness gates True` : "no ALB target group of its own"}`,
        );
    }

    const elb = watched.some((w) => w.binding?.targetGroupArn !== undefined) ? await deps.targetHealth?.() : undefined;
    const restorer = new Restorer(client, plan.app.name, target, log);
    const run = new Run(plan, target, deps, restorer, watched, elb);
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
    return {
        planned: plan.phases,
        results,
        verdict: verdict(plan.phases, results),
        error,
        interrupted: run.interrupted,
        restoreProblems,
        events: run.events,
        timings: run.timings(),
        scaleOut: run.scaleOut,
    };
}

/** Exit status: 0 proven, 1 not proven (failed requests, failed step, app not restored), 130 interrupted. */
export function exitCode(outcome: Outcome): number {
    if (outcome.interrupted) {
        return 130;
    }
    return outcome.error === undefined && outcome.restoreProblems.length === 0 && outcome.verdict.passed ? 0 : 1;
}

/** The report printed at the end: the table, the spike and calibration measurements, then the verdict with its reasons. */
export function summarize(outcome: Outcome, plan?: Pick<Plan, "models">): string[] {
    const lines = outcome.results.length > 0 ? ["", formatTable(outcome.results), ""] : [""];
    const so = outcome.scaleOut;
    if (so !== undefined) {
        const measured = so.measuredSeconds === undefined ? "no new pod served" : `${so.measuredSeconds} s`;
        const by = so.servingBy === "alb-target-healthy" ? "its ALB target healthy" : "its endpoint ready";
        lines.push(
            `spike to serving (load step → first new pod serving, ${by}): measured ${measured}, modeled ${so.modeledSeconds ?? "never"} s: ${so.judgement}`,
            "",
        );
    }
    if (plan !== undefined && outcome.results.some((r) => r.disruption !== undefined)) {
        lines.push(...formatCalibration(outcome.timings, plan.models), "");
    }
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
