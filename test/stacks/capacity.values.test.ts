// The capacity model's exact values: which pods each addon adds (names, replicas, requests,
// sources), what each addon's switch changes, and the surge and node counts at their boundaries.
// Pure modules only (no stacks/index.ts): `npm run mutate` runs these per mutant.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { PROJECT, parseSettings, type AddonsSettings, type AppSettings, type ClusterSettings } from "../../stacks/settings";
import { firstScaleOutNeed, rolloutNeed, rolloutSurge, sizedSurge, stackCapacity, stackPods } from "../../stacks/capacity";

// The dev stack's settings (every addon on), read as a user's stack would be.
const DEV = parseSettings({
    project: PROJECT,
    stack: "dev",
    config: { "aws:region": "ap-northeast-2", [`${PROJECT}:cluster`]: JSON.stringify({ publicAccessCidrs: ["0.0.0.0/0"] }) },
    today: "2026-12-01",
});

// The sidecar's requests: istio/istio manifests/charts/istio-control/istio-discovery/values.yaml
// global.proxy.resources.requests (1.30.3: cpu 100m, memory 128Mi).
const SIDECAR = { cpu: 100, mem: 128 };
const SIDECAR_NOTE = " + sidecar (istio/istio istio-discovery values.yaml global.proxy.resources.requests (1.30))";

type Row = [name: string, replicas: number, cpuMillicores: number, memoryMiB: number];
const rows = (groups: { name: string; replicas: number; requests: { cpuMillicores: number; memoryMiB: number } }[]): Row[] =>
    groups.map((g) => [g.name, g.replicas, g.requests.cpuMillicores, g.requests.memoryMiB]);

// Each workload with the figures its upstream file sets.
const CORE: Row[] = [["kube-system/coredns", 2, 100, 70]]; // eksctl coredns-1.36.json: 100m / 70Mi; EKS runs two
const LBC: Row[] = [["kube-system/aws-load-balancer-controller", 2, 100, 200]]; // controller.yaml v3.5.0: 100m / 200Mi; dev's replicas 2
const METRICS: Row[] = [["kube-system/metrics-server", 2, 100, 200]]; // metrics-server values.yaml 3.13.1 resources.requests
const KARPENTER: Row[] = [["kube-system/karpenter", 2, 1000, 1024]]; // karpenter values.yaml 1.14.1: replicas 2, 1 CPU / 1Gi
const ISTIO: Row[] = [
    ["istio-system/istiod", 2, 500, 2048], // istiod values.yaml 1.30.3 pilot resources.requests
    ["istio-ingress/istio-ingressgateway", 2, 100, 128], // gateway values.yaml 1.30.3 resources.requests
];
const OBSERVABILITY: Row[] = [
    ["istio-system/prometheus", 1, 200, 512], // ours: Istio's samples set none
    ["istio-system/grafana", 1, 100, 128], // ours: Istio's samples set none
    ["istio-system/kiali", 1, 10, 64], // istio samples/addons/kiali.yaml 1.30.3
];
// Locust's chart sets no requests (deliveryhero locust 0.35.0 values.yaml): master 200m/256Mi and worker 500m/256Mi are ours.
const locust = (mesh: boolean): Row[] => [
    ["locust/locust-master", 1, 200 + (mesh ? SIDECAR.cpu : 0), 256 + (mesh ? SIDECAR.mem : 0)],
    ["locust/locust-worker", 1, 500 + (mesh ? SIDECAR.cpu : 0), 256 + (mesh ? SIDECAR.mem : 0)],
];
// The app: dev's 4 replicas of 250m / 128Mi (stacks/defaults), plus the sidecar when meshed.
const webRow = (name: string, mesh: boolean): Row => [name, 4, 250 + (mesh ? SIDECAR.cpu : 0), 128 + (mesh ? SIDECAR.mem : 0)];

const off = { enabled: false };
const withAddons = (changes: Partial<AddonsSettings>): AddonsSettings => ({ ...DEV.addons, ...changes });

describe("stack pods: each addon's pods", () => {
    it("dev with every addon on: every workload, its replicas and requests, in order", () => {
        const { pods, daemonSets } = stackPods(DEV.cluster, DEV.addons, DEV.app, DEV.app.replicas);
        assert.deepEqual(rows(pods), [
            ...CORE,
            ...LBC,
            ...METRICS,
            ...KARPENTER,
            ...ISTIO,
            ...OBSERVABILITY,
            ...locust(true),
            webRow("web/web", true),
        ]);
        // kube-proxy 100m (eksctl default manifest) and aws-node 25m + nodeagent 25m (aws-k8s-cni.yaml v1.23.1), on each of 3 nodes.
        assert.deepEqual(rows(daemonSets), [
            ["kube-system/kube-proxy", 3, 100, 0],
            ["kube-system/aws-node", 3, 50, 0],
        ]);
    });

    it("meshed pods name the sidecar's source; without the mesh they carry none", () => {
        const meshed = stackPods(DEV.cluster, DEV.addons, DEV.app, 1).pods;
        const bare = stackPods(DEV.cluster, withAddons({ istio: { ...DEV.addons.istio, enabled: false } }), DEV.app, 1).pods;
        const sourceOf = (pods: typeof meshed, name: string) => pods.find((p) => p.name === name)?.source;
        assert.equal(sourceOf(meshed, "web/web"), `app.resources${SIDECAR_NOTE}`);
        assert.equal(sourceOf(bare, "web/web"), "app.resources");
        assert.equal(
            sourceOf(meshed, "locust/locust-worker"),
            `zero-downtime-eks (the chart's values.yaml sets no requests)${SIDECAR_NOTE}`,
        );
        assert.equal(sourceOf(bare, "locust/locust-master"), "zero-downtime-eks (the chart's values.yaml sets no requests)");
    });

    // Each switch off removes exactly its workloads (and, for Istio, the sidecar from every meshed pod).
    const SWITCHES: { addon: string; addons: AddonsSettings; app?: AppSettings; expected: Row[] }[] = [
        {
            addon: "loadBalancerController",
            addons: withAddons({ loadBalancerController: { ...DEV.addons.loadBalancerController, enabled: false } }),
            expected: [...CORE, ...METRICS, ...KARPENTER, ...ISTIO, ...OBSERVABILITY, ...locust(true), webRow("web/web", true)],
        },
        {
            addon: "metricsServer",
            addons: withAddons({ metricsServer: off }),
            expected: [...CORE, ...LBC, ...KARPENTER, ...ISTIO, ...OBSERVABILITY, ...locust(true), webRow("web/web", true)],
        },
        {
            addon: "karpenter",
            addons: withAddons({ karpenter: { ...DEV.addons.karpenter, enabled: false } }),
            expected: [...CORE, ...LBC, ...METRICS, ...ISTIO, ...OBSERVABILITY, ...locust(true), webRow("web/web", true)],
        },
        {
            addon: "istio",
            addons: withAddons({ istio: { ...DEV.addons.istio, enabled: false } }),
            expected: [...CORE, ...LBC, ...METRICS, ...KARPENTER, ...OBSERVABILITY, ...locust(false), webRow("web/web", false)],
        },
        {
            addon: "observability",
            addons: withAddons({ observability: off }),
            expected: [...CORE, ...LBC, ...METRICS, ...KARPENTER, ...ISTIO, ...locust(true), webRow("web/web", true)],
        },
        {
            addon: "locust",
            addons: withAddons({ locust: { ...DEV.addons.locust, enabled: false } }),
            expected: [...CORE, ...LBC, ...METRICS, ...KARPENTER, ...ISTIO, ...OBSERVABILITY, webRow("web/web", true)],
        },
        {
            addon: "app",
            addons: DEV.addons,
            app: { ...DEV.app, enabled: false },
            expected: [...CORE, ...LBC, ...METRICS, ...KARPENTER, ...ISTIO, ...OBSERVABILITY, ...locust(true)],
        },
        {
            addon: "app.blueGreen (on: one Deployment per color)",
            addons: DEV.addons,
            app: { ...DEV.app, blueGreen: { ...DEV.app.blueGreen, enabled: true } },
            expected: [
                ...CORE,
                ...LBC,
                ...METRICS,
                ...KARPENTER,
                ...ISTIO,
                ...OBSERVABILITY,
                ...locust(true),
                webRow("web/web-blue", true),
                webRow("web/web-green", true),
            ],
        },
    ];
    for (const s of SWITCHES) {
        it(`${s.addon} switched: exactly its pods change`, () => {
            assert.deepEqual(rows(stackPods(DEV.cluster, s.addons, s.app ?? DEV.app, DEV.app.replicas).pods), s.expected);
        });
    }
});

// A bare stack on m5.large: only CoreDNS and the app, so every figure below is hand-checkable.
// m5.large allocatable (rules/capacity.ts allocatable(), EKS AMI formula): 2000m − 70m = 1930m CPU;
// DaemonSets take 150m per node, so 1780m is free per node; CoreDNS takes 2 × 100m.
const BARE_ADDONS: AddonsSettings = {
    ...DEV.addons,
    loadBalancerController: { ...DEV.addons.loadBalancerController, enabled: false },
    metricsServer: off,
    istio: { ...DEV.addons.istio, enabled: false },
    locust: { ...DEV.addons.locust, enabled: false },
    karpenter: { ...DEV.addons.karpenter, enabled: false },
    observability: off,
};
const ONE_NODE: ClusterSettings = { ...DEV.cluster, desiredSize: 1 };
const bareApp = (replicas: number, cpuMillicores: number, maxSurge: number | string = 4): AppSettings => ({
    ...DEV.app,
    replicas,
    resources: { ...DEV.app.resources, cpuMillicores },
    rollout: { ...DEV.app.rollout, maxSurge },
    autoscaling: { ...DEV.app.autoscaling, enabled: false },
});

describe("stack capacity: node counts and the HPA's extra pods", () => {
    it("the HPA maximum adds maxReplicas − replicas pods (dev on the node group: 4 → 12 adds 8)", () => {
        const addons = withAddons({ karpenter: { ...DEV.addons.karpenter, enabled: false } });
        const c = stackCapacity(DEV.cluster, addons, DEV.app);
        assert.equal(c.atPeak.requested.pods - c.atMinimum.requested.pods, 12 - 4);
    });

    it("nodesNeeded: the fewest nodes that hold the pods, two past desiredSize", () => {
        // 1580m free on one node after CoreDNS; 1780m on each further node. 4 × 890m: two per node from the second.
        const c = stackCapacity(ONE_NODE, BARE_ADDONS, bareApp(4, 890));
        assert.equal(c.atMinimum.fits, false);
        assert.equal(c.nodesNeeded, 3);
    });

    it("nodesNeeded: exactly at the EKS limit of 450 nodes is found", () => {
        // 449 app pods of 1780m fill a node each; CoreDNS takes the 450th.
        const c = stackCapacity({ ...DEV.cluster, desiredSize: 449 }, BARE_ADDONS, bareApp(449, 1780));
        assert.equal(c.atMinimum.fits, false);
        assert.equal(c.nodesNeeded, 450);
    });

    it("nodesNeeded: undefined when a pod fits no node at all", () => {
        const c = stackCapacity(ONE_NODE, BARE_ADDONS, bareApp(1, 1781));
        assert.equal(c.nodesNeeded, undefined);
    });
});

describe("Karpenter's NodePool", () => {
    const karpenterOn = (changes: Partial<AddonsSettings["karpenter"]>): AddonsSettings => ({
        ...BARE_ADDONS,
        karpenter: { ...DEV.addons.karpenter, enabled: true, ...changes },
    });

    it("no workloads on it: zero nodes at minimum and peak, a derived limit of one", () => {
        const pool = stackCapacity(ONE_NODE, karpenterOn({}), { ...DEV.app, enabled: false }).nodePool;
        assert.deepEqual(pool && { min: pool.nodesAtMinimum, peak: pool.nodesAtPeak, max: pool.maxNodes, derived: pool.derived }, {
            min: 0,
            peak: 0,
            max: 1,
            derived: true,
        });
    });

    it("counts nodes of the smallest listed type and sizes the limit by the largest, whatever the order", () => {
        // m5.xlarge: 4 vCPU, 16384 MiB; m5.large: 2 vCPU, 8192 MiB (EC2 DescribeInstanceTypes).
        const pool = stackCapacity(ONE_NODE, karpenterOn({ instanceTypes: ["m5.xlarge", "m5.large"] }), bareApp(2, 100)).nodePool;
        assert.equal(pool?.instanceType, "m5.large");
        assert.deepEqual(pool?.nodeSize, { cpuMillicores: 4000, memoryMiB: 16384 });
        assert.equal(pool?.derived, true);
    });

    it("an instance type outside the model: no node count, a zero node size, no crash", () => {
        const pool = stackCapacity(ONE_NODE, karpenterOn({ instanceTypes: ["x9.nothing"] }), bareApp(2, 100)).nodePool;
        assert.equal(pool?.nodesAtPeak, undefined);
        assert.deepEqual(pool?.nodeSize, { cpuMillicores: 0, memoryMiB: 0 });
        const mixed = stackCapacity(ONE_NODE, karpenterOn({ instanceTypes: ["m5.large", "x9.nothing"] }), bareApp(2, 100)).nodePool;
        assert.deepEqual(mixed?.nodeSize, { cpuMillicores: 2000, memoryMiB: 8192 });
        // The other order: the sort compares the unknown type from either side.
        const reversed = stackCapacity(ONE_NODE, karpenterOn({ instanceTypes: ["x9.nothing", "m5.large"] }), bareApp(2, 100)).nodePool;
        assert.deepEqual(reversed?.nodeSize, { cpuMillicores: 2000, memoryMiB: 8192 });
    });

    it("a NodePool of exactly 450 nodes, the EKS limit, is found", () => {
        // 449 pods of 1780m fill a NodePool node each; the rollout's surge of 1 adds the 450th at the peak.
        const pool = stackCapacity(ONE_NODE, karpenterOn({}), bareApp(449, 1780, 1)).nodePool;
        assert.equal(pool?.nodesAtMinimum, 449);
        assert.equal(pool?.nodesAtPeak, 450);
    });

    // 1780m free per NodePool node: the app at 2 × 300m takes one node; a step of 3 more (1500m)
    // still fits it, a step of 4 (1800m) needs a second node.
    const NEEDS: { case: string; surge: number; expected: string }[] = [
        { case: "exactly filling the nodes at minimum: room", surge: 3, expected: "room" },
        { case: "one pod past them: Karpenter launches a node", surge: 4, expected: "launch" },
    ];
    for (const n of NEEDS) {
        it(`rollout on the NodePool, ${n.case}`, () => {
            assert.equal(rolloutNeed(ONE_NODE, karpenterOn({}), bareApp(2, 300, n.surge)), n.expected);
        });
    }

    it("the default surge where Karpenter adds nodes: the stack's own, unresolved", () => {
        assert.equal(sizedSurge(ONE_NODE, karpenterOn({}), bareApp(2, 300, "25%")), "25%");
    });
});

describe("surge and scale-out on a node group that nothing grows", () => {
    it("maxSurge as a percentage rounds up, as the Deployment controller does", () => {
        assert.equal(rolloutSurge(bareApp(5, 100, "25%"), 5), 2);
    });

    // One node: 1580m free after CoreDNS. The app at 2 × 300m leaves 980m: three more pods fit, four do not.
    const SIZED: { case: string; app: AppSettings; expected: number | string }[] = [
        { case: "the largest surge up to maxSurge that fits", app: bareApp(2, 300, 4), expected: 3 },
        { case: "the stack's surge when it fits", app: bareApp(2, 300, 3), expected: 3 },
        { case: "at least 1 when no extra pod fits", app: bareApp(5, 300, 4), expected: 1 },
        { case: "the stack's own when the app is off", app: { ...bareApp(2, 300, "25%"), enabled: false }, expected: "25%" },
    ];
    for (const s of SIZED) {
        it(`sized surge: ${s.case}`, () => {
            assert.equal(sizedSurge(ONE_NODE, BARE_ADDONS, s.app), s.expected);
        });
    }

    it("the first scale-out step adds max(replicas, 4) pods: 2 replicas still step by 4", () => {
        // 2 × 300m leaves 980m: two more would fit, four (1200m) do not.
        assert.equal(firstScaleOutNeed(ONE_NODE, BARE_ADDONS, bareApp(2, 300)), "never");
        // 2 × 245m leaves 1090m: four more (980m) fit.
        assert.equal(firstScaleOutNeed(ONE_NODE, BARE_ADDONS, bareApp(2, 245)), "room");
    });
});
