// The one place the program touches Pulumi configuration.
import * as pulumi from "@pulumi/pulumi";
import { Settings, parseSettings, todayUtc } from "./settings";
import { SettingsError } from "./validate";

export * from "./settings";
export { SettingsError } from "./validate";

/**
 * Reads and validates this stack's configuration. On bad input it fails the deployment before any
 * resource is registered, with every problem listed and no stack trace (`RunError`).
 */
export function loadSettings(): Settings {
    try {
        return parseSettings({
            project: pulumi.getProject(),
            stack: pulumi.getStack(),
            config: pulumi.runtime.allConfig(),
            // Version support is judged on the day of the deployment (UTC, as the EKS calendar).
            today: todayUtc(),
            // A real preview or update: an engine is attached. Under Pulumi's mocks (npm run synth, the
            // tests) there is none: the mock monitor runs with no engine address, and the SDK's own
            // logging tells the two apart the same way (@pulumi/pulumi 3.270.0 runtime/settings.js
            // setMockOptions, log/index.js).
            live: pulumi.runtime.getEngine() !== undefined,
        });
    } catch (err) {
        if (err instanceof SettingsError) {
            throw new pulumi.RunError(err.message);
        }
        throw err;
    }
}
