// `npm run verify -- --stack <name>`: after `pulumi up`, proves the zero-downtime claim on the real
// cluster. Locust loads the app through its ALB while each phase disrupts it (phases.ts: rollout,
// scale-in, a load step, a node drain, a gateway restart, blue/green); a single failed request fails
// the run. Exit 0 proven, 1 not proven, 2 bad input or preflight refused, 130 interrupted.
//
// The modules past argument parsing load lazily, with require(): `--help` and usage errors answer
// before the stack reader, and @kubernetes/client-node (most of verify's start-up time) loads only
// once a cluster is needed. Not import(): scripts/launch.cjs runs the CLI under tsx's CommonJS hook
// only, which the ES-module loader behind import() does not see (issue 21).
import { PREFIX, UsageError, USAGE, parseArgs } from "./args";
import { ClusterAccessError } from "./cluster-client";
import { InputError, systemClock } from "./plan";

/** Bad input (usage, stack, cluster access, app not there): one line, no stack trace. */
function isBadInput(err: unknown): err is Error {
    return err instanceof UsageError || err instanceof InputError || err instanceof ClusterAccessError;
}

/** What stops a run: Ctrl-C, a kill, and the terminal going away (a dropped SSH session sends SIGHUP). */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Listens for STOP_SIGNALS until `dispose`: the first one during a run goes to the run's handler, which
 * stops the load and restores the app; a second one, or one before the run, quits with 130.
 */
export function listenForStops(exit: (code: number) => void = (code) => process.exit(code)) {
    const run: { handler?: () => void; started: boolean } = { started: false };
    let stops = 0;
    const onSignal = (signal: NodeJS.Signals) => {
        if (signal === "SIGHUP") {
            // The terminal is gone: a write to it fails (EIO), and that must not end the restore half-way.
            [process.stdout, process.stderr].forEach((stream) => stream.on("error", () => undefined));
        }
        stops++;
        if (run.handler !== undefined && stops === 1) {
            run.handler();
            return;
        }
        const unsafe = run.started ? "; the app may not be restored: compare it with the 'found' line above" : "";
        console.error(`${PREFIX} ${signal}: quitting now${unsafe}`);
        exit(130);
    };
    STOP_SIGNALS.forEach((signal) => process.on(signal, onSignal));
    return { run, dispose: () => STOP_SIGNALS.forEach((signal) => process.off(signal, onSignal)) };
}

/** The CLI: returns the exit status (tests call it in-process; the process exits with it below). */
export async function main(argv: string[]): Promise<number> {
    const stops = listenForStops();

    try {
        const args = parseArgs(argv);
        if (args.help) {
            console.log(USAGE);
            return 0;
        }
        (require("./report") as typeof import("./report")).checkReportPaths(args);
        const { loadStack, planFor } = require("./stack") as typeof import("./stack");
        const settings = loadStack(args.stack, args.stackDir);
        const stackPlan = planFor(settings, args);
        const { KubeClusterClient, loadKubeConfig } = require("./kube") as typeof import("./kube");
        const kc = loadKubeConfig(args);
        // A kubeconfig from `pulumi stack output kubeconfig` or `aws eks update-kubeconfig` names the EKS cluster.
        const current = JSON.stringify([kc.getCurrentContext(), kc.getCurrentCluster(), kc.getCurrentUser()]);
        const { verifyPlan } = require("./command") as typeof import("./command");
        return await verifyPlan(settings, stackPlan, args, {
            client: new KubeClusterClient(kc),
            clock: systemClock,
            print: (line) => console.log(line),
            onInterrupt: (handler) => {
                stops.run.handler = handler;
                stops.run.started = true;
                return () => (stops.run.handler = undefined);
            },
            runId: Date.now().toString(36),
            contextWarning: current.includes(settings.cluster.name)
                ? undefined
                : `context ${kc.getCurrentContext()} does not mention cluster ${settings.cluster.name}; is it this stack's?`,
            targetHealth: (region, say) => (require("./elb") as typeof import("./elb")).targetHealthOrSkip(region, say),
        });
    } catch (err) {
        if (isBadInput(err)) {
            const hint = err instanceof UsageError ? " (npm run verify -- --help)" : "";
            console.error(`${PREFIX} ${err.message.split("\n")[0]}${hint}`);
            return 2;
        }
        throw err;
    } finally {
        stops.dispose();
    }
}
