// The values and messages readApp gives for input the configuration reference cannot show: every
// key set to a value other than its default comes back as given, the cross-field checks inside the
// section, and exact refusal texts.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { readApp } from "../../../stacks/sections/app";
import { Problem, Section } from "../../../stacks/validate";
import type { AppSettings } from "../../../stacks/settings";

const KEY = "zero-downtime-eks:app";
const IMAGE = "nginxinc/nginx-unprivileged:1.29.3-alpine";
const GREEN = "nginxinc/nginx-unprivileged:1.29.4-alpine";
const PERCENT = 'a whole number of pods (e.g. 1) or a percentage string (e.g. "25%")';
const PROBE_PATH = 'an HTTP path, e.g. "/ready"';
const LIVENESS_PATH = 'an HTTP path, or "" for a TCP liveness check';

function read(value: Record<string, unknown>): { app: AppSettings; problems: Problem[] } {
    const problems: Problem[] = [];
    const app = readApp(new Section(KEY, value, problems));
    return { app, problems };
}

// Each value differs from components/app/defaults.ts APP_DEFAULTS and lies inside its key's range.
const NON_DEFAULT = {
    enabled: false,
    name: "shop",
    namespace: "shop-ns",
    image: IMAGE,
    port: 9090,
    replicas: 3,
    resources: { cpuMillicores: 500, memoryMiB: 200, memoryLimitMiB: 300 },
    probes: {
        path: "/ready",
        livenessPath: "/live",
        startupPeriodSeconds: 2,
        startupFailureThreshold: 30,
        readinessPeriodSeconds: 3,
        readinessFailureThreshold: 4,
        livenessPeriodSeconds: 15,
        livenessFailureThreshold: 5,
    },
    rollout: { maxSurge: "25%", maxUnavailable: 1, minReadySeconds: 20, revisionHistoryLimit: 5 },
    autoscaling: { enabled: false, maxReplicas: 20, targetCpuUtilization: 70 },
    timing: {
        preStopSeconds: 30,
        shutdownSeconds: 25,
        terminationGracePeriodSeconds: 120,
        deregistrationDelaySeconds: 40,
        healthCheckIntervalSeconds: 10,
        healthCheckTimeoutSeconds: 5,
        healthyThreshold: 3,
        unhealthyThreshold: 4,
    },
    ingress: { scheme: "internal" },
    outlierDetection: { consecutive5xxErrors: 5, intervalSeconds: 20, baseEjectionSeconds: 60, maxEjectionPercent: 25 },
    blueGreen: { enabled: true, activeColor: "green", images: { green: GREEN } },
};

describe("settings: zero-downtime-eks:app values", () => {
    it("every key set to a non-default value is returned as given", () => {
        const { app, problems } = read(NON_DEFAULT);
        assert.deepEqual(problems, []);
        // blueGreen.images.blue is not set: it runs the app's image.
        assert.deepEqual(app, {
            ...NON_DEFAULT,
            blueGreen: { enabled: true, activeColor: "green", images: { blue: IMAGE, green: GREEN } },
        });
    });

    // Kubernetes IntOrString (Deployment maxSurge/maxUnavailable): a count of pods or "0%"-"100%".
    const ROLLOUT: { value: unknown; ok: boolean }[] = [
        { value: 0, ok: true },
        { value: 7, ok: true },
        { value: "0%", ok: true },
        { value: "100%", ok: true },
        { value: -1, ok: false },
        { value: 1.5, ok: false },
        { value: "101%", ok: false },
        { value: "x25%", ok: false },
        { value: "25%x", ok: false },
        // Number() would read " 25" as 25; Kubernetes' IntOrString percentage would not.
        { value: " 25%", ok: false },
        { value: "+25%", ok: false },
        { value: "25", ok: false },
    ];
    for (const r of ROLLOUT) {
        it(`rollout.maxUnavailable ${JSON.stringify(r.value)} is ${r.ok ? "accepted" : "refused"}`, () => {
            const { app, problems } = read({ rollout: { maxUnavailable: r.value } });
            if (r.ok) {
                assert.deepEqual(problems, []);
                assert.equal(app.rollout.maxUnavailable, r.value);
                return;
            }
            assert.deepEqual(problems, [{ key: `${KEY}.rollout.maxUnavailable`, given: JSON.stringify(r.value), expected: PERCENT }]);
        });
    }

    const PATHS: { case: string; probes: Record<string, unknown>; problems: Problem[] }[] = [
        { case: "a TCP liveness check beside any readiness path", probes: { path: "/ready", livenessPath: "" }, problems: [] },
        {
            case: "a readiness path without its leading /",
            probes: { path: "x/ready" },
            problems: [{ key: `${KEY}.probes.path`, given: '"x/ready"', expected: PROBE_PATH }],
        },
        {
            case: "a readiness path with a space",
            probes: { path: "/ready now" },
            problems: [{ key: `${KEY}.probes.path`, given: '"/ready now"', expected: PROBE_PATH }],
        },
        {
            case: "a liveness path without its leading /",
            probes: { livenessPath: "x/live" },
            problems: [{ key: `${KEY}.probes.livenessPath`, given: '"x/live"', expected: LIVENESS_PATH }],
        },
        {
            case: "a liveness path with a space",
            probes: { livenessPath: "/live now" },
            problems: [{ key: `${KEY}.probes.livenessPath`, given: '"/live now"', expected: LIVENESS_PATH }],
        },
        {
            case: "liveness on the readiness path",
            probes: { path: "/ready", livenessPath: "/ready" },
            problems: [
                {
                    key: `${KEY}.probes.livenessPath`,
                    given: '"/ready"',
                    expected:
                        'a path other than the readiness path "/ready", or "" for TCP: a liveness copy of readiness restarts every pod when a dependency fails',
                },
            ],
        },
    ];
    for (const p of PATHS) {
        it(`probes: ${p.case}`, () => {
            assert.deepEqual(read({ probes: p.probes }).problems, p.problems);
        });
    }

    const CHECKS: { case: string; value: Record<string, unknown>; problems: Problem[] }[] = [
        { case: "a memory limit equal to the request", value: { resources: { memoryMiB: 256, memoryLimitMiB: 256 } }, problems: [] },
        {
            case: "a memory limit under the request",
            value: { resources: { memoryMiB: 256, memoryLimitMiB: 255 } },
            problems: [{ key: `${KEY}.resources.memoryLimitMiB`, given: "255", expected: "at least memoryMiB (256)" }],
        },
        { case: "HPA maximum equal to replicas", value: { replicas: 6, autoscaling: { maxReplicas: 6 } }, problems: [] },
        {
            case: "HPA maximum under replicas",
            value: { replicas: 6, autoscaling: { maxReplicas: 5 } },
            problems: [{ key: `${KEY}.autoscaling.maxReplicas`, given: "5", expected: `at least ${KEY}.replicas (6), the HPA minimum` }],
        },
        {
            case: "a bad namespace",
            value: { namespace: "Shop" },
            problems: [{ key: `${KEY}.namespace`, given: '"Shop"', expected: "a DNS label: lowercase letters, digits and '-'" }],
        },
        {
            case: "a reserved namespace",
            value: { namespace: "kube-system" },
            problems: [
                {
                    key: `${KEY}.namespace`,
                    given: '"kube-system"',
                    // components/addons/names.ts RESERVED_NAMESPACES.
                    expected:
                        "a namespace of the app's own: default, kube-system, kube-public, kube-node-lease, istio-system, istio-ingress, locust are created by Kubernetes, EKS or the platform's addons (creating one again fails with AlreadyExists)",
                },
            ],
        },
        {
            case: "an image that is no reference",
            value: { image: "nginx:1.29 alpine" },
            problems: [
                {
                    key: `${KEY}.image`,
                    given: '"nginx:1.29 alpine"',
                    expected: 'a container image pinned by tag or digest, e.g. "nginxinc/nginx-unprivileged:1.29.4-alpine"',
                },
            ],
        },
    ];
    for (const c of CHECKS) {
        it(`checks: ${c.case}`, () => {
            assert.deepEqual(read(c.value).problems, c.problems);
        });
    }
});
