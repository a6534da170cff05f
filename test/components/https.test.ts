import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { DOMAIN, OWN_ALB, only, synth, waitsFor } from "../harness";
const A = "alb.ingress.kubernetes.io/";

describe("HTTPS at the entrypoint", () => {
    it("with a domain: a DNS-validated certificate, HTTPS on 443 with a current TLS policy, 80 redirected, an alias record", async () => {
        const result = await synth("dev", DOMAIN);
        const cert = only(result, "aws:acm/certificate:Certificate");
        assert.deepEqual([cert.inputs.domainName, cert.inputs.validationMethod], ["shop.example.com", "DNS"]);
        const validationRecord = result.resources.find((r) => r.type === "aws:route53/record:Record" && r.name.endsWith("-validation"));
        assert.deepEqual([validationRecord?.inputs.zoneId, validationRecord?.inputs.type], ["Z0123456789ABCDEFGHIJ", "CNAME"]);
        assert.match(String(validationRecord?.inputs.name), /^_[0-9a-f]+\.shop\.example\.com\.$/);
        const validation = only(result, "aws:acm/certificateValidation:CertificateValidation");
        const ingress = only(result, "kubernetes:networking.k8s.io/v1:Ingress");
        const a = (ingress.inputs as any).metadata.annotations;
        assert.match(a[`${A}certificate-arn`], /^arn:aws:acm:ap-northeast-2:123456789012:certificate\//);
        assert.equal(a[`${A}listen-ports`], '[{"HTTP": 80}, {"HTTPS": 443}]');
        assert.equal(a[`${A}ssl-redirect`], "443");
        assert.equal(a[`${A}ssl-policy`], "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09");
        // The Ingress names an issued certificate only: it waits for the validation.
        assert.ok(waitsFor(result, ingress.name, validation.name));
        const alias = result.resources.find((r) => r.type === "aws:route53/record:Record" && r.name.endsWith("-alias"));
        const aliasTarget = (alias?.inputs.aliases as any[])[0];
        assert.deepEqual(
            [alias?.inputs.name, alias?.inputs.type, alias?.inputs.zoneId],
            ["shop.example.com", "A", "Z0123456789ABCDEFGHIJ"],
        );
        assert.match(aliasTarget.name, /^zero-downtime-eks-dev-edge-[0-9a-f]+\.ap-northeast-2\.elb\.amazonaws\.com$/);
        assert.equal(aliasTarget.evaluateTargetHealth, true);
        assert.ok(waitsFor(result, String(alias?.name), ingress.name), "the alias waits for the ALB");
        assert.equal(result.outputs.httpsUrl, "https://shop.example.com");
    });

    it("without a domain: HTTP only, no certificate, no 443 listener, no record", async () => {
        const result = await synth("dev");
        const a = (only(result, "kubernetes:networking.k8s.io/v1:Ingress").inputs as any).metadata.annotations;
        for (const key of ["certificate-arn", "listen-ports", "ssl-redirect", "ssl-policy"]) {
            assert.equal(a[`${A}${key}`], undefined, key);
        }
        assert.ok(!result.resources.some((r) => r.type.startsWith("aws:acm/") || r.type === "aws:route53/record:Record"));
        assert.equal(result.outputs.httpsUrl, undefined);
    });

    it("Istio off: the app's own ALB gets the certificate", async () => {
        const result = await synth("dev", OWN_ALB);
        const a = (only(result, "kubernetes:networking.k8s.io/v1:Ingress").inputs as any).metadata.annotations;
        assert.equal(a[`${A}ssl-redirect`], "443");
        assert.equal(result.outputs.httpsUrl, "https://shop.example.com");
    });
});
