import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { OrderNode, checkPreconditions, waitGraph } from "../../rules/order";

const node = (name: string, dependsOn: string[] = [], parent: string | null = null): OrderNode => ({ name, parent, dependsOn });

describe("the order model: what waits for what", () => {
    // a ConfigMap in a component that depends on istiod, which depends on the base release.
    const graph = [
        node("base"),
        node("istiod", ["base"]),
        node("observability", ["istiod"]),
        node("dashboards", [], "observability"),
        node("loose"),
    ];
    const waitsFor = waitGraph(graph);

    for (const [from, to, expected, why] of [
        ["istiod", "base", true, "a direct dependency"],
        ["observability", "base", true, "dependencies, transitively"],
        ["dashboards", "base", true, "a child waits for its parent's dependencies (its parent's URN resolves after them)"],
        ["loose", "base", false, "no edge"],
        ["base", "istiod", false, "edges have a direction"],
    ] as const) {
        it(`${from} → ${to}: ${expected} (${why})`, () => {
            assert.equal(waitsFor(from, to), expected);
        });
    }

    it("two resources of one name (an EventRule and its EventTarget) share their edges", () => {
        const w = waitGraph([node("rule", ["queue"]), node("rule", ["policy"])]);
        assert.ok(w("rule", "queue") && w("rule", "policy"));
    });
});

describe("the order model: preconditions", () => {
    const graph = [node("ns"), node("cm-waits", ["ns"]), node("cm-races")];
    const need = (resource: string, providers: string[]) => ({ resource, need: "namespace team", providers });

    it("a create that waits for what it needs passes", () => {
        assert.deepEqual(checkPreconditions(graph, [need("cm-waits", ["ns"])]), []);
    });

    it("a missing edge names both resources and the fix", () => {
        const v = checkPreconditions(graph, [need("cm-races", ["ns"])]);
        assert.equal(v.length, 1);
        assert.equal(v[0].rule, "precondition-order");
        assert.match(v[0].message, /cm-races needs namespace team, which ns creates, but does not wait for it/);
        assert.match(v[0].fix, /make cm-races depend on ns/);
    });

    it("a precondition nothing creates is named, with the hint why", () => {
        const v = checkPreconditions(graph, [
            { resource: "cm-waits", need: "the CRD X.example.com", providers: [], hint: "no chart files" },
        ]);
        assert.equal(v[0].rule, "precondition-missing");
        assert.match(v[0].message, /cm-waits needs the CRD X\.example\.com, and nothing in the program creates it \(no chart files\)/);
    });

    it("any one of several providers is enough", () => {
        assert.deepEqual(checkPreconditions(graph, [need("cm-waits", ["other", "ns"])]), []);
    });
});
