// What ZeroDowntimeService refuses, whole: each property path with its reason, in order, for args
// that break every check at once, and the boundaries that pass. validate.test.ts covers the
// component's refusal; these pin what a team reads (pure: no Pulumi program).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { APP_DEFAULTS } from "../../../components/app/defaults";
import { serviceArgs } from "../../../components/app/service-args";
import { RULE_FIELD_PATHS, validateZeroDowntimeServiceArgs } from "../../../components/app/validate";
import type { ZeroDowntimeServiceArgs } from "../../../components/app/zero-downtime-service";

const BASE = serviceArgs({
    name: "shop",
    image: "shop:1.2",
    port: 8080,
    kubernetesVersion: "1.33",
    mesh: false,
    sidecarInboundDrainSeconds: 45,
    exposure: { kind: "alb", scheme: "internal" },
});
const NOT_PINNED = "is not an image pinned to a version tag or digest";

describe("ZeroDowntimeService's refusals: exact values", () => {
    it("the platform's defaults pass", () => {
        assert.deepEqual(validateZeroDowntimeServiceArgs(BASE), []);
    });

    it("every check broken at once: each path and reason, in order", () => {
        const broken: ZeroDowntimeServiceArgs = {
            ...BASE,
            name: "Shop",
            namespace: "istio-system",
            serviceAccount: { name: "Bad_SA", roleArn: "arn:aws:iam::123456789012:role/shop" },
            image: "shop:latest",
            blueGreen: { enabled: true, activeColor: "blue", images: { blue: "shop", green: "shop:latest" } },
            resources: { cpuMillicores: 0, memoryMiB: 1.5, memoryLimitMiB: 1 },
            timing: { ...BASE.timing, healthCheckIntervalSeconds: 301, healthyThreshold: 11 },
            replicas: 4,
            autoscaling: { ...BASE.autoscaling, maxReplicas: 3 },
        };
        assert.deepEqual(validateZeroDowntimeServiceArgs(broken), [
            { propertyPath: "name", reason: `"Shop" is not a DNS label (lowercase letters, digits and '-', at most 52)` },
            { propertyPath: "serviceAccount.name", reason: '"Bad_SA" is not a DNS label' },
            {
                propertyPath: "namespace",
                reason: "istio-system belongs to Kubernetes or the platform's addons (default, kube-system, kube-public, kube-node-lease, istio-system, istio-ingress, locust): an app runs in a namespace of its own",
            },
            { propertyPath: "image", reason: `"shop:latest" ${NOT_PINNED}` },
            { propertyPath: "blueGreen.images.blue", reason: `"shop" ${NOT_PINNED}` },
            { propertyPath: "blueGreen.images.green", reason: `"shop:latest" ${NOT_PINNED}` },
            { propertyPath: "resources.cpuMillicores", reason: "0 is not a whole number from 1 to 1000000" },
            { propertyPath: "resources.memoryMiB", reason: "1.5 is not a whole number from 1 to 1000000" },
            { propertyPath: "resources.memoryLimitMiB", reason: "1 is below memoryMiB 1.5" },
            // ELB CreateTargetGroup: HealthCheckIntervalSeconds 5-300, HealthyThresholdCount 2-10.
            { propertyPath: "timing.healthCheckIntervalSeconds", reason: "301 is not a whole number from 5 to 300" },
            { propertyPath: "timing.healthyThreshold", reason: "11 is not a whole number from 2 to 10" },
            { propertyPath: "autoscaling.maxReplicas", reason: "3 is below replicas 4, the HPA minimum" },
            {
                propertyPath: "timing.preStopSeconds",
                reason: "preStop sleep 25s is shorter than the 617s the ALB may keep routing to a terminating pod (15s deregistration propagation + 301s × 2 health checks); fix: set preStopSeconds to at least 617 [rule prestop-covers-deregistration]",
            },
            {
                propertyPath: "blueGreen.enabled",
                reason: "blue/green switches through the mesh; on a bare ALB the idle color has no readiness gates and the switch drops requests",
            },
        ]);
    });

    it("the edges that pass: the highest port, a limit equal to the request, an HPA maximum equal to the replicas, idle blue/green images unchecked", () => {
        const edges: ZeroDowntimeServiceArgs = {
            ...BASE,
            // The highest a Kubernetes containerPort may be (core/v1 ContainerPort: 0 < x < 65536).
            port: 65535,
            serviceAccount: { name: "shop-sa", roleArn: "arn:aws:iam::123456789012:role/shop" },
            resources: { ...BASE.resources, memoryLimitMiB: BASE.resources.memoryMiB },
            autoscaling: { ...BASE.autoscaling, maxReplicas: BASE.replicas },
            blueGreen: { ...BASE.blueGreen, enabled: false, images: { blue: "shop", green: "shop:latest" } },
        };
        assert.deepEqual(validateZeroDowntimeServiceArgs(edges), []);
    });

    it("meshed with an ALB of its own: the ALB's health checks decide the preStop, not the mesh's push", () => {
        // The ALB targets the pod's IP and keeps routing to it until it notices the deregistration
        // (rules/timing.ts requiredPreStopSeconds: 15 s + 5 s × 2); the mesh's 15 s covers only Envoys.
        assert.deepEqual(validateZeroDowntimeServiceArgs({ ...BASE, mesh: true, timing: { ...BASE.timing, preStopSeconds: 15 } }), [
            {
                propertyPath: "timing.preStopSeconds",
                reason: "preStop sleep 15s is shorter than the 25s the ALB may keep routing to a terminating pod (15s deregistration propagation + 5s × 2 health checks); fix: set preStopSeconds to at least 25 [rule prestop-covers-deregistration]",
            },
        ]);
    });

    it("blue/green through the mesh gateway passes: only a bare ALB refuses it", () => {
        const meshed: ZeroDowntimeServiceArgs = {
            ...BASE,
            mesh: true,
            exposure: { kind: "istio-gateway", gateway: "istio-ingress/platform" },
            blueGreen: { ...BASE.blueGreen, enabled: true },
        };
        assert.deepEqual(validateZeroDowntimeServiceArgs(meshed), []);
    });

    it("behind the shared gateway: an empty host list, a host that is no DNS name, a path prefix without its slashes", () => {
        const gateway = (exposure: object): string[] =>
            validateZeroDowntimeServiceArgs({ ...BASE, mesh: true, exposure } as ZeroDowntimeServiceArgs).map(
                (p) => `${p.propertyPath}: ${p.reason}`,
            );
        assert.deepEqual(gateway({ kind: "istio-gateway", hosts: [], pathPrefix: "orders" }), [
            "exposure.hosts: an empty list routes nothing; leave it out for every host the Gateway admits",
            'exposure.pathPrefix: "orders" is not a path prefix that starts and ends with "/" (e.g. "/orders/"): without the last "/", "/orders" would also take "/orders-admin"',
        ]);
        assert.deepEqual(gateway({ kind: "istio-gateway", hosts: ["ok.example.com", "Shop.example.com"], pathPrefix: "/orders/" }), [
            'exposure.hosts[1]: "Shop.example.com" is not a VirtualService host: a lower-case DNS name, "*.<domain>" or "*"',
        ]);
        assert.deepEqual(gateway({ kind: "istio-gateway" }), []);
    });

    it("where each rule field lives in the args (and under the app's config key): the path ends in the field's own name", () => {
        for (const [field, where] of Object.entries(RULE_FIELD_PATHS)) {
            assert.ok(where === field || where?.endsWith(`.${field}`), `${field}: ${where}`);
            // Every field but the mesh's drain (set by the platform, no app default) has its default at that path.
            const value = where?.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], APP_DEFAULTS);
            assert.equal(value === undefined, field === "sidecarInboundDrainSeconds", `${field}: APP_DEFAULTS.${where} = ${String(value)}`);
        }
    });
});
