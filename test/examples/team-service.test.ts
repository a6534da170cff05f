// The consumer stack (examples/team-service): a team's program on the platform, synthesized offline
// against the platform's own synthesized outputs, as `npm run synth -- --project … --reference …` does.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR, SECRET, readStackConfig } from "../../synth/engine";
import { main } from "../../synth/cli";
import { cachedSynthesize, only, runMain, synth } from "../harness";

const PROJECT = path.join(PROJECT_DIR, "examples", "team-service");
const PLATFORM_STACK = "organization/zero-downtime-eks/dev";
const NO_ISTIO = { "zero-downtime-eks:addons": { istio: { enabled: false } } };

async function consumer(platformOverrides: Record<string, unknown> = {}, edit?: (outputs: Record<string, unknown>) => void) {
    const platform = await synth("dev", platformOverrides);
    const outputs = structuredClone(platform.outputs);
    edit?.(outputs);
    return cachedSynthesize({
        stack: "dev",
        projectDir: PROJECT,
        config: readStackConfig("dev", PROJECT, PROJECT),
        references: { [PLATFORM_STACK]: outputs },
        // The platform's Istio CRDs exist before the team's VirtualService (the order model).
        referencedResources: { [PLATFORM_STACK]: platform.resources },
    });
}

describe("the consumer stack (examples/team-service)", () => {
    it("deploys its service through the shared gateway, on the NodePool, with its own IRSA role, on the platform's cluster", async () => {
        const result = await consumer();
        const deployment = only(result, "kubernetes:apps/v1:Deployment").inputs as any;
        assert.deepEqual(deployment.spec.template.spec.nodeSelector, { "karpenter.sh/nodepool": "workloads" });
        // issue 22.8: the NodePool's nodes are tainted; a team's pods tolerate it to run there.
        assert.deepEqual(deployment.spec.template.spec.tolerations, [
            { key: "zero-downtime-eks.io/nodepool", operator: "Equal", value: "workloads", effect: "NoSchedule" },
        ]);
        assert.equal(deployment.spec.template.spec.serviceAccountName, "orders");
        const vs = only(result, "kubernetes:networking.istio.io/v1:VirtualService").inputs as any;
        assert.deepEqual(vs.spec.gateways, ["istio-ingress/platform"]);
        // In the namespace the platform made for the team, at the path it gave the team (its teams output).
        assert.equal(vs.metadata.namespace, "orders");
        assert.deepEqual(vs.spec.hosts, ["*"]);
        assert.deepEqual(vs.spec.http[0].match, [{ uri: { prefix: "/orders/" } }]);
        assert.deepEqual(vs.spec.http[0].rewrite, { uri: "/" });
        assert.ok(!result.resources.some((r) => r.type === "kubernetes:core/v1:Namespace"), "the team creates no namespace");
        // The sidecars' inbound drain from the platform (45 s) is in the pods' proxy config.
        assert.equal(deployment.spec.template.metadata.annotations["proxy.istio.io/config"], '{"drainDuration":"45s"}');
        for (const r of result.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
            assert.equal(r.provider, "platform", `${r.name} is not on the platform's cluster`);
        }
        const trust = JSON.parse(String(only(result, "aws:iam/role:Role").inputs.assumeRolePolicy)).Statement[0];
        const issuer = "oidc.eks.ap-northeast-2.amazonaws.com/id/0B5953D767618BAAB";
        assert.match(trust.Principal.Federated, /:oidc-provider\/oidc\.eks\./);
        assert.deepEqual(trust.Condition.StringEquals, {
            [`${issuer}:aud`]: "sts.amazonaws.com",
            [`${issuer}:sub`]: "system:serviceaccount:orders:orders",
        });
        const sa = only(result, "kubernetes:core/v1:ServiceAccount").inputs as any;
        assert.equal(sa.metadata.annotations["eks.amazonaws.com/role-arn"], result.outputs.roleArn);
        const platform = (await synth("dev")).outputs;
        assert.equal(result.outputs.url, `http://${String(platform.ingressHost)}/orders/`);
    });

    it("on a platform without Istio, the service gets its own ALB (Ingress with readiness gates)", async () => {
        const result = await consumer(NO_ISTIO);
        const ingress = only(result, "kubernetes:networking.k8s.io/v1:Ingress").inputs as any;
        assert.equal(ingress.metadata.annotations["alb.ingress.kubernetes.io/target-type"], "ip");
        assert.ok(!result.resources.some((r) => r.type === "kubernetes:networking.istio.io/v1:VirtualService"));
    });

    it("issue 23.6: without Istio the example's url is its own ALB, never the platform app's", async () => {
        const result = await consumer(NO_ISTIO);
        const platform = (await synth("dev", NO_ISTIO)).outputs;
        const own = (only(result, "kubernetes:networking.k8s.io/v1:Ingress") as any).inputs.metadata.name;
        assert.equal(own, "orders");
        assert.match(String(result.outputs.url), /^http:\/\/k8s-[\w-]+\.ap-northeast-2\.elb\.amazonaws\.com\/$/);
        assert.notEqual(result.outputs.url, `http://${String(platform.ingressHost)}/`);
        assert.notEqual(result.outputs.url, `${String(platform.appUrl)}/`);
    });

    it("issue 23.5: a team without the platform's secrets provider still deploys (Pulumi elides the secret outputs it cannot decrypt, pulumi/pulumi#19533)", async () => {
        // What a StackReference returns to a stack on another passphrase: every secret output left out.
        const result = await consumer({}, (outputs) => {
            for (const [name, value] of Object.entries(outputs)) {
                if (value === SECRET) {
                    delete outputs[name];
                }
            }
        });
        assert.ok(result.resources.some((r) => r.type === "kubernetes:apps/v1:Deployment"));
        assert.equal(
            only(result, "pulumi:providers:kubernetes").inputs.kubeconfig === SECRET,
            false,
            "the kubeconfig reached the provider",
        );
    });

    it("a team the platform does not know is named, with where the platform team adds it", async () => {
        await assert.rejects(
            consumer({}, (outputs) => {
                outputs.teams = { payments: { namespace: "payments" } };
            }),
            /has no team 'orders' \(it has: payments\).*zero-downtime-eks:teams/,
        );
    });

    it("a broken contract fails the consumer's synth naming the missing output (the platform renamed kubernetesVersion)", async () => {
        const outputs = structuredClone((await synth("dev")).outputs);
        outputs.k8sVersion = outputs.kubernetesVersion;
        delete outputs.kubernetesVersion;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zde-contract-"));
        const file = path.join(dir, "outputs.json");
        fs.writeFileSync(file, JSON.stringify(outputs));
        const run = await runMain(() =>
            main(
                ["--project", PROJECT, "--stack", "dev", "--reference", `${PLATFORM_STACK}=${file}`, "--out", path.join(dir, "out")],
                cachedSynthesize,
            ),
        );
        assert.equal(run.status, 1);
        assert.match(run.stderr, /Required output 'kubernetesVersion' does not exist on stack 'organization\/zero-downtime-eks\/dev'/);
    });

    it("a StackReference without outputs given is named, with the flag that supplies them", async () => {
        const run = await runMain(() =>
            main(["--project", PROJECT, "--stack", "dev", "--out", fs.mkdtempSync(path.join(os.tmpdir(), "zde-ref-"))], cachedSynthesize),
        );
        assert.equal(run.status, 1);
        assert.match(
            run.stderr,
            /reads stack organization\/zero-downtime-eks\/dev with a StackReference.*--reference organization\/zero-downtime-eks\/dev=/,
        );
    });

    it("the CLI writes the consumer's resources, manifests, outputs and policy findings (none)", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zde-consumer-"));
        const file = path.join(dir, "outputs.json");
        // As the platform's synth writes them: its outputs, and beside them what it created.
        const platform = await synth("dev");
        fs.writeFileSync(file, JSON.stringify(platform.outputs));
        fs.writeFileSync(path.join(dir, "resources.json"), JSON.stringify(platform.resources));
        const run = await runMain(() =>
            main(
                ["--project", PROJECT, "--stack", "dev", "--reference", `${PLATFORM_STACK}=${file}`, "--out", path.join(dir, "out")],
                cachedSynthesize,
            ),
        );
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(fs.readdirSync(path.join(dir, "out")).sort(), [
            "findings.json",
            "manifests.yaml",
            "outputs.json",
            "resources.json",
        ]);
        assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "out", "findings.json"), "utf8")), []);
    });
});
