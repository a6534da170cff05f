import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { LBC_NAMESPACE, LBC_SERVICE_ACCOUNT, controllerCrds, crdDirectory, officialPolicyFile } from "../../../components/addons/lbc";
import { irsaTrustPolicy } from "../../../components/addons/irsa";
import { VERSIONS } from "../../../components/versions";
import { gitBlob, only, release, synth, valuesOf, waitsFor } from "../../harness";
import { parseSettings, todayUtc } from "../../../stacks";
import { stackPods } from "../../../stacks/capacity";
import { projectName, readStackConfig } from "../../../synth/engine";

const CRD_PATCH = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinitionPatch";

type Statement = {
    Effect: string;
    Action: string | string[];
    Principal?: { Federated: string };
    Condition?: Record<string, Record<string, string>>;
};
const actionsOf = (doc: { Statement: Statement[] }) =>
    doc.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();

describe("AWS Load Balancer Controller", () => {
    it("IRSA trust: the cluster's OIDC provider, AssumeRoleWithWebIdentity, aud and sub both pinned", async () => {
        const result = await synth("dev");
        const role = only(result, "aws:iam/role:Role", "-lbc-role");
        const trust = JSON.parse(role.inputs.assumeRolePolicy as string) as { Statement: Statement[] };
        assert.equal(trust.Statement.length, 1);
        const [statement] = trust.Statement;
        const issuer = String(result.outputs.oidcProviderUrl);
        assert.equal(statement.Effect, "Allow");
        assert.deepEqual(statement.Principal, { Federated: result.outputs.oidcProviderArn });
        assert.equal(statement.Action, "sts:AssumeRoleWithWebIdentity");
        assert.deepEqual(statement.Condition, {
            StringEquals: {
                [`${issuer}:aud`]: "sts.amazonaws.com",
                [`${issuer}:sub`]: "system:serviceaccount:kube-system:aws-load-balancer-controller",
            },
        });
    });

    it("trust policy condition keys never carry the https:// of an issuer URL", () => {
        const doc = irsaTrustPolicy("arn:aws:iam::1:oidc-provider/x", "https://oidc.example/id/A", "ns", "sa");
        assert.deepEqual(Object.keys(doc.Statement[0].Condition.StringEquals).sort(), ["oidc.example/id/A:aud", "oidc.example/id/A:sub"]);
    });

    it("permissions are the official policy file of the pinned version, with no '*' action", async () => {
        const file = officialPolicyFile();
        assert.ok(file.endsWith(`${VERSIONS.loadBalancerController.app}.json`), "the file follows the pinned controller version");
        const official = JSON.parse(fs.readFileSync(file, "utf8")) as { Statement: Statement[] };
        const attached = JSON.parse(only(await synth("dev"), "aws:iam/policy:Policy", "-lbc-policy").inputs.policy as string) as {
            Statement: Statement[];
        };
        assert.deepEqual(actionsOf(attached), actionsOf(official));
        assert.deepEqual(attached, official, "attached unchanged: conditions and resources too");
        assert.ok(actionsOf(official).length > 50);
        for (const action of actionsOf(official)) {
            assert.notEqual(action, "*");
            assert.doesNotMatch(action, /^[a-z0-9-]+:\*$/, `${action} grants a whole service`);
        }
    });

    it("issue 22.10: the CRDs come from the pinned version's files (upstream's, byte for byte), created before the release, which skips crds/", async () => {
        // kubernetes-sigs/aws-load-balancer-controller tag v3.5.0, helm/aws-load-balancer-controller/crds/ (git blobs).
        const dir = crdDirectory();
        assert.ok(dir.endsWith(VERSIONS.loadBalancerController.app), "the files follow the pinned controller version");
        assert.deepEqual(
            fs.readdirSync(dir).map((f) => [f, gitBlob(path.join(dir, f))]),
            [
                ["crds.yaml", "f41daf7ae70237996b8a43befd70988cdaaeec5c"],
                ["gateway-crds.yaml", "10cf4f08c24fe2d046a642872f2b3644fc692ab4"],
            ],
        );
        const result = await synth("dev");
        const chart = release(result, "aws-load-balancer-controller");
        assert.equal(chart.inputs.skipCrds, true, "Helm never upgrades crds/: the release must not own them");
        const patches = result.resources.filter((r) => r.type === CRD_PATCH);
        assert.deepEqual(patches.map((p) => (p.inputs as any).metadata.name).sort(), [
            "albtargetcontrolconfigs.elbv2.k8s.aws",
            "globalaccelerators.aga.k8s.aws",
            "ingressclassparams.elbv2.k8s.aws",
            "listenerruleconfigurations.gateway.k8s.aws",
            "loadbalancerconfigurations.gateway.k8s.aws",
            "targetgroupbindings.elbv2.k8s.aws",
            "targetgroupconfigurations.gateway.k8s.aws",
        ]);
        const published = new Map(controllerCrds().map((c) => [c.metadata.name, c]));
        for (const patch of patches) {
            const { metadata, spec } = patch.inputs as any;
            // The published spec as is; Helm's earlier copy is taken over (its field manager owns the fields).
            assert.deepEqual(spec, published.get(metadata.name)?.spec, metadata.name);
            assert.equal(metadata.annotations["pulumi.com/patchForce"], "true");
            // The chart's IngressClassParams, and the controller's TargetGroupBindings, need the CRDs first.
            assert.ok(waitsFor(result, chart.name, patch.name), `the release does not wait for ${metadata.name}`);
        }
    });

    it("the CRD files are parsed once per process, and what every synth shares cannot be changed by one of them", () => {
        const crds = controllerCrds();
        assert.equal(controllerCrds(), crds);
        const [first] = crds;
        assert.ok(Object.isFrozen(crds) && Object.isFrozen(first.metadata) && Object.isFrozen(first.spec));
        const versions = (first.spec as { versions: { schema: unknown }[] }).versions;
        assert.ok(Object.isFrozen(versions[0].schema), "nested objects are frozen too");
        assert.throws(() => {
            (first.metadata as { name: string }).name = "changed";
        }, TypeError);
    });

    it("a controller version without its CRD files fails, naming where to put them", () => {
        assert.throws(
            () => controllerCrds("v0.0.0"),
            /no CRDs for the load balancer controller v0\.0\.0: add .*helm\/aws-load-balancer-controller\/crds/,
        );
    });

    it("chart gets clusterName, region, vpcId, 2 replicas and the role on its service account", async () => {
        const result = await synth("dev");
        const lbc = release(result, "aws-load-balancer-controller");
        const role = only(result, "aws:iam/role:Role", "-lbc-role");
        const values = valuesOf(lbc);
        assert.equal(lbc.inputs.namespace, LBC_NAMESPACE);
        assert.equal(values.clusterName, result.outputs.clusterName);
        assert.equal(values.region, result.outputs.region);
        assert.equal(values.vpcId, result.outputs.vpcId);
        assert.equal(values.replicaCount, 2);
        assert.equal(values.serviceAccount.name, LBC_SERVICE_ACCOUNT);
        assert.equal(values.serviceAccount.annotations["eks.amazonaws.com/role-arn"], result.outputs.loadBalancerControllerRoleArn);
        assert.match(String(result.outputs.loadBalancerControllerRoleArn), new RegExp(`:role/${role.name}-[0-9a-f]{7}$`));
        assert.equal(values.keepTLSSecret, true, "webhook certificate reused across upgrades");
    });

    it("[#11.2] the Service mutator webhook is off: this platform creates no LoadBalancer Service, and on it races every Service", async () => {
        const values = valuesOf(release(await synth("dev"), "aws-load-balancer-controller"));
        assert.equal(values.enableServiceMutatorWebhook, false);
        const services = (await synth("dev")).resources.filter(
            (r) => r.type === "kubernetes:core/v1:Service" && (r.inputs.spec as { type?: string }).type === "LoadBalancer",
        );
        assert.deepEqual(services, []);
    });

    it("[#11.9] the pod webhook fails closed (chart default Ignore) in the namespaces labelled for readiness gates", async () => {
        const values = valuesOf(release(await synth("dev"), "aws-load-balancer-controller"));
        assert.deepEqual(values.podMutatorWebhookConfig, { failurePolicy: "Fail" });
        assert.equal(values.webhookNamespaceSelectors, undefined, "the chart's default selector: the readiness-gate label");
    });

    it("[#11.13] issue 22.14: the controller has upstream's requests and memory limit (200Mi / 500Mi, config/controller/controller.yaml v3.5.0), no CPU limit, and the capacity model counts them", async () => {
        const values = valuesOf(release(await synth("dev"), "aws-load-balancer-controller"));
        assert.deepEqual(values.resources, { requests: { cpu: "100m", memory: "200Mi" }, limits: { memory: "500Mi" } });
        const settings = parseSettings({ project: projectName(), stack: "dev", config: readStackConfig("dev"), today: todayUtc() });
        const controller = stackPods(settings.cluster, settings.addons, settings.app, settings.app.replicas).pods.find(
            (p) => p.name === `${LBC_NAMESPACE}/aws-load-balancer-controller`,
        );
        assert.deepEqual(controller?.requests, { cpuMillicores: 100, memoryMiB: 200 });
    });

    it("the controller starts only once its IAM permissions are attached", async () => {
        const result = await synth("dev");
        const attachment = only(result, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "-lbc-policy");
        assert.ok(release(result, "aws-load-balancer-controller").dependsOn.includes(attachment.name));
    });
});
