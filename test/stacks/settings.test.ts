import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
// The pure modules, not stacks/index.ts or synth/engine.ts: those load @pulumi/pulumi (about 2.5 s of
// CPU per process), which `npm run mutate` would pay for each mutant these tests run against.
import { ConfigInput, PROJECT, parseSettings } from "../../stacks/settings";
import { SettingsError } from "../../stacks/validate";
import { problemsOf } from "./problems";
import { readStackConfig } from "../../stacks/stack-file";

const P = `${PROJECT}:`;
// The day the EKS calendar is read on: fixed, so a test means the same thing next year.
const TODAY = "2026-12-01";
const OPEN_API = { publicAccessCidrs: ["0.0.0.0/0"] };
const OFFICE_API = { publicAccessCidrs: ["203.0.113.0/24"] };

/** A valid input for `stack`, with config keys replaced (undefined removes a key). */
function input(stack: string, config: Record<string, unknown> = {}): ConfigInput {
    const base: Record<string, unknown> = { "aws:region": "ap-northeast-2", [`${P}cluster`]: stack === "prod" ? OFFICE_API : OPEN_API };
    const merged = { ...base, ...config };
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(merged)) {
        if (v !== undefined) {
            flat[k] = typeof v === "string" ? v : JSON.stringify(v);
        }
    }
    return { project: PROJECT, stack, config: flat, today: TODAY };
}

const cluster = (extra: Record<string, unknown>) => ({ [`${P}cluster`]: { ...OPEN_API, ...extra } });
const network = (extra: Record<string, unknown>) => ({ [`${P}network`]: extra });
const addons = (extra: Record<string, unknown>) => ({ [`${P}addons`]: extra });
const app = (extra: Record<string, unknown>) => ({ [`${P}app`]: extra });

// Each bad configuration, the key its error must name, and a word of what is expected.
const BAD: { case: string; stack?: string; config: Record<string, unknown>; key: string; expected: RegExp }[] = [
    { case: "typo in a section key", config: network({ cidrBlok: "10.0.0.0/16" }), key: `${P}network.cidrBlok`, expected: /known keys/ },
    { case: "typo in a top-level key", config: { [`${P}netwrok`]: {} }, key: `${P}netwrok`, expected: /known keys/ },
    { case: "typo in a cluster key", config: cluster({ maxsize: 3 }), key: `${P}cluster.maxsize`, expected: /known keys/ },
    { case: "CIDR not a CIDR", config: network({ cidrBlock: "10.0.0.0" }), key: `${P}network.cidrBlock`, expected: /CIDR/ },
    { case: "CIDR with host bits", config: network({ cidrBlock: "10.0.0.1/16" }), key: `${P}network.cidrBlock`, expected: /CIDR/ },
    { case: "CIDR octet over 255", config: network({ cidrBlock: "10.300.0.0/16" }), key: `${P}network.cidrBlock`, expected: /CIDR/ },
    { case: "CIDR too small", config: network({ cidrBlock: "10.0.0.0/24" }), key: `${P}network.cidrBlock`, expected: /\/16 to \/20/ },
    { case: "one AZ", config: network({ availabilityZoneCount: 1 }), key: `${P}network.availabilityZoneCount`, expected: /2 to 3/ },
    {
        case: "AZ count as text",
        config: network({ availabilityZoneCount: "two" }),
        key: `${P}network.availabilityZoneCount`,
        expected: /whole number/,
    },
    {
        case: "fractional AZ count",
        config: network({ availabilityZoneCount: 2.5 }),
        key: `${P}network.availabilityZoneCount`,
        expected: /whole number/,
    },
    {
        case: "unknown NAT mode",
        config: network({ natGateways: "perAz" }),
        key: `${P}network.natGateways`,
        expected: /"single", "onePerAz"/,
    },
    { case: "section not a map", config: { [`${P}network`]: "big" }, key: `${P}network`, expected: /object/ },
    { case: "version not a minor", config: cluster({ version: "1.34.2" }), key: `${P}cluster.version`, expected: /minor/ },
    { case: "version as a number", config: cluster({ version: 1.3 }), key: `${P}cluster.version`, expected: /minor/ },
    { case: "version EKS does not offer", config: cluster({ version: "1.20" }), key: `${P}cluster.version`, expected: /"1\.36"/ },
    {
        case: "instance type malformed",
        config: cluster({ instanceType: "m5large" }),
        key: `${P}cluster.instanceType`,
        expected: /instance type/,
    },
    {
        case: "minSize above desiredSize",
        config: cluster({ minSize: 3, desiredSize: 2 }),
        key: `${P}cluster.minSize`,
        expected: /minSize to at most 2/,
    },
    {
        case: "desiredSize above maxSize",
        config: cluster({ desiredSize: 5, maxSize: 4 }),
        key: `${P}cluster.desiredSize`,
        expected: /desiredSize to at most 4/,
    },
    { case: "zero nodes", config: cluster({ minSize: 0 }), key: `${P}cluster.minSize`, expected: /1 to 450/ },
    { case: "negative max", config: cluster({ maxSize: -1 }), key: `${P}cluster.maxSize`, expected: /1 to 450/ },
    { case: "publicAccessCidrs missing", config: { [`${P}cluster`]: {} }, key: `${P}cluster.publicAccessCidrs`, expected: /API/ },
    {
        case: "publicAccessCidrs empty",
        config: cluster({ publicAccessCidrs: [] }),
        key: `${P}cluster.publicAccessCidrs`,
        expected: /non-empty/,
    },
    {
        case: "publicAccessCidrs not a list",
        config: cluster({ publicAccessCidrs: "0.0.0.0/0" }),
        key: `${P}cluster.publicAccessCidrs`,
        expected: /list/,
    },
    {
        case: "publicAccessCidrs bad entry",
        config: cluster({ publicAccessCidrs: ["1.2.3.4/33"] }),
        key: `${P}cluster.publicAccessCidrs[0]`,
        expected: /CIDR/,
    },
    {
        case: "prod API open to the world",
        stack: "prod",
        config: { [`${P}cluster`]: OPEN_API },
        key: `${P}cluster.publicAccessCidrs`,
        expected: /not 0\.0\.0\.0\/0/,
    },
    { case: "cluster name with a dot", config: cluster({ name: "a.b" }), key: `${P}cluster.name`, expected: /letters/ },
    { case: "no region", config: { "aws:region": undefined }, key: "aws:region", expected: /region/ },
    { case: "region malformed", config: { "aws:region": "Seoul" }, key: "aws:region", expected: /region/ },
    { case: "unknown environment", config: { [`${P}environment`]: "qa" }, key: `${P}environment`, expected: /"dev", "staging", "prod"/ },
    { case: "unknown addon", config: addons({ certManager: { enabled: true } }), key: `${P}addons.certManager`, expected: /known keys/ },
    {
        case: "addon switch not a boolean",
        config: addons({ metricsServer: { enabled: "yes" } }),
        key: `${P}addons.metricsServer.enabled`,
        expected: /true or false/,
    },
    {
        case: "unknown mTLS mode",
        config: addons({ istio: { mtlsMode: "DISABLE" } }),
        key: `${P}addons.istio.mtlsMode`,
        expected: /"STRICT", "PERMISSIVE"/,
    },
    {
        case: "unknown ALB scheme",
        config: addons({ istio: { ingressScheme: "public" } }),
        key: `${P}addons.istio.ingressScheme`,
        expected: /internet-facing/,
    },
    {
        case: "Locust target not a URL",
        config: addons({ locust: { targetHost: "web:80" } }),
        key: `${P}addons.locust.targetHost`,
        expected: /URL/,
    },
    { case: "no Locust workers", config: addons({ locust: { maxWorkers: 0 } }), key: `${P}addons.locust.maxWorkers`, expected: /1 to 100/ },
    {
        case: "Istio without the controller",
        config: addons({ loadBalancerController: { enabled: false } }),
        key: `${P}addons.istio.enabled`,
        expected: /controller/,
    },
    {
        // issue 26: dev's app is meshed: 10 s istiod debounce cap + 5 s push (rules/timing.ts MESH_PROPAGATION_SECONDS).
        case: "preStop shorter than the mesh takes to stop routing",
        config: app({ timing: { preStopSeconds: 5 } }),
        key: `${P}app.timing.preStopSeconds`,
        expected: /at least 15/,
    },
    {
        case: "preStop shorter than the ALB takes to stop routing (the app on its own ALB)",
        config: { ...app({ timing: { preStopSeconds: 24 } }), ...addons({ istio: { enabled: false } }) },
        key: `${P}app.timing.preStopSeconds`,
        expected: /at least 25/,
    },
    {
        // issue 22.13: in the mesh too (the default), a native sidecar adds nothing to preStop + shutdown.
        case: "grace shorter than preStop + shutdown",
        config: app({ timing: { terminationGracePeriodSeconds: 34 } }),
        key: `${P}app.timing.terminationGracePeriodSeconds`,
        expected: /at least 35/,
    },
    {
        case: "ALB default deregistration delay",
        config: app({ timing: { deregistrationDelaySeconds: 300 } }),
        key: `${P}app.timing.deregistrationDelaySeconds`,
        expected: /at most 90/,
    },
    {
        case: "readiness slower than the rollout step",
        config: app({ rollout: { minReadySeconds: 3 } }),
        key: `${P}app.rollout.minReadySeconds`,
        expected: /minReadySeconds to at least 4/,
    },
    {
        case: "rollout drops half the ready pods",
        config: app({ rollout: { maxUnavailable: "50%" } }),
        key: `${P}app.rollout.maxUnavailable`,
        expected: /a number of pods, at most 1/,
    },
    {
        case: "rollout that cannot progress",
        config: app({ rollout: { maxSurge: 0 } }),
        key: `${P}app.rollout.maxSurge`,
        expected: /maxSurge to 1/,
    },
    {
        case: "maxSurge neither int nor percent",
        config: app({ rollout: { maxSurge: "one" } }),
        key: `${P}app.rollout.maxSurge`,
        expected: /percentage/,
    },
    { case: "image on latest", config: app({ image: "nginx:latest" }), key: `${P}app.image`, expected: /not latest/ },
    { case: "image untagged", config: app({ image: "nginx" }), key: `${P}app.image`, expected: /pinned/ },
    {
        case: "blue/green image on latest",
        config: app({ blueGreen: { enabled: true, images: { green: "web:latest" } } }),
        key: `${P}app.blueGreen.images.green`,
        expected: /not latest/,
    },
    {
        case: "unknown active color",
        config: app({ blueGreen: { activeColor: "red" } }),
        key: `${P}app.blueGreen.activeColor`,
        expected: /"blue", "green"/,
    },
    {
        case: "liveness a copy of readiness",
        config: app({ probes: { path: "/ready", livenessPath: "/ready" } }),
        key: `${P}app.probes.livenessPath`,
        expected: /other than the readiness path/,
    },
    {
        case: "memory limit below request",
        config: app({ resources: { memoryMiB: 512, memoryLimitMiB: 256 } }),
        key: `${P}app.resources.memoryLimitMiB`,
        expected: /at least memoryMiB/,
    },
    {
        case: "HPA max below the replicas",
        config: app({ replicas: 6, autoscaling: { maxReplicas: 4 } }),
        key: `${P}app.autoscaling.maxReplicas`,
        expected: /HPA minimum/,
    },
    { case: "single replica", config: app({ replicas: 1 }), key: `${P}app.replicas`, expected: /2 to 100/ },
    {
        case: "health-check interval the ALB refuses",
        config: app({ timing: { healthCheckIntervalSeconds: 3 } }),
        key: `${P}app.timing.healthCheckIntervalSeconds`,
        expected: /5 to 300/,
    },
    { case: "app name not a DNS label", config: app({ name: "Web_App" }), key: `${P}app.name`, expected: /DNS label/ },
    {
        case: "app without the controller",
        config: { ...addons({ loadBalancerController: { enabled: false }, istio: { enabled: false } }) },
        key: `${P}app.enabled`,
        expected: /ALB/,
    },
    // Issue 11's defects, each named by the key that decides it.
    {
        case: "[#11.1] health-check timeout not below the interval (the controller's default 5 with interval 5)",
        config: app({ timing: { healthCheckTimeoutSeconds: 5 } }),
        key: `${P}app.timing.healthCheckTimeoutSeconds`,
        expected: /healthCheckTimeoutSeconds to at most 4/,
    },
    {
        case: "[#11.1] health-check timeout below the ELB API's 2 s",
        config: app({ timing: { healthCheckTimeoutSeconds: 1 } }),
        key: `${P}app.timing.healthCheckTimeoutSeconds`,
        expected: /2 to 120/,
    },
    {
        case: "[#11.1] a longer interval the user set is blamed, not the timeout left at its default",
        config: app({ timing: { healthCheckIntervalSeconds: 3 } }),
        key: `${P}app.timing.healthCheckIntervalSeconds`,
        expected: /5 to 300/,
    },
    {
        case: "[#11.5] access: principal not an IAM ARN",
        config: cluster({ access: [{ principalArn: "ci-role", policy: "cluster-admin" }] }),
        key: `${P}cluster.access[0].principalArn`,
        expected: /IAM role or user ARN/,
    },
    {
        case: "[#11.5] access: unknown policy",
        config: cluster({ access: [{ principalArn: "arn:aws:iam::123456789012:role/ci", policy: "root" }] }),
        key: `${P}cluster.access[0].policy`,
        expected: /"cluster-admin", "admin", "edit", "view"/,
    },
    {
        case: "[#11.5] access: cluster-admin limited to namespaces",
        config: cluster({ access: [{ principalArn: "arn:aws:iam::123456789012:role/ci", policy: "cluster-admin", namespaces: ["a"] }] }),
        key: `${P}cluster.access[0].namespaces`,
        expected: /cluster-wide/,
    },
    {
        case: "[#11.5] access: the same principal twice",
        config: cluster({
            access: [
                { principalArn: "arn:aws:iam::123456789012:role/ci", policy: "view" },
                { principalArn: "arn:aws:iam::123456789012:role/ci", policy: "edit", namespaces: ["a"] },
            ],
        }),
        key: `${P}cluster.access[1].principalArn`,
        expected: /each principal once/,
    },
    {
        case: "[#11.5] access: a typo in an entry",
        config: cluster({ access: [{ principalArn: "arn:aws:iam::123456789012:role/ci", policy: "view", namespace: ["a"] }] }),
        key: `${P}cluster.access[0].namespace`,
        expected: /known keys/,
    },
    {
        case: "[#11.5] access: not a list",
        config: cluster({ access: "arn:aws:iam::123456789012:role/ci" }),
        key: `${P}cluster.access`,
        expected: /a list of/,
    },
    {
        case: "[#11.6] blue/green without Istio",
        config: { ...addons({ istio: { enabled: false } }), ...app({ blueGreen: { enabled: true } }) },
        key: `${P}app.blueGreen.enabled`,
        expected: /addons\.istio\.enabled is false/,
    },
    {
        case: "[#11.11] a version past EKS extended support (1.31 ended 2026-11-26)",
        config: cluster({ version: "1.31" }),
        key: `${P}cluster.version`,
        expected: /"1\.32", "1\.33", "1\.34", "1\.35", "1\.36"/,
    },
    {
        case: "[#11.11] a version EKS does not have yet",
        config: cluster({ version: "1.37" }),
        key: `${P}cluster.version`,
        expected: /"1\.36"/,
    },
    {
        case: "[#13] a NodePool limit below what the app at its HPA maximum with its rollout surge and the Locust workers need (8 × m5.large)",
        config: addons({ karpenter: { maxNodes: 3 } }),
        key: `${P}addons.karpenter.maxNodes`,
        expected: /at least 8/,
    },
    {
        case: "[#13] a NodePool limit with no room to replace a node (the workloads fill 2 nodes, fixed)",
        config: { ...addons({ karpenter: { maxNodes: 2 }, locust: { maxWorkers: 1 } }), ...app({ autoscaling: { enabled: false } }) },
        key: `${P}addons.karpenter.maxNodes`,
        expected: /at least 3/,
    },
    {
        case: "[#13] a NodePool terminationGracePeriod shorter than the app's 90 s grace",
        config: addons({ karpenter: { terminationGracePeriod: "60s" } }),
        key: `${P}addons.karpenter.terminationGracePeriod`,
        expected: /above 90s/,
    },
    {
        case: "[#13] an app grace period longer than a managed node update waits (900 s)",
        config: app({ timing: { terminationGracePeriodSeconds: 901 } }),
        key: `${P}app.timing.terminationGracePeriodSeconds`,
        expected: /at most 900/,
    },
    {
        case: "[#13] a disruption budget window with a schedule and no duration",
        config: addons({ karpenter: { budgets: [{ nodes: "0", schedule: "0 9 * * mon-fri" }] } }),
        key: `${P}addons.karpenter.budgets[0].duration`,
        expected: /set together with schedule/,
    },
    {
        case: "[#13] a budget Karpenter's CRD refuses",
        config: addons({ karpenter: { budgets: [{ nodes: "150%" }] } }),
        key: `${P}addons.karpenter.budgets[0].nodes`,
        expected: /percentage/,
    },
    {
        case: "[#13] an instance type the capacity model cannot size",
        config: addons({ karpenter: { instanceTypes: ["m5.4xlarge"] } }),
        key: `${P}addons.karpenter.instanceTypes[0]`,
        expected: /outside the capacity model.*e\.g\. m7i\.large/,
    },
    {
        case: "[#13] terminationGracePeriod Never (the CRD allows it only for expireAfter)",
        config: addons({ karpenter: { terminationGracePeriod: "Never" } }),
        key: `${P}addons.karpenter.terminationGracePeriod`,
        expected: /"Never" is not allowed/,
    },
    {
        case: "[#16] an alarm period CloudWatch refuses",
        config: { [`${P}alarms`]: { periodSeconds: 45 } },
        key: `${P}alarms.periodSeconds`,
        expected: /a multiple of 60/,
    },
    {
        case: "[#16] no evaluation period",
        config: { [`${P}alarms`]: { evaluationPeriods: 0 } },
        key: `${P}alarms.evaluationPeriods`,
        expected: /1/,
    },
    {
        case: "[#16] a domain with a host name and no hosted zone",
        config: { [`${P}domain`]: { hostName: "shop.example.com" } },
        key: `${P}domain.hostedZoneId`,
        expected: /set together with hostName/,
    },
    {
        case: "[#16] a hosted zone ID Route 53 never gives",
        config: { [`${P}domain`]: { hostedZoneId: "zone-1", hostName: "shop.example.com" } },
        key: `${P}domain.hostedZoneId`,
        expected: /Route 53 hosted zone ID/,
    },
    {
        case: "[#16] a host name that is no DNS name",
        config: { [`${P}domain`]: { hostedZoneId: "Z0123456789ABCDEFGHIJ", hostName: "Shop Example" } },
        key: `${P}domain.hostName`,
        expected: /DNS name/,
    },
    {
        case: "[#16] the mesh's dashboards asked for without the mesh",
        config: addons({ istio: { enabled: false }, observability: { enabled: true } }),
        key: `${P}addons.observability.enabled`,
        expected: /addons\.istio\.enabled is false/,
    },
    {
        case: "[#11.14] a retention CloudWatch refuses",
        config: cluster({ logRetentionDays: 10 }),
        key: `${P}cluster.logRetentionDays`,
        expected: /1, 3, 5, 7, 14, 30/,
    },
    // Kubernetes creates the first four itself; the addons create the last three.
    ...["default", "kube-system", "kube-public", "kube-node-lease", "locust", "istio-system", "istio-ingress"].map((namespace) => ({
        case: `[#11.17] app namespace ${namespace}, which Kubernetes or an addon creates`,
        config: app({ namespace }),
        key: `${P}app.namespace`,
        expected: /AlreadyExists/,
    })),
    {
        case: "[#11.18] an internal app scheme while Istio decides the entrypoint",
        config: app({ ingress: { scheme: "internal" } }),
        key: `${P}app.ingress.scheme`,
        expected: /zero-downtime-eks:addons\.istio\.ingressScheme \(internet-facing\)/,
    },
    {
        case: "[#11.19] 25% unavailable is one pod at 4 replicas but two at 8, within the HPA's 12",
        config: app({ rollout: { maxUnavailable: "25%" } }),
        key: `${P}app.rollout.maxUnavailable`,
        expected: /a number of pods, at most 1/,
    },
    {
        case: "[#11.19] both keys of the rule set: the first the user set is blamed, the other named as see-also",
        config: app({ replicas: 2, rollout: { maxUnavailable: "50%" } }),
        key: `${P}app.rollout.maxUnavailable`,
        expected: /at most 1/,
    },
    {
        case: "[#11.19] a longer health-check interval is blamed for the preStop it no longer covers (the app on its own ALB)",
        config: { ...app({ timing: { healthCheckIntervalSeconds: 15 } }), ...addons({ istio: { enabled: false } }) },
        key: `${P}app.timing.healthCheckIntervalSeconds`,
        expected: /preStopSeconds to at least 45/,
    },
    {
        case: "outlier detection allowed to eject every endpoint (README promises a 50% cap)",
        config: app({ outlierDetection: { maxEjectionPercent: 51 } }),
        key: `${P}app.outlierDetection.maxEjectionPercent`,
        expected: /1 to 50/,
    },
    { case: "stack name is no environment", stack: "feature-x", config: {}, key: `${P}environment`, expected: /"dev"/ },
];

describe("settings: every bad configuration is named by key, value and expectation", () => {
    for (const c of BAD) {
        it(c.case, () => {
            const problems = problemsOf(input(c.stack ?? "dev", c.config));
            const hit = problems.find((p) => p.key === c.key);
            assert.ok(hit, `no problem names ${c.key}; got ${problems.map((p) => p.key).join(", ")}`);
            assert.match(hit.expected, c.expected);
            assert.notEqual(hit.given, "", "the given value is shown");
        });
    }

    it("reports every problem at once, each on its own line", () => {
        const i = input("dev", {
            ...network({ cidrBlock: "nope", natGateways: "many" }),
            ...cluster({ minSize: 9, instanceType: "big" }),
            "aws:region": undefined,
        });
        const problems = problemsOf(i);
        const keys = problems.map((p) => p.key);
        for (const key of [
            `${P}network.cidrBlock`,
            `${P}network.natGateways`,
            `${P}cluster.minSize`,
            `${P}cluster.instanceType`,
            "aws:region",
        ]) {
            assert.ok(keys.includes(key), `missing ${key}`);
        }
        const message = new SettingsError(problems).message;
        assert.match(message, /Invalid stack configuration \(5 problems\)/);
        assert.match(message, /zero-downtime-eks:network\.cidrBlock: got "nope"; expected an IPv4 CIDR/);
    });
});

describe("settings: capacity at desiredSize", () => {
    it("[#11.3] without Karpenter, the HPA maximum beyond desiredSize is a warning naming both keys and the Pending pods", () => {
        const s = parseSettings(
            input("dev", { ...app({ autoscaling: { maxReplicas: 40 } }), ...addons({ karpenter: { enabled: false } }) }),
        );
        assert.equal(s.warnings.length, 1);
        assert.match(s.warnings[0], /do NOT fit 3 × m5\.large/);
        assert.match(s.warnings[0], /Pending: \d+ × web\/web$|Pending: \d+ × web\/web;/);
        assert.match(s.warnings[0], /zero-downtime-eks:cluster\.desiredSize/);
        assert.match(s.warnings[0], /zero-downtime-eks:app\.autoscaling\.maxReplicas/);
    });

    it("[#11.3] the defaults' pods at rest fit every environment's desiredSize", () => {
        for (const env of ["dev", "staging", "prod"]) {
            const s = parseSettings(input(env));
            assert.equal(s.capacity.atMinimum.fits, true, `${env}: ${s.capacity.atMinimum.summary}`);
        }
    });

    it("[#11.3] two m5.large cannot hold the stack's own pods: an error on desiredSize with the node count that fits", () => {
        // 4 app pods × 350m + istiod 2 × 500m + the rest: about 4.5 vCPU of requests; two m5.large allocate 3.86.
        const problems = problemsOf(input("dev", cluster({ minSize: 2, desiredSize: 2 })));
        const hit = problems.find((p) => p.key === `${P}cluster.desiredSize`);
        assert.ok(hit, problems.map((p) => p.key).join(", "));
        assert.match(hit.given, /do NOT fit 2 × m5\.large/);
        assert.match(hit.expected, /at least 3/);
    });

    it("[#11.3] without Istio and Locust, two m5.large hold the platform and the app", () => {
        const s = parseSettings(
            input("dev", {
                ...cluster({ minSize: 2, desiredSize: 2 }),
                ...addons({ istio: { enabled: false }, locust: { enabled: false } }),
            }),
        );
        assert.equal(s.capacity.atMinimum.fits, true, s.capacity.atMinimum.summary);
    });

    it("issue 22.16: an instance type the model has no figures for is refused, not waved through, and called unknown", () => {
        const problems = problemsOf(input("dev", cluster({ instanceType: "x9.huge" })));
        const expected = problems.find((p) => p.key === `${P}cluster.instanceType`)?.expected ?? "";
        assert.match(expected, /unknown instance type "x9\.huge"/);
        assert.doesNotMatch(expected, /INSTANCE_SPECS|rules\/capacity\.ts/);
    });

    it("issue 22.16: m7i.large (system nodes) and c7i.xlarge (Karpenter's NodePool) are accepted without editing source", () => {
        const s = parseSettings(
            input("dev", { ...cluster({ instanceType: "m7i.large" }), ...addons({ karpenter: { instanceTypes: ["c7i.xlarge"] } }) }),
        );
        assert.equal(s.cluster.instanceType, "m7i.large");
        assert.deepEqual(s.addons.karpenter.instanceTypes, ["c7i.xlarge"]);
    });

    it("issue 22.16: a NodePool type outside the model is named by index with the reason", () => {
        const problems = problemsOf(input("dev", addons({ karpenter: { instanceTypes: ["m7i.large", "m7g.large", "x9.huge"] } })));
        const byKey = Object.fromEntries(problems.map((p) => [p.key, p.expected]));
        assert.match(byKey[`${P}addons.karpenter.instanceTypes[1]`] ?? "", /Arm \(Graviton\)/);
        assert.match(byKey[`${P}addons.karpenter.instanceTypes[2]`] ?? "", /unknown instance type "x9\.huge"/);
        assert.equal(byKey[`${P}addons.karpenter.instanceTypes[0]`], undefined);
    });
});

describe("settings: defaults per environment, overridable per stack", () => {
    // Each environment's defaults, written out with their reason (not read back from defaults.ts).
    const EXPECTED = {
        // dev: 2 AZs and one NAT gateway (cheap); 3 nodes because 2 × m5.large cannot hold the stack's pods.
        dev: {
            network: { cidrBlock: "10.0.0.0/16", availabilityZoneCount: 2, natGateways: "single" },
            cluster: {
                version: "1.36",
                instanceType: "m5.large",
                minSize: 3,
                desiredSize: 3,
                maxSize: 4,
                logRetentionDays: 30,
                protect: false,
            },
        },
        staging: {
            network: { cidrBlock: "10.0.0.0/16", availabilityZoneCount: 2, natGateways: "single" },
            cluster: {
                version: "1.36",
                instanceType: "m5.large",
                minSize: 3,
                desiredSize: 3,
                maxSize: 6,
                logRetentionDays: 90,
                protect: false,
            },
        },
        // prod: a NAT gateway per AZ, a year of audit logs, and its stateful pieces protected.
        prod: {
            network: { cidrBlock: "10.0.0.0/16", availabilityZoneCount: 3, natGateways: "onePerAz" },
            cluster: {
                version: "1.36",
                instanceType: "m5.large",
                minSize: 3,
                desiredSize: 3,
                maxSize: 12,
                logRetentionDays: 365,
                protect: true,
            },
        },
    };
    for (const env of ["dev", "staging", "prod"] as const) {
        it(`${env} gets its environment's defaults`, () => {
            const s = parseSettings(input(env));
            assert.deepEqual(s.network, EXPECTED[env].network);
            const { name, publicAccessCidrs, access, ...sizes } = s.cluster;
            assert.deepEqual(access, []);
            assert.deepEqual(sizes, EXPECTED[env].cluster);
            assert.equal(name, `${PROJECT}-${env}`);
            assert.ok(publicAccessCidrs.length > 0);
        });
    }

    it("dev is two AZs with one NAT gateway; prod is three with one per AZ and more nodes", () => {
        const dev = parseSettings(input("dev"));
        const prod = parseSettings(input("prod"));
        assert.deepEqual([dev.network.availabilityZoneCount, dev.network.natGateways], [2, "single"]);
        assert.deepEqual([prod.network.availabilityZoneCount, prod.network.natGateways], [3, "onePerAz"]);
        assert.ok(prod.cluster.maxSize > dev.cluster.maxSize);
        assert.equal(dev.cluster.instanceType, "m5.large");
        assert.equal(dev.cluster.desiredSize, 3);
    });

    it("a stack file overrides the defaults of the environment it names", () => {
        const s = parseSettings(
            input("feature-x", {
                [`${P}environment`]: "prod",
                ...network({ natGateways: "single" }),
                [`${P}cluster`]: { ...OFFICE_API, minSize: 1 },
            }),
        );
        assert.equal(s.environment, "prod");
        assert.equal(s.network.natGateways, "single");
        assert.equal(s.network.availabilityZoneCount, 3);
        assert.equal(s.cluster.minSize, 1);
        assert.equal(s.cluster.name, `${PROJECT}-feature-x`);
    });
});

describe("[#11.11] the Kubernetes version against the calendar and Istio's range, through settings", () => {
    // On 2026-10-01, 1.31 is still in EKS extended support (until 2026-11-26), so only Istio's
    // range (1.30.x: Kubernetes 1.32–1.36, istio.io supported releases) can refuse it.
    const IN_EXTENDED_SUPPORT = { ...input("dev", cluster({ version: "1.31" })), today: "2026-10-01" };

    it("Istio on: 1.31 is refused, naming the key and Istio's range", () => {
        const problems = problemsOf(IN_EXTENDED_SUPPORT);
        const version = problems.filter((p) => p.key === `${P}cluster.version`);
        assert.equal(version.length, 1, JSON.stringify(problems));
        assert.match(`${version[0].given} ${version[0].expected}`, /Istio 1\.30\.\d+/);
        assert.match(`${version[0].given} ${version[0].expected}`, /1\.32/);
    });

    it("Istio off: 1.31 is accepted, with a warning that it is in extended support", () => {
        const config = { ...IN_EXTENDED_SUPPORT.config, [`${P}addons`]: JSON.stringify({ istio: { enabled: false } }) };
        const s = parseSettings({ ...IN_EXTENDED_SUPPORT, config });
        assert.equal(s.cluster.version, "1.31");
        assert.equal(s.warnings.filter((w) => w.startsWith(`${P}cluster.version:`)).length, 1, s.warnings.join("\n"));
        assert.match(s.warnings.find((w) => w.startsWith(`${P}cluster.version:`)) ?? "", /extended support/);
    });
});

describe("issue 22.15: a documentation CIDR for API access is refused before anything is created, and only warned about offline", () => {
    for (const stack of ["staging", "prod"]) {
        it(`issue 22.15: the committed ${stack} stack file (203.0.113.0/24) is refused under a real engine, naming the key, the value and the RFC`, () => {
            const committed = { project: PROJECT, stack, config: readStackConfig(stack), today: TODAY };
            const problems = problemsOf({ ...committed, live: true });
            const hit = problems.find((p) => p.key === `${P}cluster.publicAccessCidrs[0]`);
            assert.ok(hit, JSON.stringify(problems));
            assert.equal(hit.given, '"203.0.113.0/24"');
            assert.match(
                hit.expected,
                /egress CIDRs .*: 203\.0\.113\.0\/24 is inside TEST-NET-3 \(203\.0\.113\.0\/24, RFC 5737\), reserved for documentation/,
            );
            // Offline (npm run synth, verify's model): accepted, with the same finding as a warning.
            const offline = parseSettings(committed);
            const warning = offline.warnings.find((w) => w.startsWith(`${P}cluster.publicAccessCidrs[0]:`));
            assert.match(warning ?? "", /TEST-NET-3.*pulumi preview and pulumi up refuse it/);
        });
    }

    it("issue 22.15: every documentation entry is named by its index; a real range beside it passes", () => {
        const problems = problemsOf({
            ...input("dev", cluster({ publicAccessCidrs: ["198.18.0.0/15", "192.0.2.0/24", "198.51.100.0/25"] })),
            live: true,
        });
        assert.deepEqual(
            problems.map((p) => p.key),
            [`${P}cluster.publicAccessCidrs[1]`, `${P}cluster.publicAccessCidrs[2]`],
        );
    });

    it("issue 22.16: a VPC CIDR with host bits set (10.0.1.0/16) is refused for its host bits, not as a wrong prefix", () => {
        const hit = problemsOf(input("dev", network({ cidrBlock: "10.0.1.0/16" }))).find((p) => p.key === `${P}network.cidrBlock`);
        assert.match(
            hit?.expected ?? "",
            /host bits are set: 10\.0\.1\.0 is not the first address of a \/16 block \(that block is 10\.0\.0\.0\/16\)/,
        );
        const entry = problemsOf(input("dev", cluster({ publicAccessCidrs: ["198.18.1.0/15"] }))).find(
            (p) => p.key === `${P}cluster.publicAccessCidrs[0]`,
        );
        assert.match(entry?.expected ?? "", /host bits are set/);
    });
});
