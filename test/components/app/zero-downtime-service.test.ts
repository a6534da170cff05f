import { describe, it } from "node:test";
import { MESH_PROPAGATION_SECONDS } from "../../../rules/timing";
import * as assert from "node:assert/strict";
import { RecordedResource, SynthResult } from "../../../synth/engine";
import { BLUE_GREEN, OWN_ALB, only, release, synth, waitsFor } from "../../harness";

const APP = "zero-downtime-eks:app";
const NO_MESH = { "zero-downtime-eks:addons": { istio: { enabled: false } } };
const T = {
    ns: "kubernetes:core/v1:Namespace",
    deploy: "kubernetes:apps/v1:Deployment",
    svc: "kubernetes:core/v1:Service",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    dr: "kubernetes:networking.istio.io/v1:DestinationRule",
    vs: "kubernetes:networking.istio.io/v1:VirtualService",
};

/** The Namespace the platform makes for the app (components/service-namespace.ts). */
const APP_NAMESPACE = "-app-namespace-ns";

/** The app's own resource of a type (children of the app component). */
function appResource(result: SynthResult, type: string, suffix = ""): RecordedResource {
    return only({ ...result, resources: result.resources.filter((r) => r.parent === `${result.stack}-app`) }, type, suffix);
}
const spec = (r: RecordedResource) => r.inputs.spec as any;
const pod = (r: RecordedResource) => spec(r).template.spec;
const container = (r: RecordedResource) => pod(r).containers[0];

describe("ZeroDowntimeService", () => {
    it("[#11.9] behind the gateway: the namespace is labelled for sidecar injection only (not under the controller's fail-closed pod webhook)", async () => {
        const labels = (only(await synth("dev"), T.ns, APP_NAMESPACE).inputs.metadata as any).labels;
        assert.deepEqual(labels, { "istio-injection": "enabled" });
    });

    it("[#11.9] an ALB target: the namespace is labelled for readiness gates", async () => {
        const labels = (only(await synth("dev", NO_MESH), T.ns, APP_NAMESPACE).inputs.metadata as any).labels;
        assert.deepEqual(labels, { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" });
    });

    it("issue 23.6: the component creates no Namespace and owns none: the platform makes it, so a team's destroy never deletes one", async () => {
        for (const result of [await synth("dev"), await synth("dev", NO_MESH)]) {
            const app = result.resources.filter((r) => r.parent === `${result.stack}-app`);
            assert.ok(app.length > 0);
            assert.ok(!app.some((r) => r.type === T.ns), "a Namespace among the component's children");
            // Everything the component creates is in the namespace it was given.
            for (const r of app.filter((x) => x.type.startsWith("kubernetes:"))) {
                assert.equal((r.inputs.metadata as any).namespace, "web", r.name);
            }
            const ns = only(result, T.ns, APP_NAMESPACE);
            assert.equal(ns.parent, `${result.stack}-app-namespace`);
        }
    });

    it("issue 22.13: meshed pods carry their sidecar's inbound drain (drainDuration 45 s) as their proxy config, not a terminationDrainDuration a native sidecar never waits; grace 90 s covers 40 + 20", async () => {
        const d = appResource(await synth("dev"), T.deploy);
        assert.equal(spec(d).template.metadata.annotations["proxy.istio.io/config"], '{"drainDuration":"45s"}');
        assert.equal(pod(d).terminationGracePeriodSeconds, 90);
        const bare = appResource(await synth("dev", NO_MESH), T.deploy);
        assert.equal(spec(bare).template.metadata.annotations["proxy.istio.io/config"], undefined);
    });

    for (const mode of [
        { name: "through the Istio gateway", overrides: {}, front: [T.svc, T.vs, T.dr] },
        { name: "ALB straight to the pods", overrides: NO_MESH, front: [T.svc, T.ingress] },
    ]) {
        it(`${mode.name}: namespace → Service and routing → Deployment`, async () => {
            const result = await synth("dev", mode.overrides);
            const ns = only(result, T.ns, APP_NAMESPACE).name;
            const deploy = appResource(result, T.deploy).name;
            for (const type of mode.front) {
                const r = appResource(result, type);
                assert.ok(waitsFor(result, r.name, ns), `${type} before its namespace`);
                assert.ok(waitsFor(result, deploy, r.name), `Deployment does not wait for ${type}`);
            }
            assert.ok(
                waitsFor(result, ns, release(result, "aws-load-balancer-controller").name),
                "the webhook exists before the first pod",
            );
        });
    }

    it("Deployment: rolling update that never drops ready capacity, the HPA minimum (4) surged in one wave on Karpenter, history for rollback", async () => {
        const d = spec(appResource(await synth("dev"), T.deploy));
        assert.deepEqual(d.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 4, maxUnavailable: 0 } });
        // Seed 002: ten ReplicaSets kept for `kubectl rollout undo`; a new pod ready 10 s before the next step.
        assert.equal(d.revisionHistoryLimit, 10);
        assert.equal(d.minReadySeconds, 10);
        assert.equal(d.replicas, undefined, "the HPA owns replicas");
    });

    it("without autoscaling the Deployment runs the configured replicas (default 4) and no HPA exists", async () => {
        const result = await synth("dev", OWN_ALB);
        assert.equal(spec(appResource(result, T.deploy)).replicas, 4);
        assert.ok(!result.resources.some((r) => r.type === T.hpa));
    });

    it("three distinct probes: startup for slow starts, readiness on the path, liveness on TCP", async () => {
        const c = container(appResource(await synth("dev"), T.deploy));
        assert.deepEqual(c.startupProbe.httpGet, { path: "/", port: "http" });
        assert.equal(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold, 60);
        assert.deepEqual(c.readinessProbe.httpGet, { path: "/", port: "http" });
        assert.deepEqual(c.livenessProbe.tcpSocket, { port: "http" });
        assert.notDeepEqual(c.livenessProbe, c.readinessProbe);
        for (const probe of [c.readinessProbe, c.livenessProbe]) {
            assert.equal(probe.initialDelaySeconds, undefined, "slow starts belong to the startup probe");
        }
    });

    it("an HTTP liveness path when configured", async () => {
        const c = container(appResource(await synth("dev", OWN_ALB), T.deploy));
        assert.deepEqual(c.livenessProbe.httpGet, { path: "/healthz", port: "http" });
    });

    for (const version of ["1.32", "1.36"]) {
        // Dev is meshed: the mesh path's 15 s (istiod's 10 s debounce cap + 5 s push), rules/timing.ts.
        it(`preStop on Kubernetes ${version}: the sleep action, 15 s (a meshed app)`, async () => {
            const result = await synth("dev", { "zero-downtime-eks:cluster": { publicAccessCidrs: ["0.0.0.0/0"], version } });
            assert.deepEqual(container(appResource(result, T.deploy)).lifecycle.preStop, { sleep: { seconds: MESH_PROPAGATION_SECONDS } });
        });
    }

    it("requests, memory limit, locked-down security context, zone spread, pinned default image", async () => {
        const d = appResource(await synth("dev"), T.deploy);
        const c = container(d);
        assert.deepEqual(c.resources, { requests: { cpu: "250m", memory: "128Mi" }, limits: { memory: "256Mi" } });
        assert.deepEqual(c.securityContext, {
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
        });
        assert.equal(pod(d).securityContext.runAsNonRoot, true);
        // Spread over zones and nodes, but never left Pending for it: DoNotSchedule would block a
        // rollout's surge pod when one zone is full (the surge must start for the old pod to go).
        assert.deepEqual(
            pod(d).topologySpreadConstraints.map((t: any) => [t.topologyKey, t.maxSkew, t.whenUnsatisfiable]),
            [
                ["topology.kubernetes.io/zone", 1, "ScheduleAnyway"],
                ["kubernetes.io/hostname", 1, "ScheduleAnyway"],
            ],
        );
        assert.match(c.image, /^nginxinc\/nginx-unprivileged:\d+\.\d+\.\d+-alpine$/);
    });

    it("ALB exposure: target-type ip, health check, deliberate deregistration delay, configurable scheme", async () => {
        const result = await synth("dev", OWN_ALB);
        const ingress = appResource(result, T.ingress).inputs as any;
        const a = ingress.metadata.annotations;
        assert.equal(a["alb.ingress.kubernetes.io/target-type"], "ip");
        assert.equal(a["alb.ingress.kubernetes.io/scheme"], "internal");
        assert.equal(a["alb.ingress.kubernetes.io/healthcheck-path"], "/ready");
        assert.equal(a["alb.ingress.kubernetes.io/healthcheck-interval-seconds"], "5");
        // [#11.1] Always sent: without it the controller sends 5, which the ELB API refuses with a 5 s interval.
        assert.equal(a["alb.ingress.kubernetes.io/healthcheck-timeout-seconds"], "3");
        assert.equal(a["alb.ingress.kubernetes.io/unhealthy-threshold-count"], "2");
        assert.equal(a["alb.ingress.kubernetes.io/target-group-attributes"], "deregistration_delay.timeout_seconds=30");
        assert.equal(ingress.spec.ingressClassName, "alb");
        assert.ok(!result.resources.some((r) => r.type === T.dr), "no DestinationRule without Istio");
        assert.match(String(result.outputs.appUrl), /^http:\/\/k8s-.*\.elb\.amazonaws\.com$/);
    });

    it("HPA autoscaling/v2 on CPU with fast scale-up and stabilized scale-down, min ≥ 2", async () => {
        const h = spec(appResource(await synth("dev"), T.hpa));
        assert.equal(h.minReplicas, 4);
        assert.equal(h.maxReplicas, 12);
        assert.ok(h.minReplicas >= 2);
        assert.equal(h.metrics[0].resource.name, "cpu");
        assert.equal(h.metrics[0].resource.target.averageUtilization, 60);
        assert.equal(h.behavior.scaleUp.stabilizationWindowSeconds, 0);
        assert.equal(h.behavior.scaleDown.stabilizationWindowSeconds, 300);
        // One pod a minute on the way down: each leaves through the whole preStop and deregistration
        // path before the next (a Percent policy would drop several at once at 12 replicas).
        assert.deepEqual(h.behavior.scaleDown.policies, [{ type: "Pods", value: 1, periodSeconds: 60 }]);
        // Up: whichever is more of doubling or four pods, every 15 s (the spike of field report 003).
        assert.equal(h.behavior.scaleUp.selectPolicy, "Max");
        assert.deepEqual(h.behavior.scaleUp.policies, [
            { type: "Percent", value: 100, periodSeconds: 15 },
            { type: "Pods", value: 4, periodSeconds: 15 },
        ]);
        assert.equal(h.scaleTargetRef.name, "web");
    });

    it("PDB allows one voluntary disruption at a time", async () => {
        const p = spec(appResource(await synth("dev"), T.pdb));
        assert.equal(p.maxUnavailable, 1);
        // A crash-looping pod must not block a node drain (rules/drain.ts).
        assert.equal(p.unhealthyPodEvictionPolicy, "AlwaysAllow");
        assert.deepEqual(p.selector.matchLabels, { "app.kubernetes.io/name": "web" });
    });

    it("DestinationRule outlier detection: 3 consecutive 5xx, every 10 s, 30 s ejection (seed 000)", async () => {
        const dr = spec(appResource(await synth("dev"), T.dr));
        assert.equal(dr.host, "web.web.svc.cluster.local");
        assert.deepEqual(dr.trafficPolicy.outlierDetection, {
            consecutive5xxErrors: 3,
            interval: "10s",
            baseEjectionTime: "30s",
            maxEjectionPercent: 50,
        });
    });

    it("VirtualService binds to the platform gateway and routes to the Service", async () => {
        const vs = spec(appResource(await synth("dev"), T.vs));
        assert.deepEqual(vs.gateways, ["istio-ingress/platform"]);
        assert.equal(vs.http[0].route[0].destination.host, "web.web.svc.cluster.local");
        // Retried only when the request never reached the app (connection refused or reset before
        // any byte): retrying "5xx" would send a request that already ran a second time.
        assert.deepEqual(vs.http[0].retries, { attempts: 2, retryOn: "connect-failure,refused-stream" });
    });

    const COLORS = ["blue", "green"] as const;
    for (const active of COLORS) {
        it(`blue/green: two Deployments, the Service selects ${active}`, async () => {
            // The shared blue/green variant (green active), or the same with blue active.
            const bg = BLUE_GREEN[APP].blueGreen;
            const result = await synth("dev", { [APP]: { blueGreen: { ...bg, activeColor: active } } });
            for (const color of COLORS) {
                const d = appResource(result, T.deploy, `-${color}`);
                assert.equal(spec(d).template.metadata.labels.version, color);
                assert.equal(appResource(result, T.hpa, `-${color}`).name.endsWith(color), true);
            }
            assert.match(container(appResource(result, T.deploy, "-green")).image, /1\.29\.3/);
            assert.equal(spec(appResource(result, T.svc)).selector.version, active);
        });
    }

    it("outputs: the app's URL (the ALB) and namespace; absent when the app is off", async () => {
        const on = await synth("dev");
        assert.match(String(on.outputs.appUrl), /^http:\/\/.*elb\.amazonaws\.com$/);
        assert.equal(on.outputs.appNamespace, "web");
        const off = await synth("dev", { [APP]: { enabled: false } });
        assert.equal(off.outputs.appUrl, undefined);
        assert.ok(!off.resources.some((r) => r.type === "zero-downtime-eks:app:ZeroDowntimeService"));
    });
});
