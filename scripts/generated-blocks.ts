// Where the generated parts of README.md and docs/ live and how their blocks are marked: shared by
// `npm run docs` (scripts/docs.ts) and the tests that hold each block to the code. A module of its own
// because scripts/docs.ts loads the synth engine (@pulumi/pulumi, about 2.5 s of CPU), which the
// configuration reference's test (test/scripts/config-reference.test.ts) does not need: `npm run
// mutate` runs that test for each mutant of stacks/.
/** The stack README's figures and the sample report describe. */
export const SAMPLE_STACK = "dev";

/** Where each generated file or block lives, relative to the project. */
export const GENERATED = {
    readme: "README.md",
    configuration: "docs/configuration.md",
    addons: "docs/addons.md",
    development: "docs/development.md",
    report: `docs/samples/synth-report-${SAMPLE_STACK}.md`,
} as const;

/** What regenerates them; every staleness message names it. */
export const REGENERATE = "npm run docs";

const start = (name: string) => `<!-- generated:${name} (${REGENERATE}) -->`;
const end = (name: string) => `<!-- generated:${name} end -->`;

/** The text between a block's markers, prettier left out (the generator lays it out). */
export function generatedBlock(name: string, content: string): string {
    return [start(name), "<!-- prettier-ignore-start -->", content.trimEnd(), "<!-- prettier-ignore-end -->", end(name)].join("\n");
}

/** The block `name` as it stands in `text`; throws when its markers are missing. */
export function blockIn(text: string, name: string): string {
    const from = text.indexOf(start(name));
    const to = text.indexOf(end(name));
    if (from < 0 || to < from) {
        throw new Error(`no generated block "${name}": expected ${start(name)} … ${end(name)}`);
    }
    return text.slice(from, to + end(name).length);
}

/** `text` with the block `name` replaced by `content`. */
export function withBlock(text: string, name: string, content: string): string {
    return text.replace(blockIn(text, name), generatedBlock(name, content));
}
