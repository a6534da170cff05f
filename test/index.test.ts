import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { DOMAIN, STACKS, VARIANTS, synth } from "./harness";

// The contract other teams read with StackReference (README "Stack outputs"): name → shape.
const CONTRACT: Record<string, RegExp | "subnets"> = {
    region: /^[a-z]{2}-[a-z]+-\d$/,
    clusterName: /^zero-downtime-eks-/,
    // [issue 23.5] Plain JSON a team's StackReference reads without the platform's secrets provider.
    kubeconfig: /^\{"apiVersion":"v1",.*"get-token"/,
    oidcProviderArn: /^arn:aws:iam::\d{12}:oidc-provider\/oidc\.eks\./,
    // [#11.4] README's form, without https://; the mocks return pulumi-eks's real oidcProviderUrl (with the scheme).
    oidcProviderUrl: /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\/id\/[0-9A-F]+$/,
    vpcId: /^vpc-/,
    publicSubnetIds: "subnets",
    privateSubnetIds: "subnets",
    nodeSecurityGroupId: /^sg-/,
    // [#15] What a team's program needs (examples/team-service reads them).
    kubernetesVersion: /^1\.\d+$/,
    ingressHost: /^k8s-[\w-]+\.[a-z0-9-]+\.elb\.amazonaws\.com$/,
    sharedGateway: /^istio-ingress\/platform$/,
    // [issue 22.13] How long a terminating pod's sidecar keeps accepting (the mesh's drainDuration).
    sidecarInboundDrainSeconds: /^45$/,
    // [#16] The entrypoint's alarms (on by default) notify this topic.
    alarmTopicArn: /^arn:aws:sns:[a-z0-9-]+:\d{12}:/,
    entrypointDashboard: /^zero-downtime-eks-[a-z]+-entrypoint$/,
    // [#13] Karpenter is on by default: teams adding their own NodePools need both.
    nodePoolName: /^workloads$/,
    karpenterNodeRoleArn: /^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/,
};

describe("stack outputs contract", () => {
    for (const stack of STACKS) {
        it(`${stack}: exports every contracted output with its shape`, async () => {
            const { outputs, secretOutputs } = await synth(stack);
            for (const [name, shape] of Object.entries(CONTRACT)) {
                assert.ok(name in outputs, `missing output ${name}`);
                if (shape === "subnets") {
                    const ids = outputs[name] as string[];
                    assert.ok(
                        Array.isArray(ids) && ids.length >= 2 && ids.every((id) => id.startsWith("subnet-")),
                        `${name}: ${JSON.stringify(ids)}`,
                    );
                } else {
                    assert.match(String(outputs[name]), shape, name);
                }
            }
            // [issue 23.5] Nothing a team reads is secret: with a secret output, a StackReference from a stack
            // with another secrets provider gets nothing for it (pulumi/pulumi#19533 elides it).
            assert.deepEqual(secretOutputs, [], "no output is secret");
        });
    }
});

describe("the teams output", () => {
    it("issue 23.2: dev exports each team's namespace and where the shared Gateway reaches it; stacks without teams export none", async () => {
        assert.deepEqual((await synth("dev")).outputs.teams, { orders: { namespace: "orders", hosts: ["*"], pathPrefix: "/orders/" } });
        assert.equal((await synth("staging")).outputs.teams, undefined);
    });
});

describe("issue 25: outputs that do not apply are absent, never undefined", () => {
    // Pulumi prints "Undefined value (<name>) will not show as a stack output" for each undefined export
    // (@pulumi/pulumi runtime/stack.js, v3.270.0), on every clean `pulumi up` of a stack without them.
    for (const v of VARIANTS) {
        it(`${v.name}: every exported output has a value`, async () => {
            const { outputs } = await synth(v.stack, v.overrides);
            assert.deepEqual(
                Object.keys(outputs).filter((name) => outputs[name] === undefined),
                [],
            );
            // README: httpsUrl is absent without a domain, there with one.
            assert.equal("httpsUrl" in outputs, DOMAIN["zero-downtime-eks:domain"] === v.overrides["zero-downtime-eks:domain"], "httpsUrl");
        });
    }
});
