// ZeroDowntimeService checks its own arguments, as a team's program would call it: one
// InputPropertiesError naming every bad property, thrown before anything is registered.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ZeroDowntimeService, ZeroDowntimeServiceArgs } from "../../../components/app/zero-downtime-service";
import { validateZeroDowntimeServiceArgs } from "../../../components/app/validate";
import { APP_DEFAULTS } from "../../../stacks/defaults";

/** The platform's defaults as a team would pass them, behind the mesh. */
const { enabled, ingress, ...APP } = APP_DEFAULTS;
const VALID: ZeroDowntimeServiceArgs = {
    ...APP,
    name: "shop",
    namespace: "retail",
    blueGreen: { ...APP.blueGreen, images: { blue: APP.image, green: APP.image } },
    kubernetesVersion: "1.36",
    mesh: true,
    sidecarInboundDrainSeconds: 45,
    exposure: { kind: "istio-gateway", gateway: "istio-ingress/platform" },
    dependsOn: [],
    tags: {},
};

const paths = (args: ZeroDowntimeServiceArgs) =>
    validateZeroDowntimeServiceArgs(args)
        .map((p) => p.propertyPath)
        .sort();

describe("ZeroDowntimeService validates its own arguments", () => {
    it("the platform's defaults are valid for the component too", () => {
        assert.deepEqual(validateZeroDowntimeServiceArgs(VALID), []);
    });

    it("bad arguments: one InputPropertiesError naming every bad property, before anything is created", () => {
        const bad: ZeroDowntimeServiceArgs = {
            ...VALID,
            namespace: "kube-system",
            image: "nginx:latest",
            timing: { ...VALID.timing, preStopSeconds: 0, healthCheckTimeoutSeconds: 5 },
            rollout: { ...VALID.rollout, maxUnavailable: "50%" },
        };
        assert.throws(
            () => new ZeroDowntimeService("x", bad),
            (err: unknown) => {
                assert.ok(pulumi.InputPropertiesError.isInstance(err), String(err));
                assert.match(err.message, /^ZeroDowntimeService x: \d+ invalid arguments$/);
                assert.deepEqual([...new Set(err.errors.map((e) => e.propertyPath))].sort(), [
                    "image",
                    "namespace",
                    "rollout.maxUnavailable",
                    "timing.preStopSeconds",
                ]);
                return true;
            },
        );
    });

    // Each rule the component runs, at its boundary: one more (or less) and it is refused.
    const CASES: { case: string; args: ZeroDowntimeServiceArgs; paths: string[] }[] = [
        {
            case: "preStop 25 s covers 15 s + 5 s × 2 (behind an ALB)",
            args: { ...VALID, mesh: false, timing: { ...VALID.timing, preStopSeconds: 25 } },
            paths: [],
        },
        {
            case: "preStop 24 s does not (behind an ALB)",
            args: { ...VALID, mesh: false, timing: { ...VALID.timing, preStopSeconds: 24 } },
            paths: ["timing.preStopSeconds"],
        },
        {
            case: "issue 26: in the mesh, preStop 15 s covers istiod's 10 s debounce cap + 5 s for the push",
            args: { ...VALID, timing: { ...VALID.timing, preStopSeconds: 15 } },
            paths: [],
        },
        {
            case: "issue 26: in the mesh, preStop 14 s does not",
            args: { ...VALID, timing: { ...VALID.timing, preStopSeconds: 14 } },
            paths: ["timing.preStopSeconds"],
        },
        {
            case: "issue 22.13: in the mesh, grace 45 s covers 25 + 20 (a native sidecar adds nothing)",
            args: { ...VALID, timing: { ...VALID.timing, terminationGracePeriodSeconds: 45 } },
            paths: [],
        },
        {
            case: "grace 44 s does not",
            args: { ...VALID, timing: { ...VALID.timing, terminationGracePeriodSeconds: 44 } },
            paths: ["timing.terminationGracePeriodSeconds"],
        },
        {
            case: "without the mesh, 45 s is enough",
            args: { ...VALID, mesh: false, timing: { ...VALID.timing, terminationGracePeriodSeconds: 45 } },
            paths: [],
        },
        {
            case: "issue 22.13: a sidecar drainDuration of 14 s closes inbound before the 15 s the mesh may still route",
            args: { ...VALID, sidecarInboundDrainSeconds: 14 },
            paths: ["sidecarInboundDrainSeconds"],
        },
        {
            case: "without the mesh, the sidecar's drain is ignored",
            args: { ...VALID, mesh: false, sidecarInboundDrainSeconds: 1 },
            paths: [],
        },
        {
            case: "an ALB whose timeout is not below the interval",
            args: {
                ...VALID,
                mesh: false,
                exposure: { kind: "alb", scheme: "internal" },
                timing: { ...VALID.timing, healthCheckTimeoutSeconds: 5 },
            },
            paths: ["timing.healthCheckTimeoutSeconds"],
        },
        {
            case: "blue/green on a bare ALB",
            args: {
                ...VALID,
                mesh: false,
                exposure: { kind: "alb", scheme: "internal" },
                blueGreen: { ...VALID.blueGreen, enabled: true },
            },
            paths: ["blueGreen.enabled"],
        },
        {
            case: "25% unavailable breaks the floor within the HPA's 12",
            args: { ...VALID, rollout: { ...VALID.rollout, maxUnavailable: "25%" } },
            paths: ["rollout.maxUnavailable"],
        },
        {
            case: "25% unavailable is safe up to 7 replicas",
            args: { ...VALID, rollout: { ...VALID.rollout, maxUnavailable: "25%" }, autoscaling: { ...VALID.autoscaling, maxReplicas: 7 } },
            paths: [],
        },
        { case: "a port out of range", args: { ...VALID, port: 70000 }, paths: ["port"] },
        {
            case: "memory limit below the request",
            args: { ...VALID, resources: { ...VALID.resources, memoryLimitMiB: 64 } },
            paths: ["resources.memoryLimitMiB"],
        },
        {
            case: "HPA maximum below the minimum",
            args: { ...VALID, autoscaling: { ...VALID.autoscaling, maxReplicas: 3 } },
            paths: ["autoscaling.maxReplicas"],
        },
    ];
    for (const c of CASES) {
        it(c.case, () => {
            assert.deepEqual(paths(c.args), c.paths);
        });
    }
});

describe("[#13] the app's PodDisruptionBudget, as a team would pass it (the drain rules)", () => {
    const CASES: { budget: ZeroDowntimeServiceArgs["disruptionBudget"]; path?: string; says?: RegExp }[] = [
        { budget: undefined },
        { budget: { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" } },
        // The HPA minimum is 4 replicas, the maximum 12.
        {
            budget: { minAvailable: 3, unhealthyPodEvictionPolicy: "AlwaysAllow" },
            path: "disruptionBudget.minAvailable",
            says: /allows 9 evictions at once at 12 replicas/,
        },
        {
            budget: { maxUnavailable: 0, unhealthyPodEvictionPolicy: "AlwaysAllow" },
            path: "disruptionBudget.maxUnavailable",
            says: /pdb-allows-one-eviction/,
        },
        {
            budget: { minAvailable: 4, unhealthyPodEvictionPolicy: "AlwaysAllow" },
            path: "disruptionBudget.minAvailable",
            says: /allows no eviction at 4 replicas/,
        },
        {
            budget: { maxUnavailable: 2, unhealthyPodEvictionPolicy: "AlwaysAllow" },
            path: "disruptionBudget.maxUnavailable",
            says: /allows 2 evictions/,
        },
        {
            budget: { maxUnavailable: 1, unhealthyPodEvictionPolicy: "IfHealthyBudget" },
            path: "disruptionBudget.unhealthyPodEvictionPolicy",
            says: /pdb-evicts-unhealthy-pods/,
        },
        { budget: { maxUnavailable: 1 }, path: "disruptionBudget.unhealthyPodEvictionPolicy", says: /unset \(IfHealthyBudget\)/ },
        {
            budget: { maxUnavailable: 1, minAvailable: 3, unhealthyPodEvictionPolicy: "AlwaysAllow" },
            path: "disruptionBudget",
            says: /exactly one/,
        },
    ];
    for (const c of CASES) {
        it(`${JSON.stringify(c.budget) ?? "the default"}: ${c.path ? `refused at ${c.path}` : "accepted"}`, () => {
            const problems = validateZeroDowntimeServiceArgs({ ...VALID, disruptionBudget: c.budget });
            if (c.path === undefined) {
                assert.deepEqual(problems, []);
                return;
            }
            const found = problems.filter((p) => p.propertyPath === c.path);
            assert.ok(
                found.some((p) => (c.says ?? /./).test(p.reason)),
                JSON.stringify(problems),
            );
        });
    }
});
