import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { CONTROL_PLANE_LOG_TYPES } from "../../components/cluster";
import { STACKS, only, synth, waitsFor } from "../harness";

const EKS = "eks:index:Cluster";
const NODES = "eks:index:ManagedNodeGroup";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const OPEN = { publicAccessCidrs: ["0.0.0.0/0"] };

describe("cluster", () => {
    for (const stack of STACKS) {
        it(`${stack}: m5.large AL2023 managed nodes in the private subnets, launched from the stack's template`, async () => {
            const result = await synth(stack);
            const nodes = only(result, NODES);
            assert.deepEqual(nodes.inputs.instanceTypes, ["m5.large"]);
            assert.equal(nodes.inputs.amiType, "AL2023_x86_64_STANDARD");
            assert.equal(nodes.inputs.version, "1.36", "the nodes follow the control plane's version");
            assert.deepEqual(nodes.inputs.subnetIds, result.outputs.privateSubnetIds);
            assert.notDeepEqual(nodes.inputs.subnetIds, result.outputs.publicSubnetIds);
            assert.equal(nodes.inputs.cluster, only(result, EKS).name, "the node group joins this cluster");
            // pulumi-eks refuses enableIMDSv2 together with a launch template (nodes/nodegroup.ts, v4.3.0).
            assert.equal(nodes.inputs.enableIMDSv2, undefined);
            const template = only(result, LAUNCH_TEMPLATE);
            assert.deepEqual(nodes.inputs.launchTemplate, { id: `${template.name}-id`, version: "1" });
        });
    }

    it("node group sizes follow config", async () => {
        const result = await synth("dev", {
            "zero-downtime-eks:cluster": {
                publicAccessCidrs: ["0.0.0.0/0"],
                instanceType: "m6i.xlarge",
                minSize: 3,
                desiredSize: 4,
                maxSize: 9,
            },
        });
        const nodes = only(result, NODES).inputs;
        assert.deepEqual(nodes.instanceTypes, ["m6i.xlarge"]);
        assert.deepEqual(nodes.scalingConfig, { minSize: 3, desiredSize: 4, maxSize: 9 });
    });

    it("OIDC provider on, access entries auth, secrets encrypted with the stack's KMS key, all control-plane logs", async () => {
        const result = await synth("dev");
        const eks = only(result, EKS);
        const key = only(result, "aws:kms/key:Key");
        assert.equal(eks.inputs.createOidcProvider, true);
        assert.equal(eks.inputs.authenticationMode, "API");
        assert.match(String(eks.inputs.encryptionConfigKeyArn), /^arn:aws:kms:/);
        assert.ok(eks.dependsOn.includes(key.name), "the cluster waits for its KMS key");
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.deepEqual(eks.inputs.enabledClusterLogTypes, CONTROL_PLANE_LOG_TYPES);
        assert.equal(eks.inputs.skipDefaultNodeGroup, true);
    });

    it("API endpoint limited to publicAccessCidrs, private endpoint on", async () => {
        const eks = only(await synth("prod"), EKS).inputs;
        assert.deepEqual(eks.publicAccessCidrs, ["203.0.113.0/24"]);
        assert.equal(eks.endpointPrivateAccess, true);
    });

    it("the cluster is named per stack and lives in the stack's VPC", async () => {
        for (const stack of ["dev", "prod"]) {
            const result = await synth(stack);
            const eks = only(result, EKS).inputs;
            assert.equal(eks.name, `zero-downtime-eks-${stack}`);
            assert.equal(eks.vpcId, result.outputs.vpcId);
        }
    });

    it("the Kubernetes provider uses the cluster's kubeconfig, which carries no credential (it runs aws eks get-token)", async () => {
        const provider = only(await synth("dev"), "pulumi:providers:kubernetes");
        const kubeconfig = JSON.parse(String(provider.inputs.kubeconfig));
        const user = kubeconfig.users[0].user;
        assert.deepEqual(Object.keys(user), ["exec"], "no token, client key or password");
        assert.deepEqual(user.exec.args.slice(2, 4), ["eks", "get-token"]);
        assert.ok(provider.dependsOn.some((d) => d.endsWith("-eks")));
    });

    it("no static AWS keys anywhere in what the program registers", async () => {
        const text = JSON.stringify((await synth("dev")).resources);
        assert.doesNotMatch(text, /AKIA[0-9A-Z]{16}|secretKey|accessKey/i);
    });

    it("[#11.4] oidcProviderUrl is the issuer without https://, from pulumi-eks's oidcIssuer (its oidcProviderUrl keeps the scheme)", async () => {
        const result = await synth("dev");
        assert.match(String(result.outputs.oidcProviderUrl), /^oidc\.eks\.ap-northeast-2\.amazonaws\.com\/id\/[0-9A-F]+$/);
        assert.equal(`arn:aws:iam::123456789012:oidc-provider/${String(result.outputs.oidcProviderUrl)}`, result.outputs.oidcProviderArn);
        // The controller's trust policy conditions on the scheme-less issuer.
        const trust = JSON.parse(String(result.resources.find((r) => r.name === "dev-lbc-role")?.inputs.assumeRolePolicy));
        const keys = Object.keys(trust.Statement[0].Condition.StringEquals);
        assert.deepEqual(keys, [`${String(result.outputs.oidcProviderUrl)}:aud`, `${String(result.outputs.oidcProviderUrl)}:sub`]);
    });

    it("[#11.5] access entries: one per principal, its policy cluster-wide or limited to namespaces, named by content", async () => {
        const ci = "arn:aws:iam::123456789012:role/ci-deployer";
        const team = "arn:aws:iam::123456789012:role/team-a";
        const result = await synth("dev", {
            "zero-downtime-eks:cluster": {
                ...OPEN,
                access: [
                    { principalArn: ci, policy: "cluster-admin" },
                    { principalArn: team, policy: "edit", namespaces: ["team-a"] },
                ],
            },
        });
        // The cluster's entries for people and CI (Karpenter's EC2_LINUX entry for its nodes is its own test;
        // the teams' entries are their namespaces': test/components/service-namespace.test.ts).
        const entries = result.resources.filter(
            (r) => r.type === "aws:eks/accessEntry:AccessEntry" && r.inputs.type === "STANDARD" && r.parent === "dev-cluster",
        );
        assert.deepEqual(entries.map((e) => [e.inputs.principalArn, e.inputs.type]).sort(), [
            [ci, "STANDARD"],
            [team, "STANDARD"],
        ]);
        const policies = result.resources.filter(
            (r) => r.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation" && r.parent === "dev-cluster",
        );
        const byPrincipal = Object.fromEntries(policies.map((p) => [String(p.inputs.principalArn), p.inputs]));
        assert.equal(byPrincipal[ci].policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
        assert.deepEqual(byPrincipal[ci].accessScope, { type: "cluster" });
        assert.equal(byPrincipal[team].policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy");
        assert.deepEqual(byPrincipal[team].accessScope, { type: "namespace", namespaces: ["team-a"] });
        assert.ok(
            entries.every((e) => !/-\d+$/.test(e.name)),
            "named by principal, not by index",
        );
        // Reordering the list renames nothing.
        const reordered = await synth("dev", {
            "zero-downtime-eks:cluster": {
                ...OPEN,
                access: [
                    { principalArn: team, policy: "edit", namespaces: ["team-a"] },
                    { principalArn: ci, policy: "cluster-admin" },
                ],
            },
        });
        const names = (r: typeof result) =>
            r.resources
                .filter((x) => x.type.startsWith("aws:eks/access"))
                .map((x) => x.name)
                .sort();
        assert.deepEqual(names(reordered), names(result));
    });

    it("[#11.7] the node group waits for every policy attachment of its role (and is destroyed before them)", async () => {
        const result = await synth("dev");
        const nodes = only(result, NODES);
        const attachments = result.resources.filter(
            (r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.parent === "dev-cluster",
        );
        assert.equal(attachments.length, 3);
        for (const a of attachments) {
            assert.ok(nodes.dependsOn.includes(a.name), `${nodes.name} does not wait for ${a.name}`);
        }
        assert.deepEqual(attachments.map((a) => a.name).sort(), [
            "dev-cluster-node-AmazonEC2ContainerRegistryReadOnly",
            "dev-cluster-node-AmazonEKSWorkerNodePolicy",
            "dev-cluster-node-AmazonEKS_CNI_Policy",
        ]);
    });

    it("[#11.8] the launch template: IMDSv2 only with hop limit 1, encrypted root volume, instances and volumes tagged", async () => {
        const result = await synth("dev");
        const t = only(result, LAUNCH_TEMPLATE).inputs as any;
        assert.deepEqual(t.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
        assert.equal(t.blockDeviceMappings[0].ebs.encrypted, "true");
        assert.equal(t.blockDeviceMappings[0].ebs.deleteOnTermination, "true");
        const tagged = t.tagSpecifications.map((s: any) => s.resourceType);
        assert.deepEqual(tagged, ["instance", "volume", "network-interface"]);
        for (const spec of t.tagSpecifications) {
            assert.deepEqual(spec.tags, { project: "zero-downtime-eks", stack: "dev", environment: "dev", "managed-by": "pulumi" });
        }
    });

    it("[#11.12] CoreDNS is an EKS add-on created after the nodes; kube-proxy and vpc-cni pinned to EKS's default for the version", async () => {
        const result = await synth("dev");
        const coredns = only(result, "aws:eks/addon:Addon");
        assert.equal(coredns.inputs.addonName, "coredns");
        assert.equal(coredns.inputs.addonVersion, "v1.36.0-eksbuild.1", "the mocked getAddonVersion result for 1.36");
        assert.ok(coredns.dependsOn.includes(only(result, NODES).name), "CoreDNS waits for the nodes");
        const eks = only(result, EKS).inputs as any;
        assert.deepEqual([eks.kubeProxyAddonOptions.enabled, eks.kubeProxyAddonOptions.version], [true, "v1.36.0-eksbuild.1"]);
        assert.equal(eks.vpcCniOptions.addonVersion, "v1.36.0-eksbuild.1");
        // Every addon release waits for CoreDNS (and so for the nodes).
        for (const r of result.resources.filter((x) => x.type === "kubernetes:helm.sh/v3:Release")) {
            assert.ok(waitsFor(result, r.name, coredns.name), `${r.name} does not wait for CoreDNS`);
        }
    });

    it("[#11.14] the control-plane log group exists before the cluster, with the environment's retention", async () => {
        for (const [stack, days] of [
            ["dev", 30],
            ["prod", 365],
        ] as const) {
            const result = await synth(stack);
            const logs = only(result, "aws:cloudwatch/logGroup:LogGroup");
            assert.equal(logs.inputs.name, `/aws/eks/zero-downtime-eks-${stack}/cluster`);
            assert.equal(logs.inputs.retentionInDays, days);
            assert.ok(only(result, EKS).dependsOn.includes(logs.name));
        }
    });

    it("[#11.14] prod protects the cluster, its secrets key and its log group; dev protects nothing", async () => {
        const stateful = [EKS, "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"];
        const prod = await synth("prod");
        assert.deepEqual(
            prod.resources
                .filter((r) => r.protect)
                .map((r) => r.type)
                .sort(),
            [...stateful].sort(),
        );
        assert.deepEqual(
            (await synth("dev")).resources.filter((r) => r.protect),
            [],
        );
    });

    it("[#11.14] every AWS resource gets the stack's tags from the provider, and the controller tags what it creates", async () => {
        const result = await synth("dev");
        // The stack's provider (the preflight's own, `dev-aws-preflight`, only looks things up).
        const provider = only(result, "pulumi:providers:aws", "dev-aws");
        const tags = { project: "zero-downtime-eks", stack: "dev", environment: "dev", "managed-by": "pulumi" };
        // Provider configuration reaches the engine JSON-encoded.
        assert.deepEqual(JSON.parse(String(provider.inputs.defaultTags)), { tags });
        const awsResources = result.resources.filter((r) => /^(aws|eks|awsx):/.test(r.type));
        for (const r of awsResources) {
            assert.ok(
                waitsFor(result, r.name, provider.name) || r.provider === provider.name,
                `${r.type} ${r.name} does not use the tagging provider`,
            );
        }
        const lbc = result.resources.find(
            (r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === "aws-load-balancer-controller",
        );
        assert.deepEqual((lbc?.inputs.values as any).defaultTags, tags);
    });
});
