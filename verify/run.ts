// The verify run: one bounded Locust Job per phase and the phase's disruption while it runs
// (disruptions.ts); plan.ts says what a run is given, discover.ts what it reads first, restore.ts
// how the app is put back. Talks to the cluster only through ClusterClient and to time
// only through Clock, so the tests drive it with fakes.
import { COLOR_LABEL } from "../components/app/labels";
import { Sampler, TargetHealthSource, Watched, formatCalibration } from "./calibration";
import { JobState, beforeAnyChange } from "./cluster-client";
import {
    FAILURES_FILE,
    HISTORY_FILE,
    JOB_NAMESPACE,
    LOCUST_CONTAINER,
    STATS_FILE,
    currentRate,
    extractFile,
    locustJob,
    requestsSoFar,
} from "./job";
import { DisruptionOutcome, LoadResult, PhaseName, PhaseResult, count, formatRatio, formatTable, totals, verdict } from "./verdict";
import { mergeFailures, mergeHistory, mergeStats, parseFailuresCsv, parseHistoryCsv, parseStatsCsv } from "./stats";
import { usersPerPod } from "./step-size";
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
import { describeOffset } from "./clock";

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
    /** The scale-out step's Job, and when its load ends (ms, this clock): its run time counts from when its pod runs. */
    private stepJob?: { name: string; users: number; endsAt?: number };
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

    serverNow(): number {
        return this.deps.clock.now() + (this.deps.client.clockOffset()?.offsetMs ?? 0);
    }

    event(phase: PhaseName, kind: RunEvent["kind"], text: string, at = this.serverNow()): void {
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

    stepRemainingSeconds(): number {
        const endsAt = this.stepJob?.endsAt;
        return endsAt === undefined ? 0 : Math.max(0, Math.round((endsAt - this.deps.clock.now()) / 1000));
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

    /** Creates a Locust Job of `pods` pods of `users` each for `seconds` and waits until every pod runs. */
    private async startJob(phase: PhaseName, name: string, users: number, seconds: number, pods = 1): Promise<void> {
        const { client, log } = this.deps;
        const jobRef = `${JOB_NAMESPACE}/${name}`;
        this.guard();
        // Recorded before the call: a create whose answer is lost (the client gives up after 30 s) may
        // still have made the Job, and the cleanup deletes it by name (a Job already gone is no error).
        this.jobs.push(name);
        await client.createJob(
            locustJob({
                name,
                load: { ...this.plan.load, users, seconds },
                pods,
                activeDeadlineSeconds: seconds + JOB_START_TIMEOUT_S + JOB_END_GRACE_S,
            }),
        );
        const who = pods === 1 ? `${users} users` : `${pods} pods × ${users} users`;
        log(`${phase}: Locust Job ${jobRef}: ${who} against ${this.plan.load.host} for ${seconds} s`);
        await this.poll(phase, `Locust Job ${jobRef} to start`, JOB_START_TIMEOUT_S, async () => {
            const job = await client.getJob(JOB_NAMESPACE, name);
            if (job.phase === "failed") {
                throw new Error(`${phase}: Locust Job ${jobRef} failed to start (${job.reason ?? "no reason given"})`);
            }
            return job.phase === "pending" ? { status: `Locust pending (${job.reason ?? "scheduling"})` } : { done: undefined };
        });
    }

    async startStep(phase: PhaseName, users: number, pods: number): Promise<number> {
        const name = `verify-step-${this.deps.runId}`;
        const perPod = usersPerPod(users, pods);
        this.stepJob = { name, users: perPod * pods };
        // The rest of the phase, as planned now. Locust counts it from when it starts, which is when the
        // pod runs: minutes later when Karpenter has to launch a node for it first.
        const seconds = Math.max(1, this.remainingSeconds());
        await this.startJob(phase, name, perPod, seconds, pods);
        this.stepJob.endsAt = this.deps.clock.now() + seconds * 1000;
        return this.serverNow();
    }

    /** Waits for the Job to end and reads its statistics from the logs of its pods (one Locust each), as one. */
    private async finishJob(phase: PhaseName, name: string, users: number, timeoutSeconds: number): Promise<LoadResult> {
        const { client } = this.deps;
        const jobRef = `${JOB_NAMESPACE}/${name}`;
        const end = await this.poll<JobState>(phase, `Locust Job ${jobRef} to finish`, timeoutSeconds, async () => {
            const job = await client.getJob(JOB_NAMESPACE, name);
            return job.phase === "succeeded" || job.phase === "failed" ? { done: job } : { status: "load running" };
        });
        const logs = await client.readJobLogs(JOB_NAMESPACE, name, LOCUST_CONTAINER);
        const each = (logs.length === 0 ? [""] : logs).map((jobLog) => {
            const statsText = extractFile(jobLog, STATS_FILE);
            if (end.phase === "failed" || statsText === undefined || statsText.trim() === "") {
                const lastLine = jobLog.trimEnd().split("\n").pop() ?? "";
                const why = end.phase === "failed" ? `failed (${end.reason ?? "no reason given"})` : "printed no statistics";
                throw new Error(`${phase}: Locust Job ${jobRef} ${why}; last log line: ${lastLine.trim() || "(empty)"}`);
            }
            const failuresText = extractFile(jobLog, FAILURES_FILE) ?? "";
            const historyText = extractFile(jobLog, HISTORY_FILE) ?? "";
            return {
                stats: parseStatsCsv(statsText),
                // The last console table in the log is the summary Locust prints as it shuts down.
                finalTotals: requestsSoFar(jobLog),
                failures: failuresText.trim() === "" ? [] : parseFailuresCsv(failuresText),
                history: historyText.trim() === "" ? [] : parseHistoryCsv(historyText),
            };
        });
        const finals = each.map((e) => e.finalTotals);
        return {
            users,
            stats: mergeStats(each.map((e) => e.stats)),
            finalTotals: finals.every((f) => f !== undefined)
                ? { requests: finals.reduce((n, f) => n + f.requests, 0), failures: finals.reduce((n, f) => n + f.failures, 0) }
                : undefined,
            failures: mergeFailures(each.map((e) => e.failures)),
            history: mergeHistory(each.map((e) => e.history)),
        };
    }

    async baseLoadRate(): Promise<number | undefined> {
        return currentRate(await this.deps.client.readJobLog(JOB_NAMESPACE, this.job, LOCUST_CONTAINER, 40));
    }

    /** Whether some load of the phase still runs: its own Job, or the load step (which may have started late). */
    private async loadStillOn(name: string, seconds: number, settledAtSeconds: number): Promise<boolean> {
        const { client, clock } = this.deps;
        const own = (await client.getJob(JOB_NAMESPACE, name)).phase === "running" && settledAtSeconds < seconds;
        const step = this.stepJob as { name: string; endsAt?: number } | undefined;
        if (own || step?.endsAt === undefined) {
            return own;
        }
        return (await client.getJob(JOB_NAMESPACE, step.name)).phase === "running" && clock.now() < step.endsAt;
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
        // A disruption that fails (an API error, a rollout that never ends) stops the run, but the load
        // it ran under still counts: the app is restored, the Jobs finish and their counts are reported.
        let failure: Error | undefined;
        if (disrupt !== undefined) {
            await this.hold(phase, warmupSeconds(this.plan.load), "ramping up");
            if (CALIBRATED.includes(phase)) {
                this.sampler = new Sampler(
                    this.deps.client,
                    this.elb,
                    this.watched,
                    phase,
                    // One clock with the pods' own timestamps (deletion, conditions): the API server's.
                    () => this.serverNow(),
                    log,
                    (t) => this.event(phase, "pod-deleted", `pod ${t.pod} deleted`, t.deletedAt),
                );
                this.samplers.push(this.sampler);
                // The first sample, before anything changes: the pods it lists are the old ones.
                await this.sampler.tick();
            }
            let summary: string;
            try {
                summary = await disrupt();
            } catch (err) {
                if (err instanceof InterruptedError) {
                    throw err;
                }
                failure = err instanceof Error ? err : new Error(String(err));
                summary = `failed: ${failure.message.split("\n")[0]}`;
                log(`${phase}: ${summary}; restoring the app, then reading what the load saw`);
                // Restored now, under the load; the run's own restore afterwards reports what could not be.
                await this.restorer.restore();
            }
            this.disrupted = true;
            const settledAtSeconds = this.seconds(this.loadStart);
            disruption = {
                summary,
                settledAtSeconds,
                outlasted: failure === undefined && !(await this.loadStillOn(name, seconds, settledAtSeconds)),
                unproven: this.unprovenReason,
                failed: failure?.message.split("\n")[0],
            };
            if (failure === undefined) {
                log(`${phase}: ${summary}; at rest after ${settledAtSeconds} s of load`);
            }
        }

        try {
            let own: LoadResult;
            try {
                own = await this.finishJob(phase, name, this.plan.load.users, this.remainingSeconds() + JOB_END_GRACE_S);
            } catch (err) {
                // Without its statistics the failure is all there is to report.
                throw failure ?? err;
            }
            const result: PhaseResult = { phase, loadSeconds: seconds, ...own, disruption };
            // Set by the disruption (scale-out's load step), which TypeScript cannot see from here.
            const step = this.stepJob as { name: string; users: number } | undefined;
            if (step !== undefined) {
                try {
                    result.step = await this.finishJob(phase, step.name, step.users, this.stepRemainingSeconds() + JOB_END_GRACE_S);
                } catch (err) {
                    if (failure === undefined) {
                        throw err;
                    }
                    // The step never ran to the end (it may be why the disruption failed); the phase's own counts stay.
                }
            }
            const t = totals(result);
            log(`${phase}: ${count(t.requests)} requests, ${count(t.failures)} failed (${formatRatio(t.failures, t.requests)})`);
            return result;
        } finally {
            this.sampler = undefined;
        }
    }

    /**
     * After a phase: replicas an HPA added under its load would otherwise stay for the HPA's scale-down
     * stabilization window (300 s for the app) and leave during the next phase, a scale-in nobody
     * measures. A maxReplicas at the count found takes them away at the HPA's next sync (replicas above
     * maxReplicas go to maxReplicas at once: kubernetes pkg/controller/podautoscaler/horizontal.go
     * reconcileAutoscaler); the bounds are put back once the Deployment is at rest again.
     */
    async backToFound(phase: PhaseName): Promise<void> {
        const { client, log } = this.deps;
        for (const w of [this.target, this.target.gateway]) {
            if (w?.hpa === undefined) {
                continue;
            }
            const now = (await client.getDeployment(w.namespace, w.deployment))?.replicas;
            if (now === undefined || now <= w.replicas) {
                continue;
            }
            const to = Math.max(w.replicas, w.hpa.minReplicas);
            this.guard();
            await client.patchHpa(w.namespace, w.deployment, { minReplicas: w.hpa.minReplicas, maxReplicas: to });
            log(`${phase}: the HPA of ${w.namespace}/${w.deployment} added ${now - w.replicas} pod(s); taking it back to the ${to} found`);
            await this.settle(phase, `${w.namespace}/${w.deployment} to be back at ${to} replicas`, (replicas) => replicas === to, w);
            const problems = await this.restorer.restore();
            if (problems.length > 0) {
                throw new Error(problems[0]);
            }
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
    log(describeOffset(client.clockOffset(), client.server));

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
    // Who owns what verify may change, read before it changes anything: given back once restored.
    await beforeAnyChange(client.server, () => restorer.snapshot());
    const run = new Run(plan, target, deps, restorer, watched, elb);
    const results: PhaseResult[] = [];
    let error: string | undefined;
    let finishing = false;
    const unsubscribe = deps.onInterrupt(() => {
        if (finishing) {
            log("interrupted: still restoring the app and deleting verify's Jobs; Ctrl-C again to quit at once");
            return;
        }
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
            const result = await run.phase(phase, plan.durationSeconds, () => DISRUPTIONS[phase](run, phase));
            results.push(result);
            if (result.disruption?.failed !== undefined) {
                throw new Error(result.disruption.failed);
            }
            // Every phase starts from the app as it was found: bounds back, pods back.
            const problems = await restorer.restore();
            if (problems.length > 0) {
                throw new Error(problems[0]);
            }
            await run.backToFound(phase);
            const floor = target.hpa?.minReplicas ?? target.replicas;
            await run.settle(phase, "the app to be back at rest", (replicas) => replicas >= floor);
        }
    } catch (err) {
        if (!(err instanceof InterruptedError)) {
            error = (err as Error).message.split("\n")[0];
        }
    }
    // Ctrl-C stays handled until the app is restored and the Jobs are deleted: a first one now only
    // says so (quitting half-way would leave what it was meant to protect); a second one quits.
    finishing = true;
    const restoreProblems: string[] = [];
    try {
        restoreProblems.push(...(await restorer.restore()));
        for (const job of run.jobs) {
            try {
                await client.deleteJob(JOB_NAMESPACE, job);
            } catch (err) {
                restoreProblems.push(
                    `could not delete Job ${JOB_NAMESPACE}/${job}: ${(err as Error).message}; by hand: kubectl -n ${JOB_NAMESPACE} delete job ${job}`,
                );
            }
        }
    } finally {
        unsubscribe();
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
