import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import { BLUE_GREEN, RELEASE, STACKS, gitBlob, only, release, synth, valuesOf, waitsFor } from "../../harness";
import { parseSettings, todayUtc } from "../../../stacks";
import { onNodePool, stackPods } from "../../../stacks/capacity";
import { projectName, readStackConfig } from "../../../synth/engine";
import { controllerPolicyNames, substitute, templateFile } from "../../../components/addons/karpenter-cloudformation";
import { validateKarpenterArgs } from "../../../components/addons/karpenter";

const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
const KARPENTER = "zero-downtime-eks:addons:Karpenter";
const SPOT_ROLE = "aws:iam/serviceLinkedRole:ServiceLinkedRole";

describe("Karpenter", () => {
    it("the CloudFormation template is upstream's, byte for byte (release-v1.14.1, git blob 2c2ca723)", () => {
        assert.equal(gitBlob(templateFile("1.14.1")), "2c2ca72301a002c68185979fc4d2c8dab0f9c13a");
    });

    it("a template reference the program does not supply fails instead of reaching AWS unresolved", () => {
        const ctx = {
            clusterName: "c",
            partition: "aws",
            region: "r",
            accountId: "1",
            urlSuffix: "s",
            nodeRoleArn: "n",
            interruptionQueueArn: "q",
        };
        assert.throws(() => substitute("${AWS::StackName}", ctx), /\$\{AWS::StackName\}/);
        assert.equal(
            substitute("arn:${AWS::Partition}:eks:${AWS::Region}:${AWS::AccountId}:cluster/${ClusterName}", ctx),
            "arn:aws:eks:r:1:cluster/c",
        );
    });

    it("controller: IRSA trust pinned to kube-system/karpenter with aud and sub, the template's six policies, resolved", async () => {
        const result = await synth("dev");
        const role = only(result, "aws:iam/role:Role", "-karpenter-controller-irsa-role");
        const statement = JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0];
        const issuer = String(result.outputs.oidcProviderUrl);
        assert.deepEqual(statement.Condition.StringEquals, {
            [`${issuer}:aud`]: "sts.amazonaws.com",
            [`${issuer}:sub`]: "system:serviceaccount:kube-system:karpenter",
        });
        const policies = result.resources.filter((r) => r.type === "aws:iam/policy:Policy" && r.name.startsWith("dev-karpenter-"));
        // One Policy per template policy; the six names are pinned by karpenter-cloudformation.values.test.ts.
        assert.equal(policies.length, controllerPolicyNames("1.14.1").length);
        for (const p of policies) {
            const text = String(p.inputs.policy);
            assert.ok(!text.includes("${"), `${p.name} has an unresolved reference`);
            JSON.parse(text);
        }
        const eks = String(policies.find((p) => p.name.endsWith("eksintegration-policy"))?.inputs.policy);
        assert.match(eks, /"arn:aws:eks:ap-northeast-2:123456789012:cluster\/zero-downtime-eks-dev"/);
        const interruption = String(policies.find((p) => p.name.endsWith("-interruption-policy"))?.inputs.policy);
        assert.match(interruption, /arn:aws:sqs:ap-northeast-2:123456789012:dev-karpenter-interruptions-[0-9a-f]{7}/);
        const values = valuesOf(release(result, "karpenter"));
        assert.equal(values.serviceAccount.name, "karpenter");
        assert.match(values.serviceAccount.annotations["eks.amazonaws.com/role-arn"], /:role\/dev-karpenter-controller-irsa-role-/);
        assert.equal(values.settings.clusterName, "zero-downtime-eks-dev");
        assert.match(values.settings.interruptionQueue, /^dev-karpenter-interruptions-/);
        assert.deepEqual(values.controller.resources, {
            requests: { cpu: "1000m", memory: "1024Mi" },
            limits: { cpu: "1000m", memory: "1024Mi" },
        });
        assert.equal(release(result, "karpenter").inputs.skipCrds, true, "CRDs come from karpenter-crd (Helm never upgrades crds/)");
        assert.equal(release(result, "karpenter-crd").inputs.chart, "oci://public.ecr.aws/karpenter/karpenter-crd");
        assert.equal(release(result, "karpenter").inputs.version, "1.14.1");
    });

    it("the interruption queue (300 s, SSE, TLS only) gets the template's five EventBridge rules", async () => {
        const result = await synth("dev");
        const queue = only(result, "aws:sqs/queue:Queue", "-karpenter-interruptions");
        assert.equal(queue.inputs.messageRetentionSeconds, 300);
        assert.equal(queue.inputs.sqsManagedSseEnabled, true);
        const policy = JSON.parse(String(only(result, "aws:sqs/queuePolicy:QueuePolicy").inputs.policy));
        assert.deepEqual(policy.Statement[0].Principal.Service, ["events.amazonaws.com", "sqs.amazonaws.com"]);
        assert.deepEqual(policy.Statement[1].Condition, { Bool: { "aws:SecureTransport": false } });
        const patterns = result.resources
            .filter((r) => r.type === "aws:cloudwatch/eventRule:EventRule")
            .map((r) => JSON.parse(String(r.inputs.eventPattern))["detail-type"][0])
            .sort();
        assert.deepEqual(patterns, [
            "AWS Health Event",
            "EC2 Capacity Reservation Instance Interruption Warning",
            "EC2 Instance Rebalance Recommendation",
            "EC2 Instance State-change Notification",
            "EC2 Spot Instance Interruption Warning",
        ]);
        for (const target of result.resources.filter((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget")) {
            assert.match(String(target.inputs.arn), /^arn:aws:sqs:ap-northeast-2:123456789012:dev-karpenter-interruptions-[0-9a-f]{7}$/);
        }
    });

    it("nodes: a role with the template's four policies and an EC2_LINUX access entry; discovery tags on the private subnets and the cluster security group", async () => {
        const result = await synth("dev");
        const attached = result.resources
            .filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.name.startsWith("dev-karpenter-node-"))
            .map((r) => String(r.inputs.policyArn))
            // The controller's node-lifecycle policy shares the prefix; the node role gets AWS managed policies only.
            .filter((arn) => arn.startsWith("arn:aws:iam::aws:policy/"))
            .sort();
        assert.deepEqual(attached, [
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
            "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        ]);
        const entry = only(result, "aws:eks/accessEntry:AccessEntry", "-karpenter-node-access");
        assert.equal(entry.inputs.type, "EC2_LINUX");
        assert.equal(entry.inputs.principalArn, result.outputs.karpenterNodeRoleArn);
        const tag = only(result, "aws:ec2/tag:Tag", "-karpenter-discovery");
        assert.deepEqual(
            [tag.inputs.resourceId, tag.inputs.key, tag.inputs.value],
            [result.outputs.nodeSecurityGroupId, "karpenter.sh/discovery", "zero-downtime-eks-dev"],
        );
        const vpc = only(result, "awsx:ec2:Vpc").inputs as any;
        const privateSpec = vpc.subnetSpecs.find((s: { type: string }) => s.type === "Private");
        assert.equal(privateSpec.tags["karpenter.sh/discovery"], "zero-downtime-eks-dev");
    });

    for (const stack of STACKS) {
        it(`${stack}: a NodePool of on-demand m5.large with limits, a 10% budget, consolidation after 1m, 720h expiry, 15m drain bound`, async () => {
            const result = await synth(stack);
            const pool = only(result, NODE_POOL).inputs as any;
            assert.equal(pool.metadata.name, "workloads");
            assert.deepEqual(pool.spec.template.spec.requirements.slice(0, 2), [
                { key: "node.kubernetes.io/instance-type", operator: "In", values: ["m5.large"] },
                { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
            ]);
            assert.deepEqual(pool.spec.disruption, {
                consolidationPolicy: "WhenEmptyOrUnderutilized",
                consolidateAfter: "1m",
                budgets: [{ nodes: "10%" }],
            });
            assert.equal(pool.spec.template.spec.expireAfter, "720h");
            assert.equal(pool.spec.template.spec.terminationGracePeriod, "15m");
            // 12 app pods, a rolling update's 4 surge pods (issue 26) and 10 Locust workers fill 8 m5.large;
            // one more for a replacement: 9 × (2 vCPU, 8 GiB).
            assert.deepEqual(pool.spec.limits, { cpu: "18", memory: "73728Mi" });
            const nodeClass = only(result, NODE_CLASS).inputs as any;
            assert.deepEqual(nodeClass.spec.metadataOptions, {
                httpEndpoint: "enabled",
                httpProtocolIPv6: "disabled",
                httpPutResponseHopLimit: 1,
                httpTokens: "required",
            });
            assert.equal(nodeClass.spec.blockDeviceMappings[0].ebs.encrypted, true);
            assert.deepEqual(nodeClass.spec.amiSelectorTerms, [{ alias: "al2023@latest" }]);
            assert.equal(nodeClass.spec.tags.stack, stack);
        });
    }

    it("destroy order: the NodePool goes first, then its NodeClass, then the controller, the CRDs and the system nodes", async () => {
        const result = await synth("dev");
        const pool = only(result, NODE_POOL).name;
        const nodeClass = only(result, NODE_CLASS).name;
        const controller = release(result, "karpenter").name;
        const crds = release(result, "karpenter-crd").name;
        const nodes = only(result, "eks:index:ManagedNodeGroup").name;
        // Pulumi deletes a resource before what it depends on: each edge below is a deletion order.
        for (const [from, to] of [
            [pool, nodeClass],
            [pool, controller],
            [nodeClass, controller],
            [nodeClass, "dev-karpenter-node-access"],
            [controller, crds],
            [controller, nodes],
            [controller, "dev-karpenter-interruptions"],
        ]) {
            assert.ok(waitsFor(result, from, to), `${from} must be deleted before ${to}`);
        }
    });

    it("issue 22.7: with spot in capacityTypes the account's EC2 Spot service-linked role is created before the NodePool, and kept on destroy", async () => {
        const result = await synth("dev", { "zero-downtime-eks:addons": { karpenter: { capacityTypes: ["spot", "on-demand"] } } });
        const role = only(result, SPOT_ROLE);
        assert.equal(role.inputs.awsServiceName, "spot.amazonaws.com");
        assert.equal(role.retainOnDelete, true, "one role per account: another stack's Spot launches use it too");
        assert.ok(waitsFor(result, only(result, NODE_POOL).name, role.name));
        assert.deepEqual((only(result, NODE_POOL).inputs as any).spec.template.spec.requirements[1].values, ["spot", "on-demand"]);
    });

    it("issue 22.7: an account that already has the role says so (createSpotServiceLinkedRole: false), and on-demand needs none", async () => {
        const has = await synth("dev", {
            "zero-downtime-eks:addons": { karpenter: { capacityTypes: ["spot"], createSpotServiceLinkedRole: false } },
        });
        assert.ok(!has.resources.some((r) => r.type === SPOT_ROLE));
        assert.ok(!(await synth("dev")).resources.some((r) => r.type === SPOT_ROLE));
        assert.deepEqual(validateKarpenterArgs({ capacityTypes: ["on-demand"], createSpotServiceLinkedRole: true }), [
            { propertyPath: "createSpotServiceLinkedRole", reason: "true without spot in capacityTypes: nothing would use the Spot role" },
        ]);
    });

    for (const variant of [
        { name: "dev", overrides: {} },
        { name: "blue/green", overrides: BLUE_GREEN },
    ]) {
        it(`issue 22.8 (${variant.name}): the NodePool is tainted, and exactly the pods the capacity model puts on it tolerate the taint`, async () => {
            const result = await synth("dev", variant.overrides);
            const taint = { key: "zero-downtime-eks.io/nodepool", value: "workloads", effect: "NoSchedule" };
            assert.deepEqual((only(result, NODE_POOL).inputs as any).spec.template.spec.taints, [taint]);
            const tolerates = (tolerations: unknown) =>
                Array.isArray(tolerations) && tolerations.some((t) => isDeepStrictEqual(t, { ...taint, operator: "Equal" }));
            const tolerating: string[] = [];
            for (const d of result.resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment")) {
                const { metadata, spec } = d.inputs as any;
                if (tolerates(spec.template.spec.tolerations)) {
                    tolerating.push(`${metadata.namespace}/${metadata.name}`);
                }
            }
            for (const r of result.resources.filter((x) => x.type === RELEASE)) {
                // Every chart value the platform sets, searched for the toleration wherever a chart takes one.
                const json = JSON.stringify(r.inputs.values ?? {});
                if (json.includes(taint.key)) {
                    assert.equal(r.inputs.name, "locust", `${String(r.inputs.name)} tolerates the NodePool's taint`);
                    assert.ok(tolerates(valuesOf(r).worker.tolerations));
                    assert.equal(valuesOf(r).master.tolerations, undefined, "the Locust master stays on the system pool");
                    tolerating.push("locust/locust-worker");
                }
            }
            const settings = parseSettings({
                project: projectName(),
                stack: "dev",
                config: {
                    ...readStackConfig("dev"),
                    ...Object.fromEntries(Object.entries(variant.overrides).map(([k, v]) => [k, JSON.stringify(v)])),
                },
                today: todayUtc(),
            });
            const modelled = stackPods(settings.cluster, settings.addons, settings.app, settings.app.replicas).pods.filter(onNodePool);
            assert.deepEqual(tolerating.sort(), modelled.map((g) => g.name).sort());
        });
    }

    it("the app and the Locust workers run on the NodePool's nodes, created after it and deleted before it", async () => {
        const result = await synth("dev");
        const pool = only(result, NODE_POOL).name;
        const deployment = only(result, "kubernetes:apps/v1:Deployment").inputs as any;
        assert.deepEqual(deployment.spec.template.spec.nodeSelector, { "karpenter.sh/nodepool": "workloads" });
        assert.ok(waitsFor(result, only(result, "kubernetes:apps/v1:Deployment").name, pool));
        const locust = release(result, "locust");
        assert.deepEqual(valuesOf(locust).worker.nodeSelector, { "karpenter.sh/nodepool": "workloads" });
        assert.ok(waitsFor(result, locust.name, pool));
        assert.equal(result.outputs.nodePoolName, "workloads");
    });

    it("off: no Karpenter resource, no node selector, and the app waits for nothing of it", async () => {
        const result = await synth("dev", { "zero-downtime-eks:addons": { karpenter: { enabled: false } } });
        assert.ok(
            !result.resources.some(
                (r) =>
                    r.type === KARPENTER || r.type === NODE_POOL || (r.type === RELEASE && String(r.inputs.name).startsWith("karpenter")),
            ),
        );
        const deployment = only(result, "kubernetes:apps/v1:Deployment").inputs as any;
        assert.equal(deployment.spec.template.spec.nodeSelector, undefined);
        assert.equal(deployment.spec.template.spec.tolerations, undefined);
        assert.equal(valuesOf(release(result, "locust")).worker.nodeSelector, undefined);
        assert.equal(valuesOf(release(result, "locust")).worker.tolerations, undefined);
    });
});
