import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { PROJECT_DIR } from "../../synth/engine";
import { STACKS, cachedSynthesize, runMain, startProcess } from "../harness";
import { npmScriptArgs } from "../../scripts/npm-scripts";
import { main } from "../../synth/cli";

const OUTPUT_FILES = ["manifests.yaml", "outputs.json", "report.json", "report.md", "resources.json"];

/** The CLI as a process, started as `npm run synth` starts it, now (see startProcess): what a user gets, exit status included. */
const badFlagRun = startProcess([...npmScriptArgs(PROJECT_DIR, "synth"), "--stak", "dev"], { cwd: PROJECT_DIR });

/** The CLI's main() in this process, on the tests' shared engine cache. */
const runSynth = (...args: string[]) => runMain(() => main(args, cachedSynthesize));

function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "zde-synth-"));
}

describe("npm run synth", () => {
    for (const stack of STACKS) {
        it(`${stack}: exits 0 and writes resources.json, manifests.yaml, outputs.json and the report`, async () => {
            const out = tempDir();
            const run = await runSynth("--stack", stack, "--out", out);
            assert.equal(run.status, 0, run.stderr);
            assert.deepEqual(fs.readdirSync(out).sort(), OUTPUT_FILES);
            const resources = JSON.parse(fs.readFileSync(path.join(out, "resources.json"), "utf8")) as {
                type: string;
                parent: unknown;
                dependsOn: unknown;
                inputs: unknown;
            }[];
            assert.ok(resources.some((r) => r.type === "eks:index:ManagedNodeGroup"));
            for (const r of resources) {
                const optional = ["protect", "provider", "aliases"];
                assert.deepEqual(
                    Object.keys(r)
                        .filter((k) => !optional.includes(k))
                        .sort(),
                    ["dependsOn", "inputs", "name", "parent", "type"],
                );
            }
            const outputs = JSON.parse(fs.readFileSync(path.join(out, "outputs.json"), "utf8")) as Record<string, unknown>;
            // Not secret (issue 23.5): it runs `aws eks get-token` and carries no credential.
            assert.match(String(outputs.kubeconfig), /"get-token"/);
            for (const doc of parseAllDocuments(fs.readFileSync(path.join(out, "manifests.yaml"), "utf8"))) {
                assert.deepEqual(doc.errors, []);
            }
        });
    }

    it("a broken stack file fails with every problem named by key and nothing written", async () => {
        const dir = tempDir();
        fs.writeFileSync(
            path.join(dir, "Pulumi.broken.yaml"),
            [
                "config:",
                "  aws:region: ap-northeast-2",
                "  zero-downtime-eks:environment: dev",
                "  zero-downtime-eks:network:",
                "    cidrBlock: 10.0.0.0/33",
                "    natGateway: single",
                "  zero-downtime-eks:cluster:",
                "    minSize: 5",
                "    desiredSize: 2",
                "    publicAccessCidrs: [0.0.0.0/0]",
            ].join("\n"),
        );
        const out = path.join(dir, "out");
        const run = await runSynth("--stack", "broken", "--stack-dir", dir, "--out", out);
        assert.equal(run.status, 1);
        for (const key of [
            "zero-downtime-eks:network.cidrBlock",
            "zero-downtime-eks:network.natGateway",
            "zero-downtime-eks:cluster.minSize",
        ]) {
            assert.match(run.stderr, new RegExp(key.replace(/\./g, "\\.")));
        }
        assert.match(run.stderr, /3 problems/);
        assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
        assert.equal(fs.existsSync(out), false);
    });

    const FAILURES = [
        {
            case: "unknown stack",
            args: ["--stack", "nope"],
            status: 1,
            message: /No stack file Pulumi\.nope\.yaml; known stacks: dev, prod, staging/,
        },
        { case: "no --stack", args: [], status: 2, message: /--stack is required/ },
        { case: "unknown flag", args: ["--stak", "dev"], status: 2, message: /unexpected argument "--stak"/ },
    ];
    for (const c of FAILURES) {
        it(`${c.case}: exits ${c.status} with a clear message`, async () => {
            const run = await runSynth(...c.args);
            assert.equal(run.status, c.status);
            assert.match(run.stderr, c.message);
            assert.doesNotMatch(run.stderr, /\n\s+at /);
        });
    }

    it("a stack file that is not YAML is named", async () => {
        const dir = tempDir();
        fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config:\n  a: [unclosed\n");
        const run = await runSynth("--stack", "bad", "--stack-dir", dir, "--out", path.join(dir, "out"));
        assert.equal(run.status, 1);
        assert.match(run.stderr, /Pulumi\.bad\.yaml is not valid YAML/);
    });

    it("as a process, it exits with main's status (a bad flag: 2, one usage message)", async () => {
        const run = await badFlagRun;
        assert.equal(run.status, 2);
        assert.match(run.stderr, /^synth: unexpected argument "--stak"\nusage: npm run synth/);
    });

    it("a synthesized stack with a mandatory policy violation exits 1, naming the rule", async () => {
        // The engine's result with the app's preStop dropped: settings cannot produce it, a drifted component could.
        const broken = async (options: Parameters<typeof cachedSynthesize>[0]) => {
            const result = structuredClone(await cachedSynthesize(options));
            const deployment = result.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment");
            delete (deployment?.inputs as any).spec.template.spec.containers[0].lifecycle;
            return result;
        };
        const run = await runMain(() => main(["--stack", "dev", "--out", tempDir()], broken));
        assert.equal(run.status, 1);
        assert.match(run.stderr, /mandatory: \[prestop-covers-deregistration\]/);
        assert.match(run.stderr, /synth: stack dev failed: 1 mandatory policy violation/);
    });
});
