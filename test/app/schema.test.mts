// Every Kubernetes object the program creates validates against the Kubernetes and Istio schemas
// (kubernetes-models, generated from the upstream OpenAPI specs and Istio's CRDs).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { ConfigMap, Namespace, Service } from "kubernetes-models/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1";
import { Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { DestinationRule, Gateway, VirtualService } from "@kubernetes-models/istio/networking.istio.io/v1";
import { PeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import formatsPlugin from "ajv-formats";
import { parse } from "yaml";
import { manifestsOf, type Manifest } from "../../synth/cli.js";
import { VARIANTS, synth } from "../harness.js";

type Model = new (data: never) => { validate(): void };
const MODELS: Record<string, Model> = {
    "v1/Namespace": Namespace,
    "v1/Service": Service,
    "v1/ConfigMap": ConfigMap,
    "apps/v1/Deployment": Deployment,
    "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
    "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
    "networking.k8s.io/v1/Ingress": Ingress,
    "apiextensions.k8s.io/v1/CustomResourceDefinition": CustomResourceDefinition,
    "rbac.authorization.k8s.io/v1/Role": Role,
    "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
    "networking.istio.io/v1/DestinationRule": DestinationRule,
    "networking.istio.io/v1/Gateway": Gateway,
    "networking.istio.io/v1/VirtualService": VirtualService,
    "security.istio.io/v1/PeerAuthentication": PeerAuthentication,
};

/**
 * Karpenter's objects against the CRDs of the pinned release, byte-for-byte from
 * aws/karpenter-provider-aws v1.14.1 pkg/apis/crds/ (git blobs 36f2f18f, d62d4b4c): the OpenAPI
 * schema the API server enforces (types, enums, patterns, required fields; CEL rules are not run here).
 */
const CRD_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "karpenter-crds");
/**
 * The formats OpenAPI gives a meaning to (OpenAPI 3.0.3, "Data Types": int32 and int64 signed integers,
 * float, double, byte (base64), binary, date and date-time (RFC 3339), password), the ones a CRD's
 * openAPIV3Schema may name; ajv-formats 3.0.1 (src/formats.ts) checks each with that meaning. Without
 * them ajv ignores the format and says so once per use ("unknown format … ignored").
 */
const OPENAPI_FORMATS = ["int32", "int64", "float", "double", "byte", "binary", "date", "date-time", "password"] as const;
/** What ajv says while compiling; a format it does not know is a warning here, and a test below fails on it. */
const ajvWarnings: string[] = [];
const ajv = new Ajv({
    strict: false,
    allErrors: true,
    logger: {
        log: () => undefined,
        warn: (...m: unknown[]) => void ajvWarnings.push(m.join(" ")),
        error: (...m: unknown[]) => void ajvWarnings.push(m.join(" ")),
    },
});
formatsPlugin.default(ajv, [...OPENAPI_FORMATS]);
const CRD_SCHEMAS: Record<string, (m: Manifest) => void> = Object.fromEntries(
    ["karpenter.sh_nodepools.yaml", "karpenter.k8s.aws_ec2nodeclasses.yaml"].map((file) => {
        const crd = parse(fs.readFileSync(path.join(CRD_DIR, file), "utf8")) as {
            spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: object } }[] };
        };
        const version = crd.spec.versions[0];
        const check = ajv.compile(version.schema.openAPIV3Schema);
        const validateCrd = (m: Manifest) => {
            if (!check(m)) {
                throw new Error(ajv.errorsText(check.errors));
            }
        };
        return [`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, validateCrd];
    }),
);

/** A patch is judged as what it becomes: merged onto the smallest valid object of its kind. */
const PATCH_TARGETS: Record<string, Record<string, unknown>> = {
    // The load balancer controller's CRDs are applied whole, as patches (components/addons/lbc.ts).
    "apiextensions.k8s.io/v1/CustomResourceDefinitionPatch": { kind: "CustomResourceDefinition", spec: {} },
    "apps/v1/DeploymentPatch": {
        kind: "Deployment",
        spec: {
            selector: { matchLabels: { app: "x" } },
            template: { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "x" }] } },
        },
    },
};

function merge(base: unknown, patch: unknown): unknown {
    if (typeof base !== "object" || base === null || Array.isArray(base) || typeof patch !== "object" || patch === null) {
        return patch ?? base;
    }
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
        out[k] = merge(out[k], v);
    }
    return out;
}

function validate(m: Manifest): void {
    const target = PATCH_TARGETS[`${m.apiVersion}/${m.kind}`];
    if (target !== undefined) {
        validate({ ...m, kind: target.kind, spec: merge(target.spec, m.spec) } as Manifest);
        return;
    }
    const crd = CRD_SCHEMAS[`${m.apiVersion}/${m.kind}`];
    if (crd !== undefined) {
        crd(m);
        return;
    }
    const Model = MODELS[`${m.apiVersion}/${m.kind}`];
    assert.ok(Model, `no schema for ${m.apiVersion} ${m.kind}: add its model`);
    new Model(m as never).validate();
}

describe("manifests validate against the Kubernetes and Istio schemas", () => {
    for (const v of VARIANTS) {
        it(v.name, async () => {
            const manifests = manifestsOf((await synth(v.stack, v.overrides)).resources);
            assert.ok(manifests.length >= 1, "no manifests");
            for (const m of manifests) {
                assert.doesNotThrow(() => validate(m), `${m.kind} ${String(m.metadata?.name)}`);
            }
        });
    }

    it("issue 25: every format the Karpenter CRDs name is known, with OpenAPI's meaning (nothing is ignored, nothing printed)", () => {
        assert.deepEqual(ajvWarnings, []);
        const int32 = ajv.compile({ type: "integer", format: "int32" });
        assert.equal(int32(2 ** 31 - 1), true);
        assert.equal(int32(2 ** 31), false, "int32 is a signed 32-bit integer");
        const dateTime = ajv.compile({ type: "string", format: "date-time" });
        assert.equal(dateTime("2026-03-23T00:00:00Z"), true);
        assert.equal(dateTime("2026-03-23"), false, "date-time is RFC 3339's date-time, with the time");
    });

    it("the validator rejects a broken object (it is not a rubber stamp)", async () => {
        const deployment = manifestsOf((await synth("dev")).resources).find((m) => m.kind === "Deployment") as Manifest;
        const broken = structuredClone(deployment) as unknown as { spec: { template: { spec: { containers: { ports: unknown }[] } } } };
        broken.spec.template.spec.containers[0].ports = [{ containerPort: "eighty" }];
        assert.throws(() => validate(broken as unknown as Manifest));
        const rule = manifestsOf((await synth("dev")).resources).find((m) => m.kind === "DestinationRule") as Manifest;
        const badRule = structuredClone(rule) as unknown as { spec: { trafficPolicy: { outlierDetection: Record<string, unknown> } } };
        badRule.spec.trafficPolicy.outlierDetection.consecutive5xxErrors = "three";
        assert.throws(() => validate(badRule as unknown as Manifest));
        const pool = manifestsOf((await synth("dev")).resources).find((m) => m.kind === "NodePool") as Manifest;
        const badPool = structuredClone(pool) as unknown as { spec: { template: { spec: { terminationGracePeriod: string } } } };
        badPool.spec.template.spec.terminationGracePeriod = "Never";
        assert.throws(() => validate(badPool as unknown as Manifest), /pattern/);
    });
});
