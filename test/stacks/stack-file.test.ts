// The stack-file reader's exact output: the flat map the Pulumi CLI would hand the program, and the
// message a user reads when the file is missing or broken.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SECRET, StackFileError, readStackConfig } from "../../stacks/stack-file";

/** A project directory holding Pulumi.yaml (project `demo`) and the given files. */
function projectWith(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-file-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: demo\nruntime: nodejs\n");
    for (const [name, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

function errorOf(run: () => unknown): string {
    try {
        run();
    } catch (err) {
        assert.ok(err instanceof StackFileError, `expected StackFileError, got ${String(err)}`);
        return err.message;
    }
    assert.fail("expected a StackFileError");
}

describe("readStackConfig", () => {
    it("keys get the project's namespace unless they name one; secure values become the placeholder", () => {
        const dir = projectWith({
            "Pulumi.dev.yaml": [
                "config:",
                "  aws:region: eu-west-1",
                "  environment: dev",
                "  network:",
                "    availabilityZoneCount: 2",
                "  app:",
                "    replicas: [1, 2]",
                "  token:",
                "    secure: AAABAJ0x",
                "  other:token:",
                "    secure: AAABAJ0y",
                "  plain:",
                "    notSecure: yes",
                "  count: 3",
                "",
            ].join("\n"),
        });
        assert.deepEqual(readStackConfig("dev", dir, dir), {
            "aws:region": "eu-west-1",
            "demo:environment": "dev",
            "demo:network": '{"availabilityZoneCount":2}',
            "demo:app": '{"replicas":[1,2]}',
            "demo:token": "[secret]",
            "other:token": "[secret]",
            "demo:plain": '{"notSecure":"yes"}',
            "demo:count": "3",
        });
        assert.equal(SECRET, "[secret]");
    });

    it("a file without config, or empty, is an empty map", () => {
        const dir = projectWith({ "Pulumi.a.yaml": "", "Pulumi.b.yaml": "encryptionsalt: x\n" });
        assert.deepEqual(readStackConfig("a", dir, dir), {});
        assert.deepEqual(readStackConfig("b", dir, dir), {});
    });

    it("a missing stack file names the file and every stack file that exists, nothing else", () => {
        const dir = projectWith({
            "Pulumi.dev.yaml": "config: {}\n",
            "Pulumi.prod-eu.yaml": "config: {}\n",
            "Pulumi.staging.yaml.bak": "",
            "MyPulumi.qa.yaml": "",
            "notes.txt": "",
        });
        const message = errorOf(() => readStackConfig("stagin", dir, dir));
        const known = message
            .replace(/^.*known stacks: /, "")
            .split(", ")
            .sort();
        assert.match(message, /^No stack file Pulumi\.stagin\.yaml; known stacks: /);
        assert.deepEqual(known, ["dev", "prod-eu"]);
    });

    it("a file that is not YAML names the file and the parser's reason", () => {
        const dir = projectWith({ "Pulumi.dev.yaml": "config:\n  a: [1, 2\n" });
        assert.match(
            errorOf(() => readStackConfig("dev", dir, dir)),
            /^Pulumi\.dev\.yaml is not valid YAML: \S/,
        );
    });
});
