import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { ConfigInput, PROJECT, SettingsError, parseSettings } from "../../stacks";
import { DEFAULTS } from "../../stacks/defaults";

const P = `${PROJECT}:`;
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
    return { project: PROJECT, stack, config: flat };
}

function problemsOf(i: ConfigInput): SettingsError["problems"] {
    try {
        parseSettings(i);
    } catch (err) {
        assert.ok(err instanceof SettingsError, `expected SettingsError, got ${String(err)}`);
        return err.problems;
    }
    assert.fail("expected the configuration to be rejected");
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
    { case: "version EKS does not offer", config: cluster({ version: "1.20" }), key: `${P}cluster.version`, expected: /EKS offers/ },
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
        expected: /desiredSize \(2\)/,
    },
    {
        case: "desiredSize above maxSize",
        config: cluster({ desiredSize: 5, maxSize: 4 }),
        key: `${P}cluster.desiredSize`,
        expected: /maxSize \(4\)/,
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
        case: "preStop shorter than the ALB takes to stop routing",
        config: app({ timing: { preStopSeconds: 5 } }),
        key: `${P}app.timing.preStopSeconds`,
        expected: /at least 25/,
    },
    {
        case: "grace shorter than preStop + shutdown",
        config: app({ timing: { terminationGracePeriodSeconds: 50 } }),
        key: `${P}app.timing.terminationGracePeriodSeconds`,
        expected: /at least 60/,
    },
    {
        case: "ALB default deregistration delay",
        config: app({ timing: { deregistrationDelaySeconds: 300 } }),
        key: `${P}app.timing.deregistrationDelaySeconds`,
        expected: /at most 70/,
    },
    {
        case: "readiness slower than the rollout step",
        config: app({ rollout: { minReadySeconds: 5 } }),
        key: `${P}app.probes.readinessPeriodSeconds`,
        expected: /minReadySeconds to at least 10/,
    },
    {
        case: "rollout drops half the ready pods",
        config: app({ rollout: { maxUnavailable: "50%" } }),
        key: `${P}app.rollout.maxUnavailable`,
        expected: /at most 1/,
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

describe("settings: capacity is a warning, not an error", () => {
    it("an HPA maximum the node group cannot hold is warned about with both keys", () => {
        const s = parseSettings(input("dev", app({ resources: { cpuMillicores: 1000 }, autoscaling: { maxReplicas: 40 } })));
        assert.equal(s.warnings.length, 1);
        assert.match(s.warnings[0], /does NOT fit/);
        assert.match(s.warnings[0], /zero-downtime-eks:cluster\.maxSize/);
        assert.match(s.warnings[0], /zero-downtime-eks:app\.autoscaling\.maxReplicas/);
    });

    it("the defaults fit", () => {
        assert.deepEqual(parseSettings(input("dev")).warnings, []);
    });
});

describe("settings: defaults per environment, overridable per stack", () => {
    for (const env of ["dev", "staging", "prod"] as const) {
        it(`${env} gets its environment's defaults`, () => {
            const s = parseSettings(input(env));
            assert.deepEqual(s.network, DEFAULTS[env].network);
            const { name, publicAccessCidrs, ...sizes } = s.cluster;
            assert.deepEqual(sizes, DEFAULTS[env].cluster);
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
        assert.equal(dev.cluster.desiredSize, 2);
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
