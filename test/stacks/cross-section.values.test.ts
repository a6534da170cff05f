// The cross-section checks' exact reports: the key each names, the text a user reads, and the
// boundaries (at a limit passes, one past fails). Pure modules only (no stacks/index.ts).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { PROJECT, parseSettings, type AddonsSettings, type AppSettings, type ClusterSettings } from "../../stacks/settings";
import { Problem, Section } from "../../stacks/validate";
import { checkApp, checkDrains, checkStackCapacity, checkVersion } from "../../stacks/cross-section";

const P = `${PROJECT}:`;
const TODAY = "2026-12-01";
const DEV = parseSettings({
    project: PROJECT,
    stack: "dev",
    config: { "aws:region": "ap-northeast-2", [`${P}cluster`]: JSON.stringify({ publicAccessCidrs: ["0.0.0.0/0"] }) },
    today: TODAY,
});

/** A section named like the stack's, over the raw keys the user set, and the problems it records. */
function section(name: string, raw: unknown = {}, problems: Problem[] = []): { s: Section; problems: Problem[] } {
    return { s: new Section(`${P}${name}`, raw, problems), problems };
}

const off = { enabled: false };
const ISTIO_OFF: AddonsSettings = { ...DEV.addons, istio: { ...DEV.addons.istio, enabled: false } };

describe("checkApp: the app against the mesh", () => {
    const SCHEME_PROBLEM: Problem = {
        key: `${P}app.ingress.scheme`,
        given: '"internal"',
        expected: `no app scheme while Istio is on: the app is reached through the platform's entrypoint, whose scheme is ${P}addons.istio.ingressScheme (internet-facing); set that key instead`,
    };
    const BLUE_GREEN_PROBLEM: Problem = {
        key: `${P}app.blueGreen.enabled`,
        given: "true",
        expected: `false while ${P}addons.istio.enabled is false: blue/green switches through the mesh; on a bare ALB the switch drops requests`,
    };
    // On a bare ALB the preStop sleep must cover 15 s of deregistration plus 5 s × 2 health checks
    // (rule prestop-covers-deregistration): 25 s, so these cases see only the rule they are about.
    const base: AppSettings = { ...DEV.app, timing: { ...DEV.app.timing, preStopSeconds: 25 } };
    const internal: AppSettings = { ...base, ingress: { scheme: "internal" } };
    const blueGreen: AppSettings = { ...base, blueGreen: { ...base.blueGreen, enabled: true } };
    const CASES: { case: string; raw: unknown; app: AppSettings; addons: AddonsSettings; expected: Problem[] }[] = [
        {
            case: "meshed, scheme set and different: refused",
            raw: { ingress: { scheme: "internal" } },
            app: internal,
            addons: DEV.addons,
            expected: [SCHEME_PROBLEM],
        },
        {
            case: "meshed, scheme set to the entrypoint's: accepted",
            raw: { ingress: { scheme: "internet-facing" } },
            app: base,
            addons: DEV.addons,
            expected: [],
        },
        { case: "meshed, scheme not set by the stack: accepted", raw: {}, app: internal, addons: DEV.addons, expected: [] },
        {
            case: "not meshed, own scheme: accepted",
            raw: { ingress: { scheme: "internal" } },
            app: internal,
            addons: ISTIO_OFF,
            expected: [],
        },
        {
            case: "blue/green without the mesh: refused",
            raw: { blueGreen: { enabled: true } },
            app: blueGreen,
            addons: ISTIO_OFF,
            expected: [BLUE_GREEN_PROBLEM],
        },
        {
            case: "blue/green with the mesh: accepted",
            raw: { blueGreen: { enabled: true } },
            app: blueGreen,
            addons: DEV.addons,
            expected: [],
        },
        {
            case: "app off: nothing of it is judged",
            raw: { blueGreen: { enabled: true } },
            app: { ...blueGreen, enabled: false },
            addons: ISTIO_OFF,
            expected: [],
        },
    ];
    for (const c of CASES) {
        it(c.case, () => {
            const { s, problems } = section("app", c.raw);
            checkApp(s, c.app, c.addons);
            assert.deepEqual(problems, c.expected);
        });
    }
});

describe("checkVersion: each pinned component's range", () => {
    // Karpenter 1.14.1 supports Kubernetes 1.30 to 1.36 (aws/karpenter-provider-aws website
    // compatibility matrix, components/versions.ts); 1.37 is past it and not on EKS's calendar either.
    const karpenterOnly: AddonsSettings = { ...ISTIO_OFF, karpenter: { ...DEV.addons.karpenter, enabled: true } };
    const KARPENTER_RANGE: Problem = {
        key: `${P}cluster.version`,
        given: "Karpenter 1.14.1 supports Kubernetes 1.30 to 1.36, not 1.37",
        expected: 'use a version from "1.30" to "1.36", or switch Karpenter 1.14.1 off',
        rule: "kubernetes-version-in-component-range",
    };
    const run = (addons: AddonsSettings) => {
        const { s, problems } = section("cluster");
        checkVersion(s, { ...DEV.cluster, version: "1.37" }, addons, TODAY, []);
        return problems.filter((p) => p.rule === KARPENTER_RANGE.rule);
    };
    it("Karpenter on: its range is checked, word for word", () => {
        assert.deepEqual(run(karpenterOnly), [KARPENTER_RANGE]);
    });
    it("Karpenter off: its range is not", () => {
        assert.deepEqual(run({ ...karpenterOnly, karpenter: { ...karpenterOnly.karpenter, enabled: false } }), []);
    });
});

// A bare stack on one m5.large: only CoreDNS and the app. m5.large allocatable by the EKS AMI
// formula (rules/capacity.ts): 1930m CPU, 6903Mi, 29 pods; DaemonSets kube-proxy 100m and
// aws-node 50m leave 1780m per node; CoreDNS 2 × 100m / 70Mi (eksctl coredns-1.36.json).
const BARE: AddonsSettings = {
    ...ISTIO_OFF,
    loadBalancerController: { ...DEV.addons.loadBalancerController, enabled: false },
    metricsServer: off,
    locust: { ...DEV.addons.locust, enabled: false },
    karpenter: { ...DEV.addons.karpenter, enabled: false },
    observability: off,
};
const ONE_NODE: ClusterSettings = { ...DEV.cluster, desiredSize: 1 };
const app = (replicas: number, cpuMillicores: number, extra: Partial<AppSettings> = {}): AppSettings => ({
    ...DEV.app,
    replicas,
    resources: { ...DEV.app.resources, cpuMillicores },
    rollout: { ...DEV.app.rollout, maxSurge: 1 },
    autoscaling: { ...DEV.app.autoscaling, enabled: false },
    ...extra,
});

describe("checkStackCapacity: the verdict a user reads", () => {
    const run = (a: AppSettings) => {
        const { s, problems } = section("cluster");
        const warnings: string[] = [];
        checkStackCapacity(s, ONE_NODE, BARE, a, warnings);
        return { problems, warnings };
    };

    it("a pod larger than any node: a larger instance type, no node count", () => {
        // 150m DaemonSets + 2 × 100m CoreDNS + 1781m: the app's pod exceeds the 1780m a node leaves.
        assert.deepEqual(run(app(1, 1781)), {
            problems: [
                {
                    key: `${P}cluster.desiredSize`,
                    given: "1, on which the stack's own pods do not fit: 5 pods requesting 2131m CPU, 268Mi do NOT fit 1 × m5.large (allocatable 1930m, 6903Mi, 29 pods); Pending: 1 × web/web",
                    expected: "a larger instanceType: no node count fits these pods",
                },
            ],
            warnings: [],
        });
    });

    it("fits at rest, and at the HPA maximum too: no warning", () => {
        assert.deepEqual(run(app(2, 300, { autoscaling: { ...DEV.app.autoscaling, enabled: true, maxReplicas: 5 } })), {
            problems: [],
            warnings: [],
        });
    });

    it("fits at rest, not at the HPA maximum: a warning naming both keys", () => {
        // 2 → 10 replicas of 300m: 980m left after two holds three more; five stay Pending.
        assert.deepEqual(run(app(2, 300, { autoscaling: { ...DEV.app.autoscaling, enabled: true, maxReplicas: 10 } })), {
            problems: [],
            warnings: [
                `capacity at the HPA maximum: 14 pods requesting 3350m CPU, 1420Mi do NOT fit 1 × m5.large (allocatable 1930m, 6903Mi, 29 pods); Pending: 5 × web/web; nothing adds nodes, so those pods stay Pending: raise ${P}cluster.desiredSize or lower ${P}app.autoscaling.maxReplicas`,
            ],
        });
    });
});

describe("checkDrains: the NodePool's limit and every grace period", () => {
    const karpenter = (changes: Partial<AddonsSettings["karpenter"]>): AddonsSettings => ({
        ...BARE,
        karpenter: { ...DEV.addons.karpenter, enabled: true, ...changes },
    });
    const run = (addons: AddonsSettings, a: AppSettings, addonsRaw: unknown = {}, appRaw: unknown = {}) => {
        const problems: Problem[] = [];
        const addonsSection = section("addons", addonsRaw, problems).s;
        const appSection = section("app", appRaw, problems).s;
        checkDrains(addonsSection, appSection, addons, a, checkStackCapacity(section("cluster").s, ONE_NODE, addons, a, []));
        return problems;
    };

    // 1000m pods, one per NodePool node (1780m free each): 2 replicas plus a surge of 1 need 3 nodes at peak.
    const CAPACITY: { case: string; addons: AddonsSettings; app: AppSettings; expected: Problem[] }[] = [
        {
            case: "maxNodes one short of the peak: refused, with the derived limit",
            addons: karpenter({ maxNodes: 2 }),
            app: app(2, 1000),
            expected: [
                {
                    key: `${P}addons.karpenter.maxNodes`,
                    given: "2, but the app at its HPA maximum and every Locust worker need 3 × m5.large: 7 pods requesting 3300m CPU, 384Mi do NOT fit 2 × m5.large (allocatable 3860m, 13806Mi, 58 pods); Pending: 1 × web/web",
                    expected: "at least 3 (or leave maxNodes unset: derived as 4)",
                    rule: "node-pool-holds-peak",
                },
            ],
        },
        {
            case: "maxNodes at the peak, one above the minimum: accepted",
            addons: karpenter({ maxNodes: 3 }),
            app: app(2, 1000),
            expected: [],
        },
        {
            // No surge: the peak is the minimum, 2 nodes; a replacement needs a third.
            case: "maxNodes at the minimum: no room to replace a node",
            addons: karpenter({ maxNodes: 2 }),
            app: app(2, 1000, { rollout: { ...DEV.app.rollout, maxSurge: 0, maxUnavailable: 1 } }),
            expected: [
                {
                    key: `${P}addons.karpenter.maxNodes`,
                    given: "2: the workloads at their minimum fill 2 nodes, so a drifted or expired node cannot be replaced before it is drained (Karpenter launches the replacement first)",
                    expected: "at least 3",
                    rule: "node-pool-replaces-a-node",
                },
            ],
        },
        {
            case: "maxNodes one above the minimum: accepted",
            addons: karpenter({ maxNodes: 3 }),
            app: app(2, 1000, { rollout: { ...DEV.app.rollout, maxSurge: 0, maxUnavailable: 1 } }),
            expected: [],
        },
        { case: "maxNodes unset: derived, never refused", addons: karpenter({}), app: app(2, 1000), expected: [] },
        {
            case: "no node of the listed types holds the app's pod",
            addons: karpenter({}),
            app: app(1, 1781),
            expected: [
                {
                    key: `${P}addons.karpenter.instanceTypes`,
                    given: '["m5.large"]',
                    expected:
                        "instance types that hold the app and the Locust workers at their maximum: 4 pods requesting 3712m CPU, 256Mi do NOT fit 1 × m5.large (allocatable 1930m, 6903Mi, 29 pods); Pending: 2 × web/web",
                },
            ],
        },
    ];
    for (const c of CAPACITY) {
        it(`NodePool: ${c.case}`, () => {
            assert.deepEqual(run(c.addons, c.app), c.expected);
        });
    }

    // The managed node update waits 900 s (EKS user guide, managed-node-update-behavior.adoc).
    const APP_GRACE = `${P}app.timing.terminationGracePeriodSeconds`;
    const POOL_GRACE = `${P}addons.karpenter.terminationGracePeriod`;
    const poolGiven = (grace: number, pool: number) =>
        `web/web: a grace period of ${grace} s is longer than the NodePool's terminationGracePeriod (${pool} s): Karpenter deletes such pods before their grace ends`;
    const poolFix = (grace: number) =>
        `raise the NodePool's terminationGracePeriod above ${grace}s, or shorten the workload's grace period`;
    const graceApp = (seconds: number, enabled = true): AppSettings => ({
        ...app(1, 100),
        enabled,
        timing: { ...DEV.app.timing, terminationGracePeriodSeconds: seconds },
    });
    const UPDATE_PROBLEM: Problem = {
        key: APP_GRACE,
        given: "web/web: a grace period of 901 s outlasts the 900 s an EKS managed node update waits for pods to leave (it then fails with PodEvictionFailure)",
        expected: "set terminationGracePeriodSeconds to at most 900",
        rule: "grace-within-node-update",
    };
    const GRACE: { case: string; addons: AddonsSettings; app: AppSettings; addonsRaw?: unknown; appRaw?: unknown; expected: Problem[] }[] =
        [
            { case: "no NodePool, 900 s: accepted", addons: BARE, app: graceApp(900), expected: [] },
            { case: "no NodePool, 901 s: past the managed node update", addons: BARE, app: graceApp(901), expected: [UPDATE_PROBLEM] },
            { case: "app off: its grace is not judged", addons: BARE, app: graceApp(901, false), expected: [] },
            {
                case: "the stack set the NodePool's grace, not the app's: the NodePool's key is blamed",
                addons: karpenter({ terminationGracePeriod: "60s" }),
                addonsRaw: { karpenter: { terminationGracePeriod: "60s" } },
                app: graceApp(90),
                expected: [
                    {
                        key: POOL_GRACE,
                        given: poolGiven(90, 60),
                        expected: `${poolFix(90)} (see also ${APP_GRACE})`,
                        rule: "grace-within-node-pool",
                    },
                ],
            },
            {
                case: "the stack set both: the app's key is blamed",
                addons: karpenter({ terminationGracePeriod: "60s" }),
                addonsRaw: { karpenter: { terminationGracePeriod: "60s" } },
                appRaw: { timing: { terminationGracePeriodSeconds: 90 } },
                app: graceApp(90),
                expected: [
                    {
                        key: APP_GRACE,
                        given: poolGiven(90, 60),
                        expected: `${poolFix(90)} (see also ${POOL_GRACE})`,
                        rule: "grace-within-node-pool",
                    },
                ],
            },
            {
                case: "the stack set neither: the app's key is blamed",
                addons: karpenter({ terminationGracePeriod: "60s" }),
                app: graceApp(90),
                expected: [
                    {
                        key: APP_GRACE,
                        given: poolGiven(90, 60),
                        expected: `${poolFix(90)} (see also ${POOL_GRACE})`,
                        rule: "grace-within-node-pool",
                    },
                ],
            },
            {
                case: "at the NodePool's grace: accepted",
                addons: karpenter({ terminationGracePeriod: "90s" }),
                app: graceApp(90),
                expected: [],
            },
            {
                case: "past both, the NodePool's grace set: the node update blames the app alone, the NodePool its own key",
                addons: karpenter({ terminationGracePeriod: "15m" }),
                addonsRaw: { karpenter: { terminationGracePeriod: "15m" } },
                app: graceApp(901),
                expected: [
                    UPDATE_PROBLEM,
                    {
                        key: POOL_GRACE,
                        given: poolGiven(901, 900),
                        expected: `${poolFix(901)} (see also ${APP_GRACE})`,
                        rule: "grace-within-node-pool",
                    },
                ],
            },
        ];
    for (const c of GRACE) {
        it(`grace: ${c.case}`, () => {
            assert.deepEqual(run(c.addons, c.app, c.addonsRaw, c.appRaw), c.expected);
        });
    }

    const gatewayGrace = (enabled: boolean, seconds: number): AddonsSettings => ({
        ...BARE,
        istio: {
            ...DEV.addons.istio,
            enabled,
            gatewayTiming: { ...DEV.addons.istio.gatewayTiming, terminationGracePeriodSeconds: seconds },
        },
    });
    it("the gateway's grace past the node update: reported on the istio key", () => {
        assert.deepEqual(run(gatewayGrace(true, 901), { ...DEV.app, enabled: false }), [
            {
                key: `${P}addons.istio`,
                given: "istio-ingress/istio-ingressgateway: a grace period of 901 s outlasts the 900 s an EKS managed node update waits for pods to leave (it then fails with PodEvictionFailure)",
                expected: "set terminationGracePeriodSeconds to at most 900",
                rule: "grace-within-node-update",
            },
        ]);
    });
    it("Istio off: the gateway is not judged", () => {
        assert.deepEqual(run(gatewayGrace(false, 901), { ...DEV.app, enabled: false }), []);
    });
});
