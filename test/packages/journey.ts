// A team's journey with the library, outside this repository (test/packages/zero-downtime-eks-service.test.ts
// starts it as a child process and reads what it prints): `node scripts/launch.cjs test/packages/journey.ts`.
//
// 1. Build and pack, as `npm pack` in packages/zero-downtime-eks-service does: its prepack is
//    `npm run build`, `tsc -p tsconfig.json`. That compile is made here with the TypeScript API on the
//    same tsconfig.json (the test checks the two scripts say so), so the compiles of step 3 reuse the
//    declarations it parsed (@pulumi/kubernetes's alone are 666 files); then `npm pack --ignore-scripts`.
// 2. Install into a fresh project in the system's temporary directory: the example's own project
//    files (examples/team-service: package.json, tsconfig.json, Pulumi.yaml, index.ts), the library
//    from the tarball with `npm install --offline` (it has no dependencies of its own, so nothing else
//    is fetched). Its peers, and the example's other dependencies, are the versions this repository
//    installs, linked from its node_modules (no registry, no second copy of an SDK; each version is
//    checked against the ranges the package and the example declare). The root export is loaded with
//    plain Node before @pulumi/aws is there: only `./irsa` needs that optional peer.
// 3. Compile with the TypeScript compiler (the repository's 5.9.3, which the example's ~5.9.3 admits)
//    under Pulumi's template tsconfig as the example ships it (pulumi/templates typescript/tsconfig.json
//    @ 65db26bf, module nodenext), under that template's previous form (a3029400: module commonjs,
//    moduleResolution node, which ignores `exports` and needs the package's typesVersions), and under a
//    strict one (exactOptionalPropertyTypes, noUncheckedIndexedAccess, noImplicitOverride, unused
//    locals and parameters). Every diagnostic tsc would print for the project's files and the
//    package's declarations is reported; the third-party SDKs' own declarations (@pulumi/kubernetes
//    alone is 668 files, 146k lines; the package's declarations name no @pulumi/aws type, so none of
//    it is in these programs) are not re-checked, which is what takes a bare `tsc` 45 s per
//    configuration here.
//    The programs share parsed files where their options allow (as tsc --build's host does not).
// 4. Run the compiled bin/index.js with plain Node under the synth engine's mocks against the
//    platform's synthesized outputs (run-compiled.cjs).
// Prints one JSON line (the Journey below); exit 0 even when a step fails, which the test reports.
// The temporary project is removed after a successful run.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..");
const PACKAGE_DIR = path.join(ROOT, "packages", "zero-downtime-eks-service");
const EXAMPLE = path.join(ROOT, "examples", "team-service");
const LIBRARY = "zero-downtime-eks-service";
/** Where @pulumi/aws's files sit in a program (TypeScript's file names use `/` on every platform). */
const AWS_FOLDER = "/node_modules/@pulumi/aws/";

/** The tsconfig variants a team may compile with, as overrides of the example's tsconfig.json (the current template). */
export const COMPILE_CONFIGS: Record<string, ts.CompilerOptions | undefined> = {
    template: undefined,
    // The template before 81e65225 (2026-03-25), still in every project made from it.
    "template-2024": { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 },
    strict: {
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        noImplicitOverride: true,
        noUnusedLocals: true,
        noUnusedParameters: true,
    },
};

export interface Journey {
    /** Seconds each step took. */
    seconds: Record<string, number>;
    /** The project directory (outside the repository). */
    projectDir: string;
    tarball: string;
    /** Files in the tarball. */
    packedFiles: string[];
    /** The installed package.json. */
    installed: Record<string, unknown>;
    /** node_modules entries of the project after the install, before the peers are linked. */
    installedModules: string[];
    /** Peer and dependency ranges against the linked versions: name → [range, version, satisfied]. */
    versions: Record<string, [string, string, boolean]>;
    /** Plain Node loading the package before @pulumi/aws is linked. */
    withoutAws: { root: string; irsa: string };
    /** Diagnostics per configuration (empty: it compiles). */
    diagnostics: Record<string, string[]>;
    /** Files of the installed package each configuration type-checked (its declarations). */
    checkedDeclarations: Record<string, string[]>;
    /**
     * What of @pulumi/aws the package's build parsed: the entries of the package's folder (a module
     * folder such as `iam`, or a root file such as `index.d.ts`) its program holds files from.
     */
    buildAwsEntries: string[];
    /** What run-compiled.cjs printed, parsed; or its error output. */
    ran: Record<string, unknown> | { error: string };
    /** A step that failed, with its output. */
    failed?: string;
}

async function timed<T>(seconds: Record<string, number>, step: string, f: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    try {
        return await f();
    } finally {
        seconds[step] = Number(process.hrtime.bigint() - start) / 1e9;
    }
}

/** The repository's installed copy of a package (the root of its node_modules entry). */
function installedDir(name: string): string {
    return path.join(ROOT, "node_modules", ...name.split("/"));
}

function versionOf(dir: string): string {
    return (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }).version;
}

function link(projectDir: string, name: string): void {
    const target = path.join(projectDir, "node_modules", ...name.split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.symlinkSync(installedDir(name), target, "dir");
}

/** Parsed files shared by the build and the compiles, keyed by name, what their parse depends on of the target, and module format. */
const parsed = new Map<string, ts.SourceFile>();

/**
 * The part of the target a file's parse depends on. For a declaration file, only whether it is ES2015
 * or later: TypeScript 5.9's scanner picks its identifier tables on that (typescript.js
 * `isUnicodeIdentifierStart`), and its other target checks are about regular-expression literals,
 * which declarations do not have. So the build's ES2022 parse of the SDKs serves the example's ES2020
 * compile. Every other file is keyed by its exact target.
 */
function parseTarget(fileName: string, target: ts.ScriptTarget): string {
    return fileName.endsWith(".d.ts") && target >= ts.ScriptTarget.ES2015 ? "declarations, ES2015 or later" : String(target);
}

/** A compiler host that takes parsed files from, and adds them to, {@link parsed}. */
function sharingHost(options: ts.CompilerOptions): ts.CompilerHost {
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
        const o = typeof languageVersion === "object" ? languageVersion : { languageVersion };
        const key = `${fileName}|${parseTarget(fileName, o.languageVersion)}|${String(o.impliedNodeFormat)}`;
        const cached = parsed.get(key);
        if (cached !== undefined) {
            return cached;
        }
        const file = getSourceFile(fileName, languageVersion, onError, shouldCreate);
        if (file !== undefined) {
            parsed.set(key, file);
        }
        return file;
    };
    return host;
}

/** The program a tsconfig.json describes, as `tsc -p` builds it (with `overrides` on top), over shared parsed files. */
function programOf(configPath: string, overrides: ts.CompilerOptions = {}): ts.Program {
    const config = ts.getParsedCommandLineOfConfigFile(configPath, overrides, {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
            throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        },
    });
    if (config === undefined) {
        throw new Error(`${configPath} cannot be read`);
    }
    return ts.createProgram({
        rootNames: config.fileNames,
        options: config.options,
        host: sharingHost(config.options),
        configFileParsingDiagnostics: config.errors,
    });
}

function formatted(diagnostics: readonly ts.Diagnostic[], dir: string): string[] {
    const host: ts.FormatDiagnosticsHost = {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => dir,
        getNewLine: () => "\n",
    };
    return diagnostics.map((d) => ts.formatDiagnostic(d, host).trim());
}

/** The project file of the package's build (its package.json: `"build": "tsc -p tsconfig.json"`, run by prepack). */
export const BUILD_TSCONFIG = "tsconfig.json";

/**
 * The package's `npm run build`: dist/ emitted, or every diagnostic tsc would print. Returns the
 * entries of @pulumi/aws its program parsed.
 */
function build(): string[] {
    const program = programOf(path.join(PACKAGE_DIR, BUILD_TSCONFIG));
    const emitted = program.emit();
    const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
    if (diagnostics.length > 0 || emitted.emitSkipped) {
        throw new Error(`tsc -p ${BUILD_TSCONFIG} in ${PACKAGE_DIR}:\n${formatted(diagnostics, PACKAGE_DIR).join("\n")}`);
    }
    const entries = program
        .getSourceFiles()
        .map((f) => f.fileName.split(AWS_FOLDER)[1]?.split("/")[0])
        .filter((entry): entry is string => entry !== undefined);
    return [...new Set(entries)].sort();
}

function compile(
    projectDir: string,
    overrides: ts.CompilerOptions | undefined,
    emit: boolean,
): { diagnostics: string[]; declarations: string[] } {
    const program = programOf(path.join(projectDir, "tsconfig.json"), overrides);
    const ownPackage = `${path.sep}node_modules${path.sep}${LIBRARY}${path.sep}`;
    // The project's files and the package's declarations; not TypeScript's libs nor the SDKs' declarations.
    const checked = program
        .getSourceFiles()
        .filter((f) => !f.fileName.includes(`${path.sep}node_modules${path.sep}`) || f.fileName.includes(ownPackage));
    const diagnostics = [
        ...program.getConfigFileParsingDiagnostics(),
        ...program.getOptionsDiagnostics(),
        ...program.getGlobalDiagnostics(),
        ...checked.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
        // One file at a time: `program.emit()` with no file first type-checks every file of the program,
        // the SDKs' declarations included (TypeScript's getEmitResolver), which is 8 s of work no one reads.
        ...(emit ? checked.filter((f) => !f.isDeclarationFile).flatMap((f) => program.emit(f).diagnostics) : []),
    ];
    return {
        diagnostics: formatted(diagnostics, projectDir),
        declarations: checked
            .filter((f) => f.fileName.includes(ownPackage))
            .map((f) => f.fileName.slice(f.fileName.indexOf(ownPackage) + ownPackage.length)),
    };
}

async function journey(): Promise<Journey> {
    const seconds: Record<string, number> = {};
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "zde-journey-"));
    const projectDir = path.join(work, "team-service");
    const result: Journey = {
        seconds,
        projectDir,
        tarball: "",
        packedFiles: [],
        installed: {},
        installedModules: [],
        versions: {},
        withoutAws: { root: "", irsa: "" },
        diagnostics: {},
        checkedDeclarations: {},
        buildAwsEntries: [],
        ran: { error: "not run" },
    };
    let step = "build";
    try {
        // 1. Build and pack, as a maintainer cuts a release (`npm pack`: its prepack builds dist/).
        result.buildAwsEntries = await timed(seconds, "build", () => Promise.resolve(build()));
        step = "pack";
        const packed = await timed(seconds, "pack", () =>
            run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], {
                cwd: PACKAGE_DIR,
                maxBuffer: 64 * 1024 * 1024,
            }),
        );
        const info = (JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[])[0];
        result.tarball = info.filename;
        result.packedFiles = info.files.map((f) => f.path).sort();

        // 2. A fresh project from the example's files; the library from the tarball, and nothing else from npm.
        step = "install";
        fs.mkdirSync(projectDir);
        for (const file of ["index.ts", "tsconfig.json", "Pulumi.dev.yaml"]) {
            fs.copyFileSync(path.join(EXAMPLE, file), path.join(projectDir, file));
        }
        // The compiled program is what runs (Pulumi's documented form for a precompiled project: main names it).
        fs.writeFileSync(
            path.join(projectDir, "Pulumi.yaml"),
            fs
                .readFileSync(path.join(EXAMPLE, "Pulumi.yaml"), "utf8")
                .replace(/^main: .*$/m, "main: bin/index.js")
                .replace("typescript: true", "typescript: false"),
        );
        const example = JSON.parse(fs.readFileSync(path.join(EXAMPLE, "package.json"), "utf8")) as {
            dependencies: Record<string, string>;
            devDependencies: Record<string, string>;
        };
        const { [LIBRARY]: _local, ...others } = example.dependencies;
        fs.writeFileSync(
            path.join(projectDir, "package.json"),
            JSON.stringify({ ...example, dependencies: { [LIBRARY]: `file:../${info.filename}` }, devDependencies: {} }, null, 2),
        );
        await timed(seconds, "install", () =>
            run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--legacy-peer-deps", "--ignore-scripts"], { cwd: projectDir }),
        );
        const installedDir_ = path.join(projectDir, "node_modules", LIBRARY);
        result.installed = JSON.parse(fs.readFileSync(path.join(installedDir_, "package.json"), "utf8")) as Record<string, unknown>;
        result.installedModules = fs.readdirSync(path.join(projectDir, "node_modules")).filter((f) => !f.startsWith("."));

        // Peers and the example's other dependencies: this repository's versions, checked against both ranges.
        step = "peers";
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- semver comes with @pulumi/pulumi (its dependency)
        const semver = require(require.resolve("semver", { paths: [installedDir("@pulumi/pulumi")] })) as {
            satisfies(v: string, r: string): boolean;
        };
        const peers = (result.installed.peerDependencies ?? {}) as Record<string, string>;
        const ranges = { ...others, ...example.devDependencies };
        for (const [name, range] of [...Object.entries(peers), ...Object.entries(ranges)]) {
            const version = versionOf(installedDir(name));
            result.versions[`${name} ${range}`] = [range, version, semver.satisfies(version, range)];
        }
        // The root export and ./irsa with plain Node, before the optional peer @pulumi/aws is there.
        for (const name of ["@pulumi/pulumi", "@pulumi/kubernetes"]) {
            link(projectDir, name);
        }
        const probe = (spec: string) =>
            run(process.execPath, ["-e", `const m = require(${JSON.stringify(spec)}); console.log(Object.keys(m).sort().join(","))`], {
                cwd: projectDir,
            }).then(
                (r) => `loaded: ${r.stdout.trim()}`,
                (err: { stderr?: string }) => `failed: ${(err.stderr ?? "").split("\n").find((l) => /Error/.test(l)) ?? ""}`,
            );
        result.withoutAws = await timed(seconds, "load without @pulumi/aws", async () => ({
            root: await probe(LIBRARY),
            irsa: await probe(`${LIBRARY}/irsa`),
        }));
        for (const name of Object.keys(ranges).filter((n) => !["@pulumi/pulumi", "@pulumi/kubernetes", "typescript"].includes(n))) {
            link(projectDir, name);
        }

        // 3. Compile under each configuration; the template's emits bin/.
        step = "compile";
        for (const [name, overrides] of Object.entries(COMPILE_CONFIGS)) {
            const compiled = await timed(seconds, `compile ${name}`, () =>
                Promise.resolve(compile(projectDir, overrides, overrides === undefined)),
            );
            result.diagnostics[name] = compiled.diagnostics;
            result.checkedDeclarations[name] = compiled.declarations;
        }

        // 4. Run bin/index.js with plain Node under mocks, against the platform's synthesized outputs.
        step = "run";
        result.ran = await timed(seconds, "run", () =>
            run(process.execPath, [path.join(__dirname, "run-compiled.cjs"), projectDir, "dev"], {
                cwd: ROOT,
                maxBuffer: 64 * 1024 * 1024,
            }).then(
                (r) => JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as Record<string, unknown>,
                (err: { stderr?: string; message: string }) => ({ error: err.stderr ?? err.message }),
            ),
        );
    } catch (err) {
        const e = err as { stderr?: string; stdout?: string; message?: string };
        result.failed = `${step}: ${e.message ?? String(err)}\n${e.stderr ?? ""}${e.stdout ?? ""}`;
    }
    return result;
}

export async function main(): Promise<number> {
    const result = await journey();
    // The project is left behind only when a step failed, to look into; the test reads this line alone.
    if (result.failed === undefined && !("error" in result.ran)) {
        fs.rmSync(path.dirname(result.projectDir), { recursive: true, force: true });
    }
    process.stdout.write(JSON.stringify(result) + "\n");
    return 0;
}
