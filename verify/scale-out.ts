// The scale-out phase: a load step (a second Locust Job with more users) and the measured time from
// the step to the first new pod serving, next to the synth report's modeled spike-to-serving time
// (rules/spike.ts through stacks/models.ts). The model sums worst cases; the phase says whether the
// measurement is within ±20 % of it, and otherwise which term was off.
import type { SpikeStep } from "../rules/spike";
import type { PhaseRun } from "./phase-run";
import type { ScaleOutMeasure } from "./plan";
import type { PhaseName } from "./phases";

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
    const stepAt = await run.startStep(phase, run.plan.stepUsers - users);
    run.event(phase, "load-step", `load step: ${users} → ${run.plan.stepUsers} users`);
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
            `no new pod served within the phase: the step to ${run.plan.stepUsers} users did not make the HPA add one in time; raise --step-users or --duration`,
        );
    }
    const measured =
        m.measuredSeconds === undefined ? "no new pod served before the load ended" : `first new pod serving after ${m.measuredSeconds} s`;
    return `load step ${users} → ${run.plan.stepUsers} users; ${measured} (${m.judgement})`;
}
