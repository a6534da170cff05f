// What each verify phase does to the cluster while Locust's load runs through it. Each disruption
// changes the cluster only through the run's client, after run.guard() (nothing new after Ctrl-C),
// and returns once the app is at rest again; run.ts runs the load, restore.ts puts things back.
import { COLOR_LABEL } from "../components/app/labels";
import type { WorkloadState } from "./discover";
import { nodeDrain } from "./node-drain";
import type { PhaseRun } from "./phase-run";
import type { RunEvent } from "./plan";
import type { PhaseName } from "./phases";
import { scaleOut } from "./scale-out";

/** Rolling restart of a Deployment, as `kubectl rollout restart` does it: a new template annotation. */
async function restart(run: PhaseRun, phase: PhaseName, w: WorkloadState, kind: RunEvent["kind"]): Promise<number> {
    const { client, clock } = run.deps;
    // The HPA may have added pods under the load since the run started.
    const pods = (await client.getDeployment(w.namespace, w.deployment))?.replicas ?? w.replicas;
    run.guard();
    await client.patchDeployment(w.namespace, w.deployment, { restartedAt: new Date(clock.now()).toISOString() });
    run.event(phase, kind, `restarted Deployment ${w.namespace}/${w.deployment}`);
    await run.settle(phase, "the rollout to finish and old pods to terminate", () => true, w);
    return pods;
}

/** The disruption of each phase; returns its one-line summary once the app is at rest again. */
export const DISRUPTIONS: Record<Exclude<PhaseName, "baseline">, (run: PhaseRun, phase: PhaseName) => Promise<string>> = {
    "rollout-restart": async (run, phase) => `replaced ${await restart(run, phase, run.target, "rollout-restarted")} pods`,
    "scale-in": async (run, phase) => {
        const { client } = run.deps;
        const { namespace, deployment } = run.target;
        const d = await client.getDeployment(namespace, deployment);
        const from = d?.replicas ?? run.target.replicas;
        const to = run.plan.scaleInTo ?? Math.ceil(from / 2);
        if (to >= from) {
            throw new Error(`${phase}: Deployment ${namespace}/${deployment} runs ${from} replicas, so ${to} is no scale-in`);
        }
        run.guard();
        if (run.target.hpa !== undefined) {
            // Lowering only minReplicas leaves the scale-in to the HPA's 300 s stabilization and one pod a
            // minute; a maxReplicas below the current count makes the HPA scale in at its next sync. The pods
            // leave through the same ReplicaSet deletion, preStop and grace period either way.
            await client.patchHpa(namespace, deployment, { minReplicas: to, maxReplicas: to });
            run.event(phase, "scaled", `HPA ${namespace}/${deployment} minReplicas = maxReplicas = ${to} (was ${from} pods)`);
        } else {
            await client.patchDeployment(namespace, deployment, { replicas: to });
            run.event(phase, "scaled", `Deployment ${namespace}/${deployment} replicas ${from} → ${to}`);
        }
        await run.settle(phase, `the scale-in to ${to} pods`, (replicas) => replicas === to);
        return `scaled in from ${from} to ${to} pods`;
    },
    "scale-out": scaleOut,
    "node-drain": nodeDrain,
    "gateway-restart": async (run, phase) => {
        const gateway = run.target.gateway;
        if (gateway === undefined) {
            throw new Error(`${phase}: the stack has no ingress gateway`);
        }
        return `replaced ${await restart(run, phase, gateway, "gateway-restarted")} gateway pods`;
    },
    "blue-green": async (run, phase) => {
        const { client } = run.deps;
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
            run.event(phase, "selector-switched", `${service} now selects ${COLOR_LABEL}=${color}`);
            if (hold) {
                // A third of the load on the idle color, the rest back on the active one after switching back.
                await run.hold(phase, Math.floor(run.plan.durationSeconds / 3), `serving from ${color}`);
            }
        }
        return `switched to ${colors.idle} and back to ${colors.active}`;
    },
};

/** Phases whose pods come and go: the calibration samples them. */
export const CALIBRATED: readonly PhaseName[] = ["rollout-restart", "scale-in", "scale-out", "node-drain", "gateway-restart"];
