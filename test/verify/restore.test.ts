// The Restorer on its own, against a stub of the calls it makes: which objects it reads before the
// run, the exact command each failed restore tells the user to run by hand, and giving field
// ownership back (the end-to-end journey through a stand-in API server is ownership.test.ts).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { COLOR_LABEL } from "../../components/app/labels";
import type { DeploymentState, HpaState, NodeState, ObjectRef, OwnedObject } from "../../verify/cluster-client";
import { VERIFY_FIELD_MANAGER } from "../../verify/cluster-client";
import type { Target } from "../../verify/discover";
import type { FieldPath, ManagedFieldsEntry } from "../../verify/ownership";
import { OWNERSHIP_ATTEMPTS, RestoreClient, Restorer } from "../../verify/restore";

const PULUMI = "pulumi-kubernetes-1a2b3c4d";
const SERVICE = "web";
const FOUND_HPA: HpaState = { minReplicas: 4, maxReplicas: 12 };
const HPA_PATHS: FieldPath[] = [
    ["spec", "minReplicas"],
    ["spec", "maxReplicas"],
];
const REPLICAS_PATHS: FieldPath[] = [["spec", "replicas"]];
const SELECTOR_PATHS: FieldPath[] = [["spec", "selector"]];

/** Without an HPA, without colors, without a gateway. */
const PLAIN: Target = { namespace: "web", deployment: "web", replicas: 3, selector: { app: "web" } };
const WITH_HPA: Target = { ...PLAIN, hpa: FOUND_HPA };
/** Blue/green behind the Istio gateway, whose Deployment has no HPA. */
const BLUE_GREEN: Target = {
    ...WITH_HPA,
    deployment: "web-blue",
    selector: { app: "web", [COLOR_LABEL]: "blue" },
    colors: { active: "blue", idle: "green" },
    gateway: { namespace: "istio-ingress", deployment: "gateway", replicas: 2, selector: { app: "gateway" } },
};

const refName = (ref: ObjectRef) => `${ref.kind} ${ref.namespace}/${ref.name}`;

/** A managedFields entry owning `paths`. */
function entry(manager: string, operation: "Apply" | "Update", paths: FieldPath[]): ManagedFieldsEntry {
    const fieldsV1: Record<string, unknown> = {};
    for (const path of paths) {
        let node = fieldsV1;
        for (const key of path) {
            node = (node[`f:${key}`] ??= {}) as Record<string, unknown>;
        }
    }
    return { manager, operation, apiVersion: "v1", fieldsType: "FieldsV1", fieldsV1 };
}

/** The JSON of an object with `values` at `paths`. */
function objectWith(paths: FieldPath[], values: unknown[]): unknown {
    const object: Record<string, Record<string, unknown>> = { spec: {} };
    paths.forEach((path, i) => (object.spec[path[1]] = values[i]));
    return object;
}

/** The calls a restore makes, answered from maps; `failing` methods throw, with a second line a problem must not carry. */
class Stub implements RestoreClient {
    readonly calls: string[] = [];
    readonly failing = new Set<keyof RestoreClient>();
    readonly nodes = new Map<string, NodeState>();
    readonly hpas = new Map<string, HpaState>();
    readonly replicas = new Map<string, number>();
    readonly selectors = new Map<string, Record<string, string>>();
    /** Each object's field ownership, by refName: Pulumi's as the run found it, or verify's once it changed the fields. */
    readonly owners = new Map<string, { paths: FieldPath[]; values: unknown[]; manager: string; changedValues?: unknown[] }>();
    /** writeManagedFields answers 409 (the object changed since it was read) to every write. */
    alwaysStale = false;

    private call(method: keyof RestoreClient, ...args: unknown[]): void {
        this.calls.push([method, ...args.map((a) => (typeof a === "string" ? a : JSON.stringify(a)))].join(" "));
        if (this.failing.has(method)) {
            throw new Error(`${method} failed\nthe API server's details`);
        }
    }

    getNode(name: string) {
        this.call("getNode", name);
        return Promise.resolve(this.nodes.get(name));
    }
    setUnschedulable(name: string, unschedulable: boolean) {
        this.call("setUnschedulable", name, unschedulable);
        this.nodes.set(name, { name, unschedulable, labels: {} });
        return Promise.resolve();
    }
    getHpa(namespace: string, name: string) {
        this.call("getHpa", `${namespace}/${name}`);
        return Promise.resolve(this.hpas.get(`${namespace}/${name}`));
    }
    patchHpa(namespace: string, name: string, patch: HpaState) {
        this.call("patchHpa", `${namespace}/${name}`, patch);
        this.hpas.set(`${namespace}/${name}`, patch);
        return Promise.resolve();
    }
    getDeployment(namespace: string, name: string): Promise<DeploymentState | undefined> {
        this.call("getDeployment", `${namespace}/${name}`);
        const replicas = this.replicas.get(`${namespace}/${name}`);
        return Promise.resolve(
            replicas === undefined
                ? undefined
                : {
                      replicas,
                      generation: 1,
                      observedGeneration: 1,
                      updatedReplicas: replicas,
                      readyReplicas: replicas,
                      availableReplicas: replicas,
                      currentReplicas: replicas,
                      selector: {},
                  },
        );
    }
    patchDeployment(namespace: string, name: string, patch: { replicas: number }) {
        this.call("patchDeployment", `${namespace}/${name}`, patch);
        this.replicas.set(`${namespace}/${name}`, patch.replicas);
        return Promise.resolve();
    }
    getService(namespace: string, name: string) {
        this.call("getService", `${namespace}/${name}`);
        const selector = this.selectors.get(`${namespace}/${name}`);
        return Promise.resolve(selector === undefined ? undefined : { selector });
    }
    patchServiceSelector(namespace: string, name: string, selector: Record<string, string>) {
        this.call("patchServiceSelector", `${namespace}/${name}`, selector);
        this.selectors.set(`${namespace}/${name}`, selector);
        return Promise.resolve();
    }
    readOwnership(ref: ObjectRef): Promise<OwnedObject | undefined> {
        this.call("readOwnership", refName(ref));
        const o = this.owners.get(refName(ref));
        if (o === undefined) {
            return Promise.resolve(undefined);
        }
        // Pulumi applied the fields; verify's merge patches took them over (ownership.test.ts shows the API server doing it).
        const found = entry(PULUMI, "Apply", o.paths);
        const managedFields = o.manager === PULUMI ? [found] : [entry(VERIFY_FIELD_MANAGER, "Update", o.paths)];
        return Promise.resolve({ resourceVersion: "7", managedFields, object: objectWith(o.paths, o.changedValues ?? o.values) });
    }
    writeManagedFields(ref: ObjectRef, managedFields: ManagedFieldsEntry[], resourceVersion: string) {
        this.call("writeManagedFields", refName(ref), managedFields.map((e) => e.manager).join(","), resourceVersion);
        return Promise.resolve(!this.alwaysStale);
    }

    /** Pulumi owns `paths` of `ref`, holding `values`. */
    own(ref: string, paths: FieldPath[], values: unknown[]): void {
        this.owners.set(ref, { paths, values, manager: PULUMI });
    }

    /** What the run's changes did: verify's field manager owns every field it may change. */
    verifyTookOver(): void {
        for (const o of this.owners.values()) {
            o.manager = VERIFY_FIELD_MANAGER;
        }
    }
}

function restorer(target: Target): { stub: Stub; lines: string[]; restorer: Restorer } {
    const stub = new Stub();
    const lines: string[] = [];
    return { stub, lines, restorer: new Restorer(stub, SERVICE, target, (l) => lines.push(l)) };
}

describe("[#14] Restorer: what it reads before the run", () => {
    const snapshots: { name: string; target: Target; reads: string[] }[] = [
        { name: "a Deployment without an HPA: its replicas", target: PLAIN, reads: ["readOwnership Deployment web/web"] },
        { name: "with an HPA: its bounds, not the Deployment", target: WITH_HPA, reads: ["readOwnership HorizontalPodAutoscaler web/web"] },
        {
            name: "blue/green behind the gateway: the app's HPA, the gateway's Deployment, the Service",
            target: BLUE_GREEN,
            reads: [
                "readOwnership HorizontalPodAutoscaler web/web-blue",
                "readOwnership Deployment istio-ingress/gateway",
                "readOwnership Service web/web",
            ],
        },
    ];
    for (const c of snapshots) {
        it(c.name, async () => {
            const { stub, restorer: r } = restorer(c.target);
            await r.snapshot();
            assert.deepEqual(stub.calls, c.reads);
        });
    }
});

describe("[#14] Restorer: putting back what verify changed", () => {
    /** Blue/green with every change a run makes still in place: node-a cordoned, HPA at 2/2, gateway at 1, Service on green. */
    function changed() {
        const r = restorer(BLUE_GREEN);
        r.restorer.cordoned.add("node-a");
        r.stub.nodes.set("node-a", { name: "node-a", unschedulable: true, labels: {} });
        r.stub.hpas.set("web/web-blue", { minReplicas: 2, maxReplicas: 2 });
        r.stub.replicas.set("istio-ingress/gateway", 1);
        r.stub.selectors.set("web/web", { app: "web", [COLOR_LABEL]: "green" });
        return r;
    }

    it("puts back each change and says so", async () => {
        const { stub, lines, restorer: r } = changed();
        assert.deepEqual(await r.restore(), []);
        assert.deepEqual(lines, [
            "restored node node-a: uncordoned",
            "restored HPA web/web-blue: minReplicas 4, maxReplicas 12",
            "restored Deployment istio-ingress/gateway replicas: 2",
            `restored Service web/web selector: ${COLOR_LABEL}=blue`,
        ]);
        assert.deepEqual(
            stub.calls.filter((c) => /^(set|patch)/.test(c)),
            [
                "setUnschedulable node-a false",
                `patchHpa web/web-blue ${JSON.stringify(FOUND_HPA)}`,
                'patchDeployment istio-ingress/gateway {"replicas":2}',
                `patchServiceSelector web/web {"${COLOR_LABEL}":"blue"}`,
            ],
        );
        assert.deepEqual([...r.cordoned], [], "nothing left to uncordon");
        // Idempotent: a second restore finds everything as found and changes nothing.
        const before = stub.calls.length;
        assert.deepEqual(await r.restore(), []);
        assert.deepEqual(
            stub.calls.slice(before).filter((c) => /^(set|patch)/.test(c)),
            [],
        );
    });

    it("an HPA whose minReplicas alone differs is patched too", async () => {
        const { stub, restorer: r } = changed();
        stub.hpas.set("web/web-blue", { ...FOUND_HPA, minReplicas: 2 });
        assert.deepEqual(await r.restore(), []);
        assert.ok(stub.calls.includes(`patchHpa web/web-blue ${JSON.stringify(FOUND_HPA)}`), stub.calls.join("\n"));
    });

    const byHand =
        "the next pulumi up that changes these fields reports a conflict with npm-run-verify; run it with PULUMI_K8S_ENABLE_PATCH_FORCE=true";
    const failures: { method: keyof RestoreClient; problem: string }[] = [
        {
            method: "setUnschedulable",
            problem: "could not restore node node-a (cordoned by verify): setUnschedulable failed; by hand: kubectl uncordon node-a",
        },
        {
            method: "patchHpa",
            problem: `could not restore HPA web/web-blue: patchHpa failed; by hand: kubectl -n web patch hpa web-blue --type merge -p '{"spec":{"minReplicas":4,"maxReplicas":12}}'`,
        },
        {
            method: "patchDeployment",
            problem: `could not restore Deployment istio-ingress/gateway replicas: patchDeployment failed; by hand: kubectl -n istio-ingress patch deployment gateway --type merge -p '{"spec":{"replicas":2}}'`,
        },
        {
            method: "patchServiceSelector",
            problem: `could not restore Service web/web selector: patchServiceSelector failed; by hand: kubectl -n web patch service web --type merge -p '{"spec":{"selector":{"${COLOR_LABEL}":"blue"}}}'`,
        },
        {
            method: "writeManagedFields",
            problem: `could not restore the field ownership of HorizontalPodAutoscaler web/web-blue (npm-run-verify took it by changing it): writeManagedFields failed; by hand: ${byHand}`,
        },
    ];
    for (const f of failures) {
        it(`${f.method} failing: the problem names the command that does it by hand, and the other restores still run`, async () => {
            const { stub, restorer: r } = changed();
            stub.own("HorizontalPodAutoscaler web/web-blue", HPA_PATHS, [4, 12]);
            await r.snapshot();
            stub.verifyTookOver();
            stub.failing.add(f.method);
            assert.deepEqual(await r.restore(), [f.problem]);
            const others = ["setUnschedulable", "patchHpa", "patchDeployment", "patchServiceSelector", "writeManagedFields"].filter(
                (m) => m !== f.method,
            );
            assert.deepEqual(
                others.filter((m) => !stub.calls.some((c) => c.startsWith(`${m} `))),
                [],
                "every other restore was made",
            );
        });
    }
});

describe("[#14] Restorer: giving field ownership back", () => {
    const giveBacks: {
        name: string;
        target: Target;
        ref: string;
        paths: FieldPath[];
        values: unknown[];
        now?: unknown[];
        line?: string;
        managers?: string;
    }[] = [
        {
            name: "the HPA's bounds",
            target: WITH_HPA,
            ref: "HorizontalPodAutoscaler web/web",
            paths: HPA_PATHS,
            values: [4, 12],
            line: "gave back spec.minReplicas, spec.maxReplicas of HorizontalPodAutoscaler web/web to the manager(s) that owned them",
        },
        {
            name: "only the fields whose value is as found",
            target: WITH_HPA,
            ref: "HorizontalPodAutoscaler web/web",
            paths: HPA_PATHS,
            values: [4, 12],
            now: [2, 12],
            line: "gave back spec.maxReplicas of HorizontalPodAutoscaler web/web to the manager(s) that owned them",
            // verify keeps spec.minReplicas: its value is not the one Pulumi set.
            managers: `${VERIFY_FIELD_MANAGER},${PULUMI}`,
        },
        {
            name: "a Deployment's replicas",
            target: PLAIN,
            ref: "Deployment web/web",
            paths: REPLICAS_PATHS,
            values: [3],
            line: "gave back spec.replicas of Deployment web/web to the manager(s) that owned them",
        },
        {
            name: "the Service's selector",
            target: { ...BLUE_GREEN, gateway: undefined, hpa: undefined },
            ref: "Service web/web",
            paths: SELECTOR_PATHS,
            values: [{ app: "web", [COLOR_LABEL]: "blue" }],
            line: "gave back spec.selector of Service web/web to the manager(s) that owned them",
        },
        {
            name: "nothing when every value differs from what was found",
            target: PLAIN,
            ref: "Deployment web/web",
            paths: REPLICAS_PATHS,
            values: [3],
            now: [5],
        },
    ];
    for (const c of giveBacks) {
        it(c.name, async () => {
            const { stub, lines, restorer: r } = restorer(c.target);
            stub.own(c.ref, c.paths, c.values);
            await r.snapshot();
            stub.verifyTookOver();
            stub.owners.get(c.ref)!.changedValues = c.now;
            assert.deepEqual(await r.restore(), []);
            assert.deepEqual(
                lines.filter((l) => l.startsWith("gave back")),
                c.line === undefined ? [] : [c.line],
            );
            assert.deepEqual(
                stub.calls.filter((call) => call.startsWith("writeManagedFields")),
                c.line === undefined ? [] : [`writeManagedFields ${c.ref} ${c.managers ?? PULUMI} 7`],
            );
        });
    }

    it(`an object that changes under every write: ${OWNERSHIP_ATTEMPTS} attempts, then a problem`, async () => {
        const { stub, restorer: r } = restorer(WITH_HPA);
        stub.own("HorizontalPodAutoscaler web/web", HPA_PATHS, [4, 12]);
        await r.snapshot();
        stub.verifyTookOver();
        stub.alwaysStale = true;
        assert.deepEqual(await r.restore(), [
            `could not restore the field ownership of HorizontalPodAutoscaler web/web (npm-run-verify took it by changing it): HorizontalPodAutoscaler web/web changed under each of ${OWNERSHIP_ATTEMPTS} attempts; by hand: the next pulumi up that changes these fields reports a conflict with npm-run-verify; run it with PULUMI_K8S_ENABLE_PATCH_FORCE=true`,
        ]);
        assert.equal(stub.calls.filter((c) => c.startsWith("writeManagedFields")).length, OWNERSHIP_ATTEMPTS);
    });
});
