// What `npm run <script>` passes to node, read from package.json: the benchmark and the tests that
// spawn a CLI start it exactly as a user does, without npm in front.
import * as fs from "node:fs";
import * as path from "node:path";

/** The arguments after `node` in package.json's `script`; fails when the script is not `node …`. */
export function npmScriptArgs(projectDir: string, script: string): string[] {
    const pkg = JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8")) as { scripts: Record<string, string> };
    const [command, ...args] = (pkg.scripts[script] ?? "").split(" ");
    if (command !== "node") {
        throw new Error(`package.json's ${script} script does not start with node: ${pkg.scripts[script]}`);
    }
    return args;
}
