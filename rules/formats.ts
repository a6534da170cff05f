// Formats that config validation, the components and the policy pack all check. Pure: no Pulumi import.

/** DNS-1123 label (Kubernetes names of namespaces, Services, Deployments), at most 52 characters so suffixes fit. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/;

/** An IAM role or user ARN (IAM user guide, "IAM identifiers": arn:partition:iam::account:role/path/name). */
export const PRINCIPAL_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;

/** An image reference: registry/path, then an optional tag and an optional sha256 digest (OCI distribution spec). */
export const IMAGE_REFERENCE =
    /^[a-z0-9]+([._/-][a-z0-9]+)*(:\d+\/[a-z0-9._/-]+)?(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/** Pinned: a digest, or a tag other than `latest`. A rollback to an unpinned image is no rollback. */
export function imagePinned(image: string): boolean {
    if (image.includes("@sha256:")) {
        return true;
    }
    const tag = /:([^/:]+)$/.exec(image)?.[1];
    return tag !== undefined && tag !== "latest";
}
