// The formats every layer checks, case by case at their edges: Kubernetes names (DNS-1123 labels,
// kept to 52 characters so suffixes fit) and image references (OCI distribution spec: name,
// registry port, tag, sha256 digest), and which references count as pinned.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { DNS_LABEL, IMAGE_REFERENCE, PRINCIPAL_ARN, imagePinned } from "../../rules/formats";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

/** Asserts the verdict of `test` on each case, all at once so one run shows every wrong verdict. */
function verdicts(test: (s: string) => boolean, table: [string, boolean][]): void {
    assert.deepEqual(
        table.map(([s]) => [s, test(s)]),
        table,
    );
}

describe("formats: exact verdicts", () => {
    it("DNS label: lowercase letters, digits and inner dashes, 1 to 52 characters", () => {
        verdicts(
            (s) => DNS_LABEL.test(s),
            [
                ["a", true],
                ["abcd", true],
                ["a-b", true],
                ["9to5", true],
                [`a${"b".repeat(50)}c`, true],
                [`a${"b".repeat(51)}c`, false],
                ["-a", false],
                ["a-", false],
                ["A", false],
                ["a_b", false],
                [" a", false],
                ["a ", false],
                ["", false],
            ],
        );
    });

    it("image reference: path segments, a registry port, a tag of up to 128 characters, a sha256 digest", () => {
        verdicts(
            (s) => IMAGE_REFERENCE.test(s),
            [
                ["nginx", true],
                ["ab/cd", true],
                ["public.ecr.aws/nginx/nginx:1.27", true],
                ["registry.example.com:5000/team/app:v1.2", true],
                ["registry:5000/app", true],
                [`nginx@${DIGEST}`, true],
                [`nginx:1.27@${DIGEST}`, true],
                [`nginx:${"t".repeat(128)}`, true],
                [`nginx:${"t".repeat(129)}`, false],
                ["nginx:-v1", false],
                ["registry:port/app", false],
                [`nginx@${DIGEST.slice(0, -1)}`, false],
                ["Nginx", false],
                ["-nginx", false],
                [" nginx", false],
                ["nginx ", false],
                ["nginx:1.27 ", false],
            ],
        );
    });

    it("pinned: a digest, or a tag other than latest; a registry port is no tag", () => {
        verdicts(imagePinned, [
            [`nginx@${DIGEST}`, true],
            [`nginx:latest@${DIGEST}`, true],
            ["nginx:1.27", true],
            ["registry:5000/app:v1", true],
            ["nginx:latest", false],
            ["nginx", false],
            ["registry:5000/app", false],
        ]);
    });

    it("principal ARNs: a role or user of a 12-digit account in any partition, path allowed, name 1-512 of IAM's characters, whole string", () => {
        const name = (n: number) => "a".repeat(n);
        verdicts(
            (s) => PRINCIPAL_ARN.test(s),
            [
                ["arn:aws:iam::123456789012:role/ci", true],
                ["arn:aws-us-gov:iam::123456789012:user/team/alice", true],
                ["arn:aws-iso-b:iam::123456789012:role/x", true],
                ["arn:aws:iam::123456789012:role/svc+=,.@_-name", true],
                [`arn:aws:iam::123456789012:role/${name(512)}`, true],
                [`arn:aws:iam::123456789012:role/${name(513)}`, false],
                ["arn:aws:iam::123456789012:role/", false],
                ["arn:aws:iam::12345678901:role/ci", false],
                ["arn:aws:iam::1234567890123:role/ci", false],
                ["arn:aws:iam::12345678901x:role/ci", false],
                ["arn:aws:iam::123456789012:group/ci", false],
                ["arn:aws:iam::123456789012:role/ci*", false],
                ["arn:aws:iam::123456789012:role/c i", false],
                ["xarn:aws:iam::123456789012:role/ci", false],
                ["arn:aws-:iam::123456789012:role/ci", false],
                ["arn:aws-US:iam::123456789012:role/ci", false],
            ],
        );
    });
});
