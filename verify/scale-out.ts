// The scale-out phase: a load step (a second Locust Job with more users) and the measured time from
// the step to the first new pod serving, next to the synth report's modeled spike-to-serving time
// (rules/spike.ts through stacks/models.ts). The model sums worst cases; the phase says whether the
// measurement is within ±20 % of it, and otherwise which term was off.
import type { SpikeStep } from "../rules/spike";
import { ApiError, PodCpu } from "./cluster-client";
import type { PhaseRun } from "./phase-run";
import type { ScaleOutMeasure } from "./plan";
import { BaseLoad, LOCUST_PROCESS_RPS, sizeStep, usersPerPod, utilizationOf } from "./step-size";
import type { PhaseName } from "./phases";
import { count } from "./verdict";

/** How far the measurement may be from the model and still agree with it. */
export const SPIKE_TOLERANCE = 0.2;

interface Term {
    name: string;
    /** Which model steps the term adds up (by the start of their names in rules/spike.ts). */
    steps: string[];
    from: keyof ScaleOutMeasure;
    to: keyof ScaleOutMeasure;
}

/** The measured segments and the model steps each stands for. */
const TERMS: Term[] = [
    { name: "metrics + HPA (step → replicas raised)", steps: ["fresh CPU metrics", "HPA acts"], from: "stepAt", to: "scaledAt" },
    { name: "node (replicas raised → pod scheduled)", steps: ["node for the new pods"], from: "scaledAt", to: "scheduledAt" },
    {
        name: "start (scheduled → containers ready)",
        steps: ["image pull", "started", "Ready"],
        from: "scheduledAt",
        to: "containersReadyAt",
    },
    { name: "routing (containers ready → serving)", steps: ["ALB routes"], from: "containersReadyAt", to: "servingAt" },
];

const at = (m: ScaleOutMeasure, key: keyof ScaleOutMeasure): number | undefined => {
    const v = m[key];
    return typeof v === "number" ? v : undefined;
};

function modelOf(steps: SpikeStep[], names: string[]): number | undefined {
    const picked = steps.filter((s) => names.some((n) => s.step.startsWith(n)));
    return picked.some((s) => s.seconds === undefined) ? undefined : picked.reduce((sum, s) => sum + (s.seconds ?? 0), 0);
}

/** The measured vs modeled comparison, in one phrase; pure, so it is tested directly. */
export function judgeSpike(m: ScaleOutMeasure, model: { steps: SpikeStep[]; total: number | undefined }): string {
    if (m.measuredSeconds === undefined) {
        return "no new pod served within the phase";
    }
    if (model.total === undefined) {
        return `the model says no new pod can be placed (nothing adds nodes), yet one served after ${m.measuredSeconds} s`;
    }
    if (Math.abs(m.measuredSeconds - model.total) <= SPIKE_TOLERANCE * model.total) {
        return `within ±${SPIKE_TOLERANCE * 100} % of the model's ${model.total} s`;
    }
    const off = TERMS.map((t) => {
        const from = at(m, t.from);
        const to = at(m, t.to);
        const measured = from === undefined || to === undefined ? undefined : Math.round((to - from) / 1000);
        return { term: t.name, measured, modeled: modelOf(model.steps, t.steps) };
    })
        .filter((t): t is { term: string; measured: number; modeled: number } => t.measured !== undefined && t.modeled !== undefined)
        .sort((a, b) => Math.abs(b.measured - b.modeled) - Math.abs(a.measured - a.modeled))[0];
    const direction = m.measuredSeconds > model.total ? "slower" : "faster";
    const blame = off === undefined ? "" : `; the term most off: ${off.term} took ${off.measured} s, modeled ${off.modeled} s`;
    return `${direction} than the model's ${model.total} s by more than ±${SPIKE_TOLERANCE * 100} %${blame}`;
}

export async function scaleOut(run: PhaseRun, phase: PhaseName): Promise<string> {
    const { client, clock } = run.deps;
    const app = run.target;
    if (app.hpa === undefined) {
        throw new Error(`${phase}: Deployment ${app.namespace}/${app.deployment} has no HPA to scale it out`);
    }
    const from = (await client.getDeployment(app.namespace, app.deployment))?.replicas ?? app.replicas;
    if (from >= app.hpa.maxReplicas) {
        throw new Error(
            `${phase}: Deployment ${app.namespace}/${app.deployment} already runs maxReplicas (${from}); nothing to scale out to`,
        );
    }
    const { users } = run.plan.load;
    const step = await sizeTheStep(run, phase);
    if ("cannot" in step) {
        // Said before any step starts: a step that cannot pass the HPA's target would prove nothing, slowly.
        run.unproven(`scale-out cannot be proven on this stack: ${step.cannot}`);
        return `no load step: ${step.cannot}`;
    }
    run.deps.log(`${phase}: ${step.why}`);
    const stepAt = await run.startStep(phase, step.users, step.pods);
    const total = users + usersPerPod(step.users, step.pods) * step.pods;
    run.event(
        phase,
        "load-step",
        `load step: ${users} → ${count(total)} users (${step.pods} Locust pod${step.pods === 1 ? "" : "s"} added)`,
    );
    const own = run.watched.find((w) => w.workload === `${app.namespace}/${app.deployment}`);
    const servingBy = own?.binding !== undefined && run.elb !== undefined ? "alb-target-healthy" : "endpoint-ready";
    const m: ScaleOutMeasure = { stepAt, servingBy, modeledSeconds: run.plan.models.spike.total, judgement: "" };
    // Watched for as long as the step's load runs, timed from when its pod runs, not from when it was asked for.
    const deadline = clock.now() + run.stepRemainingSeconds() * 1000;
    await run.poll(phase, "a new pod to serve the step", run.stepRemainingSeconds() + 1, async () => {
        if (m.scaledAt === undefined && ((await client.getDeployment(app.namespace, app.deployment))?.replicas ?? 0) > from) {
            m.scaledAt = run.serverNow();
        }
        const first = run.sampler?.newPods(`${app.namespace}/${app.deployment}`)[0];
        if (first !== undefined) {
            m.createdAt = first.createdAt;
            m.scheduledAt = first.scheduledAt;
            m.containersReadyAt = first.containersReadyAt;
            m.servingAt = servingBy === "alb-target-healthy" ? first.healthyAt : first.endpointReadyAt;
        }
        if (m.servingAt !== undefined || clock.now() >= deadline) {
            return { done: undefined };
        }
        return { status: m.scaledAt === undefined ? "waiting for the HPA" : "waiting for a new pod to serve" };
    });
    m.measuredSeconds = m.servingAt === undefined ? undefined : Math.round((m.servingAt - stepAt) / 1000);
    m.judgement = judgeSpike(m, run.plan.models.spike);
    run.scaleOut = m;
    if (m.measuredSeconds === undefined) {
        run.unproven(
            `no new pod served within the phase: the step to ${count(total)} users did not make the HPA add one in time; raise --step-users or --duration`,
        );
    }
    const measured =
        m.measuredSeconds === undefined ? "no new pod served before the load ended" : `first new pod serving after ${m.measuredSeconds} s`;
    return `load step ${users} → ${count(total)} users; ${measured} (${m.judgement})`;
}

/** How long to wait for a CPU sample of the steady base load: metrics-server's 15 s resolution (rules/spike.ts), twice, and a margin. */
export const METRICS_WAIT_S = 60;

/**
 * The step: measured (the app's CPU under the base load, from the metrics API, and Locust's current
 * rate), then sized (step-size.ts); --step-users fixes the users and leaves the pods to the rate. Says
 * why it cannot when the cost cannot be measured or the step would need more Locust pods than the stack has.
 */
async function sizeTheStep(run: PhaseRun, phase: PhaseName): Promise<{ users: number; pods: number; why: string } | { cannot: string }> {
    const { client, clock } = run.deps;
    const app = run.target;
    const limits = run.plan.stepLimits;
    if (limits === undefined) {
        return { cannot: "the stack has no HPA target to size the step for (app.autoscaling)" };
    }
    // The warm-up is over: from here the base load is steady, and a CPU sample must cover only that.
    const steadyAt = run.serverNow();
    const deadline = clock.now() + METRICS_WAIT_S * 1000;
    let refused = "";
    const sample = await run.poll<PodCpu[] | "none" | "stale" | "refused">(
        phase,
        "a CPU sample of the steady base load",
        METRICS_WAIT_S + 1,
        async () => {
            let cpu: PodCpu[] | undefined;
            try {
                cpu = await client.podCpu(app.namespace, app.selector);
            } catch (err) {
                // An API error answer (metrics-server registered but down: 503) is the metrics API's, not the run's.
                if (!(err instanceof ApiError)) {
                    throw err;
                }
                refused = err.message.split("\n")[0];
                return { done: "refused" };
            }
            if (cpu === undefined) {
                return { done: "none" };
            }
            if (cpu.length > 0 && cpu.every((p) => p.windowEnd - p.windowSeconds * 1000 >= steadyAt)) {
                return { done: cpu };
            }
            return clock.now() >= deadline ? { done: "stale" } : { status: "waiting for the metrics API to sample the steady base load" };
        },
    );
    if (sample === "none") {
        return { cannot: "the cluster serves no metrics API (metrics.k8s.io), so neither verify nor the HPA can see the app's CPU" };
    }
    if (sample === "refused") {
        return { cannot: `the metrics API (metrics.k8s.io) could not be read (${refused}), so the app's CPU is unknown` };
    }
    if (sample === "stale") {
        return { cannot: `the metrics API gave no CPU sample of the app's pods covering only the base load within ${METRICS_WAIT_S} s` };
    }
    const load: BaseLoad = {
        pods: sample.length,
        usageMillicores: sample.reduce((n, p) => n + p.usageMillicores, 0),
        requestMillicores: sample.reduce((n, p) => n + p.requestMillicores, 0),
        requestsPerSecond: (await run.baseLoadRate()) ?? 0,
        users: run.plan.load.users,
    };
    const given = run.plan.stepUsers;
    if (given === undefined) {
        const sized = sizeStep(load, limits);
        return "cannot" in sized ? sized : { users: sized.size.users, pods: sized.size.pods, why: sized.why };
    }
    // --step-users: those users, on as many pods as their rate needs.
    const users = given - load.users;
    const rate = load.requestsPerSecond > 0 ? (users * load.requestsPerSecond) / load.users : 0;
    const pods = Math.min(Math.max(1, Math.ceil(rate / LOCUST_PROCESS_RPS)), Math.max(1, limits.maxPods));
    const reach =
        load.usageMillicores > 0 && rate > 0
            ? ` (about ${Math.round(utilizationOf(load) * (1 + rate / load.requestsPerSecond))} % of the app's CPU requests, target ${limits.targetCpuUtilization} %)`
            : "";
    return { users, pods, why: `--step-users ${given}: ${users} more users on ${pods} Locust pod(s)${reach}` };
}
