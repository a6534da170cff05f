// @ts-check
// A StrykerJS checker ("typescript-file") that rejects a mutant when the file it mutates, or a
// project file that imports that file, no longer type-checks. `npm run mutate` uses it in place of
// @stryker-mutator/typescript-checker (stryker.config.cjs says when and why).
//
// Why not the official checker: it keeps a TypeScript solution builder in watch mode and, for each
// mutant, waits for the builder to rebuild the whole program's affected files. The stacks and verify
// scopes import component Args types (stacks/settings.ts) and @kubernetes/client-node, so their
// program is 3,850 and 4,700 files (most of them @pulumi/aws's declarations), and that took about
// 3 s of a core per mutant here against 0.1–0.5 s for this checker's language service, which asks for
// the diagnostics of the mutated file and its importers only and keeps everything else it parsed.
//
// Written as an ES module in plain JavaScript (types checked from the JSDoc by `// @ts-check`):
// StrykerJS loads plugins with import() in its own processes, where the project's tsx hook for
// CommonJS TypeScript (scripts/launch.cjs) is not registered.
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { CheckStatus } from "@stryker-mutator/api/check";
import { PluginKind, commonTokens, declareClassPlugin, tokens } from "@stryker-mutator/api/plugin";

/**
 * @typedef {import("@stryker-mutator/api/core").Mutant} Mutant
 * @typedef {import("@stryker-mutator/api/check").CheckResult} CheckResult
 */

/** Compiler options the checks relax: what a mutant may break without being an invalid program. */
export const RELAXED = Object.freeze({ allowUnreachableCode: true, noUnusedLocals: false, noUnusedParameters: false });

/**
 * Where a Stryker mutant's location (0-based line and column) falls in the file's text.
 * @param {string} text
 * @param {{ line: number; column: number }} position
 */
export function offsetOf(text, position) {
    let offset = 0;
    for (let line = 0; line < position.line; line++) {
        const next = text.indexOf("\n", offset);
        if (next === -1) {
            throw new Error(`line ${position.line + 1} is past the end of the file`);
        }
        offset = next + 1;
    }
    return offset + position.column;
}

/**
 * The file's text with the mutant's replacement in place of the code it mutates.
 * @param {string} text
 * @param {Pick<Mutant, "location" | "replacement">} mutant
 */
export function applyMutant(text, mutant) {
    return text.slice(0, offsetOf(text, mutant.location.start)) + mutant.replacement + text.slice(offsetOf(text, mutant.location.end));
}

/** A language service over one tsconfig whose files can be replaced in memory. */
export class Project {
    /** @param {string} tsconfigFile */
    constructor(tsconfigFile) {
        const parsed = ts.getParsedCommandLineOfConfigFile(
            path.resolve(tsconfigFile),
            {},
            {
                ...ts.sys,
                onUnRecoverableConfigFileDiagnostic: (d) => {
                    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
                },
            },
        );
        if (parsed === undefined) {
            throw new Error(`cannot read ${tsconfigFile}`);
        }
        // As the official checker does (@stryker-mutator/typescript-checker 9.6.1, tsconfig-helpers.js
        // COMPILER_OPTIONS_OVERRIDES): a mutant that only leaves a variable unused or code unreachable
        // still runs, and the tests are what should notice it.
        this.options = { ...parsed.options, ...RELAXED };
        /** @type {Map<string, { text: string; version: number }>} */
        this.overrides = new Map();
        this.roots = parsed.fileNames.map((f) => path.resolve(f));
        /** @type {ts.LanguageServiceHost} */
        const host = {
            getCompilationSettings: () => this.options,
            getScriptFileNames: () => this.roots,
            getScriptVersion: (f) => String(this.overrides.get(path.resolve(f))?.version ?? 0),
            getScriptSnapshot: (f) => {
                const text = this.overrides.get(path.resolve(f))?.text ?? ts.sys.readFile(f);
                return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
            },
            getCurrentDirectory: () => path.dirname(path.resolve(tsconfigFile)),
            getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
            fileExists: ts.sys.fileExists,
            readFile: ts.sys.readFile,
            readDirectory: ts.sys.readDirectory,
            directoryExists: ts.sys.directoryExists,
            getDirectories: ts.sys.getDirectories,
            realpath: ts.sys.realpath,
        };
        this.service = ts.createLanguageService(host, ts.createDocumentRegistry());
        /** @type {Map<string, string[]> | undefined} project files by the project files they import */
        this.importers = undefined;
    }

    /**
     * Replaces a file's text (undefined: back to what is on disk).
     * @param {string} fileName
     * @param {string | undefined} text
     */
    set(fileName, text) {
        const file = path.resolve(fileName);
        const version = (this.overrides.get(file)?.version ?? 0) + 1;
        this.overrides.set(file, { text: text ?? fs.readFileSync(file, "utf8"), version });
    }

    /**
     * The project files (not declarations, not node_modules) that import this one, directly.
     * @param {string} fileName
     * @returns {string[]}
     */
    importersOf(fileName) {
        if (this.importers === undefined) {
            this.importers = new Map();
            for (const source of this.service.getProgram()?.getSourceFiles() ?? []) {
                if (source.isDeclarationFile || source.fileName.includes("/node_modules/")) {
                    continue;
                }
                for (const imported of ts.preProcessFile(source.text, true, true).importedFiles) {
                    // The project is CommonJS (no "type": "module"): resolve as a require would.
                    const target = ts.resolveModuleName(
                        imported.fileName,
                        source.fileName,
                        this.options,
                        ts.sys,
                        undefined,
                        undefined,
                        ts.ModuleKind.CommonJS,
                    ).resolvedModule?.resolvedFileName;
                    if (target !== undefined && !target.includes("/node_modules/")) {
                        const list = this.importers.get(path.resolve(target)) ?? [];
                        list.push(path.resolve(source.fileName));
                        this.importers.set(path.resolve(target), list);
                    }
                }
            }
        }
        return this.importers.get(path.resolve(fileName)) ?? [];
    }

    /**
     * Syntax and type errors of these files, one line each.
     * @param {string[]} fileNames
     * @returns {string[]}
     */
    errors(fileNames) {
        return fileNames.flatMap((f) =>
            [...this.service.getSyntacticDiagnostics(f), ...this.service.getSemanticDiagnostics(f)].map((d) => {
                const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
                const at = where
                    ? `${path.relative(process.cwd(), f)}(${where.line + 1},${where.character + 1})`
                    : path.relative(process.cwd(), f);
                return `${at}: error TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
            }),
        );
    }
}

export class FileChecker {
    static inject = tokens(commonTokens.options);

    /** @param {{ tsconfigFile: string }} options */
    constructor(options) {
        this.tsconfigFile = options.tsconfigFile;
        /** @type {Project | undefined} */
        this.project = undefined;
    }

    async init() {
        this.project = new Project(this.tsconfigFile);
        // As the official checker does: the unmutated project must compile, or every verdict is noise.
        const errors = this.project.errors(this.project.roots);
        if (errors.length > 0) {
            throw new Error(`${this.tsconfigFile} does not type-check before any mutation:\n${errors.join("\n")}`);
        }
    }

    /**
     * @param {Mutant[]} mutants
     * @returns {Promise<Record<string, CheckResult>>}
     */
    async check(mutants) {
        const project = this.project;
        if (project === undefined) {
            throw new Error("check before init");
        }
        /** @type {Record<string, CheckResult>} */
        const results = {};
        for (const mutant of mutants) {
            const file = path.resolve(mutant.fileName);
            project.set(file, applyMutant(fs.readFileSync(file, "utf8"), mutant));
            // The importers only when the file itself compiles: most rejected mutants stop at their own file.
            const own = project.errors([file]);
            const errors = own.length > 0 ? own : project.errors(project.importersOf(file));
            project.set(file, undefined);
            results[mutant.id] =
                errors.length === 0 ? { status: CheckStatus.Passed } : { status: CheckStatus.CompileError, reason: errors.join("\n") };
        }
        return results;
    }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Checker, "typescript-file", FileChecker)];
