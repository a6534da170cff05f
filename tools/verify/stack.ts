// From a stack name to what verify needs: the stack file read and validated exactly as `pulumi up`
// and `npm run synth` read it, then the app's coordinates and the load to run.
import { PROJECT_DIR, StackFileError, projectName, readStackConfig } from "../mocks";
import { Settings, parseSettings } from "../../stacks/settings";
import { SettingsError } from "../../stacks/validate";
import { VerifyArgs } from "./args";
import { PhaseName } from "./report";
import { InputError, Plan, warmupSeconds } from "./run";

/** The validated settings of a stack; an unknown stack or a bad stack file is an InputError. */
export function loadStack(stack: string, stackDir = PROJECT_DIR): Settings {
    try {
        return parseSettings({ project: projectName(), stack, config: readStackConfig(stack, stackDir) });
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

/** The plan for a stack and the command line; refuses stacks that have nothing verify could run against. */
export function planFor(settings: Settings, args: VerifyArgs): Plan {
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
    if (args.blueGreen && !app.blueGreen.enabled) {
        throw new InputError(`--blue-green needs ${key("app.blueGreen.enabled")} in stack ${settings.stack}`);
    }
    const load = { users: args.users, spawnRate: args.spawnRate, host: args.host ?? addons.locust.targetHost };
    // The disruption must start on steady load and leave most of the phase to watch its effects.
    const warmup = warmupSeconds(load);
    if (warmup * 2 > args.durationSeconds) {
        throw new InputError(
            `--duration ${args.durationSeconds} leaves too little load after the ${warmup} s ramp-up; raise it to ${warmup * 2} or raise --spawn-rate`,
        );
    }
    const phases: PhaseName[] = ["baseline", "rollout-restart", "scale-in", ...(args.blueGreen ? (["blue-green"] as const) : [])];
    return {
        app: { namespace: app.namespace, name: app.name, blueGreen: app.blueGreen.enabled },
        load,
        baselineSeconds: args.baselineSeconds,
        durationSeconds: args.durationSeconds,
        scaleInTo: args.scaleInTo,
        phases,
    };
}
