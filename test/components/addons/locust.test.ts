import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { LOCUSTFILE } from "../../../components/addons/locust";
import { only, release, synth, valuesOf } from "../../harness";

const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";

// One synth for Locust's two settings: the target host and the worker HPA's maximum.
const CONFIGURED = { "zero-downtime-eks:addons": { locust: { targetHost: "http://api.shop.svc.cluster.local:8080", maxWorkers: 7 } } };

describe("Locust", () => {
    it("the locustfile in the repo is mounted through the ConfigMap the chart reads", async () => {
        const result = await synth("dev");
        const values = valuesOf(release(result, "locust"));
        const cm = only(result, CONFIG_MAP, "-locustfile").inputs as { metadata: { name: string }; data: Record<string, string> };
        assert.equal(values.loadtest.locust_locustfile_configmap, cm.metadata.name);
        assert.equal(cm.data[values.loadtest.locust_locustfile], fs.readFileSync(LOCUSTFILE, "utf8"));
        const lib = only(result, CONFIG_MAP, "-lib").inputs as { metadata: { name: string } };
        assert.equal(values.loadtest.locust_lib_configmap, lib.metadata.name);
    });

    it("targets the app's in-cluster Service by default, or the configured host", async () => {
        const byDefault = valuesOf(release(await synth("dev"), "locust"));
        assert.equal(byDefault.loadtest.locust_host, "http://web.web.svc.cluster.local");
        const configured = valuesOf(release(await synth("dev", CONFIGURED), "locust"));
        assert.equal(configured.loadtest.locust_host, "http://api.shop.svc.cluster.local:8080");
    });

    it("workers autoscale on CPU and request CPU; the UI is never exposed outside the cluster", async () => {
        const result = await synth("dev", CONFIGURED);
        const values = valuesOf(release(result, "locust"));
        assert.equal(values.worker.hpa.enabled, true);
        assert.equal(values.worker.hpa.maxReplicas, 7);
        assert.ok(values.worker.resources.requests.cpu, "HPA on CPU needs CPU requests");
        assert.equal(values.service.type, "ClusterIP");
        assert.equal(values.ingress.enabled, false);
        assert.equal(result.outputs.locustUiCommand, "kubectl -n locust port-forward svc/locust 8089:8089");
    });

    it("Locust pods get sidecars when Istio is on (STRICT apps only accept mTLS), none when it is off", async () => {
        const labels = async (overrides: Record<string, unknown>) =>
            (
                only(await synth("dev", overrides), "kubernetes:core/v1:Namespace", "-locust-ns").inputs as {
                    metadata: { labels: Record<string, string> };
                }
            ).metadata.labels;
        assert.equal((await labels({}))["istio-injection"], "enabled");
        assert.equal((await labels({ "zero-downtime-eks:addons": { istio: { enabled: false } } }))["istio-injection"], undefined);
    });
});
