// The kubeconfig every stand-in API server is reached with (kubectl's clientcmd v1 Config shape), written
// once here for each test that starts a stand-in: the in-process client's, ownership, signals, and the
// spawned CLI's (cli.test.ts, npm-run-verify.test.ts).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";

/**
 * Writes a kubeconfig for `server` into a fresh temporary directory and returns its path. Its one
 * context, cluster and user are all called `name` (verify matches the context against the stack's EKS
 * cluster name, so the spawned CLI's tests pass that). YAML, as `aws eks update-kubeconfig` writes it.
 * Plain HTTP to a stand-in: client-node allows it only with TLS verification off.
 */
export function writeKubeconfig(server: string, name = "local"): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "zde-kubeconfig-")), "kubeconfig.yaml");
    fs.writeFileSync(
        file,
        stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name, cluster: { server, "insecure-skip-tls-verify": true } }],
            users: [{ name, user: { token: "stand-in" } }],
            contexts: [{ name, context: { cluster: name, user: name } }],
            "current-context": name,
        }),
    );
    return file;
}
