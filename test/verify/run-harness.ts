// What the run tests share: a plan, a fake cluster driven by a fake clock, and an ELBv2 client mocked
// with aws-sdk-client-mock that answers DescribeTargetHealth from the fake cluster's target groups.
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import * as sdk from "@aws-sdk/client-elastic-load-balancing-v2";
import { mockClient } from "aws-sdk-client-mock";
import type { StackModels } from "../../stacks/models";
import { ElbTargetHealth } from "../../verify/elb";
import { Outcome, Plan, runVerify } from "../../verify/run";
import { FakeCluster, FakeClock, FakeOptions } from "./fake-cluster";

export const HPA = { minReplicas: 4, maxReplicas: 12 };

/**
 * The dev stack's models with the app on its own ALB: 15 + 15 s to the HPA, room on the nodes, startup
 * 2 s, readiness 5 s, ALB 5 s × 2; preStop 40 s against 15 s propagation + 5 s × 2 detection.
 */
export const MODELS: StackModels = {
    spike: {
        steps: [
            { step: "fresh CPU metrics (metrics-server resolution)", seconds: 15 },
            { step: "HPA acts (controller sync period)", seconds: 15 },
            { step: "node for the new pods (Karpenter batch + launch)", seconds: 0 },
            { step: "image pull", seconds: 0 },
            { step: "started (startup probe, one success)", seconds: 2 },
            { step: "Ready (readiness probe, one success)", seconds: 5 },
            { step: "ALB routes to it (interval × healthy threshold)", seconds: 10 },
        ],
        total: 47,
    },
    // One wave of 4 (startup 2 + readiness 5 + ALB 10 + minReady 10), then preStop 40 + shutdown 20.
    rollout: { waves: 1, untilAvailable: 27, untilOldGone: 87 },
    termination: {
        albTargets: "app",
        propagationSeconds: 15,
        requiredPreStopSeconds: 25,
        preStopSeconds: 40,
        detectionSeconds: 10,
        registrationSeconds: 10,
    },
};

export function plan(overrides: Partial<Plan> = {}): Plan {
    return {
        app: { namespace: "web", name: "web", blueGreen: false },
        load: { users: 50, spawnRate: 10, host: "http://web.web.svc.cluster.local" },
        baselineSeconds: 60,
        durationSeconds: 300,
        phases: ["baseline", "rollout-restart", "scale-in"],
        // The dev stack's: a 60 % target, maxWorkers 10 less the chart's worker and the base Job (stacks/models.ts).
        stepLimits: { targetCpuUtilization: 60, maxPods: 8 },
        nodeReplace: false,
        force: false,
        models: MODELS,
        ...overrides,
    };
}

export interface Harness {
    cluster: FakeCluster;
    lines: string[];
    /**
     * Presses Ctrl-C: calls the handler runVerify registered, if any; false when there was none, where
     * the CLI quits at once (verify/main.ts).
     */
    interrupt: () => boolean;
    /** The mocked ELBv2 client's DescribeTargetHealth calls. */
    describeCalls: () => number;
    run: (p?: Plan) => Promise<Outcome>;
}

/** ELBv2 target health of the fake cluster's target groups, through the real SDK client with its send() mocked. */
export function mockedElb(cluster: FakeCluster): { elb: ElbTargetHealth; describeCalls: () => number } {
    const client = new ElasticLoadBalancingV2Client({
        region: "ap-northeast-2",
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "x" },
    });
    const mock = mockClient(client);
    mock.on(DescribeTargetHealthCommand).callsFake((input: { TargetGroupArn: string }) => ({
        TargetHealthDescriptions: cluster
            .describeTargets(input.TargetGroupArn)
            .map((t) => ({ Target: { Id: t.id, Port: t.port }, HealthCheckPort: String(t.port), TargetHealth: { State: t.state } })),
    }));
    return { elb: new ElbTargetHealth(client, sdk), describeCalls: () => mock.commandCalls(DescribeTargetHealthCommand).length };
}

/** A fake cluster and a run against it; `elb: false` runs without AWS credentials (no target health). */
export function harness(options: FakeOptions = {}, { elb = true } = {}): Harness {
    const clock = new FakeClock();
    const cluster = new FakeCluster(clock, options);
    const lines: string[] = [];
    let handler: (() => void) | undefined;
    const targets = mockedElb(cluster);
    return {
        cluster,
        lines,
        interrupt: () => {
            handler?.();
            return handler !== undefined;
        },
        describeCalls: targets.describeCalls,
        run: (p = plan()) =>
            runVerify(p, {
                client: cluster,
                clock,
                log: (line) => lines.push(line),
                onInterrupt: (h) => {
                    handler = h;
                    return () => (handler = undefined);
                },
                runId: "t1",
                targetHealth: () => Promise.resolve(elb ? targets.elb : undefined),
            }),
    };
}

/**
 * The app's HPA, replicas (once the HPA has acted: its scale-down stabilization window passed), Service
 * selector and nodes, to compare before and after.
 */
export function appState(cluster: FakeCluster) {
    cluster.clock.t += cluster.options.scaleDownStabilizationMs ?? 300_000;
    cluster.syncHpas();
    return {
        hpas: JSON.stringify([...cluster.hpas]),
        replicas: [...cluster.deployments].map(([k, d]) => `${k}=${d.replicas}`),
        services: JSON.stringify([...cluster.services]),
        cordoned: [...cluster.nodes.values()].filter((n) => n.unschedulable).map((n) => n.name),
    };
}

export const allJobsDeleted = (cluster: FakeCluster): boolean => [...cluster.jobs.values()].every((j) => j.deleted);
