import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "../../verify/args";
import { JOB_NAMESPACE, LOCUSTFILE_CONFIG_MAP, LOCUST_IMAGE } from "../../verify/job";
import { COLOR_LABEL, InputError } from "../../verify/run";
import { loadStack, planFor, withHost } from "../../verify/stack";
import { ENTRYPOINT_INGRESS, GATEWAY_NAME, GATEWAY_NAMESPACE } from "../../components/addons/names";
import { BLUE_GREEN, synth } from "../harness";

const args = (...extra: string[]) => parseArgs(["--stack", "dev", ...extra]);
const inputError = (message: RegExp) => (err: Error) => err instanceof InputError && message.test(err.message);

describe("verify reads the stack", () => {
    it("takes the app's namespace and name from Pulumi.<stack>.yaml", () => {
        const plan = planFor(loadStack("dev"), args());
        assert.deepEqual(plan.app, { namespace: "web", name: "web", blueGreen: false });
    });

    it("[#14] runs every phase that applies to the stack by default; dev has an HPA, Istio and Karpenter, no blue/green", () => {
        const plan = planFor(loadStack("dev"), args());
        assert.deepEqual(plan.phases, ["baseline", "rollout-restart", "scale-in", "scale-out", "node-drain", "gateway-restart"]);
        assert.deepEqual(plan.gateway, { namespace: "istio-ingress", name: "istio-ingressgateway" });
        assert.equal(plan.stepUsers, undefined, "sized from the app's measured cost");
        // issue 21.8: the step aims past dev's 60 % HPA target, on at most maxWorkers 10 less the chart's worker and the base Job.
        assert.deepEqual(plan.stepLimits, { targetCpuUtilization: 60, maxPods: 8 });
        assert.equal(planFor(loadStack("dev"), args("--step-users", "400")).stepUsers, 400);
        assert.equal(plan.nodeReplace, false);
        // --phases picks, in the run's own order.
        assert.deepEqual(planFor(loadStack("dev"), args("--phases", "node-drain,baseline", "--node-replace")).phases, [
            "baseline",
            "node-drain",
        ]);
        assert.equal(planFor(loadStack("dev"), args("--phases", "node-drain", "--node-replace")).nodeReplace, true);
    });

    it("[#14] refuses, at once, every named phase the stack cannot run and --node-replace without Karpenter", () => {
        const dev = loadStack("dev");
        const bare = {
            ...dev,
            app: { ...dev.app, autoscaling: { ...dev.app.autoscaling, enabled: false } },
            addons: {
                ...dev.addons,
                istio: { ...dev.addons.istio, enabled: false },
                karpenter: { ...dev.addons.karpenter, enabled: false },
            },
        };
        assert.deepEqual(planFor(bare, args()).phases, ["baseline", "rollout-restart", "scale-in", "node-drain"]);
        assert.equal(planFor(bare, args()).gateway, undefined);
        assert.throws(
            () => planFor(bare, args("--phases", "scale-out,gateway-restart,blue-green,node-drain", "--node-replace")),
            inputError(
                /^stack dev: scale-out needs zero-downtime-eks:app\.autoscaling\.enabled; gateway-restart needs zero-downtime-eks:addons\.istio\.enabled; blue-green needs zero-downtime-eks:app\.blueGreen\.enabled; --node-replace needs zero-downtime-eks:addons\.karpenter\.enabled: without Karpenter nothing replaces the node$/,
            ),
        );
        // issue 21.8: said before anything starts: a stack whose Locust budget leaves no pod for the step.
        const oneWorker = { ...dev, addons: { ...dev.addons, locust: { ...dev.addons.locust, maxWorkers: 2 } } };
        assert.throws(
            () => planFor(oneWorker, args()),
            inputError(
                /^stack dev: scale-out needs a Locust pod for its load step, and zero-downtime-eks:addons\.locust\.maxWorkers 2 leaves none \(the chart's own worker and the base load's Job take 2\); raise it or leave scale-out out of --phases$/,
            ),
        );
        assert.deepEqual(planFor(oneWorker, args("--phases", "baseline")).phases, ["baseline"]);
    });

    it("loads the app through the ALB by default, not addons.locust.targetHost: the Istio entrypoint's Ingress, or the app's own; --host overrides", () => {
        const dev = loadStack("dev");
        assert.equal(dev.addons.istio.enabled, true);
        assert.deepEqual(planFor(dev, args()).target, { ingress: { namespace: GATEWAY_NAMESPACE, name: "platform-entrypoint" } });
        const noIstio = { ...dev, addons: { ...dev.addons, istio: { ...dev.addons.istio, enabled: false } } };
        assert.deepEqual(planFor(noIstio, args()).target, { ingress: { namespace: "web", name: "web" } });
        const given = planFor(dev, args("--host", "http://web.web.svc.cluster.local"));
        assert.deepEqual(given.target, { host: "http://web.web.svc.cluster.local" });
        assert.equal(withHost(given, "http://web.web.svc.cluster.local").load.host, "http://web.web.svc.cluster.local");
        assert.ok(!("target" in withHost(given, "http://x")));
    });

    it("follows the stack's own app settings", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zde-verify-stack-"));
        const stackFile = fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.dev.yaml"), "utf8");
        const write = (stack: string, lines: string[]) =>
            fs.writeFileSync(
                path.join(dir, `Pulumi.${stack}.yaml`),
                `${stackFile}\n${lines.join("\n")}\n    zero-downtime-eks:environment: dev\n`,
            );
        const app = ["    zero-downtime-eks:app:", "        name: shop", "        namespace: retail"];
        // Two colors double the app's pods; smaller ones keep them within dev's three nodes.
        write("custom", [
            ...app,
            "        resources:",
            "            cpuMillicores: 100",
            "        blueGreen:",
            "            enabled: true",
        ]);
        const plan = planFor(loadStack("custom", dir), { ...args(), stack: "custom" });
        assert.deepEqual(plan.app, { namespace: "retail", name: "shop", blueGreen: true });
        assert.deepEqual(plan.phases.at(-1), "blue-green");
        // Without Istio, the app's own Ingress fronts it.
        write("no-mesh", [...app, "    zero-downtime-eks:addons:", "        istio:", "            enabled: false"]);
        const noMesh = planFor(loadStack("no-mesh", dir), { ...args(), stack: "no-mesh" });
        assert.deepEqual(noMesh.target, { ingress: { namespace: "retail", name: "shop" } });
    });

    it("an unknown stack is one clear line naming the known ones", () => {
        assert.throws(() => loadStack("nope"), inputError(/^No stack file Pulumi\.nope\.yaml; known stacks: dev, prod, staging$/));
    });

    it("a --stack-dir that does not exist (or is a file) is one line naming it", () => {
        const missing = path.join(os.tmpdir(), "zde-verify-no-such-dir", "stacks");
        assert.throws(() => loadStack("dev", missing), inputError(/^--stack-dir .*zde-verify-no-such-dir\/stacks is not a directory$/));
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "zde-verify-stack-")), "a-file");
        fs.writeFileSync(file, "");
        assert.throws(() => loadStack("dev", file), inputError(/a-file is not a directory$/));
    });

    it("a broken stack file is one line with every problem", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zde-verify-stack-"));
        fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config:\n  aws:region: nowhere\n  zero-downtime-eks:environment: dev\n");
        assert.throws(
            () => loadStack("bad", dir),
            (err: Error) =>
                err instanceof InputError &&
                !err.message.includes("\n") &&
                /aws:region/.test(err.message) &&
                /publicAccessCidrs/.test(err.message),
        );
    });

    it("refuses a ramp-up longer than half the phase", () => {
        assert.throws(() => planFor(loadStack("dev"), args("--users", "1000", "--duration", "60")), inputError(/raise it to 210/));
    });
});

describe("verify looks for what the stack creates", () => {
    const kinds = {
        deployment: "kubernetes:apps/v1:Deployment",
        hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        service: "kubernetes:core/v1:Service",
        configMap: "kubernetes:core/v1:ConfigMap",
        ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    };
    const named = (resources: { type: string; inputs: any }[], type: string, namespace: string | undefined) =>
        resources.filter((r) => r.type === type && r.inputs.metadata?.namespace === namespace).map((r) => r.inputs);

    it("the Ingress whose ALB fronts the app: the Istio entrypoint with Istio on, the app's own without", async () => {
        const ingresses = (result: { resources: { type: string; inputs: any }[] }) =>
            result.resources.filter((r) => r.type === kinds.ingress).map((r) => `${r.inputs.metadata.namespace}/${r.inputs.metadata.name}`);
        const dev = loadStack("dev");
        assert.deepEqual(ingresses(await synth("dev")), [`${GATEWAY_NAMESPACE}/${ENTRYPOINT_INGRESS}`]);
        assert.deepEqual(planFor(dev, args()).target, { ingress: { namespace: GATEWAY_NAMESPACE, name: ENTRYPOINT_INGRESS } });
        const noIstio = { "zero-downtime-eks:addons": { istio: { enabled: false } } };
        assert.deepEqual(ingresses(await synth("dev", noIstio)), ["web/web"]);
    });

    it("[#14] the ingress gateway the gateway-restart phase restarts: Deployment, HPA and Service named by the chart's `name`, in a namespace with readiness gates", async () => {
        const result = await synth("dev");
        const gateway = result.resources.find(
            (r) => r.type === "kubernetes:helm.sh/v3:Release" && (r.inputs.values as any)?.name === GATEWAY_NAME,
        );
        assert.ok(gateway, "no gateway release");
        assert.equal(gateway.inputs.namespace, GATEWAY_NAMESPACE);
        assert.equal((gateway.inputs.values as any).autoscaling.enabled, true);
        assert.deepEqual(planFor(loadStack("dev"), args()).gateway, { namespace: GATEWAY_NAMESPACE, name: GATEWAY_NAME });
        const [ns] = named(result.resources, "kubernetes:core/v1:Namespace", undefined).filter(
            (i) => i.metadata.name === GATEWAY_NAMESPACE,
        );
        assert.equal(ns?.metadata.labels["elbv2.k8s.aws/pod-readiness-gate-inject"], "enabled");
    });

    it("the locustfile ConfigMap the Job mounts, with the key its command runs", async () => {
        const result = await synth("dev");
        const cm = named(result.resources, kinds.configMap, JOB_NAMESPACE).find((i) => i.metadata.name === LOCUSTFILE_CONFIG_MAP.name);
        assert.ok(cm, `no ConfigMap ${JOB_NAMESPACE}/${LOCUSTFILE_CONFIG_MAP.name}`);
        assert.ok(LOCUSTFILE_CONFIG_MAP.key in cm.data);
    });

    it("the Jobs run the image the addon's chart runs", async () => {
        const chart = (await synth("dev")).resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === "locust");
        const image = (chart?.inputs.values as any).image;
        assert.equal(LOCUST_IMAGE, `${image.repository}:${image.tag}`);
    });

    it("one Deployment and its HPA named after the app, or one per color with the Service selecting a color", async () => {
        const single = await synth("dev");
        assert.deepEqual(
            named(single.resources, kinds.deployment, "web").map((i) => i.metadata.name),
            ["web"],
        );
        assert.deepEqual(
            named(single.resources, kinds.hpa, "web").map((i) => i.spec.scaleTargetRef.name),
            ["web"],
        );
        assert.deepEqual(
            named(single.resources, kinds.hpa, "web").map((i) => i.metadata.name),
            ["web"],
        );

        const bg = await synth("dev", BLUE_GREEN);
        assert.deepEqual(
            named(bg.resources, kinds.deployment, "web")
                .map((i) => i.metadata.name)
                .sort(),
            ["web-blue", "web-green"],
        );
        assert.deepEqual(
            named(bg.resources, kinds.hpa, "web")
                .map((i) => i.metadata.name)
                .sort(),
            ["web-blue", "web-green"],
        );
        const [service] = named(bg.resources, kinds.service, "web");
        assert.equal(service.metadata.name, "web");
        assert.equal(service.spec.selector[COLOR_LABEL], "green");
    });
});
