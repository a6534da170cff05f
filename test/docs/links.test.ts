// Every link and command in README and docs/ leads somewhere: relative links reach a file (and a
// heading, when they name one, by GitHub's anchor rule), external links are well-formed URLs (no
// network here), every `npm run X` names a script of package.json and its flags are ones the CLI's own
// parser takes, every `node <file>` names a file of the tree, and every config key the docs set
// (`pulumi config set`, stack-file YAML) is one a settings reader asks for. The offline commands are
// also run: `npm run synth -- --stack dev` and `npm run bench -- --help` by test/scripts/npm-scripts.test.ts,
// `npm run verify -- ...` by test/verify/npm-run-verify.test.ts, `npm test` by CI (.ci/run).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { parse } from "yaml";
import { PROJECT_DIR } from "../../stacks/stack-file";
import { parseArgs as parseVerifyArgs } from "../../verify/args";
import { parseArgs as parseSynthArgs } from "../../synth/cli";
import { TEAM, configurationKeys } from "../../scripts/config-reference";
import { PROJECT } from "../../stacks/settings";

/** README and every page under docs/ (the generated samples are outputs, not pages). */
const PAGES = [
    "README.md",
    ...fs
        .readdirSync(path.join(PROJECT_DIR, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
];
const text = (page: string) => fs.readFileSync(path.join(PROJECT_DIR, page), "utf8");

interface Fence {
    lang: string;
    body: string;
}

/** A page split into its prose (fenced blocks blanked) and its fenced blocks. */
export function splitFences(markdown: string): { prose: string; fences: Fence[] } {
    const fences: Fence[] = [];
    const prose = markdown.replace(/^```(\w*)\n([\s\S]*?)^```$/gm, (_, lang: string, body: string) => {
        fences.push({ lang, body });
        return "";
    });
    return { prose, fences };
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2. */
export function anchors(markdown: string): Set<string> {
    const seen = new Map<string, number>();
    const result = new Set<string>();
    for (const [, heading] of splitFences(markdown).prose.matchAll(/^#{1,6} (.+)$/gm)) {
        const base = heading
            .trim()
            .toLowerCase()
            .replace(/[^\p{L}\p{N}\s_-]/gu, "")
            .replace(/\s/g, "-");
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        result.add(n === 0 ? base : `${base}-${n}`);
    }
    return result;
}

/** Markdown links `[text](target)` in the prose (inline code left out). */
export function links(markdown: string): string[] {
    const prose = splitFences(markdown).prose.replace(/`[^`\n]*`/g, "");
    return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

/** The problem with one link on `page`, or undefined. */
export function linkProblem(page: string, target: string): string | undefined {
    if (/^https?:/.test(target)) {
        try {
            const url = new URL(target);
            return url.hostname.includes(".") ? undefined : `${target}: not a host name`;
        } catch {
            return `${target}: not a URL`;
        }
    }
    if (/^[a-z]+:/.test(target)) {
        return `${target}: only http(s) and relative links are checked; use one of those`;
    }
    const [file, anchor] = target.split("#");
    const resolved = file === "" ? path.join(PROJECT_DIR, page) : path.join(PROJECT_DIR, path.dirname(page), file);
    if (!fs.existsSync(resolved)) {
        return `${target}: no file ${path.relative(PROJECT_DIR, resolved)}`;
    }
    if (anchor !== undefined && resolved.endsWith(".md") && !anchors(fs.readFileSync(resolved, "utf8")).has(anchor)) {
        return `${target}: no heading #${anchor} in ${path.relative(PROJECT_DIR, resolved)}`;
    }
    return undefined;
}

/** Shell commands in a page's bash/sh blocks: continuation lines joined, comments and prompts dropped. */
export function commands(markdown: string): string[] {
    return splitFences(markdown)
        .fences.filter((f) => f.lang === "bash" || f.lang === "sh")
        .flatMap((f) => f.body.replace(/\\\n\s*/g, " ").split("\n"))
        .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
        .filter((line) => line !== "")
        .flatMap((line) => line.split(/\s*(?:&&|;)\s*/))
        .map((line) => line.replace(/^\(?(cd \S+\s*&&\s*)?/, "").replace(/\)$/, ""));
}

/**
 * The stack outputs: the keys of index.ts's `export = { ... }`, those it always has and those a
 * conditional spread (`...(addon ? { key: ... } : {})`) adds. Any other shape there throws, so the
 * table check below cannot pass on a reading that missed an output.
 */
export function outputNames(source: string): string[] {
    const file = ts.createSourceFile("index.ts", source, ts.ScriptTarget.Latest);
    const exported = file.statements.find((s): s is ts.ExportAssignment => ts.isExportAssignment(s) && s.isExportEquals === true);
    if (!exported || !ts.isObjectLiteralExpression(exported.expression)) {
        throw new Error("index.ts: no `export = { ... }` object");
    }
    const unwrap = (e: ts.Expression): ts.Expression => (ts.isParenthesizedExpression(e) ? unwrap(e.expression) : e);
    const keys = (object: ts.ObjectLiteralExpression): string[] =>
        object.properties.flatMap((p) => {
            if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) {
                return [p.name.text];
            }
            const spread = ts.isSpreadAssignment(p) ? unwrap(p.expression) : undefined;
            if (spread && ts.isConditionalExpression(spread)) {
                const added = unwrap(spread.whenTrue);
                const otherwise = unwrap(spread.whenFalse);
                if (ts.isObjectLiteralExpression(added) && ts.isObjectLiteralExpression(otherwise) && otherwise.properties.length === 0) {
                    return keys(added);
                }
            }
            throw new Error(`index.ts: an output entry this reading does not know: ${p.getText(file)}`);
        });
    return keys(exported.expression);
}
const OUTPUTS = new Set(outputNames(text("index.ts")));

const scripts = (JSON.parse(text("package.json")) as { scripts: Record<string, string> }).scripts;
const KEYS = new Set(configurationKeys().map((k) => k.key));

/** A config key as the docs write it (`zero-downtime-eks:cluster.access[0].policy`), as the reference names it. */
export function referenceKey(key: string): string | undefined {
    if (!key.startsWith(`${PROJECT}:`)) {
        return key === "aws:region" ? key : undefined;
    }
    let name = key.slice(PROJECT.length + 1).replace(/\[\d+\]/g, "[]");
    name = name.replace(/^teams\.[^.]+/, `teams.${TEAM}`);
    // An entry of a list of values (`capacityTypes[0]`) sets the list.
    return KEYS.has(name) ? name : KEYS.has(name.replace(/\[\]$/, "")) ? name.replace(/\[\]$/, "") : undefined;
}

/** The problem with one command, or undefined. */
export function commandProblem(command: string): string | undefined {
    const words = command.split(/\s+/);
    if (words[0] === "npm" && words[1] === "run") {
        const script = words[2];
        if (scripts[script] === undefined) {
            return `${command}: package.json has no script ${script}`;
        }
        const args = words[3] === "--" ? words.slice(4) : words.slice(3);
        try {
            if (script === "synth") {
                parseSynthArgs(args);
            } else if (script === "verify") {
                parseVerifyArgs(args);
            } else if (args.length > 0 && !(script === "bench" && args.join(" ") === "--help")) {
                return `${command}: npm run ${script} takes no arguments`;
            }
        } catch (err) {
            // A reference to a file a previous command writes is a precondition, not a flag the CLI refuses.
            return /no file .*outputs\.json/.test((err as Error).message) ? undefined : `${command}: ${(err as Error).message}`;
        }
        return undefined;
    }
    if (words[0] === "npm" && !["ci", "test", "install", "pack", "publish"].includes(words[1])) {
        return `${command}: npm ${words[1]} is not a command these docs use`;
    }
    if (words[0] === "node") {
        const file = words.find((w) => /\.(c|m)?ts$|\.cjs$/.test(w));
        return file === undefined || fs.existsSync(path.join(PROJECT_DIR, file)) ? undefined : `${command}: no file ${file}`;
    }
    if (words[0] === "pulumi" && words[1] === "stack" && words[2] === "output" && words[3] !== undefined && !words[3].startsWith("-")) {
        return OUTPUTS.has(words[3]) ? undefined : `${command}: index.ts exports no output ${words[3]}`;
    }
    if (words[0] === "pulumi" && words[1] === "config" && words[2] === "set") {
        const key = words
            .slice(3)
            .find((w) => !w.startsWith("-"))
            ?.replace(/^'|'$/g, "");
        return key !== undefined && referenceKey(key) !== undefined ? undefined : `${command}: ${key} is not a config key`;
    }
    return undefined;
}

/** The config keys a stack-file YAML block sets, as the docs write them. */
export function yamlKeys(value: unknown, prefix = ""): string[] {
    if (Array.isArray(value)) {
        return value.some((v) => typeof v === "object" && v !== null) ? value.flatMap((v) => yamlKeys(v, `${prefix}[0]`)) : [prefix];
    }
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).flatMap(([k, v]) => yamlKeys(v, prefix === "" ? k : k.includes(":") ? k : `${prefix}.${k}`));
    }
    return [prefix];
}

describe("every link and command in README and docs/", () => {
    for (const page of PAGES) {
        it(`${page}: every relative link reaches a file (and its heading); every external link is a URL`, () => {
            const found = links(text(page));
            assert.ok(found.length > 0, `${page} links nothing`);
            assert.deepEqual(
                found.map((l) => linkProblem(page, l)).filter((p) => p !== undefined),
                [],
            );
        });

        it(`${page}: every npm script, node file and config key its commands name exists`, () => {
            assert.deepEqual(
                commands(text(page))
                    .map(commandProblem)
                    .filter((p) => p !== undefined),
                [],
            );
        });

        it(`${page}: every config key a stack-file example sets is one a reader asks for`, () => {
            const keys = splitFences(text(page))
                .fences.filter((f) => f.lang === "yaml")
                .map((f) => parse(f.body) as unknown)
                .flatMap((doc) => yamlKeys(doc))
                .filter((k) => k.startsWith(`${PROJECT}:`));
            assert.deepEqual(
                keys.filter((k) => referenceKey(k) === undefined),
                [],
            );
        });
    }

    it("the outputs are read from index.ts's export object, conditional spreads included; another shape throws", () => {
        const source = "export = { a: 1, ...(x ? { b: 2, c: 3 } : {}), ...(y ? { d: 4 } : {}) };";
        assert.deepEqual(outputNames(source), ["a", "b", "c", "d"]);
        assert.throws(() => outputNames("export const a = 1;"), /no `export = \{ \.\.\. \}` object/);
        assert.throws(() => outputNames("export = { ...other };"), /an output entry this reading does not know: \.\.\.other/);
    });

    it("docs/teams.md's stack outputs table lists exactly index.ts's outputs", () => {
        const section = text("docs/teams.md").split("## Stack outputs")[1] ?? "";
        const rows = [...section.matchAll(/^\| `(\w+)`/gm)].map((m) => m[1]);
        assert.deepEqual([...rows].sort(), [...OUTPUTS].sort());
    });

    it("README's Node.js versions: the deploy path's is the pinned Pulumi SDK's engines, and package.json says the same", () => {
        const engines = (file: string) => (JSON.parse(text(file)) as { engines: { node: string } }).engines.node;
        const sdk = engines("node_modules/@pulumi/pulumi/package.json");
        assert.equal(engines("package.json"), sdk, "package.json's engines.node is not the Pulumi SDK's");
        const pinned = (JSON.parse(text("package.json")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
        assert.ok(
            text("README.md").includes(`(${pinned}) declares \`engines.node ${sdk}\``),
            `README does not state the pinned SDK ${pinned}'s engines.node ${sdk}`,
        );
    });

    it("README gives both paths' commands within its first 40 lines", () => {
        const first = text("README.md").split("\n").slice(0, 40).join("\n");
        for (const command of [
            "npm ci",
            "npm run synth -- --stack dev",
            "npm test",
            "pulumi stack select",
            "pulumi up",
            "pulumi destroy",
        ]) {
            assert.ok(first.includes(command), `README's first 40 lines lack ${command}`);
        }
    });

    it("README stays a front door: under 15 KB, linking every page of docs/", () => {
        const readme = text("README.md");
        assert.ok(Buffer.byteLength(readme) < 15 * 1024, `README is ${Buffer.byteLength(readme)} bytes`);
        for (const page of PAGES.filter((p) => p !== "README.md")) {
            assert.ok(readme.includes(`](${page})`), `README does not link ${page}`);
        }
    });

    it("the checks catch what they are for: a missing file, a missing heading, an unknown script, flag or key", () => {
        assert.match(linkProblem("README.md", "docs/nope.md") ?? "", /no file docs\/nope\.md/);
        assert.match(linkProblem("README.md", "docs/verify.md#nope") ?? "", /no heading #nope/);
        assert.match(linkProblem("README.md", "https://") ?? "", /not a URL/);
        assert.equal(linkProblem("docs/verify.md", "../README.md#nodejs"), undefined);
        assert.match(commandProblem("npm run synt -- --stack dev") ?? "", /no script synt/);
        assert.match(commandProblem("npm run synth -- --stak dev") ?? "", /unexpected argument "--stak"/);
        assert.match(commandProblem("npm run verify -- --stack dev --kubeconfg x") ?? "", /unknown argument/);
        assert.match(commandProblem("pulumi config set --path 'zero-downtime-eks:cluster.desiredSise' 4") ?? "", /not a config key/);
        assert.equal(commandProblem("pulumi config set --path 'zero-downtime-eks:addons.karpenter.capacityTypes[0]' spot"), undefined);
        assert.match(commandProblem("pulumi stack output kubeconfg -s dev") ?? "", /no output kubeconfg/);
        assert.deepEqual(anchors("# A `b`: c's d\n## A `b`: c's d"), new Set(["a-b-cs-d", "a-b-cs-d-1"]));
    });
});
