// Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands configuration to a program. Pure: no
// Pulumi import, so the synth engine and verify (which must not load Pulumi) share it.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";

/** Placeholder written wherever a secret value would appear. */
export const SECRET = "[secret]";

export const PROJECT_DIR = path.resolve(__dirname, "..");

/** Reads the project name from Pulumi.yaml. */
export function projectName(projectDir = PROJECT_DIR): string {
    const doc = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name: string };
    return doc.name;
}

/** A stack file that is missing or is not YAML. */
export class StackFileError extends Error {}

/**
 * Reads `Pulumi.<stack>.yaml` into the flat map the Pulumi CLI hands a program: unqualified keys
 * get the project namespace, objects and lists become JSON text, `secure:` values become a placeholder.
 */
export function readStackConfig(stack: string, stackDir = PROJECT_DIR, projectDir = PROJECT_DIR): Record<string, string> {
    const file = path.join(stackDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const known = fs
            .readdirSync(stackDir)
            .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
            .filter((s): s is string => s !== undefined);
        throw new StackFileError(`No stack file ${path.basename(file)}; known stacks: ${known.join(", ")}`);
    }
    let doc: { config?: Record<string, unknown> };
    try {
        doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as typeof doc;
    } catch (err) {
        throw new StackFileError(`${path.basename(file)} is not valid YAML: ${(err as Error).message}`);
    }
    const project = projectName(projectDir);
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${project}:${key}`;
        const isSecure = typeof value === "object" && value !== null && "secure" in value;
        config[fullKey] = isSecure ? SECRET : typeof value === "string" ? value : JSON.stringify(value);
    }
    return config;
}
