// Which file `pulumi up` runs for a Node.js project: the CLI's rule, so the synth engine evaluates the
// program Pulumi would run, not a file it assumes. Pure (files only, no Pulumi import).
//
// Sources:
// 1. The CLI (pulumi/pulumi pkg/engine/project.go getPwdMain): without `main` in Pulumi.yaml the
//    program is "." in the project directory; with `main`, a directory becomes the working directory
//    (entry "."), a file's directory the working directory and its name the entry; a `main` that does
//    not exist fails ("project 'main' could not be read").
// 2. The Node.js runtime (@pulumi/pulumi 3.270.0 cmd/run/run.js, from sdk/nodejs/cmd/run/run.ts): the
//    package root is the nearest directory at or above the program holding package.json or
//    package.yaml (runtime/manifest.js searchupPackageManifest), else the program's directory. Only when
//    the entry is ".", the package's `exports` (a string, or `exports["."]` as a string or its
//    default/require/import) or else its `main` names the file, if that file exists (otherwise a
//    warning and the program stays the directory). A CommonJS program is then `require`d: a directory
//    loads its index (index.js before index.ts, ts-node registering .ts), a file as given.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";

const MANIFESTS = ["package.json", "package.yaml"];

/** Where Pulumi runs a project's program, and what decided it (for messages and tests). */
export interface PulumiEntry {
    /** Absolute path of the file loaded. */
    file: string;
    /** The working directory the program runs in. */
    pwd: string;
    /** The package root whose manifest was read (undefined: none above the program). */
    packageRoot: string | undefined;
    /** Which step named the file: `Pulumi.yaml main`, `package.json exports`, `package.json main` or `directory index`. */
    via: string;
}

/** An entry Pulumi cannot run; the message says why, as the CLI would. */
export class EntryError extends Error {}

function readDoc(file: string): Record<string, unknown> {
    const text = fs.readFileSync(file, "utf8");
    return ((file.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) ?? {}) as Record<string, unknown>;
}

function searchupManifest(start: string): string | undefined {
    for (let dir = start; ; dir = path.dirname(dir)) {
        const found = MANIFESTS.map((m) => path.join(dir, m)).find((p) => fs.existsSync(p));
        if (found !== undefined) {
            return found;
        }
        if (path.dirname(dir) === dir) {
            return undefined;
        }
    }
}

function isDirectory(p: string): boolean {
    return fs.existsSync(p) && fs.statSync(p).isDirectory();
}

/** The package's own entry (run.ts: `exports` before `main`), as a path relative to its root, if it names one. */
function packageEntry(pkg: Record<string, unknown>): { entry: string; via: string } | undefined {
    const exports = pkg.exports;
    if (typeof exports === "string") {
        return { entry: exports, via: "package.json exports" };
    }
    if (typeof exports === "object" && exports !== null) {
        const dot = (exports as Record<string, unknown>)["."];
        if (typeof dot === "string") {
            return { entry: dot, via: "package.json exports" };
        }
        if (typeof dot === "object" && dot !== null) {
            const d = dot as Record<string, unknown>;
            const entry = [d.default, d.require, d.import].find((x): x is string => typeof x === "string" && x !== "");
            return entry === undefined ? undefined : { entry, via: "package.json exports" };
        }
        return undefined;
    }
    return typeof pkg.main === "string" && pkg.main !== "" ? { entry: pkg.main, via: "package.json main" } : undefined;
}

/** Node's `require` of a directory (a package.json `main` there that exists, else index.js, else index.ts) or of a file. */
function requireTarget(program: string): string {
    if (!isDirectory(program)) {
        const file = [program, `${program}.js`, `${program}.ts`].find((p) => fs.existsSync(p) && !isDirectory(p));
        if (file === undefined) {
            throw new EntryError(`Cannot find module '${program}'`);
        }
        return file;
    }
    const manifest = path.join(program, "package.json");
    const main = fs.existsSync(manifest) ? readDoc(manifest).main : undefined;
    if (typeof main === "string" && main !== "") {
        try {
            return requireTarget(path.join(program, main));
        } catch (err) {
            // Node falls back to the directory's index when `main` resolves to nothing (DEP0128).
            if (!(err instanceof EntryError)) {
                throw err;
            }
        }
    }
    const index = ["index.js", "index.ts"].map((f) => path.join(program, f)).find((p) => fs.existsSync(p));
    if (index === undefined) {
        throw new EntryError(`No entrypoint found in ${program}`);
    }
    return index;
}

/** The file `pulumi up` in `projectDir` (the directory holding Pulumi.yaml) runs, for a CommonJS Node.js project. */
export function resolvePulumiEntry(projectDir: string): PulumiEntry {
    const project = readDoc(path.join(projectDir, "Pulumi.yaml"));
    let pwd = projectDir;
    let entry = ".";
    if (typeof project.main === "string" && project.main !== "") {
        const main = path.resolve(projectDir, project.main);
        if (!fs.existsSync(main)) {
            throw new EntryError(`project 'main' could not be read: ${main} does not exist`);
        }
        [pwd, entry] = isDirectory(main) ? [main, "."] : [path.dirname(main), path.basename(main)];
    }
    let program = path.join(pwd, entry);
    let via = entry === "." ? "directory index" : "Pulumi.yaml main";
    const manifest = searchupManifest(isDirectory(program) ? program : path.dirname(program));
    const packageRoot = manifest === undefined ? undefined : path.dirname(manifest);
    if (entry === "." && manifest !== undefined && packageRoot !== undefined) {
        const named = packageEntry(readDoc(manifest));
        if (named !== undefined && fs.existsSync(path.join(packageRoot, named.entry))) {
            program = path.join(packageRoot, named.entry);
            via = named.via;
        }
    }
    return { file: requireTarget(program), pwd, packageRoot, via };
}
