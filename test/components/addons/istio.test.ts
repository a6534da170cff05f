import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { GATEWAY_TIMING, SIDECAR_INBOUND_DRAIN_SECONDS } from "../../../stacks/defaults";
import { VERSIONS } from "../../../components/versions";
import { only, release, synth, valuesOf } from "../../harness";

const PEER_AUTH = "kubernetes:security.istio.io/v1:PeerAuthentication";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";

describe("Istio", () => {
    it("base, istiod and gateway share the one pinned Istio version", async () => {
        const result = await synth("dev");
        for (const name of ["istio-base", "istiod", "istio-ingressgateway"]) {
            assert.equal(release(result, name).inputs.version, VERSIONS.istio.version);
        }
        assert.equal(result.outputs.istioVersion, VERSIONS.istio.version);
        assert.equal(result.outputs.ingressGatewayService, "istio-ingress/istio-ingressgateway");
    });

    const MODES = [
        { config: {}, mode: "STRICT" },
        { config: { mtlsMode: "PERMISSIVE" }, mode: "PERMISSIVE" },
    ];
    for (const c of MODES) {
        it(`mesh-wide PeerAuthentication ${c.mode}`, async () => {
            const result = await synth("dev", { "zero-downtime-eks:addons": { istio: c.config } });
            const pa = only(result, PEER_AUTH).inputs;
            assert.deepEqual(pa.metadata, { name: "default", namespace: "istio-system" });
            assert.deepEqual(pa.spec, { mtls: { mode: c.mode } });
        });
    }

    it("issue 22.13: native sidecars forced on; the mesh's drainDuration (the sidecars' inbound drain) and the gateway's terminationDrainDuration set", async () => {
        const values = valuesOf(release(await synth("dev"), "istiod"));
        assert.equal(values.env.ENABLE_NATIVE_SIDECARS, "true");
        assert.equal(values.meshConfig.defaultConfig.terminationDrainDuration, `${GATEWAY_TIMING.drainSeconds}s`);
        assert.equal(values.meshConfig.defaultConfig.drainDuration, `${SIDECAR_INBOUND_DRAIN_SECONDS}s`);
        assert.equal(values.meshConfig.defaultConfig.holdApplicationUntilProxyStarts, true);
    });

    it("the ALB reaches workloads only through the gateway: ClusterIP gateway, ip targets, readiness gates", async () => {
        const result = await synth("dev");
        const gateway = valuesOf(release(result, "istio-ingressgateway"));
        assert.equal(gateway.service.type, "ClusterIP");
        assert.equal(gateway.terminationGracePeriodSeconds, GATEWAY_TIMING.terminationGracePeriodSeconds);
        assert.deepEqual(gateway.lifecycle.preStop, { sleep: { seconds: GATEWAY_TIMING.preStopSeconds } });
        const ingress = only(result, INGRESS).inputs as {
            metadata: { namespace: string; annotations: Record<string, string> };
            spec: unknown;
        };
        const a = ingress.metadata.annotations;
        assert.equal(a["alb.ingress.kubernetes.io/target-type"], "ip");
        assert.equal(a["alb.ingress.kubernetes.io/scheme"], "internet-facing");
        assert.equal(a["alb.ingress.kubernetes.io/healthcheck-port"], "15021");
        assert.equal(a["alb.ingress.kubernetes.io/healthcheck-path"], "/healthz/ready");
        assert.equal(
            a["alb.ingress.kubernetes.io/target-group-attributes"],
            `deregistration_delay.timeout_seconds=${GATEWAY_TIMING.deregistrationDelaySeconds}`,
        );
        assert.deepEqual(ingress.spec, {
            ingressClassName: "alb",
            defaultBackend: { service: { name: "istio-ingressgateway", port: { number: 80 } } },
        });
        const ns = only(result, "kubernetes:core/v1:Namespace", "-gateway-ns").inputs as {
            metadata: { name: string; labels: Record<string, string> };
        };
        assert.equal(ns.metadata.name, ingress.metadata.namespace);
        assert.equal(ns.metadata.labels["elbv2.k8s.aws/pod-readiness-gate-inject"], "enabled");
    });

    it("an internal entrypoint when configured", async () => {
        const result = await synth("dev", { "zero-downtime-eks:addons": { istio: { ingressScheme: "internal" } } });
        const ingress = only(result, INGRESS).inputs as { metadata: { annotations: Record<string, string> } };
        assert.equal(ingress.metadata.annotations["alb.ingress.kubernetes.io/scheme"], "internal");
    });

    it("[#11.1] the entrypoint ALB's health check: 5 s interval, 3 s timeout (below it, as the ELB API requires)", async () => {
        const a = (only(await synth("dev"), INGRESS).inputs as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
        assert.equal(a["alb.ingress.kubernetes.io/healthcheck-interval-seconds"], "5");
        assert.equal(a["alb.ingress.kubernetes.io/healthcheck-timeout-seconds"], "3");
    });

    it("[#11.9] once the Ingress has its ALB (and target group binding), the gateway rolls so its pods get readiness gates", async () => {
        const result = await synth("dev");
        const patch = only(result, "kubernetes:apps/v1:DeploymentPatch");
        const ingress = only(result, INGRESS);
        assert.ok(patch.dependsOn.includes(ingress.name), "the roll waits for the Ingress");
        const inputs = patch.inputs as any;
        assert.deepEqual(inputs.metadata, { name: "istio-ingressgateway", namespace: "istio-ingress" });
        const annotations = inputs.spec.template.metadata.annotations;
        // The Ingress's UID (mocked as the API server would assign one): the roll happens once per Ingress.
        assert.match(
            annotations["zero-downtime-eks.io/target-group-binding-of"],
            /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        );
    });

    it("[#11.3] istiod, the gateway and every sidecar request what the capacity model counts (the charts' defaults, set explicitly)", async () => {
        const result = await synth("dev");
        const istiod = valuesOf(release(result, "istiod"));
        assert.deepEqual(istiod.resources.requests, { cpu: "500m", memory: "2048Mi" });
        assert.equal(istiod.autoscaleMin, 2);
        assert.deepEqual(istiod.global.proxy.resources.requests, { cpu: "100m", memory: "128Mi" });
        const gateway = valuesOf(release(result, "istio-ingressgateway"));
        assert.deepEqual(gateway.resources.requests, { cpu: "100m", memory: "128Mi" });
        assert.equal(gateway.autoscaling.minReplicas, 2);
    });
});
