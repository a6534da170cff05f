// HTTPS at the entrypoint ALB: an ACM certificate validated by DNS in the stack's Route 53 zone
// (before the Ingress, which names it), and an alias record to the ALB (after the Ingress has an
// address). The program creates the record itself rather than running ExternalDNS: one name, known
// at deploy time, needs no controller, no IAM role of its own and no pod on the system pool.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { entrypointLoadBalancer } from "./entrypoint";

export interface DomainArgs {
    /** The Route 53 hosted zone that holds `hostName` (its ID, e.g. `Z0123456789ABCDEFGHIJ`). */
    hostedZoneId: string;
    /** The entrypoint's host name, e.g. `shop.example.com`. */
    hostName: string;
}

export interface EntrypointCertificateArgs extends DomainArgs {
    /** Tags for the certificate. */
    tags: Record<string, string>;
}

/** An ACM certificate for the host name, issued once its DNS validation record exists. */
export class EntrypointCertificate extends pulumi.ComponentResource {
    /** The certificate's ARN, known only once ACM has issued it (so the Ingress never names a pending one). */
    readonly certificateArn: pulumi.Output<string>;

    constructor(name: string, args: EntrypointCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("zero-downtime-eks:https:EntrypointCertificate", name, {}, opts);
        const certificate = new aws.acm.Certificate(
            `${name}-cert`,
            { domainName: args.hostName, validationMethod: "DNS", tags: args.tags },
            { parent: this },
        );
        const option = certificate.domainValidationOptions[0];
        const record = new aws.route53.Record(
            `${name}-validation`,
            {
                zoneId: args.hostedZoneId,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: 60,
                // The same CNAME serves every certificate for this name (ACM reuses it); a replacement finds it there.
                allowOverwrite: true,
            },
            { parent: this },
        );
        const validation = new aws.acm.CertificateValidation(
            `${name}-validation`,
            { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] },
            { parent: this },
        );
        this.certificateArn = validation.certificateArn;
        this.registerOutputs({ certificateArn: this.certificateArn });
    }
}

export interface EntrypointRecordArgs extends DomainArgs {
    /** The entrypoint ALB's fixed name (its Ingress's `load-balancer-name`). */
    loadBalancerName: string;
    /** The Ingress's address: the lookup waits for it, so the ALB exists when it runs. */
    ingressHostname: pulumi.Input<string>;
}

/**
 * `hostName` → the entrypoint ALB, as a Route 53 alias (A) record. The ALB is read at each `pulumi up`;
 * if the controller replaces it between two, the record points at a name that no longer resolves
 * until the next `up`, and the entrypoint's HealthyHostCount alarm (components/alarms.ts) says so.
 */
export class EntrypointRecord extends pulumi.ComponentResource {
    /** `https://<hostName>`. */
    readonly url: pulumi.Output<string>;

    constructor(name: string, args: EntrypointRecordArgs, opts?: pulumi.ComponentResourceOptions) {
        super("zero-downtime-eks:https:EntrypointRecord", name, {}, opts);
        const loadBalancer = entrypointLoadBalancer(args.loadBalancerName, args.ingressHostname, { parent: this });
        const record = new aws.route53.Record(
            `${name}-alias`,
            {
                zoneId: args.hostedZoneId,
                name: args.hostName,
                type: "A",
                aliases: [{ name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: true }],
            },
            { parent: this },
        );
        this.url = pulumi.interpolate`https://${record.name}`;
        this.registerOutputs({ url: this.url });
    }
}
