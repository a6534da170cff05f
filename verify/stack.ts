// From a stack name to what verify needs: the stack file read and validated exactly as `pulumi up`
// and `npm run synth` read it, then the app's coordinates and the load to run.
import * as fs from "fs";
import { PROJECT_DIR, StackFileError, projectName, readStackConfig } from "../stacks/stack-file";
import { Settings, parseSettings, todayUtc } from "../stacks/settings";
import { SettingsError } from "../stacks/validate";
import { GATEWAY_NAME, GATEWAY_NAMESPACE } from "../components/addons/names";
import { scaleOutBudget, stackModels } from "../stacks/models";
import { VerifyArgs } from "./args";
import { StackFacts, selectPhases, whyNot } from "./phases";
import { InputError, Plan, warmupSeconds } from "./run";
import { TargetSource, targetSource } from "./target";

function isDirectory(dir: string): boolean {
    try {
        return fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
    } catch {
        return false;
    }
}

/** The validated settings of a stack; an unknown stack or a bad stack file is an InputError. */
export function loadStack(stack: string, stackDir = PROJECT_DIR): Settings {
    // readStackConfig lists the directory to name the known stacks; a missing one would be a stack trace.
    if (!isDirectory(stackDir)) {
        throw new InputError(`--stack-dir ${stackDir} is not a directory`);
    }
    try {
        return parseSettings({ project: projectName(), stack, config: readStackConfig(stack, stackDir), today: todayUtc() });
    } catch (err) {
        if (err instanceof StackFileError) {
            throw new InputError(err.message);
        }
        if (err instanceof SettingsError) {
            // The same report as `pulumi up` prints, on one line.
            throw new InputError(
                `stack ${stack}: ${err.message
                    .split("\n")
                    .map((line) => line.trim())
                    .join(" ")}`,
            );
        }
        throw err;
    }
}

/** A Plan before the cluster is read: where the load goes is still a TargetSource (resolveTarget). */
export interface StackPlan extends Omit<Plan, "load"> {
    load: Omit<Plan["load"], "host">;
    target: TargetSource;
}

/** The plan for a stack and the command line; refuses stacks that have nothing verify could run against. */
export function planFor(settings: Settings, args: VerifyArgs): StackPlan {
    const key = (name: string) => `${settings.project}:${name}`;
    const { app, addons } = settings;
    if (!app.enabled) {
        throw new InputError(`stack ${settings.stack} deploys no app (${key("app.enabled")} is false)`);
    }
    if (!addons.locust.enabled) {
        throw new InputError(
            `stack ${settings.stack} has no Locust (${key("addons.locust.enabled")} is false); verify runs its locustfile`,
        );
    }
    const facts: StackFacts = {
        autoscaling: app.autoscaling.enabled,
        istio: addons.istio.enabled,
        blueGreen: app.blueGreen.enabled,
        karpenter: addons.karpenter.enabled,
    };
    // Every phase named that cannot run on this stack, at once.
    const refused = (args.phases ?? []).flatMap((p) => {
        const why = whyNot(p, facts);
        return why === undefined ? [] : [`${p} ${why.replace(/^needs /, `needs ${settings.project}:`)}`];
    });
    if (args.nodeReplace && !facts.karpenter) {
        refused.push(`--node-replace needs ${key("addons.karpenter.enabled")}: without Karpenter nothing replaces the node`);
    }
    if (refused.length > 0) {
        throw new InputError(`stack ${settings.stack}: ${refused.join("; ")}`);
    }
    // Not addons.locust.targetHost (the in-cluster Service): the ALB in front of the app, unless --host says otherwise.
    const load = { users: args.users, spawnRate: args.spawnRate };
    // The disruption must start on steady load and leave most of the phase to watch its effects.
    const warmup = warmupSeconds(load);
    if (warmup * 2 > args.durationSeconds) {
        throw new InputError(
            `--duration ${args.durationSeconds} leaves too little load after the ${warmup} s ramp-up; raise it to ${warmup * 2} or raise --spawn-rate`,
        );
    }
    const phases = selectPhases(facts, args.phases);
    const stepLimits = scaleOutBudget(settings);
    if (phases.includes("scale-out") && stepLimits !== undefined && stepLimits.maxPods < 1) {
        const taken = addons.locust.maxWorkers - stepLimits.maxPods;
        throw new InputError(
            `stack ${settings.stack}: scale-out needs a Locust pod for its load step, and ${key("addons.locust.maxWorkers")} ${addons.locust.maxWorkers} leaves none ` +
                `(the chart's own worker and the base load's Job take ${taken}); raise it or leave scale-out out of --phases`,
        );
    }
    return {
        app: { namespace: app.namespace, name: app.name, blueGreen: app.blueGreen.enabled },
        load,
        target: targetSource(settings, args.host),
        baselineSeconds: args.baselineSeconds,
        durationSeconds: args.durationSeconds,
        scaleInTo: args.scaleInTo,
        phases,
        stepUsers: args.stepUsers,
        stepLimits,
        nodeReplace: args.nodeReplace,
        force: args.force,
        gateway: addons.istio.enabled ? { namespace: GATEWAY_NAMESPACE, name: GATEWAY_NAME } : undefined,
        models: stackModels(settings),
    };
}

/** The Plan runVerify takes, once the target's host is known. */
export function withHost({ target: _target, ...plan }: StackPlan, host: string): Plan {
    return { ...plan, load: { ...plan.load, host } };
}
