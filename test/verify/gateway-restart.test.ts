import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Restorer } from "../../verify/restore";
import { exitCode } from "../../verify/run";
import { GATEWAY_NAME, GATEWAY_NAMESPACE } from "../../components/addons/names";
import { FakeCluster, FakeClock } from "./fake-cluster";
import { HPA, harness, plan } from "./run-harness";

const GATEWAY = { namespace: GATEWAY_NAMESPACE, name: GATEWAY_NAME };
const KEY = `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`;

describe("[#14] gateway-restart", () => {
    it("restarts the ingress gateway the ALB targets, waits for it, and calibrates on its pods", async () => {
        const h = harness({ hpa: HPA, gateway: true });
        const outcome = await h.run(plan({ gateway: GATEWAY, phases: ["gateway-restart"] }));
        assert.equal(exitCode(outcome), 0, outcome.error);
        const restarts = h.cluster.mutations().filter((c) => c.method === "patchDeployment");
        assert.deepEqual(
            restarts.map((c) => c.args.slice(0, 2)),
            [[GATEWAY_NAMESPACE, GATEWAY_NAME]],
            "the gateway, not the app",
        );
        assert.match(outcome.results[0].disruption?.summary ?? "", /^replaced 2 gateway pods$/);
        assert.deepEqual(
            outcome.events.filter((e) => e.kind === "gateway-restarted").map((e) => e.text),
            [`restarted Deployment ${KEY}`],
        );
        const draining = outcome.timings.terminating.filter((t) => t.workload === KEY && t.drainingAt !== undefined);
        assert.equal(draining.length, 2, "both old gateway pods seen draining in the target group");
    });

    it("puts the gateway's HPA bounds back when they were changed during the run", async () => {
        const clock = new FakeClock();
        const cluster = new FakeCluster(clock, { hpa: HPA, gateway: true });
        const lines: string[] = [];
        const target = {
            namespace: "web",
            deployment: "web",
            replicas: 4,
            selector: {},
            hpa: HPA,
            gateway: {
                namespace: GATEWAY_NAMESPACE,
                deployment: GATEWAY_NAME,
                replicas: 2,
                selector: {},
                hpa: { minReplicas: 2, maxReplicas: 5 },
            },
        };
        cluster.hpas.set(KEY, { minReplicas: 1, maxReplicas: 1 });
        assert.deepEqual(await new Restorer(cluster, "web", target, (l) => lines.push(l)).restore(), []);
        assert.deepEqual(cluster.hpas.get(KEY), { minReplicas: 2, maxReplicas: 5 });
        assert.deepEqual(lines, [`restored HPA ${KEY}: minReplicas 2, maxReplicas 5`]);
    });

    it("without the gateway in the cluster, verify refuses before changing anything", async () => {
        const h = harness({ hpa: HPA });
        await assert.rejects(
            h.run(plan({ gateway: GATEWAY, phases: ["gateway-restart"] })),
            /no ingress gateway Deployment istio-ingress\/istio-ingressgateway/,
        );
        assert.deepEqual(h.cluster.mutations(), []);
    });
});
