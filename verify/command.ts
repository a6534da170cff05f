// The verify command once its stack is read and its cluster client made: find where the load goes,
// print the startup line, run the phases, print the summary and write the reports. main.ts hands it
// the real cluster (@kubernetes/client-node) and the system clock; the simulated run behind README's
// sample report (test/verify/sample.ts) hands it the fake cluster and a fake clock, so the sample
// prints exactly what the command prints.
import { PREFIX, VerifyArgs } from "./args";
import type { TargetHealthSource } from "./calibration";
import type { ClusterClient } from "./cluster-client";
import type { Clock, RunDeps } from "./plan";
import { ReportInput, writeReports } from "./report";
import { exitCode, runVerify, summarize } from "./run";
import { StackPlan, withHost } from "./stack";
import { resolveTarget } from "./target";

/** What the command needs of the stack's settings. */
export interface StackFacts {
    stack: string;
    region: string;
}

export interface CommandDeps {
    client: ClusterClient;
    clock: Clock;
    /** One line of output (console.log in the CLI). */
    print: (line: string) => void;
    onInterrupt: RunDeps["onInterrupt"];
    runId: string;
    /** Printed after the startup line, when the kubeconfig's context looks like another cluster's. */
    contextWarning?: string;
    /** ELBv2 target health in the stack's region, or undefined (having said why through `say`). */
    targetHealth: (region: string, say: (line: string) => void) => Promise<TargetHealthSource | undefined>;
}

/**
 * Runs the plan against the cluster and returns the exit status. Throws InputError or
 * ClusterAccessError before anything was changed (main.ts prints them as one line, exit 2).
 */
export async function verifyPlan(
    stack: StackFacts,
    stackPlan: StackPlan,
    reports: Pick<VerifyArgs, "json" | "html"> & Pick<ReportInput, "notice">,
    deps: CommandDeps,
): Promise<number> {
    const { client, print } = deps;
    // Read before anything changes: the load goes through the ALB unless --host says otherwise.
    const target = await resolveTarget(client, stackPlan.target);
    const plan = withHost(stackPlan, target.host);
    print(
        `${PREFIX} stack ${stack.stack}, app ${plan.app.namespace}/${plan.app.name}, cluster ${client.server}, load against ${target.host} (${target.route})`,
    );
    if (deps.contextWarning !== undefined) {
        print(`${PREFIX} warning: ${deps.contextWarning}`);
    }
    const outcome = await runVerify(plan, {
        client,
        clock: deps.clock,
        log: print,
        onInterrupt: deps.onInterrupt,
        runId: deps.runId,
        targetHealth: () => deps.targetHealth(stack.region, (line) => print(`${PREFIX} ${line}`)),
    });
    summarize(outcome, plan).forEach((line) => print(line));
    writeReports(reports, { stack: stack.stack, target, plan, outcome, notice: reports.notice }).forEach((line) =>
        print(`${PREFIX} ${line}`),
    );
    return exitCode(outcome);
}
