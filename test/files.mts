// The test files, found once: test/all.mts runs them all in one process; the shards split them in two.
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));

function testFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            return testFiles(full);
        }
        return /\.test\.m?ts$/.test(entry.name) ? [full] : [];
    });
}

/**
 * The components' tests (most of the program's synths) in one shard, everything else in the other:
 * each shard synthesizes what its files need once, and the two shards run on the two cores.
 */
export function inShard(file: string, shard: 1 | 2): boolean {
    const top = path.relative(root, file).split(path.sep)[0];
    return (top === "components") === (shard === 1);
}

/** Imports the test files `keep` selects, in a stable order (each registers its tests on import). */
export async function runTests(keep: (file: string) => boolean = () => true): Promise<void> {
    for (const file of testFiles(root).sort().filter(keep)) {
        await import(pathToFileURL(file).href);
    }
}
