// Every value the program hands a chart is a key that chart's templates read (issue 22.17): checked
// against the keys derived from the pinned charts' templates (scripts/chart-keys.ts, committed under
// test/fixtures/chart-keys/), for every Helm release of every stack variant.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ChartKeys, KEYS_DIR, templateReads, unreadPaths, valuePaths } from "../../../scripts/chart-keys";
import { RELEASE, VARIANTS, synth } from "../../harness";

const STORED = fs.readdirSync(KEYS_DIR).map((f) => f.replace(/\.json$/, ""));

/**
 * The keys of `chart` at `version`, or of its stand-in: the newest stored lower patch of the same
 * major.minor (the upstream charts' README: Istio 1.30.5 is rendered with 1.30.3). None: fails loudly.
 */
function keysOf(chart: string, version: string): ChartKeys {
    const [major, minor, patch] = version.split(".");
    const candidates = STORED.filter((d) => d.startsWith(`${chart}-${major}.${minor}.`))
        .map((d) => ({ d, patch: Number(d.slice(`${chart}-${major}.${minor}.`.length)) }))
        .filter((c) => Number.isInteger(c.patch) && c.patch <= Number(patch))
        .sort((a, b) => b.patch - a.patch);
    if (candidates.length === 0) {
        throw new Error(`no stored keys for chart ${chart} ${version}: run scripts/chart-keys.ts over the stored charts`);
    }
    return JSON.parse(fs.readFileSync(path.join(KEYS_DIR, `${candidates[0].d}.json`), "utf8")) as ChartKeys;
}

describe("chart values: every key the program sets is read by the pinned chart's templates", () => {
    for (const variant of VARIANTS) {
        it(`issue 22.17: ${variant.name}: no release sets a key its chart ignores`, async () => {
            const result = await synth(variant.stack, variant.overrides);
            const releases = result.resources.filter((r) => r.type === RELEASE);
            assert.ok(releases.length > 0);
            const unread = releases.flatMap((r) => {
                const chart = String(r.inputs.chart).split("/").pop() ?? "";
                return unreadPaths(r.inputs.values, keysOf(chart, String(r.inputs.version))).map(
                    (p) => `${String(r.inputs.name)} (${chart} ${String(r.inputs.version)}): ${p}`,
                );
            });
            assert.deepEqual(unread, []);
        });
    }

    it("issue 22.17: Kiali's `deployment.ingress_enabled` (Istio's sample values) is read by no template of kiali-server 2.26.0; `deployment.ingress.enabled` is", () => {
        const kiali = keysOf("kiali-server", "2.26.0");
        assert.deepEqual(unreadPaths({ deployment: { ingress_enabled: false, ingress: { enabled: false } } }, kiali), [
            "deployment.ingress_enabled",
        ]);
    });

    it("every chart the program pins has its keys stored (a new pin without them fails above, naming it)", () => {
        for (const name of ["aws-load-balancer-controller", "metrics-server", "base", "istiod", "gateway", "locust", "karpenter"]) {
            assert.ok(
                STORED.some((d) => d.startsWith(`${name}-`)),
                name,
            );
        }
    });
});

describe("scripts/chart-keys.ts: what a template reads", () => {
    const CASES: { template: string; reads: string[]; subtrees: string[] }[] = [
        { template: "{{ .Values.a.b }}", reads: ["a.b"], subtrees: [] },
        { template: "{{- if $.Values.a.enabled }}", reads: ["a.enabled"], subtrees: [] },
        { template: '{{ index .Values "x-y" "z" }}', reads: ["x-y.z"], subtrees: [] },
        { template: '{{ if hasKey .Values.a "b" }}', reads: ["a", "a.b"], subtrees: [] },
        { template: "{{- toYaml .Values.resources | nindent 4 }}", reads: ["resources"], subtrees: ["resources"] },
        { template: "{{- with .Values.podLabels }}{{ toYaml . }}{{ end }}", reads: ["podLabels"], subtrees: ["podLabels"] },
        { template: "{{ $x := .Values.a }}{{ $x.b }}", reads: ["a"], subtrees: ["a"] },
        { template: "{{ index .Values.users $user }}", reads: ["users"], subtrees: ["users"] },
        { template: "{{/* .Values.commented */}}", reads: [], subtrees: [] },
        { template: "{{ toJson .Values }}", reads: [], subtrees: [] },
    ];
    for (const c of CASES) {
        it(c.template, () => {
            const found = templateReads(c.template);
            assert.deepEqual([...found.reads].sort(), c.reads);
            assert.deepEqual([...found.subtrees].sort(), c.subtrees);
        });
    }

    it("a values object's paths: maps walked, lists, scalars and empty maps set whole", () => {
        assert.deepEqual(valuePaths({ a: { b: 1, c: [1, 2] }, d: {}, e: "x" }), ["a.b", "a.c", "d", "e"]);
    });

    it("a key under a subtree handed on whole, or below a read, counts as read; a sibling of a read does not", () => {
        const keys: ChartKeys = { chart: "c", version: "1", source: "", reads: ["a.enabled", "r"], subtrees: ["r"] };
        assert.deepEqual(unreadPaths({ a: { enabled: true, enable: true }, r: { requests: { cpu: "1" } } }, keys), ["a.enable"]);
    });
});
