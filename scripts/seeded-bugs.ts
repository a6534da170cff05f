// `npm run seeded-bugs`: the seeded-bug study of issue 24. Each bug below is a realistic one-line
// mistake in the components or in verify, written as a source patch. The study copies the project to
// a temporary directory, checks that the test files named for each bug pass on the untouched copy,
// then applies each patch alone and runs those files again: each must now fail. It prints one row per
// bug (the tests that caught it) and exits 1 when a bug passes its tests, or when a patch no longer
// applies (the code moved: update the row). Not part of `npm test` (about two minutes); the table in
// docs/seeded-bugs.md records its last result.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");

export interface SeededBug {
    /** The bug class, as issue 24 words it. */
    bug: string;
    /** What it breaks on a real `pulumi up` or `npm run verify`. */
    effect: string;
    file: string;
    /** Text that occurs exactly once in `file`, and what replaces it. */
    find: string;
    replace: string;
    /** Test files (relative to the project) that must fail with the bug: the assertions issue 24 added. */
    tests: string[];
    /**
     * The test files that existed before issue 24 and test the same code: the "before" column. They are
     * still in the suite, so a bug they catch is caught now too.
     */
    before: string[];
}

export const SEEDED_BUGS: SeededBug[] = [
    {
        bug: "a principal granted `view` is associated with AmazonEKSEditPolicy",
        effect: "read-only users can change every namespace: a security hole",
        file: "components/cluster-access.ts",
        find: 'view: "AmazonEKSViewPolicy"',
        replace: 'view: "AmazonEKSEditPolicy"',
        tests: ["test/components/cluster-access.values.test.ts"],
        before: ["test/components/cluster.test.ts"],
    },
    {
        bug: "the access policy association for a grant uses a fixed level instead of the grant's",
        effect: "every principal gets `edit`, whatever it was granted",
        file: "components/cluster.ts",
        find: "policyArn: accessPolicyArn(grant.policy),",
        replace: 'policyArn: accessPolicyArn("edit"),',
        tests: ["test/components/cluster.test.ts"],
        before: ["test/components/cluster.test.ts"],
    },
    {
        bug: "the ACM validation record points at its own name",
        effect: "the certificate never validates; `pulumi up` waits on CertificateValidation until it times out",
        file: "components/https.ts",
        find: "records: [option.resourceRecordValue],",
        replace: "records: [option.resourceRecordName],",
        tests: ["test/components/https.wiring.test.ts"],
        before: ["test/components/https.test.ts"],
    },
    {
        bug: "Karpenter's iam:PassRole resolved to the queue's ARN (in the template's references)",
        effect: "the controller may not pass the node role to EC2: no node ever launches",
        file: "components/addons/karpenter-cloudformation.ts",
        find: '"KarpenterNodeRole.Arn": ctx.nodeRoleArn,',
        replace: '"KarpenterNodeRole.Arn": ctx.interruptionQueueArn,',
        tests: ["test/components/addons/karpenter-cloudformation.values.test.ts", "test/components/addons/karpenter.wiring.test.ts"],
        before: ["test/components/addons/karpenter.test.ts"],
    },
    {
        bug: "Karpenter's iam:PassRole resolved to the queue's ARN (in the component's context)",
        effect: "the controller may not pass the node role to EC2: no node ever launches",
        file: "components/addons/karpenter.ts",
        find: ".all([args.clusterName, partition.partition, partition.dnsSuffix, caller.accountId, nodeRole.arn, queue.arn])",
        replace: ".all([args.clusterName, partition.partition, partition.dnsSuffix, caller.accountId, queue.arn, queue.arn])",
        tests: ["test/components/addons/karpenter.wiring.test.ts"],
        before: ["test/components/addons/karpenter.test.ts"],
    },
    {
        bug: "the EC2NodeClass selects subnets by any cluster's discovery tag",
        effect: "Karpenter launches nodes into another cluster's subnets (or any subnet tagged for discovery)",
        file: "components/addons/karpenter.ts",
        find: "subnetSelectorTerms: discovery,",
        replace: 'subnetSelectorTerms: [{ tags: { [DISCOVERY_TAG]: "*" } }],',
        tests: ["test/components/addons/karpenter.values.test.ts", "test/components/addons/karpenter.wiring.test.ts"],
        before: ["test/components/addons/karpenter.test.ts"],
    },
    {
        bug: "the CoreDNS add-on is created without conflict resolution",
        effect: "CreateAddon conflicts with the bootstrapped CoreDNS: the first `pulumi up` fails",
        file: "components/cluster.ts",
        find: 'resolveConflictsOnCreate: "OVERWRITE",',
        replace: "",
        tests: ["test/components/cluster.wiring.test.ts"],
        before: ["test/components/cluster.test.ts"],
    },
    {
        bug: "the HTML report says PASS for a run that could not restore",
        effect: "a cluster left with a pinned HPA or a cordoned node is reported as fine",
        file: "verify/report.ts",
        find: "const passed = exitCode(outcome) === 0;",
        replace: "const passed = outcome.verdict.passed && outcome.error === undefined;",
        tests: ["test/verify/report.values.test.ts"],
        before: ["test/verify/report.test.ts", "test/verify/run.test.ts"],
    },
    {
        bug: "preflight passes a pod whose gate has no condition yet",
        effect: "verify disrupts pods that can take traffic before their ALB target is healthy, and blames the platform",
        file: "verify/preflight.ts",
        find: "} else if (p.conditions[gate]?.status !== true) {",
        replace: "} else if (p.conditions[gate] !== undefined && p.conditions[gate].status !== true) {",
        tests: ["test/verify/preflight.values.test.ts"],
        before: ["test/verify/preflight.test.ts"],
    },
];

/** Applies a bug to source text; throws unless `find` occurs exactly once. */
export function applyBug(source: string, bug: Pick<SeededBug, "file" | "find" | "replace">): string {
    const at = source.indexOf(bug.find);
    if (at < 0 || source.indexOf(bug.find, at + 1) >= 0) {
        throw new Error(
            `${bug.file}: the seeded bug's text ${JSON.stringify(bug.find)} must occur exactly once (found ${at < 0 ? "none" : "several"})`,
        );
    }
    return source.slice(0, at) + bug.replace + source.slice(at + bug.find.length);
}

/**
 * Names of the failing tests in TAP output, leaf tests only: a suite's own `not ok` line follows its
 * children's lines, indented less than they are.
 */
export function failingTests(tap: string): string[] {
    const lines = [...tap.matchAll(/^( *)(ok|not ok) \d+ - (.*)$/gm)].map(([, indent, status, name]) => ({
        depth: indent.length,
        status,
        name,
    }));
    return lines.filter((l, i) => l.status === "not ok" && !(i > 0 && lines[i - 1].depth > l.depth)).map((l) => l.name);
}

/** A copy of the project without its build output; node_modules is linked, not copied. */
function copyProject(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zde-seeded-"));
    const skip = new Set(["node_modules", ".git", "out", "reports", ".stryker-tmp"]);
    fs.cpSync(root, dir, { recursive: true, filter: (src) => !skip.has(path.relative(root, src).split(path.sep)[0]) });
    fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
}

function runTests(dir: string, files: string[]): { status: number; failed: string[] } {
    const run = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", ...files], { cwd: dir, encoding: "utf8" });
    return { status: run.status ?? 1, failed: failingTests(run.stdout) };
}

/** One cell: the tests that failed, or that none did. */
function caughtBy(run: { status: number; failed: string[] }): string {
    if (run.status === 0) {
        return "**not caught**";
    }
    return run.failed.map((t) => t.replace(/\|/g, "\\|")).join("; ") || "(the test files fail to load)";
}

export function main(): number {
    const dir = copyProject();
    try {
        let ok = true;
        const control = runTests(dir, [...new Set(SEEDED_BUGS.flatMap((b) => [...b.before, ...b.tests]))]);
        if (control.status !== 0) {
            console.error(`the untouched copy fails its tests, so no bug can be judged: ${control.failed.join("; ")}`);
            return 1;
        }
        const rows = [
            "| Seeded bug | Patched file | Before (tests before issue 24) | Now caught by (issue 24's tests) |",
            "|---|---|---|---|",
        ];
        for (const bug of SEEDED_BUGS) {
            const file = path.join(dir, bug.file);
            const original = fs.readFileSync(file, "utf8");
            try {
                fs.writeFileSync(file, applyBug(original, bug));
                const before = runTests(dir, bug.before);
                const now = runTests(dir, bug.tests);
                ok &&= now.status !== 0;
                rows.push(`| ${bug.bug} | ${bug.file} | ${caughtBy(before)} | ${caughtBy(now)} |`);
                console.error(`${now.status !== 0 ? "caught" : "NOT CAUGHT"}: ${bug.bug}`);
            } catch (err) {
                ok = false;
                rows.push(`| ${bug.bug} | ${bug.file} | | **patch does not apply**: ${(err as Error).message} |`);
            } finally {
                fs.writeFileSync(file, original);
            }
        }
        console.log(rows.join("\n"));
        return ok ? 0 : 1;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
