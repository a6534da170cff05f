// What Route 53 and ACM receive for the certificate's DNS validation: the record ACM asked for,
// name to value, and the Ingress naming the certificate only once validated.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { DOMAIN, only, synth } from "../harness";

describe("HTTPS wiring: exact values", () => {
    it("the validation record is ACM's CNAME: its name → ACM's value (not its own name), and the Ingress names the validated certificate", async () => {
        const result = await synth("dev", DOMAIN);
        const record = result.resources.find((r) => r.type === "aws:route53/record:Record" && r.name.endsWith("-validation"))?.inputs;
        assert.ok(record);
        // The mock answers as ACM does (synth/engine.ts, ACM User Guide "DNS validation"): name
        // `_<hash>.<domain>.`, value `_<hash>.<…>.acm-validations.aws.`, the same certificate's hash in both.
        const name = /^_([0-9a-f]{16})\.shop\.example\.com\.$/.exec(String(record.name));
        assert.ok(name, String(record.name));
        assert.equal((record.records as string[]).length, 1);
        const value = /^_([0-9a-f]+)\.mhbtsbpdnt\.acm-validations\.aws\.$/.exec((record.records as string[])[0]);
        assert.ok(value, `the record points at ACM's validation target, not at ${(record.records as string[])[0]}`);
        assert.ok(value[1].startsWith(name[1]), "name and value come from the same certificate");
        assert.deepEqual([record.type, record.zoneId, record.ttl, record.allowOverwrite], ["CNAME", "Z0123456789ABCDEFGHIJ", 60, true]);

        const validation = only(result, "aws:acm/certificateValidation:CertificateValidation").inputs;
        const ingress = only(result, "kubernetes:networking.k8s.io/v1:Ingress").inputs as any;
        assert.equal(ingress.metadata.annotations["alb.ingress.kubernetes.io/certificate-arn"], validation.certificateArn);
    });
});
