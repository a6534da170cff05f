// What a team's program hands ZeroDowntimeService through serviceArgs: the platform's defaults
// (components/app/defaults.ts) under the team's inputs, its own namespace, one image on both colors.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { APP_DEFAULTS } from "../../../components/app/defaults";
import { COLORS, COLOR_LABEL, APP_LABEL } from "../../../components/app/labels";
import { serviceArgs } from "../../../components/app/service-args";
import { imagePinned } from "../../../rules/formats";

const PLACEMENT = {
    kubernetesVersion: "1.36",
    mesh: false,
    sidecarInboundDrainSeconds: 45,
    exposure: { kind: "alb" as const, scheme: "internal" as const },
};

describe("service arguments: exact values", () => {
    it("a team's service: its name as namespace, its image on both colors, no dependency or tag, the defaults for the rest", () => {
        const { enabled: _enabled, ingress: _ingress, ...defaults } = APP_DEFAULTS;
        assert.deepEqual(serviceArgs({ name: "shop", image: "registry.example/shop:1.2", port: 9000, ...PLACEMENT }), {
            ...defaults,
            name: "shop",
            namespace: "shop",
            image: "registry.example/shop:1.2",
            port: 9000,
            blueGreen: {
                enabled: false,
                activeColor: "blue",
                images: { blue: "registry.example/shop:1.2", green: "registry.example/shop:1.2" },
            },
            dependsOn: [],
            tags: {},
            ...PLACEMENT,
        });
    });

    it("what the team sets wins, a whole group at a time", () => {
        const args = serviceArgs({ name: "shop", image: "shop:1", port: 9000, ...PLACEMENT, namespace: "team-a", tags: { team: "a" } });
        assert.deepEqual([args.namespace, args.tags], ["team-a", { team: "a" }]);
    });

    it("the shipped defaults the README documents: a pinned image, HTTP readiness on /, TCP liveness, blue first, autoscaling on", () => {
        assert.ok(imagePinned(APP_DEFAULTS.image), APP_DEFAULTS.image);
        assert.deepEqual(
            [APP_DEFAULTS.enabled, APP_DEFAULTS.probes.path, APP_DEFAULTS.probes.livenessPath, APP_DEFAULTS.autoscaling.enabled],
            [true, "/", "", true],
        );
        assert.deepEqual(APP_DEFAULTS.blueGreen, { enabled: false, activeColor: "blue" });
        assert.deepEqual(APP_DEFAULTS.ingress, { scheme: "internet-facing" });
        // maxSurge: the replicas (the HPA minimum, 4) in one wave, a count (issue 26: Karpenter has room for it).
        assert.deepEqual(APP_DEFAULTS.rollout, { maxSurge: 4, maxUnavailable: 0, minReadySeconds: 10, revisionHistoryLimit: 10 });
        assert.equal(APP_DEFAULTS.rollout.maxSurge, APP_DEFAULTS.replicas);
        assert.deepEqual([APP_DEFAULTS.name, APP_DEFAULTS.namespace], ["web", "web"]);
    });

    it("labels: the color label the Service selects on, the app label of every object, the two colors", () => {
        assert.deepEqual([COLOR_LABEL, APP_LABEL, COLORS], ["version", "app.kubernetes.io/name", ["blue", "green"]]);
    });
});
