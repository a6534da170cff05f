import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { RELEASE, synth } from "../../harness";

const ADDONS = "zero-downtime-eks:addons";

// Each addon switched off, and what must disappear with it.
const TOGGLES: { off: Record<string, unknown>; gone: string[]; types: string[]; outputs: string[]; prefixes?: string[] }[] = [
    {
        off: { istio: { enabled: false }, loadBalancerController: { enabled: false } },
        gone: ["aws-load-balancer-controller", "istio-base", "istiod", "istio-ingressgateway"],
        types: ["zero-downtime-eks:addons:LoadBalancerController", "zero-downtime-eks:addons:Istio"],
        // The controller's IAM role and policy go with it.
        prefixes: ["dev-lbc-"],
        outputs: ["loadBalancerControllerRoleArn", "istioVersion", "ingressGatewayService"],
    },
    {
        off: { metricsServer: { enabled: false } },
        gone: ["metrics-server"],
        types: ["zero-downtime-eks:addons:MetricsServer"],
        outputs: [],
    },
    {
        off: { istio: { enabled: false } },
        gone: ["istio-base", "istiod", "istio-ingressgateway"],
        types: ["zero-downtime-eks:addons:Istio", "kubernetes:security.istio.io/v1:PeerAuthentication"],
        outputs: ["istioVersion", "ingressGatewayService"],
    },
    { off: { locust: { enabled: false } }, gone: ["locust"], types: ["zero-downtime-eks:addons:Locust"], outputs: ["locustUiCommand"] },
    {
        off: { observability: { enabled: false } },
        gone: ["prometheus", "grafana", "kiali"],
        types: ["zero-downtime-eks:addons:MeshObservability"],
        outputs: ["observabilityCommands"],
        prefixes: ["dev-observability-"],
    },
    {
        off: { karpenter: { enabled: false } },
        gone: ["karpenter", "karpenter-crd"],
        types: [
            "zero-downtime-eks:addons:Karpenter",
            "kubernetes:karpenter.sh/v1:NodePool",
            "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
        ],
        outputs: ["nodePoolName", "karpenterNodeRoleArn"],
        // Its IAM roles and policies, the queue and the EventBridge rules go with it.
        prefixes: ["dev-karpenter-"],
    },
];

describe("addon toggles", () => {
    it("by default every addon is installed and every addon output set", async () => {
        const result = await synth("dev");
        const releases = result.resources.filter((r) => r.type === RELEASE).map((r) => r.inputs.name);
        for (const t of TOGGLES) {
            for (const name of t.gone) {
                assert.ok(releases.includes(name), `${name} missing by default`);
            }
            for (const output of t.outputs) {
                assert.ok(result.outputs[output] !== undefined, `${output} missing by default`);
            }
        }
    });

    for (const t of TOGGLES) {
        it(`switching off ${Object.keys(t.off).join(" + ")} removes ${t.gone.join(", ")}`, async () => {
            // The app and the teams need the controller; they are switched off with it.
            const app =
                "loadBalancerController" in t.off ? { "zero-downtime-eks:app": { enabled: false }, "zero-downtime-eks:teams": {} } : {};
            const result = await synth("dev", { [ADDONS]: t.off, ...app });
            const releases = result.resources.filter((r) => r.type === RELEASE).map((r) => r.inputs.name);
            for (const name of t.gone) {
                assert.ok(!releases.includes(name), `${name} still installed`);
            }
            for (const prefix of t.prefixes ?? []) {
                assert.deepEqual(
                    result.resources.filter((r) => r.name.startsWith(prefix)).map((r) => r.name),
                    [],
                    `${prefix}* still registered`,
                );
            }
            for (const type of t.types) {
                assert.ok(!result.resources.some((r) => r.type === type), `${type} still registered`);
            }
            for (const output of t.outputs) {
                assert.equal(result.outputs[output], undefined, `${output} still exported`);
            }
            assert.ok(releases.length > 0 || Object.keys(t.off).length > 1, "other addons stay");
        });
    }

    it("Istio without the controller is refused, naming both keys", async () => {
        await assert.rejects(synth("dev", { [ADDONS]: { loadBalancerController: { enabled: false } } }), (err: Error) => {
            assert.match(err.message, /zero-downtime-eks:addons\.istio\.enabled/);
            assert.match(err.message, /zero-downtime-eks:addons\.loadBalancerController\.enabled/);
            return true;
        });
    });
});
