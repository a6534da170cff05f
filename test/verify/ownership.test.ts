// Field ownership: what verify's changes do to managedFields, and that the next `pulumi up` that
// changes the same fields still goes through. Pulumi is played by Server-Side Apply requests under a
// pulumi-kubernetes-<random> field manager without force (pulumi-kubernetes provider.go
// fieldManagerName, await.go patchForce), against a stand-in API server that tracks managedFields
// (ssa-server.ts); verify is its real KubeClusterClient and Restorer.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { VERIFY_FIELD_MANAGER } from "../../verify/cluster-client";
import type { Target } from "../../verify/discover";
import { KubeClusterClient, loadKubeConfig } from "../../verify/kube";
import { ManagedFieldsEntry, giveBack } from "../../verify/ownership";
import { Restorer } from "../../verify/restore";
import { writeKubeconfig } from "./kubeconfig";
import { StandIn, startStandIn } from "./ssa-server";

const PULUMI = "pulumi-kubernetes-1a2b3c4d";
const HPA_PATH = "/apis/autoscaling/v2/namespaces/web/horizontalpodautoscalers/web-blue";
const SERVICE_PATH = "/api/v1/namespaces/web/services/web";
const LABELS = { "app.kubernetes.io/name": "web" };

/** What Pulumi applies: the app's HPA and Service (blue/green, blue active), with the bounds and color given. */
function pulumiConfig(bounds: { minReplicas: number; maxReplicas: number }, color: string) {
    return {
        [HPA_PATH]: {
            apiVersion: "autoscaling/v2",
            kind: "HorizontalPodAutoscaler",
            metadata: { name: "web-blue", namespace: "web", labels: LABELS },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web-blue" },
                ...bounds,
                metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } }],
            },
        },
        [SERVICE_PATH]: {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "web", namespace: "web", labels: LABELS },
            spec: { selector: { ...LABELS, version: color }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
        },
    };
}

const FOUND = { minReplicas: 4, maxReplicas: 12 };
const TARGET: Target = {
    namespace: "web",
    deployment: "web-blue",
    hpa: FOUND,
    replicas: 4,
    selector: { ...LABELS, version: "blue" },
    colors: { active: "blue", idle: "green" },
};

/** A fresh stand-in API server with the app's HPA and Service (not applied yet), verify's client to it, and Pulumi. */
async function cluster(before?: (path: string, body: string) => void) {
    const bare = (apiVersion: string, kind: string, name: string) => ({
        apiVersion,
        kind,
        metadata: { name, namespace: "web", resourceVersion: "1" },
    });
    const api: StandIn = await startStandIn(
        { [HPA_PATH]: bare("autoscaling/v2", "HorizontalPodAutoscaler", "web-blue"), [SERVICE_PATH]: bare("v1", "Service", "web") },
        ["spec.selector"],
        (req) => (req.method === "PATCH" ? before?.(req.path, req.body) : undefined),
    );
    const kubeconfig = writeKubeconfig(api.url);
    /** `pulumi up`: one Server-Side Apply per object, no force; each answer's status and message. */
    const pulumiUp = async (bounds: typeof FOUND, color: string): Promise<{ status: number; message?: string }[]> => {
        const results: { status: number; message?: string }[] = [];
        for (const [p, config] of Object.entries(pulumiConfig(bounds, color))) {
            const res = await fetch(`${api.url}${p}?fieldManager=${PULUMI}`, {
                method: "PATCH",
                headers: { "content-type": "application/apply-patch+yaml" },
                body: JSON.stringify(config),
            });
            results.push({ status: res.status, message: ((await res.json()) as { message?: string }).message });
        }
        return results;
    };
    /** The managers (and operations) that own a field of the object at `p`. */
    const owners = (p: string, field: string[]): string[] =>
        ((api.objects.get(p)?.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? [])
            .filter(
                (e) =>
                    field.reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[`f:${k}`], e.fieldsV1) !== undefined,
            )
            .map((e) => `${e.manager} ${e.operation}`);
    return { api, client: new KubeClusterClient(loadKubeConfig({ kubeconfig })), pulumiUp, owners };
}

describe("issue 21.5: verify leaves the app's objects owned as Pulumi owns them", () => {
    const OK = { status: 200, message: undefined };

    it("the stand-in: verify's merge patches take the fields; putting the values back does not return them; the next pulumi up that changes them conflicts", async () => {
        const { api, client, pulumiUp, owners } = await cluster();
        try {
            assert.deepEqual(await pulumiUp(FOUND, "blue"), [OK, OK]);
            assert.deepEqual(owners(HPA_PATH, ["spec", "minReplicas"]), [`${PULUMI} Apply`]);
            // What verify did before: change, then change back, as merge patches under its own manager.
            await client.patchHpa("web", "web-blue", { minReplicas: 2, maxReplicas: 2 });
            await client.patchHpa("web", "web-blue", FOUND);
            assert.deepEqual(owners(HPA_PATH, ["spec", "minReplicas"]), [`${VERIFY_FIELD_MANAGER} Update`]);
            // Unchanged values are shared (no conflict); a changed one conflicts with npm-run-verify.
            assert.deepEqual(await pulumiUp(FOUND, "blue"), [OK, OK]);
            assert.deepEqual(owners(HPA_PATH, ["spec", "minReplicas"]), [`${VERIFY_FIELD_MANAGER} Update`, `${PULUMI} Apply`]);
            const [hpa] = await pulumiUp({ minReplicas: 6, maxReplicas: 12 }, "blue");
            assert.equal(hpa.status, 409);
            assert.match(hpa.message ?? "", /conflict with "npm-run-verify" using autoscaling\/v2: \.spec\.minReplicas/);
        } finally {
            api.close();
        }
    });

    it("issue 21.5: after a run's changes and its restore, the next pulumi up that changes the same fields goes through", async () => {
        let interleave = true;
        const { api, client, pulumiUp, owners } = await cluster((p, body) => {
            // An HPA status write lands between verify's read of the HPA and its write of the managedFields.
            if (interleave && p === HPA_PATH && body.includes('"managedFields"')) {
                interleave = false;
                const hpa = api.objects.get(HPA_PATH) as { metadata: { resourceVersion: string } };
                hpa.metadata.resourceVersion = String(Number(hpa.metadata.resourceVersion) + 1000);
            }
        });
        try {
            assert.deepEqual(await pulumiUp(FOUND, "blue"), [OK, OK]);
            const lines: string[] = [];
            const restorer = new Restorer(client, "web", TARGET, (line) => lines.push(line));
            await restorer.snapshot();
            // The run: scale-in through the HPA's bounds, blue/green through the Service's selector.
            await client.patchHpa("web", "web-blue", { minReplicas: 2, maxReplicas: 2 });
            await client.patchServiceSelector("web", "web", { version: "green" });
            assert.deepEqual(owners(SERVICE_PATH, ["spec", "selector"]), [`${VERIFY_FIELD_MANAGER} Update`]);
            assert.deepEqual(await restorer.restore(), []);
            assert.ok(
                api.answers.some((a) => a.status === 409 && a.path === HPA_PATH),
                "the write on a stale resourceVersion was refused, then made again",
            );
            for (const [p, field] of [
                [HPA_PATH, ["spec", "minReplicas"]],
                [HPA_PATH, ["spec", "maxReplicas"]],
                [SERVICE_PATH, ["spec", "selector"]],
            ] as const) {
                assert.deepEqual(owners(p, [...field]), [`${PULUMI} Apply`], `${p} ${field.join(".")}`);
            }
            assert.ok(
                lines.includes(
                    "gave back spec.minReplicas, spec.maxReplicas of HorizontalPodAutoscaler web/web-blue to the manager(s) that owned them",
                ),
                lines.join("\n"),
            );
            // The next pulumi up changes the bounds and the color: no conflict.
            assert.deepEqual(await pulumiUp({ minReplicas: 6, maxReplicas: 20 }, "green"), [OK, OK]);
            const hpa = api.objects.get(HPA_PATH) as { spec: typeof FOUND };
            assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [6, 20]);
        } finally {
            api.close();
        }
    });
});

describe("issue 21.5: giving fields back, on managedFields alone", () => {
    const entry = (
        manager: string,
        operation: string,
        fieldsV1: Record<string, unknown>,
        apiVersion = "autoscaling/v2",
    ): ManagedFieldsEntry => ({
        manager,
        operation,
        apiVersion,
        time: "2026-12-01T10:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1,
    });
    const PULUMI_HPA = entry(PULUMI, "Apply", { "f:spec": { "f:minReplicas": {}, "f:maxReplicas": {}, "f:scaleTargetRef": {} } });
    const BOUNDS = [
        ["spec", "minReplicas"],
        ["spec", "maxReplicas"],
    ];
    const cases: {
        name: string;
        live: ManagedFieldsEntry[];
        found?: ManagedFieldsEntry[];
        paths?: string[][];
        expect: ManagedFieldsEntry[] | undefined;
    }[] = [
        {
            name: "verify's update entry loses the fields, and goes when it owns nothing else",
            live: [
                entry(PULUMI, "Apply", { "f:spec": { "f:scaleTargetRef": {} } }),
                entry(VERIFY_FIELD_MANAGER, "Update", { "f:spec": { "f:minReplicas": {}, "f:maxReplicas": {} } }),
            ],
            expect: [entry(PULUMI, "Apply", { "f:spec": { "f:scaleTargetRef": {}, "f:minReplicas": {}, "f:maxReplicas": {} } })],
        },
        {
            name: "what verify owns besides (a rollout restart's annotation nobody else had) stays verify's",
            live: [
                entry(PULUMI, "Apply", { "f:spec": { "f:scaleTargetRef": {} } }),
                entry(VERIFY_FIELD_MANAGER, "Update", {
                    "f:metadata": { "f:annotations": { "f:x": {} } },
                    "f:spec": { "f:minReplicas": {}, "f:maxReplicas": {} },
                }),
            ],
            expect: [
                entry(PULUMI, "Apply", { "f:spec": { "f:scaleTargetRef": {}, "f:minReplicas": {}, "f:maxReplicas": {} } }),
                entry(VERIFY_FIELD_MANAGER, "Update", { "f:metadata": { "f:annotations": { "f:x": {} } } }),
            ],
        },
        {
            name: "only the fields whose value is back (the caller's paths) move",
            live: [
                entry(PULUMI, "Apply", { "f:spec": { "f:scaleTargetRef": {} } }),
                entry(VERIFY_FIELD_MANAGER, "Update", { "f:spec": { "f:minReplicas": {}, "f:maxReplicas": {} } }),
            ],
            paths: [["spec", "maxReplicas"]],
            expect: [
                entry(PULUMI, "Apply", { "f:spec": { "f:scaleTargetRef": {}, "f:maxReplicas": {} } }),
                entry(VERIFY_FIELD_MANAGER, "Update", { "f:spec": { "f:minReplicas": {} } }),
            ],
        },
        {
            name: "an owner whose entry is gone gets one back, as it was, with the field",
            live: [entry(VERIFY_FIELD_MANAGER, "Update", { "f:spec": { "f:minReplicas": {} } })],
            found: [entry("kubectl-edit", "Update", { "f:spec": { "f:minReplicas": {} } })],
            paths: [["spec", "minReplicas"]],
            expect: [entry("kubectl-edit", "Update", { "f:spec": { "f:minReplicas": {} } })],
        },
        {
            name: "nothing of verify's to give: no change",
            live: [PULUMI_HPA],
            expect: undefined,
        },
        {
            name: "a field nobody else owned when verify started stays verify's",
            live: [entry(VERIFY_FIELD_MANAGER, "Update", { "f:spec": { "f:minReplicas": {} } })],
            found: [entry("someone", "Update", { "f:spec": { "f:scaleTargetRef": {} } })],
            expect: undefined,
        },
    ];
    for (const c of cases) {
        it(`issue 21.5: ${c.name}`, () => {
            assert.deepEqual(giveBack(c.live, c.found ?? [PULUMI_HPA], c.paths ?? BOUNDS, VERIFY_FIELD_MANAGER), c.expect);
        });
    }
});
