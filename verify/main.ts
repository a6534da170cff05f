// `npm run verify -- --stack <name>`: after `pulumi up`, proves the zero-downtime claim on the real
// cluster. Locust loads the app through its ALB while each phase disrupts it (phases.ts: rollout,
// scale-in, a load step, a node drain, a gateway restart, blue/green); a single failed request fails
// the run. Exit 0 proven, 1 not proven, 2 bad input or preflight refused, 130 interrupted.
import { UsageError, USAGE, parseArgs } from "./args";
import { ClusterAccessError } from "./cluster-client";
import { InputError } from "./plan";

const PREFIX = "verify:";

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
        (await import("./report.js")).checkReportPaths(args);
        // Loaded once the arguments are good: `--help` and usage errors answer at once.
        const { loadStack, planFor, withHost } = await import("./stack.js");
        const { resolveTarget } = await import("./target.js");
        const { exitCode, runVerify, summarize, systemClock } = await import("./run.js");
        const settings = loadStack(args.stack, args.stackDir);
        const stackPlan = planFor(settings, args);
        // Loaded only when a cluster is needed: @kubernetes/client-node is most of verify's start-up time.
        const { KubeClusterClient, loadKubeConfig } = await import("./kube.js");
        const kc = loadKubeConfig(args);
        const client = new KubeClusterClient(kc);
        // Read before anything changes: the load goes through the ALB unless --host says otherwise.
        const target = await resolveTarget(client, stackPlan.target);
        const plan = withHost(stackPlan, target.host);
        console.log(
            `${PREFIX} stack ${settings.stack}, app ${plan.app.namespace}/${plan.app.name}, cluster ${client.server}, load against ${target.host} (${target.route})`,
        );
        // A kubeconfig from `pulumi stack output kubeconfig` or `aws eks update-kubeconfig` names the EKS cluster.
        const current = JSON.stringify([kc.getCurrentContext(), kc.getCurrentCluster(), kc.getCurrentUser()]);
        if (!current.includes(settings.cluster.name)) {
            console.log(
                `${PREFIX} warning: context ${kc.getCurrentContext()} does not mention cluster ${settings.cluster.name}; is it this stack's?`,
            );
        }
        const outcome = await runVerify(plan, {
            client,
            clock: systemClock,
            log: (line) => console.log(line),
            onInterrupt: (handler) => {
                stops.run.handler = handler;
                stops.run.started = true;
                return () => (stops.run.handler = undefined);
            },
            runId: Date.now().toString(36),
            targetHealth: async () =>
                (await import("./elb.js")).targetHealthOrSkip(settings.region, (line) => console.log(`${PREFIX} ${line}`)),
        });
        summarize(outcome, plan).forEach((line) => console.log(line));
        const { writeReports } = await import("./report.js");
        writeReports(args, { stack: settings.stack, host: target.host, plan, outcome }).forEach((line) => console.log(`${PREFIX} ${line}`));
        return exitCode(outcome);
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
