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

/** The CLI: returns the exit status (tests call it in-process; the process exits with it below). */
export async function main(argv: string[]): Promise<number> {
    let interruptHandler: (() => void) | undefined;
    let running = false;
    let interrupts = 0;
    const onSignal = (signal: NodeJS.Signals) => {
        interrupts++;
        if (interruptHandler !== undefined && interrupts === 1) {
            interruptHandler();
            return;
        }
        const unsafe = running ? "; the app may not be restored: compare it with the 'found' line above" : "";
        console.error(`${PREFIX} ${signal}: quitting now${unsafe}`);
        process.exit(130);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);

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
                interruptHandler = handler;
                running = true;
                return () => (interruptHandler = undefined);
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
    }
}
