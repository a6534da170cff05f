// `zero-downtime-eks:domain`: the entrypoint's HTTPS name. Unset: HTTP only.
import type { DomainSettings } from "../settings";
import { Section } from "../validate";

// Route 53 hosted zone IDs: "Z" and upper-case letters and digits (GetHostedZone Id, at most 32 characters).
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
// A DNS name of at least two labels, each a DNS label (RFC 1123), 253 characters at most.
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function readDomain(section: Section): DomainSettings | undefined {
    const hasZone = section.has("hostedZoneId");
    const hasHost = section.has("hostName");
    if (!hasZone && !hasHost) {
        return undefined;
    }
    if (hasZone !== hasHost) {
        const missing = hasZone ? "hostName" : "hostedZoneId";
        section.problem(
            missing,
            undefined,
            `set together with ${hasZone ? "hostedZoneId" : "hostName"}: the certificate and the record need both`,
        );
    }
    return {
        hostedZoneId: section.string("hostedZoneId", "", HOSTED_ZONE_ID, 'a Route 53 hosted zone ID, e.g. "Z0123456789ABCDEFGHIJ"'),
        hostName: section.string("hostName", "", HOST_NAME, 'a lower-case DNS name in that zone, e.g. "shop.example.com"'),
    };
}
