// The order model plays the deploy: every create's preconditions (its namespace, its CRD, the webhook
// that admits it) exist by then in the dependency graph, or the synth fails naming both resources.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { DeployModelError, PROJECT_DIR, RecordedResource, SynthResult, readStackConfig } from "../../synth/engine";
import { checkOrder, isBuiltinKubernetesType, orderNodes, preconditions } from "../../synth/order";
import { waitGraph } from "../../rules/order";
import { ISTIO_NAMESPACE } from "../../components/addons/names";
import { RELEASE, STACKS, cachedSynthesize, release, synth } from "../harness";

const FIXTURE = path.join(__dirname, "..", "fixtures", "order-program");
const fixture = (config: Record<string, string>) => cachedSynthesize({ stack: "dev", projectDir: FIXTURE, config });

/** The resources of `result` in namespace `ns` (Kubernetes objects and Helm releases). */
function inNamespace(result: SynthResult, ns: string): RecordedResource[] {
    return result.resources.filter(
        (r) =>
            r.type.startsWith("kubernetes:") &&
            (r.type === RELEASE ? r.inputs.namespace : (r.inputs.metadata as { namespace?: string } | undefined)?.namespace) === ns,
    );
}

describe("issue 22.1: the first `up` of dev and staging", () => {
    for (const stack of STACKS.filter((s) => s !== "prod")) {
        it(`issue 22.1 (${stack}): everything in istio-system, Grafana's dashboard ConfigMaps included, waits for the release that creates it`, async () => {
            const result = await synth(stack);
            const base = release(result, "istio-base");
            assert.equal(base.inputs.createNamespace, true);
            const waitsFor = waitGraph(orderNodes(result.resources));
            const configMaps = inNamespace(result, ISTIO_NAMESPACE).filter((r) => r.type === "kubernetes:core/v1:ConfigMap");
            assert.equal(configMaps.length, 2, "gen.sh's two dashboard ConfigMaps");
            for (const r of inNamespace(result, ISTIO_NAMESPACE).filter((x) => x.name !== base.name)) {
                assert.ok(waitsFor(r.name, base.name), `${r.name} is created before ${ISTIO_NAMESPACE} exists`);
            }
        });
    }

    it("issue 22.1: the model catches it — without the edge, the ConfigMap's missing namespace is a violation naming both resources", async () => {
        const resources = structuredClone((await synth("dev")).resources);
        const dashboards = resources.find((r) => r.name === "dev-observability-istio-grafana-dashboards");
        assert.ok(dashboards);
        dashboards.dependsOn = [];
        const v = checkOrder(resources);
        assert.equal(v.length, 1, JSON.stringify(v));
        assert.equal(v[0].rule, "precondition-order");
        assert.match(v[0].message, /dev-observability-istio-grafana-dashboards needs namespace istio-system, which dev-istio-base creates/);
    });
});

describe("the order model in the engine", () => {
    it("a program whose creates wait for their namespace and CRD synthesizes", async () => {
        const result = await fixture({});
        assert.ok(result.resources.some((r) => r.name === "team-settings"));
    });

    it("a missing edge is a synth error naming both resources: a ConfigMap racing its namespace, a custom resource racing its CRD's release", async () => {
        await assert.rejects(fixture({ "order-fixture:wait": "false" }), (err: unknown) => {
            assert.ok(err instanceof DeployModelError, String(err));
            assert.match(err.message, /team-settings needs namespace team, which team-ns creates, but does not wait for it/);
            assert.match(
                err.message,
                /team-mtls needs the CRD PeerAuthentication\.security\.istio\.io, which mesh-base creates, but does not wait for it/,
            );
            assert.equal(err.violations.length, 2);
            return true;
        });
    });

    it("a custom resource whose CRD nothing installs is named", async () => {
        await assert.rejects(
            fixture({ "order-fixture:crd": "false" }),
            /team-mtls needs the CRD PeerAuthentication\.security\.istio\.io, and nothing in the program creates it/,
        );
    });
});

describe("the order model: where each precondition comes from", () => {
    it("CRDs come from the chart that ships them: Istio's from base (its files/crd-all.gen.yaml), Karpenter's from karpenter-crd", async () => {
        const result = await synth("dev");
        const needs = preconditions(result.resources);
        const crdOf = (resource: string) => needs.find((n) => n.resource === resource && n.need.startsWith("the CRD"));
        assert.deepEqual(crdOf("dev-istio-mtls")?.providers, ["dev-istio-base"]);
        assert.deepEqual(crdOf("dev-app-route")?.providers, ["dev-istio-base"]);
        assert.deepEqual(crdOf("dev-karpenter-node-pool")?.providers, ["dev-karpenter-crds"]);
        // The controller's chart skips its crds/ (skipCrds): it provides none.
        assert.ok(!needs.some((n) => n.providers.includes("dev-karpenter-controller")));
    });

    it("namespaces Kubernetes creates need nobody; a release with createNamespace makes its own", async () => {
        const result = await synth("dev");
        const needs = preconditions(result.resources);
        assert.ok(!needs.some((n) => n.need === "namespace kube-system"));
        assert.ok(!needs.some((n) => n.resource === "dev-istio-base"));
        assert.deepEqual(needs.find((n) => n.resource === "dev-istio-istiod")?.providers, ["dev-istio-base"]);
    });

    for (const [type, builtin] of [
        ["kubernetes:apps/v1:Deployment", true],
        ["kubernetes:apps/v1:DeploymentPatch", true],
        ["kubernetes:networking.k8s.io/v1:Ingress", true],
        ["kubernetes:helm.sh/v3:Release", true],
        ["kubernetes:networking.istio.io/v1:VirtualService", false],
        ["kubernetes:karpenter.sh/v1:NodePool", false],
        ["kubernetes:gateway.networking.k8s.io/v1:Gateway", false],
    ] as const) {
        it(`${type} is ${builtin ? "built in (@pulumi/kubernetes has its class)" : "a custom resource (needs its CRD)"}`, () => {
            assert.equal(isBuiltinKubernetesType(type), builtin);
        });
    }

    it("a webhook's serving release: Locust's pods in an injected namespace without istiod is a violation naming both", async () => {
        const resources = structuredClone((await synth("dev")).resources);
        const locust = release({ ...(await synth("dev")), resources }, "locust");
        locust.dependsOn = locust.dependsOn.filter((d) => d.startsWith("dev-locust-"));
        const v = checkOrder(resources);
        assert.deepEqual(
            v.map((x) => x.rule),
            ["webhook-before-objects"],
        );
        assert.match(v[0].message, /dev-locust-chart creates Pod objects in locust without waiting for dev-istio-istiod/);
    });
});

describe("the order model across stacks: a team's program on the platform", () => {
    const PROJECT = path.join(PROJECT_DIR, "examples", "team-service");
    const PLATFORM_STACK = "organization/zero-downtime-eks/dev";

    it("without the platform's resources, the team's Istio objects have no CRD anyone is known to create: named, with what to pass", async () => {
        const platform = await synth("dev");
        await assert.rejects(
            cachedSynthesize({
                stack: "dev",
                projectDir: PROJECT,
                config: readStackConfig("dev", PROJECT, PROJECT),
                references: { [PLATFORM_STACK]: platform.outputs },
            }),
            /orders-route needs the CRD VirtualService\.networking\.istio\.io, and nothing in the program creates it \(the program reads organization\/zero-downtime-eks\/dev, whose resources were not given/,
        );
    });
});
