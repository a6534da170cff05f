import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { ApiError, ClusterAccessError } from "../../verify/cluster-client";
import { InputError } from "../../verify/run";
import { loadStack } from "../../verify/stack";
import { resolveTarget, targetSource } from "../../verify/target";
import { DOMAIN } from "../harness";
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

    it("issue 21.2: a stack with a domain loads https://<domain>, the URL its clients use, once the ALB behind it exists", async () => {
        // The ALB's HTTP listener redirects to https://<the same name> and its certificate is for the domain only
        // (components/alb.ts httpsAnnotations, components/https.ts): http://<ALB hostname> fails every request.
        const domain = DOMAIN["zero-downtime-eks:domain"];
        const settings = { ...loadStack("dev"), domain };
        const cluster = new FakeCluster(new FakeClock());
        assert.deepEqual(await resolveTarget(cluster, targetSource(settings)), {
            host: `https://${domain.hostName}`,
            route: `the stack's domain (zero-downtime-eks:domain.hostName) over HTTPS, as clients reach it: through the ALB of Ingress istio-ingress/platform-entrypoint, ${ALB}`,
        });
        // The Ingress is still read: no ALB yet, no app behind the name.
        cluster.ingresses.set("istio-ingress/platform-entrypoint", {});
        await assert.rejects(resolveTarget(cluster, targetSource(settings)), (err: Error) => /has no ALB hostname yet/.test(err.message));
        // --host still wins; a stack without a domain still loads the ALB's own name.
        assert.deepEqual(targetSource(settings, "http://web.web.svc.cluster.local"), { host: "http://web.web.svc.cluster.local" });
        assert.deepEqual(targetSource(loadStack("dev")), ENTRYPOINT);
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
