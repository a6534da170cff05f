import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "../../../tools/verify/args";
import { JOB_NAMESPACE, LOCUSTFILE_CONFIG_MAP, LOCUST_IMAGE } from "../../../tools/verify/job";
import { COLOR_LABEL, InputError } from "../../../tools/verify/run";
import { loadStack, planFor } from "../../../tools/verify/stack";
import { synth } from "../../harness";

const args = (...extra: string[]) => parseArgs(["--stack", "dev", ...extra]);
const inputError = (message: RegExp) => (err: Error) => err instanceof InputError && message.test(err.message);

describe("verify reads the stack", () => {
    it("takes the app's namespace, name and Locust's target from Pulumi.<stack>.yaml", () => {
        const plan = planFor(loadStack("dev"), args());
        assert.deepEqual(plan.app, { namespace: "web", name: "web", blueGreen: false });
        assert.equal(plan.load.host, "http://web.web.svc.cluster.local");
        assert.deepEqual(plan.phases, ["baseline", "rollout-restart", "scale-in"]);
        assert.equal(planFor(loadStack("dev"), args("--host", "http://alb.example")).load.host, "http://alb.example");
    });

    it("follows the stack's own app settings", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zde-verify-stack-"));
        const stackFile = fs.readFileSync(path.join(__dirname, "..", "..", "..", "Pulumi.dev.yaml"), "utf8");
        const app = [
            "    zero-downtime-eks:app:",
            "        name: shop",
            "        namespace: retail",
            "        blueGreen:",
            "            enabled: true",
        ];
        fs.writeFileSync(path.join(dir, "Pulumi.custom.yaml"), `${stackFile}\n${app.join("\n")}\n    zero-downtime-eks:environment: dev\n`);
        const plan = planFor(loadStack("custom", dir), { ...args("--blue-green"), stack: "custom" });
        assert.deepEqual(plan.app, { namespace: "retail", name: "shop", blueGreen: true });
        assert.equal(plan.load.host, "http://shop.retail.svc.cluster.local");
        assert.deepEqual(plan.phases.at(-1), "blue-green");
    });

    it("an unknown stack is one clear line naming the known ones", () => {
        assert.throws(() => loadStack("nope"), inputError(/^No stack file Pulumi\.nope\.yaml; known stacks: dev, prod, staging$/));
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

    it("refuses --blue-green on a stack without blue/green, and a ramp-up longer than half the phase", () => {
        assert.throws(
            () => planFor(loadStack("dev"), args("--blue-green")),
            inputError(/--blue-green needs zero-downtime-eks:app\.blueGreen\.enabled/),
        );
        assert.throws(() => planFor(loadStack("dev"), args("--users", "1000", "--duration", "60")), inputError(/raise it to 210/));
    });
});

describe("verify looks for what the stack creates", () => {
    const kinds = {
        deployment: "kubernetes:apps/v1:Deployment",
        hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        service: "kubernetes:core/v1:Service",
        configMap: "kubernetes:core/v1:ConfigMap",
    };
    const named = (resources: { type: string; inputs: any }[], type: string, namespace: string) =>
        resources.filter((r) => r.type === type && r.inputs.metadata?.namespace === namespace).map((r) => r.inputs);

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

        const bg = await synth("dev", { "zero-downtime-eks:app": { blueGreen: { enabled: true, activeColor: "green" } } });
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
