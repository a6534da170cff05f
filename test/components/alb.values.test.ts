// The annotations the AWS Load Balancer Controller receives, whole (keys from its
// docs/guide/ingress/annotations.md, v3.5.0), and the ALB names it is given.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { AlbTargetGroup, TLS_POLICY, albAnnotations, httpsAnnotations, loadBalancerNameFor } from "../../components/alb";

const TARGETS: AlbTargetGroup = {
    scheme: "internal",
    healthCheckPath: "/healthz",
    successCodes: "200-299",
    healthCheckIntervalSeconds: 6,
    healthCheckTimeoutSeconds: 4,
    healthyThreshold: 3,
    unhealthyThreshold: 2,
    deregistrationDelaySeconds: 45,
    tags: { stack: "dev", team: "web" },
};

describe("ALB annotations: exact values", () => {
    it("pod IP targets, the health check, the deregistration delay and the tags", () => {
        assert.deepEqual(albAnnotations(TARGETS), {
            "alb.ingress.kubernetes.io/scheme": "internal",
            "alb.ingress.kubernetes.io/target-type": "ip",
            "alb.ingress.kubernetes.io/healthcheck-path": "/healthz",
            "alb.ingress.kubernetes.io/healthcheck-interval-seconds": "6",
            "alb.ingress.kubernetes.io/healthcheck-timeout-seconds": "4",
            "alb.ingress.kubernetes.io/healthy-threshold-count": "3",
            "alb.ingress.kubernetes.io/unhealthy-threshold-count": "2",
            "alb.ingress.kubernetes.io/success-codes": "200-299",
            "alb.ingress.kubernetes.io/target-group-attributes": "deregistration_delay.timeout_seconds=45",
            "alb.ingress.kubernetes.io/tags": "stack=dev,team=web",
        });
    });

    it("a health-check port and a fixed name only when given", () => {
        const a = albAnnotations({ ...TARGETS, healthCheckPort: 15021, loadBalancerName: "zde-dev-edge" });
        assert.equal(a["alb.ingress.kubernetes.io/healthcheck-port"], "15021");
        assert.equal(a["alb.ingress.kubernetes.io/load-balancer-name"], "zde-dev-edge");
    });

    it("HTTPS: the certificate, both listeners, the redirect to 443 and the TLS 1.3/1.2 policy", () => {
        assert.deepEqual(httpsAnnotations("arn:aws:acm:eu-west-1:111122223333:certificate/abc"), {
            "alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:eu-west-1:111122223333:certificate/abc",
            "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
            "alb.ingress.kubernetes.io/ssl-redirect": "443",
            "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        });
        assert.equal(TLS_POLICY, "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09");
    });

    it("ALB names: whole up to 32 characters; longer, the cluster name cut (trailing dashes too) and a hash of the whole", () => {
        assert.equal(loadBalancerNameFor("zero-downtime-eks-dev-abcde", "edge"), "zero-downtime-eks-dev-abcde-edge");
        assert.equal(loadBalancerNameFor("zero-downtime-eks-dev-abcdef", "edge"), "zero-downtime-eks-bcf4c815-edge");
        assert.equal(loadBalancerNameFor("zero-downtime-eks-production-eu-west-1", "edge"), "zero-downtime-eks-12b390ea-edge");
        assert.equal(loadBalancerNameFor("abcdefghijklmnop--rest-of-name", "edge"), "abcdefghijklmnop-ced87f9e-edge");
    });

    it("a cluster name ELB would read as internal: the `internal` head dropped (any case, any hyphens after it), the hash kept", () => {
        // CreateLoadBalancer refuses a name starting with `internal-` (rules/aws-names.ts NAME_RULES.loadBalancer).
        assert.deepEqual(
            ["internal-app", "Internal-App", "internal__x", "internal", "internal-internal-x", "internalx"].map((c) =>
                loadBalancerNameFor(c, "edge"),
            ),
            ["app-0dd4f5b0-edge", "App-7d2cec55-edge", "x-0187f66a-edge", "992a4d50-edge", "90a96886-edge", "internalx-edge"],
        );
    });

    it("`internal` anywhere but at the start is kept: ELB refuses only a name that begins with `internal-`", () => {
        // Each of these needs the cut-and-hash path (`_` and `.` are not ELB name characters), which is
        // where a leading `internal` is dropped; the same word later in the name stays as it is.
        assert.deepEqual(
            ["team_internal-apps", "apps_internal", "shop.internal"].map((c) => loadBalancerNameFor(c, "edge")),
            ["team-internal-apps-845c0a27-edge", "apps-internal-8580c7d3-edge", "shop-internal-6513d7f3-edge"],
        );
    });
});
