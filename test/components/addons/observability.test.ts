import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { PROJECT_DIR, projectName, readStackConfig } from "../../../stacks/stack-file";
import { parseSettings, todayUtc } from "../../../stacks";
import { DASHBOARD_CONFIG_MAPS } from "../../../components/addons/observability";
import { RELEASE, gitBlob, release, synth, valuesOf, waitsFor } from "../../harness";

const RELEASES = ["prometheus", "grafana", "kiali"];

describe("the mesh's dashboards (Prometheus, Grafana, Kiali)", () => {
    it("on in dev and staging, off in prod, by default", async () => {
        for (const [stack, on] of [
            ["dev", true],
            ["staging", true],
            ["prod", false],
        ] as const) {
            const names = (await synth(stack)).resources.filter((r) => r.type === RELEASE).map((r) => r.inputs.name);
            for (const name of RELEASES) {
                assert.equal(names.includes(name), on, `${stack}: ${name}`);
            }
        }
    });

    it("pinned to the chart versions Istio 1.30.3 renders its samples from, in istio-system, after the nodes and istiod", async () => {
        const result = await synth("dev");
        const pins: Record<string, [string, string]> = {
            prometheus: ["prometheus", "28.13.0"],
            grafana: ["grafana", "9.2.2"],
            kiali: ["kiali-server", "2.26.0"],
        };
        for (const [name, [chart, version]] of Object.entries(pins)) {
            const r = release(result, name);
            assert.deepEqual([r.inputs.chart, r.inputs.version, r.inputs.namespace], [chart, version, "istio-system"]);
            assert.ok(waitsFor(result, r.name, "dev-cluster-nodes"), `${name} waits for the nodes`);
            assert.ok(waitsFor(result, r.name, "dev-istio-istiod"), `${name} waits for istiod`);
            assert.ok(
                !result.resources.some((x) => x.type === "kubernetes:networking.k8s.io/v1:Ingress" && x.parent === "dev-observability"),
            );
        }
        const grafana = valuesOf(release(result, "grafana"));
        // Viewers only, never Istio's demo Admin; Prometheus as the data source.
        assert.equal(grafana.env.GF_AUTH_ANONYMOUS_ORG_ROLE, "Viewer");
        assert.equal(grafana.datasources["datasources.yaml"].datasources[0].url, "http://prometheus:9090");
        assert.ok(waitsFor(result, release(result, "grafana").name, "dev-observability-istio-grafana-dashboards"));
        const kiali = valuesOf(release(result, "kiali"));
        assert.equal(kiali.login_token.signing_key.length, 32);
        assert.notEqual(kiali.login_token.signing_key, "CHANGEME00000000");
        assert.deepEqual(result.outputs.observabilityCommands, {
            grafana: "kubectl -n istio-system port-forward svc/grafana 3000:3000",
            kiali: "kubectl -n istio-system port-forward svc/kiali 20001:20001",
            prometheus: "kubectl -n istio-system port-forward svc/prometheus 9090:9090",
        });
    });

    it("Istio's dashboards are upstream's, byte for byte (git blobs at 1.30.3), one line each in gen.sh's two ConfigMaps", async () => {
        const blobs: Record<string, string> = {
            "pilot-dashboard.gen.json": "a9f6247e4b29b4d7adf0653e82ef2617dbb30fbd",
            "ztunnel-dashboard.gen.json": "9ff90c7f8cacb84ce6a530aedf57cd8cfa8b6b27",
            "istio-performance-dashboard.json": "d94ff4fed2c093b96835100e7aa18ea546503bc1",
            "istio-workload-dashboard.json": "4719789dc3f3241895252b95cbb21493e603a645",
            "istio-service-dashboard.json": "09a796693cfbeb3fb9765669da4b07c323d97147",
            "istio-mesh-dashboard.gen.json": "cab2ec0c2540645999069b53328b3c9853819b5c",
            "istio-extension-dashboard.json": "9602024a6aecdb01dc4a07401ed4adf908a028ec",
        };
        for (const [file, blob] of Object.entries(blobs)) {
            assert.equal(gitBlob(path.join(PROJECT_DIR, "components", "addons", "istio-dashboards", "1.30.3", file)), blob, file);
        }
        const result = await synth("dev");
        for (const [name, files] of Object.entries(DASHBOARD_CONFIG_MAPS)) {
            const cm = result.resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && (r.inputs.metadata as any).name === name);
            const data = (cm?.inputs as any).data as Record<string, string>;
            assert.deepEqual(Object.keys(data).sort(), files.map((f) => f.replace(".gen.json", ".json")).sort());
            for (const json of Object.values(data)) {
                assert.ok(!json.includes("\n"), "compressed to one line, as gen.sh's jq -c");
            }
        }
    });

    it("prod may switch them on; without Istio they are off by default (and refused when asked for: settings tests)", async () => {
        const config = { ...readStackConfig("prod"), "zero-downtime-eks:addons": JSON.stringify({ observability: { enabled: true } }) };
        const prod = parseSettings({ project: projectName(), stack: "prod", config, today: todayUtc() });
        assert.equal(prod.addons.observability.enabled, true);
        const noMesh = (await synth("dev", { "zero-downtime-eks:addons": { istio: { enabled: false } } })).resources;
        assert.ok(!noMesh.some((r) => r.type === RELEASE && RELEASES.includes(String(r.inputs.name))));
    });
});
