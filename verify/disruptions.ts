// What each verify phase does to the app while Locust's load runs through it. Each disruption
// changes the cluster only through the run's client, after run.guard() (nothing new after Ctrl-C),
// and returns once the app is at rest again; run.ts runs the load and restore.ts puts the app back.
import { COLOR_LABEL } from "../components/app/labels";
import type { Target } from "./discover";
import type { Plan, RunDeps } from "./plan";
import type { PhaseName } from "./verdict";

/** What a disruption may use of the run in progress. */
export interface PhaseRun {
    readonly plan: Plan;
    readonly target: Target;
    readonly deps: RunDeps;
    /** Throws InterruptedError after Ctrl-C: called before every change to the cluster. */
    guard(): void;
    /** Keeps the load running for `seconds`, printing `status` as progress. */
    hold(phase: PhaseName, seconds: number, status: string): Promise<void>;
    /** Waits (bounded) until the app's pods are all ready, old ones gone, and `enough(replicas)`. */
    settle(phase: PhaseName, what: string, enough: (replicas: number) => boolean): Promise<void>;
}

/** The disruption of each phase; returns its one-line summary once the app is at rest again. */
export const DISRUPTIONS: Record<Exclude<PhaseName, "baseline">, (run: PhaseRun, phase: PhaseName) => Promise<string>> = {
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
