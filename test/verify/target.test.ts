import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { ApiError, ClusterAccessError } from "../../verify/cluster-client";
import { InputError } from "../../verify/run";
import { resolveTarget } from "../../verify/target";
import { FakeCluster, FakeClock } from "./fake-cluster";

const ENTRYPOINT = { ingress: { namespace: "istio-ingress", name: "platform-entrypoint" } };
const ALB = "k8s-istioing-platform-0123456789.ap-northeast-2.elb.amazonaws.com";

describe("verify's load target", () => {
    it("by default, the ALB hostname of the Ingress in front of the app, over http", async () => {
        const cluster = new FakeCluster(new FakeClock());
        assert.deepEqual(await resolveTarget(cluster, ENTRYPOINT), {
            host: `http://${ALB}`,
            route: "through the ALB of Ingress istio-ingress/platform-entrypoint",
        });
        const own = await resolveTarget(cluster, { ingress: { namespace: "web", name: "web" } });
        assert.equal(own.host, "http://k8s-web-web-0123456789.ap-northeast-2.elb.amazonaws.com");
        assert.deepEqual(
            cluster.calls.map((c) => [c.method, ...c.args]),
            [
                ["getIngress", "istio-ingress", "platform-entrypoint"],
                ["getIngress", "web", "web"],
            ],
        );
    });

    it("an Ingress without a hostname yet: one line naming it, to wait or pass --host", async () => {
        const cluster = new FakeCluster(new FakeClock());
        cluster.ingresses.set("istio-ingress/platform-entrypoint", {});
        await assert.rejects(
            resolveTarget(cluster, ENTRYPOINT),
            (err: Error) =>
                err instanceof InputError &&
                !err.message.includes("\n") &&
                /^Ingress istio-ingress\/platform-entrypoint has no ALB hostname yet .*wait .*or pass --host <url>$/.test(err.message),
        );
        cluster.ingresses.clear();
        await assert.rejects(
            resolveTarget(cluster, ENTRYPOINT),
            (err: Error) => err instanceof InputError && /no Ingress istio-ingress\/platform-entrypoint.*--host <url>$/.test(err.message),
        );
    });

    it("--host is used as given, without reading the cluster, and says whether it goes through the ALB", async () => {
        const cluster = new FakeCluster(new FakeClock());
        const given = async (host: string) => {
            const target = await resolveTarget(cluster, { host });
            assert.equal(target.host, host);
            return target.route;
        };
        assert.match(await given("http://web.web.svc.cluster.local"), /^from --host, an in-cluster name: not through the ALB$/);
        assert.match(await given("http://web:8080"), /not through the ALB$/);
        assert.match(await given(`http://${ALB}`), /through the ALB$/);
        assert.match(await given("https://shop.example.com"), /not checked to go through the ALB$/);
        assert.deepEqual(cluster.calls, []);
    });

    it("an API error answer while reading the Ingress is a cluster-access problem: nothing was changed", async () => {
        const cluster = new FakeCluster(new FakeClock());
        cluster.failWith = () =>
            new ApiError(500, "read Ingress istio-ingress/platform-entrypoint: HTTP 500: etcdserver: request timed out");
        await assert.rejects(
            resolveTarget(cluster, ENTRYPOINT),
            (err: Error) =>
                err instanceof ClusterAccessError &&
                err.message ===
                    "cannot use the Kubernetes API at https://fake.example: read Ingress istio-ingress/platform-entrypoint: HTTP 500: etcdserver: request timed out; nothing was changed",
        );
    });
});
